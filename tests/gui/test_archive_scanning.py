"""Scanning a stack from a device in the archive section (SANE's own test scanner): pages kept
with their speed and time left shown, a jam or an empty feeder told with the sheet to go on
from, Continue appending after the last kept page, and the declared stack split when it is in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.gui.capture_helpers import SANE_TEST, sane_test_scanner
from workstation.archive import specimens
from workstation.archive.scanrun import FEEDER_EMPTY, kept_pages
from workstation.ui.archive.section import ArchiveSection


@pytest.fixture
def sane_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = sane_test_scanner(tmp_path / "sane")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(config))
    return config


@pytest.fixture
def section(qtbot, services, sane_config: Path) -> ArchiveSection:
    view = ArchiveSection(services)
    qtbot.addWidget(view)
    view.tools.ocr = False  # the split's own tests cover OCR
    with qtbot.waitSignal(view.scanner.devices_listed, timeout=60_000):
        view.resize(1200, 800)
        view.show()
    view.scanner.choose(SANE_TEST)
    return view


def test_a_stack_scanned_shows_speed_and_time_left_and_continue_appends_after_the_last_page(
    section: ArchiveSection, qtbot, tmp_path: Path
) -> None:
    scanner = section.scanner
    scanner.size_box.setValue(25)
    seen: list[str] = []
    batch = tmp_path / "batch"
    with qtbot.waitSignal(scanner.run_ended, timeout=120_000) as ended:
        scanner.start(batch)
        scanner.task.progressed.connect(lambda *_: seen.append(scanner.label.text()))
        assert scanner.stop_action.isEnabled() and not scanner.scan_action.isEnabled()
    first = ended.args[0]
    assert (first.kept, first.stopped, first.expected) == (10, FEEDER_EMPTY, 25)
    assert any("trang/phút" in text and "còn khoảng" in text for text in seen)
    assert "từ tờ 11" in scanner.label.text()
    assert scanner.continue_action.isEnabled()
    with qtbot.waitSignal(scanner.run_ended, timeout=120_000) as ended:
        scanner.continue_action.trigger()
    assert ended.args[0].kept == 20
    assert [p.name for p in kept_pages(batch)][-1] == "page-00020.png"


def test_a_jam_tells_the_pages_kept_and_the_sheet_to_put_back_first(
    section: ArchiveSection, qtbot, tmp_path: Path, sane_config: Path
) -> None:
    scanner = section.scanner
    with qtbot.waitSignal(scanner.run_ended, timeout=120_000):
        scanner.start(tmp_path / "batch")
    conf = sane_config / "test.conf"
    conf.write_text(conf.read_text() + 'read-status-code "SANE_STATUS_JAMMED"\n')
    with qtbot.waitSignal(scanner.run_ended, timeout=120_000) as ended:
        scanner.continue_action.trigger()
    assert (ended.args[0].stopped, ended.args[0].kept) == ("device.jammed", 10)
    assert scanner.label.text().startswith("Kẹt giấy. Đã giữ 10 trang")
    assert "từ tờ 11" in scanner.label.text()
    assert scanner.continue_action.isEnabled()


def test_a_declared_stack_once_in_is_split_and_opened_for_review(
    section: ArchiveSection, qtbot, tmp_path: Path
) -> None:
    section.scanner.size_box.setValue(10)
    batch = tmp_path / "batch"
    with qtbot.waitSignal(section.batch_opened, timeout=180_000) as opened:
        section.scanner.start(batch)
    assert opened.args == [1]  # the test scanner's pages carry no separator: one record
    assert (batch / "records" / "batch.json").is_file()
    assert section.review.records[0]["last_page"] == 10


def test_esc_stops_the_scan_keeping_its_pages_and_continue_goes_on_after_them(
    section: ArchiveSection, qtbot, tmp_path: Path, sane_config: Path
) -> None:
    sane_test_scanner(sane_config, read_delay_us=100_000)  # slow enough to stop half-way
    scanner = section.scanner
    batch = tmp_path / "batch"
    scanner.start(batch)
    with qtbot.waitSignal(scanner.task.cancelled, timeout=120_000):
        scanner.task.progressed.connect(lambda *_: qtbot.keyClick(section, Qt.Key.Key_Escape))
    kept = len(kept_pages(batch))
    assert 1 <= kept < 10
    assert scanner.label.text().startswith(f"Đã dừng quét. Đã giữ {kept} trang")
    sane_test_scanner(sane_config)
    with qtbot.waitSignal(scanner.run_ended, timeout=120_000) as ended:
        scanner.continue_action.trigger()
    assert (ended.args[0].kept, ended.args[0].added) == (kept + 10, 10)


def test_the_stack_size_comes_from_the_records_file_the_sheets_were_printed_from(
    section: ArchiveSection, qtbot, tmp_path: Path
) -> None:
    records = tmp_path / "records.json"
    listed = [specimens.record(1, 4).as_json(), specimens.record(2, 7).as_json()]
    records.write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    with qtbot.waitSignal(section.scanner.size_box.valueChanged, timeout=60_000) as changed:
        section.scanner.use_records(records)
    assert changed.args == [4 + 7 + 2]  # each record's pages behind its separator sheet
