"""Metadata of an archive record and its documents (Circular 02/2019/TT-BNV), typed and checked.

The field list is data (``resources/archive/metadata-fields.json``): which fields
exist, their type, which are required and which usually repeat from one record
to the next (fonds, catalogue, box, retention, access, language), so a clerk
types them once. :func:`parse_record` turns what came from a file or a
separator sheet's QR code into a :class:`RecordMetadata`, raising
:class:`~workstation.errors.BadInput` naming the field that is wrong;
:func:`carry_over` fills the repeating fields from the previous record.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from workstation.errors import BadInput
from workstation.paths import resources_dir

SCHEMA = 1
"""Version of the JSON a separator sheet's QR code carries (``"v"``)."""
KIND = "archive-record"
"""Marks our own QR payload (``"k"``), so a stray QR code is not taken for a sheet."""


def fields_file() -> Path:
    return resources_dir() / "archive" / "metadata-fields.json"


@cache
def field_specs(path: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """The record and document field lists from the resources."""
    source = path or fields_file()
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
        return {"record": list(document["record"]), "document": list(document["document"])}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            f"archive field list {source} cannot be read: {exc!r}",
            code="archive.fields_unreadable",
        ) from exc


@dataclass(frozen=True)
class DocumentMetadata:
    """One document (văn bản) inside a record."""

    sequence: int
    summary: str
    number: str = ""
    symbol: str = ""
    date: date | None = None
    kind: str = ""
    author: str = ""
    pages: int | None = None
    first_page: int | None = None
    language: str = ""
    confidentiality: str = ""
    notes: str = ""


@dataclass(frozen=True)
class RecordMetadata:
    """One record (hồ sơ): where it sits in the archive and what it is."""

    fonds: str = ""
    catalogue: int | None = None
    box: int | None = None
    file_number: str = ""
    title: str = ""
    start_date: date | None = None
    end_date: date | None = None
    pages: int | None = None
    """Pages the record should have (from its sheet); checked against what was scanned."""
    documents: int | None = None
    retention: str = ""
    access: str = ""
    language: str = ""
    keywords: str = ""
    condition: str = ""
    notes: str = ""
    items: tuple[DocumentMetadata, ...] = field(default_factory=tuple)

    @property
    def archive_code(self) -> str:
        """``fonds.catalogue.file_number`` (the record's code in the archive), parts known."""
        parts = [self.fonds, "" if self.catalogue is None else str(self.catalogue)]
        parts.append(self.file_number)
        return ".".join(part for part in parts if part)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in list(data.items()):
            if isinstance(value, date):
                data[key] = value.isoformat()
        data["items"] = [_document_json(item) for item in self.items]
        return data

    def is_empty(self) -> bool:
        return self == RecordMetadata()


def _document_json(item: DocumentMetadata) -> dict[str, Any]:
    data = asdict(item)
    if item.date is not None:
        data["date"] = item.date.isoformat()
    return data


def _value(spec: dict[str, Any], raw: Any, where: str) -> Any:
    key, kind = spec["key"], spec["type"]
    if raw is None or raw == "":
        if spec.get("required") and where != "sheet":
            raise _invalid(key, "missing")
        return None if kind in ("integer", "date") else ""
    if kind == "integer":
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise _invalid(key, "not_a_number")
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise _invalid(key, "not_a_number") from None
        if number < 0 or number > 10**9:
            raise _invalid(key, "out_of_range")
        return number
    if kind == "date":
        if not isinstance(raw, str):
            raise _invalid(key, "not_a_date")
        try:
            return _parse_date(raw.strip(), end=key == "end_date")
        except ValueError:
            raise _invalid(key, "not_a_date") from None
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise _invalid(key, "not_text")
    text = str(raw).strip()
    if kind == "choice" and text not in spec["choices"]:
        raise _invalid(key, "not_a_choice")
    if "max" in spec and len(text) > spec["max"]:
        raise _invalid(key, "too_long")
    return text


def _parse_date(text: str, *, end: bool = False) -> date:
    """``2019-03-14`` or ``14/03/2019`` (as clerks write it); a bare year means its first
    day, or its last as an end date."""
    if "/" in text:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    if text.isdigit() and len(text) == 4:
        return date(int(text), 12, 31) if end else date(int(text), 1, 1)
    return date.fromisoformat(text)


def _invalid(key: str, reason: str) -> BadInput:
    return BadInput(
        f"archive metadata field {key!r} is invalid: {reason}",
        code="archive.metadata_invalid",
        field=key,
        reason=reason,
    )


def _document_invalid(number: int, key: str, reason: str) -> BadInput:
    return BadInput(
        f"field {key!r} of document {number} of the archive record is invalid: {reason}",
        code="archive.document_invalid",
        document=number,
        field=key,
        reason=reason,
    )


