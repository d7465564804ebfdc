"""The statistics as an Excel workbook laid out as provincial reports are.

One sheet of figures (every measure with its count, total, rate, target and
whether it is met; then the same per period and per group), one sheet of the
dossiers behind them (number, code, procedure, channel, status, dates, what was
digitised): ids and codes only, no names.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workstation.domain.clock import VIETNAM
from workstation.errors import ExternalPartError
from workstation.i18n import translate
from workstation.stats.measures import Figures, Report

PERCENT = "0.0%"


def write_workbook(report: Report, path: Path, language: str = "vi") -> None:
    """Write ``report`` to ``path`` (.xlsx), labels in ``language``."""

    def t(key: str, **params: object) -> str:
        return translate(key, language, **params)

    book = Workbook()
    sheet = book.active
    sheet.title = t("stats.sheet.figures")
    sheet.append(
        [t("stats.title", first=f"{report.first:%d/%m/%Y}", last=f"{report.last:%d/%m/%Y}")]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([report.agency])
    if report.targets_illustrative:
        sheet.append([t("stats.illustrative")])
    sheet.append([])
    _figures_block(sheet, t, None, [report.overall])
    if report.by_period:
        sheet.append([])
        _figures_block(sheet, t, t("stats.column.period"), list(report.by_period))
    if report.by_group:
        sheet.append([])
        _figures_block(sheet, t, t("stats.column.group"), list(report.by_group))
    _widths(sheet, [44, 12, 12, 12, 12, 10, 16])

    dossiers = book.create_sheet(t("stats.sheet.dossiers"))
    header = ["#", "code", "procedure", "channel", "status", "received", "due", "done"]
    header += ["components", "digitised", "reused", "result file", "handed over"]
    dossiers.append(header)
    for cell in dossiers[1]:
        cell.font = Font(bold=True)
    for f in report.dossiers:
        dossiers.append(
            [
                f.number,
                f.code or "",
                f.procedure_code,
                f.channel,
                f.status,
                f.received_on,
                None if f.due_at is None else f.due_at.astimezone(VIETNAM).replace(tzinfo=None),
                None if f.done_at is None else f.done_at.astimezone(VIETNAM).replace(tzinfo=None),
                len(f.components),
                sum(1 for c in f.components if c.digitised),
                sum(1 for c in f.components if c.reused),
                f.result_documents,
                int(f.handed_over),
            ]
        )
    _widths(dossiers, [6, 24, 12, 12, 8, 12, 18, 18, 12, 10, 8, 10, 12])
    try:
        book.save(path)
    except OSError as exc:
        raise ExternalPartError(
            f"cannot write the workbook {path}: {exc}", code="stats.workbook_unwritable"
        ) from exc


def _figures_block(sheet, t, key_label: str | None, groups: list[Figures]) -> None:  # type: ignore[no-untyped-def]
    columns = ["measure", "count", "total", "rate", "target", "met"]
    header = ([key_label] if key_label else []) + [t(f"stats.column.{c}") for c in columns]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for figures in groups:
        for m in figures.measures:
            met = m.meets_target
            row = [
                t(f"stats.measure.{m.name}"),
                m.count,
                m.total,
                m.rate,
                m.target,
                "" if met is None else ("✓" if met else "✗"),
            ]
            sheet.append(([figures.key] if key_label else []) + row)
            offset = 1 if key_label else 0
            for column in (4, 5):
                sheet.cell(sheet.max_row, column + offset).number_format = PERCENT


def _widths(sheet, widths: list[int]) -> None:  # type: ignore[no-untyped-def]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
