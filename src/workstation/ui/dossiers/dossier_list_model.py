"""The dossier list as a Qt table model, loaded a page at a time from the store.

Rows are :class:`~workstation.domain.DossierSummary` lines, newest first. Pages
of :data:`PAGE_SIZE` are read by key through the use case
:func:`workstation.dossiers.list_dossiers` on the ``db`` executor, so the list
opens at once and stays fast however many dossiers the store holds: only the
pages the officer scrolls to are ever loaded.
A search (diacritic-insensitive, done by the store) resets the list; a page
that arrives for an older search is dropped.

The code column shows the official dossier code once one is issued; until
then it shows the dossier's short number on this workstation (``#000123``,
which the search also finds when typed whole) in a muted colour, and its
tooltip says so. The
procedure column shows the code, with the procedure's name in its tooltip.
"""

from __future__ import annotations

import logging
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from workstation.domain import Catalogue, DossierSummary, short_number
from workstation.domain.clock import local
from workstation.dossiers import DossierPage, list_dossiers
from workstation.errors import WorkstationError
from workstation.i18n import tr
from workstation.store import Database
from workstation.ui.background import run_in_background
from workstation.ui.errors import show_error, user_message, window_of

log = logging.getLogger(__name__)

PAGE_SIZE = 200
DOSSIER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
TIME_FORMAT = "%d/%m/%Y %H:%M"
LOCAL_NUMBER_BRUSH = QBrush(QColor("#6b6b6b"))
"""The colour of a local number standing in for a code: grey, still readable (5:1 on white)."""

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """The list's columns, in order; each header is ``dossiers.column.<name>``."""

    RECEIVED_AT = 0
    CODE = 1
    PROCEDURE = 2
    APPLICANT = 3
    STATUS = 4

    @property
    def header_key(self) -> str:
        return f"dossiers.column.{self.name.lower()}"


def _cells(summary: DossierSummary) -> tuple[str, ...]:
    return (
        local(summary.received_at).strftime(TIME_FORMAT),
        summary.code or short_number(summary),
        summary.procedure_code,
        summary.applicant_name,
        tr(summary.status.message_key),
    )


class DossierListModel(QAbstractTableModel):
    """Dossiers newest first, fetched in pages in the background.

    ``page_loaded(rows)`` is emitted after each page of the current search is
    appended (``rows`` may be 0 for the last one); ``total`` is the number of
    dossiers matching the search, known after the first page.
    ``page_failed(message)`` is emitted when a page could not be read; the
    list stops asking until :meth:`reload`.
    """

    page_loaded = Signal(int)
    page_failed = Signal(str)

    def __init__(
        self, database: Database, catalogue: Catalogue, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.catalogue = catalogue
        self._summaries: list[DossierSummary] = []
        self._cells: list[tuple[str, ...]] = []
        self._search: str | None = None
        self._generation = 0
        self._loading = False
        self._exhausted = False
        self.total: int | None = None
        self.failure: BaseException | None = None
        self._procedure_names: dict[tuple[str, date], str] = {}
        self._load_page()

    # Qt model --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._summaries)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._summaries):
            return None
        summary = self._summaries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.CODE and summary.code is None:
                return tr("dossiers.local_number_tooltip", id=short_number(summary))
            if column == Column.PROCEDURE:
                return self.procedure_name(summary)
            return self._cells[index.row()][column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.CODE and summary.code is None:
                return LOCAL_NUMBER_BRUSH
            return None
        if role == DOSSIER_ID_ROLE:
            return summary.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(Column(section).header_key)
        return None

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load_page()

    # The list --------------------------------------------------------------

    @property
    def search(self) -> str | None:
        return self._search

    @property
    def loading(self) -> bool:
        return self._loading

    def summary(self, row: int) -> DossierSummary:
        return self._summaries[row]

    def procedure_name(self, summary: DossierSummary) -> str:
        """The name of the dossier's procedure, as in force the day it was received.

        Looked up once per procedure and day: tooltips ask for it on every hover.
        """
        key = (summary.procedure_code, local(summary.received_at).date())
        name = self._procedure_names.get(key)
        if name is None:
            try:
                procedure = self.catalogue.get(*key)
            except WorkstationError:
                name = summary.procedure_code  # no longer (or not yet) in the catalogue
            else:
                name = procedure.name
            self._procedure_names[key] = name
        return name

    def row_of(self, dossier_id: str) -> int | None:
        """The row of ``dossier_id`` among the loaded rows, if loaded."""
        for row, summary in enumerate(self._summaries):
            if summary.id == dossier_id:
                return row
        return None

    def set_search(self, text: str | None) -> None:
        """Show only dossiers matching ``text`` (applicant name, dossier or procedure code)."""
        text = " ".join((text or "").split()) or None
        self._search = text
        self.reload()

    def reload(self) -> None:
        """Forget the loaded rows and load the first page again."""
        self.beginResetModel()
        self._summaries.clear()
        self._cells.clear()
        self._generation += 1
        self._loading = False
        self._exhausted = False
        self.total = None
        self.failure = None
        self.endResetModel()
        self._load_page()

    def _load_page(self) -> None:
        database = self.database
        search = self._search
        generation = self._generation
        after = DossierPage(self._summaries[-1:], None).after

        def load_page() -> DossierPage:
            return list_dossiers(database, search=search, after=after, limit=PAGE_SIZE)

        self._loading = True
        run_in_background(
            self,
            load_page,
            lambda page: self._page_arrived(generation, page.summaries, page.total),
            lambda exc: self._page_failed(generation, exc),
        )

    def _page_arrived(self, generation: int, page: list[DossierSummary], total: int | None) -> None:
        if generation != self._generation:
            return  # a page of a search the officer has since changed
        self._loading = False
        self._exhausted = len(page) < PAGE_SIZE
        if total is not None:
            self.total = total
        if page:
            first = len(self._summaries)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._summaries.extend(page)
            self._cells.extend(_cells(s) for s in page)
            self.endInsertRows()
        # Counts only: the search text is often a citizen's name.
        log.debug("dossier list: %d rows (+%d)", len(self._summaries), len(page))
        self.page_loaded.emit(len(page))

    def _page_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._exhausted = True  # stop the view asking again; reload() tries afresh
        self.failure = exc
        if not isinstance(exc, WorkstationError):
            show_error(window_of(self), exc)
        self.page_failed.emit(user_message(exc))
