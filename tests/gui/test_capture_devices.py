"""The capture view's device list: configured eSCL scanners and hot folders, and an eSCL
address typed by the officer, scanned from (the spec-faithful eSCL test device under tests/)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.devices.test_escl import PAGE
from tests.fakes.escl_server import FakeEsclScanner
from tests.gui.capture_helpers import sane_test_scanner, write_profiles
from tests.gui.test_capture_view import BATCH_TIMEOUT_MS, all_processed, open_view
from workstation.i18n import translate
from workstation.scan.devices.configured import USER_FILE, configured_devices
from workstation.services import Services
from workstation.ui.capture.capture_view import CaptureView


@pytest.fixture
def scanner() -> Iterator[FakeEsclScanner]:
    with FakeEsclScanner([PAGE]) as fake:
        yield fake


@pytest.fixture
def view(qtbot, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CaptureView:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_test_scanner(tmp_path / "sane")))
    write_profiles(services, flatbed={"source": "flatbed", "dpi": 150, "page_size": "a5"})
    return open_view(qtbot, services)


def ids(view: CaptureView) -> list[str]:
    return [view.device_box.itemData(i) for i in range(view.device_box.count())]


def test_configured_escl_scanners_and_hot_folders_are_offered(
    qtbot, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    services.folders.data.mkdir(parents=True, exist_ok=True)
    (services.folders.data / USER_FILE).write_text(
        json.dumps({"escl": ["http://192.0.2.7:8080/eSCL"], "hot_folders": [str(inbox)]})
    )
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_test_scanner(tmp_path / "sane")))
    view = open_view(qtbot, services)
    assert "escl:http://192.0.2.7:8080/eSCL" in ids(view)
    assert f"hotfolder:{inbox}" in ids(view)


def test_a_typed_escl_address_is_added_chosen_kept_and_scans_a_page(
    qtbot, view: CaptureView, scanner: FakeEsclScanner, services: Services, type_text
) -> None:  # type: ignore[no-untyped-def]
    device_id = f"escl:{scanner.root}"
    assert device_id not in ids(view)
    view.address_entry.edit.setFocus()
    type_text(view.address_entry.edit, scanner.root)
    with qtbot.waitSignal(view.scanner_added, timeout=30_000) as added:
        qtbot.keyClick(view.address_entry.edit, Qt.Key.Key_Return)
    assert added.args == [device_id]
    assert view.device_box.currentData() == device_id
    assert configured_devices(services.folders.data).escl == (scanner.root,)

    view.choose(device_id, "flatbed")
    with qtbot.waitSignal(view.batch_finished, timeout=BATCH_TIMEOUT_MS):
        view.scan()
    qtbot.waitUntil(lambda: all_processed(view), timeout=BATCH_TIMEOUT_MS)
    assert len(view.pages) == 1
    (page,) = view.pages.values()
    assert page.result is not None and page.result.report.dpi == 150

    with qtbot.waitSignal(view.devices_loaded, timeout=30_000):
        view.load_devices()
    assert ids(view).count(device_id) == 1  # offered again, once


def test_a_mistyped_address_is_refused_in_vietnamese_and_not_kept(
    qtbot, view: CaptureView, services: Services, type_text
) -> None:  # type: ignore[no-untyped-def]
    before = ids(view)
    type_text(view.address_entry.edit, "192.168.1.20/eSCL")
    with qtbot.waitSignal(view.message_shown, timeout=30_000) as shown:
        view.address_entry.button.click()
    assert shown.args[0] == translate("error.device.bad_address", "vi", address="192.168.1.20/eSCL")
    assert ids(view) == before
    assert configured_devices(services.folders.data).escl == ()
