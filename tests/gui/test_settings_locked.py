"""The settings dialog shows the administrator's locked settings as locked."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.config import Settings, load_settings, save_settings, settings_file
from workstation.i18n import tr
from workstation.paths import MACHINE_SETTINGS_ENV
from workstation.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui

ADMIN_URL = "https://motcua.ninhbinh.gov.vn/api"


@pytest.fixture
def locked_dialog(qtbot, folders, tmp_path: Path, monkeypatch) -> SettingsDialog:
    if Path("/etc/workstation/settings.toml").exists():
        pytest.skip("this machine has a real machine-wide settings file")
    machine = tmp_path / "machine.toml"
    machine.write_text(f'central_url = "{ADMIN_URL}"\n', encoding="utf-8")
    monkeypatch.setenv(MACHINE_SETTINGS_ENV, str(machine))
    save_settings(Settings(central_url="http://officer.example"), folders)
    dialog = SettingsDialog(folders)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_locked_setting_shows_the_administrators_value_disabled_with_a_note(
    locked_dialog, tmp_path
):
    editor = locked_dialog.editor("central_url")
    assert editor.text() == ADMIN_URL
    assert not editor.isEnabled()
    note = locked_dialog.lock_notes["central_url"]
    assert note.text() == tr("settings.locked", path=str(tmp_path / "machine.toml"))
    assert locked_dialog.editor("agency_place").isEnabled()
    assert set(locked_dialog.lock_notes) == {"central_url"}


def test_saving_keeps_the_officers_own_value_under_the_lock(qtbot, locked_dialog, folders):
    locked_dialog.editor("agency_place").setText("Ninh Bình")
    with qtbot.waitSignal(locked_dialog.settings_saved):
        locked_dialog.save()
    own = load_settings(folders, locked={})
    assert own.central_url == "http://officer.example"
    assert own.agency_place == "Ninh Bình"
    assert ADMIN_URL not in settings_file(folders).read_text(encoding="utf-8")
    assert load_settings(folders).central_url == ADMIN_URL


def test_a_locked_signature_policy_and_retention_period_show_locked(
    qtbot, folders, tmp_path: Path, monkeypatch
):
    if Path("/etc/workstation/settings.toml").exists():
        pytest.skip("this machine has a real machine-wide settings file")
    machine = tmp_path / "machine.toml"
    machine.write_text('signature_level = "B-LT"\nretention_scans_days = 365\n', encoding="utf-8")
    monkeypatch.setenv(MACHINE_SETTINGS_ENV, str(machine))
    dialog = SettingsDialog(folders)
    qtbot.addWidget(dialog)
    level = dialog.editor("signature_level")
    assert (level.currentData(), level.isEnabled()) == ("B-LT", False)
    scans = dialog.editor("retention_scans_days")
    assert (scans.text(), scans.isEnabled()) == ("365", False)
    assert set(dialog.lock_notes) == {"signature_level", "retention_scans_days"}
    assert dialog.editor("retention_exports_days").isEnabled()
