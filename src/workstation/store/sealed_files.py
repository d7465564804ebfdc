"""Files the workstation keeps in its data folder outside the blob store, sealed like blobs.

Printed forms (``forms/``), receipts (``receipts/``), hand-over records
(``handovers/``), documents fetched for reuse (``reused/``) and exports waiting
to be sent (``exports/``) are kept for later. With encryption on (a sealing
codec installed, :mod:`workstation.store.protection`) they are written here in
the codec's sealed file format (:meth:`SealingCodec.seal_stream`), atomically,
and read back through :func:`read` / :func:`open_file`, which take a plain file
(written before encryption was on) as it is. With the plain codec nothing
changes: the file is written as it is.

An outside program (a PDF viewer, the intake's page checks in the process
pool) needs a plain file: such copies go to ONE working folder,
:data:`PLAIN_FOLDER` (``viewing/`` in the data folder), through
:func:`plain_copy`. It is the only place in the data folder where a plain copy
of a citizen's paper may lie: the window empties it at start and at exit
(:func:`empty_plain_folder`), and the hourly housekeeping removes what is
older than an hour.

:func:`seal_kept_files` seals (or seals anew under a new key) every plain file
of these kinds and the database's upgrade copies; it is part of switching
encryption on and of a rotation (:mod:`workstation.store.resealing`), and it
is resumable: a file is replaced by its sealed copy atomically, and one
already under the current key is left alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from workstation.store import protection

log = logging.getLogger(__name__)

MAGIC = b"MC\x02"  # (workstation.store.sealing.MAGIC_STREAM)
KEPT_FOLDERS = ("forms", "receipts", "handovers", "reused", "exports")
"""Folders of the data folder whose files are kept for later, sealed with encryption on."""
PLAIN_FOLDER = "viewing"
"""The one working folder of plain copies for outside programs (emptied often)."""
_PARTIAL = ".sealing-"


def sealing(codec: Any = None) -> bool:
    """Whether ``codec`` (default: the installed one) seals files."""
    return hasattr(codec if codec is not None else protection.codec(), "seal_stream")


def is_sealed(path: Path) -> bool:
    """Whether the file at ``path`` is in the sealed file format."""
    with path.open("rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, sealed when encryption is on; return ``path``."""
    return write_from(path, io.BytesIO(data))


def write_from(path: Path, source: BinaryIO) -> Path:
    """Write what is left to read in ``source`` to ``path`` atomically (sealed when on)."""
    codec = protection.codec()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_PARTIAL, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if sealing(codec):
                codec.seal_stream(source, f)  # type: ignore[attr-defined]
            else:
                while chunk := source.read(1 << 20):
                    f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def open_file(path: Path) -> BinaryIO:
    """The plain content of the file at ``path`` (sealed or not) as a file to read and seek."""
    stored = path.open("rb")
    head = stored.read(len(MAGIC))
    stored.seek(0)
    if head != MAGIC:
        return stored
    codec = protection.codec()
    if not sealing(codec):
        stored.close()
        from workstation.store.keys import KeyMissing

        raise KeyMissing(f"a sealed file cannot be opened without the store's key: {path.name}")
    return codec.open_stream(stored)  # type: ignore[attr-defined,no-any-return]


def read(path: Path) -> bytes:
    """The plain content of the file at ``path``, sealed or not."""
    with open_file(path) as f:
        return f.read()


# The one plain working folder ------------------------------------------------


def plain_folder(data_folder: Path) -> Path:
    """The working folder of plain copies for outside programs."""
    return data_folder / PLAIN_FOLDER


