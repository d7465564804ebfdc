"""The help window listing every keyboard shortcut of the window (F1, Help menu).

Read from the window itself, so it cannot drift from what the keys do: every
``QAction`` with a shortcut (menus, section toolbars and actions) and every
``QShortcut`` (described by its ``whatsThis``), grouped by section, in the
platform's own notation. A dialog's own keys (Ctrl+Enter to accept a step) are
said in that dialog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.i18n import tr

_KEY_IN_TEXT = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class ShortcutRow:
    """One line of the list: where, what, which keys."""

    place: str
    what: str
    keys: str


def plain(text: str) -> str:
    """An action's text without its mnemonic ``&``, trailing ``…`` and ``(key)``."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return _KEY_IN_TEXT.sub("", text).rstrip("…").strip()


def _keys(sequences: list[QKeySequence]) -> str:
    native = QKeySequence.SequenceFormat.NativeText
    return " / ".join(s.toString(native) for s in sequences if not s.isEmpty())


def _rows_of(owner: QWidget, place: str, seen: set[int]) -> list[ShortcutRow]:
    rows: list[ShortcutRow] = []
    for action in owner.findChildren(QAction):
        if id(action) in seen or not action.shortcuts():
            continue
        seen.add(id(action))
        rows.append(ShortcutRow(place, plain(action.text()), _keys(action.shortcuts())))
    by_what: dict[str, list[QKeySequence]] = {}
    for shortcut in owner.findChildren(QShortcut):
        if id(shortcut) in seen or shortcut.key().isEmpty():
            continue
        seen.add(id(shortcut))
        by_what.setdefault(plain(shortcut.whatsThis()), []).append(shortcut.key())
    rows += [ShortcutRow(place, what, _keys(keys)) for what, keys in by_what.items()]
    return rows


def shortcut_rows(window: QMainWindow) -> list[ShortcutRow]:
    """Every shortcut of ``window``: each section's, then the window's own (menus)."""
    seen: set[int] = set()
    rows: list[ShortcutRow] = []
    for section in getattr(window, "sections", []):
        rows += _rows_of(section, section.title(), seen)
    rows += _rows_of(window, tr("shortcuts.window"), seen)
    return rows


class ShortcutsDialog(QDialog):
    """A read-only table of :func:`shortcut_rows`."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle(tr("shortcuts.title"))
        self.rows = shortcut_rows(window)
        self.table = QTableWidget(len(self.rows), 3)
        self.table.setHorizontalHeaderLabels(
            [tr("shortcuts.column.place"), tr("shortcuts.column.what"), tr("shortcuts.column.keys")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for row, line in enumerate(self.rows):
            for column, text in enumerate((line.place, line.what, line.keys)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("shortcuts.close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 560)  # within a 1366 × 768 screen
