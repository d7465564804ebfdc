"""Where the reference central server keeps things: its database (SQLite or PostgreSQL)
and its folder of content-addressed files.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from workstation_central.models import (
    ArchiveRecord,
    Base,
    DossierFile,
    DossierRecord,
    IdempotentResponse,
    StoredFile,
    Upload,
)
from workstation_central.problems import problem


@dataclass
class Central:
    """What the handlers share: the database and the folder files are kept in."""

    sessions: sessionmaker[Session]
    data: Path

    @property
    def files(self) -> Path:
        return self.data / "files"

    @property
    def uploads(self) -> Path:
        return self.data / "uploads"

    @property
    def catalogue_path(self) -> Path:
        """The published procedure catalogue (``workstation-central publish-catalogue``)."""
        return self.data / "catalogue.json"

    @property
    def targets_path(self) -> Path:
        """The published statistics targets (``workstation-central publish-targets``)."""
        return self.data / "targets.json"

    def file_path(self, sha256: str) -> Path:
        return self.files / sha256[:2] / sha256[2:4] / sha256

    def close(self) -> None:
        """Close the database connections (the server stops)."""
        self.sessions.kw["bind"].dispose()


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL: readers never wait for the writer; NORMAL: a crash of the server loses nothing.

    (A power cut may lose the last commits, which the workstation then sends again
    under the same Idempotency-Key; a province's PostgreSQL keeps its own settings.)
    The driver's own transaction handling is switched off, so that :func:`_sqlite_begin`
    decides how each transaction starts.
    """
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """Every transaction takes SQLite's write lock at its start (``BEGIN IMMEDIATE``).

    A deferred transaction that read and then writes fails at once with "database
    is locked" when another request wrote meanwhile (the busy timeout cannot help a
    stale snapshot); taking the lock first makes concurrent requests wait their turn
    instead. Transactions are short: the officer check ends its own (see ``_officer``)
    and uploads stream outside any transaction.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def database_url(data: Path, url: str | None) -> str:
    return url or f"sqlite:///{data / 'central.db'}"


def open_central(data: Path, url: str | None = None) -> Central:
    """Open (creating if needed) the server's database and folders."""
    data.mkdir(parents=True, exist_ok=True)
    engine = create_engine(database_url(data, url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    Base.metadata.create_all(engine)
    central = Central(sessionmaker(engine, expire_on_commit=False), data)
    central.files.mkdir(exist_ok=True)
    central.uploads.mkdir(exist_ok=True)
    return central


def finish_upload(central: Central, row: Upload, digest: str | None = None) -> None:
    """The upload is complete: check its SHA-256, then keep it content-addressed.

    ``digest``: the SHA-256 of its bytes if taken while they arrived (else the file is
    read again to take it).
    """
    part = central.uploads / row.id
    if digest is None:
        digest = _file_digest(part)
    with central.sessions() as db:
        db.execute(Upload.__table__.delete().where(Upload.id == row.id))
        if digest != row.sha256:
            db.commit()
            part.unlink()
            raise problem(460, "upload.checksum", "the bytes do not have the announced SHA-256")
        target = central.file_path(row.sha256)
        place([(part, target)])
        if db.get(StoredFile, row.sha256) is None:
            db.add(StoredFile(sha256=row.sha256, bytes=target.stat().st_size))
        db.commit()


def keep_file(
    central: Central, part: Path, sha256: str, answer: IdempotentResponse, digest: str
) -> IdempotentResponse | None:
    """Keep a whole file that came with its creation (``digest``: what its bytes hash to):
    check its SHA-256, keep it content-addressed, and store it with the creation's
    ``answer`` in one transaction.

    Returns None, or the answer a concurrent request with the same key stored first.
    """
    if digest != sha256:
        part.unlink()
        raise problem(460, "upload.checksum", "the bytes do not have the announced SHA-256")
    place([(part, central.file_path(sha256))])
    return _record(central, [sha256], answer)


def keep_files(
    central: Central, files: list[tuple[str, bytes]], answer: IdempotentResponse
) -> IdempotentResponse | None:
    """Keep several whole small files (SHA-256 announced, bytes) with the ``answer`` of
    the request that brought them, in one transaction; all or none: any file whose bytes
    do not have its SHA-256 refuses them all (460, naming those).

    Returns None, or the answer a concurrent request with the same key stored first.
    """
    damaged = [sha256 for sha256, data in files if hashlib.sha256(data).hexdigest() != sha256]
    if damaged:
        raise problem(
            460, "upload.checksum", "the bytes do not have the announced SHA-256", sha256=damaged
        )
    moves: list[tuple[Path, Path]] = []
    try:
        for sha256, data in files:
            target = central.file_path(sha256)
            if target.exists() or any(t == target for _, t in moves):
                continue
            part = central.uploads / uuid.uuid4().hex
            part.write_bytes(data)
            moves.append((part, target))
        place(moves)
    finally:
        for part, _target in moves:
            part.unlink(missing_ok=True)
    return _record(central, sorted({sha256 for sha256, _ in files}), answer)


def _record(
    central: Central, digests: list[str], answer: IdempotentResponse
) -> IdempotentResponse | None:
    """Record the files (already in place) as held, with ``answer``, in one transaction."""
    for _attempt in range(2):
        with central.sessions() as db:
            held = set(db.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(digests))))
            for sha256 in digests:
                if sha256 not in held:
                    size = central.file_path(sha256).stat().st_size
                    db.add(StoredFile(sha256=sha256, bytes=size))
            db.add(answer)
            try:
                db.commit()
                return None
            except IntegrityError:  # the same key, or the same file, written meanwhile
                db.rollback()
                stored = db.get(IdempotentResponse, answer.key)
                if stored is not None:
                    return stored
            answer = IdempotentResponse(**{c: getattr(answer, c) for c in _ANSWER_COLUMNS})
    raise problem(409, "write.conflict", "a concurrent write got there first; try again")


