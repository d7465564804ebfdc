"""The capture view: pick a device and a profile, scan, review the pages, save.

Pages appear in the :class:`~workstation.ui.capture.page_strip.PageStrip` as
the device delivers them and get their thumbnail once processed. Nothing
heavy runs on the UI thread:

- each batch runs on its device's own serial executor (``scanner:<device id>``,
  registered with :func:`~workstation.ui.background.register_executor`), so two
  scanners work side by side but one scanner never gets two jobs at once (a
  second batch on the same scanner waits for the first); the batch puts each
  arriving page in a plain queue and says so through the task's progress;
- each page's clean-up, OCR and encoding run in the process pool (``cpu``),
  again whenever the officer turns the page or says it is not blank;
- saving writes the PDF/A on ``io`` and adds it to the dossier on ``db``.

The officer can reorder (drag, or Ctrl+Left/Right), turn (R, L), delete
(Delete), rescan a page in place (Ctrl+Shift+R: the new page takes the
selected page's place), review the pages flagged blank (F3 goes to the next
one, B keeps it as a real page; a blank page is never dropped unless the
officer deletes it), choose a page's colour over the profile's (C: colour,
grey, black-and-white, back to the profile; a seal, signature, photo or
handwriting keeps its page in colour whatever the choice), and put a manual
duplex batch (fronts, then backs last sheet first) in reading order. Import
files… (Ctrl+O) adds the pages of image and PDF files to the batch through
the ``files`` device, processed like scanned pages. Cancel (Esc) stops the scanners between pages;
every page already captured stays, on disk and in the strip. Device and
page failures are told in the message line, in the officer's language.
"""

from __future__ import annotations

import logging
import queue
import uuid
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workstation.errors import BadInput, WorkstationError
from workstation.i18n import current_language, tr
from workstation.scan.devices.base import Device, DeviceInfo
from workstation.scan.devices.files import DEVICE_ID as FILES_DEVICE
from workstation.scan.devices.files import FileImport
from workstation.scan.devices.profiles import Profile, load_profiles
from workstation.scan.duplex import interleave_batch
from workstation.scan.pipeline import DigitizeOptions
from workstation.scan.policy import policy_for
from workstation.scan.review import Arrival, ReviewedPage, process_for_review
from workstation.services import Services
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import register_executor, run_in_background
from workstation.ui.capture.address_entry import EsclAddressEntry
from workstation.ui.capture.page_strip import PageStrip, colour_name, describe
from workstation.ui.capture.pages import CapturedPage, PageState
from workstation.ui.capture.runs import ScanRun, executor_for, scan_batch
from workstation.ui.capture.save_actions import SaveActions
from workstation.ui.errors import user_message

log = logging.getLogger(__name__)

HIDDEN_BACKENDS = ("files",)
"""Devices the capture view does not offer (file import has its own way in: Import files…)."""


