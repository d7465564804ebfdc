"""Settings an administrator locks for every officer of a machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.config import (
    Settings,
    load_settings,
    load_settings_or_defaults,
    locked_settings,
    save_settings,
)
from workstation.errors import ConfigError
from workstation.paths import MACHINE_SETTINGS_ENV, machine_settings_file

ADMIN_URL = "https://motcua.ninhbinh.gov.vn/api"


@pytest.fixture
def machine_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if Path("/etc/workstation/settings.toml").exists():
        pytest.skip("this machine has a real machine-wide settings file")
    path = tmp_path / "machine" / "settings.toml"
    path.parent.mkdir()
    monkeypatch.setenv(MACHINE_SETTINGS_ENV, str(path))
    return path


def test_a_locked_setting_wins_over_the_officers_file_and_variables(folders, machine_file):
    machine_file.write_text(f'central_url = "{ADMIN_URL}"\n', encoding="utf-8")
    save_settings(Settings(central_url="http://officer.example", agency_place="Hà Nội"), folders)
    environ = {"WORKSTATION_CENTRAL_URL": "http://variable.example"}
    settings = load_settings(folders, environ=environ)
    assert settings.central_url == ADMIN_URL
    assert settings.agency_place == "Hà Nội"  # what is not locked stays the officer's


def test_without_a_machine_file_nothing_is_locked(folders, machine_file):
    save_settings(Settings(central_url="http://officer.example"), folders)
    assert locked_settings() == {}
    assert load_settings(folders).central_url == "http://officer.example"


def test_the_officers_own_values_can_be_read_past_the_locks(folders, machine_file):
    machine_file.write_text(f'central_url = "{ADMIN_URL}"\nversion = 2\n', encoding="utf-8")
    save_settings(Settings(central_url="http://officer.example"), folders)
    assert locked_settings() == {"central_url": ADMIN_URL}
    assert load_settings(folders, locked={}).central_url == "http://officer.example"


def test_an_unreadable_machine_file_stops_a_command_and_locks_nothing_in_the_window(
    folders, machine_file
):
    machine_file.write_text("central_url = [unclosed\n", encoding="utf-8")
    save_settings(Settings(central_url="http://officer.example"), folders)
    with pytest.raises(ConfigError) as caught:
        load_settings(folders)
    assert caught.value.code == "config.machine_unreadable"
    settings, problems = load_settings_or_defaults(folders)
    assert settings.central_url == "http://officer.example" and problems == []


def test_a_locked_value_of_the_wrong_type_is_refused(folders, machine_file):
    machine_file.write_text('workstation_slot = "two"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        locked_settings()
    assert caught.value.code == "config.invalid_value"


def test_the_machine_file_is_in_a_place_officers_cannot_write(monkeypatch):
    monkeypatch.delenv(MACHINE_SETTINGS_ENV, raising=False)
    assert machine_settings_file() == Path("/etc/workstation/settings.toml")


def test_the_signature_policy_and_retention_periods_can_be_locked(folders, machine_file):
    machine_file.write_text(
        'signature_level = "B-LT"\nretention_scans_days = 365\nretention_exports_days = 90\n',
        encoding="utf-8",
    )
    save_settings(Settings(signature_level="B-B", retention_scans_days=30), folders)
    environ = {"WORKSTATION_SIGNATURE_LEVEL": "B-T", "WORKSTATION_RETENTION_EXPORTS_DAYS": "7"}
    settings = load_settings(folders, environ=environ)
    assert settings.signature_level == "B-LT"
    assert (settings.retention_scans_days, settings.retention_exports_days) == (365, 90)
    assert settings.retention_results_days == 0  # not locked: the officer's (default)


@pytest.mark.parametrize(
    ("name", "value"),
    [("signature_level", "B-X"), ("retention_scans_days", -1), ("retention_results_days", "x")],
)
def test_an_unusable_signature_policy_or_retention_period_is_refused(name, value):
    with pytest.raises(ConfigError) as caught:
        Settings(**{name: value})
    assert caught.value.params["name"] == name


def test_a_retention_period_typed_as_text_is_read_as_days():
    assert Settings(retention_results_days="1825").retention_results_days == 1825
