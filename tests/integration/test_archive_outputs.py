"""What an archive batch puts out carries the clerk's reviewed metadata: the record PDF/A's
XMP, rewritten when the review is stored and still a valid PDF/A, and the BagIt export
(bag-info, CSV, JSON) read from the store; a record whose document lacks a required field
is refused, naming it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import bagit
import pikepdf
import pikepdf.pdfa
import pytest

from workstation.archive import specimens
from workstation.archive.batch import split
from workstation.archive.export import export_bag, export_batch
from workstation.archive.records import store_batch
from workstation.archive.xmp import read_record_metadata
from workstation.scan.pipeline import DigitizeOptions
from workstation.store.archive import find_records

pytestmark = [pytest.mark.integration]

DOCUMENTS = [
    {
        "sequence": "1",
        "summary": "Đơn đề nghị cấp phép",
        "date": "14/03/2001",
        "author": "Hộ ông A",
    },
    {"sequence": "2", "summary": "Giấy phép xây dựng số 12/GPXD", "author": "UBND phường"},
]


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    stack = specimens.write_stack(tmp_path / "in", [2, 1], lines=3)
    out = tmp_path / "out"
    split(stack.files, out, DigitizeOptions(ocr=False, jobs=1))
    return out


def sheet_metadata(batch: Path, position: int) -> dict:
    plan = json.loads((batch / "batch.json").read_text(encoding="utf-8"))
    return plan["records"][position - 1]["metadata"]


def reviewed(batch: Path) -> dict:
    """Record 1 as the clerk left it: a new title and box, end date and two documents."""
    return dict(
        sheet_metadata(batch, 1),
        title="Hồ sơ cấp phép xây dựng nhà ở phường Đông Ba",
        box="77",
        end_date="30/12/2001",
        access="restricted",
        items=DOCUMENTS,
    )


def test_the_split_writes_the_sheets_metadata_into_each_record_pdfa(batch: Path) -> None:
    pdf = next(batch.glob("record-001*.pdf"))
    carried = read_record_metadata(pdf)
    assert carried["title"] == sheet_metadata(batch, 1)["title"]
    assert (carried["fonds"], carried["catalogue"], carried["file_number"]) == ("12", "3", "1")
    assert carried["pages"] == "2"
    report = pikepdf.pdfa.validate_written(pdf, "2b")
    assert report.verdict == "pass", [str(f) for f in report.findings]


def test_storing_the_review_rewrites_the_pdfa_xmp_with_the_reviewed_metadata(
    services, batch: Path, tmp_path: Path
) -> None:
    report = store_batch(services.database, services.blobs, batch, corrections={1: reviewed(batch)})
    assert report.stored == [1, 2]
    with services.database.reading() as session:
        (record,) = find_records(session, box=77)
    stored = tmp_path / "stored.pdf"
    stored.write_bytes(services.blobs.read(record.sha256))
    carried = read_record_metadata(stored)
    assert carried["title"] == "Hồ sơ cấp phép xây dựng nhà ở phường Đông Ba"
    assert (carried["fonds"], carried["catalogue"], carried["box"]) == ("12", "3", "77")
    assert (carried["retention"], carried["access"]) == ("Vĩnh viễn", "restricted")
    assert carried["end_date"] == "2001-12-30" and carried["pages"] == "2"
    assert carried["languages"] == ["vi"] and carried["identifier"] == "12.3.1"
    assert carried["dates"] == ["2001-03-14", "2001-12-30"]
    assert [(i["sequence"], i["summary"]) for i in carried["items"]] == [
        (1, "Đơn đề nghị cấp phép"),
        (2, "Giấy phép xây dựng số 12/GPXD"),
    ]
    assert carried["items"][0]["date"] == "2001-03-14"
    checked = pikepdf.pdfa.validate_written(stored, "2b")
    assert checked.verdict == "pass", [str(f) for f in checked.findings]
    with pikepdf.open(stored) as pdf:
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        assert len(pdf.pages) == 2


def test_export_reads_the_reviewed_metadata_from_the_store_and_validates_the_bag(
    services, batch: Path, tmp_path: Path
) -> None:
    store_batch(services.database, services.blobs, batch, corrections={1: reviewed(batch)})
    result = export_batch(services.database, services.blobs, batch, tmp_path / "bag")
    assert result["valid"] and (result["records"], result["reviewed"]) == (2, 2)
    bag = bagit.Bag(str(tmp_path / "bag"))
    bag.validate()
    assert bag.info["Archive-Boxes"] == "1, 77"
    assert bag.info["Reviewed-Record-Count"] == "2"
    data = tmp_path / "bag" / "data"
    exported = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    first = exported["records"][0]
    assert first["reviewed"] is True
    assert first["metadata"]["title"] == "Hồ sơ cấp phép xây dựng nhà ở phường Đông Ba"
    assert first["metadata"]["box"] == 77 and first["metadata"]["access"] == "restricted"
    assert [i["summary"] for i in first["metadata"]["items"]] == [d["summary"] for d in DOCUMENTS]
    with (data / "metadata.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["title"] == first["metadata"]["title"] and rows[0]["box"] == "77"
    assert rows[0]["reviewed"] == "yes"
    in_bag = read_record_metadata(data / first["file"])
    assert in_bag["box"] == "77"  # the stored PDF/A, its XMP as reviewed


def test_export_writes_each_documents_fields_with_its_records_position_in_the_bag(
    services, batch: Path, tmp_path: Path
) -> None:
    store_batch(services.database, services.blobs, batch, corrections={1: reviewed(batch)})
    result = export_batch(services.database, services.blobs, batch, tmp_path / "bag")
    assert result["documents"] == 2
    bag = bagit.Bag(str(tmp_path / "bag"))
    bag.validate()
    assert "data/documents.csv" in set(bag.payload_files())
    assert "data/documents.csv" in bag.payload_entries()  # in the SHA-256 manifest
    assert bag.info["Document-Count"] == "2"
    with (tmp_path / "bag" / "data" / "documents.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    exported = json.loads((tmp_path / "bag" / "data" / "metadata.json").read_text("utf-8"))
    first_file = exported["records"][0]["file"]
    assert [(r["position"], r["file"], r["sequence"]) for r in rows] == [
        ("1", first_file, "1"),
        ("1", first_file, "2"),
    ]
    assert rows[0]["summary"] == "Đơn đề nghị cấp phép"
    assert rows[0]["date"] == "2001-03-14" and rows[0]["author"] == "Hộ ông A"
    assert rows[1]["summary"] == "Giấy phép xây dựng số 12/GPXD" and rows[1]["date"] == ""


def test_a_bag_whose_documents_csv_is_changed_after_export_fails_validation(
    services, batch: Path, tmp_path: Path
) -> None:
    store_batch(services.database, services.blobs, batch, corrections={1: reviewed(batch)})
    export_batch(services.database, services.blobs, batch, tmp_path / "bag")
    documents = tmp_path / "bag" / "data" / "documents.csv"
    documents.write_text(documents.read_text("utf-8").replace("Hộ ông A", "Hộ ông B"), "utf-8")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(tmp_path / "bag")).validate()


def test_a_record_not_stored_yet_is_exported_as_its_sheet_said_and_marked(
    services, batch: Path, tmp_path: Path
) -> None:
    without_title = dict(sheet_metadata(batch, 2), title="")
    store_batch(services.database, services.blobs, batch, corrections={2: without_title})
    result = export_bag(batch, tmp_path / "bag", database=services.database, blobs=services.blobs)
    assert (result["records"], result["reviewed"]) == (2, 1)
    exported = json.loads((tmp_path / "bag" / "data" / "metadata.json").read_text("utf-8"))
    second = exported["records"][1]
    assert second["reviewed"] is False and "not_reviewed" in second["warnings"]
    assert second["metadata"]["title"] == sheet_metadata(batch, 2)["title"]
    assert bagit.Bag(str(tmp_path / "bag")).info["Reviewed-Record-Count"] == "1"


def test_the_export_command_reads_the_store(
    services, batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workstation.cli import main

    store_batch(services.database, services.blobs, batch, corrections={1: reviewed(batch)})
    capsys.readouterr()
    assert main(["archive", "export", str(batch), "-o", str(tmp_path / "bag"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reviewed"] == 2
    rows = (tmp_path / "bag" / "data" / "metadata.csv").read_text(encoding="utf-8")
    assert "phường Đông Ba" in rows


def test_a_document_missing_its_summary_is_refused_naming_the_field(services, batch: Path) -> None:
    corrected = dict(reviewed(batch), items=[DOCUMENTS[0], {"sequence": "2", "author": "UBND"}])
    report = store_batch(services.database, services.blobs, batch, corrections={1: corrected})
    assert report.refused == {1: "document_invalid:2:summary:missing"}
    assert "2" in report.messages[1] and "summary" in report.messages[1]
    assert report.stored == [2]
    with services.database.reading() as session:
        assert [r.position for r in find_records(session)] == [2]
    corrected["items"][1]["date"] = "31/02/2001"
    report = store_batch(services.database, services.blobs, batch, corrections={1: corrected})
    assert report.refused == {1: "document_invalid:2:date:not_a_date"}
