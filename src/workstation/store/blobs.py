"""Content-addressed storage for page images and PDFs.

A blob is known by the SHA-256 of its content and stored at
``<root>/<aa>/<bb>/<name>``, where ``name`` is ``protection.keyed("blob",
sha256)``: the SHA-256 itself under the plain codec, a keyed hash under a sealing
codec, so nobody without the key can test whether a known document is on the
disk. Callers only ever speak of the SHA-256. Writes are atomic (temporary
file, fsync, rename, then fsync of the folder) and a stored blob is never
overwritten: the same content always has the same name, so a second write is a
no-op. Bytes on disk pass through the codec of :mod:`workstation.store.protection`;
a codec that seals files in segments (``seal_stream``/``open_stream``) streams
them both ways, as the plain codec does.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from workstation.errors import StoreError
from workstation.store import protection

log = logging.getLogger(__name__)

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_SEALED_FILE = b"MC\x02"  # (workstation.store.sealing.MAGIC_STREAM)
_CHUNK = 1 << 20
INCOMING = ".incoming-"
"""Prefix of a blob being written (a temporary file, renamed when complete)."""
DOOMED = ".removing-"
"""Prefix of a blob a clean-up has moved aside before deleting it."""
_ASIDE_GRACE = timedelta(minutes=10)


def sha256_of(data: bytes) -> str:
    """The name a blob with this content is stored under."""
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Page images and PDFs on disk, by content hash."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # Writing ---------------------------------------------------------------

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its SHA-256; storing the same bytes twice is a no-op.

        Storing content that is already there renews its claim (see :meth:`renew`),
        so a clean-up cannot take it away from a dossier about to refer to it.
        """
        digest = sha256_of(data)
        target = self._path(digest)
        if self.renew(digest):
            return digest
        codec = protection.codec()
        if _streams(codec):
            sealed = io.BytesIO()
            codec.seal_stream(io.BytesIO(data), sealed)  # type: ignore[attr-defined]
            stored = sealed.getvalue()
        else:
            stored = codec.seal(data)
        self._write_atomically(target, stored)
        log.debug("stored blob %s (%d bytes)", digest, len(data))
        return digest

    def put_file(self, source: BinaryIO) -> str:
        """Store what is left to read in ``source`` and return its SHA-256.

        With the plain codec or a streaming sealing codec the content streams to
        the temporary file while it is hashed (memory: one segment, whatever the
        file's size); another codec needs the whole content at once. An error
        reading ``source`` propagates as the ``OSError`` it is (the officer's
        file, not the store, failed).
        """
        codec = protection.codec()
        if not _streams(codec) and not isinstance(codec, protection.PlainCodec):
            return self.put(_read_all(source))
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=INCOMING, dir=self.root)
        except OSError as exc:
            raise _write_failed(self.root, exc) from exc
        try:
            hasher = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as f:
                if _streams(codec):
                    hashing = _Hashing(source, hasher)
                    codec.seal_stream(hashing, f)  # type: ignore[attr-defined]
                    size = hashing.size
                else:
                    while chunk := _read_chunk(source):
                        hasher.update(chunk)
                        f.write(chunk)
                        size += len(chunk)
                f.flush()
                os.fsync(f.fileno())
            digest = hasher.hexdigest()
            target = self._path(digest)
            if self.renew(digest):
                os.unlink(tmp)
                return digest
            target.parent.mkdir(parents=True, exist_ok=True)
            self._place(tmp, target)
        except _SourceUnreadable as failure:
            _unlink_quietly(tmp)
            raise failure.cause from None
        except OSError as exc:
            _unlink_quietly(tmp)
            raise _write_failed(self.root, exc) from exc
        except BaseException:
            _unlink_quietly(tmp)
            raise
        log.debug("stored blob %s (%d bytes, streamed)", digest, size)
        return digest

    def renew(self, digest: str) -> bool:
        """Claim the stored blob ``digest`` anew (its time becomes now); False if it is absent.

        The claim is what :meth:`remove_unreferenced` honours: a blob claimed after
        a clean-up looked at it is put back, or reported absent here so the caller
        writes it again. Either way a caller that got True may refer to it.
        """
        target = self._path(digest)
        try:
            before = os.stat(target).st_mtime_ns
            now = max(time.time_ns(), before + 1)  # always a change the clean-up can see
            os.utime(target, ns=(now, now))
            os.stat(target)  # still there after the claim (a clean-up may have moved it)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise _write_failed(target.parent, exc) from exc
        return True

    def _write_atomically(self, target: Path, data: bytes) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=INCOMING, dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                self._place(tmp, target)
            except BaseException:
                _unlink_quietly(tmp)
                raise
        except OSError as exc:
            raise _write_failed(target.parent, exc) from exc

    @staticmethod
    def _place(tmp: str, target: Path) -> None:
        """Move the written temporary file ``tmp`` to ``target``, durably."""
        if target.exists():  # another writer stored the same content meanwhile
            os.unlink(tmp)
            return
        try:
            os.replace(tmp, target)
        except PermissionError:
            # Windows refuses to replace a file someone is reading; if that file
            # is this content (same name, same bytes), the write has already happened.
            if not target.exists():
                raise
            os.unlink(tmp)
            return
        _fsync_folder(target.parent)

    # Reading ---------------------------------------------------------------

    def read(self, digest: str) -> bytes:
        """The content stored under ``digest``, checked against its hash."""
        path = self._path(digest)
        codec = protection.codec()
        try:
            if _streams(codec):
                with codec.open_stream(path.open("rb")) as opened:  # type: ignore[attr-defined]
                    data = opened.read()
            else:
                data = codec.open(path.read_bytes())
        except StoreError as exc:  # the seal does not hold: changed on disk
            raise StoreError(
                f"blob {digest} is damaged ({exc.code})", code="store.blob_damaged"
            ) from exc
        except FileNotFoundError as exc:
            raise StoreError(f"blob {digest} is missing", code="store.blob_missing") from exc
        except OSError as exc:
            raise StoreError(
                f"cannot read blob {digest}: {exc.strerror}", code="store.blob_unreadable"
            ) from exc
        if sha256_of(data) != digest:
            raise StoreError(f"blob {digest} is damaged (hash mismatch)", code="store.blob_damaged")
        return data

    def open(self, digest: str) -> BinaryIO:
        """The content stored under ``digest`` as a file to read (and seek) from.

        With the plain codec this is the stored file itself, and with a streaming
        sealing codec a file that opens it a segment at a time, so a large blob
        is read a chunk at a time (the sender streams uploads from it); another
        codec opens the whole content into memory first. Not checked against its
        hash: the reader (the central system) checks what arrives (a sealed file
        is authenticated segment by segment as it is read).
        """
        codec = protection.codec()
        if not _streams(codec) and not isinstance(codec, protection.PlainCodec):
            return io.BytesIO(self.read(digest))
        try:
            stored = self._path(digest).open("rb")
            if _streams(codec):
                return codec.open_stream(stored)  # type: ignore[attr-defined,no-any-return]
            return stored
        except FileNotFoundError as exc:
            raise StoreError(f"blob {digest} is missing", code="store.blob_missing") from exc

    def exists(self, digest: str) -> bool:
        return self._path(digest).exists()

    def names(self) -> Iterator[str]:
        """The on-disk name of every stored blob (in no particular order).

        Under the plain codec a name is the content's SHA-256; under a sealing
        codec it is a keyed hash of it (:meth:`name_of`), which cannot be turned
        back into the SHA-256.
        """
        if not self.root.exists():
            return
        for path in self.root.glob("??/??/*"):
            if _DIGEST.match(path.name):
                yield path.name

    def name_of(self, digest: str) -> str:
        """The on-disk name of the blob whose content has SHA-256 ``digest``."""
        if not _DIGEST.match(digest):
            raise ValueError(f"not a SHA-256 hex digest: {digest!r}")
        return protection.keyed("blob", digest)

    def path_of_name(self, name: str) -> Path:
        """Where the blob named ``name`` (see :meth:`names`) is stored."""
        return self.root / name[:2] / name[2:4] / name

    def remove_unreferenced(
        self,
        referenced: Iterable[str] | Callable[[], Iterable[str]],
        *,
        older_than: timedelta = timedelta(hours=1),
        interrupted_older_than: timedelta | None = None,
    ) -> list[str]:
        """Delete blobs nothing refers to, left by a transaction that was refused or a crash.

        Only blobs whose claim is older than ``older_than`` go: a younger one may
        belong to a dossier whose transaction has not committed yet, so
        ``older_than`` must be longer than storing a dossier's files and saving it
        takes. ``referenced`` may be a function, called after the blobs are listed,
        so a dossier saved meanwhile is seen. A blob is first moved aside, then
        looked at again: if it was claimed meanwhile (:meth:`renew`) it is put
        back. Interrupted writes (``.incoming-*``) older than
        ``interrupted_older_than`` (default: ``older_than``) go too. Returns the
        on-disk names removed (the SHA-256s under the plain codec).
        """
        cutoff = time.time_ns() - _ns(older_than)
        candidates = []
        for name in self.names():
            modified = _modified_ns(self.path_of_name(name))
            if modified is not None and modified < cutoff:
                candidates.append(name)
        removed = []
        if candidates:  # (the database is read only when there is something to decide)
            digests = referenced() if callable(referenced) else referenced
            keep = {self.name_of(d) for d in digests}
            removed = [
                n for n in candidates if n not in keep and self._remove_if_unclaimed(n, cutoff)
            ]
        if interrupted_older_than is None:
            interrupted_older_than = older_than
        self.remove_interrupted(interrupted_older_than)
        if removed:
            log.info("removed %d unreferenced blob(s)", len(removed))
        return removed

    def _remove_if_unclaimed(self, name: str, cutoff: int) -> bool:
        path = self.path_of_name(name)
        try:
            seen = os.stat(path).st_mtime_ns
            if seen >= cutoff:
                return False
            aside = path.with_name(f"{DOOMED}{time.time_ns()}-{name}")
            os.rename(path, aside)
        except OSError:  # gone already, or (Windows) open for reading: leave it for next time
            return False
        if os.stat(aside).st_mtime_ns != seen:  # claimed after we looked: put it back
            try:
                os.replace(aside, path)
            except OSError:  # (Windows) a new copy is there and open: it is the same content
                _unlink_quietly(aside)
            return False
        try:
            os.unlink(aside)
        except OSError:  # (Windows) opened meanwhile: remove_interrupted takes it later
            log.info("blob %s moved aside but not yet deleted", name)
        return True

    def remove_interrupted(self, older_than: timedelta) -> int:
        """Delete temporary files of writes that never finished (a receive killed half-way).

        A write in progress keeps its file's time fresh, so ``older_than`` can be
        a few minutes. Returns how many files went.
        """
        if not self.root.exists():
            return 0
        cutoff = time.time_ns() - _ns(older_than)
        count = 0
        leftovers = [
            *self.root.glob(f"{INCOMING}*"),
            *self.root.glob(f"??/??/{INCOMING}*"),
        ]
        for leftover in leftovers:
            modified = _modified_ns(leftover)
            if modified is not None and modified < cutoff:
                leftover.unlink(missing_ok=True)
                count += 1
        # Blobs moved aside by a clean-up that stopped before deciding: a claim made
        # meanwhile has found the blob gone and written it again, so they are garbage.
        for aside in self.root.glob(f"??/??/{DOOMED}*"):
            moved_at = aside.name[len(DOOMED) :].partition("-")[0]
            if moved_at.isdigit() and int(moved_at) < time.time_ns() - _ns(_ASIDE_GRACE):
                aside.unlink(missing_ok=True)
                count += 1
        if count:
            log.info("removed %d interrupted blob write(s)", count)
        return count

    # Sealing anew ---------------------------------------------------------------

    def reseal(self, name: str, codec: Any) -> bool:
        """Seal the blob ``name`` under ``codec``'s current key and keyed name; False if it was.

        For switching encryption on (a plain blob, named by its SHA-256) and for a
        rotation (a blob sealed under an older key): the content streams from the
        old file to a new one, hashed on the way, which takes its new name before
        the old file is removed, so a kill at any point loses nothing and running
        again finishes the work. A blob sealed under a key ``codec`` does not hold
        is left as it is (False).
        """
        path = self.path_of_name(name)
        with path.open("rb") as f:
            head = f.read(64)
        key = codec.stream_key(head)
        if key == codec.current:
            return False
        if key is None and head.startswith(_SEALED_FILE):
            log.warning("blob %s is sealed under a key this store does not hold", name)
            return False
        source = codec.open_stream(path.open("rb")) if key else path.open("rb")
        fd, tmp = tempfile.mkstemp(prefix=INCOMING, dir=path.parent)
        try:
            hasher = hashlib.sha256()
            with source, os.fdopen(fd, "wb") as f:
                codec.seal_stream(_Hashing(source, hasher), f)
                f.flush()
                os.fsync(f.fileno())
            digest = hasher.hexdigest()
            if key is None and digest != name:  # damaged before: keep its name, reading says so
                log.warning("blob %s does not match its name; sealed as it is", name)
                digest = name
            target = self.path_of_name(codec.keyed("blob", digest))
            target.parent.mkdir(parents=True, exist_ok=True)
            self._place(tmp, target)
        except BaseException:
            _unlink_quietly(tmp)
            raise
        if target != path:
            path.unlink()
            for folder in (path.parent, path.parent.parent):  # its name's prefix goes too
                with contextlib.suppress(OSError):
                    folder.rmdir()
        return True

    def _path(self, digest: str) -> Path:
        return self.path_of_name(self.name_of(digest))

    def discard(self, digest: str, *, unclaimed_for: timedelta = timedelta(hours=1)) -> bool:
        """Delete blob ``digest``, which its holders no longer need (the retention purge).

        As in :meth:`remove_unreferenced`, a blob claimed within ``unclaimed_for``
        (stored again for a dossier about to refer to it) stays. True if it went.
        """
        return self._remove_if_unclaimed(self.name_of(digest), time.time_ns() - _ns(unclaimed_for))


