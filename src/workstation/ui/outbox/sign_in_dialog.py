"""The sign-in dialog: server address, user name and password, checked by a core ``login``.

The dialog is a shell over the :class:`~workstation.sync.status.Login` it is
given (the sync client provides the real one): it runs it on the ``io``
executor, never on the UI thread, and emits ``signed_in(result)`` and closes
when it succeeds. A refused user or password
(:class:`~workstation.sync.status.SignInRefused`) is said under the password
field, which is cleared and focused again; any other failure (the server
cannot be reached) is said at the foot of the dialog. The password is never
logged, nor kept once the attempt is over.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.errors import WorkstationError
from workstation.i18n import tr
from workstation.sync.status import Login, SignInRefused
from workstation.ui.background import run_in_background
from workstation.ui.errors import show_error, user_message

log = logging.getLogger(__name__)


class SignInDialog(QDialog):
    """Asks for the server, user and password and signs in through ``login``.

    ``signed_in(result)`` on success; ``refused(message)`` when the attempt
    failed (the dialog stays open).
    """

    signed_in = Signal(object)
    refused = Signal(str)

    def __init__(self, login: Login, server: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.login = login
        self.setWindowTitle(tr("outbox.sign_in.title"))
        self.server_edit = QLineEdit(server)
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_message = self._message_label()
        self.user_message = self._message_label()
        self.password_message = self._message_label()
        self.general_message = self._message_label()

        form = QFormLayout()
        form.addRow(tr("outbox.sign_in.server"), self.server_edit)
        form.addRow("", self.server_message)
        form.addRow(tr("outbox.sign_in.user"), self.user_edit)
        form.addRow("", self.user_message)
        form.addRow(tr("outbox.sign_in.password"), self.password_edit)
        form.addRow("", self.password_message)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText(tr("outbox.sign_in.submit"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_message)
        layout.addWidget(self.buttons)
        (self.user_edit if server else self.server_edit).setFocus()

    @staticmethod
    def _message_label() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setStyleSheet("color: #a11d1d;")
        label.hide()
        return label

    def _say(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def _clear_messages(self) -> None:
        for label in (
            self.server_message,
            self.user_message,
            self.password_message,
            self.general_message,
        ):
            self._say(label, "")

    def submit(self) -> None:
        """Check the fields are filled, then sign in in the background."""
        self._clear_messages()
        server = self.server_edit.text().strip()
        user = self.user_edit.text().strip()
        password = self.password_edit.text()
        missing = [
            (edit, label)
            for edit, label, value in (
                (self.server_edit, self.server_message, server),
                (self.user_edit, self.user_message, user),
                (self.password_edit, self.password_message, password),
            )
            if not value
        ]
        for _edit, label in missing:
            self._say(label, tr("outbox.sign_in.required"))
        if missing:
            missing[0][0].setFocus()
            self.refused.emit(tr("outbox.sign_in.required"))
            return
        login = self.login

        def sign_in() -> Any:
            return login(server, user, password)

        self._set_busy(True)
        run_in_background(self, sign_in, self._succeeded, self._failed, executor="io")

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.server_edit, self.user_edit, self.password_edit, self.sign_in_button):
            widget.setEnabled(not busy)

    def _succeeded(self, result: Any) -> None:
        self._set_busy(False)
        self.password_edit.clear()
        log.info("officer signed in to the central system")
        self.signed_in.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = user_message(exc)
        if isinstance(exc, SignInRefused):
            self.password_edit.clear()
            self._say(self.password_message, message)
            self.password_edit.setFocus()
        else:
            self._say(self.general_message, message)
            if not isinstance(exc, WorkstationError):
                show_error(self, exc)
        self.refused.emit(message)
