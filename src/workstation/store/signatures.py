"""Signed documents of a dossier and the signing queue, in the caller's transaction.

A signed PDF is a **new** document of its dossier: the document it was signed
from is kept. A certified copy (or any signed component document) goes to
the end of its source's component; a signed result is a result document
(no component) and the dossier's result points to it from then on. Each
signed document gets a :class:`~workstation.store.models.SignatureRow`
saying who signed, with which certificate, when and in which role.

The signing queue is ``signing_requests``: a document waiting for a
signature, then ``signed`` (with the signed document) or ``returned`` (sent
back with the officer's comment).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain import Document
from workstation.domain.dossier import DocumentKind
from workstation.errors import BadInput, NotFound
from workstation.store.dossiers import _document_row
from workstation.store.models import (
    ComponentRow,
    DocumentRow,
    DossierRow,
    ResultRow,
    SignatureRow,
    SigningRequestRow,
)
from workstation.store.timestamps import from_stored, to_stored

ROLES = ("result", "certified_copy", "seal")
"""What a signature stands for: the leader's signature of a result, the receiving
officer's certification of a digitised copy, the agency's seal on a signed result."""

WAITING = "waiting"
SIGNED = "signed"
RETURNED = "returned"


@dataclass(frozen=True)
class SignatureFacts:
    """What a signature says about itself (read back from the signed PDF)."""

    signer: str
    certificate_sha256: str
    signing_time: datetime
    field_name: str


@dataclass(frozen=True)
class WaitingDocument:
    """A document in the signing queue."""

    request_id: str
    dossier_id: str
    dossier_number: int
    dossier_code: str | None
    document_id: str
    sha256: str
    media_type: str
    file_name: str
    role: str
    requested_at: datetime


@dataclass(frozen=True)
class StoredSignature:
    """A signed document of a dossier, as the dossier shows it."""

    document_id: str
    source_document_id: str
    role: str
    signer: str
    certificate_sha256: str
    signed_at: datetime


def check_role(role: str) -> str:
    if role not in ROLES:
        raise BadInput(f"unknown signing role {role!r}", code="signing.role_unknown", role=role)
    return role


def _now() -> datetime:
    return to_stored(datetime.now(UTC))


def dossier_document(session: Session, dossier_id: str, document_id: str) -> DocumentRow:
    """The document ``document_id`` if it belongs to the dossier (a component's or a result's)."""
    row = session.get(DocumentRow, document_id)
    if row is not None:
        if row.component is not None and row.component.dossier_id == dossier_id:
            return row
        if row.component_id is None:
            owner = session.scalar(
                select(ResultRow.dossier_id).where(ResultRow.document_id == document_id)
            )
            if owner == dossier_id:
                return row
            owner = session.scalar(
                select(SignatureRow.dossier_id).where(SignatureRow.document_id == document_id)
            )
            if owner == dossier_id:
                return row
    raise NotFound(
        "the dossier has no such document", code="signing.document_not_found", document=document_id
    )


def add_result_document(session: Session, dossier_id: str, document: Document) -> str:
    """Stage ``document`` as the dossier's (unsigned) result; return the result's id."""
    row = _document_row(document, 0, _now())
    row.kind = str(DocumentKind.RESULT)
    session.add(row)
    result = ResultRow(id=str(uuid.uuid4()), dossier_id=dossier_id, document_id=row.id)
    session.add(result)
    session.flush()
    return result.id


def add_request(session: Session, dossier_id: str, document_id: str, role: str) -> str:
    """Put a document of the dossier in the signing queue; return the request's id.

    A document already waiting in the same role is not queued twice.
    """
    check_role(role)
    dossier_document(session, dossier_id, document_id)
    existing = session.scalar(
        select(SigningRequestRow.id).where(
            SigningRequestRow.document_id == document_id,
            SigningRequestRow.role == role,
            SigningRequestRow.state == WAITING,
        )
    )
    if existing is not None:
        return existing
    row = SigningRequestRow(
        id=str(uuid.uuid4()),
        dossier_id=dossier_id,
        document_id=document_id,
        role=role,
        state=WAITING,
        comment="",
        requested_at=_now(),
    )
    session.add(row)
    session.flush()
    return row.id


def waiting(session: Session, limit: int = 500) -> list[WaitingDocument]:
    """The signing queue: documents waiting for a signature, oldest request first."""
    query = (
        select(SigningRequestRow, DocumentRow, DossierRow)
        .join(DocumentRow, DocumentRow.id == SigningRequestRow.document_id)
        .join(DossierRow, DossierRow.id == SigningRequestRow.dossier_id)
        .where(SigningRequestRow.state == WAITING)
        .order_by(SigningRequestRow.requested_at, SigningRequestRow.id)
        .limit(limit)
    )
    return [
        WaitingDocument(
            request_id=req.id,
            dossier_id=dossier.id,
            dossier_number=dossier.number,
            dossier_code=dossier.code,
            document_id=doc.id,
            sha256=doc.sha256,
            media_type=doc.media_type,
            file_name=doc.file_name,
            role=req.role,
            requested_at=from_stored(req.requested_at),
        )
        for req, doc, dossier in session.execute(query)
    ]


def request(session: Session, request_id: str) -> SigningRequestRow:
    row = session.get(SigningRequestRow, request_id)
    if row is None:
        raise NotFound(
            "no such signing request", code="signing.request_not_found", request=request_id
        )
    return row


def return_request(session: Session, request_id: str, comment: str) -> SigningRequestRow:
    """Send a waiting document back with the signing officer's comment."""
    row = request(session, request_id)
    if row.state != WAITING:
        raise BadInput(
            "the document no longer waits for a signature", code="signing.request_not_waiting"
        )
    text = comment.strip()
    if not text:
        raise BadInput("a document is sent back with a comment", code="signing.comment_missing")
    row.state = RETURNED
    row.comment = text[:1000]
    row.done_at = _now()
    return row


