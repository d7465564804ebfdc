"""What the store holds of each dossier for the retention purge, and the purge's writes.

:func:`holdings` reads, per dossier, its files (each with the kind the
retention periods name: ``scans`` for component documents and their page
images, ``results`` for result documents, signed or not), when the central
system confirmed each file (the earliest acknowledged message carrying the
document), whether any message of the dossier still waits, and whether its
personal data was forgotten. :func:`mark_removed` and :func:`forget_personal_data`
stage the purge's changes with their audit entries in the caller's
transaction; deciding what is due is :mod:`workstation.retention`'s.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workstation.domain import DossierStatus
from workstation.store import audit
from workstation.store.models import (
    ApplicantRow,
    ComponentRow,
    DocumentRow,
    DossierEventRow,
    DossierRow,
    HandoverRow,
    IdentityProofRow,
    OutboxRow,
    PageRow,
    RatingRow,
    ResultRow,
    SignatureRow,
    SigningRequestRow,
)
from workstation.store.outbox import SENT, MessageKind, unsent_file_digests
from workstation.store.search_index import index_dossier_name
from workstation.store.timestamps import from_stored, to_stored

SCANS = "scans"
RESULTS = "results"
KINDS = (SCANS, RESULTS)
"""The kinds of a dossier's files, as the retention settings name them."""

FORGOTTEN_NAME = "—"
"""The applicant's name once forgotten (a name is required; this one names nobody)."""

PURGE = "retention.purge"
"""Audit action: a file's local copy removed (``document_id``, ``dossier_id``)."""
FORGET = "retention.forget"
"""Audit action: a dossier's personal data forgotten (``dossier_id``)."""
CLEAN = "retention.clean"
"""Audit action: stale working files removed (``object_id``: the folder's key)."""


@dataclass(frozen=True)
class HeldFile:
    """One document of a dossier and its page images, held here or removed already."""

    document_id: str
    kind: str  # SCANS or RESULTS
    sha256: str
    size_bytes: int
    page_images: tuple[str, ...]
    confirmed_at: datetime | None  # None: no acknowledged message carries it yet
    removed_at: datetime | None


@dataclass(frozen=True)
class Holding:
    """Everything the purge decides on for one dossier."""

    dossier_id: str
    number: int
    code: str | None
    status: DossierStatus
    finished_at: datetime | None  # the last change of a dossier in a final status; else None
    unsent: int  # messages of the dossier the central system has not acknowledged
    last_sent_at: datetime | None
    forgotten_at: datetime | None
    files: tuple[HeldFile, ...] = field(default=())

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


def holdings(session: Session, dossier_ids: Iterable[str] | None = None) -> list[Holding]:
    """What the store holds of each dossier (of ``dossier_ids``; every dossier without)."""
    wanted = None if dossier_ids is None else list(dossier_ids)
    query = select(
        DossierRow.id,
        DossierRow.number,
        DossierRow.code,
        DossierRow.status,
        DossierRow.updated_at,
        DossierRow.forgotten_at,
    ).order_by(DossierRow.number)
    if wanted is not None:
        query = query.where(DossierRow.id.in_(wanted))
    dossiers = session.execute(query).all()
    ids = [row.id for row in dossiers]
    documents = dict(_documents(session, ids))
    messages = _messages(session, ids)
    result = []
    for row in dossiers:
        status = DossierStatus(row.status)
        sent_times, unsent, last_sent = messages.get(row.id, ({}, 0, None))
        files = tuple(
            HeldFile(
                document_id=doc.id,
                kind=kind,
                sha256=doc.sha256,
                size_bytes=doc.size_bytes,
                page_images=pages,
                confirmed_at=sent_times.get(doc.id),
                removed_at=from_stored(doc.removed_at) if doc.removed_at else None,
            )
            for doc, kind, pages in documents.get(row.id, [])
        )
        result.append(
            Holding(
                dossier_id=row.id,
                number=row.number,
                code=row.code,
                status=status,
                finished_at=from_stored(row.updated_at) if status.is_final else None,
                unsent=unsent,
                last_sent_at=last_sent,
                forgotten_at=from_stored(row.forgotten_at) if row.forgotten_at else None,
                files=files,
            )
        )
    return result


@dataclass(frozen=True)
class _Document:
    id: str
    kind: str
    sha256: str
    size_bytes: int
    removed_at: datetime | None


_DOCUMENT_COLUMNS = (
    DocumentRow.id,
    DocumentRow.kind,
    DocumentRow.sha256,
    DocumentRow.size_bytes,
    DocumentRow.removed_at,
)  # not the file name: it is personal data, opened through the codec for nothing


