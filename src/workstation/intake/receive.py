"""Receiving a dossier: files into the blob store, the dossier and its outbox message
into the database in one transaction.

The order matters. Files are checked (every page decoded, in the process
pool, one page at a time), then streamed from disk into the blob store
(content addressed, so a retry writes nothing twice; no file is ever held
whole in memory); only then does one transaction
save the dossier, its component, documents and pages *and* queue the
``dossier.created`` message. If the database refuses, nothing of the dossier
exists and nothing is queued; the blobs left behind are unreferenced and
:func:`workstation.intake.cleanup.clean_up_blobs` clears them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from workstation.domain import (
    Applicant,
    Catalogue,
    Channel,
    Component,
    DigitisationStatus,
    Document,
    Dossier,
    DossierStatus,
    clock,
)
from workstation.errors import BadInput
from workstation.intake.files import InspectedFile, inspect_files
from workstation.store import BlobStore, Database
from workstation.store.dossiers import add_dossier
from workstation.store.outbox import enqueue

log = logging.getLogger(__name__)

DOSSIER_CREATED = "dossier.created"

Progress = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)``; ``step`` is a message key."""


@dataclass(frozen=True)
class NewDossier:
    """What the officer filled in to receive a dossier."""

    procedure_code: str
    applicant: Applicant
    files: Sequence[Path]
    component_code: str | None = None
    channel: Channel = Channel.COUNTER
    received_at: datetime | None = None
    officer_id: int | None = None


def receive_dossier(
    database: Database,
    blobs: BlobStore,
    catalogue: Catalogue,
    request: NewDossier,
    progress: Progress | None = None,
) -> Dossier:
    """Save a new dossier with one component holding ``request.files``; queue it for sync.

    The two steps, :func:`prepare_dossier` (files) and :func:`save_dossier`
    (database), can also run apart, e.g. on the window's file and database threads.
    """
    return save_dossier(database, prepare_dossier(blobs, catalogue, request, progress))


def prepare_dossier(
    blobs: BlobStore,
    catalogue: Catalogue,
    request: NewDossier,
    progress: Progress | None = None,
) -> Dossier:
    """Check the request and its files, store the files; return the dossier, not yet saved.

    Touches no database. Files stored here and never saved are unreferenced
    blobs, which :func:`workstation.intake.cleanup.clean_up_blobs` clears later;
    a file already stored has its claim renewed, so that clean-up leaves it
    for the dossier about to refer to it.
    """
    progress = progress or (lambda *_: None)
    received_at = request.received_at or clock.now()
    procedure = catalogue.get(request.procedure_code, clock.local(received_at).date())
    requirement = procedure.filed_under(request.component_code)
    if not request.files:
        raise BadInput("give at least one file for the component", code="dossier.no_files")

    total = len(request.files)
    inspected = inspect_files(
        request.files, lambda done, _: progress("progress.checking_file", done, total)
    )

    documents = []
    for done, item in enumerate(inspected):
        progress("progress.storing_file", done, total)
        documents.append(_store(blobs, item))

    dossier = Dossier(
        procedure_code=procedure.code,
        procedure_version=procedure.version,
        applicant=request.applicant,
        received_at=received_at,
        status=DossierStatus.RECEIVED,
        channel=request.channel,
        officer_id=request.officer_id,
        components=(
            Component(
                name=requirement.name,
                requirement_code=requirement.code,
                originals=requirement.originals,
                certified_copies=requirement.certified_copies,
                photocopies=requirement.photocopies,
                digitisation=DigitisationStatus.DIGITISED,
                documents=tuple(documents),
            ),
        ),
    )
    progress("progress.saving_dossier", total, total)
    return dossier


def _store(blobs: BlobStore, item: InspectedFile) -> Document:
    """Stream one checked file into the blob store; ``file.changed`` if it is not as checked."""
    name = item.path.name
    with item.open() as stream:
        try:
            digest = blobs.put_file(stream)
            complete = stream.tell() == item.size_bytes
        except OSError as exc:
            raise BadInput(
                f"cannot read {name}: {exc.strerror or exc.__class__.__name__}",
                code="file.unreadable",
                name=name,
            ) from exc
    if not complete:  # it grew or shrank after its check: what was checked is not what was read
        raise BadInput(
            f"{name} changed while it was being received", code="file.changed", name=name
        )
    return Document(
        sha256=digest,
        media_type=item.media_type,
        file_name=name,
        size_bytes=item.size_bytes,
        pages=item.pages,
    )


def save_dossier(database: Database, dossier: Dossier) -> Dossier:
    """Save ``dossier`` and queue its ``dossier.created`` message, in one transaction."""
    with database.transaction() as session:
        dossier = add_dossier(session, dossier)  # now with its short number
        enqueue(session, DOSSIER_CREATED, dossier.id, dossier_message(dossier))
    log.info(
        "received dossier %s for procedure %s: %d page(s)",
        dossier.id,
        dossier.procedure_code,
        dossier.page_count,
    )
    return dossier


def portal_timestamp(moment: datetime) -> str:
    """A moment as the national portal writes it: ``yyyyMMddHHmmss`` in Vietnam's time."""
    return clock.local(moment).strftime("%Y%m%d%H%M%S")


def document_message(document: Document) -> dict[str, object]:
    """A stored file as reports and messages describe it."""
    return {
        "id": document.id,
        "sha256": document.sha256,
        "media_type": document.media_type,
        "file_name": document.file_name,
        "size_bytes": document.size_bytes,
        "page_count": document.page_count,
    }


def dossier_message(dossier: Dossier) -> dict[str, object]:
    """The ``dossier.created`` payload for the central system."""
    a = dossier.applicant
    return {
        "id": dossier.id,
        "code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_version": dossier.procedure_version,
        "status": int(dossier.status),
        "channel": str(dossier.channel),
        "received_at": portal_timestamp(dossier.received_at),
        "applicant": {
            "type": int(a.type),
            "name": a.name,
            "id_number": a.id_number,
            "address": a.address,
            "phone": a.phone,
            "email": a.email,
        },
        "components": [
            {
                "id": c.id,
                "requirement_code": c.requirement_code,
                "name": c.name,
                "digitisation": int(c.digitisation),
                "documents": [document_message(d) for d in c.documents],
            }
            for c in dossier.components
        ],
    }