def add_signed_document(
    session: Session,
    dossier_id: str,
    source_document_id: str,
    document: Document,
    role: str,
    facts: SignatureFacts,
    request_id: str | None = None,
) -> str | None:
    """Stage the signed ``document`` beside its source; return its component's id (None for a
    result). The source is kept; the caller queues the ``document.signed`` message."""
    check_role(role)
    source = dossier_document(session, dossier_id, source_document_id)
    now = _now()
    component_id: str | None = None
    if source.component is not None:
        component: ComponentRow = source.component
        row = _document_row(document, len(component.documents), now)
        component.documents.append(row)
        component_id = component.id
    else:
        row = _document_row(document, 0, now)
        row.kind = str(DocumentKind.RESULT)
        session.add(row)
        result = session.scalar(
            select(ResultRow).where(
                ResultRow.dossier_id == dossier_id, ResultRow.document_id == source_document_id
            )
        )
        if result is not None:
            result.document_id = row.id  # the dossier's result is now the signed file
            result.signer = facts.signer
            result.issued_at = to_stored(facts.signing_time)
    session.flush()
    session.add(
        SignatureRow(
            id=str(uuid.uuid4()),
            dossier_id=dossier_id,
            document_id=row.id,
            source_document_id=source_document_id,
            role=role,
            signer=facts.signer,
            certificate_sha256=facts.certificate_sha256,
            field_name=facts.field_name,
            signed_at=to_stored(facts.signing_time),
        )
    )
    if request_id is not None:
        req = request(session, request_id)
        if req.state != WAITING:
            raise BadInput(
                "the document no longer waits for a signature", code="signing.request_not_waiting"
            )
        req.state = SIGNED
        req.done_at = now
        req.signed_document_id = row.id
    return component_id


def signatures_of(session: Session, dossier_id: str) -> list[StoredSignature]:
    """The signed documents of a dossier, oldest first."""
    query = (
        select(SignatureRow)
        .where(SignatureRow.dossier_id == dossier_id)
        .order_by(SignatureRow.signed_at, SignatureRow.id)
    )
    return [
        StoredSignature(
            document_id=r.document_id,
            source_document_id=r.source_document_id,
            role=r.role,
            signer=r.signer,
            certificate_sha256=r.certificate_sha256,
            signed_at=from_stored(r.signed_at),
        )
        for r in session.scalars(query)
    ]


def forget_dossier(session: Session, dossier_id: str) -> None:
    """Stage the removal of the dossier's signing rows, results and result documents (a
    dossier being deleted); its components' documents go with the components."""
    for row in session.scalars(
        select(SigningRequestRow).where(SigningRequestRow.dossier_id == dossier_id)
    ):
        session.delete(row)
    signed = list(
        session.scalars(select(SignatureRow).where(SignatureRow.dossier_id == dossier_id))
    )
    results = list(session.scalars(select(ResultRow).where(ResultRow.dossier_id == dossier_id)))
    document_ids = {r.document_id for r in results if r.document_id is not None}
    document_ids |= {s.document_id for s in signed} | {s.source_document_id for s in signed}
    for row in [*signed, *results]:
        session.delete(row)
    session.flush()
    for document_id in document_ids:
        document = session.get(DocumentRow, document_id)
        if document is not None and document.component_id is None:
            session.delete(document)
