"""Generated archive stacks for tests and the benchmark: records of text pages behind
rendered separator sheets, some sheets skewed, some missing or damaged on purpose."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from workstation.archive.metadata import RecordMetadata, parse_record
from workstation.archive.sheets import separator_sheets
from workstation.domain.text import fold
from workstation.pages import render_page
from workstation.scan import specimens


@dataclass
class Stack:
    """The pages written (1-based file order) and what a perfect split would find."""

    files: list[Path]
    records: list[RecordMetadata]
    expected: list[tuple[int, int]]
    """Page ranges (1-based, inclusive) of each record as the sheets divide them."""
    separators: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    """Index of records whose sheet was left out (merged into the previous record)."""
    damaged: list[int] = field(default_factory=list)


def record(number: int, pages: int) -> RecordMetadata:
    return parse_record(
        {
            "fonds": "12",
            "catalogue": 3,
            "box": 1 + number // 10,
            "file_number": str(number),
            "title": f"Hồ sơ lưu trữ số {number} về cấp phép xây dựng",
            "start_date": "2001-03-14",
            "end_date": "2001-12-30",
            "pages": pages,
            "retention": "Vĩnh viễn",
            "access": "public",
            "language": "vi",
        }
    )


def damage(image: np.ndarray) -> np.ndarray:
    """Scratches through both codes of a sheet: it still looks like one, nothing decodes."""
    out = image.copy()
    h, w = out.shape[:2]
    mm = w / 210
    codes = out[int(h * 0.11) : int(h * 0.53)]
    codes[:, int(w * 0.47) : int(w * 0.53)] = 255  # a cut across every bar
    step, width = max(2, round(3 * mm)), max(1, round(0.8 * mm))
    for offset in range(0, codes.shape[0], step):
        codes[offset : offset + width] = 255
    for offset in range(0, w, step):
        codes[:, offset : offset + width] = 255
    return out


NATIONAL_HEADING = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
AGENCY = ("ỦY BAN NHÂN DÂN", "XÃ AN BÌNH")


def first_page(seed: int = 0, *, dpi: int = 100, lines: int = 8) -> np.ndarray:
    """The first page of an administrative document: the issuing agency on the left and the
    national heading on the right (Decree 30/2020/ND-CP's layout) above ``lines`` of text."""
    from PIL import Image, ImageDraw, ImageFont

    body = specimens.text_page(seed, dpi=dpi, lines=lines, margin_mm=20 + 30).image
    page = Image.fromarray(body)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(specimens.font_path()), round(12 / 72 * dpi))
    width = page.width
    margin = round(15 / 25.4 * dpi)
    step = round(12 * 1.7 / 72 * dpi)
    for row, (left, right) in enumerate(zip(AGENCY, NATIONAL_HEADING, strict=True)):
        y = margin + row * step
        draw.text((margin, y), left, fill=(20, 20, 20), font=font)
        x = width - margin - draw.textlength(right, font=font)
        draw.text((x, y), right, fill=(20, 20, 20), font=font)
    return np.asarray(page).copy()


def plain_page(rng: random.Random, *, dpi: int, lines: int) -> np.ndarray:
    """A text page that does not open a document: drawn again until the national heading is
    not among its first lines (the sentences drawn from include both of its lines)."""
    while True:
        page = specimens.text_page(rng.randrange(10**6), dpi=dpi, lines=lines)
        if not {fold(line) for line in NATIONAL_HEADING} & {fold(line) for line in page.lines[:4]}:
            return page.image


def write_stack(
    folder: Path,
    sizes: list[int],
    *,
    dpi: int = 100,
    skewed: tuple[int, ...] = (),
    missing: tuple[int, ...] = (),
    damaged: tuple[int, ...] = (),
    patch_only: tuple[int, ...] = (),
    lines: int = 8,
    seed: int = 0,
    headed: bool = False,
) -> Stack:
    """Write a stack of PNG pages into ``folder``: a sheet, then ``sizes[i]`` text pages, …

    Sheets are ours (patch-T and metadata QR) except those of the records in
    ``patch_only``: plain patch-T sheets, without metadata. ``headed``: each
    record's first page opens a document (:func:`first_page`, national heading).
    """
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    records = [record(i + 1, n) for i, n in enumerate(sizes)]
    sheets = separator_sheets([None if i in patch_only else r for i, r in enumerate(records)])
    width = round(8.27 * dpi)
    files: list[Path] = []
    expected: list[tuple[int, int]] = []
    separators: list[int] = []

    def put(image: np.ndarray) -> None:
        path = folder / f"page-{len(files) + 1:05d}.png"
        Image.fromarray(image).save(path, dpi=(dpi, dpi))
        files.append(path)

    for index, size in enumerate(sizes):
        if index not in missing:
            sheet = render_page(sheets, "application/pdf", index + 1, width=width)
            if index in skewed:
                sheet = specimens.skew(specimens.Specimen(sheet, dpi), rng.uniform(-8, 8)).image
            if index in damaged:
                sheet = damage(sheet)
            put(sheet)
            separators.append(len(files))
        first = len(files) + 1
        for number in range(size):
            if headed and number == 0:
                put(first_page(rng.randrange(10**6), dpi=dpi, lines=lines))
            else:
                put(plain_page(rng, dpi=dpi, lines=lines))
        if index in missing and expected:
            expected[-1] = (expected[-1][0], len(files))
        else:
            expected.append((first, len(files)))
    return Stack(files, records, expected, separators, list(missing), list(damaged))
