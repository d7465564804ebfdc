"""Content-addressed storage for page images and PDFs.

A blob is named by the SHA-256 of its content and stored at
``<root>/<aa>/<bb>/<sha256>``. Writes are atomic (temporary file, fsync,
rename, then fsync of the folder) and a stored blob is never overwritten: the
same content always has the same name, so a second write is a no-op. Bytes on
disk pass through the codec of :mod:`workstation.store.protection`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path

from workstation.errors import StoreError
from workstation.store import protection

log = logging.getLogger(__name__)

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


def sha256_of(data: bytes) -> str:
    """The name a blob with this content is stored under."""
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Page images and PDFs on disk, by content hash."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # Writing ---------------------------------------------------------------

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its SHA-256; storing the same bytes twice is a no-op."""
        digest = sha256_of(data)
        target = self._path(digest)
        if target.exists():
            return digest
        self._write_atomically(target, protection.codec().seal(data))
        log.debug("stored blob %s (%d bytes)", digest, len(data))
        return digest

    def _write_atomically(self, target: Path, data: bytes) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
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
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
            _fsync_folder(target.parent)
        except OSError as exc:
            raise StoreError(
                f"cannot write blob to {target.parent}: {exc.strerror or exc}",
                code="store.blob_write_failed",
            ) from exc

    # Reading ---------------------------------------------------------------

    def read(self, digest: str) -> bytes:
        """The content stored under ``digest``, checked against its hash."""
        path = self._path(digest)
        try:
            data = protection.codec().open(path.read_bytes())
        except FileNotFoundError as exc:
            raise StoreError(f"blob {digest} is missing", code="store.blob_missing") from exc
        except OSError as exc:
            raise StoreError(
                f"cannot read blob {digest}: {exc.strerror}", code="store.blob_unreadable"
            ) from exc
        if sha256_of(data) != digest:
            raise StoreError(f"blob {digest} is damaged (hash mismatch)", code="store.blob_damaged")
        return data

    def exists(self, digest: str) -> bool:
        return self._path(digest).exists()

    def digests(self) -> Iterator[str]:
        """Every stored digest (in no particular order)."""
        if not self.root.exists():
            return
        for path in self.root.glob("??/??/*"):
            if _DIGEST.match(path.name):
                yield path.name

    def remove_unreferenced(
        self, referenced: Iterable[str], *, older_than: timedelta = timedelta(hours=1)
    ) -> list[str]:
        """Delete blobs nothing refers to, left by a transaction that was refused or a crash.

        Only blobs (and interrupted ``.incoming-*`` files) older than ``older_than`` go:
        a younger blob may belong to a dossier whose transaction has not committed yet.
        """
        keep = set(referenced)
        cutoff = time.time() - older_than.total_seconds()
        removed = []
        for digest in self.digests():
            path = self._path(digest)
            if digest not in keep and _modified(path) < cutoff:
                path.unlink(missing_ok=True)
                removed.append(digest)
        for leftover in self.root.glob("??/??/.incoming-*") if self.root.exists() else ():
            if _modified(leftover) < cutoff:
                leftover.unlink(missing_ok=True)
        return removed

    def _path(self, digest: str) -> Path:
        if not _DIGEST.match(digest):
            raise ValueError(f"not a SHA-256 hex digest: {digest!r}")
        return self.root / digest[:2] / digest[2:4] / digest


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; Windows cannot open folders, and NTFS journals renames."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
