"""Showing one page of a stored document: page images with Qt's image readers, PDFs with QtPdf.

:func:`render_page` turns a document's bytes into a :class:`QImage` and runs on
the ``io`` executor (``QImage`` and ``QPdfDocument`` may be used off the UI
thread; QtPdf serialises its engine itself). :class:`PagePreview` asks for a
page, then scales the image to its width as a ``QPixmap`` on the UI thread.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPainter, QPixmap, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from workstation.domain import Document
from workstation.errors import BadInput, WorkstationError
from workstation.i18n import tr
from workstation.store import BlobStore
from workstation.ui.background import run_in_background
from workstation.ui.errors import show_error, user_message

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


class PagePreview(QWidget):
    """One document's pages, one at a time, scaled to the panel's width.

    ``page_shown(number)`` is emitted when a page is on screen, or when it could
    not be shown (the panel then says why); ``number`` is 0 for "nothing to show".
    """

    page_shown = Signal(int)

    def __init__(self, blobs: BlobStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blobs = blobs
        self.document: Document | None = None
        self.image = QImage()
        self._request = 0

        self.page_box = QSpinBox()
        self.page_box.setMinimum(1)
        self.page_box.setPrefix(tr("preview.page") + " ")
        self.page_box.valueChanged.connect(self._page_chosen)
        self.page_count_label = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.page_box)
        bar.addWidget(self.page_count_label)
        bar.addStretch(1)

        self.page_label = QLabel()
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.page_label.setWordWrap(True)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.page_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        self.clear()

    def pixmap(self) -> QPixmap:
        """The page as shown (null when no page is shown)."""
        return self.page_label.pixmap()

    def clear(self, message: str = "") -> None:
        self._request += 1
        self.document = None
        self.image = QImage()
        self.page_label.clear()
        self.page_label.setText(message)
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(1)
        self.page_box.setValue(1)
        self.page_box.blockSignals(False)
        self.page_box.setEnabled(False)
        self.page_count_label.clear()

    def show_document(self, document: Document | None, number: int = 1) -> None:
        """Show page ``number`` of ``document`` (``None``: say the dossier has no file)."""
        if document is None:
            self.clear(tr("preview.no_document"))
            self.page_shown.emit(0)
            return
        self.document = document
        pages = max(1, document.page_count)
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(pages)
        self.page_box.setValue(min(number, pages))
        self.page_box.blockSignals(False)
        self.page_box.setEnabled(pages > 1)
        self.page_count_label.setText(tr("preview.page_of", count=pages))
        self._render(min(number, pages))

    def _page_chosen(self, number: int) -> None:
        if self.document is not None:
            self._render(number)

    def _render(self, number: int) -> None:
        self._request += 1
        request = self._request
        document = self.document
        assert document is not None
        blobs = self.blobs
        self.page_label.setPixmap(QPixmap())
        self.page_label.setText(tr("preview.rendering"))

        def render() -> QImage:
            data = blobs.read(document.sha256)
            return render_page(data, document.media_type, number, document.file_name)

        run_in_background(
            self,
            render,
            lambda image: self._rendered(request, number, image),
            lambda exc: self._render_failed(request, exc),
            executor="io",
        )

    def _rendered(self, request: int, number: int, image: QImage) -> None:
        if request != self._request:
            return
        self.image = image
        self._fit()
        self.page_shown.emit(number)

    def _render_failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self.image = QImage()
        self.page_label.setPixmap(QPixmap())
        self.page_label.setText(user_message(exc))
        if not isinstance(exc, WorkstationError):
            show_error(self.window(), exc)
        self.page_shown.emit(0)

    def _fit(self) -> None:
        if self.image.isNull():
            return
        # Leave room for the vertical scroll bar a tall page brings, so no horizontal one appears.
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        width = max(200, self.scroll.contentsRect().width() - bar - 4)
        scaled = QPixmap.fromImage(self.image).scaledToWidth(
            min(width, self.image.width()), Qt.TransformationMode.SmoothTransformation
        )
        self.page_label.setPixmap(scaled)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()
