"""Turning a stored document's bytes into a page image, off the UI thread.

:func:`render_page` runs on the ``io`` executor. Every page, image or PDF, is
decoded by the core's one decoder (:func:`workstation.pages.render_page`:
Pillow for images, PDFium for PDF pages), the same that decided at intake that
the file could be shown; its pixels are copied into a ``QImage`` that owns
them. No Qt image reader is used: one reading from a buffer that died first
crashed the program on TIFF pages. Nothing here is a widget: ``QImage`` may be
built off the UI thread.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from workstation import pages

IMAGE_TYPES = pages.IMAGE_TYPES
PDF_TYPE = pages.PDF_TYPE


def render_page(data: bytes, media_type: str, number: int, name: str = "") -> QImage:
    """Page ``number`` (from 1) of a document's bytes as an image; BadInput if unreadable."""
    return to_qimage(pages.render_page(data, media_type, number, name=name))


def to_qimage(rgb: np.ndarray) -> QImage:
    """An RGB array (height × width × 3, uint8) as a ``QImage`` holding its own copy."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    height, width, _ = rgb.shape
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
