"""The statistics section: the figures of the known dossiers against the targets, in the table,
the bars and the exported workbook."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate

from tests.stats_helpers import known_dossiers
from workstation.services import Services
from workstation.ui.stats.section import COLUMNS, StatsSection

pytestmark = pytest.mark.gui


@pytest.fixture
def section(qtbot, services: Services) -> StatsSection:
    known_dossiers(services.database)
    view = StatsSection(services)
    qtbot.addWidget(view)
    view.first_edit.setDate(QDate(2026, 3, 1))
    view.last_edit.setDate(QDate(2026, 3, 31))
    with qtbot.waitSignal(view.report_shown):
        view.load()
    return view


def row_of(view: StatsSection, label: str) -> list[str]:
    for row in range(view.table.rowCount()):
        if view.table.item(row, 0).text() == label:
            return [view.table.item(row, c).text() for c in range(len(COLUMNS))]
    raise AssertionError(label)


def test_table_shows_each_figure_against_its_target(section: StatsSection) -> None:
    assert row_of(section, "Tỷ lệ hồ sơ trực tuyến") == [
        "Tỷ lệ hồ sơ trực tuyến",
        "2",
        "6",
        "33.3 %",
        "70.0 %",
        "Chưa đạt",
    ]
    assert row_of(section, "Hồ sơ tiếp nhận")[1:3] == ["6", "6"]
    assert section.note.text().startswith("Chỉ tiêu mang tính minh họa")


def test_bars_show_each_rate_with_its_target(section: StatsSection) -> None:
    bars = {label: (rate, target) for label, rate, target in section.bars.bars}
    assert bars["Tỷ lệ hồ sơ trực tuyến"] == (pytest.approx(2 / 6), 0.7)
    assert bars["Giải quyết đúng hạn"] == (pytest.approx(1 / 3), 0.98)
    assert "Hồ sơ tiếp nhận" not in bars
    section.resize(1100, 600)
    assert not section.bars.grab().isNull()


def test_export_writes_the_shown_figures(qtbot, section: StatsSection, tmp_path: Path) -> None:
    out = tmp_path / "thong-ke.xlsx"
    with qtbot.waitSignal(section.exported):
        section.export_to(out)
    rows = {r[0]: r[1:] for r in load_workbook(out)["Số liệu"].iter_rows(values_only=True) if r[0]}
    assert rows["Kết quả được số hóa"][:2] == (1, 2)


def test_fits_a_1366_by_768_screen_beside_the_navigation(section: StatsSection) -> None:
    hint = section.minimumSizeHint()
    assert hint.width() <= 1366 - 250 and hint.height() <= 768 - 150


def test_grouping_by_sector_gives_one_breakdown_row_per_sector(
    qtbot, section: StatsSection
) -> None:
    section.by_box.setCurrentIndex(section.by_box.findData("sector"))
    with qtbot.waitSignal(section.report_shown):
        section.load()
    rows = {
        section.breakdown.item(r, 0).text(): section.breakdown.item(r, 1).text()
        for r in range(section.breakdown.rowCount())
    }
    assert rows == {"Chứng thực": "1", "Hộ tịch": "4", "?": "1"}
    assert section.breakdown.horizontalHeaderItem(0).text() == "Nhóm"


def test_without_grouping_the_breakdown_is_per_month(section: StatsSection) -> None:
    assert section.breakdown.rowCount() == 1
    assert section.breakdown.item(0, 0).text() == "2026-03"
    assert section.breakdown.item(0, 2).text() == "33.3 %"  # the online rate
