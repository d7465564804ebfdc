"""Scanning a stack from a device in the archive section, resumably, then splitting it.

The clerk picks the scanner and, if known, the stack's size in pages (or takes
it from the records file the separator sheets were printed from), then Ctrl+K
("Scan a stack from a device…") and a folder for the batch. The run goes
through :func:`~workstation.archive.scanrun.scan_batch` on the scanner's own
serial executor (``scanner:<id>``, as the capture section drives a device), so
each page is kept in the batch folder as it arrives; the line below shows the
pages kept, pages per minute and time left. Esc stops between pages.

When the run stops (a jam, an empty feeder, the scanner gone, Esc) the line
says how many pages are kept and from which sheet to put the stack back, and
Ctrl+Shift+K ("Continue the batch") appends the next pages after the last kept
one. Once the declared stack is in, or on the clerk's Ctrl+Shift+L for a batch
of unknown size, :attr:`StackScanner.split_requested` hands the batch folder
to the section, which splits it (:class:`~workstation.ui.archive.runs.BatchTools`)
into its ``records`` folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from workstation.archive.metadata import load_records
from workstation.archive.scanrun import (
    FEEDER_EMPTY,
    ScanOutcome,
    ScanProgress,
    fit_source,
    kept_pages,
    scan_batch,
    stack_size,
)
from workstation.i18n import tr
from workstation.scan.devices.base import DeviceInfo
from workstation.scan.devices.profiles import profile
from workstation.services import Services
from workstation.tasks import TaskContext
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import BackgroundTask, register_executor, run_in_background

PROFILE = "archive-text"
SPLIT_FOLDER = "records"
"""Where in the batch folder the split writes its records (not taken as a page: a folder)."""
NOT_SCANNERS = frozenset({"files"})
"""Devices that import files rather than scan paper: a stack is not fed through them."""


def progress_text(progress: ScanProgress) -> str:
    """ "Đã giữ 120 trang · 24 trang/phút · còn khoảng 9:10" for the clerk."""
    rate = f"{progress.pages_per_minute:.0f}"
    if progress.seconds_left is None:
        return tr("archive_scan.progress_unknown", kept=progress.kept, rate=rate)
    minutes, seconds = divmod(round(progress.seconds_left), 60)
    return tr(
        "archive_scan.progress", kept=progress.kept, rate=rate, left=f"{minutes}:{seconds:02d}"
    )


def outcome_text(outcome: ScanOutcome) -> str:
    """What the clerk does next after a run: continue from which sheet, or the batch is in."""
    params = {"kept": outcome.kept, "next": outcome.next_sheet}
    if outcome.complete and outcome.expected is not None:
        return tr("archive_scan.complete", kept=outcome.kept)
    if outcome.stopped == FEEDER_EMPTY:
        return tr("archive_scan.feeder_empty", **params)
    if outcome.stopped == "device.jammed":
        return tr("archive_scan.jammed", **params)
    reason = tr(f"error.{outcome.stopped}", pages=outcome.kept)
    return tr("archive_scan.failed", reason=reason, **params)


@dataclass
class _ScanRun:
    """One run: the device, the batch, the declared size, the latest progress."""

    services: Services
    device_id: str
    batch: Path
    resume: bool
    expected: int | None
    latest: ScanProgress | None = None
    kept: list[int] = field(default_factory=list)

    def __call__(self, context: TaskContext) -> ScanOutcome:
        device = self.services.open_capture_device(self.device_id)
        data = self.services.folders.data
        settings = fit_source(profile(PROFILE, data).settings(), device.options())

        def report(progress: ScanProgress) -> None:
            self.latest = progress
            context.progress("scan", progress.kept, progress.total)

        try:
            return scan_batch(
                device,
                settings,
                self.batch,
                resume=self.resume,
                expected=self.expected,
                progress=report,
                cancelled=lambda: context.token.cancelled,
            )
        finally:
            close = getattr(device, "close", None)
            if close is not None:
                close()


class StackScanner(QWidget):
    """The scanner, the stack's size and the scan / continue / split actions, with progress."""

    devices_listed = Signal(int)
    run_ended = Signal(object)
    """A run stopped (:class:`~workstation.archive.scanrun.ScanOutcome`)."""
    split_requested = Signal(object, object)
    """(batch folder, output folder): the section splits the batch."""
    failed = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.batch: Path | None = None
        self.task: BackgroundTask | None = None
        self._run: _ScanRun | None = None

        self.scan_action = QAction(tr("archive_scan.action"), self)
        set_shortcuts(self.scan_action, "Ctrl+K")
        self.scan_action.triggered.connect(self.choose_batch)
        self.continue_action = QAction(tr("archive_scan.continue"), self)
        set_shortcuts(self.continue_action, "Ctrl+Shift+K")
        self.continue_action.triggered.connect(self.continue_batch)
        self.split_action = QAction(tr("archive_scan.split"), self)
        set_shortcuts(self.split_action, "Ctrl+Shift+L")
        self.split_action.triggered.connect(self.split_batch)
        self.stop_action = QAction(tr("archive_scan.stop"), self)
        set_shortcuts(self.stop_action, "Esc")
        self.stop_action.triggered.connect(self.stop)

        self.device_box = QComboBox(self)
        self.device_box.setAccessibleName(tr("archive_scan.device"))
        self.size_box = QSpinBox(self)
        self.size_box.setRange(0, 100_000)
        self.size_box.setAccessibleName(tr("archive_scan.pages"))
        self.size_box.setToolTip(tr("archive_scan.pages"))
        self.records_button = QPushButton(tr("archive_scan.from_records"), self)
        self.records_button.clicked.connect(self.choose_records)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(tr("archive_scan.device"), self))
        layout.addWidget(self.device_box)
        layout.addWidget(self.size_box)
        layout.addWidget(self.records_button)
        layout.addWidget(self.label, 1)
        self._enable()

    def actions_for(self) -> list[QAction]:
        """The actions the section puts in its toolbar."""
        return [self.scan_action, self.continue_action, self.split_action, self.stop_action]

    # Devices and the stack's size -------------------------------------------------

    def load_devices(self) -> None:
        """List the scanners (off the UI thread) into the device box."""
        run_in_background(self, self.services.capture_devices, self._listed, self._failed, "io")

    def _listed(self, found: list[DeviceInfo]) -> None:
        current = self.device_box.currentData()
        self.device_box.clear()
        for device in found:
            if device.id not in NOT_SCANNERS:
                self.device_box.addItem(device.name, device.id)
        if current is not None and (row := self.device_box.findData(current)) >= 0:
            self.device_box.setCurrentIndex(row)
        if self.device_box.count() == 0:
            self.label.setText(tr("archive_scan.no_device"))
        self._enable()
        self.devices_listed.emit(self.device_box.count())

    def choose(self, device_id: str) -> None:
        """Pick a listed scanner, as the clerk would."""
        self.device_box.setCurrentIndex(self.device_box.findData(device_id))

    def choose_records(self) -> None:
        """Take the stack's size from a records file (its page counts, one sheet each)."""
        path, _ = QFileDialog.getOpenFileName(
            self, tr("archive_ui2.sheets.records"), "", "JSON (*.json)"
        )
        if path:
            self.use_records(Path(path))

    def use_records(self, path: Path) -> None:
        """Set the stack's size from the records file at ``path`` (read off the UI thread)."""
        run_in_background(
            self,
            lambda: stack_size(load_records(path)),
            lambda size: self.size_box.setValue(size or 0),
            self._failed,
            "io",
        )

    # Runs ----------------------------------------------------------------------------

    def choose_batch(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("archive_scan.choose_batch"))
        if folder:
            self.start(Path(folder))

    def continue_batch(self) -> None:
        """Append the next pages to the batch after its last kept page."""
        if self.batch is None:
            folder = QFileDialog.getExistingDirectory(self, tr("archive_scan.choose_batch"))
            if not folder:
                return
            self.batch = Path(folder)
        self.start(self.batch, resume=True)

    def start(self, batch: Path, *, resume: bool = False) -> None:
        """Scan into ``batch`` on the chosen scanner (``resume``: after its last kept page)."""
        device_id = self.device_box.currentData()
        if self.task is not None:
            return
        if device_id is None:
            self.label.setText(tr("archive_scan.no_device"))
            return
        self.batch = batch
        size = self.size_box.value() or None
        self._run = _ScanRun(self.services, device_id, batch, resume, size)
        executor = f"scanner:{device_id}"
        register_executor(executor)
        self.label.setText(tr("archive_scan.starting"))
        self.task = run_in_background(
            self,
            self._run,
            self._ended,
            self._failed,
            executor,
            on_progress=self._progressed,
        )
        self.task.cancelled.connect(self._cancelled)
        self._enable()

    def _progressed(self, _step: str, _done: int, _total: int) -> None:
        latest = self._run.latest if self._run is not None else None
        if latest is not None:
            self.label.setText(progress_text(latest))

    def stop(self) -> None:
        """Stop the run between pages; every page kept stays in the batch."""
        if self.task is not None:
            self.task.cancel()

    def _ended(self, outcome: ScanOutcome) -> None:
        self.task = None
        self.label.setText(outcome_text(outcome))
        self._enable()
        self.run_ended.emit(outcome)
        if outcome.complete and outcome.expected is not None:
            self.split_batch()

    def _cancelled(self) -> None:
        self.task = None
        latest = self._run.latest if self._run is not None else None
        if latest is not None:
            kept = latest.kept
        else:  # stopped before a page of this run: a listing of the one folder
            kept = len(kept_pages(self.batch)) if self.batch is not None else 0
        self.label.setText(tr("archive_scan.cancelled", kept=kept, next=kept + 1))
        self._enable()

    def _failed(self, error: BaseException) -> None:
        self.task = None
        message: Any = getattr(error, "user_message", None)
        self.label.setText(message() if message else str(error))
        self._enable()
        self.failed.emit(error)

    def split_batch(self) -> None:
        """Hand the batch to the section's split, into its ``records`` folder."""
        if self.batch is not None and self.task is None:
            self.split_requested.emit(self.batch, self.batch / SPLIT_FOLDER)

    def _enable(self) -> None:
        running = self.task is not None
        has_device = self.device_box.count() > 0
        self.scan_action.setEnabled(not running and has_device)
        self.continue_action.setEnabled(not running and has_device and self.batch is not None)
        self.split_action.setEnabled(not running and self.batch is not None)
        self.stop_action.setEnabled(running)
        self.device_box.setEnabled(not running)
        self.size_box.setEnabled(not running)