def _documents(
    session: Session, dossier_ids: list[str]
) -> Iterator[tuple[str, list[tuple[_Document, str, tuple[str, ...]]]]]:
    """Each dossier's documents (its components' and its results'), with kind and page images."""
    found: dict[str, dict[str, _Document]] = defaultdict(dict)
    for start in range(0, len(dossier_ids), 500):
        part = dossier_ids[start : start + 500]
        for dossier_id, *columns in session.execute(
            select(ComponentRow.dossier_id, *_DOCUMENT_COLUMNS)
            .join(DocumentRow, DocumentRow.component_id == ComponentRow.id)
            .where(ComponentRow.dossier_id.in_(part))
        ):
            found[dossier_id][columns[0]] = _Document(*columns)
        # Results and signed files hang off the dossier without a component.
        for owner, column in (
            (ResultRow.dossier_id, ResultRow.document_id),
            (SignatureRow.dossier_id, SignatureRow.document_id),
            (SignatureRow.dossier_id, SignatureRow.source_document_id),
        ):
            for dossier_id, *columns in session.execute(
                select(owner, *_DOCUMENT_COLUMNS)
                .join(DocumentRow, DocumentRow.id == column)
                .where(owner.in_(part), DocumentRow.component_id.is_(None))
            ):
                found[dossier_id][columns[0]] = _Document(*columns)
    every = [doc_id for docs in found.values() for doc_id in docs]
    pages: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(every), 500):
        for document_id, image in session.execute(
            select(PageRow.document_id, PageRow.image_sha256).where(
                PageRow.document_id.in_(every[start : start + 500]),
                PageRow.image_sha256.is_not(None),
            )
        ):
            pages[document_id].append(image)
    for dossier_id, docs in found.items():
        yield (
            dossier_id,
            [
                (doc, RESULTS if doc.kind == "result" else SCANS, tuple(pages.get(doc.id, ())))
                for doc in docs.values()
            ],
        )


CARRYING_FILES = frozenset(
    {
        MessageKind.DOSSIER_CREATED.value,
        MessageKind.DOCUMENT_ADDED.value,
        MessageKind.DOCUMENT_SIGNED.value,
    }
)
"""The dossier message kinds that carry files: only their payloads are opened. A kind left
off keeps its files (never confirmed), so the list can only err on the side of keeping."""


def _messages(
    session: Session, dossier_ids: list[str]
) -> dict[str, tuple[dict[str, datetime], int, datetime | None]]:
    """Per dossier: when each of its documents was first confirmed, how many of its messages
    wait still, and when its last message was acknowledged."""
    confirmed: dict[str, dict[str, datetime]] = defaultdict(dict)
    unsent: dict[str, int] = defaultdict(int)
    last: dict[str, datetime] = {}
    for start in range(0, len(dossier_ids), 500):
        part = dossier_ids[start : start + 500]
        rows = session.execute(
            select(OutboxRow.entity_id, OutboxRow.state, OutboxRow.sent_at).where(
                OutboxRow.entity_id.in_(part)
            )
        )
        for entity, state, sent_at in rows:
            if state != SENT:
                unsent[entity] += 1
            elif sent_at is not None:  # (acknowledged before 0930 and not backfilled: skipped)
                moment = from_stored(sent_at)
                last[entity] = max(last.get(entity, moment), moment)
        carrying = session.execute(
            select(OutboxRow.entity_id, OutboxRow.sent_at, OutboxRow.payload).where(
                OutboxRow.entity_id.in_(part),
                OutboxRow.state == SENT,
                OutboxRow.sent_at.is_not(None),
                OutboxRow.kind.in_(CARRYING_FILES),
            )
        )
        for entity, sent_at, payload in carrying:
            moment = from_stored(sent_at)
            for document_id in _carried(payload):
                known = confirmed[entity].get(document_id)
                confirmed[entity][document_id] = moment if known is None else min(known, moment)
    return {
        dossier_id: (confirmed.get(dossier_id, {}), unsent.get(dossier_id, 0), last.get(dossier_id))
        for dossier_id in set(confirmed) | set(unsent) | set(last)
    }


def _carried(payload: str) -> list[str]:
    """The ids of the documents a message carries (``document``, ``components[].documents``)."""
    try:
        body: Any = json.loads(payload)
    except ValueError:  # a forgotten or odd payload carries nothing
        return []
    if not isinstance(body, dict):
        return []
    documents = [body.get("document")]
    for component in body.get("components") or []:
        if isinstance(component, dict):
            documents.extend(component.get("documents") or [])
    return [d["id"] for d in documents if isinstance(d, dict) and isinstance(d.get("id"), str)]


