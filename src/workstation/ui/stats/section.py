"""The statistics section (Thống kê): a period's figures against the agency's targets.

The officer picks the period, how to split it and whether to group by procedure
or sector; the figures are counted on the ``db`` executor (core:
:func:`workstation.stats.report.counter_report`) and shown as a table (count,
total, rate, target, met) beside bars of each rate against its target, and under
them the trend of each chosen rate per sub-period against its target
(:mod:`workstation.ui.stats.trend`). Export writes the same report as an Excel workbook.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.audit import STATS_EXPORTED, record_action
from workstation.domain import clock
from workstation.i18n import current_language, tr
from workstation.services import Services
from workstation.stats.measures import Period, Report
from workstation.stats.report import counter_report
from workstation.stats.workbook import write_workbook
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import run_in_background
from workstation.ui.section import Section
from workstation.ui.stats.chart import RateBars
from workstation.ui.stats.trend import TREND_MEASURES, TrendChart, trend_of

COLUMNS = ("measure", "count", "total", "rate", "target", "met")
# Counts only: their rate out of received is the channel split, shown in the table.
NOT_CHARTED = {"received", "late"}
# The breakdown per period or group: the counts and the rates the agency is measured on.
BREAKDOWN = (
    "received",
    "online",
    "dossiers_digitised",
    "components_digitised",
    "results_digitised",
    "on_time",
)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}".replace("%", " %")


class StatsSection(Section):
    title_key = "section.stats"

    report_shown = Signal(object)
    exported = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.report: Report | None = None
        today = clock.local(clock.now()).date()

        self.first_edit = QDateEdit(QDate(today.year, today.month, 1))
        self.last_edit = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.first_edit, self.last_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.period_box = QComboBox()
        for period in Period:
            self.period_box.addItem(tr(f"stats_ui.period.{period.value}"), period.value)
        self.period_box.setCurrentIndex(1)
        self.by_box = QComboBox()
        for by in ("none", "procedure", "sector"):
            self.by_box.addItem(tr(f"stats_ui.by.{by}"), None if by == "none" else by)
        self.show_button = QPushButton(tr("stats_ui.show"))
        self.show_button.clicked.connect(self.load)
        self.export_button = QPushButton(tr("stats_ui.export"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.choose_export)
        export_action = QAction(tr("stats_ui.export"), self)
        set_shortcuts(export_action, "Ctrl+E")
        export_action.triggered.connect(self.choose_export)
        self.addAction(export_action)

        # Two short rows rather than one long one: the section fits beside the navigation
        # on an 800-pixel-wide screen as well as on the counter's 1366 × 768.
        dates = QHBoxLayout()
        choices = QHBoxLayout()
        for row, label, widget in (
            (dates, "stats_ui.from", self.first_edit),
            (dates, "stats_ui.to", self.last_edit),
            (choices, "stats_ui.period", self.period_box),
            (choices, "stats_ui.by", self.by_box),
        ):
            row.addWidget(QLabel(tr(label)))
            row.addWidget(widget)
        dates.addWidget(self.show_button)
        dates.addStretch(1)
        choices.addWidget(self.export_button)
        choices.addStretch(1)

        self.note = QLabel()
        self.note.setWordWrap(True)
        # Whose targets these are, and why the officer cannot change them here.
        self.targets_note = QLabel()
        self.targets_note.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(f"stats.column.{c}") for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        self.bars = RateBars()
        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.addWidget(QLabel(tr("stats_ui.chart")))
        chart_layout.addWidget(self.bars)
        self.trend = TrendChart()
        # Which rates the trend draws: a menu of checkable measures keeps the pane narrow.
        self.trend_choice = QToolButton()
        self.trend_choice.setText(tr("stats_ui.trend.measures"))
        self.trend_choice.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.trend_choice)
        self.trend_actions: dict[str, QAction] = {}
        for name in TREND_MEASURES:
            action = menu.addAction(tr(f"stats.measure.{name}"))
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(self._show_trend)
            self.trend_actions[name] = action
        self.trend_choice.setMenu(menu)
        trend_title = QHBoxLayout()
        trend_title.addWidget(QLabel(tr("stats_ui.trend")), 1)
        trend_title.addWidget(self.trend_choice)
        chart_layout.addLayout(trend_title)
        chart_layout.addWidget(self.trend)
        chart_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(chart_box)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(dates)
        layout.addLayout(choices)
        layout.addWidget(self.note)
        layout.addWidget(self.targets_note)
        self.breakdown = QTableWidget(0, 1 + len(BREAKDOWN))
        self.breakdown.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.breakdown.verticalHeader().setVisible(False)
        self.breakdown.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.breakdown.horizontalHeader().setMinimumSectionSize(40)
        self.breakdown.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.breakdown.setWordWrap(True)

        rows = QSplitter(Qt.Orientation.Vertical)
        rows.addWidget(splitter)
        rows.addWidget(self.breakdown)
        rows.setStretchFactor(0, 3)
        rows.setStretchFactor(1, 1)
        layout.addWidget(rows, 1)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if self.report is None:
            self.load()

    def refresh(self) -> None:
        if self.report is not None and self.isVisible():
            self.load()

    def period(self) -> tuple[date, date]:
        return self.first_edit.date().toPython(), self.last_edit.date().toPython()  # type: ignore[return-value]

    def load(self) -> None:
        """Count the chosen period's figures off the UI thread, then show them."""
        first, last = self.period()
        settings = self.services.settings
        op = partial(
            _count,
            self.services,
            first,
            last,
            settings.agency_code,
            Period(self.period_box.currentData()),
            self.by_box.currentData(),
        )
        self.show_button.setEnabled(False)
        run_in_background(self, op, self._show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        from workstation.ui.errors import show_error

        self.show_button.setEnabled(True)
        show_error(self, exc)

    def _show(self, counted: tuple[Report, Path | None]) -> None:
        report, locked_by = counted
        self.report = report
        self.show_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.note.setText(tr("stats.illustrative") if report.targets_illustrative else "")
        self.targets_note.setText(targets_note(report.targets_origin, locked_by))
        measures = report.overall.measures
        self.table.setRowCount(len(measures))
        for row, m in enumerate(measures):
            met = m.meets_target
            cells = (
                tr(f"stats.measure.{m.name}"),
                str(m.count),
                str(m.total),
                _percent(m.rate),
                _percent(m.target),
                "" if met is None else tr("stats_ui.met_yes" if met else "stats_ui.met_no"),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 5 and met is not None:
                    item.setForeground(QColor("#2e7d32" if met else "#c62828"))
                self.table.setItem(row, column, item)
        self.bars.set_bars(
            [
                (tr(f"stats.measure.{m.name}"), m.rate, m.target)
                for m in measures
                if m.rate is not None and m.name not in NOT_CHARTED
            ]
        )
        self._show_breakdown(report)
        self._show_trend()
        self.report_shown.emit(report)

    def chosen_trend_measures(self) -> list[str]:
        """The measures the trend draws, in the breakdown's order."""
        return [name for name, action in self.trend_actions.items() if action.isChecked()]

    def _show_trend(self) -> None:
        """The chosen rates per sub-period (always by period, even when grouped)."""
        if self.report is None:
            return
        self.trend.set_trend(*trend_of(self.report, self.chosen_trend_measures()))

    def _show_breakdown(self, report: Report) -> None:
        """One row per group (procedure or sector) if grouped, else per sub-period."""
        groups = report.by_group or report.by_period
        first = "stats.column.group" if report.by_group else "stats.column.period"
        labels = [tr(first)] + [tr(f"stats.measure.{name}") for name in BREAKDOWN]
        for column, label in enumerate(labels):
            header = QTableWidgetItem(label)
            header.setToolTip(label)  # the whole label where a narrow column elides it
            self.breakdown.setHorizontalHeaderItem(column, header)
        self.breakdown.setRowCount(len(groups))
        for row, figures in enumerate(groups):
            self.breakdown.setItem(row, 0, QTableWidgetItem(figures.key))
            for column, name in enumerate(BREAKDOWN, start=1):
                m = figures[name]
                text = str(m.count) if name == "received" else _percent(m.rate)
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if m.meets_target is False:
                    item.setForeground(QColor("#c62828"))
                self.breakdown.setItem(row, column, item)

    def choose_export(self) -> None:
        if self.report is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, tr("stats_ui.export"), "thong-ke.xlsx", "Excel (*.xlsx)"
        )
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        """Write the shown report to ``path`` off the UI thread."""
        if self.report is None:
            return
        op = partial(write_workbook, self.report, path, current_language())
        database = self.services.database
        recorded = ("db", lambda _written: record_action(database, STATS_EXPORTED))
        run_in_background(
            self, op, lambda _: self.exported.emit(str(path)), executor="io", then=[recorded]
        )


def _count(
    services: Services,
    first: date,
    last: date,
    agency: str,
    period: Period,
    by: str | None,
) -> tuple[Report, Path | None]:
    report = counter_report(
        services.database,
        services.catalogue,
        services.stats_targets(),
        first=first,
        last=last,
        agency=agency,
        now=clock.now(),
        period=period,
        by=by,
    )
    return report, services.locked_by("stats_targets")


def targets_note(origin: str, locked_by: Path | None) -> str:
    """Where the targets come from, and why they are read-only here: the administrator's
    file (locked machine-wide or set in the settings), the central system, the shipped one."""
    if origin == "settings" and locked_by is not None:
        return tr("desktop.targets.locked", path=str(locked_by))
    return tr(f"desktop.targets.{origin}")
