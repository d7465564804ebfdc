"""The dossier list on screen: a search box over a table of :class:`DossierListModel`.

Typing in the search box waits for a short pause before asking the store, so
a name typed letter by letter runs one search, not ten; Enter searches at
once and Escape clears the box. Moving through the rows waits for a shorter
pause before emitting ``dossier_selected(id)``, so holding an arrow key loads
one dossier, not every dossier passed on the way.

When the list is reset (a new search, a reload) the selection goes with it:
the dossier that was selected is selected again if the new list's first page
holds it; otherwise ``selection_cleared`` tells the detail panel to let go.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.i18n import tr
from workstation.ui.dossiers.dossier_list_model import DOSSIER_ID_ROLE, Column, DossierListModel
from workstation.ui.texts import thousands, tr_count

SEARCH_PAUSE_MS = 300
SELECTION_PAUSE_MS = 150


class DossierListView(QWidget):
    """Search box, count and table of dossiers.

    ``dossier_selected(id)`` once the selection has rested on a dossier;
    ``selection_cleared()`` when no dossier is selected any more.
    """

    dossier_selected = Signal(str)
    selection_cleared = Signal()

    def __init__(self, model: DossierListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        model.setParent(self)
        self._select_when_loaded: str | None = None
        self._keep_after_reset: str | None = None
        self._first_page_pending = False

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(tr("dossiers.search.placeholder"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._search_typed)
        self.search_box.returnPressed.connect(self._search_now)
        self.search_box.installEventFilter(self)
        self._search_timer = QTimer(self)
        self._search_timer.setObjectName("search_timer")
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self._search_now)
        self.count_label = QLabel(tr("dossiers.loading"))
        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves the table for the next control instead of walking its cells.
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.APPLICANT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        model.page_loaded.connect(self._size_columns_once)
        self._columns_sized = False
        self._selection_timer = QTimer(self)
        self._selection_timer.setObjectName("selection_timer")
        self._selection_timer.setSingleShot(True)
        self._selection_timer.setInterval(SELECTION_PAUSE_MS)
        self._selection_timer.timeout.connect(self._selection_settled)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        model.page_loaded.connect(self._page_loaded)
        model.page_failed.connect(self._page_failed)
        model.modelAboutToBeReset.connect(self._about_to_reset)
        model.modelReset.connect(self._reset)

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(DOSSIER_ID_ROLE) if rows else None

    def select_dossier(self, dossier_id: str) -> bool:
        """Select ``dossier_id`` if it is loaded; otherwise once the page holding it arrives."""
        row = self.model.row_of(dossier_id)
        if row is None:
            self._select_when_loaded = dossier_id
            return False
        self._select_when_loaded = None
        index = self.model.index(row, 0)
        self.table.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def show_new_dossier(self, dossier_id: str) -> None:
        """After receiving a dossier: clear the search, reload, and select the new one."""
        self._select_when_loaded = dossier_id
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self._search_timer.stop()
        self.model.set_search(None)

    def reload_selecting(self, dossier_id: str) -> None:
        """After a dossier changed (a life-cycle step): reload, keeping the search, and
        select it again so its detail shows what changed."""
        self._select_when_loaded = dossier_id
        self.model.reload()

    def focus_search(self) -> None:
        """Put the cursor in the search box, its text selected so typing replaces it."""
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    # Search ----------------------------------------------------------------

    def _search_typed(self, _text: str) -> None:
        self._search_timer.start()

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search_box.text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search_box
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.search_box.text()
        ):
            self.search_box.blockSignals(True)
            self.search_box.clear()
            self.search_box.blockSignals(False)
            self._search_now()
            return True
        return super().eventFilter(watched, event)

    # Loading ---------------------------------------------------------------

    def _size_columns_once(self, rows: int) -> None:
        # Sized to the first page once, not to every row on each layout: the officer may resize.
        if self._columns_sized or not rows:
            return
        self._columns_sized = True
        for column in (Column.RECEIVED_AT, Column.CODE, Column.PROCEDURE, Column.STATUS):
            self.table.resizeColumnToContents(column)

    def _about_to_reset(self) -> None:
        self._selection_timer.stop()
        if not self._first_page_pending:  # a second reset before the page: keep the first's
            self._keep_after_reset = self.selected_id()

    def _reset(self) -> None:
        self._first_page_pending = True
        self.count_label.setText(tr("dossiers.loading"))
        self.count_label.setToolTip("")

    def _page_loaded(self, _rows: int) -> None:
        total = self.model.total
        if total is not None:
            self.count_label.setText(tr_count("dossiers.count", total, count=thousands(total)))
        keep, first_page = self._keep_after_reset, self._first_page_pending
        self._keep_after_reset, self._first_page_pending = None, False
        if self._select_when_loaded is not None:
            self.select_dossier(self._select_when_loaded)
        elif first_page and keep is not None and not self.select_dossier(keep):
            self._select_when_loaded = None
            self.selection_cleared.emit()

    def _page_failed(self, message: str) -> None:
        self.count_label.setText(tr("dossiers.load_failed"))
        self.count_label.setToolTip(message)
        keep, self._keep_after_reset = self._keep_after_reset, None
        self._first_page_pending = False
        if keep is not None:
            self.selection_cleared.emit()

    # Selection -------------------------------------------------------------

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._selection_timer.start()

    def _selection_settled(self) -> None:
        dossier_id = self.selected_id()
        if dossier_id is None:
            self.selection_cleared.emit()
        else:
            self.dossier_selected.emit(dossier_id)

    def hideEvent(self, event: QHideEvent) -> None:
        self._search_timer.stop()
        self._selection_timer.stop()
        super().hideEvent(event)
