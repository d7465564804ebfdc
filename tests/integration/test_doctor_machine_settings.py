"""``workstation doctor`` shows the administrator's locked settings, and a broken lock file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workstation.cli import main
from workstation.paths import MACHINE_SETTINGS_ENV

pytestmark = pytest.mark.integration


@pytest.fixture
def machine_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if Path("/etc/workstation/settings.toml").exists():
        pytest.skip("this machine has a real machine-wide settings file")
    path = tmp_path / "machine.toml"
    monkeypatch.setenv(MACHINE_SETTINGS_ENV, str(path))
    return path


def doctor(capsys) -> tuple[int, dict]:
    code = main(["doctor", "--json"])
    return code, json.loads(capsys.readouterr().out)


def machine_check(report: dict) -> dict | None:
    return next((c for c in report["checks"] if c["part"] == "machine-wide settings"), None)


def test_doctor_lists_the_settings_the_administrator_locked(capsys, machine_file) -> None:
    machine_file.write_text('central_url = "https://motcua.example.vn"\nworkstation_slot = 2\n')
    _, report = doctor(capsys)
    check = machine_check(report)
    assert check is not None and check["status"] == "ok"
    assert check["facts"]["locked"] == ["central_url", "workstation_slot"]


def test_doctor_says_nothing_of_locks_on_a_machine_without_them(capsys, machine_file) -> None:
    _, report = doctor(capsys)
    assert machine_check(report) is None


def test_a_broken_machine_file_fails_doctor_with_its_path(capsys, machine_file) -> None:
    machine_file.write_text("central_url = [unclosed\n")
    code, report = doctor(capsys)
    check = machine_check(report)
    assert check is not None and check["status"] == "failed"
    assert check["facts"]["code"] == "config.machine_unreadable"
    assert str(machine_file) in check["fix"]
    assert code == 4 and report["ok"] is False
