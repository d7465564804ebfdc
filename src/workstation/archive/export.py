"""A split batch as a BagIt package for the archive system (Library of Congress ``bagit``).

The metadata exported is the clerk's, as reviewed and stored: for every record
of the batch the store holds (:func:`~workstation.store.archive.records_of_batch`),
its metadata comes from the store and its PDF/A from the blob store (its XMP
rewritten with that metadata when it was stored). A record not stored yet is
exported as its separator sheet said, marked ``"reviewed": false`` with a
``not_reviewed`` warning, never passed off as reviewed.

The payload holds every record's PDF/A and the metadata as JSON and as CSV:
``metadata.csv`` one row per record, ``documents.csv`` one row per document of
a record (the record's position and file, then the document-level fields); the
manifests are SHA-256; ``bag-info.txt`` names the batch (fonds, catalogues,
boxes, record, reviewed, document and page counts). The bag is
validated once written, so a package that would fail at the archive fails here.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

from workstation.archive.batch import read_batch
from workstation.archive.metadata import DOCUMENT_KEYS, RECORD_KEYS
from workstation.archive.records import batch_key
from workstation.errors import BadInput
from workstation.store import BlobStore, Database
from workstation.store.archive import records_of_batch


def reviewed_records(
    batch: Path, database: Database | None, blobs: BlobStore | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The split's report and its records, each with the store's reviewed metadata when the
    store holds it (``reviewed``, ``sha256``), else the sheet's."""
    report = read_batch(batch)
    stored = {}
    if database is not None and blobs is not None:
        with database.reading() as session:
            stored = records_of_batch(session, batch_key(batch))
    records = []
    for position, record in enumerate(report.get("records") or [], start=1):
        entry = dict(record, position=position, reviewed=False, sha256=None)
        if position in stored:
            entry["metadata"] = stored[position].metadata
            entry["reviewed"] = True
            entry["sha256"] = stored[position].sha256
        elif record.get("file"):
            entry["warnings"] = [*record.get("warnings", []), "not_reviewed"]
        records.append(entry)
    return report, records


def export_bag(
    batch: Path,
    out: Path,
    *,
    database: Database | None = None,
    blobs: BlobStore | None = None,
) -> dict[str, Any]:
    """Write ``batch`` (a split's output folder) as a validated bag at ``out``, with the
    store's reviewed metadata and PDF/As for the records it holds (given ``database`` and
    ``blobs``)."""
    import bagit

    report, all_records = reviewed_records(batch, database, blobs)
    if out.exists() and any(out.iterdir()):
        raise BadInput("the export folder is not empty", code="archive.export_not_empty")
    out.mkdir(parents=True, exist_ok=True)
    records = [r for r in all_records if r.get("file")]
    for record in records:
        _copy_pdf(batch, out, record, blobs)
    document = {
        "records": [
            {key: value for key, value in record.items() if key != "sha256"}
            for record in all_records
        ],
        "separators": report.get("separators") or [],
        "warnings": report.get("warnings") or [],
        "pages": report.get("pages"),
    }
    (out / "metadata.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    _write_csv(out / "metadata.csv", all_records)
    documents = _write_documents_csv(out / "documents.csv", all_records)
    reviewed = sum(1 for r in records if r["reviewed"])
    info = {
        "Source-Organization": "Một Cửa workstation",
        "External-Description": "Archive records digitised per Circular 02/2019/TT-BNV",
        "Archive-Fonds": _joined(records, "fonds"),
        "Archive-Catalogues": _joined(records, "catalogue"),
        "Archive-Boxes": _joined(records, "box"),
        "Record-Count": str(len(records)),
        "Reviewed-Record-Count": str(reviewed),
        "Scanned-Page-Count": str(report.get("pages")),
        "Document-Count": str(documents),
        "Batch-Warnings": str(len(report.get("warnings") or [])),
    }
    bag = bagit.make_bag(str(out), info, checksums=["sha256"])
    try:
        bagit.Bag(str(out)).validate()
    except bagit.BagError as exc:
        raise BadInput(f"the written bag is not valid: {exc}", code="archive.bag_invalid") from exc
    return {
        "bag": str(out),
        "records": len(records),
        "reviewed": reviewed,
        "documents": documents,
        "payload_files": len(list(bag.payload_files())),
        "valid": True,
    }


def _copy_pdf(batch: Path, out: Path, record: dict[str, Any], blobs: BlobStore | None) -> None:
    name = record["file"]
    if Path(name).name != name:
        raise BadInput(
            "a record's file name is not plain",
            code="archive.record_missing",
            record=record["first_page"],
        )
    if record["reviewed"] and blobs is not None and blobs.exists(record["sha256"]):
        with blobs.open(record["sha256"]) as source, (out / name).open("wb") as target:
            shutil.copyfileobj(source, target)
        return
    source = batch / name
    if not source.is_file():
        raise BadInput(
            "a record's PDF is missing from the batch folder",
            code="archive.record_missing",
            record=record["first_page"],
        )
    shutil.copy2(source, out / name)


def _write_csv(path: Path, records: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["file", "first_page", "last_page", "pages", "reviewed", *RECORD_KEYS, "warnings"]
        )
        for record in records:
            meta = record.get("metadata") or {}
            writer.writerow(
                [
                    record.get("file") or "",
                    record.get("first_page") or "",
                    record.get("last_page") or "",
                ]
                + [record.get("pages", ""), "yes" if record["reviewed"] else "no"]
                + [meta.get(key) if meta.get(key) is not None else "" for key in RECORD_KEYS]
                + ["; ".join(record.get("warnings") or [])]
            )


def _write_documents_csv(path: Path, records: list[dict[str, Any]]) -> int:
    """One row per document of each record: the record's position and file, then the
    document-level fields (Circular 02/2019/TT-BNV); the number of rows written."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["position", "file", *DOCUMENT_KEYS])
        for record in records:
            items = (record.get("metadata") or {}).get("items") or []
            for item in items:
                writer.writerow(
                    [record["position"], record.get("file") or ""]
                    + [_cell(item.get(key)) for key in DOCUMENT_KEYS]
                )
                written += 1
    return written


def _cell(value: Any) -> Any:
    return "" if value is None else value


def _joined(records: list[dict[str, Any]], key: str) -> str:
    values = {str((r.get("metadata") or {}).get(key) or "") for r in records} - {""}
    return ", ".join(sorted(values, key=lambda v: (len(v), v)))


def export_batch(database: Database, blobs: BlobStore, batch: Path, out: Path) -> dict[str, Any]:
    """The use case behind ``archive export`` and the window's export: the bag with the
    store's reviewed metadata, and the export in the audit log."""
    from workstation.audit import ARCHIVE_EXPORTED, record_action

    result = export_bag(batch, out, database=database, blobs=blobs)
    record_action(database, ARCHIVE_EXPORTED)
    return result
