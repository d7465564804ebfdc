"""SANE through ``scanimage``, against SANE's own ``test`` scanner (not a fake)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from workstation.errors import Cancelled
from workstation.scan.devices.base import ColourMode, DeviceError, ScanSettings, Source
from workstation.scan.devices.sane import SaneBackend

GRID = ("--test-picture=Grid",)


def test_lists_the_test_scanner_with_an_id_scan_takes(sane_test_config: Path) -> None:
    ids = [d.id for d in SaneBackend().list_devices()]
    assert "sane:test:0" in ids


def test_reads_sources_resolutions_modes_and_the_area_it_covers(sane_test_config: Path) -> None:
    options = SaneBackend().open("sane:test:0").options()
    assert Source.FLATBED in options.sources and Source.ADF in options.sources
    assert options.resolution_range == (1, 1200)
    assert ColourMode.COLOR in options.modes and ColourMode.GRAY in options.modes
    assert options.max_width_mm == 200 and options.max_height_mm == 200


def test_a4_is_clipped_to_the_area_the_test_scanner_covers(
    sane_test_config: Path, tmp_path: Path
) -> None:
    device = SaneBackend().open("sane:test:0")
    settings = ScanSettings(source=Source.FLATBED, dpi=25, mode=ColourMode.GRAY)
    pages = list(device.scan(settings, tmp_path / "out", extra=GRID))
    assert len(pages) == 1
    with Image.open(pages[0].path) as image:
        assert abs(image.size[0] - 197) <= 1 and abs(image.size[1] - 197) <= 1  # 200 mm, not A4


def test_feeder_batch_yields_ten_pages_one_by_one_then_ends(
    sane_test_config: Path, tmp_path: Path
) -> None:
    device = SaneBackend().open("sane:test:0")
    settings = ScanSettings(source=Source.ADF, dpi=10, mode=ColourMode.GRAY, page_size="a5")
    pages = list(device.scan(settings, tmp_path / "out", extra=GRID))
    assert [p.index for p in pages] == list(range(10))
    assert all(p.path.is_file() and p.dpi == 10 for p in pages)


def test_jam_is_a_typed_error_and_pages_already_taken_stay(
    sane_test_config: Path, tmp_path: Path
) -> None:
    device = SaneBackend().open("sane:test:0")
    settings = ScanSettings(source=Source.ADF, dpi=10, mode=ColourMode.GRAY, page_size="a5")
    jam = ("--enable-test-options", "--read-return-value=SANE_STATUS_JAMMED")
    with pytest.raises(DeviceError) as caught:
        list(device.scan(settings, tmp_path / "out", extra=jam))
    assert caught.value.code == "device.jammed"
    assert not list((tmp_path / "out").glob("*.png"))  # no half page left as if whole


def test_empty_feeder_before_any_page_is_adf_empty(sane_test_config: Path, tmp_path: Path) -> None:
    device = SaneBackend().open("sane:test:0")
    settings = ScanSettings(source=Source.ADF, dpi=10, mode=ColourMode.GRAY, page_size="a5")
    empty = ("--enable-test-options", "--read-return-value=SANE_STATUS_NO_DOCS")
    with pytest.raises(DeviceError) as caught:
        list(device.scan(settings, tmp_path / "out", extra=empty))
    assert caught.value.code == "device.adf_empty"


def test_cancel_stops_the_batch_and_keeps_whole_pages(
    sane_test_config: Path, tmp_path: Path
) -> None:
    device = SaneBackend().open("sane:test:0")
    settings = ScanSettings(source=Source.ADF, dpi=10, mode=ColourMode.GRAY, page_size="a5")
    taken = []
    with pytest.raises(Cancelled):
        for page in device.scan(settings, tmp_path / "out", lambda: bool(taken), extra=GRID):
            taken.append(page)
    assert len(taken) >= 1
    assert all(p.path.is_file() for p in taken)


def test_unknown_device_is_gone(sane_test_config: Path, tmp_path: Path) -> None:
    with pytest.raises(DeviceError) as caught:
        SaneBackend().open("sane:nosuch:0").options()
    assert caught.value.code == "device.gone"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("SANE_STATUS_DEVICE_BUSY", "device.busy"),
        ("SANE_STATUS_COVER_OPEN", "device.cover_open"),
    ],
)
def test_each_scanner_failure_has_its_code(
    sane_test_config: Path, tmp_path: Path, status: str, code: str
) -> None:
    device = SaneBackend().open("sane:test:0")
    settings = ScanSettings(source=Source.ADF, dpi=10, mode=ColourMode.GRAY, page_size="a5")
    failing = ("--enable-test-options", f"--read-return-value={status}")
    with pytest.raises(DeviceError) as caught:
        list(device.scan(settings, tmp_path / "out", extra=failing))
    assert caught.value.code == code


FAKE_HANGING_SCANIMAGE = """#!/bin/sh
# Fake scanimage: a scan reports a jam and then hangs, as SANE's test backend
# sometimes does while cancelling; anything else goes to the real program.
case "$*" in
  *--batch=*) echo "scanimage: sane_read: Document feeder jammed" >&2; exec sleep 600 ;;
  *) exec {real} "$@" ;;
esac
"""


def test_a_reported_jam_is_raised_even_when_scanimage_hangs_after_it(
    sane_test_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = shutil.which("scanimage")
    assert real is not None
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    fake = bin_folder / "scanimage"
    fake.write_text(FAKE_HANGING_SCANIMAGE.format(real=real))
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_folder}{os.pathsep}{os.environ['PATH']}")
    device = SaneBackend().open("sane:test:0")
    settings = ScanSettings(source=Source.ADF, dpi=10, mode=ColourMode.GRAY, page_size="a5")
    with pytest.raises(DeviceError) as caught:
        list(device.scan(settings, tmp_path / "out"))
    assert caught.value.code == "device.jammed"  # not device.gone after the stall timer
