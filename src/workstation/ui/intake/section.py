"""The "Receive" section of the main window: the intake view, scrollable."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from workstation.officers import Action
from workstation.services import Services
from workstation.ui.intake.intake_view import IntakeView
from workstation.ui.section import Section


class IntakeSection(Section):
    """Tiếp nhận: the first page at the counter; tells the window when a dossier is saved."""

    title_key = "section.intake"
    action = Action.RECEIVE

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.view = IntakeView(services)
        self.view.dossier_received.connect(lambda _id: self.store_changed.emit())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # shown by the program: the cursor where the officer starts
            self.view.focus_start()
