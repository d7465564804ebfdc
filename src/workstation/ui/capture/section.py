"""The "Số hóa" (capture) section of the main window: the capture view."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workstation.i18n import tr
from workstation.officers import ACTION_ROLES, Action, SignedIn
from workstation.services import Services
from workstation.ui.capture.capture_view import CaptureView
from workstation.ui.section import Section


class CaptureSection(Section):
    """Scan, review and save pages; tells the window when a document joined a dossier.

    The devices are listed the first time the section is shown (SANE's listing
    can take seconds, and most officers start at the counter).
    """

    title_key = "section.capture"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.view = CaptureView(services)
        self.view.document_added.connect(lambda _document: self.store_changed.emit())
        self._listed = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def apply_officer(self, officer: SignedIn | None) -> None:
        """Only an administrator adds a scanner by its address (devices are theirs to set)."""
        allowed = officer is not None and officer.may(Action.DEVICES)
        entry = self.view.address_entry
        entry.setEnabled(allowed)
        role = tr(f"role.{ACTION_ROLES[Action.DEVICES]}")
        entry.setToolTip("" if allowed else tr("officers.role_needed", role=role))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._listed:
            self._listed = True
            self.view.load_devices()
