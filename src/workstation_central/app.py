"""The reference central server's HTTP API (FastAPI); docs/central-api.yaml is generated from it.

Every write takes an ``Idempotency-Key``: the first request with a key is applied
and its response stored; a repeat gets the stored response and changes nothing.
Files arrive by tus 1.0 (core protocol: creation, HEAD for the offset, PATCH to
append) or, small ones, many to a request, are stored content-addressed and have
their SHA-256 checked on arrival (:mod:`workstation_central.uploads`).
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Annotated, Any

from fastapi import FastAPI, Header, Query, Response
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workstation_central import __version__, problems, targets, uploads
from workstation_central.depends import Db, IdempotencyKey, User, idempotent
from workstation_central.models import (
    AuditHead,
    DossierEvent,
    DossierFile,
    DossierRecord,
    Officer,
    OfficerRole,
    PaymentConfirmation,
    SequenceBlock,
    StatusEvent,
    StoredFile,
    Token,
)
from workstation_central.problems import errors, problem
from workstation_central.schemas import (
    AddedDocumentIn,
    ArchiveIn,
    ArchiveRecorded,
    AuditHeadIn,
    AuditHeadKept,
    AuditHeads,
    BatchIn,
    BatchOut,
    BlockIn,
    BlockOut,
    CatalogueOut,
    CitizenDocuments,
    DocumentAdded,
    DossierCreated,
    DossierDeleted,
    DossierIn,
    DossierOut,
    EventAdded,
    EventIn,
    EventsOut,
    Login,
    PaymentConfirmationIn,
    PaymentConfirmations,
    PaymentConfirmed,
    Refresh,
    SignedDocumentAdded,
    SignedDocumentIn,
    StatusIn,
    StatusSet,
    StatusUpdate,
    StatusUpdates,
    Tokens,
)
from workstation_central.security import new_token, password_matches, token_digest
from workstation_central.storage import (
    Central,
    inventory,
    open_central,
)
from workstation_central.writes import OPERATIONS, apply_batch, held_dossier

__all__ = ["Central", "create_app", "inventory", "open_central"]

ACCESS_SECONDS = 15 * 60
REFRESH_SECONDS = 30 * 24 * 3600


def create_app(central: Central) -> FastAPI:
    app = FastAPI(
        title="Một Cửa central system",
        version=__version__,
        description="What the officer workstation sends to and reads from the province's "
        "central system. Every write takes an Idempotency-Key. Files: tus 1.0 core protocol.",
    )
    app.state.central = central
    problems.install(app)

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
        response_model=CatalogueOut,
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

    @app.post(
        "/v1/dossiers",
        status_code=201,
        response_model=DossierCreated,
        tags=["dossiers"],
        responses=errors(401, 409),
    )
    def create_dossier(body: DossierIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        return write(db, user, key, "dossier.create", None, body)

    @app.get(
        "/v1/dossiers/{dossier_id}",
        response_model=DossierOut,
        tags=["dossiers"],
        responses=errors(401, 404),
    )
    def get_dossier(dossier_id: str, user: User, db: Db) -> Any:
        row = held_dossier(db, dossier_id)
        return {"id": row.id, "code": row.code, "status": row.status}

    @app.post(
        "/v1/dossiers/{dossier_id}/documents",
        status_code=201,
        response_model=DocumentAdded,
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
        response_model=SignedDocumentAdded,
        tags=["dossiers"],
        responses=errors(401, 404, 409),
    )
    def add_signed_document(
        dossier_id: str, body: SignedDocumentIn, user: User, key: IdempotencyKey, db: Db
    ) -> Any:
        """A signed PDF joins the dossier's files (the document it was signed from stays)."""
        return write(db, user, key, "dossier.signed_document", dossier_id, body)

    @app.post(
        "/v1/dossiers/{dossier_id}/status",
        response_model=StatusSet,
        tags=["dossiers"],
        responses=errors(401, 404, 409),
    )
    def set_status(dossier_id: str, body: StatusIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        return write(db, user, key, "dossier.status", dossier_id, body)

    @app.delete(
        "/v1/dossiers/{dossier_id}",
        response_model=DossierDeleted,
        tags=["dossiers"],
        responses=errors(401, 409),
    )
    def delete_dossier(dossier_id: str, user: User, key: IdempotencyKey, db: Db) -> Any:
        return write(db, user, key, "dossier.delete", dossier_id, None)

    # What the counter did after creating a dossier; payments the bank reported -----

    @app.post(
        "/v1/dossiers/{dossier_id}/events",
        status_code=201,
        response_model=EventAdded,
        tags=["dossiers"],
        responses=errors(401, 404, 409),
    )
    def add_event(dossier_id: str, body: EventIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        return write(db, user, key, "dossier.event", dossier_id, body)

    @app.get(
        "/v1/dossiers/{dossier_id}/events",
        response_model=EventsOut,
        tags=["dossiers"],
        responses=errors(401),
    )
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
        response_model=PaymentConfirmed,
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
        "/v1/dossiers/{dossier_id}/payment-confirmations",
        response_model=PaymentConfirmations,
        tags=["payments"],
        responses=errors(401),
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

    uploads.install(app, central)

    # The citizen's store of digitised documents ----------------------------------

    @app.get(
        "/v1/citizens/{id_number}/documents",
        response_model=CitizenDocuments,
        tags=["citizens"],
        responses=errors(401),
    )
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

    @app.post(
        "/v1/archive-records",
        status_code=201,
        response_model=ArchiveRecorded,
        tags=["archive"],
        responses=errors(401, 409),
    )
    def add_archive_record(body: ArchiveIn, user: User, key: IdempotencyKey, db: Db) -> Any:
        return write(db, user, key, "archive_record.create", None, body)

    # Audit-log heads --------------------------------------------------------------

    @app.post(
        "/v1/audit-heads",
        status_code=201,
        response_model=AuditHeadKept,
        tags=["audit"],
        responses={
            200: {"model": AuditHeadKept, "description": "This head was kept already."},
            **errors(401, 409),
        },
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
