"""Generated specimen pages of Vietnamese text whose words are known.

A scanned page is hostile and unknowable; a generated one states its ground
truth. The clean-up tests, the benchmark and the demo feeder draw their pages
here: A4 (or smaller) text in Noto Serif, optionally skewed, noisy, blurred,
too dark or too light, cut off at an edge, laid on a dark scanner lid, or
carrying a red seal (con dấu), a blue or black pen signature (chữ ký),
handwritten notes or a photo.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FONT_FOLDERS = (Path("/usr/share/fonts/truetype/noto"), Path("C:/Windows/Fonts"))
FONT_FILES = ("NotoSerif-Regular.ttf", "NotoSans-Regular.ttf", "times.ttf", "arial.ttf")

SENTENCES = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Giấy đề nghị đăng ký hộ kinh doanh",
    "Kính gửi: Phòng Tài chính - Kế hoạch huyện Đông Anh",
    "Tôi là Nguyễn Thị Hồng Nhung, sinh ngày 12 tháng 3 năm 1985",
    "Nơi cư trú: số 18 đường Lê Duẩn, phường Bến Nghé, quận 1",
    "Đăng ký hộ kinh doanh do tôi là chủ hộ với các nội dung sau",
    "Tên hộ kinh doanh: cửa hàng tạp hóa Thuận Phát",
    "Địa điểm kinh doanh: thôn Đoài, xã Uy Nỗ, huyện Đông Anh",
    "Ngành, nghề kinh doanh: bán lẻ lương thực, thực phẩm, đồ uống",
    "Vốn kinh doanh: một trăm năm mươi triệu đồng",
    "Số lượng lao động dự kiến: ba người",
    "Tôi cam kết bản thân không thuộc diện bị cấm kinh doanh",
    "Chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác",
    "Ủy ban nhân dân xã tiếp nhận hồ sơ và trả kết quả đúng hẹn",
    "Thành phần hồ sơ gồm bản sao giấy tờ pháp lý của cá nhân",
    "Thời hạn giải quyết: ba ngày làm việc kể từ ngày nhận đủ hồ sơ",
    "Lệ phí: một trăm nghìn đồng nộp tại bộ phận một cửa",
    "Người nộp hồ sơ ký, ghi rõ họ tên và đóng dấu nếu có",
    "Quyết định này có hiệu lực kể từ ngày ký ban hành",
    "Trưởng phòng Tư pháp, công chức địa chính và văn phòng",
    "Những người có liên quan chịu trách nhiệm thi hành quyết định",
    "Đề nghị cơ quan có thẩm quyền xem xét, giải quyết",
    "Hướng dẫn bổ sung, hoàn thiện hồ sơ theo quy định hiện hành",
)

A4_MM = (210.0, 297.0)


@dataclass
class Specimen:
    """One generated page: RGB pixels, its resolution and the text it carries."""

    image: np.ndarray
    dpi: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def font_path() -> Path:
    """A font with Vietnamese glyphs (Noto from Debian's fonts-noto-core)."""
    for folder in FONT_FOLDERS:
        for name in FONT_FILES:
            if (folder / name).is_file():
                return folder / name
    raise FileNotFoundError("no font with Vietnamese glyphs (install fonts-noto-core)")


def text_page(
    seed: int = 0,
    *,
    dpi: int = 300,
    size_mm: tuple[float, float] = A4_MM,
    lines: int = 30,
    point_size: float = 12.0,
    margin_mm: float = 20.0,
    first_line: int = 0,
) -> Specimen:
    """A white page of ``lines`` Vietnamese lines in black, ``point_size`` points high."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    width = round(size_mm[0] / 25.4 * dpi)
    height = round(size_mm[1] / 25.4 * dpi)
    page = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(font_path()), round(point_size / 72 * dpi))
    margin = round(margin_mm / 25.4 * dpi)
    step = round(point_size * 1.9 / 72 * dpi)
    written: list[str] = []
    y = margin
    for number in range(lines):
        if y + step > height - margin:
            break
        if number == 0 and first_line:
            sentence = SENTENCES[first_line % len(SENTENCES)]
        else:
            sentence = SENTENCES[rng.randrange(len(SENTENCES))]
        while draw.textlength(sentence, font=font) > width - 2 * margin:
            sentence = sentence.rsplit(" ", 1)[0]
        draw.text((margin, y), sentence, fill=(20, 20, 20), font=font)
        written.append(sentence)
        y += step
    return Specimen(np.asarray(page).copy(), dpi, written)


def add_seal(page: Specimen, centre: tuple[float, float] = (0.7, 0.85)) -> Specimen:
    """Stamp a red round seal (con dấu) centred at fractions of the page size."""
    import cv2

    image = page.image.copy()
    h, w = image.shape[:2]
    cx, cy = round(centre[0] * w), round(centre[1] * h)
    radius = round(0.8 / 2.54 * page.dpi * 2)
    red = (200, 30, 40)
    thick = max(2, page.dpi // 60)
    cv2.circle(image, (cx, cy), radius, red, thick)
    cv2.circle(image, (cx, cy), round(radius * 0.75), red, thick // 2 + 1)
    star = [
        (
            cx + round(radius * 0.35 * math.cos(math.pi / 2 + k * 4 * math.pi / 5)),
            cy - round(radius * 0.35 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)),
        )
        for k in range(5)
    ]
    cv2.fillPoly(image, [np.array(star, np.int32)], red)
    return Specimen(image, page.dpi, page.lines)


def add_signature(page: Specimen, at: tuple[float, float] = (0.25, 0.88)) -> Specimen:
    """Draw a blue-ink scribble like a signature (chữ ký)."""
    import cv2

    image = page.image.copy()
    h, w = image.shape[:2]
    x0, y0 = at[0] * w, at[1] * h
    span = 1.6 / 2.54 * page.dpi * 2
    t = np.linspace(0, 1, 400)
    xs = x0 + span * t
    ys = y0 + span * 0.15 * np.sin(t * 18) * (1 - t * 0.5)
    points = np.stack([xs, ys], axis=1).round().astype(np.int32)
    cv2.polylines(image, [points], False, (30, 50, 170), max(2, page.dpi // 75))
    return Specimen(image, page.dpi, page.lines)


def add_pen_signature(
    page: Specimen, at: tuple[float, float] = (0.5, 0.86), seed: int = 0
) -> Specimen:
    """Sign in black pen: a looping scribble along a random smooth curve, of varying width."""
    rng = np.random.default_rng(seed)
    image = page.image.copy()
    h, w = image.shape[:2]
    per_mm = page.dpi / 25.4
    span = 45 * per_mm
    t = np.linspace(0, 1, 600)
    x, y = t.copy(), np.zeros_like(t)
    for k in range(1, 6):
        x += rng.normal(0, 0.04 / k) * np.sin(2 * math.pi * k * t + rng.uniform(0, 6.3))
        y += rng.normal(0, 0.25 / k) * np.sin(2 * math.pi * k * t + rng.uniform(0, 6.3))
    loops = int(rng.integers(4, 8))
    xs = at[0] * w + span * (x + 0.05 * np.sin(2 * math.pi * loops * t))
    ys = at[1] * h + span * (0.12 * y + 0.08 * np.cos(2 * math.pi * loops * t))
    widths = (0.3 + 0.35 * (1 + np.sin(t * 7 + rng.uniform(0, 6.3)))) * per_mm
    _pen(image, np.stack([xs, ys], axis=1), widths)
    return Specimen(image, page.dpi, page.lines)


def add_handwritten_notes(
    page: Specimen, at: tuple[float, float] = (0.1, 0.78), lines: int = 2, seed: int = 0
) -> Specimen:
    """Write lines of joined-up 'words' in black pen (loops of varying height, a wavering line)."""
    rng = np.random.default_rng(seed)
    image = page.image.copy()
    h, w = image.shape[:2]
    per_mm = page.dpi / 25.4
    x_height = 3.0 * per_mm
    for line in range(lines):
        x0 = at[0] * w
        y0 = at[1] * h + line * 9 * per_mm
        while x0 < w * 0.8:
            letters = int(rng.integers(3, 8))
            t = np.linspace(0, letters, letters * 40)
            heights = x_height * (0.5 + 0.5 * rng.random(letters))
            amp = heights[np.minimum(t.astype(int), letters - 1)]
            xs = x0 + t * x_height * 0.9 - 0.35 * x_height * np.sin(2 * math.pi * t)
            drift = rng.normal(0, 0.2) * t * per_mm
            ys = y0 - amp * (0.5 - 0.5 * np.cos(2 * math.pi * t)) + drift
            _pen(image, np.stack([xs, ys], axis=1), np.full(t.size, 0.35 * per_mm))
            x0 += letters * x_height * 0.9 + 3 * per_mm
    return Specimen(image, page.dpi, page.lines)


def _pen(image: np.ndarray, points: np.ndarray, widths: np.ndarray) -> None:
    """Draw a black-ink pen stroke through ``points``, each segment as wide as ``widths``."""
    import cv2

    ends = points.round().astype(np.int32)
    for start, end, width in zip(ends[:-1], ends[1:], widths, strict=False):
        cv2.line(
            image,
            tuple(map(int, start)),
            tuple(map(int, end)),
            (25, 25, 30),
            max(1, round(float(width))),
            cv2.LINE_AA,
        )


def add_photo(page: Specimen, box: tuple[float, float, float, float] = (0.7, 0.05, 0.9, 0.3)):
    """Paste a 3 × 4 cm colour 'photo' (smooth colour gradient and a face-like oval)."""
    import cv2

    image = page.image.copy()
    h, w = image.shape[:2]
    x0, y0, x1, y1 = (round(box[0] * w), round(box[1] * h), round(box[2] * w), round(box[3] * h))
    yy, xx = np.mgrid[0 : y1 - y0, 0 : x1 - x0]
    photo = np.stack(
        [
            90 + 100 * xx / max(1, x1 - x0),
            120 + 60 * yy / max(1, y1 - y0),
            200 - 80 * yy / max(1, y1 - y0),
        ],
        axis=2,
    ).astype(np.uint8)
    cv2.ellipse(
        photo,
        ((x1 - x0) // 2, (y1 - y0) // 2),
        ((x1 - x0) // 4, (y1 - y0) // 3),
        0,
        0,
        360,
        (225, 180, 150),
        -1,
    )
    image[y0:y1, x0:x1] = photo
    return Specimen(image, page.dpi, page.lines)


def skew(page: Specimen, degrees: float) -> Specimen:
    """Rotate the page by ``degrees`` (counter-clockwise), filling with white."""
    import cv2

    h, w = page.image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    image = cv2.warpAffine(
        page.image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255)
    )
    return Specimen(image, page.dpi, page.lines)


def add_noise(page: Specimen, amount: float = 12.0, seed: int = 0) -> Specimen:
    """Gaussian sensor noise plus a sprinkling of dust specks."""
    rng = np.random.default_rng(seed)
    noisy = page.image.astype(np.int16) + rng.normal(0, amount, page.image.shape[:2])[..., None]
    image = np.clip(noisy, 0, 255).astype(np.uint8)
    h, w = image.shape[:2]
    specks = rng.integers(0, [h, w], size=(h * w // 20000, 2))
    image[specks[:, 0], specks[:, 1]] = 60
    return Specimen(image, page.dpi, page.lines)


def blur(page: Specimen, sigma: float) -> Specimen:
    """An out-of-focus page."""
    import cv2

    return Specimen(cv2.GaussianBlur(page.image, (0, 0), sigma), page.dpi, page.lines)


def tone(page: Specimen, scale: float, offset: float) -> Specimen:
    """Change brightness and contrast: ``pixel * scale + offset``."""
    image = np.clip(page.image.astype(np.float32) * scale + offset, 0, 255).astype(np.uint8)
    return Specimen(image, page.dpi, page.lines)


def on_dark_lid(page: Specimen, border_mm: float = 12.0) -> Specimen:
    """The page lying on a dark scanner lid, with a dark border all round."""
    px = round(border_mm / 25.4 * page.dpi)
    h, w = page.image.shape[:2]
    image = np.full((h + 2 * px, w + 2 * px, 3), 35, np.uint8)
    image[px : px + h, px : px + w] = page.image
    return Specimen(image, page.dpi, page.lines)


def shifted_off(page: Specimen, fraction: float = 0.12) -> Specimen:
    """The page shifted left on the glass, so its text runs off the left edge."""
    w = page.image.shape[1]
    cut = round(w * fraction)
    image = np.full_like(page.image, 255)
    image[:, : w - cut] = page.image[:, cut:]
    return Specimen(image, page.dpi, page.lines)
