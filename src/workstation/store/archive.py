"""Archive records in and out: one row per record of a split batch, searchable by metadata.

The use case (:mod:`workstation.archive.records`) stores each record's PDF/A
in the blob store, then calls :func:`add_record` and queues its
``archive.record`` message in the same transaction. Search goes through a
blind index made the way the dossier list's is
(:mod:`workstation.store.search_index`: titles name people), so ``ho so dat
dai`` finds ``Hồ sơ đất đai``, every word typed whole or as a word's start.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workstation.domain import Document
from workstation.store.dossiers import _document_row
from workstation.store.models import ArchiveRecordRow
from workstation.store.search_index import (
    archive_records_matching,
    archive_search_text,
    archive_tokens,
)
from workstation.store.timestamps import from_stored, to_stored

DOCUMENT_KIND = "archive"
"""The kind of the document row holding a record's PDF/A (it belongs to no component)."""


@dataclass(frozen=True)
class StoredRecord:
    """An archive record as stored: where it sits, its metadata, its PDF/A's digest."""

    id: str
    batch: str
    position: int
    document_id: str
    sha256: str
    pages: int
    metadata: dict[str, Any]
    warnings: tuple[str, ...]
    created_at: datetime


def stored_positions(session: Session, batch: str) -> set[int]:
    """Positions (from 1) of the records of ``batch`` already stored."""
    query = select(ArchiveRecordRow.position).where(ArchiveRecordRow.batch == batch)
    return set(session.scalars(query))


def records_of_batch(session: Session, batch: str) -> dict[int, StoredRecord]:
    """The stored records of ``batch`` by position (from 1), with their reviewed metadata."""
    query = select(ArchiveRecordRow).where(ArchiveRecordRow.batch == batch)
    return {row.position: _stored(session, row) for row in session.scalars(query)}


def add_record(
    session: Session,
    record_id: str,
    batch: str,
    position: int,
    document: Document,
    metadata: dict[str, Any],
    warnings: list[str],
) -> None:
    """Stage the record and its PDF/A's document row; the caller queues the message."""
    now = to_stored(datetime.now(UTC))
    row = _document_row(document, 0, now)
    row.kind = DOCUMENT_KIND
    session.add(row)
    session.flush()  # the record refers to the document row: it goes first
    session.add(
        ArchiveRecordRow(
            id=record_id,
            batch=batch,
            position=position,
            document_id=document.id,
            fonds=metadata.get("fonds") or "",
            catalogue=metadata.get("catalogue"),
            box=metadata.get("box"),
            file_number=metadata.get("file_number") or "",
            start_date=_date(metadata.get("start_date")),
            end_date=_date(metadata.get("end_date")),
            pages=document.page_count,
            search_tokens=archive_tokens(archive_search_text(metadata)),
            record=json.dumps(metadata, ensure_ascii=False, sort_keys=True),
            warnings="\n".join(warnings),
            created_at=now,
        )
    )


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def find_records(
    session: Session,
    text: str = "",
    *,
    fonds: str | None = None,
    catalogue: int | None = None,
    box: int | None = None,
    year: int | None = None,
    limit: int = 200,
) -> list[StoredRecord]:
    """Records whose title, codes or keywords hold every word of ``text`` (whole, or as
    a word's start, accents optional) and whose place and dates match what is given
    (``year``: the record's date range covers that year)."""
    query = select(ArchiveRecordRow)
    matching = archive_records_matching(text)
    if matching is not None:
        query = query.where(matching)
    if fonds:
        query = query.where(ArchiveRecordRow.fonds == fonds)
    if catalogue is not None:
        query = query.where(ArchiveRecordRow.catalogue == catalogue)
    if box is not None:
        query = query.where(ArchiveRecordRow.box == box)
    if year is not None:
        first, last = date(year, 1, 1), date(year, 12, 31)
        query = query.where(
            or_(ArchiveRecordRow.start_date.is_(None), ArchiveRecordRow.start_date <= last),
            or_(ArchiveRecordRow.end_date.is_(None), ArchiveRecordRow.end_date >= first),
            or_(ArchiveRecordRow.start_date.is_not(None), ArchiveRecordRow.end_date.is_not(None)),
        )
    query = query.order_by(
        ArchiveRecordRow.fonds,
        ArchiveRecordRow.catalogue,
        ArchiveRecordRow.box,
        ArchiveRecordRow.file_number,
        ArchiveRecordRow.batch,
        ArchiveRecordRow.position,
    ).limit(limit)
    return [_stored(session, row) for row in session.scalars(query)]


def _stored(session: Session, row: ArchiveRecordRow) -> StoredRecord:
    from workstation.store.models import DocumentRow

    sha256 = session.scalar(select(DocumentRow.sha256).where(DocumentRow.id == row.document_id))
    return StoredRecord(
        id=row.id,
        batch=row.batch,
        position=row.position,
        document_id=row.document_id,
        sha256=sha256 or "",
        pages=row.pages,
        metadata=json.loads(row.record),
        warnings=tuple(w for w in row.warnings.split("\n") if w),
        created_at=from_stored(row.created_at),
    )


__all__ = ["StoredRecord", "add_record", "find_records", "records_of_batch", "stored_positions"]
