"""Synthetic result forms: the blank forms the shipped templates are drawn from, and filled copies.

Nothing here is an official form. Each blank form is an A4 page at 300 dpi made
with Pillow and the Liberation Serif font (Debian fonts-liberation2): a
patterned border, a heading, a title, printed labels with dotted lines and a
few boxes, so that feature matching has many distinct corners to hold on to.
The word "MẪU MINH HOẠ" (illustrative sample) is printed on each.

``resources/result-forms/generate.py`` calls :func:`write_template` to make the
shipped templates; tests and the benchmark call :func:`fill` and
:func:`distort` to make scans of filled forms.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

DPI = 300
WIDTH, HEIGHT = 2480, 3508
SERIF = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
SERIF_BOLD = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf")
FILL_FONT = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")


@dataclass(frozen=True)
class Line:
    """A printed label followed by a value zone (a field) on one text line."""

    label: str
    name: str
    type: str
    width: int = 1500
    dossier: str = ""
    """What of the dossier the value must equal (``applicant.name``, ``result.issued_at`` …)."""


@dataclass(frozen=True)
class FormDesign:
    """What one synthetic blank form prints, top to bottom."""

    name: str
    title: str
    subtitle: str
    serial_label: str
    serial_name: str
    serial_type: str
    lines: tuple[Line, ...]


DESIGNS: tuple[FormDesign, ...] = (
    FormDesign(
        name="birth-extract",
        title="TRÍCH LỤC KHAI SINH",
        subtitle="(Bản sao)",
        serial_label="Số:",
        serial_name="serial",
        serial_type="serial",
        lines=(
            Line("Quyển số:", "book_number", "digits", 500),
            Line("Họ, chữ đệm, tên:", "full_name", "text", 1500, "applicant.name"),
            Line("Ngày, tháng, năm sinh:", "birth_date", "date", 700),
            Line("Họ, chữ đệm, tên người mẹ:", "mother_name", "text", 1300),
            Line("Họ, chữ đệm, tên người cha:", "father_name", "text", 1300),
            Line("Ngày đăng ký:", "registered_on", "date", 700, "result.issued_at"),
        ),
    ),
    FormDesign(
        name="certified-copy",
        title="CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH",
        subtitle="(Lời chứng của người thực hiện chứng thực)",
        serial_label="Số chứng thực:",
        serial_name="certification_number",
        serial_type="digits",
        lines=(
            Line("Quyển số:", "book", "serial", 700),
            Line("Người yêu cầu chứng thực:", "requester_name", "text", 1300, "applicant.name"),
            Line("Số bản sao:", "copy_count", "digits", 300),
            Line("Ngày chứng thực:", "certified_on", "date", 700, "result.issued_at"),
        ),
    ),
    FormDesign(
        name="household-business",
        title="GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",
        subtitle="Đăng ký lần đầu",
        serial_label="Mã số hộ kinh doanh:",
        serial_name="registration_number",
        serial_type="serial",
        lines=(
            Line("Tên hộ kinh doanh:", "business_name", "text", 1400),
            Line("Họ và tên chủ hộ:", "owner_name", "text", 1400, "applicant.name"),
            Line("Ngày sinh:", "owner_birth_date", "date", 700),
            Line("Số định danh cá nhân:", "owner_id_number", "digits", 900, "applicant.id_number"),
            Line("Ngày đăng ký:", "registered_on", "date", 700, "result.issued_at"),
        ),
    ),
)

FIRST_LINE_Y = 1300
LINE_STEP = 190
ZONE_HEIGHT = 110
LABEL_X = 260


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, font: ImageFont.FreeTypeFont) -> None:
    left, _, right, _ = draw.textbbox((0, 0), text, font=font)
    draw.text(((WIDTH - (right - left)) // 2, y), text, font=font, fill=0)


def _border(draw: ImageDraw.ImageDraw, step: int) -> None:
    """A double frame with a row of marks; ``step`` differs per form to tell borders apart."""
    draw.rectangle((90, 90, WIDTH - 90, HEIGHT - 90), outline=0, width=10)
    draw.rectangle((130, 130, WIDTH - 130, HEIGHT - 130), outline=0, width=3)
    for x in range(170, WIDTH - 170, step):  # a row of alternating diamonds and dots
        for y in (110, HEIGHT - 110):
            if (x // step) % 2:
                draw.polygon([(x, y - 12), (x + 12, y), (x, y + 12), (x - 12, y)], fill=0)
            else:
                draw.ellipse((x - 6, y - 6, x + 6, y + 6), fill=0)
    for y in range(170, HEIGHT - 170, step):
        for x in (110, WIDTH - 110):
            if (y // step) % 3 == 0:
                draw.rectangle((x - 9, y - 9, x + 9, y + 9), fill=0)
            else:
                draw.ellipse((x - 6, y - 6, x + 6, y + 6), fill=0)


def _serial_label_x(label_width: int) -> int:
    """Where the serial's label starts: far enough left to leave its value 650 px or more."""
    return min(1500, 1620 - label_width)


