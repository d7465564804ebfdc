"""The archive section's long jobs: separator sheets for a list of records, and a batch split.

**Separator sheets** (Ctrl+P): the clerk picks a records file (JSON, as
``workstation archive separators`` reads it) and where to save the sheets; the
PDF is made off the UI thread (:func:`~workstation.archive.sheets.separator_sheets`)
and then, when a printer is given, printed.

**Split** (Ctrl+T): the clerk picks the scanned batch (a folder of page images
or a PDF) and an output folder; :func:`~workstation.archive.batch.split` runs on
the ``io`` executor (it drives its own process pool) and reports each page, so
the bar shows pages done, pages per minute and time left. Esc cancels between
pages; what was done is kept and a later run resumes there. When the split
ends, :attr:`BatchTools.split_done` hands its folder to the section, which opens
it for review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from workstation.archive.batch import Progress, split
from workstation.archive.metadata import load_records
from workstation.archive.sheets import separator_sheets
from workstation.i18n import tr
from workstation.scan.pipeline import DigitizeOptions
from workstation.services import Services
from workstation.tasks import TaskContext
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import BackgroundTask, run_in_background

PDF_SUFFIX = ".pdf"


class PdfPrinter(Protocol):
    """Prints a PDF file; ``parent`` is the widget a dialog may open over."""

    def print_pdf(self, path: Path, parent: QWidget | None) -> bool: ...


def progress_text(progress: Progress) -> str:
    """ "12/40 trang · 18 trang/phút · còn khoảng 2 phút" for the clerk."""
    if progress.seconds_left is None:
        return tr(
            "archive_ui2.split.progress_unknown",
            done=progress.done,
            total=progress.total,
            rate=f"{progress.pages_per_minute:.0f}",
        )
    minutes, seconds = divmod(round(progress.seconds_left), 60)
    return tr(
        "archive_ui2.split.progress",
        done=progress.done,
        total=progress.total,
        rate=f"{progress.pages_per_minute:.0f}",
        left=f"{minutes}:{seconds:02d}",
    )


def scanned_pages(source: Path) -> list[Path]:
    """The page files of a batch: the files of a folder in name order, or the one PDF."""
    if source.is_dir():
        return sorted(p for p in source.iterdir() if p.is_file() and not p.name.startswith("."))
    return [source]


def _write_sheets(records_file: Path, out: Path) -> int:
    records = load_records(records_file)
    separator_sheets(records, out)
    return len(records)


class _SplitRun:
    """One split: its inputs, and the latest progress its worker reported."""

    def __init__(self, inputs: list[Path], out: Path, options: DigitizeOptions) -> None:
        self.inputs = inputs
        self.out = out
        self.options = options
        self.latest: Progress | None = None

    def __call__(self, context: TaskContext) -> Path:
        def report(progress: Progress) -> None:
            self.latest = progress
            context.progress("split", progress.done, progress.total)

        split(
            self.inputs,
            self.out,
            self.options,
            progress=report,
            cancelled=lambda: context.token.cancelled,
        )
        return self.out


class BatchTools(QWidget):
    """Actions and progress for separator sheets and splits, shown above the batch review."""

    sheets_written = Signal(object)
    split_done = Signal(object)
    split_stopped = Signal()
    failed = Signal(object)

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        printer: PdfPrinter | None = None,
        ocr: bool = True,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.printer = printer
        self.ocr = ocr
        self.task: BackgroundTask | None = None
        self._run: _SplitRun | None = None

        self.sheets_action = QAction(tr("archive_ui2.sheets"), self)
        set_shortcuts(self.sheets_action, "Ctrl+P")
        self.sheets_action.triggered.connect(self.choose_sheets)
        self.split_action = QAction(tr("archive_ui2.split"), self)
        set_shortcuts(self.split_action, "Ctrl+T")
        self.split_action.triggered.connect(self.choose_split)
        self.split_pdf_action = QAction(tr("archive_ui2.split.pdf"), self)
        set_shortcuts(self.split_pdf_action, "Ctrl+Shift+T")
        self.split_pdf_action.triggered.connect(self.choose_split_pdf)
        self.cancel_action = QAction(tr("archive_ui2.split.cancel"), self)
        set_shortcuts(self.cancel_action, "Esc")
        self.cancel_action.triggered.connect(self.cancel)
        self.cancel_action.setEnabled(False)

        self.bar = QProgressBar(self)
        self.bar.setVisible(False)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.cancel_button = QPushButton(tr("archive_ui2.split.cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.cancel_button)

    def actions_for(self) -> list[QAction]:
        """The actions the section puts in its toolbar."""
        return [self.sheets_action, self.split_action, self.split_pdf_action, self.cancel_action]

    # Separator sheets -----------------------------------------------------------

    def choose_sheets(self) -> None:
        records, _ = QFileDialog.getOpenFileName(
            self, tr("archive_ui2.sheets.records"), "", "JSON (*.json)"
        )
        if not records:
            return
        out, _ = QFileDialog.getSaveFileName(self, tr("archive_ui2.sheets"), "", "PDF (*.pdf)")
        if out:
            self.make_sheets(Path(records), Path(out))

    def make_sheets(self, records_file: Path, out: Path) -> None:
        """Write one separator sheet per record of ``records_file`` to ``out``, then print."""
        if out.suffix.lower() != PDF_SUFFIX:
            out = out.with_name(out.name + PDF_SUFFIX)
        run_in_background(
            self,
            lambda: _write_sheets(records_file, out),
            lambda count: self._sheets_done(out, count),
            self._failed,
            executor="io",
        )

    def _sheets_done(self, out: Path, count: int) -> None:
        self.label.setText(tr("archive_ui2.sheets.written", count=count))
        if self.printer is not None:
            self.printer.print_pdf(out, self)
        self.sheets_written.emit(out)

    # Split ---------------------------------------------------------------------

    def choose_split(self) -> None:
        source = QFileDialog.getExistingDirectory(self, tr("archive_ui2.split.source"))
        if not source:
            return
        out = QFileDialog.getExistingDirectory(self, tr("archive_ui2.split.output"))
        if out:
            self.start_split(Path(source), Path(out))

    def choose_split_pdf(self) -> None:
        source, _ = QFileDialog.getOpenFileName(
            self, tr("archive_ui2.split.pdf"), "", "PDF (*.pdf)"
        )
        if not source:
            return
        out = QFileDialog.getExistingDirectory(self, tr("archive_ui2.split.output"))
        if out:
            self.start_split(Path(source), Path(out))

    def start_split(self, source: Path, out: Path) -> None:
        """Split the batch at ``source`` (a folder of pages or a PDF) into ``out``."""
        if self.task is not None:
            return
        options = DigitizeOptions(language=self.services.settings.ocr_languages, ocr=self.ocr)
        self._run = _SplitRun(scanned_pages(source), out, options)
        self.bar.setRange(0, 0)
        self.bar.setVisible(True)
        self.cancel_button.setVisible(True)
        self.cancel_action.setEnabled(True)
        self.split_action.setEnabled(False)
        self.split_pdf_action.setEnabled(False)
        self.label.setText(tr("archive_ui2.split.starting"))
        self.task = run_in_background(
            self,
            self._run,
            self._split_done,
            self._failed,
            executor="io",
            on_progress=self._progressed,
        )
        self.task.cancelled.connect(self._cancelled)

    def _progressed(self, _step: str, done: int, total: int) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        latest = self._run.latest if self._run is not None else None
        if latest is not None:
            self.label.setText(progress_text(latest))

    def cancel(self) -> None:
        """Stop the split between pages; the pages done stay for a later run."""
        if self.task is not None:
            self.label.setText(tr("archive_ui2.split.cancelling"))
            self.task.cancel()

    def _finish(self) -> None:
        self.task = None
        self.bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self.cancel_action.setEnabled(False)
        self.split_action.setEnabled(True)
        self.split_pdf_action.setEnabled(True)

    def _split_done(self, out: Path) -> None:
        self._finish()
        self.label.setText(tr("archive_ui2.split.done"))
        self.split_done.emit(out)

    def _cancelled(self) -> None:
        self._finish()
        self.label.setText(tr("archive_ui2.split.cancelled"))
        self.split_stopped.emit()

    def _failed(self, error: BaseException) -> None:
        if self.task is not None:
            self._finish()
        message: Any = getattr(error, "user_message", None)
        self.label.setText(message() if message else str(error))
        self.failed.emit(error)
