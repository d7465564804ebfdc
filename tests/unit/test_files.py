"""Files brought to the counter are checked before anything is stored."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from tests.page_samples import deep_page_tree_pdf
from workstation.errors import BadInput
from workstation.intake.files import HEAVY_PIXELS, MAX_PAGES, inspect_file, inspect_files
from workstation.workers import process_pool


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


# Hostile and special files ----------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.timeout(20)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path) -> None:
    fifo = tmp_path / "scan.png"
    os.mkfifo(fifo)
    with pytest.raises(BadInput) as caught:
        inspect_file(fifo)
    assert caught.value.code == "file.not_regular"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.timeout(20)
@pytest.mark.parametrize("through_a_link", [False, True])
def test_an_endless_device_is_refused_unread(tmp_path, through_a_link) -> None:
    path = Path("/dev/zero")
    if through_a_link:
        path = tmp_path / "scan.pdf"
        path.symlink_to("/dev/zero")
    with pytest.raises(BadInput) as caught:
        inspect_file(path)
    assert caught.value.code == "file.not_regular"


def test_a_folder_is_refused(tmp_path) -> None:
    with pytest.raises(BadInput) as caught:
        inspect_file(tmp_path)
    assert caught.value.code == "file.not_regular"


def test_a_pdf_5000_levels_deep_is_a_damaged_pdf(tmp_path) -> None:
    path = tmp_path / "deep.pdf"
    path.write_bytes(deep_page_tree_pdf(5000))
    with pytest.raises(BadInput) as caught:
        inspect_file(path)
    assert caught.value.code == "file.pdf_damaged"
    with process_pool(1) as pool, pytest.raises(BadInput) as caught:
        inspect_file(path, executor=pool)  # the same answer from the process pool
    assert caught.value.code == "file.pdf_damaged"


def test_a_shallow_page_tree_is_fine(tmp_path) -> None:
    path = tmp_path / "nested.pdf"
    path.write_bytes(deep_page_tree_pdf(10))
    assert len(inspect_file(path).pages) == 1


def test_the_command_line_exits_3_on_a_pdf_5000_levels_deep(tmp_path, add_by_command) -> None:
    path = tmp_path / "deep.pdf"
    path.write_bytes(deep_page_tree_pdf(5000))
    assert add_by_command("Nguyễn Văn An", file=path) == 3


MARKER = b"SECRET-CONTENT-0791"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages " + MARKER + b" >> endobj\ntrailer " + MARKER,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + MARKER * 4,
        b"II*\x00" + MARKER * 10,
        MARKER * 10,
    ],
)
def test_a_refusal_never_quotes_the_file_s_bytes(tmp_path, content) -> None:
    path = tmp_path / "broken"
    path.write_bytes(content)
    with pytest.raises(BadInput) as caught:
        inspect_file(path)
    said = " ".join([str(caught.value), caught.value.user_message(), repr(caught.value.params)])
    assert MARKER.decode() not in said


def test_a_file_of_more_pages_than_the_limit_is_refused(tmp_path) -> None:
    frames = [Image.new("1", (8, 8), 1) for _ in range(MAX_PAGES + 1)]
    path = tmp_path / "many.tif"
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(BadInput) as caught:
        inspect_file(path)
    assert caught.value.code == "file.too_many_pages"
    assert str(MAX_PAGES) in caught.value.user_message()


def test_a_file_changed_after_its_check_is_not_taken_as_checked(tmp_path, sample_page) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(sample_page.read_bytes())
    inspected = inspect_file(path)
    path.write_bytes(sample_page.read_bytes() + b"more")
    with pytest.raises(BadInput) as caught:
        inspected.open()
    assert caught.value.code == "file.changed"


def test_checks_in_the_process_pool_give_the_same_pages(tmp_path, sample_page) -> None:
    pdf = make_pdf(tmp_path / "ho-so.pdf", pages=3)
    here = [inspect_file(sample_page), inspect_file(pdf)]
    with process_pool(2) as pool:
        there = [inspect_file(sample_page, pool), inspect_file(pdf, pool)]
    assert [(f.media_type, f.pages) for f in there] == [(f.media_type, f.pages) for f in here]


def test_a_long_scan_is_checked_in_the_pool_with_the_short_ones_in_order(
    tmp_path, sample_page
) -> None:
    long_scan = tmp_path / "dai.tif"
    frames = [Image.new("1", (2480, 3508), 1) for _ in range(6)]  # six A4 pages at 300 dpi
    frames[0].save(long_scan, "TIFF", compression="group4", save_all=True, append_images=frames[1:])
    assert HEAVY_PIXELS < 6 * 2480 * 3508
    calls = []
    inspected = inspect_files([sample_page, long_scan], lambda *a: calls.append(a))
    assert [len(f.pages) for f in inspected] == [1, 6]
    assert calls == [(0, 2), (1, 2), (2, 2)]


def test_a_damaged_long_scan_is_refused_from_the_pool(tmp_path) -> None:
    long_scan = tmp_path / "dai.tif"
    frames = [Image.new("L", (2480, 3508), 255) for _ in range(5)]
    frames[0].save(long_scan, "TIFF", save_all=True, append_images=frames[1:])
    data = long_scan.read_bytes()
    long_scan.write_bytes(data[: len(data) - 4_000_000])  # the last pages' pixels cut off
    with pytest.raises(BadInput) as caught:
        inspect_files([long_scan])
    assert caught.value.code == "file.image_damaged"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.timeout(30)
def test_the_command_line_exits_3_on_a_fifo_instead_of_hanging(tmp_path, add_by_command) -> None:
    fifo = tmp_path / "scan.png"
    os.mkfifo(fifo)
    assert add_by_command("Nguyễn Văn An", file=fifo) == 3
