"""The "Ký số" (signing) page of the main window: the signing queue and the verify panel.

Two tabs: :class:`~workstation.ui.signing.queue_panel.QueuePanel`, the
documents waiting for the officer's signature, signed in a batch with one
PIN; and :class:`~workstation.ui.signing.verify_panel.VerifyPanel`, which
checks the signatures of any PDF opened or dropped on it. The tokens are
listed the first time the page is shown; the queue is read again whenever
the store changes.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from workstation.i18n import tr
from workstation.officers import Action
from workstation.services import Services
from workstation.ui.section import Section
from workstation.ui.signing.queue_panel import QueuePanel
from workstation.ui.signing.verify_panel import VerifyPanel


class SigningSection(Section):
    """The signing queue and the verify panel, as two tabs."""

    title_key = "section.signing"
    action = Action.SIGN

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.queue = QueuePanel(services)
        self.queue.store_changed.connect(self.store_changed)
        self.verify = VerifyPanel(services.settings.trust_root_files())
        self.tabs = QTabWidget()
        self.tabs.addTab(self.queue, tr("signing.tab.queue"))
        self.tabs.addTab(self.verify, tr("signing.tab.verify"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._tokens_listed = False

    def refresh(self) -> None:
        self.queue.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.queue.reload()
        if not self._tokens_listed:
            self._tokens_listed = True
            self.queue.tokens.reload()
