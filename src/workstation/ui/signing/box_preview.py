"""A page preview on which the officer drags the signature's box.

The page is rendered off the UI thread (``io``) at a fixed width; the drag is
kept in widget pixels and turned into PDF points (from the page's bottom
left, as the signer takes them) with the page's size, so the box lands where
it was drawn whatever the page's size.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workstation.i18n import tr
from workstation.ui.background import run_in_background
from workstation.ui.errors import user_message

RENDER_WIDTH = 420


def render_for_box(data: bytes, number: int) -> tuple[QImage, list[tuple[float, float]]]:
    """Page ``number`` (from 1) as an image and every page's size in points (``io``)."""
    from workstation import pages
    from workstation.sign.anchor import page_geometry
    from workstation.ui.dossiers.render import to_qimage

    sizes = page_geometry(data)
    image = to_qimage(pages.render_page(data, pages.PDF_TYPE, number, width=RENDER_WIDTH))
    return image, sizes


class PageCanvas(QWidget):
    """The page image; a left-button drag draws the box (``box_drawn`` when released)."""

    box_drawn = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        self.rect_px: QRect | None = None
        self._origin: QPoint | None = None
        self.resize(RENDER_WIDTH, 200)

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.rect_px = None
        self.setFixedSize(image.width(), image.height())
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self.image.isNull():
            self._origin = event.position().toPoint()
            self.rect_px = QRect(self._origin, self._origin)
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._origin is not None:
            self.rect_px = QRect(self._origin, event.position().toPoint()).normalized()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._origin is not None and event.button() == Qt.MouseButton.LeftButton:
            self.rect_px = QRect(self._origin, event.position().toPoint()).normalized()
            self.rect_px = self.rect_px.intersected(self.image.rect())
            self._origin = None
            self.update()
            self.box_drawn.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if not self.image.isNull():
            painter.drawImage(0, 0, self.image)
        if self.rect_px is not None:
            painter.setPen(QPen(QColor("#c62828"), 2, Qt.PenStyle.DashLine))
            painter.fillRect(self.rect_px, QColor(198, 40, 40, 40))
            painter.drawRect(self.rect_px)
        painter.end()


class BoxPreview(QWidget):
    """Pages of one PDF with the box the officer drags; :meth:`box` in PDF points."""

    page_shown = Signal(int)
    box_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = b""
        self.sizes: list[tuple[float, float]] = []
        self._request = 0
        # A box from the officer's profile, drawn when its page is shown (page from 0, points).
        self.offered: tuple[int, tuple[float, float, float, float]] | None = None
        self.page_box = QSpinBox()
        self.page_box.setMinimum(1)
        self.page_box.setPrefix(tr("signing.preview.page") + " ")
        self.page_box.valueChanged.connect(self._render)
        self.hint = QLabel(tr("signing.preview.hint"))
        self.hint.setWordWrap(True)
        self.canvas = PageCanvas()
        self.canvas.box_drawn.connect(self.box_changed)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll.setMinimumWidth(160)
        bar = QHBoxLayout()
        bar.addWidget(self.page_box)
        bar.addWidget(self.hint, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)

    def show_pdf(self, data: bytes) -> None:
        self.data = data
        self.page_box.blockSignals(True)
        self.page_box.setValue(self.offered[0] + 1 if self.offered else 1)
        self.page_box.blockSignals(False)
        self._render()

    def offer_box(self, page: int | None, box: tuple[float, float, float, float] | None) -> None:
        """Draw ``box`` (PDF points) on ``page`` (from 0) when that page is shown next;
        None: no box offered."""
        self.offered = (page or 0, box) if box is not None else None

    def _draw_offered(self, number: int) -> None:
        if self.offered is None or self.offered[0] != number - 1 or not self.sizes:
            return
        image = self.canvas.image
        width_pt, height_pt = self.sizes[number - 1]
        x1, y1, x2, y2 = self.offered[1]
        scale = image.width() / width_pt
        rect = QRect(
            QPoint(round(x1 * scale), round((height_pt - y2) * scale)),
            QPoint(round(x2 * scale) - 1, round((height_pt - y1) * scale) - 1),
        )
        self.canvas.rect_px = rect.intersected(image.rect())
        self.canvas.update()
        self.offered = None  # offered once; the officer may drag another

    def clear(self) -> None:
        self._request += 1
        self.data = b""
        self.sizes = []
        self.canvas.set_image(QImage())
        self.box_changed.emit()

    def _render(self) -> None:
        if not self.data:
            return
        self._request += 1
        request, data, number = self._request, self.data, self.page_box.value()

        def shown(result: tuple[QImage, list[tuple[float, float]]]) -> None:
            if request != self._request:
                return
            image, self.sizes = result
            self.page_box.setMaximum(max(1, len(self.sizes)))
            self.canvas.set_image(image)
            self._draw_offered(number)
            self.hint.setText(tr("signing.preview.hint"))
            self.box_changed.emit()
            self.page_shown.emit(number)

        def failed(exc: BaseException) -> None:
            if request == self._request:
                self.hint.setText(user_message(exc))
                self.page_shown.emit(0)

        run_in_background(self, lambda: render_for_box(data, number), shown, failed, "io")

    def page(self) -> int:
        """The page shown, from 0."""
        return self.page_box.value() - 1

    def box(self) -> tuple[float, float, float, float] | None:
        """The dragged box in PDF points from the page's bottom left, or None."""
        rect = self.canvas.rect_px
        image = self.canvas.image
        if rect is None or rect.isEmpty() or image.isNull() or not self.sizes:
            return None
        width_pt, height_pt = self.sizes[self.page()]
        scale = width_pt / image.width()
        x1 = rect.left() * scale
        x2 = (rect.right() + 1) * scale
        top = height_pt - rect.top() * scale
        bottom = height_pt - (rect.bottom() + 1) * scale
        return (round(x1, 1), round(bottom, 1), round(x2, 1), round(top, 1))
