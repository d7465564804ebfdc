"""The "Hồ sơ" (dossiers) page of the main window: the list beside the detail panel.

A toolbar above the list opens the dialog for receiving a new dossier
(Ctrl+N), reloads the list (F5) and holds the life-cycle steps of the dossier
shown (:mod:`workstation.ui.lifecycle`: supplement, refusal, extension, stop,
control slip, register, each with its Ctrl+Shift shortcut) and the certifying
of the component document chosen in the detail (:mod:`workstation.ui.signing.certify`:
sign it as an electronic copy now, Ctrl+Shift+Y, or queue it for signing,
Ctrl+Shift+H; what came of it shows under the toolbar); Ctrl+F puts the
cursor in the search box, where it also is whenever the page is shown. When a
dossier has been received (or a step changed it) the list reloads and selects
it, and the section emits ``store_changed`` so the window recounts the outbox.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMenu,
    QScrollArea,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.i18n import tr
from workstation.officers import Action, SignedIn
from workstation.services import Services
from workstation.ui.actions import set_shortcuts
from workstation.ui.dossiers.dossier_detail import DossierDetail
from workstation.ui.dossiers.dossier_list_model import DossierListModel
from workstation.ui.dossiers.dossier_list_view import DossierListView
from workstation.ui.dossiers.new_dossier_dialog import NewDossierDialog
from workstation.ui.lifecycle.actions import LifecycleActions
from workstation.ui.section import Section
from workstation.ui.signing.certify import CertifyActions


class DossiersSection(Section):
    """The dossier list with its detail panel, and the way to receive a new dossier."""

    title_key = "section.dossiers"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        # Each part gets the services it uses, no more.
        self.model = DossierListModel(services.database, services.catalogue)
        self.list_view = DossierListView(self.model)
        self.detail = DossierDetail(services.database, services.blobs, services.catalogue)
        self.list_view.dossier_selected.connect(self.detail.show_dossier)
        self.list_view.selection_cleared.connect(self.detail.clear)

        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_dossier_action = QAction(tr("dossiers.new"), self)
        set_shortcuts(self.new_dossier_action, QKeySequence.StandardKey.New)
        self.new_dossier_action.triggered.connect(self.open_new_dossier)
        toolbar.addAction(self.new_dossier_action)
        self.reload_action = QAction(tr("dossiers.reload"), self)
        # F5 everywhere, whatever else the platform calls "refresh".
        set_shortcuts(self.reload_action, "F5", QKeySequence.StandardKey.Refresh)
        self.reload_action.triggered.connect(self.model.reload)
        toolbar.addAction(self.reload_action)
        self.find_action = QAction(tr("dossiers.find"), self)
        set_shortcuts(self.find_action, QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.list_view.focus_search)
        self.addAction(self.find_action)
        # The life-cycle steps of the dossier shown (supplement, refusal, extension …).
        self.lifecycle = LifecycleActions(services, self)
        steps = QMenu(self)
        for action in self.lifecycle.actions.values():
            steps.addAction(action)
        self.steps_button = QToolButton()
        self.steps_button.setText(tr("lifecycle.menu"))
        self.steps_button.setMenu(steps)
        self.steps_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        toolbar.addWidget(self.steps_button)
        self.detail.dossier_loaded.connect(self.lifecycle.set_dossier)
        self.list_view.selection_cleared.connect(lambda: self.lifecycle.set_dossier(None))
        self.lifecycle.step_finished.connect(self._step_finished)
        # Certifying the component document chosen: sign it as a copy now, or queue it.
        self.certify = CertifyActions(services, self)
        toolbar.addAction(self.certify.certify_action)
        toolbar.addAction(self.certify.queue_action)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()
        self.detail.document_chosen.connect(
            lambda document: self.certify.set_document(self.detail.dossier, document)
        )
        self.list_view.selection_cleared.connect(lambda: self.certify.set_document(None, None))
        self.certify.said.connect(self._notice)
        self.certify.certified.connect(self._step_finished)
        self.certify.queued.connect(lambda _id: self.store_changed.emit())

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list_view)
        detail_area = QScrollArea()  # the detail grows with results and signatures: scroll,
        detail_area.setWidgetResizable(True)  # so the window still fits a 768-pixel screen
        detail_area.setWidget(self.detail)
        splitter.addWidget(detail_area)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([680, 440])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(toolbar)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)

    def apply_officer(self, officer: SignedIn | None) -> None:
        """Receiving and the life-cycle steps are a counter officer's; certifying a copy is
        a signing officer's (the section stays open to every officer for looking up)."""
        self.new_dossier_action.setEnabled(officer is not None and officer.may(Action.RECEIVE))
        self.lifecycle.apply_officer(officer)
        self.certify.apply_officer(officer)

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

    def _notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _step_finished(self, dossier_id: str) -> None:
        if dossier_id:
            self.list_view.reload_selecting(dossier_id)
            self.store_changed.emit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # shown by the program, not restored by the window system
            self.list_view.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
