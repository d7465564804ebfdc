"""Signed files into dossiers: the signing queue and storing what was signed.

Signing a dossier's result (the leader), certifying a digitised component as
an electronic copy (the receiving officer) or adding the agency's seal gives a
signed PDF that becomes a **new** stored document of the dossier; the
document it was signed from is kept. It goes in by intake's attach path
(:func:`workstation.intake.attach.store_file`: checked, streamed into the blob
store), then one transaction adds the document and its signature record
(:mod:`workstation.store.signatures`) and queues the ``document.signed``
message (signer, certificate fingerprint, signing time, role). If the
database refuses, nothing is added and nothing queued.

:func:`sign_into_dossiers` signs a batch with one signer (one login): each
document is taken from the blob store, signed into a work folder and stored
at once, so a token pulled out mid-batch leaves every finished document
stored and the rest waiting in the queue. The window's signing section and
``workstation sign --dossier`` both use it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.domain import Document
from workstation.errors import BadInput, Cancelled, WorkstationError
from workstation.intake.attach import store_file
from workstation.intake.receive import document_message
from workstation.store import BlobStore, Database, audit
from workstation.store import signatures as repo
from workstation.store.dossiers import find_dossier
from workstation.store.outbox import MessageKind, enqueue
from workstation.store.signatures import ROLES, SignatureFacts, WaitingDocument

if TYPE_CHECKING:
    from workstation.sign.pades import Appearance
    from workstation.sign.signer import DocumentSigner

log = logging.getLogger(__name__)

SIGNATURE_REQUESTED = "signature.requested"
RESULT_ADDED = "signature.result_added"
SENT_BACK = "signature.sent_back"
"""Audit actions of the signing queue (the signature itself is ``document.signed``)."""

__all__ = [
    "ROLES",
    "DossierSigning",
    "SignItem",
    "WaitingDocument",
    "add_result_for_signature",
    "request_signature",
    "send_back",
    "sign_into_dossiers",
    "signing_queue",
    "store_signed_file",
]


@dataclass(frozen=True)
class SignItem:
    """One stored document to sign in a role, from the queue (``request_id``) or not."""

    dossier_id: str
    document_id: str
    role: str
    request_id: str | None = None


@dataclass
class DossierSigning:
    """What a batch did: stored signed documents, refused items and the items left."""

    stored: list[tuple[SignItem, Document]] = field(default_factory=list)
    refused: list[tuple[SignItem, str]] = field(default_factory=list)  # (item, error code)
    remaining: list[SignItem] = field(default_factory=list)
    cancelled: bool = False
    stopped_by: WorkstationError | None = None


def signing_queue(database: Database) -> list[WaitingDocument]:
    """Documents waiting for a signature, oldest request first."""
    with database.reading() as session:
        return repo.waiting(session)


def request_signature(
    database: Database, dossier_reference: str, document_id: str, role: str
) -> str:
    """Put a stored document of the dossier in the signing queue; return the request's id."""
    with database.transaction() as session:
        dossier = find_dossier(session, dossier_reference)
        request_id = repo.add_request(session, dossier.id, document_id, role)
        audit.record(
            session,
            SIGNATURE_REQUESTED,
            dossier_id=dossier.id,
            document_id=document_id,
            object_id=request_id,
        )
    log.info("document %s of dossier %s waits for a %s signature", document_id, dossier.id, role)
    return request_id


def add_result_for_signature(
    database: Database, blobs: BlobStore, dossier_reference: str, path: Path
) -> tuple[Document, str]:
    """Store the PDF at ``path`` as the dossier's unsigned result and queue it for the
    leader's signature; return the stored document and the request's id."""
    with database.reading() as session:
        dossier = find_dossier(session, dossier_reference)
    document = store_file(blobs, path)
    if document.media_type != "application/pdf":
        raise BadInput(
            "only a PDF can be signed", code="signing.not_a_pdf", name=document.file_name
        )
    with database.transaction() as session:
        repo.add_result_document(session, dossier.id, document)
        request_id = repo.add_request(session, dossier.id, document.id, "result")
        audit.record(
            session,
            RESULT_ADDED,
            dossier_id=dossier.id,
            document_id=document.id,
            object_id=request_id,
        )
    log.info("result %s of dossier %s waits for the signature", document.id, dossier.id)
    return document, request_id


def send_back(database: Database, request_id: str, comment: str) -> None:
    """Return a waiting document to its sender with the signing officer's comment."""
    with database.transaction() as session:
        repo.return_request(session, request_id, comment)
        audit.record(session, SENT_BACK, object_id=request_id)  # never the comment
    log.info("signing request %s sent back", request_id)


