"""Archive batches: metadata rules, separator sheets read back, splitting and export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from workstation.archive import specimens
from workstation.archive.batch import split
from workstation.archive.detect import detect
from workstation.archive.export import export_bag
from workstation.archive.metadata import (
    RecordMetadata,
    carry_over,
    from_qr,
    load_records,
    parse_record,
    qr_payload,
)
from workstation.archive.sheets import separator_sheets
from workstation.errors import BadInput
from workstation.pages import render_page
from workstation.scan.pipeline import DigitizeOptions
from workstation.scan.specimens import Specimen, skew, text_page

NO_OCR = DigitizeOptions(jobs=1, ocr=False)


def test_metadata_takes_clerk_dates_and_refuses_end_before_start() -> None:
    record = parse_record(
        {
            "fonds": "12",
            "catalogue": "3",
            "file_number": "7",
            "title": "Hồ sơ",
            "start_date": "14/03/2019",
            "end_date": "2019",
            "retention": "10",
            "access": "public",
            "language": "vi",
        },
        strict=False,
    )
    assert record.start_date == date(2019, 3, 14)
    assert record.catalogue == 3
    with pytest.raises(BadInput) as caught:
        parse_record({"start_date": "2019-05-01", "end_date": "2019-04-01"}, strict=False)
    assert caught.value.params == {"field": "end_date", "reason": "before_start"}


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("start_date", "31/02/2019", "not_a_date"),
        ("box", "hai", "not_a_number"),
        ("access", "secret", "not_a_choice"),
        ("box", -1, "out_of_range"),
    ],
)
def test_metadata_names_the_wrong_field(field: str, value: object, reason: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_record({field: value}, strict=False)
    assert caught.value.code == "archive.metadata_invalid"
    assert caught.value.params == {"field": field, "reason": reason}


def test_repeating_fields_carry_over_from_the_previous_record(tmp_path: Path) -> None:
    first = specimens.record(1, 3)
    second = carry_over(first, parse_record({"file_number": "2", "title": "B"}, strict=False))
    assert (second.fonds, second.catalogue, second.box, second.retention) == (
        "12",
        3,
        1,
        "Vĩnh viễn",
    )
    assert second.title == "B" and second.pages is None
    listing = tmp_path / "records.json"
    listing.write_text(
        json.dumps({"records": [first.as_json(), {"file_number": "2", "title": "B"}]})
    )
    assert load_records(listing)[1].fonds == "12"
    listing.write_text(json.dumps([{"file_number": "2", "title": "B"}]))
    with pytest.raises(BadInput, match="fonds"):
        load_records(listing)


def test_qr_payload_round_trips_and_ignores_foreign_codes() -> None:
    record = specimens.record(4, 5)
    assert from_qr(qr_payload(record)) == record
    assert from_qr("https://dichvucong.gov.vn/x") is None
    with pytest.raises(BadInput):
        from_qr(json.dumps({"k": "archive-record", "v": 99}))


def test_separator_sheet_is_read_back_at_100_dpi_even_skewed() -> None:
    record = specimens.record(2, 4)
    sheet = render_page(separator_sheets([record]), "application/pdf", 1, width=827)
    for degrees in (0.0, 6.0, -9.0):
        found = detect(skew(Specimen(sheet, 100), degrees).image, 100)
        assert found.kind == "separator"
        assert found.metadata == record
    assert detect(specimens.damage(sheet), 100).kind == "suspect"
    assert detect(text_page(3, dpi=100).image, 100).kind == "page"


def test_split_cuts_records_at_sheets_and_reports_what_it_could_not_read(tmp_path: Path) -> None:
    stack = specimens.write_stack(
        tmp_path / "in", [2, 3, 1, 2, 2], skewed=(1,), missing=(3,), damaged=(4,)
    )
    report = split(stack.files, tmp_path / "out", NO_OCR)
    ranges = [(r.first_page, r.last_page) for r in report.records]
    assert ranges == stack.expected
    assert report.separators == stack.separators
    pages = sum(r.pages for r in report.records) + len(report.separators)
    assert pages == len(stack.files)
    merged = report.records[2]
    assert any(w.startswith("page_count_mismatch") for w in merged.warnings)
    assert any(w.startswith("separator_unreadable") for w in report.warnings)
    assert report.records[3].metadata is None
    for record in report.records:
        assert (tmp_path / "out" / record.file).stat().st_size > 0
    assert report.records[0].metadata["title"] == stack.records[0].title


def test_a_plain_patch_t_sheet_splits_the_batch_and_asks_for_the_records_metadata(
    tmp_path: Path,
) -> None:
    stack = specimens.write_stack(tmp_path / "in", [2, 3, 2], skewed=(1,), patch_only=(1,))
    report = split(stack.files, tmp_path / "out", NO_OCR)
    assert [(r.first_page, r.last_page) for r in report.records] == stack.expected
    assert report.separators == stack.separators
    assert report.records[1].metadata is None
    assert "separator_without_metadata" in report.records[1].warnings
    assert report.records[2].metadata["title"] == stack.records[2].title


def test_batch_without_separators_keeps_every_page_with_a_warning(tmp_path: Path) -> None:
    stack = specimens.write_stack(tmp_path / "in", [3], missing=(0,))
    report = split(stack.files, tmp_path / "out", NO_OCR)
    assert "no_separators" in report.warnings
    assert [(r.first_page, r.last_page) for r in report.records] == [(1, 3)]
    assert "pages_before_first_separator" in report.records[0].warnings


def test_corrupt_input_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    bad = tmp_path / "scan.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    with pytest.raises(BadInput):
        split([bad], tmp_path / "out", NO_OCR)
    assert not (tmp_path / "out" / "batch.json").exists()


def test_record_pdf_carries_ocr_text_and_export_is_a_valid_bag(tmp_path: Path) -> None:
    import bagit
    import pikepdf

    stack = specimens.write_stack(tmp_path / "in", [1], dpi=150, lines=4)
    report = split(stack.files, tmp_path / "out", DigitizeOptions(jobs=1))
    pdf_path = tmp_path / "out" / report.records[0].file
    with pikepdf.open(pdf_path) as pdf:
        assert len(pdf.pages) == 1
        assert "Hồ sơ lưu trữ số 1" in str(pdf.open_metadata().get("dc:title"))
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_path)
    text = document[0].get_textpage().get_text_range()
    document.close()
    assert len(text.split()) >= 5  # the OCR text layer
    result = export_bag(tmp_path / "out", tmp_path / "bag")
    assert result["valid"] and result["records"] == 1
    bag = bagit.Bag(str(tmp_path / "bag"))
    assert "sha256" in bag.algorithms
    assert bag.info["Record-Count"] == "1"
    rows = (tmp_path / "bag" / "data" / "metadata.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and "Vĩnh viễn" in rows[1]
    with pytest.raises(BadInput):
        export_bag(tmp_path / "out", tmp_path / "bag")


def test_empty_metadata_is_empty() -> None:
    assert RecordMetadata().is_empty()


def test_every_split_warning_has_a_message_in_both_languages() -> None:
    from workstation import i18n
    from workstation.cli.archive import WARNING_CODES

    for language in ("vi", "en"):
        for code in WARNING_CODES:
            assert f"archive.warning.{code}" in i18n.catalogue(language)


def test_review_carries_repeating_fields_over_and_names_every_problem(tmp_path) -> None:
    import json

    from workstation.archive.review import BatchReview

    records = [
        {
            "first_page": 2,
            "last_page": 3,
            "file": "record-001.pdf",
            "pages": 2,
            "warnings": [],
            "metadata": {
                "fonds": "H01",
                "catalogue": 3,
                "box": 12,
                "file_number": "1",
                "title": "Hồ sơ một",
                "retention": "Vĩnh viễn",
                "access": "public",
                "language": "vi",
            },
        },
        {
            "first_page": 5,
            "last_page": 9,
            "file": "record-002.pdf",
            "pages": 5,
            "warnings": ["page_count_mismatch:expected 4, found 5"],
            "metadata": {"file_number": "2", "title": ""},
        },
    ]
    (tmp_path / "batch.json").write_text(
        json.dumps({"records": records, "separators": [1, 4], "warnings": []}), encoding="utf-8"
    )
    review = BatchReview(tmp_path)
    second = review.values(2)
    assert (second["fonds"], second["box"], second["access"]) == ("H01", "12", "public")
    assert second["title"] == ""  # a title is never carried over
    assert review.problems(2) == [
        "page_count_mismatch:expected 4, found 5",
        "field_invalid:title:missing",
    ]
    assert review.set_value(2, "box", "mười") == "not_a_number"
    assert review.set_value(2, "box", "13") is None
    assert review.set_value(2, "title", "Hồ sơ hai") is None
    assert review.problems(2) == ["page_count_mismatch:expected 4, found 5"]
    assert review.corrections()[2]["box"] == "13"
    review.set_value(1, "retention", "10")
    assert review.values(1)["retention"] == "10"


def test_review_documents_take_the_next_sequence_and_carry_their_repeating_fields_over(
    tmp_path,
) -> None:
    import json

    from workstation.archive.review import BatchReview

    sheet_item = {"sequence": 1, "summary": "Tờ trình", "author": "UBND xã", "language": "vi"}
    records = [
        {"file": "record-001.pdf", "metadata": {"file_number": "1", "items": [sheet_item]}},
        {"file": "record-002.pdf", "metadata": {"file_number": "2"}},
    ]
    (tmp_path / "batch.json").write_text(
        json.dumps({"records": records, "separators": [1, 3], "warnings": []}), encoding="utf-8"
    )
    review = BatchReview(tmp_path)
    assert review.documents(1)[0]["summary"] == "Tờ trình"
    assert review.add_document(2) == 0  # the first document of record 2 repeats record 1's last
    new = review.documents(2)[0]
    assert (new["sequence"], new["author"], new["language"], new["summary"]) == (
        "1",
        "UBND xã",
        "vi",
        "",
    )
    assert new["number"] == ""  # a document number is never carried over
    assert "document_invalid:1:summary:missing" in review.problems(2)
    assert review.set_document_value(2, 0, "date", "31/02/2020") == "not_a_date"
    assert review.set_document_value(2, 0, "date", "28/02/2020") is None
    assert review.set_document_value(2, 0, "summary", "Quyết định") is None
    assert review.document_problems(2) == []
    assert review.corrections()[2]["items"] == [
        {
            "sequence": "1",
            "summary": "Quyết định",
            "date": "28/02/2020",
            "author": "UBND xã",
            "language": "vi",
        }
    ]
    assert review.corrections()[1]["items"] == [sheet_item]  # untouched: as the sheet said
