"""Files brought to the counter are checked before anything is stored."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from pypdf import PdfWriter

from workstation.errors import BadInput
from workstation.intake.files import inspect_file


def make_pdf(path, pages: int = 2, password: str | None = None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_png_page_is_one_page_with_its_size(sample_page) -> None:
    inspected = inspect_file(sample_page)
    assert inspected.media_type == "image/png"
    assert len(inspected.pages) == 1
    assert (inspected.pages[0].width_px, inspected.pages[0].height_px) == (1654, 2338)


def test_pdf_pages_are_counted(tmp_path) -> None:
    inspected = inspect_file(make_pdf(tmp_path / "ho-so.pdf", pages=3))
    assert inspected.media_type == "application/pdf"
    assert [p.number for p in inspected.pages] == [1, 2, 3]


def test_type_comes_from_content_not_name(tmp_path, sample_page) -> None:
    disguised = tmp_path / "scan.pdf"
    disguised.write_bytes(sample_page.read_bytes())
    assert inspect_file(disguised).media_type == "image/png"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "file.pdf_damaged"),
        (b"hello, not a scan", "file.unsupported"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "file.image_damaged"),
    ],
)
def test_broken_files_are_refused_with_a_clear_code(tmp_path, content: bytes, code: str) -> None:
    path = tmp_path / "broken"
    path.write_bytes(content)
    with pytest.raises(BadInput) as caught:
        inspect_file(path)
    assert caught.value.code == code
    assert "broken" in caught.value.user_message()


def test_truncated_scan_is_refused(tmp_path, sample_page) -> None:
    path = tmp_path / "half.png"
    path.write_bytes(sample_page.read_bytes()[:20_000])
    with pytest.raises(BadInput) as caught:
        inspect_file(path)
    assert caught.value.code == "file.image_damaged"


def test_password_protected_pdf_is_refused(tmp_path) -> None:
    with pytest.raises(BadInput) as caught:
        inspect_file(make_pdf(tmp_path / "locked.pdf", password="secret"))
    assert caught.value.code == "file.pdf_encrypted"


def test_missing_file_is_bad_input(tmp_path) -> None:
    with pytest.raises(BadInput) as caught:
        inspect_file(tmp_path / "nowhere.png")
    assert caught.value.code == "file.not_found"


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size; the pixels it would need are never there."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [20_000, 40_000])
def test_image_bomb_is_refused_before_its_pixels_are_decoded(tmp_path, side: int) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_claiming(side, side))
    with pytest.raises(BadInput) as caught:
        inspect_file(path)
    assert caught.value.code == "file.image_too_large"