def store_signed_file(
    database: Database,
    blobs: BlobStore,
    item: SignItem,
    signed: Path,
) -> Document:
    """Store the signed PDF at ``signed`` as a new document of the item's dossier, with its
    signature record and ``document.signed`` message in one transaction."""
    from workstation.sign.verify import last_signature

    repo.check_role(item.role)
    last = last_signature(signed)
    facts = SignatureFacts(
        signer=last.signer,
        certificate_sha256=last.certificate_sha256,
        signing_time=last.signing_time or datetime.now(UTC),
        field_name=last.field_name,
    )
    document = store_file(blobs, signed)
    with database.transaction() as session:
        dossier = find_dossier(session, item.dossier_id)
        component_id = repo.add_signed_document(
            session,
            dossier.id,
            item.document_id,
            document,
            item.role,
            facts,
            item.request_id,
        )
        enqueue(
            session,
            MessageKind.DOCUMENT_SIGNED,
            dossier.id,
            {
                "dossier_id": dossier.id,
                "dossier_code": dossier.code,
                "component_id": component_id,
                "source_document_id": item.document_id,
                "document": document_message(document),
                "signature": {
                    "role": item.role,
                    "signer": facts.signer,
                    "certificate_sha256": facts.certificate_sha256,
                    "signing_time": facts.signing_time.astimezone(UTC).isoformat(),
                    "field_name": facts.field_name,
                },
            },
        )
    log.info("signed document %s stored in dossier %s (%s)", document.id, dossier.id, item.role)
    return document


def _source_file(database: Database, blobs: BlobStore, item: SignItem, folder: Path) -> Path:
    with database.reading() as session:
        dossier = find_dossier(session, item.dossier_id)
        row = repo.dossier_document(session, dossier.id, item.document_id)
        sha256, media_type = row.sha256, row.media_type
    if media_type != "application/pdf":
        raise BadInput("only a PDF can be signed", code="signing.not_a_pdf", name=item.document_id)
    path = folder / f"{item.document_id}.pdf"
    with blobs.open(sha256) as source, path.open("wb") as target:
        shutil.copyfileobj(source, target)
    return path


def _signed_name(database: Database, item: SignItem) -> str:
    with database.reading() as session:
        row = repo.dossier_document(session, item.dossier_id, item.document_id)
        stem = Path(row.file_name).stem or "document"
    return f"{stem}.signed.pdf"


def sign_into_dossiers(
    database: Database,
    blobs: BlobStore,
    signer: DocumentSigner,
    items: Sequence[SignItem],
    look: Appearance | Callable[[SignItem, Path], Appearance],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    work_folder: Path | None = None,
) -> DossierSigning:
    """Sign ``items`` with ``signer`` (already entered: logged in once) and store each.

    ``look`` is one appearance for all, or a function of the item and its
    source file (to place the box by an anchor text). A refused document is
    recorded and the batch goes on; a token failure or a PIN problem stops it
    with the rest in ``remaining``; every document finished before is stored.
    """
    result = DossierSigning()
    total = len(items)
    folder = Path(tempfile.mkdtemp(prefix="signing-", dir=work_folder))
    try:
        for index, item in enumerate(items):
            if cancelled is not None and cancelled():
                result.cancelled = True
                result.remaining = list(items[index:])
                break
            try:
                source = _source_file(database, blobs, item, folder)
                output = folder / f"{item.document_id}.signed.pdf"
                appearance = look(item, source) if callable(look) else look
            except BadInput as exc:
                result.refused.append((item, exc.code))
                if progress is not None:
                    progress(index + 1, total)
                continue
            try:
                batch = signer.sign_batch([(source, output)], appearance, cancelled=cancelled)
            except Cancelled:
                batch = None
            if batch is None or batch.cancelled:
                result.cancelled = True
                result.remaining = list(items[index:])
                break
            if batch.stopped_by is not None:
                result.stopped_by = batch.stopped_by
                result.remaining = list(items[index:])
                break
            if batch.refused:
                result.refused.append((item, batch.refused[0][1]))
            else:
                named = folder / item.document_id / _signed_name(database, item)
                named.parent.mkdir()
                output.rename(named)
                try:
                    result.stored.append((item, store_signed_file(database, blobs, item, named)))
                except BadInput as exc:
                    result.refused.append((item, exc.code))
            if progress is not None:
                progress(index + 1, total)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    log.info(
        "signing into dossiers: %d stored, %d refused, %d left",
        len(result.stored),
        len(result.refused),
        len(result.remaining),
    )
    return result
