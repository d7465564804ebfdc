"""Files, the demo feeder and profiles through the one device interface."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from workstation.errors import BadInput, NotFound
from workstation.scan.devices import list_devices, open_device
from workstation.scan.devices.base import DeviceError, ScanSettings, Source
from workstation.scan.devices.demo import DemoFeeder
from workstation.scan.devices.files import pdf_nature
from workstation.scan.devices.profiles import USER_FILE, load_profiles, profile


def test_demo_feeder_is_listed_by_a_clear_name_and_serves_vietnamese_samples(
    tmp_path: Path,
) -> None:
    demo = [d for d in list_devices() if d.id == "demo"]
    assert demo and "Demo" in demo[0].name
    pages = list(open_device("demo").scan(ScanSettings(source=Source.ADF), tmp_path))
    assert len(pages) == 3 and all(p.path.stat().st_size > 0 for p in pages)


def test_demo_feeder_out_of_sheets_is_adf_empty(tmp_path: Path) -> None:
    with pytest.raises(DeviceError) as caught:
        list(DemoFeeder(sheets=0).scan(ScanSettings(source=Source.ADF), tmp_path))
    assert caught.value.code == "device.adf_empty"


def test_image_files_and_a_pdf_of_scans_are_taken_as_pages(tmp_path: Path) -> None:
    png = SAMPLES / "to-khai-khai-sinh.png"
    scans = SAMPLES / "giay-de-nghi-ho-kinh-doanh.pdf"
    pages = list(open_device("files", [png, scans]).scan(ScanSettings(), tmp_path / "o"))
    assert [p.kept for p in pages] == [False, pdf_nature(scans).kept]
    assert not pdf_nature(scans).kept


def test_a_pdf_with_a_text_layer_is_kept_byte_for_byte(tmp_path: Path) -> None:
    source = tmp_path / "ketqua.pdf"
    _text_pdf(source)
    pages = list(open_device("files", [source]).scan(ScanSettings(), tmp_path / "o"))
    assert pages[0].kept
    assert pages[0].path.read_bytes() == source.read_bytes()


def _text_pdf(path: Path) -> None:
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                           BaseFont=pikepdf.Name.Helvetica)
    )  # fmt: skip
    page = pdf.add_blank_page(page_size=(200, 200))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 20 100 Td (Ket qua giai quyet) Tj ET")
    pdf.save(path)


def test_a_damaged_file_is_refused_before_it_is_taken(tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    with pytest.raises(BadInput):
        list(open_device("files", [bad]).scan(ScanSettings(), tmp_path / "o"))
    assert not list((tmp_path / "o").iterdir())


def test_unknown_device_id_is_not_found() -> None:
    with pytest.raises(NotFound):
        open_device("twain:0")


def test_bundled_profiles_load_and_a_user_profile_overrides_by_name(tmp_path: Path) -> None:
    assert {"component", "archive-text", "demo"} <= set(load_profiles())
    (tmp_path / USER_FILE).write_text(
        '{"profiles": {"component": {"source": "flatbed", "dpi": 300, "colour": "color"}}}'
    )
    mine = profile("component", tmp_path)
    assert mine.source is Source.FLATBED and mine.settings().dpi == 300
    assert profile("archive-text").duplex


def test_a_profile_with_a_bad_value_is_refused(tmp_path: Path) -> None:
    (tmp_path / USER_FILE).write_text('{"profiles": {"x": {"colour": "sepia"}}}')
    with pytest.raises(BadInput) as caught:
        load_profiles(tmp_path)
    assert caught.value.code == "device.profiles_invalid"
    with pytest.raises(NotFound):
        profile("nosuch")


def test_a_profile_s_blank_threshold_and_deskew_reach_the_clean_up() -> None:
    import numpy as np

    from workstation.scan import specimens
    from workstation.scan.clean import clean_page

    one_line = specimens.text_page(3, lines=1, dpi=100)
    assert not clean_page(one_line.image, 100).blank
    assert clean_page(one_line.image, 100, blank_threshold=0.01).blank
    tilted = specimens.skew(specimens.text_page(1, dpi=100, size_mm=(120, 150)), 3.0)
    kept = clean_page(tilted.image, 100, deskew=False)
    assert abs(kept.skew_deg) > 2 and np.array_equal(kept.image, tilted.image)
