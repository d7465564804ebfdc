"""Asking the token's PIN once for a batch, with the token's PIN state shown first.

The PIN is read from the field when the officer confirms and the field is
cleared at once; the dialog keeps no copy. A locked token is not asked at all
(the section says so instead).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from workstation.i18n import tr
from workstation.ui.signing.token_picker import pin_state_text


class PinDialog(QDialog):
    """One PIN for ``count`` documents on the token ``label``; :meth:`take_pin` after accept."""

    def __init__(
        self, label: str, pin_state: str, count: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("signing.pin.title"))
        self._pin = ""
        self.intro = QLabel(tr("signing.pin.intro", token=label, count=count))
        self.intro.setWordWrap(True)
        self.state_label = QLabel(pin_state_text(pin_state))
        self.state_label.setWordWrap(True)
        if pin_state in ("count_low", "final_try"):
            self.state_label.setStyleSheet("color: #b00020; font-weight: bold")
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setAccessibleName(tr("signing.pin.field"))
        self.pin_edit.setPlaceholderText(tr("signing.pin.field"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("signing.pin.sign"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("signing.cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.state_label)
        layout.addWidget(self.pin_edit)
        layout.addWidget(buttons)
        self.pin_edit.setFocus()

    def accept(self) -> None:
        if not self.pin_edit.text():
            self.pin_edit.setFocus()
            return
        self._pin = self.pin_edit.text()
        self.pin_edit.clear()
        super().accept()

    def reject(self) -> None:
        self.pin_edit.clear()
        super().reject()

    def take_pin(self) -> str:
        """The PIN typed, handed over once (the dialog forgets it)."""
        pin, self._pin = self._pin, ""
        return pin
