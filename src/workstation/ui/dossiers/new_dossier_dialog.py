"""Receiving a new dossier at the counter (tiếp nhận hồ sơ): a dialog over the intake core.

The officer picks the procedure (in force today; none is chosen at first, and
one must be), the applicant's type and name, optionally the ID number, address,
phone and e-mail, and the files. The files are filed under the procedure's
first required component (what the core does when no component is named), and
the dialog says which.

What cannot be right but is not refused (an ID number whose digits do not fit
a citizen's, a phone that is no Vietnamese number, an e-mail without a
plausible shape, a file chosen twice) gets a warning under its field when the
officer leaves the field (files: once they are compared on the ``io`` thread),
and ``warnings_shown(field)`` is emitted. Warnings never block "Receive".

"Receive" runs one background task in two steps, so that large files never
hold up the database thread: :func:`~workstation.intake.receive.prepare_dossier`
checks and stores the files on the ``io`` executor, then hands on, from that
thread, to :func:`~workstation.intake.receive.save_dossier`, which saves the
dossier and its outbox message on the ``db`` executor. The task is essential:
the save does not depend on the dialog, and its failure reaches the error
dialog even if this one is gone. Progress is shown meanwhile, and Cancel stops
the work while files are stored; on success ``dossier_received(id)`` is
emitted and the dialog closes. If the core
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
from workstation.domain.applicant import (
    ADDRESS_MAX,
    EMAIL_MAX,
    ID_NUMBER_MAX,
    PHONE_MAX,
    has_control_characters,
    tidy,
)
from workstation.domain.catalogue import Procedure
from workstation.domain.contact import email_warnings, phone_warnings
from workstation.domain.field_warning import FieldWarning
from workstation.domain.id_number import id_number_warnings
from workstation.errors import BadInput, WorkstationError
from workstation.i18n import tr
from workstation.intake.duplicates import duplicate_files
from workstation.intake.receive import CodeIssuer, NewDossier, prepare_dossier, save_dossier
from workstation.officers import Action
from workstation.services import Services
from workstation.tasks import TaskContext
from workstation.ui.background import BackgroundTask, run_in_background
from workstation.ui.dossiers.procedure_box import ProcedureBox
from workstation.ui.errors import error_code, show_error, user_message

log = logging.getLogger(__name__)

WARNING_STYLE = "color: #7a5c00; background: #fff4c2; padding: 2px 4px;"


class NewDossierDialog(QDialog):
    """The form for receiving one dossier; ``dossier_received(id)`` when it is saved."""

    dossier_received = Signal(str)
    receiving_failed = Signal(str)
    warnings_shown = Signal(str)  # the field whose warnings were just shown or cleared

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.files: list[Path] = []
        self.busy = False
        self._task: BackgroundTask | None = None
        self._focus_before: QWidget | None = None
        self.setWindowTitle(tr("new_dossier.title"))

        self.procedure_box = ProcedureBox(services.catalogue.in_force())
        self.procedure_box.procedure_changed.connect(self._procedure_changed)
        self.applicant_type_box = QComboBox()
        for applicant_type in ApplicantType:
            self.applicant_type_box.addItem(tr(applicant_type.message_key), applicant_type)
        self.applicant_name_edit = QLineEdit()
        self.applicant_name_edit.setMaxLength(200)
        self.id_number_edit = self._optional_edit(ID_NUMBER_MAX)
        self.address_edit = self._optional_edit(ADDRESS_MAX)
        self.phone_edit = self._optional_edit(PHONE_MAX)
        self.email_edit = self._optional_edit(EMAIL_MAX)
        self._applicant_edits = {
            "id_number": self.id_number_edit,
            "address": self.address_edit,
            "phone": self.phone_edit,
            "email": self.email_edit,
        }
        self.applicant_type_box.currentIndexChanged.connect(self._applicant_type_changed)

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
        self._form = form
        self.warning_labels: dict[str, QLabel] = {}
        self._files_check = 0  # which duplicate check of the file list is the latest
        form.addRow(tr("new_dossier.procedure"), self.procedure_box)
        form.addRow(tr("new_dossier.applicant_type"), self.applicant_type_box)
        form.addRow(tr("new_dossier.applicant_name"), self.applicant_name_edit)
        self._add_checked_row("id_number", tr("new_dossier.id_number"), self.id_number_edit)
        form.addRow(tr("new_dossier.address"), self.address_edit)
        self._add_checked_row("phone", tr("new_dossier.phone"), self.phone_edit)
        self._add_checked_row("email", tr("new_dossier.email"), self.email_edit)
        self._add_checked_row("files", tr("new_dossier.files"), files_column)

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
        self._check_files()

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
            id_number=self.id_number_edit.text(),
            address=self.address_edit.text(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
        )
        for field in ("id_number", "phone", "email"):
            self._check_field(field)
        return NewDossier(
            procedure_code=procedure.code, applicant=applicant, files=list(self.files)
        )

    def receive(self) -> None:
        """Store the files (``io``), then save the dossier (``db``), as one background task.

        The save is handed on from the ``io`` thread, not through this dialog:
        once the officer has pressed Receive the dossier is saved, or its failure
        shown, even if the dialog is gone by then. Until the files are stored,
        Cancel stops the work (the stored files are then unreferenced blobs).
        """
        if self.busy:
            return
        self._focus_before = self.focusWidget()
        try:
            request = self.request()
        except WorkstationError as exc:
            self._failed(exc)
            return
        blobs, catalogue = self.services.blobs, self.services.catalogue
        database, services = self.services.database, self.services
        issuer = CodeIssuer.from_settings(self.services.settings)

        # Progress is a cancellation point: Cancel stops the files being stored.
        def prepare(context: TaskContext) -> Dossier:
            return prepare_dossier(blobs, catalogue, request, context.progress)

        def save(dossier: Dossier) -> Dossier:
            # A counter officer's (a refusal is recorded); on ``db``, as every store access.
            services.require(Action.RECEIVE)
            return save_dossier(database, dossier, issuer)

        self._set_busy(True)
        self.receive_button.setEnabled(False)
        self.buttons.setEnabled(True)  # Cancel stays usable while the files are stored
        self._task = run_in_background(
            self,
            prepare,
            self._received,
            self._failed,
            executor="io",
            then=[("db", save)],
            essential=True,
            on_progress=self._progressed,
        )
        self._task.cancelled.connect(self._cancelled)

    def _received(self, dossier: Dossier) -> None:
        self._task = None
        self._set_busy(False)
        log.info("dossier %s received from the dialog", dossier.id)
        self.dossier_received.emit(dossier.id)
        self.accept()

    def _cancelled(self) -> None:
        self._task = None
        self._set_busy(False)
        log.info("receiving cancelled from the dialog")
        super().reject()

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self._set_busy(False)
        self.receive_button.setEnabled(True)
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
        elif edits := [
            e for f, e in self._applicant_edits.items() if code.startswith(f"applicant.{f}_")
        ]:
            target = edits[0]
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
            self.address_edit,
            self.phone_edit,
            self.email_edit,
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

    # Warnings at the fields ------------------------------------------------

    def _optional_edit(self, limit: int) -> QLineEdit:
        edit = QLineEdit()
        edit.setMaxLength(limit)
        edit.setPlaceholderText(tr("new_dossier.optional"))
        return edit

    def _add_checked_row(self, field: str, label: str, widget: QWidget | QVBoxLayout) -> None:
        """A form row, and under it a row for the field's warnings, hidden while there are none."""
        self._form.addRow(label, widget)
        warning = QLabel()
        warning.setObjectName(f"{field}_warning")
        warning.setWordWrap(True)
        warning.setStyleSheet(WARNING_STYLE)
        warning.setTextFormat(Qt.TextFormat.PlainText)  # file names are shown as typed
        self._form.addRow("", warning)
        self._form.setRowVisible(warning, False)
        self.warning_labels[field] = warning
        if isinstance(widget, QLineEdit):
            # Checked when the officer leaves the field; editing it again clears the warning.
            widget.editingFinished.connect(self._applicant_field_left)
            widget.textEdited.connect(self._applicant_field_edited)

    def _field_of_sender(self) -> str:
        sender = self.sender()
        return next(f for f, edit in self._applicant_edits.items() if edit is sender)

    @Slot()
    def _applicant_field_left(self) -> None:
        self._check_field(self._field_of_sender())

    @Slot(str)
    def _applicant_field_edited(self, _text: str) -> None:
        self.show_warnings(self._field_of_sender(), [])

    @Slot(int)
    def _applicant_type_changed(self, _index: int) -> None:
        self._check_field("id_number")  # only a citizen's number has a known structure

    def _check_field(self, field: str) -> None:
        """Show the warnings for one of the applicant's fields as it now reads."""
        text = tidy(self._applicant_edits[field].text())
        if has_control_characters(text):
            found: list[FieldWarning] = []  # refused on "Receive", with its own message
        elif field == "id_number":
            found = id_number_warnings(text, ApplicantType(self.applicant_type_box.currentData()))
        elif field == "phone":
            found = phone_warnings(text)
        else:
            found = email_warnings(text)
        self.show_warnings(field, found)

    def _check_files(self) -> None:
        """Compare the chosen files on the ``io`` thread (reading them may take a while)."""
        self._files_check += 1
        check, files = self._files_check, list(self.files)
        if len(files) < 2:
            self.show_warnings("files", [])
            return

        def compare() -> tuple[int, list[FieldWarning]]:
            return check, duplicate_files(files)

        run_in_background(self, compare, self._files_compared, executor="io")

    def _files_compared(self, outcome: tuple[int, list[FieldWarning]]) -> None:
        check, found = outcome
        if check == self._files_check:  # the list has not changed since
            self.show_warnings("files", found)

    def show_warnings(self, field: str, found: Sequence[FieldWarning]) -> None:
        """Show ``found`` under ``field`` (hide the row when there are none)."""
        label = self.warning_labels[field]
        label.setText("\n".join(f"⚠ {w.message()}" for w in found))
        self._form.setRowVisible(label, bool(found))
        self.warnings_shown.emit(field)

    def warnings(self, field: str) -> list[str]:
        """The warnings shown under ``field`` now, one per line (what the officer reads)."""
        text = self.warning_labels[field].text()
        return [line.removeprefix("⚠ ") for line in text.splitlines()]

    # While the dossier is being saved, closing would lose track of it.
    # Cancel (or Escape) while receiving asks the work to stop; the dialog closes once
    # it has (if the dossier was saved meanwhile, it says so as usual).
    def reject(self) -> None:
        if not self.busy:
            super().reject()
        elif self._task is not None:
            self._task.cancel()
            self.buttons.setEnabled(False)
            self.progress_label.setText(tr("new_dossier.cancelling"))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)
