"""Reading a chip ID card's QR code from scanned and photographed images (real zxing-cpp)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter

from tests.unit.test_cccd import LUONG, NHAT
from workstation.cli import main
from workstation.errors import BadInput
from workstation.scan.barcodes import read_qr_codes

pytestmark = pytest.mark.integration


def qr_image(payload: str, scale: int = 4) -> Image.Image:
    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode)
    return Image.fromarray(np.asarray(barcode.to_image(scale=scale))).convert("L")


def card_scan(
    payload: str, *, angle: float = 0.0, noise: float = 0.0, seed: int = 7
) -> Image.Image:
    """A card on a grey A4-ish page at 150 dpi: text lines, the QR top right, then rotated."""
    page = Image.new("L", (1240, 1754), 235)
    draw = ImageDraw.Draw(page)
    draw.rectangle((200, 300, 1010, 810), fill=250, outline=60, width=3)
    for y in range(420, 780, 40):
        draw.line((230, y, 700, y), fill=40, width=6)
    page.paste(qr_image(payload, scale=3), (760, 330))
    if angle:
        page = page.rotate(angle, expand=True, fillcolor=235, resample=Image.BICUBIC)
    if noise:
        rng = np.random.default_rng(seed)
        pixels = np.asarray(page, dtype=np.float32) + rng.normal(
            0, noise, (page.height, page.width)
        )
        page = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return page.filter(ImageFilter.GaussianBlur(0.6))


def test_payload_from_a_straight_scan_is_read_exactly(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    card_scan(LUONG).save(path)
    assert read_qr_codes(path) == [LUONG]


@pytest.mark.parametrize("angle", [7.5, -23.0, 90.0, 180.0, 243.0])
def test_rotated_noisy_photographs_are_read(tmp_path: Path, angle: float) -> None:
    path = tmp_path / "photo.jpg"
    card_scan(NHAT, angle=angle, noise=18.0, seed=abs(int(angle))).convert("RGB").save(
        path, quality=70
    )
    assert read_qr_codes(path) == [NHAT]


def phone_photo(
    payload: str, *, module: float, blur: float, noise: float, seed: int
) -> Image.Image:
    """A QR code photographed from afar in dim light: modules of ``module`` px, out of
    focus, ink and paper 110 grey levels apart, sensor noise, JPEG at quality 60."""
    qr = qr_image(payload, scale=8)
    size = round(qr.width * module / 8)
    page = Image.new("L", (900, 700), 255)
    page.paste(qr.resize((size, size), Image.LANCZOS), (450, 150))
    page = page.rotate(8.0, resample=Image.BICUBIC, fillcolor=255)
    pixels = 70 + np.asarray(page, np.float32) / 255 * 110
    blurred = Image.fromarray(pixels.astype(np.uint8)).filter(ImageFilter.GaussianBlur(blur))
    pixels = np.asarray(blurred, np.float32)
    pixels += np.random.default_rng(seed).normal(0, noise, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


@pytest.mark.parametrize(
    ("module", "blur", "noise", "seed"),
    [(2.6, 1.0, 10.0, 0), (2.9, 1.0, 10.0, 1), (3.2, 1.2, 8.0, 0)],
)
def test_a_small_noisy_code_in_a_phone_photo_is_read(
    tmp_path: Path, module: float, blur: float, noise: float, seed: int
) -> None:
    path = tmp_path / "photo.jpg"
    phone_photo(LUONG, module=module, blur=blur, noise=noise, seed=seed).save(path, quality=60)
    assert read_qr_codes(path) == [LUONG]


def test_cccd_command_reads_a_card_from_an_image(tmp_path: Path, capsys) -> None:
    path = tmp_path / "the thẻ.jpg"
    card_scan(LUONG, angle=11.0, noise=10.0).convert("RGB").save(path, quality=80)
    code = main(["cccd", str(path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["full_name"] == "Lê Văn Lương"
    assert out["date_of_birth"] == "2002-05-23"
    assert out["issue_date"] == "2021-12-31"


def test_a_qr_code_that_is_not_a_card_beside_the_card_is_skipped(tmp_path: Path, capsys) -> None:
    page = card_scan(NHAT)
    page.paste(qr_image("https://dichvucong.gov.vn/", scale=3), (100, 1100))
    path = tmp_path / "two.png"
    page.save(path)
    assert len(read_qr_codes(path)) == 2
    assert main(["cccd", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id_number"] == "049202000284"


def test_image_without_a_qr_code_exits_3(tmp_path: Path, capsys) -> None:
    path = tmp_path / "blank.png"
    card_scan(LUONG).crop((0, 900, 1240, 1754)).save(path)
    code = main(["cccd", str(path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 3
    assert out["error"]["code"] == "cccd.no_qr_code"


def test_a_qr_code_that_is_not_a_card_exits_3(tmp_path: Path, capsys) -> None:
    path = tmp_path / "other.png"
    qr_image("https://dichvucong.gov.vn/").save(path)
    assert main(["cccd", str(path)]) == 3
    assert "7 fields" in capsys.readouterr().err


def test_a_file_that_is_no_image_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + bytes(random.Random(1).randrange(256) for _ in range(500))
    )
    with pytest.raises(BadInput) as caught:
        read_qr_codes(path)
    assert caught.value.code == "scan.image_unreadable"
    with pytest.raises(BadInput) as caught:
        read_qr_codes(tmp_path)
    assert caught.value.code == "scan.image_unreadable"


def test_an_image_claiming_too_many_pixels_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    Image.new("1", (10000, 9000)).save(path)  # 90 megapixels in a few kilobytes
    with pytest.raises(BadInput) as caught:
        read_qr_codes(path)
    assert caught.value.code == "scan.image_too_large"


def test_a_scanned_pdf_of_the_card_is_read(tmp_path: Path, capsys) -> None:
    path = tmp_path / "scan.pdf"
    back = Image.new("L", (1240, 1754), 240)
    card_scan(LUONG, angle=3.0, noise=8.0).convert("RGB").save(
        path, "PDF", resolution=150.0, save_all=True, append_images=[back.convert("RGB")]
    )
    assert main(["cccd", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id_number"] == "089202017098"


def test_a_damaged_pdf_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(300))
    with pytest.raises(BadInput) as caught:
        read_qr_codes(path)
    assert caught.value.code == "preview.unreadable"
