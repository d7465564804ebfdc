"""Rendering a stored page to pixels: PDF pages through PDFium, images through Pillow."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from workstation.errors import BadInput
from workstation.pages import PREVIEW_WIDTH, render_page
from workstation.paths import resources_dir

SAMPLES = resources_dir() / "samples"


def red_square_pdf() -> bytes:
    page = Image.new("RGB", (200, 280), "white")
    page.paste((220, 20, 20), (50, 50, 150, 150))
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=72)
    return buffer.getvalue()


def test_pdf_page_renders_at_preview_width_on_white_in_rgb_order() -> None:
    rgb = render_page(red_square_pdf(), "application/pdf", 1)
    height, width, channels = rgb.shape
    assert (width, channels) == (PREVIEW_WIDTH, 3)
    assert height == round(PREVIEW_WIDTH * 280 / 200)
    assert tuple(rgb[5, 5]) == (255, 255, 255)
    red, green, blue = (int(v) for v in rgb[height // 3, width // 2])
    assert red > 180 and green < 80 and blue < 80


def test_second_page_of_the_sample_pdf_has_text() -> None:
    data = (SAMPLES / "giay-de-nghi-ho-kinh-doanh.pdf").read_bytes()
    rgb = render_page(data, "application/pdf", 2)
    assert (rgb < 128).mean() > 0.001  # ink on the page


def test_image_page_keeps_its_size() -> None:
    rgb = render_page((SAMPLES / "to-khai-khai-sinh.png").read_bytes(), "image/png", 1)
    assert rgb.shape == (2338, 1654, 3)


@pytest.mark.parametrize(
    ("data", "media_type", "number", "code"),
    [
        (b"%PDF-1.4 broken", "application/pdf", 1, "preview.unreadable"),
        (None, "application/pdf", 3, "preview.unreadable"),
        (b"\x89PNG\r\n\x1a\n", "image/png", 1, "preview.unreadable"),
        (b"text", "text/plain", 1, "preview.unsupported"),
    ],
)
def test_unrenderable_pages_are_bad_input(data, media_type, number, code) -> None:
    with pytest.raises(BadInput) as caught:
        render_page(data if data is not None else red_square_pdf(), media_type, number)
    assert caught.value.code == code


def test_pdfium_is_safe_to_call_from_several_threads() -> None:
    data = (SAMPLES / "giay-de-nghi-ho-kinh-doanh.pdf").read_bytes()
    with ThreadPoolExecutor(4) as pool:
        pages = list(pool.map(lambda n: render_page(data, "application/pdf", 1 + n % 2), range(16)))
    assert all(np.array_equal(pages[0], p) for p in pages[::2])
