"""The one decoder of page files: what is a valid page, and its pixels.

Intake, the window's preview and the command line all ask this module, so a
file accepted at the counter is a file that can be shown, and the other way
round. PDF pages go through PDFium (``pypdfium2``), page images (PNG, JPEG,
TIFF in every compression Pillow's libtiff knows: none, LZW, deflate,
PackBits, CCITT G3/G4, JPEG) through Pillow; both give a plain NumPy array,
so nothing here needs Qt.

Outside files are hostile: :func:`page_sizes` reads sizes from headers only
and refuses, before any pixel is decoded, a page of more than
:data:`MAX_PAGE_PIXELS` or a file of more than :data:`MAX_PAGES` pages;
:func:`check_pages` then decodes every page, one at a time, so the memory it
needs is one page's, whatever the file's length. Every failure of a decoder is
a :class:`BadInput` whose text names the file and a class of failure, never
the file's bytes. PDFium is not thread-safe: every call into it holds one lock.
"""

from __future__ import annotations

import logging
import struct
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import numpy as np

from workstation.errors import BadInput

log = logging.getLogger(__name__)

PDF_TYPE = "application/pdf"
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/tiff"})
PREVIEW_WIDTH = 1240
"""Pixels across a rendered PDF page: 150 dpi on A4, sharp enough to read a form."""

MAX_PAGE_PIXELS = 80_000_000
"""An A3 sheet at 600 dpi is about 70 megapixels; a page claiming more is refused unread."""
MAX_PAGES = 1000
"""Pages in one file; a thick dossier scanned in one go has a few hundred."""

_SIGNATURES = (
    (b"%PDF-", PDF_TYPE),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
_EXIF_ORIENTATION = 0x0112
_TURNED = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height
_UPRIGHT = {  # EXIF orientation → the turn that sets the page upright (as ImageOps does)
    2: "FLIP_LEFT_RIGHT",
    3: "ROTATE_180",
    4: "FLIP_TOP_BOTTOM",
    5: "TRANSPOSE",
    6: "ROTATE_270",
    7: "TRANSVERSE",
    8: "ROTATE_90",
}
_FPDF_ERR_PASSWORD = 4

_pdfium_lock = threading.Lock()

Source = bytes | IO[bytes]
"""A whole file's bytes, or a binary file open for reading (a path's content, streamed)."""


def media_type_of(head: bytes) -> str | None:
    """The kind of page file whose first bytes are ``head`` (1 KB is enough), or None."""
    head = head[:1024]
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature) or (media_type == PDF_TYPE and signature in head):
            return media_type
    return None


# What a file holds ------------------------------------------------------------


def page_sizes(source: Source, media_type: str, name: str) -> list[tuple[int, int] | None]:
    """Each page's pixel size (None for PDF pages, which have no pixels), from headers only.

    Raises :class:`BadInput`: ``file.too_many_pages``, ``file.image_too_large``,
    ``file.image_damaged``, ``file.pdf_damaged``, ``file.pdf_encrypted``, ``file.no_pages``.
    """
    if media_type == PDF_TYPE:
        with _pdf(source, name) as document:
            count = len(document)
            _check_count(count, name)
            return [None] * count
    with _image(source, name, "file") as image:
        return _frame_sizes(image, name)


def check_pages(source: Source, media_type: str, name: str) -> list[tuple[int, int] | None]:
    """:func:`page_sizes`, after decoding every page the way the preview will.

    Pages are decoded one at a time and dropped, so memory stays that of one
    page. CPU-heavy: intake runs it in the process pool.
    """
    if media_type == PDF_TYPE:
        with _pdf(source, name) as document:
            count = len(document)
            _check_count(count, name)
            for index in range(count):
                _pdf_page_size(document, index, name)
            return [None] * count
    if media_type not in IMAGE_TYPES:
        raise BadInput(f"{name} is not a page file", code="file.unsupported", name=name)
    with _image(source, name, "file") as image:
        sizes = _frame_sizes(image, name)
        for index in range(len(sizes)):
            _decode_frame(image, index, name, "file")
        return sizes


def _check_count(count: int, name: str) -> None:
    if count == 0:
        raise BadInput(f"{name} has no pages", code="file.no_pages", name=name)
    if count > MAX_PAGES:
        raise BadInput(
            f"{name} has more than {MAX_PAGES} pages",
            code="file.too_many_pages",
            name=name,
            limit=MAX_PAGES,
        )


