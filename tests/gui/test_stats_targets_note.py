"""The statistics section says whose targets it measures against and why they are read-only
here: the administrator's lock, the central system's, or the shipped sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QDate

from tests.stats_helpers import known_dossiers
from workstation.config import load_settings
from workstation.i18n import tr
from workstation.paths import MACHINE_SETTINGS_ENV
from workstation.services import open_services
from workstation.sync.pull import targets_file
from workstation.ui.settings_dialog import SettingsDialog
from workstation.ui.stats.section import COLUMNS, StatsSection

pytestmark = pytest.mark.gui


def _targets_file(path: Path, online: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "illustrative": False,
                "targets": [
                    {"agency": "*", "effective_from": "2026-01-01", "rates": {"online": online}}
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def _shown(qtbot, services) -> StatsSection:
    known_dossiers(services.database)
    view = StatsSection(services)
    qtbot.addWidget(view)
    view.first_edit.setDate(QDate(2026, 3, 1))
    view.last_edit.setDate(QDate(2026, 3, 31))
    with qtbot.waitSignal(view.report_shown):
        view.load()
    return view


def _online_target(view: StatsSection) -> str:
    for row in range(view.table.rowCount()):
        if view.table.item(row, 0).text() == tr("stats.measure.online"):
            return view.table.item(row, COLUMNS.index("target")).text()
    raise AssertionError("no online row")


@pytest.fixture
def machine_file(tmp_path: Path, monkeypatch) -> Path:
    if Path("/etc/workstation/settings.toml").exists():
        pytest.skip("this machine has a real machine-wide settings file")
    machine = tmp_path / "machine.toml"
    monkeypatch.setenv(MACHINE_SETTINGS_ENV, str(machine))
    return machine


def test_targets_locked_by_the_administrator_are_shown_read_only_with_the_lock_named(
    qtbot, folders, tmp_path, machine_file
):
    own = _targets_file(tmp_path / "province.json", 0.42)
    machine_file.write_text(f"stats_targets = {json.dumps(str(own))}\n", encoding="utf-8")
    services = open_services(load_settings(folders), folders)
    try:
        view = _shown(qtbot, services)
        assert _online_target(view) == "42.0 %"
        assert view.targets_note.text() == tr("desktop.targets.locked", path=str(machine_file))
        assert not view.table.editTriggers()  # the figures cannot be typed over
    finally:
        services.close()
    dialog = SettingsDialog(folders)
    qtbot.addWidget(dialog)
    assert not dialog.editor("stats_targets").isEnabled()
    assert "stats_targets" in dialog.lock_notes


def test_targets_from_the_central_system_are_named_so(qtbot, folders, machine_file):
    _targets_file(targets_file(folders), 0.37)
    services = open_services(load_settings(folders), folders)
    try:
        view = _shown(qtbot, services)
        assert _online_target(view) == "37.0 %"
        assert view.targets_note.text() == tr("desktop.targets.central")
        assert view.note.text() == ""  # the province's figures are not illustrative
    finally:
        services.close()


def test_without_other_targets_the_shipped_sample_is_named(qtbot, services, machine_file):
    view = _shown(qtbot, services)
    assert view.targets_note.text() == tr("desktop.targets.shipped")
