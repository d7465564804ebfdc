"""Scanning straight into a checklist component: the service open_services wires."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workstation.errors import NotFound
from workstation.scan.devices import open_device
from workstation.scan.into import ScanIntoComponent


def _small_component_profile(data: Path) -> None:
    """The officer's own ``component`` profile: grey, 50 dpi, A5, no device named."""
    data.mkdir(parents=True, exist_ok=True)
    (data / "capture-profiles.json").write_text(
        json.dumps(
            {
                "profiles": {
                    "component": {"source": "adf", "dpi": 50, "colour": "gray",
                                  "page_size": "a5"}
                }
            }
        )
    )  # fmt: skip


def test_the_services_scan_into_scans_a_batch_with_the_first_scanner_found(
    sane_test_config: Path, services
) -> None:
    _small_component_profile(services.folders.data)
    pages = services.scan_into("CT01")
    assert len(pages) == 10  # SANE's test scanner feeds ten sheets
    assert all(p.is_file() and p.is_relative_to(services.folders.data) for p in pages)
    assert pages == sorted(pages)


def test_the_scanned_pages_are_removed_once_the_receive_view_is_done_with_them(
    sane_test_config: Path, services
) -> None:
    _small_component_profile(services.folders.data)
    first, second = services.scan_into("CT01"), services.scan_into("CT02")
    assert all(p.is_file() for p in [*first, *second])
    assert services.scan_into.remove_scans() == 2
    assert not any(p.exists() for p in [*first, *second])
    assert not list((services.folders.data / "capture").iterdir())
    assert services.scan_into.remove_scans() == 0


def test_without_a_scanner_scanning_into_a_component_says_so(tmp_path: Path) -> None:
    scan_into = ScanIntoComponent(tmp_path, lambda: [], open_device)
    with pytest.raises(NotFound) as caught:
        scan_into("CT01")
    assert caught.value.code == "device.no_scanner"
