"""Storing a split archive batch: each record's PDF/A and metadata in the store, queued.

:func:`store_batch` takes the folder a split left (:mod:`workstation.archive.batch`)
and, record by record, checks the PDF/A (every page decoded, as intake checks a
file), streams it into the blob store, then in **one transaction** adds the
record (:mod:`workstation.store.archive`) and queues its ``archive.record``
message for the central system. A record is one transaction, so a run cut off
half-way (a crash, a power loss, the clerk's Cancel) has stored whole records
only; running it again skips the records of the batch already stored (unique
by batch and position) and stores the rest: nothing lost, nothing twice.

Metadata is never guessed: a record whose metadata (from its separator sheet,
carried over, or as the clerk corrected it) still lacks a required field or
holds an invalid one is not stored, and the report says which field. The
clerk's corrections come in as ``corrections`` (position → metadata JSON).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.archive.batch import STATE_DIR, read_batch
from workstation.archive.metadata import check_complete, parse_record
from workstation.archive.xmp import write_record_metadata
from workstation.errors import BadInput
from workstation.intake.files import inspect_files
from workstation.intake.receive import _store, document_message
from workstation.store import BlobStore, Database
from workstation.store.archive import add_record, stored_positions
from workstation.store.outbox import MessageKind, enqueue

log = logging.getLogger(__name__)

REFUSALS = (
    "archive.metadata_invalid",
    "archive.document_invalid",
    "archive.document_field_missing",
    "archive.no_file",
    "archive.record_unreadable",
)
"""Codes of the errors that refuse one record (the others stop the run)."""

_RECORD_IDS = uuid.UUID("6f1d1c0e-2b7a-4d38-9a51-0c4b8e5f0a11")
"""Namespace of record ids: a record's id follows from its batch and position."""


@dataclass
class StoreReport:
    """What :func:`store_batch` did: records stored now, stored before, and not stored."""

    batch: str
    stored: list[int] = field(default_factory=list)
    already_stored: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)
    """Position → why the record was not stored (``metadata_missing:title``, ``no_file``...)."""
    messages: dict[int, str] = field(default_factory=dict)
    """Position → the clerk's message for a refusal (the typed error's, in the language set)."""
    cancelled: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "stored": self.stored,
            "already_stored": self.already_stored,
            "refused": {str(k): v for k, v in self.refused.items()},
            "messages": {str(k): v for k, v in self.messages.items()},
            "cancelled": self.cancelled,
        }


def batch_key(folder: Path) -> str:
    """The batch's identity: the split's fingerprint of its input pages, or, for a batch
    folder without its state, the digest of its ``batch.json``."""
    state = folder / STATE_DIR / "state.jsonl"
    try:
        with state.open(encoding="utf-8") as f:
            first = json.loads(f.readline())
        if isinstance(first, dict) and isinstance(first.get("batch"), str):
            return first["batch"][:64]
    except (OSError, ValueError):
        pass
    try:
        return hashlib.sha256((folder / "batch.json").read_bytes()).hexdigest()
    except OSError as exc:
        raise BadInput(
            "the folder holds no finished archive batch (run archive split first)",
            code="archive.batch_missing",
        ) from exc


def record_id(batch: str, position: int) -> str:
    return str(uuid.uuid5(_RECORD_IDS, f"{batch}/{position}"))


def checked_metadata(raw: Any) -> tuple[dict[str, Any] | None, BadInput | None]:
    """(metadata JSON, None) when complete and valid, else (None, the typed error naming the
    field: of the record, or of one of its documents)."""
    if not raw:
        return None, BadInput(
            "the record has no metadata",
            code="archive.metadata_invalid",
            field="record",
            reason="missing",
        )
    try:
        record = parse_record(raw, strict=False)
        check_complete(record)
    except BadInput as exc:
        return None, exc
    return record.as_json(), None


def problem_code(error: BadInput) -> str:
    """The review's problem code for a refused record's error: ``metadata_missing:KEY``,
    ``metadata_invalid:KEY:REASON`` or ``document_invalid:N:KEY:REASON``."""
    params = error.params
    if error.code in ("archive.no_file", "archive.record_unreadable"):
        return error.code.split(".", 1)[1]
    if error.code in ("archive.document_invalid", "archive.document_field_missing"):
        reason = params.get("reason", "missing")
        return f"document_invalid:{params.get('document')}:{params.get('field')}:{reason}"
    if params.get("reason") == "missing":
        return f"metadata_missing:{params.get('field')}"
    return f"metadata_invalid:{params.get('field')}:{params.get('reason')}"


def store_batch(
    database: Database,
    blobs: BlobStore,
    folder: Path,
    *,
    corrections: Mapping[int, dict[str, Any]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> StoreReport:
    """Store every record of the split batch in ``folder`` not stored yet; say what was done.

    ``corrections`` replace a record's metadata by position (from 1);
    ``progress(done, total)`` follows the records; ``cancelled()`` is asked
    between records (a cancelled run keeps what it stored).
    """
    report_json = read_batch(folder)
    batch = batch_key(folder)
    records = report_json.get("records") or []
    report = StoreReport(batch)
    with database.reading() as session:
        done = stored_positions(session, batch)
    for position, record in enumerate(records, start=1):
        if position in done:
            report.already_stored.append(position)
        elif cancelled is not None and cancelled():
            report.cancelled = True
            break
        else:
            try:
                _store_one(database, blobs, folder, batch, position, record, corrections)
            except BadInput as exc:
                if exc.code not in REFUSALS:
                    raise
                report.refused[position] = problem_code(exc)
                report.messages[position] = exc.user_message()
            else:
                report.stored.append(position)
        if progress is not None:
            progress(position, len(records))
    log.info(
        "archive batch stored: %d new, %d before, %d refused",
        len(report.stored),
        len(report.already_stored),
        len(report.refused),
    )
    return report


def _store_one(
    database: Database,
    blobs: BlobStore,
    folder: Path,
    batch: str,
    position: int,
    record: dict[str, Any],
    corrections: Mapping[int, dict[str, Any]] | None,
) -> None:
    """Store one record, or raise the :class:`BadInput` (one of :data:`REFUSALS`) saying why
    not. The PDF/A's XMP is rewritten with the metadata as reviewed before it is stored."""
    raw = (corrections or {}).get(position, record.get("metadata"))
    metadata, problem = checked_metadata(raw)
    if problem is not None:
        raise problem
    name = record.get("file")
    if not name or Path(name).name != name:
        raise BadInput("the record has no PDF (no readable page)", code="archive.no_file")
    write_record_metadata(folder / name, metadata or {})
    inspected = inspect_files([folder / name])
    document = _store(blobs, inspected[0])
    identifier = record_id(batch, position)
    warnings = list(record.get("warnings") or [])
    with database.transaction() as session:
        add_record(session, identifier, batch, position, document, metadata or {}, warnings)
        enqueue(
            session,
            MessageKind.ARCHIVE_RECORD,
            identifier,
            {
                "id": identifier,
                "batch": batch,
                "position": position,
                "record": metadata,
                "document": document_message(document),
                "warnings": warnings,
            },
        )