def _ns(span: timedelta) -> int:
    return int(span.total_seconds() * 1_000_000_000)


def _modified_ns(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


class _SourceUnreadable(Exception):
    """Reading the caller's file failed (not the store): carried out of the write path."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _read_chunk(source: BinaryIO) -> bytes:
    try:
        return source.read(_CHUNK)
    except OSError as exc:
        raise _SourceUnreadable(exc) from exc


def _streams(codec: object) -> bool:
    """Whether ``codec`` seals files a segment at a time (``seal_stream``/``open_stream``)."""
    return hasattr(codec, "seal_stream")


class _Hashing:
    """Reads ``source`` for a streaming codec, hashing the plain content as it goes."""

    def __init__(self, source: BinaryIO, hasher: hashlib._Hash) -> None:
        self.source, self.hasher, self.size = source, hasher, 0

    def read(self, size: int = -1) -> bytes:
        try:
            chunk = self.source.read(size)
        except OSError as exc:
            raise _SourceUnreadable(exc) from exc
        self.hasher.update(chunk)
        self.size += len(chunk)
        return chunk


def _read_all(source: BinaryIO) -> bytes:
    return source.read()


def _unlink_quietly(path: str | Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _write_failed(folder: Path, exc: OSError) -> StoreError:
    return StoreError(
        f"cannot write blob to {folder}: {exc.strerror or exc}",
        code="store.blob_write_failed",
    )


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; Windows cannot open folders, and NTFS journals renames."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
