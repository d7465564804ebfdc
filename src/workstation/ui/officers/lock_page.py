"""The page that replaces the window's content while it is locked.

It shows no citizen's data: who locked it (an officer's user name), and a
sign-in form. The form is a shell over the :class:`~workstation.sync.status.Login`
it is given, run on the ``io`` executor; ``signed_in(result)`` when it
succeeds, ``refused(message)`` with the typed message when it does not. The
password is cleared after every attempt and never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.i18n import tr
from workstation.ui.background import run_in_background
from workstation.ui.errors import user_message


class LockPage(QWidget):
    """User name, password and a Sign in button, centred on an empty page."""

    signed_in = Signal(object)
    refused = Signal(str)

    def __init__(self, sign_in: Callable[[str, str], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sign_in = sign_in
        self.title = QLabel(tr("officers.lock.title"))
        self.title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.text = QLabel(tr("officers.lock.text_nobody"))
        self.text.setWordWrap(True)
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.returnPressed.connect(self.submit)
        self.unlock_button = QPushButton(tr("officers.lock.unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a11d1d;")
        self.message.hide()

        self._needs_password = True
        form = self.form = QFormLayout()
        form.addRow(tr("officers.lock.user"), self.user_edit)
        form.addRow(tr("officers.lock.password"), self.password_edit)
        box = QFrame()
        box.setMaximumWidth(460)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.text)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def set_needs_password(self, needs: bool) -> None:
        """Without a central system there is nobody to check a password with: one click."""
        self._needs_password = needs
        for widget in (self.user_edit, self.password_edit):
            widget.setVisible(needs)
            label = self.form.labelForField(widget)
            if label is not None:
                label.setVisible(needs)

    def prepare(self, user: str | None) -> None:
        """Show the page for a lock by ``user`` (None: nobody was signed in)."""
        self.text.setText(
            tr("officers.lock.text", user=user) if user else tr("officers.lock.text_nobody")
        )
        self.user_edit.setText(user or "")
        self.password_edit.clear()
        self.message.hide()
        self._set_busy(False)
        (self.password_edit if user else self.user_edit).setFocus()

    def submit(self) -> None:
        """Sign in with what was typed, in the background."""
        user = self.user_edit.text().strip()
        password = self.password_edit.text()
        if self._needs_password and (not user or not password):
            self._say(tr("officers.lock.required"))
            return
        sign_in = self.sign_in
        self._set_busy(True)
        run_in_background(
            self, lambda: sign_in(user, password), self._succeeded, self._failed, executor="io"
        )

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.user_edit, self.password_edit, self.unlock_button):
            widget.setEnabled(not busy)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.refused.emit(text)

    def _succeeded(self, result: Any) -> None:
        self._set_busy(False)
        self.password_edit.clear()
        self.message.hide()
        self.signed_in.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.password_edit.clear()
        self.password_edit.setFocus()
        self._say(user_message(exc))