# Pixels -------------------------------------------------------------------------


def render_page(
    data: Source, media_type: str, number: int, width: int = PREVIEW_WIDTH, name: str = ""
) -> np.ndarray:
    """Page ``number`` (from 1) as an RGB array (height × width × 3, uint8).

    PDF pages are rendered ``width`` pixels wide on white; images keep their own
    size (turned upright as their EXIF says, transparency on white). ``name`` is
    the document's file name, for the officer's message. Raises
    :class:`BadInput` (``preview.unreadable``) for a page that cannot be
    rendered and ``preview.unsupported`` for other kinds of file.
    """
    name = name or "?"
    if media_type == PDF_TYPE:
        page = _render_pdf_page(data, number, width)
    elif media_type in IMAGE_TYPES:
        page = _render_image_page(data, number, name)
    else:
        raise BadInput(
            f"cannot render {media_type}", code="preview.unsupported", media_type=media_type
        )
    if page is None:
        raise BadInput(
            f"page {number} of a {media_type} document cannot be rendered",
            code="preview.unreadable",
            page=number,
            name=name,
        )
    return page


def _render_image_page(data: Source, number: int, name: str) -> np.ndarray | None:
    try:
        with _image(data, name, "preview") as image:
            count = _frame_count(image)
            if not 1 <= number <= count:
                return None
            return _frame_rgb(image, number - 1, name, "preview")
    except BadInput as exc:
        log.info("a page image cannot be rendered: %s", exc.code)
        return None


def _render_pdf_page(data: Source, number: int, width: int) -> np.ndarray | None:
    import pypdfium2 as pdfium

    with _pdfium_lock:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            log.info("PDFium cannot open a document (error %s)", exc.err_code)
            return None
        try:
            if not 1 <= number <= len(document):
                return None
            page = document[number - 1]
            try:
                points_wide, _ = page.get_size()
                if points_wide <= 0:
                    return None
                bitmap = page.render(scale=width / points_wide, fill_color=(255, 255, 255, 255))
                try:
                    return np.array(bitmap.to_numpy()[:, :, :3][:, :, ::-1])  # BGR(A) → RGB
                finally:
                    bitmap.close()
            finally:
                page.close()
        except pdfium.PdfiumError as exc:
            log.info("PDFium cannot render page %d (error %s)", number, exc.err_code)
            return None
        finally:
            document.close()


# PDF ------------------------------------------------------------------------------


@contextmanager
def _pdf(source: Source, name: str) -> Iterator[Any]:
    """The PDFium document, with the lock held while it is open."""
    import pypdfium2 as pdfium

    with _pdfium_lock:
        try:
            document = pdfium.PdfDocument(source)
        except pdfium.PdfiumError as exc:
            if exc.err_code == _FPDF_ERR_PASSWORD:
                raise BadInput(
                    f"{name} is password-protected", code="file.pdf_encrypted", name=name
                ) from exc
            raise _damaged_pdf(name, exc) from exc
        try:
            yield document
        except (pdfium.PdfiumError, RecursionError, MemoryError, ValueError) as exc:
            raise _damaged_pdf(name, exc) from exc
        finally:
            document.close()


def _pdf_page_size(document: Any, index: int, name: str) -> tuple[float, float]:
    page = document[index]  # a broken or too deep page tree fails here
    try:
        width, height = page.get_size()
    finally:
        page.close()
    if not (width > 0 and height > 0):
        raise BadInput(f"{name}: a page has no size", code="file.pdf_damaged", name=name)
    return width, height


def _damaged_pdf(name: str, exc: BaseException) -> BadInput:
    log.info("a PDF is unreadable: %s", exc.__class__.__name__)
    return BadInput(f"{name} is a damaged PDF", code="file.pdf_damaged", name=name)


# Images ---------------------------------------------------------------------------


@contextmanager
def _image(source: Source, name: str, area: str) -> Iterator[Any]:
    """Pillow's image over ``source`` (headers read, no pixels yet); decoder errors → BadInput.

    ``area`` picks the codes: ``file`` at intake, ``preview`` in the window.
    """
    import io

    from PIL import Image, UnidentifiedImageError

    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with warnings.catch_warnings():
            # Our own limits are checked per frame; Pillow's global one would only warn.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # Pillow warns about damaged metadata (a corrupt EXIF block) and reads on:
            # the outcome is what counts, not a warning on the officer's console.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
            image = Image.open(stream, formats=("PNG", "JPEG", "TIFF"))
            with image:
                yield image
    except BadInput:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_large(name, area) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _damaged_image(name, area, exc) from exc
    except (MemoryError, RecursionError, struct.error, ZeroDivisionError) as exc:
        raise _damaged_image(name, area, exc) from exc


