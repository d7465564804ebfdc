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
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, Response
from fastapi import Path as PathParameter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import ClientDisconnect

from workstation_central import __version__, problems, targets
from workstation_central.models import (
    AuditHead,
    DossierEvent,
    DossierFile,
    DossierRecord,
    IdempotentResponse,
    Officer,
    OfficerRole,
    PaymentConfirmation,
    SequenceBlock,
    StatusEvent,
    StoredFile,
    Token,
    Upload,
)
from workstation_central.problems import errors, problem
from workstation_central.schemas import (
    AddedDocumentIn,
    ArchiveIn,
    AuditHeadIn,
    AuditHeads,
    BatchIn,
    BatchOut,
    BlockIn,
    BlockOut,
    DossierIn,
    EventIn,
    FileCheck,
    FileCheckOut,
    Login,
    PaymentConfirmationIn,
    Refresh,
    SignedDocumentIn,
    StatusIn,
    StatusUpdate,
    StatusUpdates,
    Tokens,
)
from workstation_central.security import new_token, password_matches, token_digest
from workstation_central.storage import (
    Central,
    finish_upload,
    inventory,
    keep_file,
    open_central,
)
from workstation_central.writes import OPERATIONS, apply_batch, held_dossier

__all__ = ["Central", "create_app", "inventory", "open_central"]

TUS_VERSION = "1.0.0"
ACCESS_SECONDS = 15 * 60
REFRESH_SECONDS = 30 * 24 * 3600
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_UPLOAD = 64 << 30
"""The largest file accepted (tus ``Tus-Max-Size``): 64 GiB."""


class _Sha256Convertor(Convertor[str]):
    """A path segment that is a SHA-256 in hex: ``/v1/files/check`` is no file's address."""

    regex = "[0-9a-f]{64}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("sha256", _Sha256Convertor())

Sha256 = Annotated[str, PathParameter(pattern=_SHA256.pattern, description="SHA-256 in hex")]

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Unique per change; a repeat with the same key returns the first response.",
    ),
]


# The application ----------------------------------------------------------------


def _session(request: Request) -> Any:
    with request.app.state.central.sessions() as s:
        yield s


Db = Annotated[Session, Depends(_session)]


def _officer(db: Db, authorization: Annotated[str | None, Header()] = None) -> str:
    """The signed-in officer (Bearer access token), or 401."""
    if not authorization or not authorization.startswith("Bearer "):
        raise problem(401, "auth.required", "sign in first")
    row = db.get(Token, token_digest(authorization.removeprefix("Bearer ")))
    if row is None or row.kind != "access" or row.expires_at < time.time():
        raise problem(401, "auth.expired", "the access token is unknown or expired")
    user = row.user
    db.rollback()  # end the read: an upload streams for long without holding a transaction
    return user


User = Annotated[str, Depends(_officer)]


