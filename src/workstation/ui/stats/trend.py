"""Rates per period against their targets as lines, painted with QPainter (QtCharts is not
in the Essentials wheel, and no plotting library is bundled for one chart).

The points come from the report's per-period breakdown (``Report.by_period``, the
figures the section's breakdown table shows when not grouped): for each chosen
measure, one point per sub-period at its rate, and its target of that period as a
dashed line in the same colour (targets have effective dates, so the line can
step). A period with nothing to count leaves a gap in its line.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from workstation.i18n import tr
from workstation.stats.measures import Report

TREND_MEASURES = (
    "online",
    "dossiers_digitised",
    "components_digitised",
    "results_digitised",
    "on_time",
)
"""The rates the agency is measured on, in the breakdown table's order."""
COLOURS = {
    "online": QColor("#1565c0"),
    "dossiers_digitised": QColor("#6a1b9a"),
    "components_digitised": QColor("#ef6c00"),
    "results_digitised": QColor("#00838f"),
    "on_time": QColor("#2e7d32"),
}
GRID = QColor("#bdbdbd")
DOT = 3.5


@dataclass(frozen=True)
class TrendSeries:
    """One measure's rate and target per period (None: nothing counted, or no target)."""

    name: str
    label: str
    rates: tuple[float | None, ...]
    targets: tuple[float | None, ...]


def trend_of(
    report: Report, names: tuple[str, ...] | list[str]
) -> tuple[list[str], list[TrendSeries]]:
    """The periods' keys and, for each measure of ``names``, its series from ``by_period``."""
    keys = [figures.key for figures in report.by_period]
    series = [
        TrendSeries(
            name,
            tr(f"stats.measure.{name}"),
            tuple(figures[name].rate for figures in report.by_period),
            tuple(figures[name].target for figures in report.by_period),
        )
        for name in names
    ]
    return keys, series


class TrendChart(QWidget):
    """Lines of each series' rate per period, its target dashed; 0 to 100 % upwards."""

    LEGEND_ROW = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keys: list[str] = []
        self.series: list[TrendSeries] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setToolTip(tr("stats_ui.trend"))

    def set_trend(self, keys: list[str], series: list[TrendSeries]) -> None:
        self.keys = keys
        self.series = series
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 240 + self._legend_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 160 + self._legend_height())

    def _legend_height(self) -> int:
        return max(1, len(self.series)) * self.LEGEND_ROW + 4

    def plot_area(self) -> QRectF:
        """Where the lines go: inside the axis labels, below the legend."""
        metrics = self.fontMetrics()
        left = metrics.horizontalAdvance("100 %") + 8
        top = self._legend_height() + metrics.height() // 2
        bottom = metrics.height() + 8
        return QRectF(
            left, top, max(10, self.width() - left - 12), max(10, self.height() - top - bottom)
        )

    def point(self, index: int, rate: float) -> QPointF:
        """Where the rate of period ``index`` is drawn (periods spread evenly)."""
        area = self.plot_area()
        step = area.width() / max(1, len(self.keys))
        x = area.left() + step * (index + 0.5)
        y = area.bottom() - area.height() * max(0.0, min(rate, 1.0))
        return QPointF(x, y)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().text().color()
        metrics = painter.fontMetrics()
        area = self.plot_area()
        # Legend: one row per measure, a solid swatch for the rate, a dashed one for the target.
        for row, series in enumerate(self.series):
            y = 2 + row * self.LEGEND_ROW + self.LEGEND_ROW / 2
            colour = COLOURS.get(series.name, text)
            painter.setPen(QPen(colour, 2))
            painter.drawLine(QPointF(4, y), QPointF(22, y))
            painter.setPen(QPen(colour, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(26, y), QPointF(44, y))
            painter.setPen(text)
            label = tr("stats_ui.trend.legend", measure=series.label)
            painter.drawText(
                QRectF(50, y - self.LEGEND_ROW / 2, self.width() - 54, self.LEGEND_ROW),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                metrics.elidedText(label, Qt.TextElideMode.ElideRight, self.width() - 54),
            )
        # Axes: 0, 50 and 100 %.
        for rate in (0.0, 0.5, 1.0):
            y = area.bottom() - area.height() * rate
            painter.setPen(GRID)
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(text)
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, area.left() - 4, metrics.height()),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                f"{rate:.0%}".replace("%", " %"),
            )
        if not self.keys:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, tr("stats_ui.trend.empty"))
            painter.end()
            return
        # Period keys under the axis, as many as fit without overlapping.
        step = area.width() / len(self.keys)
        every = max(1, int((metrics.horizontalAdvance("2026-03-31") + 8) // max(1.0, step)) + 1)
        for index, key in enumerate(self.keys):
            if index % every:
                continue
            x = self.point(index, 0).x()
            painter.drawText(
                QRectF(x - step * every / 2, area.bottom() + 4, step * every, metrics.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                key,
            )
        for series in self.series:
            colour = COLOURS.get(series.name, text)
            self._line(painter, series.targets, QPen(colour, 1, Qt.PenStyle.DashLine), step=True)
            self._line(painter, series.rates, QPen(colour, 2), step=False)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            for index, rate in enumerate(series.rates):
                if rate is not None:
                    painter.drawEllipse(self.point(index, rate), DOT, DOT)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.end()

    def _line(
        self, painter: QPainter, values: tuple[float | None, ...], pen: QPen, *, step: bool
    ) -> None:
        """Join consecutive values (a gap at None); ``step``: flat across each period."""
        painter.setPen(pen)
        half = self.plot_area().width() / max(1, len(self.keys)) / 2
        previous: QPointF | None = None
        for index, value in enumerate(values):
            if value is None:
                previous = None
                continue
            here = self.point(index, value)
            if step:
                left, right = QPointF(here.x() - half, here.y()), QPointF(here.x() + half, here.y())
                if previous is not None:
                    painter.drawLine(previous, left)
                painter.drawLine(left, right)
                previous = right
            else:
                if previous is not None:
                    painter.drawLine(previous, here)
                previous = here