PATTERNS = {
    "serial": r"^\d{2}[A-Z]{2}\d{6}$",
    "book": r"^\d{2}[A-Z]{2}\d{6}$",
    "registration_number": r"^\d{2}[A-Z]{2}\d{6}$",
    "owner_id_number": r"^\d{12}$",
    "copy_count": r"^[1-9]\d?$",
}
"""The value formats the synthetic templates declare: the serials :func:`sample_value` prints
(illustrative), the twelve digits of a personal identification number, a count of copies."""


def layout(design: FormDesign) -> list[dict[str, object]]:
    """The template's fields for ``design``: label, type and value box in page pixels."""
    label_font = _font(SERIF, 50)
    scratch = ImageDraw.Draw(Image.new("1", (10, 10)))
    fields: list[dict[str, object]] = []
    label_width = int(scratch.textlength(design.serial_label, font=label_font))
    serial_x = _serial_label_x(label_width) + label_width + 30
    fields.append(
        {
            "name": design.serial_name,
            "label": design.serial_label.rstrip(":"),
            "box": [serial_x, 1040, 2300 - serial_x, ZONE_HEIGHT],
            "type": design.serial_type,
        }
    )
    for index, line in enumerate(design.lines):
        y = FIRST_LINE_Y + index * LINE_STEP
        x = LABEL_X + int(scratch.textlength(line.label, font=label_font)) + 30
        width = min(line.width, WIDTH - 200 - x)
        entry: dict[str, object] = {
            "name": line.name,
            "label": line.label.rstrip(":"),
            "box": [x, y - 25, width, ZONE_HEIGHT],
            "type": line.type,
        }
        if line.dossier:
            entry["dossier"] = line.dossier
        fields.append(entry)
    for entry in fields:
        if entry["name"] in PATTERNS:
            entry["pattern"] = PATTERNS[str(entry["name"])]
    return fields


