"""The main window: navigation on the left, the chosen section on the right, menus, status bar.

The window knows sections only through :class:`~workstation.ui.section.Section`
and the list it is given (by default :data:`~workstation.ui.sections.SECTIONS`).
The status bar shows how many outbox messages wait for the central system
and how many need the officer, counted on the ``db`` executor after each change
and on a timer, and beside it the link to the central system
(:func:`workstation.sync.status.connection`): "not connected" without an
address, "not sending yet" while the services have no sender, online or
offline once a :class:`~workstation.ui.outbox.sync_worker.SyncWorker` runs the
sender's rounds. A :class:`~workstation.ui.notices.Notifier` puts the same state on
a tray icon and tells the officer what needs them (:mod:`workstation.notices`).
Closing the window stops the timers and pauses the worker.

The window opens at most 1280×800 and never larger than 90 % of the screen's
available area, so the status bar stays in sight on a 1366×768 counter screen.
"""

from __future__ import annotations

import logging
import platform
from collections.abc import Sequence

import PySide6
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from workstation import __version__
from workstation.audit import SETTINGS_CHANGED, record_action
from workstation.config import Settings
from workstation.domain.clock import local
from workstation.errors import WorkstationError
from workstation.i18n import tr
from workstation.layouts import load_layout, save_layout
from workstation.officers import Action
from workstation.onbehalf.officer import Officer
from workstation.outbox import OutboxCounts, count_by_state
from workstation.services import Services
from workstation.sync.status import Connection, SyncSnapshot, connection
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import run_in_background
from workstation.ui.errors import show_error, user_message
from workstation.ui.housekeeping import Housekeeping
from workstation.ui.layout_memory import apply as apply_layout
from workstation.ui.layout_memory import capture as capture_layout
from workstation.ui.notices import Notifier
from workstation.ui.officers.guard import OfficerGuard
from workstation.ui.outbox.sync_worker import SyncWorker
from workstation.ui.section import Section
from workstation.ui.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)

OUTBOX_REFRESH_MS = 30_000
PREFERRED_SIZE = QSize(1280, 800)
SCREEN_SHARE = 0.9


