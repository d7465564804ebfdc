"""The "Hộp thư đi" (outbox) page: what waits for the central system, and why.

A table of every outbox message (dossier, kind, state, attempts, last error or
reason, next attempt) above a line of counts per state. The Retry action
(button and Ctrl+R) queues again the selected messages that need the officer
or wait after a failure; "Retry all" those needing the officer. The list reloads
on F5, whenever the store changes (``reload`` is connected to every section's
``store_changed`` by the window) and on a timer that runs only while the page
is shown. "Sign in…" opens the :class:`SignInDialog` when the services have a
login (the sync client's).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workstation.i18n import tr
from workstation.outbox import retry_all_needing_attention, retry_item
from workstation.services import Services
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import run_in_background
from workstation.ui.outbox.outbox_model import MESSAGE_ID_ROLE, OutboxModel
from workstation.ui.outbox.sign_in_dialog import SignInDialog
from workstation.ui.section import Section

REFRESH_MS = 15_000


class OutboxSection(Section):
    """The outbox list with its counts, the Retry actions and the way to sign in."""

    title_key = "section.outbox"
    retried = Signal(int)
    """How many messages a Retry action queued again."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.model = OutboxModel(services.database, self)
        self.model.loaded.connect(self._loaded)
        self.model.load_failed.connect(self._load_failed)
        self._keep_selected: set[str] = set()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)

        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.retry_action = QAction(tr("outbox.retry"), self)
        set_shortcuts(self.retry_action, "Ctrl+R")
        self.retry_action.triggered.connect(self.retry_selected)
        toolbar.addAction(self.retry_action)
        self.retry_all_action = QAction(tr("outbox.retry_all"), self)
        set_shortcuts(self.retry_all_action, "Ctrl+Shift+R")
        self.retry_all_action.triggered.connect(self.retry_all)
        toolbar.addAction(self.retry_all_action)
        self.reload_action = QAction(tr("outbox.reload"), self)
        set_shortcuts(self.reload_action, "F5", QKeySequence.StandardKey.Refresh)
        self.reload_action.triggered.connect(self.reload)
        toolbar.addAction(self.reload_action)
        self.sign_in_action = QAction(tr("outbox.sign_in.open"), self)
        self.sign_in_action.triggered.connect(self.open_sign_in)
        self.sign_in_action.setEnabled(services.login is not None)
        if services.login is None:
            self.sign_in_action.setToolTip(tr("outbox.sign_in.unavailable"))
        toolbar.addAction(self.sign_in_action)

        self.counts_label = QLabel(tr("outbox.loading"))
        self.counts_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(toolbar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.counts_label)

        self._timer = QTimer(self)
        self._timer.setObjectName("outbox-refresh")
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.reload)
        self._update_actions()

    # The list --------------------------------------------------------------

    def reload(self) -> None:
        """Read the outbox again, keeping the selected messages selected."""
        self._keep_selected = set(self.selected_message_ids())
        self.model.reload()

    def selected_message_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.item(r).message_id for r in rows]

    def _loaded(self) -> None:
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if index.data(MESSAGE_ID_ROLE) in self._keep_selected:
                selection.select(index, flags)
        self._keep_selected = set()
        counts = self.model.counts
        self.counts_label.setText(
            tr(
                "outbox.counts",
                pending=counts.pending,
                sending=counts.sending,
                needs_attention=counts.needs_attention,
                sent=counts.sent,
            )
        )
        self._update_actions()

    def _load_failed(self, message: str) -> None:
        self.counts_label.setText(message)

    def _update_actions(self) -> None:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        self.retry_action.setEnabled(any(self.model.item(r).retryable for r in rows))
        self.retry_all_action.setEnabled(self.model.counts.needs_attention > 0)

    # Actions ---------------------------------------------------------------

    def retry_selected(self) -> None:
        """Queue again the selected messages that may be retried, in the background."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.model.item(r).message_id for r in rows if self.model.item(r).retryable]
        if not ids:
            return
        database = self.services.database

        def retry() -> int:
            return sum(retry_item(database, message_id) for message_id in ids)

        run_in_background(self, retry, self._retried)

    def retry_all(self) -> None:
        """Queue again every message needing the officer, in the background."""
        database = self.services.database

        def retry() -> int:
            return retry_all_needing_attention(database)

        run_in_background(self, retry, self._retried)

    def _retried(self, count: int) -> None:
        self.counts_label.setText(tr("outbox.retried", count=count))
        self.retried.emit(count)
        self.store_changed.emit()  # the window recounts and has the other sections refresh
        self.reload()

    def refresh(self) -> None:
        self.reload()

    def open_sign_in(self) -> SignInDialog | None:
        """Open the sign-in dialog (window-modal, non-blocking) and return it."""
        if self.services.login is None:
            return None
        dialog = SignInDialog(self.services.login, self.services.settings.central_url, self)
        dialog.signed_in.connect(self._signed_in)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _signed_in(self, _user: object) -> None:
        """The sign-in is in the audit log, and another officer may act now."""
        self.store_changed.emit()

    # Refreshing while shown ------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()
        self.reload()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)