def parse_record(data: Any, *, strict: bool = True) -> RecordMetadata:
    """A record's metadata from a JSON object; ``strict=False`` lets required fields be
    missing (a sheet may leave repeating fields to carry-over)."""
    if not isinstance(data, dict):
        raise _invalid("record", "not_an_object")
    where = "file" if strict else "sheet"
    values: dict[str, Any] = {}
    for spec in field_specs()["record"]:
        values[spec["key"]] = _value(spec, data.get(spec["key"]), where)
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list):
        raise _invalid("items", "not_a_list")
    items = []
    for number, raw in enumerate(raw_items, start=1):
        if not isinstance(raw, dict):
            raise _invalid("items", "not_an_object")
        item = {}
        for spec in field_specs()["document"]:
            try:
                item[spec["key"]] = _value(spec, raw.get(spec["key"]), where)
            except BadInput as exc:
                raise _document_invalid(number, spec["key"], exc.params["reason"]) from exc
        items.append(DocumentMetadata(**item))
    record = RecordMetadata(**values, items=tuple(items))
    if record.start_date and record.end_date and record.end_date < record.start_date:
        raise _invalid("end_date", "before_start")
    return record


def carry_over(previous: RecordMetadata | None, current: RecordMetadata) -> RecordMetadata:
    """``current`` with its empty repeating fields taken from ``previous``."""
    if previous is None:
        return current
    changes: dict[str, Any] = {}
    for spec in field_specs()["record"]:
        key = spec["key"]
        if spec.get("carry_over") and getattr(current, key) in (None, ""):
            changes[key] = getattr(previous, key)
    return replace(current, **changes)


def missing_required(record: RecordMetadata) -> list[str]:
    """Required fields still empty after carry-over (reported, never invented)."""
    return [
        spec["key"]
        for spec in field_specs()["record"]
        if spec.get("required") and getattr(record, spec["key"]) in (None, "")
    ]


def check_complete(record: RecordMetadata) -> None:
    """Refuse a record still lacking a required field, of its own or of one of its documents
    (:class:`BadInput` naming the field: ``archive.metadata_invalid`` with reason
    ``missing``, or ``archive.document_field_missing`` with the document's number)."""
    missing = missing_required(record)
    if missing:
        raise _invalid(missing[0], "missing")
    required = [spec["key"] for spec in field_specs()["document"] if spec.get("required")]
    for number, item in enumerate(record.items, start=1):
        for key in required:
            if getattr(item, key) in (None, ""):
                raise BadInput(
                    f"document {number} of the archive record lacks its {key!r}",
                    code="archive.document_field_missing",
                    document=number,
                    field=key,
                )


def load_records(path: Path) -> list[RecordMetadata]:
    """The records listed in a JSON file (a list, or ``{"records": [...]}``), carried over."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(
            f"records file cannot be read: {exc.__class__.__name__}",
            code="archive.records_unreadable",
        ) from exc
    raw = document.get("records") if isinstance(document, dict) else document
    if not isinstance(raw, list) or not raw:
        raise BadInput("records file lists no records", code="archive.records_empty")
    records: list[RecordMetadata] = []
    previous: RecordMetadata | None = None
    for entry in raw:
        record = carry_over(previous, parse_record(entry, strict=False))
        missing = missing_required(record)
        if missing:
            raise _invalid(missing[0], "missing")
        records.append(record)
        previous = record
    return records


def qr_payload(record: RecordMetadata) -> str:
    """The compact JSON a separator sheet's QR code carries (empty fields left out)."""
    data = {key: value for key, value in record.as_json().items() if value not in (None, "", [])}
    return json.dumps({"k": KIND, "v": SCHEMA, **data}, ensure_ascii=False, separators=(",", ":"))


def from_qr(text: str) -> RecordMetadata | None:
    """The record a QR code describes; None when the code is not one of our sheets.

    Raises :class:`BadInput` when it is ours but its content is invalid or of a
    newer schema than this version reads."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("k") != KIND:
        return None
    if data.get("v") != SCHEMA:
        raise _invalid("v", "unknown_schema")
    return parse_record({k: v for k, v in data.items() if k not in ("k", "v")}, strict=False)


RECORD_KEYS = tuple(f.name for f in fields(RecordMetadata) if f.name != "items")
DOCUMENT_KEYS = tuple(f.name for f in fields(DocumentMetadata))


def check_field(key: str, text: str, level: str = "record") -> str | None:
    """Why ``text`` is not a valid value of field ``key`` of a record (``level="record"``) or
    of one of its documents (``level="document"``): ``missing``, ``not_a_number``,
    ``not_a_date``..., or None when it is: for checking as the clerk types."""
    for spec in field_specs()[level]:
        if spec["key"] == key:
            try:
                _value(spec, text, "file")
            except BadInput as exc:
                return str(exc.params.get("reason"))
            return None
    return "unknown_field"
