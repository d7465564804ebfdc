"""The administrator's ``allowed_devices``: only those devices are listed and opened, by the
window's services and by the commands; importing files is never restricted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.test_cli import run
from workstation.config import load_settings
from workstation.errors import BadInput
from workstation.scan.devices import device_allowed
from workstation.services import open_services


def test_patterns_allow_by_id_with_wildcards_and_empty_allows_all() -> None:
    assert device_allowed("sane:test:0", "")
    assert device_allowed("sane:test:0", "escl:*, sane:test*")
    assert not device_allowed("demo", "sane:*")
    assert not device_allowed("escl:https://10.0.6.2/eSCL", "escl:https://10.0.5.*")
    assert device_allowed("files", "sane:*")  # files the officer has: no device


def test_the_window_lists_and_opens_only_allowed_devices(
    folders, monkeypatch, sane_test_config
) -> None:
    monkeypatch.setenv("WORKSTATION_ALLOWED_DEVICES", "sane:test*")
    services = open_services(load_settings(folders), folders)
    try:
        ids = {d.id for d in services.capture_devices()}
        assert "sane:test:0" in ids and "demo" not in ids and "files" in ids
        with pytest.raises(BadInput) as refused:
            services.open_capture_device("demo")
        assert refused.value.code == "device.not_allowed"
    finally:
        services.close()


def test_the_commands_list_and_scan_only_allowed_devices(
    capsys, monkeypatch, sane_test_config, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORKSTATION_ALLOWED_DEVICES", "sane:*")
    code, out, _ = run(capsys, "devices", "--json")
    assert code == 0
    ids = {d["id"] for d in json.loads(out)["devices"]}
    assert "sane:test:0" in ids and "demo" not in ids
    out_folder = tmp_path / "scans"
    code, _, err = run(capsys, "scan", "--device", "demo", "-o", str(out_folder))
    assert code == 3, err
    assert not out_folder.exists()
