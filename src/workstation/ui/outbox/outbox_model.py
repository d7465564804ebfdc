"""The outbox as a Qt table model, loaded in the background from the store.

Rows are :class:`~workstation.outbox.OutboxItem`, oldest first, read through
the use case :func:`workstation.outbox.list_outbox` on the ``db`` executor a
page of :data:`PAGE_SIZE` at a time (the next page when the view scrolls to
it), together with the counts per state. Each :meth:`reload` reads afresh; an
answer to an older reload is dropped. Kinds and states are shown translated;
the reason is the code the sender recorded.
"""

from __future__ import annotations

import logging
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

from workstation.domain.clock import local
from workstation.errors import WorkstationError
from workstation.i18n import tr
from workstation.outbox import OutboxCounts, OutboxItem, State, count_by_state, list_outbox
from workstation.store import Database
from workstation.ui.background import run_in_background
from workstation.ui.errors import show_error, user_message, window_of

log = logging.getLogger(__name__)

PAGE_SIZE = 200
TIME_FORMAT = "%d/%m/%Y %H:%M"
MESSAGE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ATTENTION_BRUSH = QBrush(QColor("#a11d1d"))
"""The colour of a state that needs the officer: dark red, readable on white."""

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """The outbox columns, in order; each header is ``outbox.column.<name>``."""

    DOSSIER = 0
    KIND = 1
    STATE = 2
    ATTEMPTS = 3
    REASON = 4
    NEXT_ATTEMPT = 5

    @property
    def header_key(self) -> str:
        return f"outbox.column.{self.name.lower()}"


def kind_text(kind: str) -> str:
    return tr(f"outbox.kind.{kind}")


def state_text(state: State) -> str:
    return tr(f"outbox.state.{state.value}")


def _cells(item: OutboxItem) -> tuple[str, ...]:
    return (
        item.dossier,
        kind_text(item.kind),
        state_text(item.state),
        str(item.attempts),
        item.reason or "",
        local(item.next_attempt_at).strftime(TIME_FORMAT) if item.next_attempt_at else "",
    )


class OutboxModel(QAbstractTableModel):
    """Outbox items oldest first, with the counts per state.

    ``loaded()`` is emitted after a reload's first page (and counts) arrived,
    ``page_loaded(rows)`` after every page; ``load_failed(message)`` when the
    store could not be read.
    """

    loaded = Signal()
    page_loaded = Signal(int)
    load_failed = Signal(str)

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self._items: list[OutboxItem] = []
        self._cells: list[tuple[str, ...]] = []
        self.counts = OutboxCounts()
        self._generation = 0
        self._loading = False
        self._exhausted = True
        self.reload()

    # Qt model --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        item = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            if index.column() == Column.STATE and item.state is State.NEEDS_ATTENTION:
                return ATTENTION_BRUSH
            return None
        if role == MESSAGE_ID_ROLE:
            return item.message_id
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
            self._load(first=False)

    # The outbox ------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self._loading

    def item(self, row: int) -> OutboxItem:
        return self._items[row]

    def reload(self) -> None:
        """Read the outbox again from its first entry (the rows stay until the answer arrives)."""
        self._generation += 1
        self._load(first=True)

    def _load(self, *, first: bool) -> None:
        database = self.database
        generation = self._generation
        after = None if first or not self._items else self._items[-1].id

        def load() -> tuple[list[OutboxItem], OutboxCounts | None]:
            items = list_outbox(database, after_id=after, limit=PAGE_SIZE)
            return items, count_by_state(database) if first else None

        self._loading = True
        run_in_background(
            self,
            load,
            lambda result: self._arrived(generation, first, *result),
            lambda exc: self._failed(generation, exc),
        )

    def _arrived(
        self, generation: int, first: bool, items: list[OutboxItem], counts: OutboxCounts | None
    ) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._exhausted = len(items) < PAGE_SIZE
        if first:
            self.beginResetModel()
            self._items, self._cells = [], []
            self.endResetModel()
        if counts is not None:
            self.counts = counts
        if items:
            start = len(self._items)
            self.beginInsertRows(QModelIndex(), start, start + len(items) - 1)
            self._items.extend(items)
            self._cells.extend(_cells(i) for i in items)
            self.endInsertRows()
        log.debug("outbox list: %d rows (+%d)", len(self._items), len(items))
        self.page_loaded.emit(len(items))
        if first:
            self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._exhausted = True
        if not isinstance(exc, WorkstationError):
            show_error(window_of(self), exc)
        self.load_failed.emit(user_message(exc))
