"""Rates against targets as horizontal bars, painted with QPainter (QtCharts is not in the
Essentials wheel): one bar per measure that has a rate, a tick at its target."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from workstation.i18n import tr

MET = QColor("#2e7d32")
NOT_MET = QColor("#c62828")
NO_TARGET = QColor("#1565c0")
TARGET = QColor("#212121")


class RateBars(QWidget):
    """Bars of ``(label, rate, target)``; rate and target between 0 and 1, target may be None."""

    ROW = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[tuple[str, float, float | None]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setToolTip(tr("stats_ui.chart"))

    def set_bars(self, bars: list[tuple[str, float, float | None]]) -> None:
        self.bars = bars
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(400, max(1, len(self.bars)) * self.ROW + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, max(1, len(self.bars)) * self.ROW + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        label_width = min(
            self.width() // 2,
            max((metrics.horizontalAdvance(b[0]) for b in self.bars), default=0) + 8,
        )
        value_width = metrics.horizontalAdvance("100.0 %") + 8
        bar_width = max(10, self.width() - label_width - value_width - 8)
        for row, (label, rate, target) in enumerate(self.bars):
            top = 4 + row * self.ROW
            text_rect = QRectF(0, top, label_width - 4, self.ROW)
            painter.setPen(self.palette().text().color())
            elided = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 4)
            painter.drawText(
                text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, elided
            )
            colour = NO_TARGET if target is None else (MET if rate >= target else NOT_MET)
            painter.fillRect(
                QRectF(label_width, top + 4, bar_width * min(rate, 1.0), self.ROW - 8), colour
            )
            if target is not None:
                x = label_width + bar_width * min(target, 1.0)
                painter.setPen(TARGET)
                painter.drawLine(int(x), top + 1, int(x), top + self.ROW - 1)
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(label_width + bar_width + 4, top, value_width, self.ROW),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                f"{rate:.1%}".replace("%", " %"),
            )
        painter.end()