_ANSWER_COLUMNS = ("key", "user", "operation", "status", "body", "location")


def place(moves: list[tuple[Path, Path]]) -> None:
    """Move complete, checked files into their content-addressed places so that a crash
    of the machine after this returns loses none of them: each file's bytes are synced,
    then it is renamed into place (one already there stays: same name, same content),
    then every folder whose entries changed is synced. The syncs of several files run
    at once (the file system commits them together)."""
    for part, target in moves:
        if target.exists():
            part.unlink()
    moves = [(part, target) for part, target in moves if part.exists()]
    if not moves:
        return
    _each(_fsync_file, [part for part, _ in moves])
    folders: set[Path] = set()
    for part, target in moves:
        for folder in (target.parent.parent, target.parent):
            if not folder.exists():
                folder.mkdir(exist_ok=True)
                folders.add(folder.parent)
        if target.exists():
            part.unlink()
        else:
            os.replace(part, target)
            folders.add(target.parent)
    _each(_fsync_folder, sorted(folders))


def _each(sync: Callable[[Path], None], paths: list[Path]) -> None:
    """Run the syncs of one request's files at once, on threads that end with the request
    (a pool kept for the process would outlive an in-process server in tests and tools)."""
    if len(paths) == 1:
        sync(paths[0])
    else:
        with ThreadPoolExecutor(min(16, len(paths)), thread_name_prefix="fsync") as pool:
            list(pool.map(sync, paths))


def _fsync_file(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


def _fsync_folder(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def inventory(central: Central) -> dict[str, Any]:
    """What the server holds: each dossier with its status and files, and the archive
    records."""
    with central.sessions() as db:
        dossiers = db.scalars(
            select(DossierRecord).where(~DossierRecord.deleted).order_by(DossierRecord.id)
        )
        out = []
        for d in dossiers:
            files = db.execute(
                select(DossierFile, StoredFile.bytes)
                .join(StoredFile, StoredFile.sha256 == DossierFile.sha256)
                .where(DossierFile.dossier_id == d.id)
                .order_by(DossierFile.id)
            )
            out.append(
                {
                    "code": d.code or d.id,
                    "id": d.id,
                    "status": d.status,
                    "files": [
                        {"name": f.name, "sha256": f.sha256, "bytes": size} for f, size in files
                    ],
                }
            )
        records = [
            {"id": r.id, "dossier_id": r.dossier_id, "sha256": r.sha256, **json.loads(r.payload)}
            for r in db.scalars(select(ArchiveRecord).order_by(ArchiveRecord.id))
        ]
    return {"dossiers": out, "archive_records": records}