def needed_blobs(session: Session) -> set[str]:
    """Every blob something still needs: a document or page not purged, a hand-over's
    authorisation, a file an unsent message has to carry."""
    kept = set(session.scalars(select(DocumentRow.sha256).where(DocumentRow.removed_at.is_(None))))
    kept |= set(
        session.scalars(
            select(PageRow.image_sha256)
            .join(DocumentRow, DocumentRow.id == PageRow.document_id)
            .where(DocumentRow.removed_at.is_(None), PageRow.image_sha256.is_not(None))
        )
    )
    kept |= set(
        session.scalars(
            select(HandoverRow.authorisation_sha256).where(
                HandoverRow.authorisation_sha256.is_not(None)
            )
        )
    )
    return kept | unsent_file_digests(session)


def removed_blobs(session: Session) -> set[str]:
    """The blobs of every purged document and its pages (gone, or to go when nothing else
    needs them)."""
    removed = set(
        session.scalars(select(DocumentRow.sha256).where(DocumentRow.removed_at.is_not(None)))
    )
    removed |= set(
        session.scalars(
            select(PageRow.image_sha256)
            .join(DocumentRow, DocumentRow.id == PageRow.document_id)
            .where(DocumentRow.removed_at.is_not(None), PageRow.image_sha256.is_not(None))
        )
    )
    return removed


def mark_removed(session: Session, dossier_id: str, document_id: str, now: datetime) -> None:
    """Stage that the local copy of ``document_id`` is gone, with its audit entry."""
    session.execute(
        update(DocumentRow)
        .where(DocumentRow.id == document_id, DocumentRow.removed_at.is_(None))
        .values(removed_at=to_stored(now))
    )
    audit.record(session, PURGE, dossier_id=dossier_id, document_id=document_id)


def forget_personal_data(session: Session, dossier_id: str, now: datetime) -> list[str]:
    """Stage forgetting ``dossier_id``'s personal data, with its audit entry; return the file
    names of the forms printed for its life-cycle steps (under the data folder's ``forms/``),
    for the caller to remove once this is committed.

    Names, ID numbers, addresses, phones and e-mails (applicant, owner, hand-over,
    identity proof), file names, reasons and comments, and the payloads of its
    acknowledged messages go; codes, status, dates, fees, counts and hashes stay.
    """
    row = session.get(DossierRow, dossier_id)
    if row is None:  # pragma: no cover - the caller found it in this transaction
        raise LookupError(dossier_id)
    applicant = session.get(ApplicantRow, row.applicant_id)
    if applicant is not None:
        applicant.name = FORGOTTEN_NAME
        index_dossier_name(session, dossier_id, None)
        for column in ("id_number", "address", "phone", "email", "current_address"):
            setattr(applicant, column, None)
    for column in ("owner_name", "owner_id_number", "owner_address", "owner_phone", "owner_email"):
        setattr(row, column, None)
    row.owner_type = None
    row.forgotten_at = to_stored(now)
    holding = holdings(session, [dossier_id])
    for held in holding[0].files if holding else ():
        document = session.get(DocumentRow, held.document_id)
        if document is not None:
            suffix = PurePath(document.file_name).suffix.lower()[:10]
            document.file_name = f"{held.kind}-{document.id[:8]}{suffix}"
    printed = []
    for event in session.scalars(
        select(DossierEventRow).where(DossierEventRow.dossier_id == dossier_id)
    ):
        event.details = "{}"
        if event.form_file:
            printed.append(event.form_file)
    for handover in session.scalars(
        select(HandoverRow).where(HandoverRow.dossier_id == dossier_id)
    ):
        handover.collector_id_number = ""
        handover.email = None
    for proof in session.scalars(
        select(IdentityProofRow).where(IdentityProofRow.dossier_id == dossier_id)
    ):
        proof.account_id_number = ""
    for rating in session.scalars(select(RatingRow).where(RatingRow.dossier_id == dossier_id)):
        rating.reason = None
    for request in session.scalars(
        select(SigningRequestRow).where(SigningRequestRow.dossier_id == dossier_id)
    ):
        request.comment = ""
    for message in session.scalars(
        select(OutboxRow).where(OutboxRow.entity_id == dossier_id, OutboxRow.state == SENT)
    ):
        schema = _schema(message.payload)
        message.payload = json.dumps({"forgotten": True, "schema": schema}, sort_keys=True)
    audit.record(session, FORGET, dossier_id=dossier_id)
    return printed


def _schema(payload: str) -> int | None:
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    value = body.get("schema") if isinstance(body, dict) else None
    return value if isinstance(value, int) else None


def record_cleaned(session: Session, folder: str) -> None:
    """Stage the audit entry of stale working files removed from ``folder`` (its key)."""
    audit.record(session, CLEAN, object_id=folder)
