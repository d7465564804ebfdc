"""The capture view's address box: the officer types an eSCL scanner's address to add it.

Network scanners that do not announce themselves (another subnet, discovery
blocked) are reached by address, ``http://host:port/eSCL``. The address is
checked by asking the scanner for its capabilities (off the UI thread), then
kept in ``capture-devices.json`` so it is offered again next time.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from workstation.i18n import tr
from workstation.officers import Action
from workstation.scan.devices.base import DeviceInfo
from workstation.scan.devices.configured import add_escl_scanner
from workstation.services import Services
from workstation.ui.background import run_in_background
from workstation.ui.errors import user_message


class EsclAddressEntry(QWidget):
    """A line for an eSCL address and an Add button; says what it added or why not."""

    added = Signal(object)
    """The scanner answered and was kept: its :class:`DeviceInfo`."""
    failed = Signal(str)
    """The address was refused or the scanner did not answer: the reason, in the UI language."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(tr("capture_ui.escl_address_example"))
        self.edit.setAccessibleName(tr("capture_ui.escl_address"))
        self.edit.returnPressed.connect(self.add)
        self.button = QPushButton(tr("capture_ui.add_scanner"))
        self.button.clicked.connect(self.add)
        label = QLabel(tr("capture_ui.escl_address"))
        label.setBuddy(self.edit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.edit, 2)
        layout.addWidget(self.button)

    def add(self) -> None:
        """Check the typed address with the scanner and keep it (off the UI thread)."""
        address = self.edit.text().strip()
        if not address:
            self.failed.emit(tr("capture_ui.escl_address_empty"))
            return
        data = self.services.folders.data
        services = self.services

        def allowed() -> None:
            services.require(Action.DEVICES)  # an administrator's; a refusal is recorded

        def add(_allowed: None) -> DeviceInfo:
            return add_escl_scanner(data, address)

        self.button.setEnabled(False)
        run_in_background(self, allowed, self._added, self._failed, "db", then=[("io", add)])

    def _added(self, device: DeviceInfo) -> None:
        self.button.setEnabled(True)
        self.edit.clear()
        self.added.emit(device)

    def _failed(self, error: BaseException) -> None:
        self.button.setEnabled(True)
        self.failed.emit(user_message(error))
