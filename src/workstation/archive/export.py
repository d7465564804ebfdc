"""A split batch as a BagIt package for the archive system (Library of Congress ``bagit``).

The payload holds every record's PDF/A and the batch's metadata as JSON and
CSV (one row per record); the manifests are SHA-256; ``bag-info.txt`` names
the batch (fonds, catalogues, boxes, record and page counts). The bag is
validated once written, so a package that would fail at the archive fails here.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

from workstation.archive.batch import read_batch
from workstation.archive.metadata import RECORD_KEYS
from workstation.errors import BadInput


def export_bag(batch: Path, out: Path) -> dict[str, Any]:
    """Write ``batch`` (a split's output folder) as a validated bag at ``out``."""
    import bagit

    report = read_batch(batch)
    if out.exists() and any(out.iterdir()):
        raise BadInput("the export folder is not empty", code="archive.export_not_empty")
    out.mkdir(parents=True, exist_ok=True)
    records = [r for r in report["records"] if r.get("file")]
    for record in records:
        source = batch / record["file"]
        if not source.is_file():
            raise BadInput(
                "a record's PDF is missing from the batch folder",
                code="archive.record_missing",
                record=record["first_page"],
            )
        shutil.copy2(source, out / record["file"])
    (out / "metadata.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    with (out / "metadata.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "first_page", "last_page", "pages", *RECORD_KEYS, "warnings"])
        for record in report["records"]:
            meta = record.get("metadata") or {}
            writer.writerow(
                [record.get("file") or "", record["first_page"], record["last_page"]]
                + [record["pages"]]
                + [meta.get(key) if meta.get(key) is not None else "" for key in RECORD_KEYS]
                + ["; ".join(record["warnings"])]
            )
    fonds = sorted({(r.get("metadata") or {}).get("fonds") or "" for r in records} - {""})
    boxes = sorted({str((r.get("metadata") or {}).get("box") or "") for r in records} - {""})
    info = {
        "Source-Organization": "Một Cửa workstation",
        "External-Description": "Archive records digitised per Circular 02/2019/TT-BNV",
        "Archive-Fonds": ", ".join(fonds),
        "Archive-Boxes": ", ".join(boxes),
        "Record-Count": str(len(records)),
        "Scanned-Page-Count": str(report["pages"]),
        "Batch-Warnings": str(len(report["warnings"])),
    }
    bag = bagit.make_bag(str(out), info, checksums=["sha256"])
    try:
        bagit.Bag(str(out)).validate()
    except bagit.BagError as exc:
        raise BadInput(f"the written bag is not valid: {exc}", code="archive.bag_invalid") from exc
    return {
        "bag": str(out),
        "records": len(records),
        "payload_files": len(list(bag.payload_files())),
        "valid": True,
    }
