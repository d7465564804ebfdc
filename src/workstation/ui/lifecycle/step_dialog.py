"""The small dialogs the life-cycle steps ask their facts in: items, reasons, a new
appointment, a date range, the supplement's papers by component. Keyboard first: the
first field has the focus and Ctrl+Enter accepts from any field (Enter in a multi-line
field starts a new line).

The dialogs only collect text; the steps (:mod:`workstation.lifecycle`) check it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.domain import clock
from workstation.domain.dossier import Component
from workstation.forms.model import SupplementItem
from workstation.i18n import tr

DATE_FORMAT = "dd/MM/yyyy"


class _StepDialog(QDialog):
    """A titled form with OK/Cancel; Ctrl+Enter (and Ctrl+Return) accepts."""

    def __init__(self, title_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr(title_key))
        self.form = QFormLayout()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        hint = QLabel(tr("lifecycle.hint.accept"))
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, activated=self.accept)

    def _row(self, label: str, field: QWidget) -> None:
        """Add a field; Ctrl+Enter in it accepts, even before the dialog is the active window
        (a card reader or a test typing into it)."""
        self.form.addRow(label, field)
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()
            return True
        return super().eventFilter(watched, event)


class ItemsDialog(_StepDialog):
    """Form 02's items, one per line as ``paper: reason``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("lifecycle.dialog.supplement", parent)
        self.items_edit = QPlainTextEdit()
        self._row(tr("lifecycle.field.items"), self.items_edit)
        self.items_edit.setFocus()

    def items(self) -> list[SupplementItem]:
        """Every non-blank line as an item; a line without ``:`` has no reason (refused later)."""
        found = []
        for line in self.items_edit.toPlainText().splitlines():
            name, _, reason = line.partition(":")
            if name.strip():
                found.append(SupplementItem(name.strip(), reason.strip()))
        return found


class ReasonsDialog(_StepDialog):
    """Form 03's reasons, one per line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("lifecycle.dialog.refuse", parent)
        self.reasons_edit = QPlainTextEdit()
        self._row(tr("lifecycle.field.reasons"), self.reasons_edit)
        self.reasons_edit.setFocus()

    def reasons(self) -> list[str]:
        return [r.strip() for r in self.reasons_edit.toPlainText().splitlines() if r.strip()]


class ExtensionDialog(_StepDialog):
    """Form 04's reason and new appointment (proposed: one week after the current one)."""

    def __init__(self, current_due: datetime | None, parent: QWidget | None = None) -> None:
        super().__init__("lifecycle.dialog.extend", parent)
        self.reason_edit = QLineEdit()
        self.due_edit = QDateTimeEdit()
        self.due_edit.setDisplayFormat(f"HH:mm {DATE_FORMAT}")
        start = clock.local(current_due) if current_due else clock.now()
        proposed = start + timedelta(days=7)
        self.due_edit.setDateTime(
            QDateTime(
                QDate(proposed.year, proposed.month, proposed.day),
                QTime(proposed.hour, proposed.minute),
            )
        )
        self._row(tr("lifecycle.field.reason"), self.reason_edit)
        self._row(tr("lifecycle.field.new_due"), self.due_edit)
        self.reason_edit.setFocus()

    def reason(self) -> str:
        return self.reason_edit.text()

    def new_due(self) -> datetime:
        value = self.due_edit.dateTime()
        d, t = value.date(), value.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=clock.VIETNAM)


class StopDialog(_StepDialog):
    """Form 05's reason (optional: the applicant's request is the reason)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("lifecycle.dialog.stop", parent)
        self.reason_edit = QLineEdit()
        self._row(tr("lifecycle.field.reason"), self.reason_edit)
        self.reason_edit.setFocus()

    def reason(self) -> str:
        return self.reason_edit.text()


class RegisterDialog(_StepDialog):
    """Form 07's date range (both days included; today by default)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("lifecycle.dialog.register", parent)
        today = clock.now().date()
        self.start_edit = self._date_edit(today)
        self.end_edit = self._date_edit(today)
        self._row(tr("lifecycle.field.from"), self.start_edit)
        self._row(tr("lifecycle.field.to"), self.end_edit)
        self.start_edit.setFocus()

    @staticmethod
    def _date_edit(day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(False)
        return edit

    def period(self) -> tuple[date, date]:
        start, end = self.start_edit.date(), self.end_edit.date()
        return (
            date(start.year(), start.month(), start.day()),
            date(end.year(), end.month(), end.day()),
        )


class SupplementDialog(_StepDialog):
    """The supplement received (form 01 again): its papers, picked per component of the
    dossier, and a note. Tab moves from component to component, Space picks its files
    (the system file dialog), Ctrl+Enter receives; a component left empty brings none.

    Components are named to the step by their number (from 1), as the dossier lists them.
    """

    def __init__(self, components: Sequence[Component], parent: QWidget | None = None) -> None:
        super().__init__("supplement.dialog", parent)
        self.picked: dict[str, list[Path]] = {}
        self.labels: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        self.choose: Callable[[], list[Path]] = self._choose_with_dialog
        intro = QLabel(tr("supplement.intro"))
        intro.setWordWrap(True)
        self.form.addRow(intro)
        for number, component in enumerate(components, 1):
            code = str(number)
            button = QPushButton(tr("supplement.pick"))
            button.setAutoDefault(False)
            button.clicked.connect(lambda _on=False, c=code: self.pick(c))
            label = QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(button)
            line.addWidget(label, 1)
            self._row(f"{number}. {component.name}", row)
            button.installEventFilter(self)
            self.labels[code], self.buttons[code] = label, button
        self.note_edit = QLineEdit()
        self._row(tr("supplement.note"), self.note_edit)
        first = next(iter(self.buttons.values()), None)
        (first or self.note_edit).setFocus()

    def _choose_with_dialog(self) -> list[Path]:
        chosen, _filter = QFileDialog.getOpenFileNames(
            self, tr("supplement.pick_title"), "", tr("supplement.file_filter")
        )
        return [Path(c) for c in chosen]

    def pick(self, code: str) -> None:
        """Ask for the files of component ``code`` and add them to its papers."""
        self.add_files(code, self.choose())

    def add_files(self, code: str, paths: Sequence[Path]) -> None:
        """Add ``paths`` to the papers of component ``code`` (its number from 1)."""
        if not paths:
            return
        self.picked.setdefault(code, []).extend(Path(p) for p in paths)
        papers = self.picked[code]
        names = ", ".join(p.name for p in papers)
        self.labels[code].setText(tr("supplement.picked", count=len(papers), names=names))

    def files(self) -> dict[str, list[Path]]:
        """The papers picked, by component number; components left empty are absent."""
        return {code: list(paths) for code, paths in self.picked.items() if paths}

    def note(self) -> str:
        return self.note_edit.text()


__all__ = [
    "ExtensionDialog",
    "ItemsDialog",
    "ReasonsDialog",
    "RegisterDialog",
    "StopDialog",
    "SupplementDialog",
]
