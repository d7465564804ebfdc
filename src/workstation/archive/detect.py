"""Telling separator sheets from record pages, on a downscaled copy of each page.

zxing-cpp reads the patch-T Code 39 and our QR code on a page brought down to
about 100 dpi (fast, and both symbols are printed large enough for it); it
finds skewed and rotated QR codes by itself, and the Code 39 bars are tall
enough that a scan line crosses all of them at a few degrees of skew. A page
where nothing decodes but which looks like a sheet (little ink overall, one
dense square-ish block where a code would be) is a *suspect*: reported to the
clerk as an unreadable separator, never silently taken as a page of a record.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from workstation.archive.metadata import RecordMetadata, from_qr
from workstation.archive.sheets import PATCH_T
from workstation.errors import BadInput

DETECT_DPI = 100
FORMATS = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.Code39)


@dataclass
class Detection:
    """What a page is: ``page``, ``separator`` (read), or ``suspect`` (looks like one, unread)."""

    kind: str
    metadata: RecordMetadata | None = None
    warnings: list[str] | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "metadata": None if self.metadata is None else self.metadata.as_json(),
            "warnings": list(self.warnings or []),
        }


def downscale(image: np.ndarray, dpi: int) -> np.ndarray:
    """A grey copy of ``image`` at about :data:`DETECT_DPI`."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    if dpi > DETECT_DPI * 1.2:
        factor = DETECT_DPI / dpi
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(gray)


def detect(image: np.ndarray, dpi: int) -> Detection:
    """Classify one page image (RGB or grey) scanned at ``dpi``."""
    small = downscale(image, dpi)
    found = zxingcpp.read_barcodes(small, formats=FORMATS, try_rotate=True, try_downscale=True)
    patch_t = any(
        code.format == zxingcpp.BarcodeFormat.Code39 and code.text.strip().upper() == PATCH_T
        for code in found
    )
    warnings: list[str] = []
    metadata = None
    for code in found:
        if code.format != zxingcpp.BarcodeFormat.QRCode:
            continue
        try:
            metadata = from_qr(code.text)
        except BadInput as exc:
            warnings.append(f"separator_metadata_invalid:{exc.params.get('field', '')}")
            metadata = None
            patch_t = True  # our sheet, with content this version cannot take
        if metadata is not None:
            break
    if metadata is not None or patch_t:
        if metadata is None and not warnings:
            warnings.append("separator_without_metadata")
        return Detection("separator", metadata, warnings)
    if looks_like_sheet(small):
        return Detection("suspect", None, ["separator_unreadable"])
    return Detection("page", None, [])


def looks_like_sheet(small: np.ndarray) -> bool:
    """Little ink overall, and one dense block at least 2 cm across (a code's footprint)."""
    ink = small < 128
    fraction = float(ink.mean())
    if fraction > 0.2 or fraction < 0.005:
        return False
    if not _dense_window(ink):
        return False  # most record pages end here, before the costlier shape check
    mm = DETECT_DPI / 25.4
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, round(2 * mm)),) * 2)
    closed = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_CLOSE, kernel)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    for index in range(1, count):
        x, y, w, h, _area = stats[index]
        if w < 20 * mm or h < 20 * mm:
            continue
        if not 0.4 < w / h < 2.5:
            continue
        density = float(ink[y : y + h, x : x + w].mean())
        if density >= 0.3:
            return True
    return False


COARSE = 8
"""Pixels of the 100-dpi copy per cell of the coarse grid (2 mm)."""


def _dense_window(ink: np.ndarray) -> bool:
    """Whether some window about 18 mm square holds at least 20 % ink: a cheap necessary
    condition for :func:`looks_like_sheet`'s block (2 cm across, 30 % ink), checked on a
    grid of 2-mm cells so that pages of text are let go without the morphology."""
    height, width = ink.shape
    cells = cv2.resize(
        ink.astype(np.float32),
        (max(1, width // COARSE), max(1, height // COARSE)),
        interpolation=cv2.INTER_AREA,
    )
    side = max(1, round(18 * DETECT_DPI / 25.4 / COARSE))
    windows = cv2.boxFilter(cells, -1, (side, side), borderType=cv2.BORDER_CONSTANT)
    return float(windows.max()) >= 0.2
