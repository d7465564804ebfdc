"""The archive batch view: problems shown as the split found them, metadata carried over and
checked as typed, records stored by keyboard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from workstation.store.archive import find_records
from workstation.ui.archive.section import ArchiveSection

SHEET = {
    "fonds": "H01",
    "catalogue": 3,
    "box": 12,
    "file_number": "1",
    "title": "Hồ sơ cấp phép xây dựng",
    "retention": "Vĩnh viễn",
    "access": "public",
    "language": "vi",
}


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """A split batch of three one-page records: the second's sheet gave only its number and
    says 3 pages where 1 was found (a missed separator); the third has no title."""
    from PIL import Image

    folder = tmp_path / "batch"
    folder.mkdir()
    records = []
    sheets = [
        SHEET,
        {"file_number": "2", "title": "Hồ sơ đất đai", "pages": 3},
        {"file_number": "3"},
    ]
    for number, sheet in enumerate(sheets, start=1):
        name = f"record-{number:03d}.pdf"
        Image.new("RGB", (827, 1169), "white").save(folder / name, "PDF", resolution=100.0)
        warnings = ["page_count_mismatch:expected 3, found 1"] if number == 2 else []
        if number == 3:
            warnings.append("metadata_missing:title")
        records.append(
            {
                "first_page": number * 2,
                "last_page": number * 2,
                "file": name,
                "metadata": sheet,
                "warnings": warnings,
                "pages": 1,
            }
        )
    report = {"records": records, "separators": [1, 3, 5], "warnings": [], "pages": 6}
    (folder / "batch.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture
def view(qtbot, services, batch: Path) -> ArchiveSection:
    section = ArchiveSection(services)
    qtbot.addWidget(section)
    section.resize(1200, 800)
    section.show()
    with qtbot.waitSignal(section.batch_opened):
        section.open_batch(batch)
    return section


def test_problems_of_each_record_are_shown_never_guessed(view: ArchiveSection) -> None:
    problems = [view.table.item(row, 2).text() for row in range(3)]
    assert problems[0] == ""
    assert "3" in problems[1] and "1" in problems[1]  # expected 3, found 1: shown as found
    assert problems[2]  # no title: the clerk must give one
    assert view.review is not None and view.review.values(2)["pages"] == "3"


def test_repeating_fields_carry_over_and_a_field_is_checked_as_typed(
    view: ArchiveSection, qtbot, type_text
) -> None:
    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert view.position == 2
    assert view.editors["fonds"].text() == "H01" and view.editors["box"].text() == "12"
    box = view.editors["box"]
    box.setFocus()
    box.selectAll()
    type_text(box, "mười")
    assert view.invalid_fields() == ["box"]
    assert "số" in view.problems_label.text()
    box.selectAll()
    type_text(box, "13")
    assert view.invalid_fields() == []


def test_clerk_fills_the_missing_title_by_keyboard_and_stores_the_batch(
    view: ArchiveSection, qtbot, type_text, services
) -> None:
    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert view.position == 3
    title = view.editors["title"]
    assert title.hasFocus() or view.focusWidget() is title  # the first empty field
    type_text(title, "Hồ sơ đăng ký hộ kinh doanh")
    assert view.table.item(2, 2).text() == ""
    with qtbot.waitSignal(view.batch_stored) as stored:
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    report = stored.args[0]
    assert report.stored == [1, 2, 3] and not report.refused
    with services.database.reading() as session:
        found = find_records(session, "ho kinh doanh")
    assert [r.metadata["box"] for r in found] == [12]
    assert "3" in view.result_label.text()


def test_a_record_left_without_its_title_is_not_stored_and_the_clerk_is_told(
    view: ArchiveSection, qtbot
) -> None:
    with qtbot.waitSignal(view.batch_stored) as stored:
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert stored.args[0].refused == {3: "metadata_missing:title"}
    assert "3" in view.result_label.text().splitlines()[1]


def add_document(view: ArchiveSection, qtbot) -> None:
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view, Qt.Key.Key_D, modifiers)


def test_documents_are_entered_checked_as_typed_and_repeat_their_author(
    view: ArchiveSection, qtbot, type_text, services
) -> None:
    documents = view.documents
    add_document(view, qtbot)
    assert documents.editors["sequence"].text() == "1"
    assert (
        documents.editors["summary"].hasFocus()
        or view.focusWidget() is documents.editors["summary"]
    )
    assert "Trích yếu" in view.problems_label.text() or "Summary" in view.problems_label.text()
    type_text(documents.editors["summary"], "Đơn đề nghị cấp giấy phép xây dựng")
    type_text(documents.editors["author"], "UBND phường Đông Ba")
    date = documents.editors["date"]
    type_text(date, "32/13/2019")
    assert documents.invalid_fields() == ["date"]
    assert view.table.item(0, 2).text()  # the record's row shows the document's problem
    date.selectAll()
    type_text(date, "14/03/2019")
    assert documents.invalid_fields() == []
    assert view.table.item(0, 2).text() == ""

    add_document(view, qtbot)
    assert documents.editors["sequence"].text() == "2"
    assert documents.editors["author"].text() == "UBND phường Đông Ba"  # carried over
    assert documents.invalid_fields() == ["summary"]  # required, still empty
    type_text(documents.editors["summary"], "Giấy phép xây dựng số 12/GPXD")
    assert documents.list.count() == 2
    assert documents.list.item(1).text() == "2. Giấy phép xây dựng số 12/GPXD"

    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert documents.list.count() == 0 and not documents.editors["summary"].isEnabled()
    title = view.editors["title"]
    view.go(3)
    type_text(title, "Hồ sơ đăng ký hộ kinh doanh")
    with qtbot.waitSignal(view.batch_stored) as stored:
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert stored.args[0].stored == [1, 2, 3]
    with services.database.reading() as session:
        (record,) = find_records(session, "giay phep xay dung so 12")
    items = record.metadata["items"]
    assert [(i["sequence"], i["author"], i["date"]) for i in items] == [
        (1, "UBND phường Đông Ba", "2019-03-14"),
        (2, "UBND phường Đông Ba", None),
    ]


def test_a_document_left_without_its_summary_is_refused_shown_and_kept(
    view: ArchiveSection, qtbot, type_text, services
) -> None:
    documents = view.documents
    add_document(view, qtbot)
    type_text(documents.editors["author"], "UBND phường Đông Ba")
    view.go(3)
    type_text(view.editors["title"], "Hồ sơ đăng ký hộ kinh doanh")
    with qtbot.waitSignal(view.batch_stored) as stored:
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    report = stored.args[0]
    assert report.refused == {1: "document_invalid:1:summary:missing"}
    assert report.stored == [2, 3]
    assert view.position == 1  # the refused record is put in front of the clerk
    assert documents.list.count() == 1 and documents.invalid_fields() == ["summary"]
    assert documents.editors["author"].text() == "UBND phường Đông Ba"  # the entry kept
    assert "Trích yếu" in view.problems_label.text()
    assert "1" in view.result_label.text().splitlines()[1]
    with services.database.reading() as session:
        assert [r.position for r in find_records(session)] == [2, 3]

    type_text(documents.editors["summary"], "Đơn đề nghị cấp giấy phép xây dựng")
    with qtbot.waitSignal(view.batch_stored) as stored:
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert stored.args[0].stored == [1] and stored.args[0].already_stored == [2, 3]


def test_the_window_exports_the_batch_with_the_reviewed_metadata_from_the_store(
    view: ArchiveSection, qtbot, type_text, tmp_path: Path
) -> None:
    view.go(3)
    type_text(view.editors["title"], "Hồ sơ đăng ký hộ kinh doanh")
    with qtbot.waitSignal(view.batch_stored):
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(view.batch_exported) as exported:
        view.export(tmp_path / "bag")
    assert exported.args[0]["valid"] and exported.args[0]["reviewed"] == 3
    data = json.loads((tmp_path / "bag" / "data" / "metadata.json").read_text("utf-8"))
    assert data["records"][2]["metadata"]["title"] == "Hồ sơ đăng ký hộ kinh doanh"
    assert data["records"][1]["metadata"]["fonds"] == "H01"  # carried over, as reviewed
    assert "3" in view.result_label.text()