def blank(design: FormDesign) -> Image.Image:
    """The blank form of ``design`` as a 1-bit A4 page at 300 dpi."""
    page = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(page)
    _border(draw, 80 + 16 * DESIGNS.index(design))
    head = _font(SERIF_BOLD, 46)
    small = _font(SERIF, 44)
    draw.text((260, 260), "ỦY BAN NHÂN DÂN", font=head, fill=0)
    draw.text((260, 320), "XÃ MINH HOẠ", font=head, fill=0)
    draw.line((300, 390, 640, 390), fill=0, width=3)
    draw.text((1300, 260), "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=head, fill=0)
    draw.text((1500, 320), "Độc lập - Tự do - Hạnh phúc", font=head, fill=0)
    draw.line((1520, 390, 2100, 390), fill=0, width=3)
    # an emblem-like mark: a ringed circle with a star
    cx, cy = WIDTH // 2, 600
    draw.ellipse((cx - 120, cy - 120, cx + 120, cy + 120), outline=0, width=8)
    draw.ellipse((cx - 90, cy - 90, cx + 90, cy + 90), outline=0, width=3)
    star = [
        (
            cx + (80 if k % 2 == 0 else 32) * np.sin(k * np.pi / 5),
            cy - (80 if k % 2 == 0 else 32) * np.cos(k * np.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=0)
    _centred(draw, 800, design.title, _font(SERIF_BOLD, 84))
    _centred(draw, 920, design.subtitle, _font(SERIF, 50))
    label_font = _font(SERIF, 50)
    label_width = int(draw.textlength(design.serial_label, font=label_font))
    draw.text((_serial_label_x(label_width), 1060), design.serial_label, font=label_font, fill=0)
    draw.rectangle((260, 1030, 1100, 1170), outline=0, width=4)
    draw.text((290, 1070), "MẪU MINH HOẠ - KHÔNG CÓ GIÁ TRỊ", font=small, fill=0)
    for index, line in enumerate(design.lines):
        y = FIRST_LINE_Y + index * LINE_STEP
        draw.text((LABEL_X, y), line.label, font=label_font, fill=0)
        for x in range(LABEL_X + 10, WIDTH - 260, 24):
            draw.ellipse((x, y + 95, x + 5, y + 100), fill=0)
    bottom = FIRST_LINE_Y + len(design.lines) * LINE_STEP + 150
    draw.text((1450, bottom), "NGƯỜI KÝ", font=head, fill=0)
    draw.text((1380, bottom + 60), "(Ký, ghi rõ họ tên, đóng dấu)", font=small, fill=0)
    draw.rectangle((260, bottom, 900, bottom + 500), outline=0, width=4)
    for k in range(5):
        draw.line((300, bottom + 80 + k * 90, 860, bottom + 80 + k * 90), fill=0, width=2)
    draw.text((300, bottom + 10), "Ghi chú", font=small, fill=0)
    _centred(draw, HEIGHT - 300, "Mẫu tổng hợp dùng để thử nghiệm", small)
    return page.point(lambda v: 255 if v > 127 else 0, mode="1")


def write_template(design: FormDesign, folder: Path) -> Path:
    """Write ``design``'s reference image and ``template.json`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    blank(design).save(folder / "blank.png", optimize=True, dpi=(DPI, DPI))
    template = {
        "name": design.name,
        "title": design.title,
        "reference_image": "blank.png",
        "dpi": DPI,
        "synthetic": True,
        "fields": layout(design),
    }
    path = folder / "template.json"
    path.write_text(json.dumps(template, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi")
MIDDLES = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quốc", "Thu", "Gia")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nga")
GIVEN += ("Phúc", "Quang", "Sơn", "Thảo", "Trang", "Tuấn", "Việt", "Xuân", "Yến", "Đạt")
SHOPS = ("Tạp hoá", "Cửa hàng", "Quán ăn", "Tiệm may", "Tiệm sửa xe", "Nhà thuốc")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"


def sample_value(kind: str, name: str, rng: random.Random) -> str:
    """A plausible value of a field of type ``kind`` (as printed on the form)."""
    if kind == "digits":
        length = 12 if "id" in name else 1 if "count" in name else 4
        first = str(rng.randint(1, 9))
        return first + "".join(str(rng.randint(0, 9)) for _ in range(length - 1))
    if kind == "serial":
        letters = "".join(rng.choice("ABCDEHKMNPT") for _ in range(2))
        return f"{rng.randint(10, 99)}{letters}{rng.randint(100000, 999999)}"
    if kind == "date":
        return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1950, 2026)}"
    if "business" in name:
        return f"{rng.choice(SHOPS)} {rng.choice(GIVEN)} {rng.choice(GIVEN)}"
    return _name(rng)


def fill(
    reference: Image.Image, fields: list[dict[str, object]], values: dict[str, str]
) -> np.ndarray:
    """A printed filled form: ``values`` written into the fields' zones; grey page (uint8)."""
    page = reference.convert("L")
    draw = ImageDraw.Draw(page)
    font = _font(FILL_FONT, 52)
    for field in fields:
        value = values.get(str(field["name"]))
        if not value:
            continue
        x, y, _, _ = field["box"]  # type: ignore[misc]
        draw.text((int(x) + 20, int(y) + 15), value, font=font, fill=20)
    return np.asarray(page, dtype=np.uint8).copy()


def distort(
    page: np.ndarray,
    rng: random.Random,
    *,
    angle: float | None = None,
    shift: tuple[int, int] | None = None,
    scale: float | None = None,
    perspective: float = 0.0,
    noise: float = 6.0,
    upside_down: bool = False,
) -> np.ndarray:
    """A scan of ``page``: rotated, shifted, scaled, slightly in perspective, with noise."""
    height, width = page.shape[:2]
    angle = rng.uniform(-4, 4) if angle is None else angle
    shift = (rng.randint(-60, 60), rng.randint(-60, 60)) if shift is None else shift
    scale = rng.uniform(0.85, 1.1) if scale is None else scale
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scale)
    matrix[:, 2] += shift
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    moved = cv2.transform(corners[None], matrix)[0]
    if perspective:
        moved = moved + np.float32(
            [[rng.uniform(-1, 1) * perspective * width for _ in range(2)] for _ in range(4)]
        )
    homography = cv2.getPerspectiveTransform(corners, moved.astype(np.float32))
    out = cv2.warpPerspective(
        page, homography, (width, height), flags=cv2.INTER_LINEAR, borderValue=255
    )
    if noise:
        grain = np.random.default_rng(rng.randint(0, 2**31)).normal(0, noise, out.shape)
        out = np.clip(out.astype(np.float32) + grain, 0, 255).astype(np.uint8)
    if upside_down:
        out = cv2.rotate(out, cv2.ROTATE_180)
    return out
