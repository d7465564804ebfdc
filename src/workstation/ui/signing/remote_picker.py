"""Choosing what signs: a token on this machine, or a remote signing service (CSC API v1).

:class:`SourcePicker` lists "token" and the remote services of the officer's
signing profile (:mod:`workstation.sign.profile`); for a remote one it shows
the credential to use. :class:`RemoteDialog` asks, for one batch, what the
CSC flow needs from the officer: the service's access token and, where the
credential asks one, the PIN or one-time code. Both are handed over once and
forgotten; the signer then confirms each request on the phone.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.i18n import tr
from workstation.sign.profile import RemoteService


class SourcePicker(QWidget):
    """ "Token" or one of the remote services; ``changed`` when the choice changes."""

    changed = Signal()

    def __init__(self, services: list[RemoteService], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.source_box = QComboBox()
        self.source_box.setAccessibleName(tr("signing.source"))
        self.source_box.addItem(tr("signing.source.token"), -1)
        for index, service in enumerate(services):
            self.source_box.addItem(tr("signing.source.remote", name=service.name), index)
        self.credential_edit = QLineEdit()
        self.credential_edit.setAccessibleName(tr("signing.remote.credential"))
        self.credential_label = QLabel(tr("signing.remote.credential"))
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("signing.source"), self.source_box)
        form.addRow(self.credential_label, self.credential_edit)
        self.source_box.currentIndexChanged.connect(self._chosen)
        self.setVisible(bool(services))
        self._chosen()

    def _chosen(self, _index: int = -1) -> None:
        service = self.remote()
        self.credential_edit.setVisible(service is not None)
        self.credential_label.setVisible(service is not None)
        if service is not None:
            self.credential_edit.setText(service.credential_id)
        self.changed.emit()

    def remote(self) -> RemoteService | None:
        """The remote service chosen, or None for a token."""
        index = self.source_box.currentData()
        return self.services[index] if isinstance(index, int) and index >= 0 else None

    def credential_id(self) -> str:
        return self.credential_edit.text().strip()


class RemoteDialog(QDialog):
    """The access token and PIN/OTP for ``count`` documents on a remote service."""

    def __init__(self, service_name: str, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("signing.remote.title"))
        self._secrets = ("", "")
        self.intro = QLabel(tr("signing.remote.intro", service=service_name, count=count))
        self.intro.setWordWrap(True)
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setAccessibleName(tr("signing.remote.access_token"))
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setAccessibleName(tr("signing.remote.pin"))
        self.pin_edit.setPlaceholderText(tr("signing.remote.pin.placeholder"))
        form = QFormLayout()
        form.addRow(tr("signing.remote.access_token"), self.token_edit)
        form.addRow(tr("signing.remote.pin"), self.pin_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("signing.pin.sign"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("signing.cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("signing.remote.phone_hint")))
        layout.addWidget(buttons)
        self.token_edit.setFocus()

    def accept(self) -> None:
        if not self.token_edit.text():
            self.token_edit.setFocus()
            return
        self._secrets = (self.token_edit.text(), self.pin_edit.text())
        self.token_edit.clear()
        self.pin_edit.clear()
        super().accept()

    def reject(self) -> None:
        self.token_edit.clear()
        self.pin_edit.clear()
        super().reject()

    def take_secrets(self) -> tuple[str, str]:
        """``(access token, PIN or OTP — empty when none)``, handed over once."""
        secrets, self._secrets = self._secrets, ("", "")
        return secrets
