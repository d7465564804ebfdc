"""The archive section's long jobs: separator sheets made and printed for a list of records; a
scanned batch split from the window with its progress shown, then opened for review; a split
stopped by Esc keeps its pages and the next run resumes there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.fakes.printer import FakePrinter
from workstation import pages
from workstation.archive import specimens
from workstation.archive.batch import BATCH_FILE, STATE_DIR
from workstation.ui.archive.section import ArchiveSection


@pytest.fixture
def section(qtbot, services) -> ArchiveSection:
    view = ArchiveSection(services)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    view.tools.printer = FakePrinter()
    view.tools.ocr = False  # the split's own tests cover OCR; here the window's part
    return view


def test_separator_sheets_for_a_list_of_records_are_saved_and_printed(
    section: ArchiveSection, qtbot, tmp_path: Path
) -> None:
    records = tmp_path / "records.json"
    listed = [specimens.record(1, 2).as_json(), {"file_number": "2", "title": "Hồ sơ đất đai"}]
    records.write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    with qtbot.waitSignal(section.tools.sheets_written) as written:
        section.tools.make_sheets(records, tmp_path / "out" / "sheets")
    out = written.args[0]
    assert out == tmp_path / "out" / "sheets.pdf"
    assert len(pages.page_sizes(out.read_bytes(), pages.PDF_TYPE, out.name)) == 2
    assert section.tools.printer.printed == [out]
    assert section.tools.label.text() == "Đã tạo 2 tờ phân cách."


def test_a_split_run_from_the_window_shows_its_speed_then_opens_for_review(
    section: ArchiveSection, qtbot, tmp_path: Path
) -> None:
    stack = specimens.write_stack(tmp_path / "in", [2, 1, 3], lines=3)
    seen: list[str] = []
    with qtbot.waitSignal(section.batch_opened, timeout=120_000) as opened:
        section.tools.start_split(tmp_path / "in", tmp_path / "out")
        section.tools.task.progressed.connect(lambda *_: seen.append(section.tools.label.text()))
        assert section.tools.cancel_action.isEnabled()
    assert opened.args == [3]
    assert any("trang/phút" in text for text in seen)
    assert seen[-1].startswith(f"{len(stack.files)}/{len(stack.files)} trang")
    assert not section.tools.bar.isVisible() and not section.tools.cancel_action.isEnabled()
    assert [(r["first_page"], r["last_page"]) for r in section.review.records] == stack.expected


def test_esc_stops_a_split_keeping_its_pages_and_the_next_run_resumes(
    section: ArchiveSection, qtbot, tmp_path: Path
) -> None:
    stack = specimens.write_stack(tmp_path / "in", [12, 14, 11], lines=2)
    out = tmp_path / "out"
    with qtbot.waitSignal(section.tools.split_stopped, timeout=120_000):
        section.tools.start_split(tmp_path / "in", out)
        task = section.tools.task
        task.progressed.connect(lambda *_: qtbot.keyClick(section, Qt.Key.Key_Escape))
    assert section.tools.label.text().startswith("Đã dừng tách lô")
    assert not (out / BATCH_FILE).exists()
    assert (out / STATE_DIR).is_dir()
    with qtbot.waitSignal(section.batch_opened, timeout=120_000):
        section.tools.start_split(tmp_path / "in", out)
    assert [(r["first_page"], r["last_page"]) for r in section.review.records] == stack.expected
    assert json.loads((out / BATCH_FILE).read_text(encoding="utf-8"))["resumed_pages"] > 0


def test_a_scanned_pdf_is_split_from_the_window_like_a_folder_of_pages(
    section: ArchiveSection, qtbot, tmp_path: Path
) -> None:
    from PIL import Image

    stack = specimens.write_stack(tmp_path / "in", [1, 2], lines=3)
    images = [Image.open(path).convert("RGB") for path in stack.files]
    scanned = tmp_path / "batch.pdf"
    images[0].save(scanned, "PDF", resolution=100.0, save_all=True, append_images=images[1:])
    with qtbot.waitSignal(section.batch_opened, timeout=120_000) as opened:
        section.tools.start_split(scanned, tmp_path / "out")
    assert opened.args == [2]
    assert [(r["first_page"], r["last_page"]) for r in section.review.records] == stack.expected