def _frame_count(image: Any) -> int:
    """Frames in ``image``, counting no further than one past :data:`MAX_PAGES`."""
    count = 1
    while count <= MAX_PAGES:
        try:
            image.seek(count)
        except EOFError:
            break
        count += 1
    image.seek(0)
    return count


def _frame_sizes(image: Any, name: str) -> list[tuple[int, int]]:
    count = _frame_count(image)
    _check_count(count, name)
    sizes = []
    for index in range(count):
        image.seek(index)
        width, height = image.size
        if width <= 0 or height <= 0:
            raise _damaged_image(name, "file", ValueError("empty frame"))
        if width * height > MAX_PAGE_PIXELS:
            raise _too_large(name, "file", width, height)
        if _orientation(image) in _TURNED:
            width, height = height, width
        sizes.append((width, height))
    return sizes


def _orientation(image: Any) -> int:
    try:
        return int(image.getexif().get(_EXIF_ORIENTATION, 1))
    except Exception:  # a damaged EXIF block: show the page as stored
        return 1


_SHOWN_MODES = frozenset(
    {"1", "L", "P", "RGB", "RGBA", "LA", "PA", "CMYK", "YCbCr", "I;16", "I;16L", "I;16B"}
    | {"I;16N", "I", "F"}
)
"""Pixel modes :func:`_frame_rgb` turns into RGB."""


def _decode_frame(image: Any, index: int, name: str, area: str) -> None:
    """Decode frame ``index`` (its pixels are then held by ``image`` until the next frame)."""
    image.seek(index)
    width, height = image.size
    if width * height > MAX_PAGE_PIXELS:
        raise _too_large(name, area, width, height)
    if image.mode not in _SHOWN_MODES:
        raise BadInput(
            f"{name} has pixels of a kind that cannot be shown",
            code="file.image_unsupported" if area == "file" else "preview.unreadable",
            name=name,
            **({} if area == "file" else {"page": index + 1}),
        )
    image.load()


def _frame_rgb(image: Any, index: int, name: str, area: str) -> np.ndarray:
    """Frame ``index`` decoded, upright, as RGB on white (transparency flattened)."""
    from PIL import Image

    _decode_frame(image, index, name, area)
    frame = image
    if frame.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        values = np.asarray(frame, dtype=np.float64)
        top = float(values.max()) or 1.0
        frame = Image.fromarray((values * (255.0 / top)).clip(0, 255).astype(np.uint8), "L")
    elif frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        frame = Image.new("RGB", rgba.size, (255, 255, 255))
        frame.paste(rgba, mask=rgba.getchannel("A"))
    if frame.mode != "RGB":
        frame = frame.convert("RGB")
    turn = _UPRIGHT.get(_orientation(image))
    if turn is not None:
        frame = frame.transpose(Image.Transpose[turn])
    return np.asarray(frame, dtype=np.uint8).copy()


def _too_large(name: str, area: str, width: int = 0, height: int = 0) -> BadInput:
    size = f" ({width}×{height} pixels)" if width else ""
    if area == "preview":
        return BadInput(
            f"a page of {name} is too large to show{size}",
            code="preview.unreadable",
            page=0,
            name=name,
        )
    return BadInput(
        f"{name} has a page larger than any scanned page{size}",
        code="file.image_too_large",
        name=name,
    )


def _damaged_image(name: str, area: str, exc: BaseException) -> BadInput:
    log.info("an image is unreadable: %s", exc.__class__.__name__)
    if area == "preview":
        return BadInput(f"{name} cannot be decoded", code="preview.unreadable", page=0, name=name)
    if isinstance(exc, OSError) and "decoder" in str(exc) and "not available" in str(exc):
        return BadInput(
            f"{name} uses an image encoding that cannot be shown",
            code="file.image_unsupported",
            name=name,
        )
    return BadInput(f"{name} is a damaged or truncated image", code="file.image_damaged", name=name)
