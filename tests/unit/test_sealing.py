"""The sealing codec: values and files round-trip, and any change on disk is detected."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from datetime import timedelta

import pytest

from workstation.store import protection
from workstation.store.blobs import BlobStore
from workstation.store.sealing import (
    SEGMENT,
    STREAM_HEADER,
    TAG_BYTES,
    SealBroken,
    SealingCodec,
    UnknownKey,
    key_id_of,
)


def _codec(*keys: bytes) -> SealingCodec:
    keys = keys or (os.urandom(32),)
    return SealingCodec({key_id_of(k): k for k in keys}, key_id_of(keys[-1]))


@pytest.fixture
def sealing():
    codec = _codec()
    protection.install_codec(codec)
    yield codec
    protection.install_codec(protection.PlainCodec())


def test_a_value_opens_to_what_was_sealed_and_never_seals_the_same_twice() -> None:
    codec = _codec()
    first, second = codec.seal("Nguyễn Văn A".encode()), codec.seal("Nguyễn Văn A".encode())
    assert first != second, "a random nonce per value"
    assert "Nguyễn".encode() not in first
    assert codec.open(first).decode() == "Nguyễn Văn A"


@pytest.mark.parametrize("where", [0, 5, 20, -1])
def test_a_value_changed_anywhere_is_refused(where: int) -> None:
    codec = _codec()
    sealed = bytearray(codec.seal(b"079201001234"))
    sealed[where] ^= 0x01
    with pytest.raises((SealBroken, UnknownKey)):
        codec.open(bytes(sealed))


def test_a_value_sealed_under_another_store_s_key_is_refused_by_name() -> None:
    with pytest.raises(UnknownKey) as caught:
        _codec().open(_codec().seal(b"x"))
    assert caught.value.code == "store.key_unknown"


def test_after_a_rotation_old_values_still_open_and_new_ones_use_the_new_key() -> None:
    old, new = os.urandom(32), os.urandom(32)
    before = _codec(old).seal(b"dia chi")
    rotating = _codec(old, new)
    assert rotating.open(before) == b"dia chi"
    assert not rotating.sealed_by_current(before)
    assert rotating.sealed_by_current(rotating.seal(b"dia chi"))


def test_keyed_names_depend_on_key_and_purpose_and_hide_the_value() -> None:
    codec, other = _codec(), _codec()
    digest = hashlib.sha256(b"page").hexdigest()
    name = codec.keyed("blob", digest)
    assert len(name) == 64 and name != digest
    assert name == codec.keyed("blob", digest), "the same name every time"
    assert name != codec.keyed("search", digest) and name != other.keyed("blob", digest)


def test_a_digest_seals_to_the_same_64_characters_so_equality_queries_still_work() -> None:
    codec = _codec()
    digest = hashlib.sha256(b"page").hexdigest()
    sealed = codec.seal_digest(digest)
    assert sealed == codec.seal_digest(digest) and len(sealed) == 64 and sealed != digest
    assert codec.open_digest(sealed) == digest
    with pytest.raises(SealBroken):
        _codec().open_digest(sealed)


def _seal_file(codec: SealingCodec, content: bytes) -> bytes:
    sink = io.BytesIO()
    codec.seal_stream(io.BytesIO(content), sink)
    return sink.getvalue()


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 2 * SEGMENT + 7])
def test_a_file_of_any_size_opens_to_its_content_and_seeks(size: int) -> None:
    codec = _codec()
    content = os.urandom(size)
    opened = codec.open_stream(io.BytesIO(_seal_file(codec, content)))
    assert opened.read() == content
    if size > 10:
        opened.seek(size - 10)
        assert opened.read() == content[-10:]
        opened.seek(3)
        assert opened.read(5) == content[3:8]


def _segments(sealed: bytes) -> tuple[bytes, list[bytes]]:
    step = SEGMENT + TAG_BYTES
    body = sealed[STREAM_HEADER:]
    return sealed[:STREAM_HEADER], [body[i : i + step] for i in range(0, len(body), step)]


def _tampered(sealed: bytes, how: str) -> bytes:
    header, segments = _segments(sealed)
    if how == "flipped":
        changed = bytearray(sealed)
        changed[STREAM_HEADER + SEGMENT // 2] ^= 0x80
        return bytes(changed)
    if how == "truncated at a segment boundary":
        return header + b"".join(segments[:-1])
    if how == "reordered":
        return header + segments[1] + segments[0] + b"".join(segments[2:])
    if how == "segment dropped":
        return header + segments[0] + b"".join(segments[2:])
    if how == "cut short":
        return sealed[:-5]
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    ["flipped", "truncated at a segment boundary", "reordered", "segment dropped", "cut short"],
)
def test_a_sealed_file_changed_on_disk_is_refused(how: str) -> None:
    codec = _codec()
    sealed = _seal_file(codec, os.urandom(3 * SEGMENT + 100))
    with pytest.raises(SealBroken):
        codec.open_stream(io.BytesIO(_tampered(sealed, how))).read()


def test_a_blob_changed_on_disk_is_reported_damaged(sealing, tmp_path) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"scan" * 1000)
    path = blobs.path_of_name(blobs.name_of(digest))
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(Exception) as caught:
        blobs.read(digest)
    assert getattr(caught.value, "code", None) == "store.blob_damaged"


def test_the_retention_purge_discards_a_blob_stored_under_its_keyed_name(sealing, tmp_path) -> None:
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"scan" * 1000)
    assert blobs.discard(digest, unclaimed_for=timedelta(0))
    assert not blobs.exists(digest)
    assert list(blobs.names()) == []


class _Generated(io.RawIOBase):
    """``size`` bytes made up as they are read (never all in memory)."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.hasher = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = min(len(buffer), self.left, 256 * 1024)
        chunk = (b"trang %d " % self.left * 40000)[:n]
        buffer[:n] = chunk
        self.hasher.update(chunk)
        self.left -= n
        return n


def test_a_large_file_is_sealed_stored_and_opened_with_flat_memory(sealing, tmp_path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    size = 40 * SEGMENT
    source = _Generated(size)
    tracemalloc.start()
    try:
        digest = blobs.put_file(io.BufferedReader(source))
        _, stored_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        hasher, read = hashlib.sha256(), 0
        with blobs.open(digest) as opened:
            while chunk := opened.read(300_000):
                hasher.update(chunk)
                read += len(chunk)
        _, opened_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest == source.hasher.hexdigest() == hasher.hexdigest() and read == size
    on_disk = blobs.path_of_name(blobs.name_of(digest))
    assert on_disk.name != digest and on_disk.stat().st_size > size
    assert stored_peak < 8 * SEGMENT and opened_peak < 8 * SEGMENT, (stored_peak, opened_peak)
