"""Reading QR codes from scanned or photographed pages (zxing-cpp).

zxing-cpp finds QR codes that are skewed, rotated, small or noisy on a page
where OpenCV's detector misses most of them, and keeps UTF-8 Vietnamese text
intact (``bench/cccd_qr.py`` measures both on photographed cards). A page
where nothing is found is read again at twice its size: that finds the small,
noisy codes of phone photos. The image comes from outside, so it
is checked before any pixel is decoded: a regular file, a size cap, a pixel
cap read from the header. A scanner's PDF is rendered with PDFium
(:mod:`workstation.pages`), its first two pages only. Every failure of a decoder is a
:class:`~workstation.errors.BadInput` with a clear code.
"""

from __future__ import annotations

import logging
import warnings
from datetime import date
from pathlib import Path

import zxingcpp
from PIL import Image, UnidentifiedImageError

from workstation.domain.cccd import CitizenCard, parse_payload
from workstation.errors import BadInput, WorkstationError
from workstation.pages import PDF_TYPE, render_page

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 100 * 1024 * 1024
MAX_IMAGE_PIXELS = 80_000_000
"""A 48-megapixel phone photo or an A4 page at 600 dpi (35 Mpx) fits; larger ones are refused
unread (below Pillow's own bomb threshold, so the officer gets our message, not its warning)."""
ENLARGE_MAX_PIXELS = 64_000_000
"""A page where no QR code is found is read again at twice its size, if that stays below
this (a 16-megapixel photo; larger photos have modules big enough already)."""
PDF_PAGES = 2
"""A scanned card is one or two pages (front, back); later pages are not looked at."""
PDF_WIDTH = 2480
"""Pixels across a rendered PDF page: 300 dpi on A4."""


def _open_image(path: Path) -> Image.Image | None:
    """The image at ``path``, checked; None for a PDF (rendered page by page instead)."""
    try:
        if not path.is_file():
            raise BadInput(f"{path} is not a file", code="scan.image_unreadable", name=path.name)
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise BadInput(
                f"{path.name} is {size // 2**20} MB; the limit is {MAX_IMAGE_BYTES // 2**20} MB",
                code="scan.image_too_large",
                name=path.name,
            )
        with path.open("rb") as f:
            if f.read(5) == b"%PDF-":
                return None
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise BadInput(
                    f"{path.name} has {width}x{height} pixels; the limit is {MAX_IMAGE_PIXELS}",
                    code="scan.image_too_large",
                    name=path.name,
                )
            image.load()
            return image
    except FileNotFoundError as exc:
        raise BadInput(
            f"no such file: {path}", code="scan.image_unreadable", name=path.name
        ) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BadInput(
            f"{path.name} claims more pixels than an image may have",
            code="scan.image_too_large",
            name=path.name,
        ) from exc
    except UnidentifiedImageError as exc:
        raise BadInput(
            f"{path.name} is not an image that can be read: {exc.__class__.__name__}",
            code="scan.image_unreadable",
            name=path.name,
        ) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise BadInput(
            f"{path.name} cannot be read as an image: {exc}",
            code="scan.image_unreadable",
            name=path.name,
        ) from exc


def _pdf_pages(path: Path) -> list[Image.Image]:
    """The first pages of a scanned PDF, rendered at about 300 dpi (a card's QR is 15 mm)."""
    data = path.read_bytes()
    pages = []
    for number in range(1, PDF_PAGES + 1):
        try:
            pixels = render_page(data, PDF_TYPE, number, width=PDF_WIDTH, name=path.name)
        except BadInput:
            if number == 1:
                raise
            break
        pages.append(Image.fromarray(pixels))
    return pages


def read_qr_codes(path: Path) -> list[str]:
    """The text of every QR code found in the image (or the first pages of the PDF) at ``path``."""
    path = Path(path)
    image = _open_image(path)
    pages = _pdf_pages(path) if image is None else [image]
    texts = []
    enlarged = 0
    for page in pages:
        grey = page.convert("L")
        found = _read(grey, path)
        if not found and grey.width * grey.height * 4 <= ENLARGE_MAX_PIXELS:
            # A phone photo's small, noisy code: its modules are 2-3 px, and zxing-cpp's
            # local binarizer loses them in the noise; at twice the size it finds them.
            enlarged += 1
            found = _read(grey.resize((grey.width * 2, grey.height * 2), Image.BICUBIC), path)
        texts += found
    log.info("found %d QR code(s) on %d page(s), %d enlarged", len(texts), len(pages), enlarged)
    return texts


def _read(image: Image.Image, path: Path) -> list[str]:
    """The text of every valid QR code zxing-cpp finds in the grey ``image``."""
    try:
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    except (RuntimeError, ValueError) as exc:
        raise BadInput(
            f"the barcode reader failed on {path.name}: {exc}",
            code="scan.image_unreadable",
            name=path.name,
        ) from exc
    return [b.text for b in found if b.valid and b.text]


def read_card_image(path: Path, today: date | None = None) -> CitizenCard:
    """The chip ID card whose QR code is in the scan or photo at ``path``.

    A photo may show other QR codes beside the card's: the first that is a
    card's payload wins; none at all is ``cccd.no_qr_code``, and when every
    code found is refused, the first refusal is raised.
    """
    path = Path(path)
    texts = read_qr_codes(path)
    if not texts:
        raise BadInput(f"no QR code found in {path.name}", code="cccd.no_qr_code", name=path.name)
    first_error: WorkstationError | None = None
    for text in texts:
        try:
            return parse_payload(text, today)
        except BadInput as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise first_error
