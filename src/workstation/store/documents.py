"""Adding a document to a component of a saved dossier, with what capture measured per page,
and a result (kết quả) with its document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain import DigitisationStatus, Document
from workstation.domain.dossier import Result
from workstation.errors import NotFound
from workstation.store.dossiers import _document_row
from workstation.store.models import ComponentRow, DocumentRow, PageCaptureRow, ResultRow
from workstation.store.timestamps import to_stored


@dataclass(frozen=True)
class PageCapture:
    """What capture measured on one page, by page number (from 1)."""

    number: int
    dpi: int | None = None
    colour: str | None = None
    skew_deg: float | None = None
    blank: bool = False
    ocr_confidence: float | None = None
    warnings: tuple[str, ...] = ()


def find_component(session: Session, dossier_id: str, code: str) -> ComponentRow:
    """The dossier's component by its requirement code, or by its number (from 1)."""
    query = select(ComponentRow).where(ComponentRow.dossier_id == dossier_id)
    rows = list(session.scalars(query.order_by(ComponentRow.position)))
    for row in rows:
        if row.requirement_code == code:
            return row
    if code.isdigit() and 1 <= int(code) <= len(rows):
        return rows[int(code) - 1]
    raise NotFound(
        f"the dossier has no component {code}",
        code="document.component_not_found",
        component=code,
    )


def add_document(
    session: Session,
    dossier_id: str,
    component_code: str,
    document: Document,
    captures: Sequence[PageCapture] = (),
) -> str:
    """Stage ``document`` at the end of the component; return the component's id.

    The component is marked digitised. The caller queues the outbox message in
    the same transaction.
    """
    component = find_component(session, dossier_id, component_code)
    position = len(component.documents)
    row = _document_row(document, position, to_stored(datetime.now(UTC)))
    component.documents.append(row)
    component.digitisation = int(DigitisationStatus.DIGITISED)
    session.flush()
    by_number = {page.number: page for page in row.pages}
    for capture in captures:
        page = by_number.get(capture.number)
        if page is None:
            continue
        session.add(
            PageCaptureRow(
                page_id=page.id,
                dpi=capture.dpi,
                colour=capture.colour,
                skew_deg=capture.skew_deg,
                blank=capture.blank,
                ocr_confidence=capture.ocr_confidence,
                warnings=",".join(capture.warnings),
            )
        )
    return component.id


def page_captures(session: Session, document_id: str) -> list[PageCaptureRow]:
    """The capture measurements of a document's pages, in page order."""
    from workstation.store.models import PageRow

    query = (
        select(PageCaptureRow)
        .join(PageRow, PageRow.id == PageCaptureRow.page_id)
        .where(PageRow.document_id == document_id)
        .order_by(PageRow.number)
    )
    return list(session.scalars(query))


def add_result(session: Session, result: Result) -> str:
    """Stage ``result`` and its document (a ``result`` document of no component); return its
    id. The caller queues the outbox message in the same transaction."""
    if result.document is None:
        raise ValueError("a stored result needs its document")
    now = to_stored(datetime.now(UTC))
    row = _document_row(result.document, 0, now)
    session.add(row)
    session.flush()  # the result refers to the document row: it goes first
    session.add(
        ResultRow(
            id=result.id,
            dossier_id=result.dossier_id,
            number_symbol=result.number_symbol,
            issued_at=to_stored(result.issued_at) if result.issued_at else None,
            signer=result.signer,
            document_id=result.document.id,
        )
    )
    return result.id


def results_of(session: Session, dossier_id: str) -> list[tuple[ResultRow, DocumentRow | None]]:
    """The dossier's results with their documents, oldest first."""
    query = (
        select(ResultRow, DocumentRow)
        .outerjoin(DocumentRow, DocumentRow.id == ResultRow.document_id)
        .where(ResultRow.dossier_id == dossier_id)
        .order_by(DocumentRow.created_at)
    )
    return [(r, d) for r, d in session.execute(query)]
