"""Generated archive stacks for tests and the benchmark: records of text pages behind
rendered separator sheets, some sheets skewed, some missing or damaged on purpose."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from workstation.archive.metadata import RecordMetadata, parse_record
from workstation.archive.sheets import separator_sheets
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
) -> Stack:
    """Write a stack of PNG pages into ``folder``: a sheet, then ``sizes[i]`` text pages, …

    Sheets are ours (patch-T and metadata QR) except those of the records in
    ``patch_only``: plain patch-T sheets, without metadata.
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
        for _ in range(size):
            put(specimens.text_page(rng.randrange(10**6), dpi=dpi, lines=lines).image)
        if index in missing and expected:
            expected[-1] = (expected[-1][0], len(files))
        else:
            expected.append((first, len(files)))
    return Stack(files, records, expected, separators, list(missing), list(damaged))