def create_app(central: Central) -> FastAPI:
    app = FastAPI(
        title="Một Cửa central system",
        version=__version__,
        description="What the officer workstation sends to and reads from the province's "
        "central system. Every write takes an Idempotency-Key. Files: tus 1.0 core protocol.",
    )
    app.state.central = central
    problems.install(app)
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
        roles = sorted(db.scalars(select(OfficerRole.role).where(OfficerRole.user == user)))
        return Tokens(
            access_token=access,
            refresh_token=refresh,
            expires_in=ACCESS_SECONDS,
            user=user,
            roles=roles,
        )

    def idempotent(
        db: Session, user: str, key: str, operation: str, apply: Callable[[], tuple[int, Any]]
    ) -> Response:
        """Apply a write once per key: a repeat returns the stored response, changing nothing."""
        stored = db.get(IdempotentResponse, key)
        if stored is None:
            try:
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
                db.commit()
            except HTTPException:
                # Refused, unless a concurrent request with this key was applied meanwhile
                # (it created the dossier this one finds): then its answer is the answer.
                db.rollback()
                stored = db.get(IdempotentResponse, key)
                if stored is None:
                    raise
            except IntegrityError:
                # A concurrent request wrote the same key (its answer is the answer) or
                # the same row under another key (the client's next try hears why).
                db.rollback()
                stored = db.get(IdempotentResponse, key)
                if stored is None:
                    raise problem(
                        409, "write.conflict", "a concurrent write got there first; try again"
                    ) from None
            else:
                return _json(status, body, location)
        if stored.operation != operation or stored.user != user:
            raise problem(422, "idempotency.key_reused", "the key was used for another request")
        return _json(stored.status, json.loads(stored.body), stored.location, replayed=True)

    def write(
        db: Session, user: str, key: str, op: str, dossier_id: str | None, body: Any
    ) -> Response:
        """One of :data:`~workstation_central.writes.OPERATIONS`, applied once per key."""
        operation = OPERATIONS[op]
        name = operation.name(dossier_id, body)
        return idempotent(db, user, key, name, lambda: operation.apply(db, user, dossier_id, body))

    @app.post("/v1/batch", response_model=BatchOut, tags=["batch"], responses=errors(401, 409))
    def batch(body: BatchIn, user: User, db: Db) -> BatchOut:
        """Several writes in one request and one transaction, each under its own
        Idempotency-Key (``key``) and answered on its own (``results``, in order): an item
        refused (its ``status`` 4xx, its ``body`` the refusal the single request would get)
        leaves the others applied; an item applied before under its key is replayed, not
        applied again (``replayed``), whichever way it came first. 409 ``write.conflict``:
        a concurrent request wrote the same key meanwhile and nothing of this one landed."""
        return BatchOut(results=apply_batch(db, user, body.items))

    # Officers ---------------------------------------------------------------

    @app.post("/v1/auth/login", response_model=Tokens, tags=["auth"], responses=errors(401))
    def login(body: Login, db: Db) -> Tokens:
        row = db.get(Officer, body.user)
        if row is None or not password_matches(body.password, row.password_hash):
            raise problem(401, "auth.wrong_password", "wrong user name or password")
        return issue(db, row.user)

    @app.post("/v1/auth/refresh", response_model=Tokens, tags=["auth"], responses=errors(401))
    def refresh(body: Refresh, db: Db) -> Tokens:
        row = db.get(Token, token_digest(body.refresh_token))
        if row is None or row.kind != "refresh" or row.expires_at < time.time():
            raise problem(401, "auth.expired", "the refresh token is unknown or expired")
        # The refresh token is kept, not rotated: an answer lost on the way must not sign out.
        return issue(db, row.user, refresh=body.refresh_token)

    # Catalogue ----------------------------------------------------------------

    @app.get(
        "/v1/catalogue",
        tags=["catalogue"],
        responses={
            **errors(401, 404),
            304: {"description": "Unchanged since the version named in If-None-Match."},
        },
    )
    def catalogue(
        user: User,
        if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None,
    ) -> Response:
        """The province's procedure catalogue (resources/catalogue/README.md format), its
        version as the ETag; 404 while none is published."""
        path = central.catalogue_path
        if not path.exists():
            raise problem(404, "catalogue.none", "no catalogue is published")
        data = path.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest() + '"'
        if if_none_match == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(data, media_type="application/json", headers={"ETag": etag})

    targets.install(app, central, User)

    @app.get(
        "/v1/status-updates",
        response_model=StatusUpdates,
        tags=["dossiers"],
        responses=errors(401),
    )
    def status_updates(
        user: User,
        db: Db,
        after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    ) -> StatusUpdates:
        """Dossier status changes after ``after`` (national codes 1-10), oldest first."""
        rows = db.scalars(
            select(StatusEvent)
            .where(StatusEvent.seq > after)
            .order_by(StatusEvent.seq)
            .limit(limit)
        ).all()
        return StatusUpdates(
            updates=[StatusUpdate(seq=r.seq, id=r.dossier_id, status=r.status) for r in rows],
            last=rows[-1].seq if rows else after,
        )

    # Dossiers -----------------------------------------------------------------

    @app.post("/v1/dossiers", status_code=201, tags=["dossiers"], responses=errors(401, 409))
    def create_dossier(body: DossierIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        return write(db, user, key, "dossier.create", None, body)

    @app.get("/v1/dossiers/{dossier_id}", tags=["dossiers"], responses=errors(401, 404))
    def get_dossier(dossier_id: str, user: User, db: Db) -> Any:
        row = held_dossier(db, dossier_id)
        return {"id": row.id, "code": row.code, "status": row.status}

    @app.post(
        "/v1/dossiers/{dossier_id}/documents",
        status_code=201,
        tags=["dossiers"],
        responses=errors(401, 404, 409),
    )
    def add_document(
        dossier_id: str, body: AddedDocumentIn, user: User, key: IdempotencyKey, db: Db
    ) -> Any:
        """A document added after the dossier was created joins its files: filed under its
        component (so the citizen's store names the component) or as the result."""
        return write(db, user, key, "dossier.document", dossier_id, body)

    @app.post(
        "/v1/dossiers/{dossier_id}/signed-documents",
        status_code=201,
        tags=["dossiers"],
        responses=errors(401, 404, 409),
    )
    def add_signed_document(
        dossier_id: str, body: SignedDocumentIn, user: User, key: IdempotencyKey, db: Db
    ) -> Any:
        """A signed PDF joins the dossier's files (the document it was signed from stays)."""
        return write(db, user, key, "dossier.signed_document", dossier_id, body)

    @app.post(
        "/v1/dossiers/{dossier_id}/status", tags=["dossiers"], responses=errors(401, 404, 409)
    )
    def set_status(dossier_id: str, body: StatusIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        return write(db, user, key, "dossier.status", dossier_id, body)

    @app.delete("/v1/dossiers/{dossier_id}", tags=["dossiers"], responses=errors(401, 409))
    def delete_dossier(dossier_id: str, user: User, key: IdempotencyKey, db: Db) -> Any:
        return write(db, user, key, "dossier.delete", dossier_id, None)

    # What the counter did after creating a dossier; payments the bank reported -----

    @app.post(
        "/v1/dossiers/{dossier_id}/events",
        status_code=201,
        tags=["dossiers"],
        responses=errors(401, 404, 409),
    )
    def add_event(dossier_id: str, body: EventIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        return write(db, user, key, "dossier.event", dossier_id, body)

    @app.get("/v1/dossiers/{dossier_id}/events", tags=["dossiers"], responses=errors(401))
    def list_events(dossier_id: str, user: User, db: Db) -> Any:
        """The dossier's events in the order they arrived, each its payload with its kind."""
        rows = db.scalars(
            select(DossierEvent)
            .where(DossierEvent.dossier_id == dossier_id)
            .order_by(DossierEvent.id)
        )
        return {"events": [{**json.loads(r.payload), "kind": r.kind} for r in rows]}

    @app.post(
        "/v1/dossiers/{dossier_id}/payment-confirmations",
        status_code=201,
        tags=["payments"],
        responses=errors(401, 404, 409),
    )
    def confirm_payment(
        dossier_id: str, body: PaymentConfirmationIn, user: User, key: IdempotencyKey, db: Db
    ) -> Any:
        """The bank's report of a payment (the reference server takes it from any officer)."""

        def apply() -> tuple[int, Any]:
            held_dossier(db, dossier_id)
            at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
            db.add(
                PaymentConfirmation(
                    dossier_id=dossier_id,
                    reference=body.reference,
                    amount=body.amount,
                    confirmed_at=at,
                )
            )
            return 201, {"id": dossier_id, "reference": body.reference}

        return idempotent(
            db, user, key, f"POST /v1/dossiers/{dossier_id}/payment-confirmations", apply
        )

    @app.get(
        "/v1/dossiers/{dossier_id}/payment-confirmations", tags=["payments"], responses=errors(401)
    )
    def payment_confirmations(dossier_id: str, user: User, db: Db) -> Any:
        rows = db.scalars(
            select(PaymentConfirmation)
            .where(PaymentConfirmation.dossier_id == dossier_id)
            .order_by(PaymentConfirmation.id)
        )
        return {
            "confirmations": [
                {"reference": r.reference, "amount": r.amount, "confirmed_at": r.confirmed_at}
                for r in rows
            ]
        }

    # Files: check first, then upload by tus -------------------------------------

    @app.post("/v1/files/check", response_model=FileCheckOut, tags=["files"], responses=errors(401))
    def check_files(body: FileCheck, user: User, db: Db) -> FileCheckOut:
        """Which of these files (by SHA-256) the server holds already; send only the rest."""
        wanted = sorted(set(body.sha256))
        held = set(db.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(wanted))))
        return FileCheckOut(
            held=[s for s in wanted if s in held], missing=[s for s in wanted if s not in held]
        )

    @app.head("/v1/files/{sha256:sha256}", tags=["files"], responses=errors(401, 404, body=False))
    def has_file(sha256: Sha256, user: User, db: Db) -> Response:
        row = db.get(StoredFile, sha256)
        if row is None:
            return Response(status_code=404)
        return Response(status_code=200, headers={"Content-Length": str(row.bytes)})

    @app.get("/v1/files/{sha256:sha256}", tags=["files"], responses=errors(401, 404))
    def get_file(sha256: Sha256, user: User, db: Db) -> Any:
        if db.get(StoredFile, sha256) is None:
            raise problem(404, "file.unknown", "no such file")
        return FileResponse(central.file_path(sha256), media_type="application/octet-stream")

    @app.options("/v1/uploads", status_code=204, tags=["uploads"])
    def tus_options() -> Response:
        return Response(
            status_code=204,
            headers={
                "Tus-Resumable": TUS_VERSION,
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": "creation,creation-with-upload",
                "Tus-Max-Size": str(MAX_UPLOAD),
            },
        )

    @app.post("/v1/uploads", status_code=201, tags=["uploads"], responses=errors(400, 401, 409))
    async def create_upload(
        request: Request,
        user: User,
        key: IdempotencyKey,
        db: Db,
        upload_length: Annotated[int, Header(alias="Upload-Length", ge=0, le=MAX_UPLOAD)],
        upload_metadata: Annotated[
            str, Header(alias="Upload-Metadata", description="sha256 <base64 of the hex digest>")
        ],
        tus_resumable: Annotated[str, Header(alias="Tus-Resumable")] = TUS_VERSION,
    ) -> Response:
        """tus creation; an unfinished upload of the same content is handed out again.

        With tus's creation-with-upload extension: a body sent as
        ``application/offset+octet-stream`` is the upload's first bytes, appended when
        the upload is new (``created``), and the answer's ``Upload-Offset`` says how many
        arrived. An upload handed out again (or a replayed answer) takes no bytes with its
        creation: the body is read and dropped, and the client asks the offset (HEAD)."""
        sha256 = _metadata_sha256(upload_metadata)
        operation = f"POST /v1/uploads {sha256}"
        whole = request.headers.get(
            "content-type"
        ) == "application/offset+octet-stream" and request.headers.get("content-length") == str(
            upload_length
        )
        if whole and await run_in_threadpool(_nothing_under, db, key, sha256, upload_length):
            return await keep_whole(request, user, key, operation, sha256, upload_length)

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

        response = await run_in_threadpool(idempotent, db, user, key, operation, apply)
        response.headers["Tus-Resumable"] = TUS_VERSION
        if request.headers.get("content-type") != "application/offset+octet-stream":
            return response
        answer = json.loads(bytes(response.body))
        if answer.get("created") is True and "Idempotent-Replayed" not in response.headers:
            with central.sessions() as session:
                row = session.get(Upload, answer["id"])
            if row is not None:
                received = await append(row, 0, request)
                if received is None:
                    return Response(status_code=400)  # nobody listens; the bytes are kept
                response.headers["Upload-Offset"] = str(received)
                return response
        async for chunk in request.stream():  # not taken: the client asks the offset
            app.state.received_bytes += len(chunk)
        return response

    async def keep_whole(
        request: Request, user: str, key: str, operation: str, sha256: str, length: int
    ) -> Response:
        """A new upload whose creation carries all of its bytes: written aside, then kept
        with its answer in one transaction (no upload row to make and remove). A break
        keeps nothing (the key stays unused), so the next try starts afresh."""
        upload_id = uuid.uuid4().hex
        part = central.uploads / upload_id
        received = 0
        with part.open("wb") as f:
            try:
                async for chunk in request.stream():
                    if received + len(chunk) > length:
                        raise problem(400, "upload.too_long", "more than Upload-Length")
                    f.write(chunk)
                    received += len(chunk)
                    app.state.received_bytes += len(chunk)
            except ClientDisconnect:
                part.unlink()
                return Response(status_code=400)  # nobody listens
            except HTTPException:
                part.unlink()
                raise
        if received != length:
            part.unlink()
            raise problem(400, "upload.too_short", "fewer bytes than Upload-Length")
        location = f"/v1/uploads/{upload_id}"
        answer = {"id": upload_id, "created": True}
        record = IdempotentResponse(
            key=key, user=user, operation=operation, status=201,
            body=json.dumps(answer), location=location,
        )  # fmt: skip
        stored = await run_in_threadpool(keep_file, central, part, sha256, record)
        if stored is not None:  # a concurrent request with this key got there first
            return _json(stored.status, json.loads(stored.body), stored.location, replayed=True)
        response = _json(201, answer, location)
        response.headers["Tus-Resumable"] = TUS_VERSION
        response.headers["Upload-Offset"] = str(received)
        return response

    async def append(row: Upload, offset: int, request: Request) -> int | None:
        """Append the request's body to the upload at ``offset``; finish it when complete.

        Returns the new offset, or None if the client went away (what arrived is kept).
        """
        part = central.uploads / row.id
        async with locks[row.id]:
            size = part.stat().st_size
            if offset != size:
                raise problem(409, "upload.offset", "offset does not match", offset=size)
            received = size
            with part.open("ab") as f:
                try:
                    async for chunk in request.stream():
                        if received + len(chunk) > row.length:
                            f.write(chunk[: row.length - received])
                            raise problem(400, "upload.too_long", "more than Upload-Length")
                        f.write(chunk)
                        received += len(chunk)
                        app.state.received_bytes += len(chunk)
                except ClientDisconnect:
                    return None
            if received == row.length:
                await run_in_threadpool(finish_upload, central, row)
        return received

    @app.head("/v1/uploads/{upload_id}", tags=["uploads"], responses=errors(401, 404, body=False))
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

    @app.patch(
        "/v1/uploads/{upload_id}",
        status_code=204,
        tags=["uploads"],
        responses=errors(400, 401, 404, 409, 415, 460),
    )
    async def append_upload(
        upload_id: str,
        request: Request,
        user: User,
        upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0)],
        content_type: Annotated[str, Header(alias="Content-Type")],
    ) -> Response:
        """tus PATCH: append at ``Upload-Offset``; what arrived before a break is kept."""
        if content_type != "application/offset+octet-stream":
            raise problem(415, "upload.content_type", "use application/offset+octet-stream")
        with central.sessions() as db:
            row = db.get(Upload, upload_id)
        part = central.uploads / upload_id
        if row is None or not part.exists():
            raise problem(404, "upload.unknown", "no such upload")
        received = await append(row, upload_offset, request)
        if received is None:
            return Response(status_code=400)  # nobody listens; the bytes are kept
        return Response(
            status_code=204,
            headers={
                "Upload-Offset": str(received),
                "Tus-Resumable": TUS_VERSION,
            },
        )

    # The citizen's store of digitised documents ----------------------------------

    @app.get("/v1/citizens/{id_number}/documents", tags=["citizens"], responses=errors(401))
    def citizen_documents(id_number: str, user: User, db: Db) -> Any:
        """The citizen's store of digitised documents: every file of their dossiers, with
        the component it was filed under, so a later procedure can reuse it unscanned."""
        rows = db.execute(
            select(DossierFile, StoredFile.bytes, DossierRecord.code, DossierRecord.payload)
            .join(DossierRecord, DossierRecord.id == DossierFile.dossier_id)
            .join(StoredFile, StoredFile.sha256 == DossierFile.sha256)
            .where(DossierRecord.applicant_id_number == id_number, ~DossierRecord.deleted)
            .order_by(DossierFile.id)
        )
        documents = []
        for f, size, code, payload in rows:
            component = _component_of(payload, f.document_id)
            documents.append(
                {
                    "dossier_id": f.dossier_id,
                    "dossier_code": code,
                    "document_id": f.document_id,
                    "component_code": component.get("requirement_code"),
                    "component_name": component.get("name"),
                    "name": f.name,
                    "sha256": f.sha256,
                    "media_type": f.media_type,
                    "bytes": size,
                }
            )
        return {"documents": documents}

    # Dossier-code sequence blocks -------------------------------------------------

    @app.post(
        "/v1/sequence-blocks",
        response_model=BlockOut,
        tags=["sequences"],
        responses=errors(401, 409),
    )
    def lease_block(body: BlockIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        def apply() -> tuple[int, Any]:
            # One atomic step per lease, whatever the database: create the day's counter
            # if missing, then move it on and read where it stopped.
            insert = sqlite_insert if db.get_bind().dialect.name == "sqlite" else pg_insert
            db.execute(
                insert(SequenceBlock)
                .values(unit=body.unit, day=body.day, last=0)
                .on_conflict_do_nothing()
            )
            last = db.execute(
                update(SequenceBlock)
                .where(SequenceBlock.unit == body.unit, SequenceBlock.day == body.day)
                .values(last=SequenceBlock.last + body.size)
                .returning(SequenceBlock.last)
            ).scalar_one()
            first = last - body.size + 1
            return 200, {"unit": body.unit, "day": body.day, "first": first, "last": last}

        return idempotent(db, user, key, f"POST /v1/sequence-blocks {body.unit} {body.day}", apply)

    # Archive records ------------------------------------------------------------------

    @app.post("/v1/archive-records", status_code=201, tags=["archive"], responses=errors(401, 409))
    def add_archive_record(body: ArchiveIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        return write(db, user, key, "archive_record.create", None, body)

    # Audit-log heads --------------------------------------------------------------

    @app.post(
        "/v1/audit-heads",
        status_code=201,
        tags=["audit"],
        responses={200: {"description": "This head was kept already."}, **errors(401, 409)},
    )
    def add_audit_head(body: AuditHeadIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        """Keep a workstation's audit-log head; the same count with another hash is refused
        (``audit.head_conflict``: the workstation's log was rewritten since)."""
        return write(db, user, key, "audit_head.add", None, body)

    @app.get("/v1/audit-heads", response_model=AuditHeads, tags=["audit"], responses=errors(401))
    def list_audit_heads(
        user: User, db: Db, workstation: Annotated[str | None, Query(max_length=100)] = None
    ) -> AuditHeads:
        """The audit-log heads reported, by workstation and count."""
        query = select(AuditHead).order_by(AuditHead.workstation, AuditHead.count)
        if workstation is not None:
            query = query.where(AuditHead.workstation == workstation)
        return AuditHeads(
            heads=[
                {
                    "workstation": h.workstation,
                    "count": h.count,
                    "head": h.head,
                    "at": h.at,
                    "officer": h.officer,
                }
                for h in db.scalars(query)
            ]
        )

    return app


def _component_of(payload: str, document_id: str) -> dict[str, Any]:
    """The component of a stored dossier's payload that holds ``document_id`` ({} if none)."""
    try:
        components = json.loads(payload).get("components") or []
    except ValueError:
        return {}
    for component in components:
        if any(d.get("id") == document_id for d in component.get("documents") or []):
            return component
    return {}


def _nothing_under(db: Session, key: str, sha256: str, length: int) -> bool:
    """Neither the key nor an unfinished upload of the content is known (a new upload)."""
    if db.get(IdempotentResponse, key) is not None:
        return False
    unfinished = db.scalars(
        select(Upload.id).where(Upload.sha256 == sha256, Upload.length == length)
    ).first()
    db.rollback()
    return unfinished is None


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
    raise problem(400, "upload.metadata", "Upload-Metadata must carry the file's sha256")


def _json(status: int, body: Any, location: str | None, replayed: bool = False) -> Response:
    headers = {"Location": location} if location else {}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body, status_code=status, headers=headers)
