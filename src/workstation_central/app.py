"""The reference central server's HTTP API (FastAPI); docs/central-api.yaml is generated from it.

Every write takes an ``Idempotency-Key``: the first request with a key is applied
and its response stored; a repeat gets the stored response and changes nothing.
Files arrive by tus 1.0 (core protocol: creation, HEAD for the offset, PATCH to
append), are stored content-addressed and have their SHA-256 checked on arrival.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import create_engine, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import ClientDisconnect

from workstation_central import __version__
from workstation_central.models import (
    ArchiveRecord,
    Base,
    DossierFile,
    DossierRecord,
    IdempotentResponse,
    Officer,
    SequenceBlock,
    StoredFile,
    Token,
    Upload,
)
from workstation_central.schemas import (
    ArchiveIn,
    BlockIn,
    BlockOut,
    DossierIn,
    FileCheck,
    FileCheckOut,
    Login,
    Refresh,
    StatusIn,
    Tokens,
)
from workstation_central.security import new_token, password_matches, token_digest

TUS_VERSION = "1.0.0"
ACCESS_SECONDS = 15 * 60
REFRESH_SECONDS = 30 * 24 * 3600
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_HASH_CHUNK = 1 << 20

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Unique per change; a repeat with the same key returns the first response.",
    ),
]


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

    def file_path(self, sha256: str) -> Path:
        return self.files / sha256[:2] / sha256[2:4] / sha256


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL: readers never wait for the writer; NORMAL: a crash of the server loses nothing.

    (A power cut may lose the last commits, which the workstation then sends again
    under the same Idempotency-Key; a province's PostgreSQL keeps its own settings.)
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def database_url(data: Path, url: str | None) -> str:
    return url or f"sqlite:///{data / 'central.db'}"


def open_central(data: Path, url: str | None = None) -> Central:
    """Open (creating if needed) the server's database and folders."""
    data.mkdir(parents=True, exist_ok=True)
    engine = create_engine(database_url(data, url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    Base.metadata.create_all(engine)
    central = Central(sessionmaker(engine, expire_on_commit=False), data)
    central.files.mkdir(exist_ok=True)
    central.uploads.mkdir(exist_ok=True)
    return central


# The application ----------------------------------------------------------------


def _session(request: Request) -> Any:
    with request.app.state.central.sessions() as s:
        yield s


Db = Annotated[Session, Depends(_session)]


def _officer(db: Db, authorization: Annotated[str | None, Header()] = None) -> str:
    """The signed-in officer (Bearer access token), or 401."""
    if not authorization or not authorization.startswith("Bearer "):
        raise _problem(401, "auth.required", "sign in first")
    row = db.get(Token, token_digest(authorization.removeprefix("Bearer ")))
    if row is None or row.kind != "access" or row.expires_at < time.time():
        raise _problem(401, "auth.expired", "the access token is unknown or expired")
    return row.user


User = Annotated[str, Depends(_officer)]


def create_app(central: Central) -> FastAPI:
    app = FastAPI(
        title="Một Cửa central system",
        version=__version__,
        description="What the officer workstation sends to and reads from the province's "
        "central system. Every write takes an Idempotency-Key. Files: tus 1.0 core protocol.",
    )
    app.state.central = central
    app.state.received_bytes = 0  # every byte PATCHed in (a resumed upload's measure)
    locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def issue(db: Session, user: str, refresh: str | None = None) -> Tokens:
        """A new access token; a new refresh token too unless ``refresh`` is kept."""
        access, now = new_token(), int(time.time())
        db.add(
            Token(
                digest=token_digest(access),
                user=user,
                kind="access",
                expires_at=now + ACCESS_SECONDS,
            )
        )
        if refresh is None:
            refresh = new_token()
            db.add(
                Token(
                    digest=token_digest(refresh),
                    user=user,
                    kind="refresh",
                    expires_at=now + REFRESH_SECONDS,
                )
            )
        db.commit()
        return Tokens(
            access_token=access, refresh_token=refresh, expires_in=ACCESS_SECONDS, user=user
        )

    def idempotent(
        db: Session, user: str, key: str, operation: str, apply: Callable[[], tuple[int, Any]]
    ) -> Response:
        """Apply a write once per key: a repeat returns the stored response, changing nothing."""
        stored = db.get(IdempotentResponse, key)
        if stored is None:
            status, body = apply()
            location = body.pop("_location", None) if isinstance(body, dict) else None
            db.add(
                IdempotentResponse(
                    key=key,
                    user=user,
                    operation=operation,
                    status=status,
                    body=json.dumps(body),
                    location=location,
                )
            )
            try:
                db.commit()
            except IntegrityError:  # the same key applied meanwhile by a concurrent request
                db.rollback()
                stored = db.get(IdempotentResponse, key)
                if stored is None:
                    raise
            else:
                return _json(status, body, location)
        if stored.operation != operation or stored.user != user:
            raise _problem(422, "idempotency.key_reused", "the key was used for another request")
        return _json(stored.status, json.loads(stored.body), stored.location, replayed=True)

    # Officers ---------------------------------------------------------------

    @app.post("/v1/auth/login", response_model=Tokens, tags=["auth"])
    def login(body: Login, db: Db) -> Tokens:
        row = db.get(Officer, body.user)
        if row is None or not password_matches(body.password, row.password_hash):
            raise _problem(401, "auth.wrong_password", "wrong user name or password")
        return issue(db, row.user)

    @app.post("/v1/auth/refresh", response_model=Tokens, tags=["auth"])
    def refresh(body: Refresh, db: Db) -> Tokens:
        row = db.get(Token, token_digest(body.refresh_token))
        if row is None or row.kind != "refresh" or row.expires_at < time.time():
            raise _problem(401, "auth.expired", "the refresh token is unknown or expired")
        # The refresh token is kept, not rotated: an answer lost on the way must not sign out.
        return issue(db, row.user, refresh=body.refresh_token)

    # Catalogue ----------------------------------------------------------------

    @app.get("/v1/catalogue", tags=["catalogue"])
    def catalogue(user: User) -> Any:
        path = central.data / "catalogue.json"
        if not path.exists():
            return {"procedures": []}
        return json.loads(path.read_text(encoding="utf-8"))

    # Dossiers -----------------------------------------------------------------

    @app.post("/v1/dossiers", status_code=201, tags=["dossiers"])
    def create_dossier(body: DossierIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        def apply() -> tuple[int, Any]:
            existing = db.get(DossierRecord, body.id)
            if existing is not None:
                raise _problem(409, "dossier.exists", "a dossier with this id exists")
            documents = [d for c in body.components for d in c.documents]
            wanted = {d.sha256 for d in documents}
            held = set(db.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(wanted))))
            if wanted - held:
                raise _problem(
                    409, "files.missing", "upload the files first", missing=sorted(wanted - held)
                )
            db.add(
                DossierRecord(
                    id=body.id,
                    code=body.code,
                    status=body.status,
                    applicant_id_number=body.applicant.id_number,
                    payload=body.model_dump_json(by_alias=True),
                )
            )
            db.flush()
            for d in documents:
                db.add(
                    DossierFile(
                        dossier_id=body.id,
                        document_id=d.id,
                        name=d.file_name,
                        sha256=d.sha256,
                        media_type=d.media_type,
                    )
                )
            return 201, {"id": body.id, "status": body.status}

        return idempotent(db, user, key, f"POST /v1/dossiers {body.id}", apply)

    @app.get("/v1/dossiers/{dossier_id}", tags=["dossiers"])
    def get_dossier(dossier_id: str, user: User, db: Db) -> Any:
        row = db.get(DossierRecord, dossier_id)
        if row is None or row.deleted:
            raise _problem(404, "dossier.unknown", "no such dossier")
        return {"id": row.id, "code": row.code, "status": row.status}

    @app.post("/v1/dossiers/{dossier_id}/status", tags=["dossiers"])
    def set_status(dossier_id: str, body: StatusIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        def apply() -> tuple[int, Any]:
            row = db.get(DossierRecord, dossier_id)
            if row is None or row.deleted:
                raise _problem(404, "dossier.unknown", "no such dossier")
            row.status = body.status
            return 200, {"id": dossier_id, "status": body.status}

        return idempotent(db, user, key, f"POST /v1/dossiers/{dossier_id}/status", apply)

    @app.delete("/v1/dossiers/{dossier_id}", tags=["dossiers"])
    def delete_dossier(dossier_id: str, user: User, key: IdempotencyKey, db: Db) -> Any:
        def apply() -> tuple[int, Any]:
            row = db.get(DossierRecord, dossier_id)
            if row is not None:
                row.deleted = True
            return 200, {"id": dossier_id, "deleted": True}

        return idempotent(db, user, key, f"DELETE /v1/dossiers/{dossier_id}", apply)

    # Files: check first, then upload by tus -------------------------------------

    @app.post("/v1/files/check", response_model=FileCheckOut, tags=["files"])
    def check_files(body: FileCheck, user: User, db: Db) -> FileCheckOut:
        """Which of these files (by SHA-256) the server holds already; send only the rest."""
        wanted = sorted(set(body.sha256))
        held = set(db.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(wanted))))
        return FileCheckOut(
            held=[s for s in wanted if s in held], missing=[s for s in wanted if s not in held]
        )

    @app.head("/v1/files/{sha256}", tags=["files"])
    def has_file(sha256: str, user: User, db: Db) -> Response:
        row = db.get(StoredFile, sha256)
        if row is None:
            return Response(status_code=404)
        return Response(status_code=200, headers={"Content-Length": str(row.bytes)})

    @app.get("/v1/files/{sha256}", tags=["files"])
    def get_file(sha256: str, user: User, db: Db) -> Any:
        if db.get(StoredFile, sha256) is None:
            raise _problem(404, "file.unknown", "no such file")
        return FileResponse(central.file_path(sha256), media_type="application/octet-stream")

    @app.options("/v1/uploads", tags=["uploads"])
    def tus_options() -> Response:
        return Response(
            status_code=204,
            headers={
                "Tus-Resumable": TUS_VERSION,
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": "creation",
            },
        )

    @app.post("/v1/uploads", status_code=201, tags=["uploads"])
    def create_upload(
        user: User,
        key: IdempotencyKey,
        db: Db,
        upload_length: Annotated[int, Header(alias="Upload-Length", ge=0)],
        upload_metadata: Annotated[
            str, Header(alias="Upload-Metadata", description="sha256 <base64 of the hex digest>")
        ],
        tus_resumable: Annotated[str, Header(alias="Tus-Resumable")] = TUS_VERSION,
    ) -> Response:
        """tus creation; an unfinished upload of the same content is handed out again."""
        sha256 = _metadata_sha256(upload_metadata)

        def apply() -> tuple[int, Any]:
            row = db.scalars(
                select(Upload).where(Upload.sha256 == sha256, Upload.length == upload_length)
            ).first()
            fresh = row is None
            if row is None:
                row = Upload(id=uuid.uuid4().hex, sha256=sha256, length=upload_length)
                (central.uploads / row.id).touch()
                db.add(row)
            # ``created``: nothing arrived yet (a replayed answer says Idempotent-Replayed).
            return 201, {"id": row.id, "created": fresh, "_location": f"/v1/uploads/{row.id}"}

        response = idempotent(db, user, key, f"POST /v1/uploads {sha256}", apply)
        response.headers["Tus-Resumable"] = TUS_VERSION
        return response

    @app.head("/v1/uploads/{upload_id}", tags=["uploads"])
    def upload_offset(upload_id: str, user: User, db: Db) -> Response:
        row = db.get(Upload, upload_id)
        part = central.uploads / upload_id
        if row is None or not part.exists():
            return Response(status_code=404, headers={"Tus-Resumable": TUS_VERSION})
        return Response(
            status_code=200,
            headers={
                "Upload-Offset": str(part.stat().st_size),
                "Upload-Length": str(row.length),
                "Tus-Resumable": TUS_VERSION,
                "Cache-Control": "no-store",
            },
        )

    @app.patch("/v1/uploads/{upload_id}", status_code=204, tags=["uploads"])
    async def append_upload(
        upload_id: str,
        request: Request,
        user: User,
        upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0)],
        content_type: Annotated[str, Header(alias="Content-Type")],
    ) -> Response:
        """tus PATCH: append at ``Upload-Offset``; what arrived before a break is kept."""
        if content_type != "application/offset+octet-stream":
            raise _problem(415, "upload.content_type", "use application/offset+octet-stream")
        with central.sessions() as db:
            row = db.get(Upload, upload_id)
        part = central.uploads / upload_id
        if row is None or not part.exists():
            raise _problem(404, "upload.unknown", "no such upload")
        async with locks[upload_id]:
            size = part.stat().st_size
            if upload_offset != size:
                raise _problem(409, "upload.offset", "offset does not match", offset=size)
            received = size
            with part.open("ab") as f:
                try:
                    async for chunk in request.stream():
                        if received + len(chunk) > row.length:
                            f.write(chunk[: row.length - received])
                            raise _problem(400, "upload.too_long", "more than Upload-Length")
                        f.write(chunk)
                        received += len(chunk)
                        app.state.received_bytes += len(chunk)
                except ClientDisconnect:
                    return Response(status_code=400)  # nobody listens; the bytes are kept
            if received == row.length:
                await run_in_threadpool(_finish, central, row)
        return Response(
            status_code=204,
            headers={
                "Upload-Offset": str(received),
                "Tus-Resumable": TUS_VERSION,
            },
        )

    # The citizen's store of digitised documents ----------------------------------

    @app.get("/v1/citizens/{id_number}/documents", tags=["citizens"])
    def citizen_documents(id_number: str, user: User, db: Db) -> Any:
        rows = db.execute(
            select(DossierFile, StoredFile.bytes)
            .join(DossierRecord, DossierRecord.id == DossierFile.dossier_id)
            .join(StoredFile, StoredFile.sha256 == DossierFile.sha256)
            .where(DossierRecord.applicant_id_number == id_number, ~DossierRecord.deleted)
        )
        return {
            "documents": [
                {
                    "dossier_id": f.dossier_id,
                    "name": f.name,
                    "sha256": f.sha256,
                    "media_type": f.media_type,
                    "bytes": size,
                }
                for f, size in rows
            ]
        }

    # Dossier-code sequence blocks -------------------------------------------------

    @app.post("/v1/sequence-blocks", response_model=BlockOut, tags=["sequences"])
    def lease_block(body: BlockIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        def apply() -> tuple[int, Any]:
            row = db.get(SequenceBlock, (body.unit, body.day), with_for_update=True)
            if row is None:
                row = SequenceBlock(unit=body.unit, day=body.day, last=0)
                db.add(row)
            first = row.last + 1
            row.last += body.size
            return 200, {"unit": body.unit, "day": body.day, "first": first, "last": row.last}

        return idempotent(db, user, key, f"POST /v1/sequence-blocks {body.unit} {body.day}", apply)

    # Archive records ------------------------------------------------------------------

    @app.post("/v1/archive-records", status_code=201, tags=["archive"])
    def add_archive_record(body: ArchiveIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        def apply() -> tuple[int, Any]:
            if db.get(ArchiveRecord, body.id) is not None:
                raise _problem(409, "archive.exists", "an archive record with this id exists")
            if body.sha256 is not None and db.get(StoredFile, body.sha256) is None:
                raise _problem(409, "archive.file_missing", "upload the record's file first")
            db.add(
                ArchiveRecord(
                    id=body.id,
                    dossier_id=body.dossier_id,
                    sha256=body.sha256,
                    payload=json.dumps(body.record, ensure_ascii=False),
                )
            )
            return 201, {"id": body.id}

        return idempotent(db, user, key, f"POST /v1/archive-records {body.id}", apply)

    return app


def _finish(central: Central, row: Upload) -> None:
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
            raise _problem(460, "upload.checksum", "the bytes do not have the announced SHA-256")
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


def _metadata_sha256(metadata: str) -> str:
    for pair in metadata.split(","):
        name, _, value = pair.strip().partition(" ")
        if name == "sha256":
            try:
                sha256 = base64.b64decode(value).decode()
            except ValueError:
                break
            if _SHA256.match(sha256):
                return sha256
    raise _problem(400, "upload.metadata", "Upload-Metadata must carry the file's sha256")


def _problem(status: int, code: str, detail: str, **extra: Any) -> HTTPException:
    return HTTPException(status_code=status, detail={"code": code, "detail": detail, **extra})


def _json(status: int, body: Any, location: str | None, replayed: bool = False) -> Response:
    headers = {"Location": location} if location else {}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body, status_code=status, headers=headers)


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
