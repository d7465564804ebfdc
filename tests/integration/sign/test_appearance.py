"""Decree 30/2020 appearances, rasterised with poppler and looked at."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from workstation.sign import appearance
from workstation.sign.pades import Appearance, KeyChoice, TokenSigner

from .conftest import SoftHsmToken

DPI = 300
AGENCY = "Sở Tư pháp tỉnh Thừa Thiên Huế"


def rasterise(pdf: Path, page: int = 1) -> Image.Image:
    prefix = pdf.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(DPI),
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    return Image.open(prefix.with_suffix(".png")).convert("RGB")


def pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def ink_rows(img: Image.Image, threshold: int = 128) -> list[tuple[int, int]]:
    """Bands of rows holding dark pixels: one band per text line."""
    grey = img.convert("L")
    w, h = grey.size
    px = grey.load()
    dark = [any(px[x, y] < threshold for x in range(w)) for y in range(h)]
    bands, start = [], None
    for y, d in enumerate([*dark, False]):
        if d and start is None:
            start = y
        elif not d and start is not None:
            bands.append((start, y))
            start = None
    return bands


def ink_width(img: Image.Image, threshold: int = 128) -> int:
    box = img.convert("L").point(lambda v: 255 if v < threshold else 0).getbbox()
    assert box is not None
    return box[2] - box[0]


def test_liberation_serif_has_every_vietnamese_letter() -> None:
    from fontTools.ttLib import TTFont

    rules = appearance.load_rules()
    cmap = TTFont(str(appearance.font_file(rules))).getBestCmap()
    missing = [c for c in appearance.REPERTOIRE if ord(c) not in cmap]
    assert missing == []


def test_stamp_font_is_rescaled_to_1000_units_per_em() -> None:
    import io

    from fontTools.ttLib import TTFont

    font = appearance.stamp_font(appearance.font_file(appearance.load_rules()))
    assert TTFont(io.BytesIO(font))["head"].unitsPerEm == 1000


def test_copy_time_is_iso_8601_with_vietnam_offset() -> None:
    moment = dt.datetime(2026, 3, 5, 2, 32, 10, 123, tzinfo=dt.UTC)
    assert appearance.iso_time(moment) == "2026-03-05T09:32:10+07:00"


@pytest.fixture(scope="module")
def copy_signed(token: SoftHsmToken, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .conftest import one_page_pdf

    folder = tmp_path_factory.mktemp("copy")
    source = one_page_pdf(folder / "scan.pdf")
    look = Appearance("copy", copy_form="SAO Y", agency=AGENCY)
    with TokenSigner(KeyChoice(token.module, token.label, key_label="signer"), token.pin) as s:
        s.sign(source, folder / "copy.pdf", look)
    return folder / "copy.pdf"


def test_copy_stamp_is_valid_and_sits_at_the_top_right_of_page_one(copy_signed: Path) -> None:
    assert "Signature is Valid" in pdfsig(copy_signed)
    page = rasterise(copy_signed)
    w, h = page.size
    box = page.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    assert box is not None
    left, _top, right, bottom = box
    assert left > w / 2 and bottom < h / 6  # top right only
    assert w - right < 40 / 72 * DPI  # near the right margin


def test_copy_stamp_letters_are_spaced_like_the_font_itself(copy_signed: Path) -> None:
    """Rendered width of the agency line equals Pillow's rendering of the same string
    in the same font at 10 pt (a stretched-width font doubles it)."""
    page = rasterise(copy_signed)
    w, h = page.size
    top_right = page.crop((w // 2, 0, w, h // 6))
    bands = ink_rows(top_right)
    assert len(bands) == 3  # form, agency, time
    band = bands[1]
    line = top_right.crop((0, max(0, band[0] - 5), top_right.width, band[1] + 5))
    font = ImageFont.truetype(
        str(appearance.font_file(appearance.load_rules())), round(10 * DPI / 72)
    )
    reference = Image.new("L", (4000, 200), 255)
    ImageDraw.Draw(reference).text((10, 10), AGENCY, font=font, fill=0)
    ours, theirs = ink_width(line), ink_width(reference)
    assert abs(ours - theirs) / theirs < 0.05, (ours, theirs)


def test_copy_stamp_text_is_readable_vietnamese(copy_signed: Path) -> None:
    page = rasterise(copy_signed)
    w, h = page.size
    crop = page.crop((w // 2, 0, w, h // 6))
    crop_file = copy_signed.with_name("crop.png")
    crop.save(crop_file)
    text = subprocess.run(
        ["tesseract", str(crop_file), "-", "-l", "vie", "--psm", "6"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0].replace(" ", "") == "SAOY"  # Tesseract may drop the kerned space
    assert lines[1] == AGENCY
    assert lines[2].endswith("+07:00")


def seal_png(path: Path) -> Path:
    img = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((10, 10, 390, 390), outline=(220, 0, 0, 255), width=40)
    img.save(path)
    return path


def signature_png(path: Path) -> Path:
    img = Image.new("RGBA", (600, 300), (0, 0, 0, 0))
    ImageDraw.Draw(img).line(
        [(20, 250), (200, 40), (380, 260), (580, 60)], fill=(0, 0, 200, 255), width=18
    )
    img.save(path)
    return path


def test_signer_then_agency_seal_overlaps_the_left_third_of_the_signature(
    token: SoftHsmToken, tmp_path: Path
) -> None:
    from .conftest import one_page_pdf

    source = one_page_pdf(tmp_path / "result.pdf")
    leader = Appearance(
        "signer",
        title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        name="Nguyễn Văn Ký",
        image=signature_png(tmp_path / "sig.png"),
    )
    seal = Appearance("agency", seal=seal_png(tmp_path / "seal.png"))
    with TokenSigner(KeyChoice(token.module, token.label, key_label="signer"), token.pin) as s:
        s.sign(source, tmp_path / "signed.pdf", leader)
        s.sign(tmp_path / "signed.pdf", tmp_path / "sealed.pdf", seal)
    assert (tmp_path / "sealed.pdf").read_bytes().startswith((tmp_path / "signed.pdf").read_bytes())
    assert pdfsig(tmp_path / "sealed.pdf").count("Signature is Valid") == 2

    page = rasterise(tmp_path / "sealed.pdf")
    rules = appearance.load_rules()
    x1, y1, x2, y2 = appearance.signer_image_box(appearance.signer_box((595, 842), rules), rules)
    scale = DPI / 72
    h = page.height

    def count(colour, box):  # type: ignore[no-untyped-def]
        px = page.load()
        bx1, by1, bx2, by2 = (round(v * scale) for v in box)
        return sum(
            1 for x in range(bx1, bx2, 2) for y in range(h - by2, h - by1, 2) if colour(*px[x, y])
        )

    red = lambda r, g, b: r > 150 and g < 80 and b < 80  # noqa: E731
    blue = lambda r, g, b: b > 120 and r < 80  # noqa: E731
    third = (x2 - x1) / 3
    assert count(blue, (x1, y1, x2, y2)) > 50  # the signature image is there
    assert count(red, (x1, y1, x1 + third, y2)) > 50  # the seal covers the left third
    assert count(red, (x1 + 2 * third, y1, x2, y2)) == 0  # and not the right third


def test_signer_without_image_shows_title_and_name_as_text(
    token: SoftHsmToken, tmp_path: Path
) -> None:
    from .conftest import one_page_pdf

    source = one_page_pdf(tmp_path / "result.pdf")
    look = Appearance("signer", title="CHỦ TỊCH", name="Trần Thị Bích Ngọc")
    with TokenSigner(KeyChoice(token.module, token.label, key_label="signer"), token.pin) as s:
        signed = s.sign(source, tmp_path / "signed.pdf", look)
    assert signed.field_name == "Signer1"
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "signed.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "CHỦ TỊCH" in text and "Trần Thị Bích Ngọc" in text


def test_agency_seal_on_an_unsigned_file_is_refused(token: SoftHsmToken, tmp_path: Path) -> None:
    from workstation.errors import BadInput

    from .conftest import one_page_pdf

    source = one_page_pdf(tmp_path / "result.pdf")
    look = Appearance("agency", seal=seal_png(tmp_path / "seal.png"))
    with (
        TokenSigner(KeyChoice(token.module, token.label, key_label="signer"), token.pin) as s,
        pytest.raises(BadInput) as caught,
    ):
        s.sign(source, tmp_path / "sealed.pdf", look)
    assert caught.value.code == "sign.no_signer_signature"


def test_appearance_rules_before_decree_30_took_effect_are_refused() -> None:
    from workstation.errors import BadInput

    with pytest.raises(BadInput) as caught:
        appearance.load_rules(dt.date(2019, 12, 31))
    assert caught.value.code == "sign.no_appearance_rules"
    assert appearance.load_rules(dt.date(2026, 1, 1))["effective_from"] == "2020-03-05"


def test_signer_appearance_without_a_name_is_refused_before_signing() -> None:
    from workstation.errors import BadInput

    with pytest.raises(BadInput) as caught:
        Appearance("signer", title="CHỦ TỊCH")
    assert caught.value.code == "sign.signer_text_missing"
