"""eSCL: the fake scanner proved faithful with Debian's sane-airscan, then our client against it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import SAMPLES
from tests.fakes.escl_server import Behaviour, FakeEsclScanner
from workstation.errors import BadInput, Cancelled
from workstation.scan.devices.base import ColourMode, DeviceError, ScanSettings, Source
from workstation.scan.devices.escl import EsclDevice, parse_address
from workstation.scan.devices.sane import SaneBackend

PAGE = SAMPLES / "to-khai-khai-sinh.png"
LOW = dict(dpi=75, mode=ColourMode.GRAY, page_size="a5")


@pytest.fixture
def scanner() -> Iterator[FakeEsclScanner]:
    with FakeEsclScanner([PAGE], Behaviour(adf_pages=3)) as fake:
        yield fake


def device(scanner: FakeEsclScanner) -> EsclDevice:
    return EsclDevice(scanner.root, backoff_s=0.01)


@pytest.fixture
def airscan_config(
    scanner: FakeEsclScanner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    if shutil.which("scanimage") is None or not Path("/etc/sane.d/airscan.conf").exists():
        pytest.skip("sane-airscan is not installed (apt install sane-airscan)")
    folder = tmp_path / "sane"
    folder.mkdir()
    (folder / "dll.conf").write_text("airscan\n")
    (folder / "airscan.conf").write_text(
        f'[devices]\n"Fake" = {scanner.root}/, eSCL\n[options]\ndiscovery = disable\n'
    )
    monkeypatch.setenv("SANE_CONFIG_DIR", str(folder))
    return folder


def test_sane_airscan_scans_a_feeder_batch_from_the_fake_scanner(
    scanner: FakeEsclScanner, airscan_config: Path, tmp_path: Path
) -> None:
    sane = SaneBackend()
    assert "sane:airscan:e0:Fake" in [d.id for d in sane.list_devices()]
    found = sane.open("sane:airscan:e0:Fake")
    assert {Source.FLATBED, Source.ADF, Source.ADF_DUPLEX} <= set(found.options().sources)
    pages = list(found.scan(ScanSettings(source=Source.ADF, **LOW), tmp_path / "out"))
    assert len(pages) == 3  # the feeder's three sheets, then sane-airscan saw it empty
    with Image.open(pages[0].path) as image:
        assert image.width == round(148 / 25.4 * 75)


def test_sane_airscan_scans_the_platen_once(
    scanner: FakeEsclScanner, airscan_config: Path, tmp_path: Path
) -> None:
    found = SaneBackend().open("sane:airscan:e0:Fake")
    pages = list(found.scan(ScanSettings(source=Source.FLATBED, **LOW), tmp_path / "out"))
    assert len(pages) == 1
    assert any(r.startswith("DELETE") or r.endswith("NextDocument") for r in scanner.state.requests)


def test_client_reads_capabilities(scanner: FakeEsclScanner) -> None:
    options = device(scanner).options()
    assert options.sources == (Source.FLATBED, Source.ADF, Source.ADF_DUPLEX)
    assert options.resolutions == (75, 150, 200, 300)
    assert set(options.modes) == {ColourMode.COLOR, ColourMode.GRAY, ColourMode.LINEART}
    assert options.max_width_mm == 215.9


def test_client_pages_through_the_feeder_until_it_is_empty(
    scanner: FakeEsclScanner, tmp_path: Path
) -> None:
    pages = list(device(scanner).scan(ScanSettings(source=Source.ADF, **LOW), tmp_path / "o"))
    assert [p.index for p in pages] == [0, 1, 2]
    with Image.open(pages[0].path) as image:
        assert image.format == "PNG" and image.mode == "L"


def test_client_takes_fronts_and_backs_in_duplex(scanner: FakeEsclScanner, tmp_path: Path) -> None:
    scanner.behaviour.adf_pages = 2
    settings = ScanSettings(source=Source.ADF_DUPLEX, **LOW)
    pages = list(device(scanner).scan(settings, tmp_path / "o"))
    assert [p.side for p in pages] == ["front", "back", "front", "back"]


def test_empty_feeder_is_adf_empty(scanner: FakeEsclScanner, tmp_path: Path) -> None:
    scanner.behaviour.adf_pages = 0
    with pytest.raises(DeviceError) as caught:
        list(device(scanner).scan(ScanSettings(source=Source.ADF, **LOW), tmp_path / "o"))
    assert caught.value.code == "device.adf_empty"


def test_jam_is_a_typed_error_after_the_pages_already_taken(
    scanner: FakeEsclScanner, tmp_path: Path
) -> None:
    scanner.behaviour.jam_after = 1
    taken = []
    with pytest.raises(DeviceError) as caught:
        for page in device(scanner).scan(ScanSettings(source=Source.ADF, **LOW), tmp_path / "o"):
            taken.append(page)
    assert caught.value.code == "device.jammed" and caught.value.params["pages"] == 1
    assert len(taken) == 1 and taken[0].path.is_file()
    assert not list((tmp_path / "o").glob("*.part"))


def test_busy_scanner_is_retried_with_backoff(scanner: FakeEsclScanner, tmp_path: Path) -> None:
    scanner.behaviour.busy = 2
    found = EsclDevice(scanner.root, backoff_s=0.01)
    found.options()
    found._wait = lambda attempt, response, cancelled: None  # Retry-After says 1 s
    pages = list(found.scan(ScanSettings(source=Source.FLATBED, **LOW), tmp_path / "o"))
    assert len(pages) == 1
    posts = [r for r in scanner.state.requests if r.startswith("POST")]
    assert posts == ["POST /eSCL/ScanJobs"] * 3


def test_scanner_busy_for_good_is_device_busy(scanner: FakeEsclScanner, tmp_path: Path) -> None:
    scanner.behaviour.busy = 10
    found = EsclDevice(scanner.root, retries=1, backoff_s=0.01)
    found._wait = lambda attempt, response, cancelled: None
    with pytest.raises(DeviceError) as caught:
        list(found.scan(ScanSettings(source=Source.FLATBED, **LOW), tmp_path / "o"))
    assert caught.value.code == "device.busy"


def test_cancel_deletes_the_job(scanner: FakeEsclScanner, tmp_path: Path) -> None:
    scanner.behaviour.slow_s = 0.05
    taken = []
    with pytest.raises(Cancelled):
        for page in device(scanner).scan(
            ScanSettings(source=Source.ADF, **LOW), tmp_path / "o", lambda: bool(taken)
        ):
            taken.append(page)
    assert any(r.startswith("DELETE /eSCL/ScanJobs/") for r in scanner.state.requests)


def test_scanner_gone_is_device_gone(tmp_path: Path) -> None:
    with FakeEsclScanner([PAGE]) as fake:
        root = fake.root
    with pytest.raises(DeviceError) as caught:
        EsclDevice(root).options()
    assert caught.value.code == "device.gone"


def test_manual_address_is_checked() -> None:
    assert parse_address("escl:http://192.168.1.20:8080/eSCL/") == "http://192.168.1.20:8080/eSCL"
    with pytest.raises(BadInput):
        parse_address("escl:ftp://scanner")
