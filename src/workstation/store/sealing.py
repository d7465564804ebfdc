"""The sealing codec: encryption at rest with AES-256-GCM under the store's data keys.

:class:`SealingCodec` is what :func:`workstation.store.protection.install_codec`
is given once a store has encryption on (see :mod:`workstation.store.keys`).

- A value (a personal-data column) is sealed as ``MAGIC_VALUE + key id + nonce +
  ciphertext``: a random 96-bit nonce per value, the header authenticated as
  associated data. The key id (8 bytes derived from the key) says which data key
  sealed it, so a rotation tells old values from new ones.
- A stored file is sealed in a streaming chunked format (the STREAM construction):
  a header ``MAGIC_STREAM + key id + 7-byte random prefix`` then segments of
  :data:`SEGMENT` plain bytes, each sealed with the nonce ``prefix + segment
  counter (4 bytes) + last-segment flag (1 byte)``. Reordered, dropped,
  truncated or appended segments fail authentication. Files are sealed and
  opened a segment at a time, so memory stays flat whatever the file's size,
  and the opened file can seek (the sender resumes uploads).
- :meth:`SealingCodec.keyed` names things (blob names, blind search tokens) with
  HMAC-SHA256 under a key derived (HKDF) from the data key for each purpose.
- :meth:`SealingCodec.seal_digest` seals a SHA-256 deterministically (AES-SIV
  under a derived key), so database columns of content hashes still join and
  compare for equality, without letting anybody test a known document.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
import re
from collections.abc import Mapping
from functools import cache
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from workstation.errors import StoreError

MAGIC_VALUE = b"MC\x01"
MAGIC_STREAM = b"MC\x02"
KEY_ID_BYTES = 8
NONCE_BYTES = 12
TAG_BYTES = 16
PREFIX_BYTES = 7
SEGMENT = 1 << 20
"""Plain bytes per sealed segment of a stored file."""
STREAM_HEADER = len(MAGIC_STREAM) + KEY_ID_BYTES + PREFIX_BYTES
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class SealBroken(StoreError):
    """Stored bytes fail authentication: changed, truncated, or sealed under another key."""

    code = "store.seal_broken"


class UnknownKey(StoreError):
    """Stored bytes were sealed under a data key this store does not hold."""

    code = "store.key_unknown"


def key_id_of(data_key: bytes) -> str:
    """The id (16 hex characters) naming ``data_key`` in what it seals; reveals nothing of it."""
    return _derive(data_key, b"key id", KEY_ID_BYTES).hex()


@cache
def _derive(data_key: bytes, purpose: bytes, length: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=None, info=b"mot-cua/" + purpose
    ).derive(data_key)


class SealingCodec:
    """Seals with the current data key; opens what any of ``keys`` sealed.

    ``keys`` maps key ids (:func:`key_id_of`) to 32-byte data keys; ``current``
    is the id of the key new data is sealed under. During a rotation the old key
    is in ``keys`` too, so data sealed under it can still be opened.
    """

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise ValueError("the current key must be one of the keys")
        for key_id, key in keys.items():
            if len(key) != 32 or key_id_of(key) != key_id:
                raise ValueError("each key must be 32 bytes, under its own id")
        self._keys = dict(keys)
        self.current = current
        self.name = f"aes256gcm-{current}"
        self._aead = {kid: AESGCM(key) for kid, key in self._keys.items()}

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    # Values ----------------------------------------------------------------

    def seal(self, plain: bytes) -> bytes:
        header = MAGIC_VALUE + bytes.fromhex(self.current)
        nonce = os.urandom(NONCE_BYTES)
        return header + nonce + self._aead[self.current].encrypt(nonce, plain, header)

    def open(self, stored: bytes) -> bytes:
        head = len(MAGIC_VALUE) + KEY_ID_BYTES
        if len(stored) < head + NONCE_BYTES + TAG_BYTES or not stored.startswith(MAGIC_VALUE):
            raise SealBroken("a sealed value is malformed")
        aead = self._aead_for(stored[len(MAGIC_VALUE) : head])
        nonce = stored[head : head + NONCE_BYTES]
        try:
            return aead.decrypt(nonce, stored[head + NONCE_BYTES :], stored[:head])
        except InvalidTag as exc:
            raise SealBroken("a sealed value fails authentication") from exc

    def sealed_by_current(self, stored: bytes) -> bool:
        """Whether ``stored`` (a sealed value or file head) is under the current key."""
        return stored[3 : 3 + KEY_ID_BYTES] == bytes.fromhex(self.current)

    def _aead_for(self, key_id: bytes) -> AESGCM:
        aead = self._aead.get(key_id.hex())
        if aead is None:
            raise UnknownKey(f"sealed under key {key_id.hex()}, which this store does not hold")
        return aead

    # Names -----------------------------------------------------------------

    def keyed(self, purpose: str, value: str) -> str:
        return self.keyed_with(self.current, purpose, value)

    def keyed_with(self, key_id: str, purpose: str, value: str) -> str:
        """:meth:`keyed` under the data key ``key_id`` (a rotation names old blobs with it)."""
        key = _derive(self._keys[key_id], b"keyed/" + purpose.encode(), 32)
        return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    # Content hashes in columns -----------------------------------------------

    def seal_digest(self, digest: str) -> str:
        """``digest`` (64 hex) sealed deterministically: 64 URL-safe base64 characters."""
        if not _HEX64.match(digest):
            raise ValueError("not a SHA-256 hex digest")
        sealed = self._siv(self.current).encrypt(bytes.fromhex(digest), None)
        return base64.urlsafe_b64encode(sealed).decode("ascii")

    def open_digest(self, stored: str) -> str:
        """The digest behind :meth:`seal_digest`'s output, under whichever key sealed it."""
        return self._open_digest(stored)[0]

    def digest_sealed_by_current(self, stored: str) -> bool:
        return self._open_digest(stored)[1] == self.current

    def _open_digest(self, stored: str) -> tuple[str, str]:
        try:
            sealed = base64.urlsafe_b64decode(stored.encode("ascii"))
        except (ValueError, UnicodeEncodeError) as exc:
            raise SealBroken("a sealed digest is malformed") from exc
        for key_id in (self.current, *(k for k in self._keys if k != self.current)):
            try:
                return self._siv(key_id).decrypt(sealed, None).hex(), key_id
            except InvalidTag:
                continue
        raise SealBroken("a sealed digest fails authentication under every key")

    def _siv(self, key_id: str) -> AESSIV:
        return AESSIV(_derive(self._keys[key_id], b"digest column", 64))

    # Files -----------------------------------------------------------------

    def seal_stream(self, source: BinaryIO, sink: BinaryIO) -> None:
        """Seal what is left to read in ``source`` into ``sink``, a segment at a time."""
        prefix = os.urandom(PREFIX_BYTES)
        header = MAGIC_STREAM + bytes.fromhex(self.current) + prefix
        sink.write(header)
        aead = self._aead[self.current]
        counter = 0
        segment = _read_full(source, SEGMENT)
        while True:
            following = _read_full(source, SEGMENT) if len(segment) == SEGMENT else b""
            last = not following
            sink.write(aead.encrypt(_nonce(prefix, counter, last), segment, header))
            if last:
                return
            segment, counter = following, counter + 1

    def open_stream(self, stored: BinaryIO) -> io.BufferedReader:
        """A readable, seekable file of the plain content sealed in ``stored`` (closed with it)."""
        return io.BufferedReader(_OpenedStream(self, stored), buffer_size=SEGMENT)

    def stream_key(self, stored_head: bytes) -> str | None:
        """The key id a sealed file's first bytes name, or None if it is not a sealed file."""
        if len(stored_head) < STREAM_HEADER - PREFIX_BYTES or not stored_head.startswith(
            MAGIC_STREAM
        ):
            return None
        key_id = stored_head[3 : 3 + KEY_ID_BYTES].hex()
        return key_id if key_id in self._keys else None


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _read_full(source: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end (a pipe may return short reads)."""
    parts = []
    wanted = size
    while wanted:
        chunk = source.read(wanted)
        if not chunk:
            break
        parts.append(chunk)
        wanted -= len(chunk)
    return b"".join(parts)


class _OpenedStream(io.RawIOBase):
    """The plain content of a sealed file, decrypted one segment at a time."""

    def __init__(self, codec: SealingCodec, stored: BinaryIO) -> None:
        super().__init__()
        self._stored = stored
        header = stored.read(STREAM_HEADER)
        if len(header) != STREAM_HEADER or not header.startswith(MAGIC_STREAM):
            stored.close()
            raise SealBroken("a sealed file is malformed")
        self._header = header
        self._prefix = header[-PREFIX_BYTES:]
        try:
            self._aead = codec._aead_for(header[3 : 3 + KEY_ID_BYTES])
        except UnknownKey:
            stored.close()
            raise
        body = stored.seek(0, io.SEEK_END) - STREAM_HEADER
        step = SEGMENT + TAG_BYTES
        self._segments = max(1, -(-body // step))
        self._size = body - self._segments * TAG_BYTES
        if self._size < 0 or body - (self._segments - 1) * step < TAG_BYTES:
            stored.close()
            raise SealBroken("a sealed file is truncated")
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise OSError("negative seek position")
        self._position = base + offset
        return self._position

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        if self._position >= self._size:
            return 0
        index, within = divmod(self._position, SEGMENT)
        plain = self._segment(index)
        chunk = plain[within : within + len(buffer)]
        buffer[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)

    def _segment(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        self._stored.seek(STREAM_HEADER + index * (SEGMENT + TAG_BYTES))
        sealed = _read_full(self._stored, SEGMENT + TAG_BYTES)
        last = index == self._segments - 1
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, index, last), sealed, self._header)
        except InvalidTag as exc:
            raise SealBroken("a sealed file fails authentication") from exc
        self._cached = (index, plain)
        return plain

    def close(self) -> None:
        if not self.closed:
            self._stored.close()
        super().close()
