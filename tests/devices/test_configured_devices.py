"""The configured capture devices (``capture-devices.json``): read, and an eSCL address added."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.devices.test_escl import PAGE
from tests.fakes.escl_server import FakeEsclScanner
from workstation.errors import BadInput
from workstation.scan.devices.base import DeviceError
from workstation.scan.devices.configured import (
    USER_FILE,
    add_escl_address,
    add_escl_scanner,
    configured_devices,
)


def test_no_file_means_nothing_configured(tmp_path: Path) -> None:
    assert (
        configured_devices(tmp_path).escl == () and configured_devices(tmp_path).hot_folders == ()
    )


def test_an_added_address_is_kept_once_beside_the_hot_folders(tmp_path: Path) -> None:
    (tmp_path / USER_FILE).write_text(json.dumps({"hot_folders": ["/srv/scans"]}))
    assert add_escl_address(tmp_path, " escl:http://10.0.0.5:80/eSCL/ ") == (
        "escl:http://10.0.0.5:80/eSCL"
    )
    add_escl_address(tmp_path, "http://10.0.0.5:80/eSCL")
    configured = configured_devices(tmp_path)
    assert configured.escl == ("http://10.0.0.5:80/eSCL",)
    assert configured.hot_folders == (Path("/srv/scans"),)
    assert not list(tmp_path.glob("*.tmp"))


def test_a_mistyped_address_is_refused_and_nothing_written(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as raised:
        add_escl_address(tmp_path, "10.0.0.5/eSCL")
    assert raised.value.code == "device.bad_address"
    assert not (tmp_path / USER_FILE).exists()


def test_a_scanner_is_kept_only_once_it_has_answered(tmp_path: Path) -> None:
    with FakeEsclScanner([PAGE]) as scanner:
        root = scanner.root
        device = add_escl_scanner(tmp_path, root)
    assert device.id == f"escl:{root}" and device.backend == "escl"
    with pytest.raises(DeviceError):
        add_escl_scanner(tmp_path, "http://127.0.0.1:9/eSCL")  # nothing listens on port 9
    assert configured_devices(tmp_path).escl == (root,)


def test_the_services_list_the_configured_devices(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    services.folders.data.mkdir(parents=True, exist_ok=True)
    (services.folders.data / USER_FILE).write_text(
        json.dumps({"escl": ["http://192.0.2.7/eSCL"], "hot_folders": [str(inbox)]})
    )
    ids = {d.id for d in services.capture_devices()}
    assert {"escl:http://192.0.2.7/eSCL", f"hotfolder:{inbox}", "demo"} <= ids
