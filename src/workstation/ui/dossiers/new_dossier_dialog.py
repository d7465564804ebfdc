"""Receiving a new dossier at the counter (tiếp nhận hồ sơ): a dialog over ``receive_dossier``.

The officer picks the procedure (in force today), the applicant's type and
name, optionally the ID number, and the files of the component. "Receive" runs
:func:`~workstation.intake.receive.receive_dossier` on the ``db`` executor with
its progress shown; on success ``dossier_received(id)`` is emitted and the
dialog closes. If the core refuses (a damaged PDF, a missing name…) the
message is shown inside the dialog and everything typed stays as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

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
from workstation.errors import WorkstationError
from workstation.i18n import tr
from workstation.intake.receive import NewDossier, receive_dossier
from workstation.services import Services
from workstation.ui.background import ProgressRelay, run_in_background
from workstation.ui.errors import show_error, user_message

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
        self.setWindowTitle(tr("new_dossier.title"))

        self.procedure_box = QComboBox()
        for procedure in services.catalogue.in_force():
            self.procedure_box.addItem(f"{procedure.code} — {procedure.name}", procedure.code)
        self.applicant_type_box = QComboBox()
        for applicant_type in ApplicantType:
            self.applicant_type_box.addItem(tr(applicant_type.message_key), applicant_type)
        self.applicant_name_edit = QLineEdit()
        self.applicant_name_edit.setMaxLength(200)
        self.id_number_edit = QLineEdit()
        self.id_number_edit.setMaxLength(20)
        self.id_number_edit.setPlaceholderText(tr("new_dossier.optional"))

        self.file_list = QListWidget()
        self.file_list.setMinimumHeight(90)
        self.add_files_button = QPushButton(tr("new_dossier.add_files"))
        self.add_files_button.clicked.connect(self.choose_files)
        self.remove_file_button = QPushButton(tr("new_dossier.remove_file"))
        self.remove_file_button.clicked.connect(self._remove_chosen_file)
        file_buttons = QVBoxLayout()
        file_buttons.addWidget(self.add_files_button)
        file_buttons.addWidget(self.remove_file_button)
        file_buttons.addStretch(1)
        files_row = QHBoxLayout()
        files_row.addWidget(self.file_list, 1)
        files_row.addLayout(file_buttons)

        form = QFormLayout()
        form.addRow(tr("new_dossier.procedure"), self.procedure_box)
        form.addRow(tr("new_dossier.applicant_type"), self.applicant_type_box)
        form.addRow(tr("new_dossier.applicant_name"), self.applicant_name_edit)
        form.addRow(tr("new_dossier.id_number"), self.id_number_edit)
        form.addRow(tr("new_dossier.files"), files_row)

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
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("common.cancel"))
        self.buttons.accepted.connect(self.receive)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.buttons)
        self.resize(640, self.sizeHint().height())

        self.progress = ProgressRelay(self)
        self.progress.progressed.connect(self._progressed)

    # Files -----------------------------------------------------------------

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
        """What the officer filled in; raises :class:`WorkstationError` for a missing name."""
        applicant = Applicant(
            name=self.applicant_name_edit.text(),
            type=ApplicantType(self.applicant_type_box.currentData()),
            id_number=self.id_number_edit.text().strip() or None,
        )
        return NewDossier(
            procedure_code=str(self.procedure_box.currentData()),
            applicant=applicant,
            files=list(self.files),
        )

    def receive(self) -> None:
        """Save the dossier in the background; the dialog closes when it is stored."""
        if self.busy:
            return
        try:
            request = self.request()
        except WorkstationError as exc:
            self._failed(exc)
            return
        services = self.services
        progress = self.progress

        def receive() -> Dossier:
            return receive_dossier(
                services.database, services.blobs, services.catalogue, request, progress
            )

        self._set_busy(True)
        run_in_background(self, receive, self._received, self._failed)

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
        if not isinstance(exc, WorkstationError):
            show_error(self, exc)
        self.receiving_failed.emit(message)

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
