"""Every format the file chooser offers is accepted at intake and shown by the one decoder."""

from __future__ import annotations

import numpy as np
import pytest

from tests.page_samples import FORMATS, HEIGHT, WIDTH, page_file
from workstation.errors import BadInput
from workstation.intake.files import inspect_file
from workstation.pages import PREVIEW_WIDTH, check_pages, page_sizes, render_page


@pytest.mark.parametrize("kind", list(FORMATS))
def test_every_offered_format_is_accepted_and_each_of_its_pages_renders(tmp_path, kind) -> None:
    _, _, _, media_type, pages = FORMATS[kind]
    path = tmp_path / f"scan-{kind}"
    path.write_bytes(page_file(kind))
    inspected = inspect_file(path)
    assert inspected.media_type == media_type
    assert [p.number for p in inspected.pages] == list(range(1, pages + 1))
    data = path.read_bytes()
    for number in range(1, pages + 1):
        rgb = render_page(data, media_type, number)
        _, width, channels = rgb.shape
        expected_width = PREVIEW_WIDTH if media_type == "application/pdf" else WIDTH
        assert (width, channels) == (expected_width, 3)
        scale = width / WIDTH
        assert tuple(rgb[int(20 * scale), int(20 * scale)]) > (200, 200, 200)  # white margin
        bar = rgb[int((100 + 40 * number - 10) * scale), width // 2]
        assert max(int(v) for v in bar) < 60, f"page {number} shows its own bar"
        assert rgb[int((100 + 40 * number + 10) * scale), width // 2].min() > 200
    if media_type != "application/pdf":
        assert all((p.width_px, p.height_px) == (WIDTH, HEIGHT) for p in inspected.pages)


def test_page_sizes_come_from_headers_and_the_check_decodes_every_pixel(tmp_path) -> None:
    """A TIFF whose directory is whole but whose pixels are cut off half-way."""
    data = page_file("tiff-uncompressed")  # Pillow writes the directory first, then pixels
    path = tmp_path / "cut.tif"
    path.write_bytes(data[: len(data) // 2])
    with path.open("rb") as f:
        assert page_sizes(f, "image/tiff", "cut.tif") == [(WIDTH, HEIGHT)]
    with path.open("rb") as f, pytest.raises(BadInput) as caught:
        check_pages(f, "image/tiff", "cut.tif")
    assert caught.value.code == "file.image_damaged"


def test_an_image_turned_by_its_exif_is_shown_upright_and_measured_so(tmp_path) -> None:
    from io import BytesIO

    from PIL import Image

    page = Image.new("RGB", (300, 200), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    buffer = BytesIO()
    page.save(buffer, "JPEG", exif=exif)
    path = tmp_path / "phone.jpg"
    path.write_bytes(buffer.getvalue())
    [shown] = inspect_file(path).pages
    assert (shown.width_px, shown.height_px) == (200, 300)
    assert render_page(buffer.getvalue(), "image/jpeg", 1).shape == (300, 200, 3)
    assert np.asarray(render_page(buffer.getvalue(), "image/jpeg", 1)).mean() > 200


def test_a_tiff_in_an_encoding_the_decoder_cannot_show_is_refused_at_intake(tmp_path) -> None:
    """JPEG 2000 inside a TIFF (compression 34712): refused, not accepted and never shown."""
    import struct

    data = bytearray(page_file("tiff-uncompressed"))
    directory = struct.unpack("<I", data[4:8])[0]
    (entries,) = struct.unpack("<H", data[directory : directory + 2])
    for n in range(entries):
        entry = directory + 2 + 12 * n
        if struct.unpack("<H", data[entry : entry + 2])[0] == 259:  # Compression
            data[entry + 8 : entry + 10] = struct.pack("<H", 34712)
    path = tmp_path / "jp2-in-tiff.tif"
    path.write_bytes(bytes(data))
    with pytest.raises(BadInput) as caught:
        inspect_file(path)
    assert caught.value.code in ("file.image_damaged", "file.image_unsupported")