class CaptureView(SaveActions, QWidget):
    """Scan, review and save captured pages (the Số hóa section's content)."""

    devices_loaded = Signal(int)
    scanner_added = Signal(str)
    """The officer typed an eSCL address and the scanner answered: its device id."""
    page_arrived = Signal(int)
    page_processed = Signal(int)
    batch_finished = Signal(str)
    """A batch ended (whole, cancelled or failed): its device id."""
    saved = Signal(object)
    """The stored document (into a dossier) or the PDF's path (standalone)."""
    document_added = Signal(object)
    """A document joined a dossier (the store changed): the stored document."""
    message_shown = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.pages: dict[int, CapturedPage] = {}
        self.runs: list[ScanRun] = []
        self.profiles: dict[str, Profile] = {}
        self.folders: list[Path] = []

        self.device_box = QComboBox()
        self.device_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.device_box.setMinimumContentsLength(18)
        self.device_box.setAccessibleName(tr("capture_ui.device"))
        self.profile_box = QComboBox()
        self.profile_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.profile_box.setMinimumContentsLength(18)
        self.profile_box.setAccessibleName(tr("capture_ui.profile"))
        self.profile_box.currentIndexChanged.connect(self._profile_chosen)
        self.scan_button = QPushButton(tr("capture_ui.scan"))
        self.cancel_button = QPushButton(tr("capture_ui.cancel"))
        self.cancel_button.setEnabled(False)
        self.reload_button = QPushButton(tr("capture_ui.reload_devices"))
        self.import_button = QPushButton(tr("capture_ui.import_files"))
        self.address_entry = EsclAddressEntry(services)
        self.address_entry.added.connect(self._scanner_added)
        self.address_entry.failed.connect(self.show_message)

        self.strip = PageStrip()
        self.strip.reordered.connect(self._renumber)
        self.strip.itemSelectionChanged.connect(self._show_selected)
        self.details = QLabel(tr("capture_ui.details.none"))
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel(tr("capture_ui.status.idle"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.message.setAccessibleName(tr("capture_ui.message"))

        self.dossier_edit = QLineEdit()
        self.dossier_edit.setPlaceholderText(tr("capture_ui.dossier_placeholder"))
        self.component_edit = QLineEdit()
        self.component_edit.setPlaceholderText(tr("capture_ui.component_placeholder"))
        self.save_dossier_button = QPushButton(tr("capture_ui.save_dossier"))
        self.save_pdf_button = QPushButton(tr("capture_ui.save_pdf"))

        self._build_actions()
        self._lay_out()
        self.scan_button.clicked.connect(lambda: self.scan())
        self.cancel_button.clicked.connect(self.cancel)
        self.reload_button.clicked.connect(self.load_devices)
        self.import_button.clicked.connect(self.choose_files)
        self.save_dossier_button.clicked.connect(self.save_to_dossier)
        self.save_pdf_button.clicked.connect(self.choose_pdf)
        self._update()

    # Layout and actions ----------------------------------------------------------

    def _action(self, key: str, slot, *shortcuts: object) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(tr(key), self)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        set_shortcuts(action, *shortcuts)  # type: ignore[arg-type]
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.scan_action = self._action("capture_ui.scan", lambda: self.scan(), "Ctrl+Return")
        self.import_action = self._action("capture_ui.import_files", self.choose_files, "Ctrl+O")
        self.cancel_action = self._action("capture_ui.cancel", self.cancel, "Escape")
        self.earlier_action = self._action(
            "capture_ui.move_earlier", lambda: self.strip.move_selected(-1), "Ctrl+Left"
        )
        self.later_action = self._action(
            "capture_ui.move_later", lambda: self.strip.move_selected(1), "Ctrl+Right"
        )
        self.rotate_right_action = self._action(
            "capture_ui.rotate_right", lambda: self.rotate_selected(1), "R"
        )
        self.rotate_left_action = self._action(
            "capture_ui.rotate_left", lambda: self.rotate_selected(-1), "L"
        )
        self.delete_action = self._action(
            "capture_ui.delete", self.delete_selected, QKeySequence.StandardKey.Delete
        )
        self.rescan_action = self._action("capture_ui.rescan", self.rescan_selected, "Ctrl+Shift+R")
        self.next_blank_action = self._action("capture_ui.next_blank", self.next_blank, "F3")
        self.keep_action = self._action("capture_ui.not_blank", self.keep_selected, "B")
        self.colour_action = self._action(
            "capture_ui.colour_cycle", self.cycle_colour_selected, "C"
        )
        self.interleave_action = self._action(
            "capture_ui.interleave", self.interleave, "Ctrl+Shift+D"
        )
        self.save_dossier_action = self._action(
            "capture_ui.save_dossier", self.save_to_dossier, "Ctrl+S"
        )
        self.save_pdf_action = self._action("capture_ui.save_pdf", self.choose_pdf, "Ctrl+Shift+S")

    def _lay_out(self) -> None:
        choose = QHBoxLayout()
        device_label = QLabel(tr("capture_ui.device"))
        device_label.setBuddy(self.device_box)
        profile_label = QLabel(tr("capture_ui.profile"))
        profile_label.setBuddy(self.profile_box)
        # two rows, so the section fits a 1366-pixel counter screen beside the navigation
        choose.addWidget(device_label)
        choose.addWidget(self.device_box, 2)
        choose.addWidget(self.reload_button)
        start = QHBoxLayout()
        start.addWidget(profile_label)
        start.addWidget(self.profile_box, 2)
        start.addWidget(self.scan_button)
        start.addWidget(self.cancel_button)
        start.addWidget(self.import_button)

        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            self.earlier_action, self.later_action, self.rotate_left_action,
            self.rotate_right_action, self.delete_action, self.rescan_action,
            self.next_blank_action, self.keep_action, self.colour_action,
            self.interleave_action,
        ):  # fmt: skip
            toolbar.addAction(action)

        save = QFormLayout()
        save.addRow(tr("capture_ui.dossier"), self.dossier_edit)
        save.addRow(tr("capture_ui.component"), self.component_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_dossier_button)
        buttons.addWidget(self.save_pdf_button)
        buttons.addStretch(1)
        save.addRow(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.address_entry)
        layout.addLayout(start)
        layout.addWidget(toolbar)
        layout.addWidget(self.strip, 1)
        layout.addWidget(self.details)
        progress = QHBoxLayout()
        progress.addWidget(self.progress, 1)
        progress.addWidget(self.status, 2)
        layout.addLayout(progress)
        layout.addWidget(self.message)
        layout.addLayout(save)

    # Devices and profiles ------------------------------------------------------

    def load_devices(self) -> None:
        """List the devices and profiles (off the UI thread: SANE may take seconds)."""
        services = self.services

        def listing() -> tuple[list[DeviceInfo], dict[str, Profile]]:
            devices = [d for d in services.capture_devices() if d.backend not in HIDDEN_BACKENDS]
            return devices, load_profiles(services.folders.data)

        self.reload_button.setEnabled(False)
        run_in_background(self, listing, self._devices_listed, self._listing_failed, "io")

    def _devices_listed(self, found: tuple[list[DeviceInfo], dict[str, Profile]]) -> None:
        devices, profiles = found
        chosen = self.device_box.currentData()
        self.device_box.clear()
        for device in devices:
            self.device_box.addItem(device.name, device.id)
        if chosen is not None and self.device_box.findData(chosen) >= 0:
            self.device_box.setCurrentIndex(self.device_box.findData(chosen))
        self.profiles = profiles
        if self.profile_box.count() == 0:
            english = current_language() == "en"
            for name, profile in profiles.items():
                self.profile_box.addItem(profile.label_en if english else profile.label_vi, name)
        self.reload_button.setEnabled(True)
        if not devices:
            self.show_message(tr("capture_ui.no_devices"))
        self._update()
        self.devices_loaded.emit(len(devices))

    def _scanner_added(self, device: DeviceInfo) -> None:
        if self.device_box.findData(device.id) < 0:
            self.device_box.addItem(device.name, device.id)
        self.device_box.setCurrentIndex(self.device_box.findData(device.id))
        self.show_message("")
        self._update()
        self.scanner_added.emit(device.id)

    def _listing_failed(self, error: BaseException) -> None:
        self.reload_button.setEnabled(True)
        self.show_message(user_message(error))
        self.devices_loaded.emit(0)

    def _profile_chosen(self, _index: int) -> None:
        profile = self.profiles.get(self.profile_box.currentData())
        if profile is not None and profile.device:
            row = self.device_box.findData(profile.device)
            if row >= 0:
                self.device_box.setCurrentIndex(row)

    def choose(self, device_id: str, profile: str | None = None) -> None:
        """Pick a listed device (and a profile by name), as the officer would."""
        if profile is not None:
            self.profile_box.setCurrentIndex(self.profile_box.findData(profile))
        self.device_box.setCurrentIndex(self.device_box.findData(device_id))

    # Scanning ------------------------------------------------------------------

    def scan(self, *, max_pages: int | None = None, replace_id: int | None = None) -> None:
        """Start a batch on the chosen device with the chosen profile."""
        device_id = self.device_box.currentData()
        if device_id is None:
            self.show_message(tr("capture_ui.choose_device"))
            return
        self._start(device_id, self.services.open_capture_device, max_pages, replace_id)

    def choose_files(self) -> None:
        """Ask which image or PDF files to add to the batch, then add them."""
        paths, _ = QFileDialog.getOpenFileNames(
            self, tr("capture_ui.import_files"), str(Path.home()), tr("capture_ui.import_filter")
        )
        if paths:
            self.import_files([Path(p) for p in paths])

    def import_files(self, paths: list[Path]) -> None:
        """Add the pages of image and PDF files to the batch, processed like scanned pages.

        The files go through the ``files`` device (checked, copied into a batch
        folder, their pages offered one by one) on its own serial executor,
        with the chosen profile's clean-up, colour policy and OCR. A PDF that
        already has a text layer or a signature is kept whole by that device
        and cannot be merged with pages: it is told as a failed page.
        """
        if not paths:
            return
        chosen = list(paths)
        self._start(FILES_DEVICE, lambda _device_id: FileImport(chosen), None, None)

    def _start(
        self,
        device_id: str,
        opener: Callable[[str], Device],
        max_pages: int | None,
        replace_id: int | None,
    ) -> None:
        profile = self.profiles.get(self.profile_box.currentData())
        if profile is None:
            self.show_message(tr("capture_ui.choose_device"))
            return
        try:
            policy = policy_for(profile.purpose)
        except WorkstationError as exc:
            self.show_message(user_message(exc))
            return
        options = DigitizeOptions(
            language=self.services.settings.ocr_languages,
            tesseract=self.services.settings.tesseract,
            jobs=1,
            colour=profile.colour,
            purpose=profile.purpose,
            deskew=profile.deskew,
            blank_threshold=profile.blank_threshold,
        )
        settings = profile.settings()
        if max_pages is not None:
            settings = replace(settings, max_pages=max_pages)
        folder = self.services.folders.data / "capture" / uuid.uuid4().hex
        self.folders.append(folder)
        run = ScanRun(device_id, folder, options, profile.name, policy, replace_id=replace_id)
        self.show_message("")
        name = executor_for(device_id)
        register_executor(name)
        op = partial(scan_batch, opener, device_id, settings, folder, run.arrivals)
        run.task = run_in_background(
            self,
            op,
            lambda count, run=run: self._batch_ended(run, None),
            lambda error, run=run: self._batch_ended(run, error),
            name,
            on_progress=lambda _step, _done, _total, run=run: self._take_arrivals(run),
        )
        run.task.cancelled.connect(lambda run=run: self._batch_ended(run, None))
        self.runs.append(run)
        log.info("capture batch started on %s with profile %s", device_id, profile.name)
        self._update()

    def cancel(self) -> None:
        """Stop every running batch between pages; the pages already captured stay."""
        for run in self.runs:
            if run.task is not None:
                run.task.cancel()

    def _take_arrivals(self, run: ScanRun) -> None:
        while True:
            try:
                arrival = run.arrivals.get_nowait()
            except queue.Empty:
                break
            self._arrived(run, arrival)
        self._update()

    def _arrived(self, run: ScanRun, arrival: Arrival) -> None:
        source = arrival.source
        page = CapturedPage(source, run.options, run.policy, run.device_id)  # type: ignore[arg-type]
        row = None
        if run.replace_id is not None and run.replace_id in self.pages:
            row = self.strip.row_of(run.replace_id)
            self.strip.remove_page(run.replace_id)
            del self.pages[run.replace_id]
            run.replace_id = None
        self.pages[page.id] = page
        self.strip.add_page(page, row)
        if arrival.error is not None or source is None:
            page.state = PageState.FAILED
            page.error = user_message(arrival.error) if arrival.error else ""
            self.show_message(page.error)
        else:
            self._process(page)
        self._renumber()
        self.page_arrived.emit(page.id)

    def _batch_ended(self, run: ScanRun, error: BaseException | None) -> None:
        if run not in self.runs:
            return
        self._take_arrivals(run)
        self.runs.remove(run)
        if error is not None:
            self.show_message(user_message(error))
        log.info("capture batch on %s ended", run.device_id)
        self._update()
        self.batch_finished.emit(run.device_id)

    # Processing ----------------------------------------------------------------

    def _process(self, page: CapturedPage) -> None:
        page.generation += 1
        page.state = PageState.PROCESSING
        page.error = ""
        generation = page.generation
        run_in_background(
            self,
            partial(process_for_review, page.job()),
            lambda result, pid=page.id, g=generation: self._processed(pid, g, result, None),
            lambda error, pid=page.id, g=generation: self._processed(pid, g, None, error),
            "cpu",
        )

    def _processed(
        self,
        page_id: int,
        generation: int,
        result: ReviewedPage | None,
        error: BaseException | None,
    ) -> None:
        page = self.pages.get(page_id)
        if page is None or page.generation != generation:
            return  # deleted or sent again meanwhile
        if error is not None:
            page.state = PageState.FAILED
            page.error = user_message(error)
            self.show_message(page.error)
        else:
            page.state = PageState.READY
            page.result = result
        self.strip.show_page(page, self.strip.row_of(page_id) + 1)
        if page_id in self.strip.selected_ids():
            self._show_selected()
        self._update()
        self.page_processed.emit(page_id)

    # Page actions ----------------------------------------------------------------

    def rotate_selected(self, quarter_turns: int) -> None:
        """Turn the selected pages by quarter turns (1: clockwise) and process them again."""
        for page_id in self.strip.selected_ids():
            page = self.pages[page_id]
            if page.source is None:
                continue
            page.quarter_turns = (page.quarter_turns + quarter_turns) % 4
            self._process(page)
        self._renumber()
        self._update()

    def delete_selected(self) -> None:
        """Remove the selected pages from the document (their files stay in the batch folder)."""
        ids = self.strip.selected_ids()
        if not ids:
            return
        row = self.strip.row_of(ids[0])
        for page_id in ids:
            self.strip.remove_page(page_id)
            self.pages.pop(page_id, None)
        if self.strip.count():
            self.strip.setCurrentRow(min(row, self.strip.count() - 1))
        self._renumber()
        self._update()

    def keep_selected(self) -> None:
        """The selected pages flagged blank are real pages: unflag them and recognise them."""
        for page_id in self.strip.selected_ids():
            page = self.pages[page_id]
            if page.flagged_blank:
                page.not_blank = True
                self._process(page)
        self._renumber()
        self._update()

    def cycle_colour_selected(self) -> None:
        """Give the selected pages the next colour choice (profile, colour, grey,
        black-and-white) and process them again; a page with a seal, signature, photo or
        handwriting stays in colour whatever the choice."""
        ids = [i for i in self.strip.selected_ids() if self.pages[i].source is not None]
        if not ids:
            return
        choice = self.pages[ids[0]].next_colour()
        for page_id in ids:
            page = self.pages[page_id]
            page.colour = choice
            self._process(page)
        self.status.setText(tr("capture_ui.status.colour", choice=colour_name(choice)))
        self._renumber()
        self._show_selected()

    def next_blank(self) -> None:
        """Select the next page flagged blank (after the current one, wrapping)."""
        ids = self.strip.page_ids()
        if not ids:
            return
        start = self.strip.currentRow() + 1
        for offset in range(len(ids)):
            row = (start + offset) % len(ids)
            if self.pages[ids[row]].flagged_blank:
                self.strip.setCurrentRow(row)
                return
        self.status.setText(tr("capture_ui.no_blank"))

    def rescan_selected(self) -> None:
        """Scan one page on the chosen device into the selected page's place."""
        ids = self.strip.selected_ids()
        if len(ids) != 1:
            self.show_message(tr("capture_ui.rescan_one"))
            return
        self.scan(max_pages=1, replace_id=ids[0])

    def interleave(self) -> None:
        """Manual duplex: all pages are the fronts, then the backs last sheet first."""
        try:
            order = interleave_batch(self.strip.page_ids())
        except BadInput as exc:
            self.show_message(user_message(exc))
            return
        self.strip.reorder(order)

    # State shown -----------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        if text:
            self.message_shown.emit(text)

    def _renumber(self) -> None:
        self.strip.renumber(self.pages)

    def _show_selected(self) -> None:
        ids = self.strip.selected_ids()
        if len(ids) != 1:
            self.details.setText(tr("capture_ui.details.none"))
            return
        page = self.pages[ids[0]]
        self.details.setText(describe(page, self.strip.row_of(page.id) + 1))

    def _update(self) -> None:
        pages = list(self.pages.values())
        done = sum(1 for p in pages if p.state is not PageState.PROCESSING)
        scanning = bool(self.runs)
        if scanning and not pages:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, max(1, len(pages)))
            self.progress.setValue(done if pages else 0)
        blank = sum(1 for p in pages if p.flagged_blank)
        if scanning:
            text = tr("capture_ui.status.scanning", pages=len(pages), done=done)
        elif pages:
            text = tr("capture_ui.status.pages", pages=len(pages), done=done, blank=blank)
        else:
            text = self.status.text() if self.status.text() else tr("capture_ui.status.idle")
        self.status.setText(text)
        self.cancel_button.setEnabled(scanning)
        self.cancel_action.setEnabled(scanning)
        has_device = self.device_box.count() > 0
        self.scan_button.setEnabled(has_device)
        self.scan_action.setEnabled(has_device)
        self.interleave_action.setEnabled(len(pages) >= 2 and not scanning)