def plain_copy(data_folder: Path, source: Path | bytes, suffix: str = ".pdf") -> Path:
    """A plain copy of ``source`` (a kept file, sealed or not, or bytes) in the working folder.

    Named at random (never after a citizen or a document's hash); it lives until
    the folder is emptied (:func:`empty_plain_folder`).
    """
    folder = plain_folder(data_folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    if isinstance(source, bytes):
        target.write_bytes(source)
    else:
        with open_file(source) as opened, target.open("wb") as out:
            while chunk := opened.read(1 << 20):
                out.write(chunk)
    return target


def empty_plain_folder(data_folder: Path, older_than: timedelta = timedelta(0)) -> int:
    """Remove the working folder's copies older than ``older_than``; how many went.

    A copy an outside program still holds open (Windows) stays for next time.
    """
    folder = plain_folder(data_folder)
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    count = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime <= cutoff:
                path.unlink()
                count += 1
        except OSError:
            continue
    if count:
        log.info("removed %d plain working cop(ies)", count)
    return count


CAPTURE_FOLDER = "capture"
"""Pages being captured: plain (the scanner's programs write them), kept only while it runs."""


def remove_stale_captures(data_folder: Path, older_than: timedelta) -> int:
    """Remove capture batches nothing has written to for ``older_than``; how many went.

    A capture the window was closed on, or a crash left, is not taken up again; a
    capture still running keeps its batch's files fresh.
    """
    root = data_folder / CAPTURE_FOLDER
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    count = 0
    for entry in root.iterdir():
        try:
            files = [entry] if entry.is_file() else list(entry.rglob("*"))
            newest = max((p.stat().st_mtime for p in files), default=entry.stat().st_mtime)
            if newest > cutoff:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            count += 1
        except OSError:
            continue
    if count:
        log.info("removed %d stale capture batch(es)", count)
    return count


# Sealing what was kept before ------------------------------------------------------


def kept_files(data_folder: Path, database: Path | None = None) -> Iterator[Path]:
    """Every file kept for later in the data folder, and the database's upgrade copies."""
    for name in KEPT_FOLDERS:
        folder = data_folder / name
        if folder.is_dir():
            yield from sorted(
                p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(_PARTIAL)
            )
    if database is not None:
        yield from sorted(database.parent.glob(f"{database.name}.before-*"))


def kept_name(digest: str, suffix: str = "", codec: Any = None) -> str:
    """The name a document kept by its SHA-256 (``reused/``) has: keyed when sealing."""
    codec = codec if codec is not None else protection.codec()
    return f"{codec.keyed(REUSED, digest) if sealing(codec) else digest}{suffix}"


REUSED = "reused"


def reseal(path: Path, codec: Any) -> bool:
    """Seal the file at ``path`` under ``codec``'s current key, in place; False if it was.

    The sealed copy is written beside it and then takes its place, so a kill at
    any point leaves the file whole (plain or sealed) and running again finishes.
    A file sealed under a key ``codec`` does not hold is left as it is. A
    document kept by its SHA-256 (``reused/``) takes its keyed name.
    """
    with path.open("rb") as f:
        head = f.read(64)
    key = codec.stream_key(head)
    if key == codec.current:
        return False
    if key is None and head.startswith(MAGIC):
        log.warning("a kept file is sealed under a key this store does not hold")
        return False
    fd, tmp = tempfile.mkstemp(prefix=_PARTIAL, dir=path.parent)
    try:
        hasher = hashlib.sha256()
        source = codec.open_stream(path.open("rb")) if key else path.open("rb")
        with source, os.fdopen(fd, "wb") as out:
            codec.seal_stream(_Hashing(source, hasher), out)
            out.flush()
            os.fsync(out.fileno())
        target = path
        if path.parent.name == REUSED:
            target = path.with_name(kept_name(hasher.hexdigest(), path.suffix, codec))
        os.replace(tmp, target)
        if target != path:
            path.unlink(missing_ok=True)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True


class _Hashing:
    def __init__(self, source: BinaryIO, hasher: Any) -> None:
        self.source, self.hasher = source, hasher

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.hasher.update(chunk)
        return chunk


def seal_kept_files(
    data_folder: Path,
    codec: Any,
    database: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> int:
    """Seal every kept file (and upgrade copy) not yet under ``codec``'s key; how many."""
    for leftover in _partials(data_folder, database):
        leftover.unlink(missing_ok=True)
    count = 0
    for path in kept_files(data_folder, database):
        if reseal(path, codec):
            count += 1
            if progress:
                progress("files", count)
    empty_plain_folder(data_folder)
    if count:
        log.info("sealed %d kept file(s)", count)
    return count


def _partials(data_folder: Path, database: Path | None) -> Iterator[Path]:
    for name in KEPT_FOLDERS:
        folder = data_folder / name
        if folder.is_dir():
            yield from folder.rglob(f"{_PARTIAL}*")
    if database is not None:
        yield from database.parent.glob(f"{_PARTIAL}*")
