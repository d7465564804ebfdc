"""Where the reference central server keeps things: its database (SQLite or PostgreSQL)
and its folder of content-addressed files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
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

_HASH_CHUNK = 1 << 20


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


def finish_upload(central: Central, row: Upload) -> None:
    """The upload is complete: check its SHA-256, then keep it content-addressed."""
    part = central.uploads / row.id
    hasher = hashlib.sha256()
    with part.open("rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            hasher.update(chunk)
    with central.sessions() as db:
        db.execute(Upload.__table__.delete().where(Upload.id == row.id))
        if hasher.hexdigest() != row.sha256:
            db.commit()
            part.unlink()
            raise problem(460, "upload.checksum", "the bytes do not have the announced SHA-256")
        target = central.file_path(row.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            part.unlink()
        else:
            with part.open("rb") as f:
                os.fsync(f.fileno())
            shutil.move(part, target)
        if db.get(StoredFile, row.sha256) is None:
            db.add(StoredFile(sha256=row.sha256, bytes=target.stat().st_size))
        db.commit()


def keep_file(
    central: Central, part: Path, sha256: str, answer: IdempotentResponse
) -> IdempotentResponse | None:
    """Keep a whole file that came with its creation: check its SHA-256, keep it
    content-addressed, and store it with the creation's ``answer`` in one transaction.

    Returns None, or the answer a concurrent request with the same key stored first.
    """
    _keep(central, part, sha256)
    for _attempt in range(2):
        with central.sessions() as db:
            if db.get(StoredFile, sha256) is None:
                db.add(StoredFile(sha256=sha256, bytes=central.file_path(sha256).stat().st_size))
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


def _keep(central: Central, part: Path, sha256: str) -> None:
    """Move a complete upload into place if its bytes have ``sha256`` (460 if not)."""
    hasher = hashlib.sha256()
    with part.open("rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            hasher.update(chunk)
    if hasher.hexdigest() != sha256:
        part.unlink()
        raise problem(460, "upload.checksum", "the bytes do not have the announced SHA-256")
    target = central.file_path(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        part.unlink()
    else:
        with part.open("rb") as f:
            os.fsync(f.fileno())
        shutil.move(part, target)


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
