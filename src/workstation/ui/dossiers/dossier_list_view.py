"""The dossier list on screen: a search box over a table of :class:`DossierListModel`.

Typing in the search box waits for a short pause before asking the store, so
a name typed letter by letter runs one search, not ten. Selecting a row emits
``dossier_selected(id)``.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QTimer, Signal
from PySide6.QtGui import QHideEvent
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

from workstation.i18n import current_language, tr
from workstation.ui.dossiers.dossier_list_model import DOSSIER_ID_ROLE, Column, DossierListModel

SEARCH_PAUSE_MS = 300


def _thousands(number: int) -> str:
    """``12.345`` in Vietnamese, ``12,345`` in English."""
    text = f"{number:,}"
    return text.replace(",", ".") if current_language() == "vi" else text


class DossierListView(QWidget):
    """Search box, count and table of dossiers; ``dossier_selected(id)`` on a new selection."""

    dossier_selected = Signal(str)

    def __init__(self, model: DossierListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        model.setParent(self)
        self._select_when_loaded: str | None = None

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(tr("dossiers.search.placeholder"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._search_typed)
        self.search_box.returnPressed.connect(self._search_now)
        self._search_timer = QTimer(self)
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
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        model.page_loaded.connect(self._page_loaded)
        model.modelReset.connect(lambda: self.count_label.setText(tr("dossiers.loading")))

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

    def _size_columns_once(self, rows: int) -> None:
        # Sized to the first page once, not to every row on each layout: the officer may resize.
        if self._columns_sized or not rows:
            return
        self._columns_sized = True
        for column in (Column.RECEIVED_AT, Column.CODE, Column.PROCEDURE, Column.STATUS):
            self.table.resizeColumnToContents(column)

    def _search_typed(self, _text: str) -> None:
        self._search_timer.start()

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search_box.text())

    def _page_loaded(self, _rows: int) -> None:
        total = self.model.total
        if total is not None:
            self.count_label.setText(tr("dossiers.count", count=_thousands(total)))
        if self._select_when_loaded is not None:
            self.select_dossier(self._select_when_loaded)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        dossier_id = self.selected_id()
        if dossier_id is not None:
            self.dossier_selected.emit(dossier_id)

    def hideEvent(self, event: QHideEvent) -> None:
        self._search_timer.stop()
        super().hideEvent(event)
