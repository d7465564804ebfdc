"""Scanned files taken as page images: PNG, JPEG, (multi-page) TIFF, and PDFs of bare scans.

Files come from outside, so each is checked before its pixels are decoded:
a regular file, under a size cap, of a known kind by its first bytes, with a
page count and page size under caps (a decompression bomb is refused from its
header). :func:`page_sources` does those checks in the calling process and
lists the pages; :func:`load_page` decodes one page, in a worker process, and
turns every decoder's own failure into :class:`BadInput`.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from workstation.errors import BadInput

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 2 * 1024**3
MAX_PAGES = 2000
MAX_PIXELS = 120_000_000
"""A3 at 600 dpi is 70 Mpx; a header promising more is a bomb, refused before decoding."""
PDF_RENDER_DPI = 300
ASSUMED_WIDTH_IN = 8.27
"""An image without a resolution is taken to be an A4-wide scan."""

KINDS = {
    b"\x89PNG\r\n\x1a\n": "image",
    b"\xff\xd8\xff": "image",
    b"II*\x00": "image",
    b"MM\x00*": "image",
    b"%PDF-": "pdf",
}


@dataclass(frozen=True)
class PageSource:
    """One page of one input file: where to read it and how."""

    path: str
    kind: str
    """``image`` or ``pdf``."""
    number: int
    """From 1 within the file."""
    file: int = 1
    """Which input (from 1), for messages: file names are never logged."""
    width_px: int = 0
    """For PDF pages: the width to render at."""


def page_sources(paths: list[Path]) -> list[PageSource]:
    """Every page of ``paths``, in order, after checking each file."""
    sources: list[PageSource] = []
    for index, path in enumerate(paths):
        kind = _kind(path, index)
        found = _pdf_pages(path, index) if kind == "pdf" else _image_pages(path, index)
        sources.extend(found)
        if len(sources) > MAX_PAGES:
            raise BadInput(
                f"more than {MAX_PAGES} pages", code="capture.too_many_pages", limit=MAX_PAGES
            )
    if not sources:
        raise BadInput("the inputs hold no page", code="capture.no_pages")
    return sources


def _kind(path: Path, index: int) -> str:
    try:
        if not path.is_file():
            raise BadInput(
                f"input {index + 1} is not a regular file",
                code="capture.not_a_file",
                file=index + 1,
            )
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise BadInput(
            f"input {index + 1} cannot be read: {exc.strerror}",
            code="capture.unreadable",
            file=index + 1,
        ) from exc
    if size > MAX_FILE_BYTES:
        raise BadInput(f"input {index + 1} is too large", code="capture.too_large", file=index + 1)
    for magic, kind in KINDS.items():
        if head.startswith(magic):
            return kind
    raise BadInput(
        f"input {index + 1} is not a PNG, JPEG, TIFF or PDF file",
        code="capture.unsupported",
        file=index + 1,
    )


def _image_pages(path: Path, index: int) -> list[PageSource]:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                frames = getattr(image, "n_frames", 1)
                if frames > MAX_PAGES:
                    raise BadInput(
                        f"more than {MAX_PAGES} pages", code="capture.too_many_pages",
                        limit=MAX_PAGES,
                    )  # fmt: skip
                sizes = []
                for frame in range(frames):
                    image.seek(frame)
                    sizes.append(image.size)
    except BadInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large(index) from exc
    except (OSError, ValueError, EOFError, SyntaxError) as exc:
        raise _unreadable(index, exc) from exc
    if any(width * height > MAX_PIXELS for width, height in sizes):
        raise _too_large(index)
    return [PageSource(str(path), "image", n + 1, file=index + 1) for n in range(len(sizes))]


def _pdf_pages(path: Path, index: int) -> list[PageSource]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise BadInput(
                f"input {index + 1} is an encrypted PDF",
                code="capture.encrypted_pdf",
                file=index + 1,
            )
        widths = [float(page.mediabox.width) for page in reader.pages]
    except BadInput:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _unreadable(index, exc) from exc
    if len(widths) > MAX_PAGES:
        raise BadInput(
            f"more than {MAX_PAGES} pages", code="capture.too_many_pages", limit=MAX_PAGES
        )
    sources = []
    for number, points in enumerate(widths, start=1):
        width_px = max(1, round(abs(points) / 72 * PDF_RENDER_DPI))
        sources.append(PageSource(str(path), "pdf", number, width_px=width_px, file=index + 1))
    return sources


def load_page(source: PageSource) -> tuple[np.ndarray, int]:
    """The page's RGB pixels and resolution (dpi), decoded; :class:`BadInput` if damaged."""
    if source.kind == "pdf":
        return _render_pdf(source, source.file - 1), PDF_RENDER_DPI
    return _decode_image(source, source.file - 1)


def _decode_image(source: PageSource, index: int) -> tuple[np.ndarray, int]:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source.path) as image:
                image.seek(source.number - 1)
                dpi = _dpi(image.info.get("dpi"), image.size[0])
                rgb = _decode_png(source.path) if image.format == "PNG" else None
                if rgb is None:
                    image.load()
                    rgb = np.asarray(image.convert("RGB"))
    except (OSError, ValueError, EOFError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:  # fmt: skip
        raise _unreadable(index, exc) from exc
    return rgb, dpi


def _decode_png(path: Path) -> np.ndarray | None:
    """A PNG's RGB pixels decoded by OpenCV, or None if it cannot (a truncated file:
    Pillow then decodes it again, to say why).

    Scanners deliver PNG pages (SANE's batches, eSCL, the demo feeder), decoded in
    a worker for every page: OpenCV decodes straight into one array, where Pillow's
    decode, RGB conversion and hand-over to NumPy copy an A4 page twice (~60 ms of
    a worker's ~0.4 s per page, besides OCR). Called only once Pillow has opened the
    file, so its decompression-bomb check has passed; EXIF orientation is ignored,
    as Pillow does.
    """
    import cv2

    bgr = cv2.imdecode(
        np.fromfile(path, np.uint8), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION
    )
    return None if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _dpi(declared: object, width_px: int) -> int:
    try:
        value = round(float(declared[0]))  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        value = 0
    if value >= 50:
        return value
    return max(1, round(width_px / ASSUMED_WIDTH_IN))


def _render_pdf(source: PageSource, index: int) -> np.ndarray:
    from workstation.pages import PDF_TYPE, render_page

    try:
        stat = Path(source.path).stat()
        data = _pdf_bytes(source.path, stat.st_mtime_ns, stat.st_size)
        return render_page(data, PDF_TYPE, source.number, width=source.width_px)
    except OSError as exc:
        raise _unreadable(index, exc) from exc
    except BadInput as exc:
        raise _unreadable(index, exc) from exc


@lru_cache(maxsize=1)
def _pdf_bytes(path: str, mtime_ns: int, size: int) -> bytes:
    """The file's bytes, read once per worker for all the pages it renders from it."""
    del mtime_ns, size  # part of the cache key only: a changed file is read again
    return Path(path).read_bytes()


def _too_large(index: int) -> BadInput:
    return BadInput(
        f"a page of input {index + 1} has more pixels than any scan ({MAX_PIXELS} at most)",
        code="capture.page_too_large",
        file=index + 1,
    )


def _unreadable(index: int, exc: BaseException) -> BadInput:
    log.info("an input file is damaged: %s", exc.__class__.__name__)
    return BadInput(
        f"input {index + 1} is damaged or truncated ({exc.__class__.__name__})",
        code="capture.damaged",
        file=index + 1,
    )
