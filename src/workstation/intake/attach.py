"""Adding a captured document to a component of an existing dossier, through intake's path.

The same order as receiving a dossier (:mod:`workstation.intake.receive`): the
file is checked (every page decoded) and streamed into the blob store; then
one transaction adds the document and its pages (with what capture measured
on each: resolution, colour, skew, blank flag, OCR confidence) to the
component *and* queues the ``document.added`` message for the central
system. If the database refuses, nothing is added and nothing queued; the
stored blob is unreferenced and the blob clean-up clears it.

:func:`attach_result` takes the same path for the dossier's electronic result
(a RESULT document, e.g. a digitised pre-printed result form).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from workstation.domain import Document, Dossier
from workstation.domain.dossier import DocumentKind, Result
from workstation.intake.files import inspect_files
from workstation.intake.receive import _store, document_message
from workstation.store import BlobStore, Database
from workstation.store.documents import PageCapture, add_document, add_result
from workstation.store.dossiers import find_dossier
from workstation.store.outbox import MessageKind, enqueue

log = logging.getLogger(__name__)


def captures_of(capture_report: Any) -> list[PageCapture]:
    """Page measurements from a capture report (``DigitizeReport``, its JSON, or ``None``)."""
    if capture_report is None:
        return []
    pages = capture_report["pages"] if isinstance(capture_report, dict) else capture_report.pages
    captures = []
    for page in pages:
        get = page.get if isinstance(page, dict) else lambda k, p=page: getattr(p, k, None)
        captures.append(
            PageCapture(
                number=int(get("index")) + 1,
                dpi=get("dpi"),
                colour=get("colour"),
                skew_deg=get("skew_deg"),
                blank=bool(get("blank")),
                ocr_confidence=get("ocr_confidence"),
                warnings=tuple(get("warnings") or ()),
            )
        )
    return captures


def store_file(blobs: BlobStore, path: Path) -> Document:
    """Check the file at ``path`` (every page decoded) and stream it into the blob store.

    The first half of attaching: nothing is in the database yet, so a refusal
    leaves no trace but an unreferenced blob the clean-up clears.
    """
    return _store(blobs, inspect_files([path])[0])


def attach_document(
    database: Database,
    blobs: BlobStore,
    dossier_reference: str,
    component_code: str,
    path: Path,
    capture_report: Any = None,
) -> Document:
    """Add the file at ``path`` to component ``component_code`` of the dossier; queue it.

    ``dossier_reference`` is what the officer types (short number, code or id);
    ``component_code`` the component's requirement code or its number (from 1).
    """
    with database.reading() as session:
        dossier = find_dossier(session, dossier_reference)
    document = store_file(blobs, path)
    captures = captures_of(capture_report)
    with database.transaction() as session:
        add_stored_document(session, dossier, component_code, document, captures)
    log.info(
        "added document %s to dossier %s: %d page(s)", document.id, dossier.id, document.page_count
    )
    return document


def add_stored_document(
    session: Session,
    dossier: Dossier,
    component_code: str,
    document: Document,
    captures: Sequence[PageCapture] = (),
) -> str:
    """The second half of attaching, inside the caller's transaction: add the stored
    ``document`` to the component and queue its ``document.added``; the component's id.

    A step that brings documents with it (the supplement received) calls this in its
    own transaction, so the step and its documents are stored, or refused, together.
    """
    component_id = add_document(session, dossier.id, component_code, document, captures)
    message = {
        "dossier_id": dossier.id,
        "dossier_code": dossier.code,
        "component_id": component_id,
        "document": document_message(document),
        "pages": [
            {
                "number": c.number,
                "dpi": c.dpi,
                "colour": c.colour,
                "skew_deg": c.skew_deg,
                "blank": c.blank,
                "ocr_confidence": c.ocr_confidence,
            }
            for c in captures
        ],
    }
    enqueue(session, MessageKind.DOCUMENT_ADDED, dossier.id, message)
    return component_id


def attach_result(
    database: Database,
    blobs: BlobStore,
    dossier_reference: str,
    path: Path,
    *,
    number_symbol: str = "",
    signer: str = "",
    details: dict[str, Any] | None = None,
) -> Result:
    """Store the file at ``path`` as the dossier's electronic result (a RESULT document);
    queue it.

    The same path as :func:`attach_document`: the file checked and streamed
    into the blob store first, then one transaction adds the result and queues
    its ``document.added`` message (``details``, e.g. a result form's fields and
    flags, travel in it as ``result``).
    """
    with database.reading() as session:
        dossier = find_dossier(session, dossier_reference)
    inspected = inspect_files([path])
    document = replace(_store(blobs, inspected[0]), kind=DocumentKind.RESULT)
    result = Result(
        dossier_id=dossier.id,
        number_symbol=number_symbol,
        issued_at=datetime.now(UTC),
        signer=signer,
        document=document,
    )
    with database.transaction() as session:
        add_result(session, result)
        message = {
            "dossier_id": dossier.id,
            "dossier_code": dossier.code,
            "component_id": None,
            "document": {**document_message(document), "kind": str(DocumentKind.RESULT)},
            "result": {
                "id": result.id,
                "number_symbol": number_symbol,
                "signed": bool(signer),
                **(details or {}),
            },
            "pages": [],
        }
        enqueue(session, MessageKind.DOCUMENT_ADDED, dossier.id, message)
    log.info("added result %s to dossier %s", result.id, dossier.id)
    return result
