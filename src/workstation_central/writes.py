"""The reference server's idempotent writes, one function each, and a batch of them.

Each write is ``apply(db, user, dossier_id, body) -> (status, answer)`` on an open
session, raising :func:`~workstation_central.problems.problem` to refuse; the
single routes of :mod:`workstation_central.app` and ``POST /v1/batch`` run the
same functions under the same operation names, so an Idempotency-Key applied one
way is replayed, not applied again, the other way.

A batch is one transaction: every item in a savepoint of its own, its answer kept
under its key as a single request's would be; an item refused rolls back to its
savepoint only, so the others still land, and the whole commits once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from workstation_central.models import (
    ArchiveRecord,
    AuditHead,
    DossierEvent,
    DossierFile,
    DossierRecord,
    IdempotentResponse,
    StatusEvent,
    StoredFile,
)
from workstation_central.problems import problem
from workstation_central.schemas import (
    LIFECYCLE_KINDS,
    AddedDocumentIn,
    ArchiveIn,
    AuditHeadIn,
    BatchItem,
    BatchResult,
    DocumentIn,
    DossierIn,
    EventIn,
    LifecycleEventIn,
    SignedDocumentIn,
    StatusIn,
)

Answer = tuple[int, dict[str, Any]]


def held_dossier(db: Session, dossier_id: str) -> DossierRecord:
    """The dossier held under ``dossier_id`` (404 ``dossier.unknown`` if none or deleted)."""
    row = db.get(DossierRecord, dossier_id)
    if row is None or row.deleted:
        raise problem(404, "dossier.unknown", "no such dossier")
    return row


def create_dossier(db: Session, user: str, dossier_id: str | None, body: DossierIn) -> Answer:
    if db.get(DossierRecord, body.id) is not None:
        raise problem(409, "dossier.exists", "a dossier with this id exists")
    documents = [d for c in body.components for d in c.documents]
    wanted = {d.sha256 for d in documents}
    held = set(db.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(wanted))))
    if wanted - held:
        raise problem(409, "files.missing", "upload the files first", missing=sorted(wanted - held))
    db.add(
        DossierRecord(
            id=body.id,
            code=body.code,
            status=body.status,
            applicant_id_number=body.applicant.id_number,
            payload=body.model_dump_json(by_alias=True),
        )
    )
    db.add(StatusEvent(dossier_id=body.id, status=body.status))
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


def _add_file(db: Session, dossier_id: str, named: str, document: DocumentIn) -> DossierRecord:
    """One more stored file of a held dossier (404 unknown, 409 file not uploaded)."""
    if named != dossier_id:
        raise problem(404, "dossier.unknown", "the file names another dossier")
    row = held_dossier(db, dossier_id)
    if db.get(StoredFile, document.sha256) is None:
        raise problem(409, "files.missing", "upload the file first", missing=[document.sha256])
    db.add(
        DossierFile(
            dossier_id=dossier_id,
            document_id=document.id,
            name=document.file_name,
            sha256=document.sha256,
            media_type=document.media_type,
        )
    )
    return row


def add_document(db: Session, user: str, dossier_id: str, body: AddedDocumentIn) -> Answer:
    row = _add_file(db, dossier_id, body.dossier_id, body.document)
    if body.component_id is not None:
        row.payload = _with_document(row.payload, body.component_id, body.document)
    return 201, {"id": body.document.id}


def add_signed_document(db: Session, user: str, dossier_id: str, body: SignedDocumentIn) -> Answer:
    _add_file(db, dossier_id, body.dossier_id, body.document)
    return 201, {"id": body.document.id, "role": body.signature.role}


def set_status(db: Session, user: str, dossier_id: str, body: StatusIn) -> Answer:
    row = held_dossier(db, dossier_id)
    if row.status != body.status:  # a repeat of the same status is no news
        row.status = body.status
        db.add(StatusEvent(dossier_id=dossier_id, status=body.status))
    return 200, {"id": dossier_id, "status": body.status}


def delete_dossier(db: Session, user: str, dossier_id: str, body: None) -> Answer:
    row = db.get(DossierRecord, dossier_id)
    if row is not None:
        row.deleted = True
    return 200, {"id": dossier_id, "deleted": True}


def add_event(db: Session, user: str, dossier_id: str, body: EventIn) -> Answer:
    row = held_dossier(db, dossier_id)
    if body.kind in LIFECYCLE_KINDS:
        try:
            step = LifecycleEventIn.model_validate(body.payload)
        except ValidationError as exc:
            raise problem(
                422, "event.invalid", "the step does not fit LifecycleEventIn",
                errors=len(exc.errors()),
            ) from exc  # fmt: skip
        if step.dossier_id != dossier_id:
            raise problem(404, "dossier.unknown", "the step names another dossier")
    if body.kind == "result.handed_over" and row.status != 10:
        row.status = 10
        db.add(StatusEvent(dossier_id=dossier_id, status=10))
    db.add(
        DossierEvent(
            dossier_id=dossier_id, kind=body.kind, payload=json.dumps(body.payload), officer=user
        )
    )
    return 201, {"id": dossier_id, "kind": body.kind}


def add_archive_record(db: Session, user: str, dossier_id: str | None, body: ArchiveIn) -> Answer:
    if db.get(ArchiveRecord, body.id) is not None:
        raise problem(409, "archive.exists", "an archive record with this id exists")
    if body.sha256 is not None and db.get(StoredFile, body.sha256) is None:
        raise problem(409, "archive.file_missing", "upload the record's file first")
    db.add(
        ArchiveRecord(
            id=body.id,
            dossier_id=body.dossier_id,
            sha256=body.sha256,
            payload=json.dumps(body.record, ensure_ascii=False),
        )
    )
    return 201, {"id": body.id}


def add_audit_head(db: Session, user: str, dossier_id: str | None, body: AuditHeadIn) -> Answer:
    """Keep a workstation's audit-log head; the same count with another hash is refused
    (``audit.head_conflict``: the workstation's log was rewritten since)."""
    answer = {"workstation": body.workstation, "count": body.count, "head": body.head}
    held = db.scalars(
        select(AuditHead).where(
            AuditHead.workstation == body.workstation, AuditHead.count == body.count
        )
    ).one_or_none()
    if held is not None:
        if held.head != body.head:
            raise problem(
                409, "audit.head_conflict", "this workstation reported another head at this count"
            )
        return 200, answer
    db.add(
        AuditHead(
            workstation=body.workstation,
            count=body.count,
            head=body.head,
            at=body.at,
            officer=user,
        )
    )
    return 201, answer


@dataclass(frozen=True)
class Operation:
    """A write: its body's model (None: no body), its operation name (what a key is bound
    to), whether it names a dossier, and the function applying it."""

    model: type[BaseModel] | None
    name: Callable[[str | None, Any], str]
    apply: Callable[[Session, str, Any, Any], Answer]
    names_dossier: bool = True


OPERATIONS: dict[str, Operation] = {
    "dossier.create": Operation(
        DossierIn, lambda d, b: f"POST /v1/dossiers {b.id}", create_dossier, names_dossier=False
    ),
    "dossier.status": Operation(StatusIn, lambda d, b: f"POST /v1/dossiers/{d}/status", set_status),
    "dossier.delete": Operation(None, lambda d, b: f"DELETE /v1/dossiers/{d}", delete_dossier),
    "dossier.event": Operation(EventIn, lambda d, b: f"POST /v1/dossiers/{d}/events", add_event),
    "dossier.document": Operation(
        AddedDocumentIn,
        lambda d, b: f"POST /v1/dossiers/{d}/documents {b.document.id}",
        add_document,
    ),
    "dossier.signed_document": Operation(
        SignedDocumentIn,
        lambda d, b: f"POST /v1/dossiers/{d}/signed-documents {b.document.id}",
        add_signed_document,
    ),
    "archive_record.create": Operation(
        ArchiveIn,
        lambda d, b: f"POST /v1/archive-records {b.id}",
        add_archive_record,
        names_dossier=False,
    ),
    "audit_head.add": Operation(
        AuditHeadIn,
        lambda d, b: f"POST /v1/audit-heads {b.workstation} {b.count}",
        add_audit_head,
        names_dossier=False,
    ),
}
"""Every write ``POST /v1/batch`` takes, by its ``op``."""


def apply_batch(db: Session, user: str, items: list[BatchItem]) -> list[BatchResult]:
    """Apply each item once per key, each in its own savepoint; commit them all at once.

    The answers stored under the batch's keys are read in one query first (most keys
    are new), not one item at a time."""
    keys = sorted({item.key for item in items})
    stored = {
        row.key: row
        for row in db.scalars(select(IdempotentResponse).where(IdempotentResponse.key.in_(keys)))
    }
    results = [_apply_item(db, user, item, stored) for item in items]
    try:
        db.commit()
    except IntegrityError:
        # A concurrent request wrote one of these keys or rows at the same moment: nothing
        # of this batch landed, and another try is answered from what that one stored.
        db.rollback()
        raise problem(
            409, "write.conflict", "a concurrent write got there first; try again"
        ) from None
    return results


def _apply_item(
    db: Session, user: str, item: BatchItem, answers: dict[str, IdempotentResponse]
) -> BatchResult:
    """Apply one item unless ``answers`` (the batch's stored answers by key, kept up to
    date as items are applied) holds its key already."""
    operation = OPERATIONS[item.op]
    try:
        body = None if operation.model is None else operation.model.model_validate(item.body)
    except ValidationError as exc:
        return _refused(item.key, 422, "validation", "the body does not fit the operation",
                        errors=exc.errors(include_url=False, include_context=False,
                                          include_input=False))  # fmt: skip
    if operation.names_dossier != (item.dossier_id is not None):
        wanted = "names" if operation.names_dossier else "names no"
        return _refused(item.key, 422, "batch.dossier_id", f"this operation {wanted} dossier_id")
    name = operation.name(item.dossier_id, body)
    stored = answers.get(item.key)
    if stored is None:
        savepoint = db.begin_nested()
        try:
            status, answer = operation.apply(db, user, item.dossier_id, body)
            stored = IdempotentResponse(
                key=item.key, user=user, operation=name, status=status, body=json.dumps(answer)
            )
            db.add(stored)
            db.flush()
        except HTTPException as exc:
            savepoint.rollback()
            return BatchResult(key=item.key, status=exc.status_code, body={"detail": exc.detail},
                               replayed=False)  # fmt: skip
        except DataError:
            savepoint.rollback()
            return _refused(item.key, 422, "value.unstorable", "a value the database cannot hold")
        except IntegrityError:
            # The same row under another key, or this key written by a concurrent request.
            savepoint.rollback()
            stored = db.get(IdempotentResponse, item.key)
            if stored is None:
                return _refused(item.key, 409, "write.conflict",
                                "a concurrent write got there first; try again")  # fmt: skip
        else:
            savepoint.commit()
            answers[item.key] = stored
            return BatchResult(key=item.key, status=status, body=answer, replayed=False)
    if stored.operation != name or stored.user != user:
        return _refused(item.key, 422, "idempotency.key_reused",
                        "the key was used for another request")  # fmt: skip
    return BatchResult(key=item.key, status=stored.status, body=json.loads(stored.body),
                       replayed=True)  # fmt: skip


def _refused(key: str, status: int, code: str, detail: str, **extra: Any) -> BatchResult:
    body = {"detail": {"code": code, "detail": detail, **extra}}
    return BatchResult(key=key, status=status, body=body, replayed=False)


def _with_document(payload: str, component_id: str, document: DocumentIn) -> str:
    """A stored dossier's payload with ``document`` added to its component ``component_id``
    (unchanged if it has no such component)."""
    try:
        body = json.loads(payload)
    except ValueError:
        return payload
    for component in body.get("components") or []:
        if component.get("id") == component_id:
            component.setdefault("documents", []).append(document.model_dump())
            return json.dumps(body, ensure_ascii=False)
    return payload
