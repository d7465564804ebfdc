"""Turning a stored document's bytes into a page image, off the UI thread.

:func:`render_page` runs on the ``io`` executor: page images are read with
Qt's image readers, PDF pages by the core's renderer
(:func:`workstation.pages.render_page`, PDFium). Nothing here is a widget:
``QImage`` may be built off the UI thread.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QImageReader

from workstation import pages
from workstation.errors import BadInput

log = logging.getLogger(__name__)

IMAGE_TYPES = pages.IMAGE_TYPES
PDF_TYPE = pages.PDF_TYPE


def render_page(data: bytes, media_type: str, number: int, name: str = "") -> QImage:
    """Page ``number`` (from 1) of a document's bytes as an image; BadInput if unreadable."""
    if media_type == PDF_TYPE:
        image = _render_pdf_page(data, number)
    elif media_type in IMAGE_TYPES:
        image = _read_image_page(data, number)
    else:
        raise BadInput(
            f"cannot preview {media_type}", code="preview.unsupported", media_type=media_type
        )
    if image.isNull():
        raise BadInput(
            f"page {number} of a {media_type} document cannot be shown",
            code="preview.unreadable",
            page=number,
            name=name,
        )
    return image


def _read_image_page(data: bytes, number: int) -> QImage:
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    if number > 1 and not reader.jumpToImage(number - 1):
        return QImage()
    image = reader.read()
    buffer.close()
    return image


def _render_pdf_page(data: bytes, number: int) -> QImage:
    try:
        rgb = pages.render_page(data, PDF_TYPE, number)
    except BadInput:
        return QImage()
    height, width, _ = rgb.shape
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
