"""What is actually wrong when the database cannot be opened or written.

SQLite reports a read-only folder, a full disk and a damaged file in ways that
look alike from outside ("unable to open database file", "disk I/O error").
Telling the officer a good store is damaged could make someone restore an old
backup over it, so the store says ``store.corrupt`` only when SQLite itself
says the file is no database, and otherwise looks closer: SQLite's own error
code first, then a small test write in the store's folder, whose ``errno``
tells a read-only folder from a full disk.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import tempfile
from pathlib import Path

from workstation.errors import StoreError

_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_LOCKED = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_FILE_SYSTEM = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_PERM}
_BY_ERRNO = {
    errno.EROFS: "store.read_only",
    errno.EACCES: "store.read_only",
    errno.EPERM: "store.read_only",
    errno.ENOSPC: "store.disk_full",
    errno.EDQUOT: "store.disk_full",
}
_PROBE_BYTES = 64 * 1024

_DETAILS = {
    "store.corrupt": "{path} is damaged or is not a workstation database",
    "store.read_only": "{path} cannot be written: its folder or the file is read-only",
    "store.disk_full": "the disk holding {path} is full",
    "store.locked": "{path} is locked by another program",
}


def first_line(exc: BaseException) -> str:
    """The first line of an error's own text (SQL parameters are hidden by the engine)."""
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else exc.__class__.__name__


def diagnose(
    exc: BaseException,
    path: Path,
    *,
    default_code: str,
    detail: str,
) -> StoreError:
    """The :class:`StoreError` that says why ``exc`` happened to the database at ``path``.

    ``default_code`` and ``detail`` are used when nothing more precise is found.
    """
    code = _code(exc, path)
    if code is None:
        return StoreError(detail, code=default_code, path=str(path))
    reason = first_line(exc)
    return StoreError(
        f"{_DETAILS[code].format(path=path)} ({reason})",
        code=code,
        path=str(path),
    )


def _code(exc: BaseException, path: Path) -> str | None:
    error = _sqlite_error(exc)
    primary = (error.sqlite_errorcode & 0xFF) if error is not None else None
    if primary in _CORRUPT:
        return "store.corrupt"
    if primary == sqlite3.SQLITE_FULL:
        return "store.disk_full"
    if primary == sqlite3.SQLITE_READONLY:
        return "store.read_only"
    if primary in _LOCKED:
        return "store.locked"
    if isinstance(exc, OSError) and exc.errno in _BY_ERRNO:
        return _BY_ERRNO[exc.errno]
    if primary is None or primary in _FILE_SYSTEM:
        # "unable to open", "disk I/O error" and the like: ask the file system.
        return probe_folder(path.parent) or _unwritable_file(path)
    return None  # a constraint, a bad statement: the store's own business


def _sqlite_error(exc: BaseException | None) -> sqlite3.Error | None:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) is not None:
            return exc
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
        seen += 1
    return None


def probe_folder(folder: Path) -> str | None:
    """``store.read_only`` or ``store.disk_full`` if a small test write in ``folder`` fails so."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".store-probe-")
    except OSError as exc:
        return _BY_ERRNO.get(exc.errno or 0)
    try:
        os.write(fd, b"\0" * _PROBE_BYTES)
        os.fsync(fd)
    except OSError as exc:
        return _BY_ERRNO.get(exc.errno or 0)
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)
    return None


def _unwritable_file(path: Path) -> str | None:
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if name.exists() and not os.access(name, os.W_OK):
            return "store.read_only"
    return None
