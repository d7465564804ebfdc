"""Finding the procedure by typing: a search line over a list of the matches.

Typing filters the procedures in force by code, name, sector or agency with
accents ignored (:meth:`~workstation.domain.catalogue.Catalogue.search`);
Up and Down move through the matches without leaving the line, and Enter picks
the highlighted one (the first by default): ``picked(Procedure)``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QListWidget, QVBoxLayout, QWidget

from workstation.domain import Catalogue
from workstation.domain.catalogue import Procedure
from workstation.i18n import tr

VISIBLE_MATCHES = 6


class ProcedureSearch(QWidget):
    """The search line, its matches and the procedure chosen (``procedure``)."""

    picked = Signal(object)  # Procedure, or None when cleared

    def __init__(self, catalogue: Catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.procedure: Procedure | None = None
        self.matches: list[Procedure] = []
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(tr("intake_ui.procedure_placeholder"))
        self.edit.installEventFilter(self)
        self.edit.textEdited.connect(self._search)
        self.edit.returnPressed.connect(self.pick)
        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setMaximumHeight(VISIBLE_MATCHES * 22)
        # Long procedure names wrap rather than scroll sideways on a 1366-pixel screen.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.itemActivated.connect(lambda _item: self.pick())
        self.chosen_label = QLabel()
        self.chosen_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        layout.addWidget(self.chosen_label)
        self.clear()

    def clear(self) -> None:
        self.edit.clear()
        self.procedure = None
        self.chosen_label.setText(tr("intake_ui.no_procedure"))
        self._search("")

    def _search(self, text: str) -> None:
        self.matches = self.catalogue.search(text)
        self.list.clear()
        for procedure in self.matches:
            self.list.addItem(f"{procedure.code} · {procedure.name}")
        if self.matches:
            self.list.setCurrentRow(0)

    def pick(self) -> None:
        """Choose the highlighted match (Enter)."""
        row = self.list.currentRow()
        if not 0 <= row < len(self.matches):
            return
        self.procedure = self.matches[row]
        self.chosen_label.setText(
            tr("intake_ui.chosen", code=self.procedure.code, name=self.procedure.name)
        )
        self.picked.emit(self.procedure)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
            if step is not None and self.matches:
                row = min(max(self.list.currentRow() + step, 0), len(self.matches) - 1)
                self.list.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)
