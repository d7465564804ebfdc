"""Showing one page of a stored document, scaled to the panel's width.

:class:`PagePreview` asks :func:`~workstation.ui.dossiers.render.render_page`
for a page on the ``io`` executor, then scales the image to its width as a
``QPixmap`` on the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from workstation.domain import Document
from workstation.errors import WorkstationError
from workstation.i18n import tr
from workstation.store import BlobStore
from workstation.ui.background import run_in_background
from workstation.ui.dossiers.render import render_page
from workstation.ui.errors import show_error, user_message


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
        self._on_screen: tuple[str, int] | None = None  # (sha256, page) drawn right now

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
        self._on_screen = None
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
        """Show page ``number`` of ``document`` (``None``: say the dossier has no file; one
        whose local copy the retention purge removed: say the central system holds it)."""
        if document is None:
            self.clear(tr("preview.no_document"))
            self.page_shown.emit(0)
            return
        if not document.held_here:  # purged by retention: the central system holds it
            self.clear(tr("retention.held_centrally"))
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
        if self._on_screen == (document.sha256, min(number, pages)):
            # The same page again (the dossier reloaded): keep it, do not flash "rendering".
            self.page_shown.emit(min(number, pages))
            return
        self._render(min(number, pages))

    def _page_chosen(self, number: int) -> None:
        if self.document is not None:
            self._render(number)

    def _render(self, number: int) -> None:
        self._request += 1
        self._on_screen = None
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
        self._on_screen = (self.document.sha256, number) if self.document else None
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
