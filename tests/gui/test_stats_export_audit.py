"""An Excel export from the statistics section is recorded in the audit log."""

from __future__ import annotations

from PySide6.QtCore import QDate

from workstation.store import audit
from workstation.ui.stats.section import StatsSection


def test_the_sections_export_is_recorded_once_written(qtbot, services, tmp_path) -> None:
    view = StatsSection(services)
    qtbot.addWidget(view)
    view.first_edit.setDate(QDate(2026, 3, 1))
    view.last_edit.setDate(QDate(2026, 3, 31))
    with qtbot.waitSignal(view.report_shown):
        view.load()
    with qtbot.waitSignal(view.exported):
        view.export_to(tmp_path / "thong-ke.xlsx")
    assert (tmp_path / "thong-ke.xlsx").exists()
    with services.database.reading() as session:
        assert [e.action for e in audit.list_entries(session)] == ["stats.exported"]
