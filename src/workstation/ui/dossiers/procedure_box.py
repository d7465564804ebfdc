"""Choosing a procedure by typing any part of its code or name, with or without accents.

:class:`ProcedureBox` is an editable combo box over the procedures in force.
Its completer matches the typed text anywhere in ``code — name`` after
folding both sides with :func:`workstation.domain.text.fold`: "khai sinh",
"KHAI SINH" and "đăng ký khai" all find "1.001193 — Đăng ký khai sinh". It
starts with no procedure chosen, so the officer has to pick one.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from workstation.domain.catalogue import Procedure
from workstation.domain.text import fold
from workstation.i18n import tr

FOLDED_ROLE = Qt.ItemDataRole.UserRole + 2
"""Each item's folded ``code — name``: what the completer matches typed text against."""


class FoldingCompleter(QCompleter):
    """Completes against :data:`FOLDED_ROLE` with the typed text folded the same way.

    Qt asks :meth:`splitPath` for what to look for and :meth:`pathFromIndex`
    for the text to put in the box: the first folds, the second gives back
    the item's own text with its accents.
    """

    def __init__(self, box: QComboBox) -> None:
        super().__init__(box.model(), box)
        self.setCompletionRole(FOLDED_ROLE)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)

    def splitPath(self, path: str) -> list[str]:
        return [fold(path)]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")


def procedure_text(procedure: Procedure) -> str:
    """How a procedure is listed: ``1.001193 — Đăng ký khai sinh``."""
    return f"{procedure.code} — {procedure.name}"


class ProcedureBox(QComboBox):
    """The procedures in force, searchable; ``procedure_changed(Procedure | None)``."""

    procedure_changed = Signal(object)

    def __init__(self, procedures: Sequence[Procedure], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(40)
        self._procedures = list(procedures)
        for procedure in self._procedures:
            text = procedure_text(procedure)
            self.addItem(text, procedure.code)
            self.setItemData(self.count() - 1, fold(text), FOLDED_ROLE)
        self.setCompleter(FoldingCompleter(self))
        self.lineEdit().setPlaceholderText(tr("new_dossier.procedure_placeholder"))
        self.setCurrentIndex(-1)
        self._chosen: Procedure | None = None
        self.currentIndexChanged.connect(self._maybe_changed)
        self.editTextChanged.connect(self._maybe_changed)

    def procedure(self) -> Procedure | None:
        """The procedure the box names: its exact text, or exactly a procedure's code."""
        text = self.currentText().strip()
        if not text:
            return None
        row = self.findText(text, Qt.MatchFlag.MatchExactly)
        if row >= 0:
            return self._procedures[row]
        for procedure in self._procedures:
            if procedure.code == text:
                return procedure
        return None

    def choose(self, code: str) -> bool:
        """Show the procedure ``code`` as chosen; False if it is not in the list."""
        row = self.findData(code)
        self.setCurrentIndex(row)
        return row >= 0

    def _maybe_changed(self, *_: object) -> None:
        procedure = self.procedure()
        if procedure is not self._chosen:
            self._chosen = procedure
            self.procedure_changed.emit(procedure)
