"""Turning a stored document's bytes into a page image, off the UI thread.

:func:`render_page` runs on the ``io`` executor: page images are read with
Qt's image readers, PDF pages are rendered with QtPdf. Nothing here is a
widget: ``QImage``, ``QPainter`` on an image and ``QPdfDocument`` may be used
off the UI thread (QtPdf serialises its engine itself).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QPainter
from PySide6.QtPdf import QPdfDocument

from workstation.errors import BadInput

log = logging.getLogger(__name__)

IMAGE_TYPES = {"image/png", "image/jpeg", "image/tiff"}
PDF_TYPE = "application/pdf"
PDF_RENDER_WIDTH = 1240  # pixels across an A4 page: 150 dpi, sharp enough to read a form


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
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    try:
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready or number > document.pageCount():
            log.info("QtPdf cannot open the document: %s", document.error())
            return QImage()
        points = document.pagePointSize(number - 1)
        if points.width() <= 0 or points.height() <= 0:
            return QImage()
        height = round(PDF_RENDER_WIDTH * points.height() / points.width())
        image = document.render(number - 1, QSize(PDF_RENDER_WIDTH, height))
        # QtPdf leaves the background transparent; a page is paper.
        page = QImage(image.size(), QImage.Format.Format_RGB32)
        page.fill(Qt.GlobalColor.white)
        painter = QPainter(page)
        painter.drawImage(0, 0, image)
        painter.end()
        return page
    finally:
        document.close()
        buffer.close()
