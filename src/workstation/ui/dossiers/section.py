"""The "Hồ sơ" (dossiers) page of the main window: the list beside the detail panel.

A toolbar above the list opens the dialog for receiving a new dossier; when a
dossier has been received the list reloads and selects it, and the section
emits ``store_changed`` so the window recounts the outbox.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QSplitter, QToolBar, QVBoxLayout, QWidget

from workstation.i18n import tr
from workstation.services import Services
from workstation.ui.dossiers.dossier_detail import DossierDetail
from workstation.ui.dossiers.dossier_list_model import DossierListModel
from workstation.ui.dossiers.dossier_list_view import DossierListView
from workstation.ui.dossiers.new_dossier_dialog import NewDossierDialog
from workstation.ui.section import Section


class DossiersSection(Section):
    """The dossier list with its detail panel, and the way to receive a new dossier."""

    title_key = "section.dossiers"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.model = DossierListModel(services)
        self.list_view = DossierListView(self.model)
        self.detail = DossierDetail(services)
        self.list_view.dossier_selected.connect(self.detail.show_dossier)

        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_dossier_action = QAction(tr("dossiers.new"), self)
        self.new_dossier_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_dossier_action.triggered.connect(self.open_new_dossier)
        toolbar.addAction(self.new_dossier_action)
        self.reload_action = QAction(tr("dossiers.reload"), self)
        self.reload_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.reload_action.triggered.connect(self.model.reload)
        toolbar.addAction(self.reload_action)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list_view)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([680, 440])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(toolbar)
        layout.addWidget(splitter, 1)

    def open_new_dossier(self) -> NewDossierDialog:
        """Open the receiving dialog (window-modal, non-blocking) and return it."""
        dialog = NewDossierDialog(self.services, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.dossier_received.connect(self._dossier_received)
        dialog.open()
        return dialog

    def _dossier_received(self, dossier_id: str) -> None:
        self.list_view.show_new_dossier(dossier_id)
        self.store_changed.emit()
