"""Rendering one page of a stored document to pixels, for previews and checks.

PDF pages are rendered with PDFium (``pypdfium2``), page images are decoded
with OpenCV; both give a plain NumPy array, so the window, the command line
and later the capture and signing checks share one renderer and none of them
needs Qt for it. PDFium is not thread-safe: every call into it holds one lock.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from workstation.errors import BadInput

log = logging.getLogger(__name__)

PDF_TYPE = "application/pdf"
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/tiff"})
PREVIEW_WIDTH = 1240
"""Pixels across a rendered PDF page: 150 dpi on A4, sharp enough to read a form."""

_pdfium_lock = threading.Lock()


def render_page(
    data: bytes, media_type: str, number: int, width: int = PREVIEW_WIDTH, name: str = ""
) -> np.ndarray:
    """Page ``number`` (from 1) as an RGB array (height × width × 3, uint8).

    PDF pages are rendered ``width`` pixels wide on white; images keep their own
    size. ``name`` is the document's file name, for the officer's message.
    Raises :class:`BadInput` (``preview.unreadable``) for a page that cannot be
    rendered and ``preview.unsupported`` for other kinds of file.
    """
    if media_type == PDF_TYPE:
        page = _render_pdf_page(data, number, width)
    elif media_type in IMAGE_TYPES:
        page = _decode_image_page(data, number)
    else:
        raise BadInput(
            f"cannot render {media_type}", code="preview.unsupported", media_type=media_type
        )
    if page is None:
        raise BadInput(
            f"page {number} of a {media_type} document cannot be rendered",
            code="preview.unreadable",
            page=number,
            name=name or "?",
        )
    return page


def _render_pdf_page(data: bytes, number: int, width: int) -> np.ndarray | None:
    import pypdfium2 as pdfium

    with _pdfium_lock:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            log.info("PDFium cannot open a document: %s", exc)
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
            log.info("PDFium cannot render page %d: %s", number, exc)
            return None
        finally:
            document.close()


def _decode_image_page(data: bytes, number: int) -> np.ndarray | None:
    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    try:
        ok, images = cv2.imdecodemulti(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        return None
    if not ok or not 1 <= number <= len(images):
        return None
    return cv2.cvtColor(images[number - 1], cv2.COLOR_BGR2RGB)
