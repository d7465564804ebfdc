"""Receiving a new dossier at the counter (tiếp nhận hồ sơ): a dialog over the intake core.

The officer picks the procedure (in force today; none is chosen at first, and
one must be), the applicant's type and name, optionally the ID number, and the
files. The files are filed under the procedure's first required component
(what the core does when no component is named), and the dialog says which.

"Receive" runs in two background steps, so that large files never hold up the
database thread: :func:`~workstation.intake.receive.prepare_dossier` checks
and stores the files on the ``io`` executor, then
:func:`~workstation.intake.receive.save_dossier` saves the dossier and its
outbox message on the ``db`` executor. Progress is shown meanwhile; on
success ``dossier_received(id)`` is emitted and the dialog closes. If the core
refuses (a damaged PDF, a missing name…) the message is shown inside the
dialog, the cursor goes back to the field it is about, and everything typed
stays as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.domain import Applicant, ApplicantType, Dossier
from workstation.domain.catalogue import Procedure
from workstation.errors import BadInput, WorkstationError
from workstation.i18n import tr
from workstation.intake.receive import NewDossier, prepare_dossier, save_dossier
from workstation.services import Services
from workstation.ui.background import ProgressRelay, run_in_background
from workstation.ui.dossiers.procedure_box import ProcedureBox
from workstation.ui.errors import error_code, show_error, user_message

log = logging.getLogger(__name__)


class NewDossierDialog(QDialog):
    """The form for receiving one dossier; ``dossier_received(id)`` when it is saved."""

    dossier_received = Signal(str)
    receiving_failed = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.files: list[Path] = []
        self.busy = False
        self._focus_before: QWidget | None = None
        self.setWindowTitle(tr("new_dossier.title"))

        self.procedure_box = ProcedureBox(services.catalogue.in_force())
        self.procedure_box.procedure_changed.connect(self._procedure_changed)
        self.applicant_type_box = QComboBox()
        for applicant_type in ApplicantType:
            self.applicant_type_box.addItem(tr(applicant_type.message_key), applicant_type)
        self.applicant_name_edit = QLineEdit()
        self.applicant_name_edit.setMaxLength(200)
        self.id_number_edit = QLineEdit()
        self.id_number_edit.setMaxLength(20)
        self.id_number_edit.setPlaceholderText(tr("new_dossier.optional"))

        self.component_label = QLabel()
        self.component_label.setWordWrap(True)
        self.file_list = QListWidget()
        self.file_list.setMinimumHeight(90)
        self.component_label.setBuddy(self.file_list)
        self.add_files_button = QPushButton(tr("new_dossier.add_files"))
        self.add_files_button.setAutoDefault(False)
        self.add_files_button.clicked.connect(self.choose_files)
        self.remove_file_button = QPushButton(tr("new_dossier.remove_file"))
        self.remove_file_button.setAutoDefault(False)
        self.remove_file_button.clicked.connect(self._remove_chosen_file)
        file_buttons = QVBoxLayout()
        file_buttons.addWidget(self.add_files_button)
        file_buttons.addWidget(self.remove_file_button)
        file_buttons.addStretch(1)
        files_row = QHBoxLayout()
        files_row.addWidget(self.file_list, 1)
        files_row.addLayout(file_buttons)
        files_column = QVBoxLayout()
        files_column.addWidget(self.component_label)
        files_column.addLayout(files_row)

        form = QFormLayout()
        form.addRow(tr("new_dossier.procedure"), self.procedure_box)
        form.addRow(tr("new_dossier.applicant_type"), self.applicant_type_box)
        form.addRow(tr("new_dossier.applicant_name"), self.applicant_name_edit)
        form.addRow(tr("new_dossier.id_number"), self.id_number_edit)
        form.addRow(tr("new_dossier.files"), files_column)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setVisible(False)
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_label.setVisible(False)
        self.progress_bar.setVisible(False)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.receive_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.receive_button.setText(tr("new_dossier.receive"))
        self.receive_button.setDefault(True)  # Enter in any field receives
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("common.cancel"))
        self.buttons.accepted.connect(self.receive)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.buttons)
        self._procedure_changed(None)
        self.resize(640, self.sizeHint().height())
        self.applicant_name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # Procedure and files -----------------------------------------------------

    def _procedure_changed(self, procedure: Procedure | None) -> None:
        if procedure is None:
            self.component_label.setText(tr("new_dossier.component_unknown"))
        else:
            self.component_label.setText(
                tr("new_dossier.component", component=procedure.filed_under().name)
            )

    def set_files(self, paths: Sequence[Path | str]) -> None:
        """Choose the component's files (what the file chooser does; tests call it directly)."""
        self.files = [Path(p) for p in paths]
        self.file_list.clear()
        for path in self.files:
            self.file_list.addItem(path.name)
            self.file_list.item(self.file_list.count() - 1).setToolTip(str(path))

    def choose_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(
            self, tr("new_dossier.choose_files"), "", tr("new_dossier.file_filter")
        )
        if chosen:
            self.set_files([*self.files, *map(Path, chosen)])

    def _remove_chosen_file(self) -> None:
        row = self.file_list.currentRow()
        if row >= 0:
            self.set_files([p for i, p in enumerate(self.files) if i != row])

    # Receiving -------------------------------------------------------------

    def request(self) -> NewDossier:
        """What the officer filled in; raises :class:`WorkstationError` for what is missing."""
        procedure = self.procedure_box.procedure()
        if procedure is None:
            raise BadInput("no procedure chosen", code="dossier.procedure_missing")
        applicant = Applicant(
            name=self.applicant_name_edit.text(),
            type=ApplicantType(self.applicant_type_box.currentData()),
            id_number=self.id_number_edit.text().strip() or None,
        )
        return NewDossier(
            procedure_code=procedure.code, applicant=applicant, files=list(self.files)
        )

    def receive(self) -> None:
        """Store the files, then save the dossier, in the background; close when saved."""
        if self.busy:
            return
        self._focus_before = self.focusWidget()
        try:
            request = self.request()
        except WorkstationError as exc:
            self._failed(exc)
            return
        blobs, catalogue = self.services.blobs, self.services.catalogue
        # No Qt parent: the closure keeps the relay, so a progress call from the
        # worker never meets a deleted object even if this dialog goes first.
        relay = ProgressRelay()
        relay.progressed.connect(self._progressed)

        def prepare() -> Dossier:
            return prepare_dossier(blobs, catalogue, request, relay)

        self._set_busy(True)
        run_in_background(self, prepare, self._prepared, self._failed, executor="io")

    def _prepared(self, dossier: Dossier) -> None:
        database = self.services.database

        def save() -> Dossier:
            return save_dossier(database, dossier)

        run_in_background(self, save, self._received, self._failed, executor="db")

    def _received(self, dossier: Dossier) -> None:
        self._set_busy(False)
        log.info("dossier %s received from the dialog", dossier.id)
        self.dossier_received.emit(dossier.id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = user_message(exc)
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        self._focus_field_of(exc)
        if not isinstance(exc, WorkstationError):
            show_error(self, exc)
        self.receiving_failed.emit(message)

    def _focus_field_of(self, exc: BaseException) -> None:
        """Put the cursor back where the officer can fix what ``exc`` is about."""
        code = error_code(exc)
        target: QWidget | None
        if code.startswith("applicant.name"):
            target = self.applicant_name_edit
        elif code.startswith("file.") or code == "dossier.no_files":
            target = self.add_files_button
        elif code.startswith("catalogue.") or code == "dossier.procedure_missing":
            target = self.procedure_box
        else:
            target = self._focus_before
        if target is not None and shiboken6.isValid(target) and target.isEnabled():
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(str, int, int)
    def _progressed(self, step: str, done: int, total: int) -> None:
        if not self.busy:
            return
        self.progress_label.setText(tr(step))
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (
            self.procedure_box,
            self.applicant_type_box,
            self.applicant_name_edit,
            self.id_number_edit,
            self.file_list,
            self.add_files_button,
            self.remove_file_button,
            self.buttons,
        ):
            widget.setEnabled(not busy)
        self.progress_label.setVisible(busy)
        self.progress_bar.setVisible(busy)
        if busy:
            self.error_label.setVisible(False)
            self.progress_bar.setRange(0, 0)
            self.progress_label.setText(tr("progress.checking_file"))
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    # While the dossier is being saved, closing would lose track of it.
    def reject(self) -> None:
        if not self.busy:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)