class MainWindow(QMainWindow):
    """The workstation's window over one set of :class:`~workstation.services.Services`."""

    outbox_counted = Signal(int)
    connection_shown = Signal(str)
    layout_restored = Signal(int)  # how many parts of the officer's saved layout came back
    _sync_status_changed = Signal(object)  # a SyncSnapshot, from any thread

    def __init__(
        self,
        services: Services,
        sections: Sequence[type[Section]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if sections is None:
            from workstation.ui.sections import SECTIONS

            sections = SECTIONS
        self.services = services
        self.setWindowTitle(tr("app.name"))
        self._outbox_failure_reported = False
        self.resize(self.fitting_size())

        self.navigation = QListWidget()
        self.navigation.setIconSize(QSize(24, 24))
        self.navigation.setMaximumWidth(240)
        self.stack = QStackedWidget()
        self.sections: list[Section] = []
        for section_class in sections:
            self._add_section(section_class(services, self))
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.navigation.setCurrentRow(0)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([160, 1120])
        self.pages = QStackedWidget()  # the content; the lock page replaces it when locked
        self.pages.addWidget(splitter)
        self.setCentralWidget(self.pages)

        self._build_menus()
        self.outbox_label = QLabel(tr("status.outbox_unknown"))
        self.outbox_label.setToolTip(tr("status.outbox_tooltip"))
        self.statusBar().addPermanentWidget(self.outbox_label)
        self._outbox_timer = QTimer(self)
        self._outbox_timer.setInterval(OUTBOX_REFRESH_MS)
        self._outbox_timer.timeout.connect(self.refresh_outbox)
        self._outbox_timer.start()
        self.refresh_outbox()
        self.housekeeping = Housekeeping(services, self)
        self.housekeeping.start()

        self.connection_label = QLabel()
        self.statusBar().addPermanentWidget(self.connection_label)
        self._sync_status_changed.connect(self._show_connection)
        self._stop_observing = services.sync_status.subscribe(self._sync_status_changed.emit)
        self.sync_worker: SyncWorker | None = None
        if services.sender is not None:
            self.sync_worker = SyncWorker(services.sender, services.sync_status, parent=self)
            self.sync_worker.round_finished.connect(lambda _sent: self._changed_in(None))
            self.sync_worker.start()
        self.officer: Officer | None = None  # whose layout this is, once known
        run_in_background(self, services.officer, self._restore_layout, lambda _e: None, "io")
        self.notifier = Notifier(services, self)
        self._show_connection(services.sync_status.snapshot())
        self.notifier.start()
        self.officers = OfficerGuard(self, self.pages, self.file_menu)

    def fitting_size(self) -> QSize:
        """1280×800, or 90 % of the screen's available area if that is smaller."""
        screen = self.screen()
        if screen is None:
            return PREFERRED_SIZE
        available = screen.availableGeometry().size()
        return PREFERRED_SIZE.boundedTo(
            QSize(int(available.width() * SCREEN_SHARE), int(available.height() * SCREEN_SHARE))
        )

    # Sections --------------------------------------------------------------

    def _add_section(self, section: Section) -> None:
        self.sections.append(section)
        self.stack.addWidget(section)
        QListWidgetItem(section.title(), self.navigation)
        section.store_changed.connect(lambda: self._changed_in(section))

    def _changed_in(self, changed: Section | None) -> None:
        """The store changed (in ``changed``, or by the sender): recount, refresh the others."""
        self.refresh_outbox()
        if self.services.settings.central_url:  # a sign-in may have changed who acts
            self.officers.reload()
        for section in self.sections:
            if section is not changed:
                section.refresh()

    def section(self, section_class: type[Section]) -> Section:
        """The page of ``section_class`` (raises LookupError if the window has none)."""
        for section in self.sections:
            if isinstance(section, section_class):
                return section
        raise LookupError(section_class.__name__)

    def show_section(self, section_class: type[Section]) -> Section:
        section = self.section(section_class)
        self.navigation.setCurrentRow(self.sections.index(section))
        return section

    # Menus -----------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.file_menu = self.menuBar().addMenu(tr("menu.file"))
        self.quit_action = QAction(tr("menu.file.quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        tools_menu = self.menuBar().addMenu(tr("menu.tools"))
        self.settings_action = QAction(tr("menu.tools.settings"), self)
        # StandardKey.Preferences has no binding on Windows or Linux: name one.
        set_shortcuts(self.settings_action, "Ctrl+,", QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.open_settings)
        tools_menu.addAction(self.settings_action)

        help_menu = self.menuBar().addMenu(tr("menu.help"))
        self.shortcuts_action = QAction(tr("shortcuts.menu"), self)
        set_shortcuts(self.shortcuts_action, QKeySequence.StandardKey.HelpContents, "F1")
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        self.about_action = QAction(tr("menu.help.about"), self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def open_settings(self) -> SettingsDialog | None:
        """Open the settings dialog (non-blocking) and return it; None, with the typed
        message shown, when the officer acting now is no administrator."""
        if not self.officers.may(Action.SETTINGS):
            self.officers.refuse(Action.SETTINGS)
            return None
        dialog = SettingsDialog(self.services.folders, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settings_saved.connect(self._settings_saved)
        dialog.open()
        return dialog

    def _settings_saved(self, settings: Settings) -> None:
        log.info("settings saved; language %s, store %s", settings.language, settings.database)
        self.statusBar().showMessage(tr("status.settings_saved"))
        database = self.services.database  # who changed the settings, in the audit log
        run_in_background(
            self, lambda: record_action(database, SETTINGS_CHANGED), lambda _entry: None
        )

    def show_shortcuts(self) -> QWidget:
        """Open the list of every keyboard shortcut (non-blocking) and return it."""
        from workstation.ui.shortcuts import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.open()
        return dialog

    def show_about(self) -> QMessageBox:
        """Open the about box (non-blocking) and return it."""
        box = QMessageBox(self)
        box.setWindowTitle(tr("about.title"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            tr(
                "about.text",
                name=tr("app.name"),
                version=__version__,
                qt=PySide6.__version__,
                python=platform.python_version(),
            )
        )
        box.setIcon(QMessageBox.Icon.Information)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # Status bar ------------------------------------------------------------

    def refresh_outbox(self) -> None:
        """Count the outbox messages waiting for the central system, in the background."""
        database = self.services.database

        def count() -> OutboxCounts:
            return count_by_state(database)

        run_in_background(self, count, self._show_outbox_count, self._outbox_count_failed)

    def _show_outbox_count(self, counts: OutboxCounts) -> None:
        waiting = counts.pending + counts.sending
        text = tr("status.outbox_pending", count=waiting)
        if counts.needs_attention:
            text += " · " + tr("outbox.status.needs_attention", count=counts.needs_attention)
        self.outbox_label.setText(text)
        self.outbox_label.setToolTip(self._outbox_tooltip())
        self.outbox_counted.emit(waiting)

    def _outbox_tooltip(self) -> str:
        if self.services.sender is None:
            return tr("status.outbox_tooltip")
        return tr("outbox.status.tooltip_sending")

    @property
    def connection(self) -> Connection:
        """What the status bar says about the central system now."""
        return connection(
            self.services.sync_status.snapshot(),
            self.services.settings.central_url,
            self.services.sender is not None,
        )

    def _show_connection(self, snapshot: SyncSnapshot) -> None:
        state = connection(
            snapshot, self.services.settings.central_url, self.services.sender is not None
        )
        self.connection_label.setText(tr(f"outbox.connection.{state.value}"))
        tooltip = tr(f"outbox.connection.{state.value}.tooltip")
        if snapshot.last_success is not None:
            when = local(snapshot.last_success).strftime("%d/%m/%Y %H:%M")
            tooltip += "\n" + tr("outbox.connection.last_success", time=when)
        if state is Connection.OFFLINE and snapshot.last_error:
            tooltip += "\n" + tr("outbox.connection.last_error", code=snapshot.last_error)
        self.connection_label.setToolTip(tooltip)
        self.notifier.set_sync_state(state.value, tr(f"outbox.connection.{state.value}"))
        self.connection_shown.emit(state.value)

    def _outbox_count_failed(self, exc: BaseException) -> None:
        # A timer retries: an expected failure (the store is busy, the disk is gone)
        # is said in the tooltip; a defect goes to the error dialog, once, since a
        # dialog every 30 seconds would help nobody.
        self.outbox_label.setText(tr("status.outbox_unknown"))
        self.outbox_label.setToolTip(f"{user_message(exc)}\n{self._outbox_tooltip()}")
        if not isinstance(exc, WorkstationError) and not self._outbox_failure_reported:
            self._outbox_failure_reported = True
            show_error(self, exc)

    # Layout per officer ------------------------------------------------------

    def _restore_layout(self, officer: Officer) -> None:
        """The officer is known: give them back their window layout and column widths."""
        self.officer = officer
        restored = apply_layout(self, load_layout(self.services.folders, officer))
        log.info("window layout restored: %d part(s)", restored)
        self.layout_restored.emit(restored)

    def save_layout(self) -> None:
        """Keep the window's layout and column widths for the officer (at closing)."""
        if self.officer is None:
            return
        try:
            save_layout(self.services.folders, self.officer, capture_layout(self))
        except OSError as exc:  # a full or read-only disk: the next start uses the default
            log.warning("window layout not kept: %s", type(exc).__name__)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self._outbox_timer.stop()
        self.officers.stop()
        self.housekeeping.stop()
        self.notifier.stop()
        if self.sync_worker is not None:
            self.sync_worker.stop()
        self._stop_observing()
        self.statusBar().clearMessage()
        super().closeEvent(event)
