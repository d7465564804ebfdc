"""The clerk's review of a split batch before it is stored: problems shown, metadata fixed fast.

:class:`BatchReview` holds a split batch (its ``batch.json``) and the clerk's
edits. For each record it gives the problems to show (from the split: a
missed or unreadable separator, a page count that differs from the sheet's,
pages before the first sheet; and required fields still empty), never fixing
them by guessing. Metadata is entered fast: a record opened for editing starts
with what its sheet said, and its empty repeating fields (fonds, catalogue,
box, retention, access, language) are carried over from the record before it
as the clerk left it. Every field is checked as typed (:func:`check_field`).
A record's documents (văn bản, the document-level fields of the circular) are
edited the same way: a document added by the clerk gets the next sequence
number and its repeating fields (those marked ``carry_over``: author, language,
confidentiality) from the document before it, in this record or else the last
one of the record before.
:meth:`corrections` is what :func:`~workstation.archive.records.store_batch`
takes. Plain Python: the window's archive view is a thin layer over it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workstation.archive.batch import read_batch
from workstation.archive.metadata import check_field, field_specs


def record_keys() -> list[dict[str, Any]]:
    """The record fields the clerk fills, as the resources list them (key, label, type...)."""
    return list(field_specs()["record"])


def document_keys() -> list[dict[str, Any]]:
    """The fields of each document of a record, as the resources list them."""
    return list(field_specs()["document"])


class BatchReview:
    """A split batch under review: its records, their problems and the clerk's edits."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        report = read_batch(folder)
        self.records: list[dict[str, Any]] = list(report.get("records") or [])
        self.separators: list[int] = list(report.get("separators") or [])
        self.batch_warnings: list[str] = [
            w for w in report.get("warnings") or [] if not w.startswith("record ")
        ]
        self._edited: dict[int, dict[str, str]] = {}
        self._documents: dict[int, list[dict[str, str]]] = {}

    def __len__(self) -> int:
        return len(self.records)

    def _texts(self, metadata: dict[str, Any] | None) -> dict[str, str]:
        data = metadata or {}
        return {
            spec["key"]: "" if data.get(spec["key"]) is None else str(data.get(spec["key"]))
            for spec in record_keys()
        }

    def values(self, position: int) -> dict[str, str]:
        """The record's fields as text (position from 1): the clerk's edits, or what its sheet
        said with empty repeating fields carried over from the record before."""
        if position in self._edited:
            return dict(self._edited[position])
        values = self._texts(self.records[position - 1].get("metadata"))
        if position > 1:
            previous = self.values(position - 1)
            for spec in record_keys():
                key = spec["key"]
                if spec.get("carry_over") and not values[key]:
                    values[key] = previous[key]
        return values

    def set_value(self, position: int, key: str, text: str) -> str | None:
        """Keep the clerk's ``text`` for field ``key``; return why it is invalid, or None."""
        values = self.values(position)
        values[key] = text
        self._edited[position] = values
        return check_field(key, text)

    def documents(self, position: int) -> list[dict[str, str]]:
        """The record's documents, each field as text: the clerk's edits, or its sheet's."""
        if position in self._documents:
            return [dict(document) for document in self._documents[position]]
        original = (self.records[position - 1].get("metadata") or {}).get("items") or []
        return [
            {
                spec["key"]: "" if item.get(spec["key"]) is None else str(item[spec["key"]])
                for spec in document_keys()
            }
            for item in original
            if isinstance(item, dict)
        ]

    def add_document(self, position: int) -> int:
        """Add an empty document to the record, its sequence number the next one and its
        repeating fields carried over; return its index (from 0)."""
        documents = self.documents(position)
        before = documents or (self.documents(position - 1) if position > 1 else [])
        previous = before[-1] if before else {}
        new = {spec["key"]: "" for spec in document_keys()}
        for spec in document_keys():
            if spec.get("carry_over"):
                new[spec["key"]] = previous.get(spec["key"], "")
        new["sequence"] = str(len(documents) + 1)
        documents.append(new)
        self._documents[position] = documents
        return len(documents) - 1

    def set_document_value(self, position: int, index: int, key: str, text: str) -> str | None:
        """Keep the clerk's ``text`` for field ``key`` of document ``index`` (from 0); return
        why it is invalid, or None."""
        documents = self.documents(position)
        documents[index][key] = text
        self._documents[position] = documents
        return check_field(key, text, "document")

    def document_problems(self, position: int) -> list[str]:
        """``document_invalid:N:KEY:REASON`` for every invalid field of the record's documents
        (N from 1, as the clerk counts them)."""
        found = []
        for number, document in enumerate(self.documents(position), start=1):
            for key, text in document.items():
                reason = check_field(key, text, "document")
                if reason is not None:
                    found.append(f"document_invalid:{number}:{key}:{reason}")
        return found

    def problems(self, position: int) -> list[str]:
        """What the clerk must look at for this record: the split's warnings, then every field
        that is invalid or missing (``field_invalid:KEY:REASON``), then its documents'."""
        record = self.records[position - 1]
        # The sheet's missing fields are checked below, live, as the clerk fills them.
        found = [w for w in record.get("warnings") or [] if not w.startswith("metadata_missing:")]
        if not record.get("file"):
            found.append("no_file")
        for key, text in self.values(position).items():
            reason = check_field(key, text)
            if reason is not None:
                found.append(f"field_invalid:{key}:{reason}")
        return found + self.document_problems(position)

    def pages(self, position: int) -> tuple[int, int, int]:
        """(first page, last page, page count) of the record in the scanned stack."""
        record = self.records[position - 1]
        return record.get("first_page", 0), record.get("last_page", 0), record.get("pages", 0)

    def corrections(self) -> dict[int, dict[str, Any]]:
        """Every record's metadata as reviewed (position → JSON), for ``store_batch``.

        Records keep their documents (``items``) from the sheet unless the clerk edited them;
        empty fields are left out.
        """
        out: dict[int, dict[str, Any]] = {}
        for position in range(1, len(self.records) + 1):
            original = self.records[position - 1].get("metadata") or {}
            values = {k: v for k, v in self.values(position).items() if v != ""}
            items = original.get("items") or []
            if position in self._documents:
                items = [
                    {k: v for k, v in document.items() if v != ""}
                    for document in self._documents[position]
                ]
            out[position] = {**values, "items": items}
        return out
