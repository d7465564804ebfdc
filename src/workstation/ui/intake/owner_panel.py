"""The dossier's owner (chủ hồ sơ) at the intake view, when the person filing is someone else.

A checkbox "người nộp không phải chủ hồ sơ" (Space toggles it) reveals the
owner's type, name, ID number, address and e-mail address; checking it puts
the cursor in the owner's name, and Enter moves on from field to field as in
the applicant's rows. Unchecked, the dossier has no owner of its own: the
person filing owns it. The owner is checked exactly as the applicant
(:class:`Applicant`): a refusal is shown under the owner's fields with the
cursor on the field it is about, and the ID number's structure is a warning,
never a refusal. The e-mail address is optional; one typed must be an address
a result can be e-mailed to (:func:`~workstation.onbehalf.handover.is_email_address`),
since the hand-over offers it for that (``intake_owner.email_invalid``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.domain import Applicant, ApplicantType
from workstation.domain.applicant import ADDRESS_MAX, EMAIL_MAX, ID_NUMBER_MAX, NAME_MAX, tidy
from workstation.domain.id_number import id_number_warnings
from workstation.domain.owner import dossier_owner
from workstation.errors import BadInput, WorkstationError
from workstation.i18n import tr
from workstation.onbehalf.handover import is_email_address
from workstation.ui.errors import error_code, user_message
from workstation.ui.intake.checklist import ERROR_STYLE, WARNING_STYLE


class OwnerPanel(QWidget):
    """The checkbox and, while it is checked, the owner's fields; ``finished`` after the last."""

    finished = Signal()  # Enter in the owner's e-mail address: the caller moves on

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(tr("intake_owner.not_owner"))
        self.type_box = QComboBox()
        for applicant_type in ApplicantType:
            self.type_box.addItem(tr(applicant_type.message_key), applicant_type)
        self.name_edit = _edit(NAME_MAX)
        self.id_number_edit = _edit(ID_NUMBER_MAX)
        self.address_edit = _edit(ADDRESS_MAX)
        self.email_edit = _edit(EMAIL_MAX)
        self.message_label = QLabel()
        self.message_label.setObjectName("owner_message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setVisible(False)
        self.refused: WorkstationError | None = None

        self.fields = QGroupBox(tr("intake_owner.group"))
        form = QFormLayout(self.fields)
        form.addRow(tr("intake_owner.type"), self.type_box)
        form.addRow(tr("intake_owner.name"), self.name_edit)
        form.addRow(tr("intake_owner.id_number"), self.id_number_edit)
        form.addRow(tr("intake_owner.address"), self.address_edit)
        form.addRow(tr("intake_owner.email"), self.email_edit)
        form.addRow(self.message_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.fields)
        self.fields.setVisible(False)

        self.check.toggled.connect(self._toggled)
        self.name_edit.returnPressed.connect(self.id_number_edit.setFocus)
        self.id_number_edit.returnPressed.connect(self.address_edit.setFocus)
        self.address_edit.returnPressed.connect(self.email_edit.setFocus)
        self.email_edit.returnPressed.connect(self.finished.emit)
        self.id_number_edit.editingFinished.connect(self.check_id_number)
        self.type_box.currentIndexChanged.connect(lambda _i: self.check_id_number())
        for edit in self.edits():
            edit.textEdited.connect(lambda _t: self._edited())

    def edits(self) -> tuple[QLineEdit, ...]:
        """The owner's text fields, in the order the cursor goes through them."""
        return (self.name_edit, self.id_number_edit, self.address_edit, self.email_edit)

    def _edited(self) -> None:
        self.refused = None
        self.show_message([])

    def _toggled(self, on: bool) -> None:
        self.fields.setVisible(on)
        self.show_message([])
        if on:
            self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def owner(self) -> Applicant | None:
        """The owner typed in, or None when the person filing owns the dossier.

        Raises what :func:`dossier_owner` raises (``owner.…``); :meth:`refuse` shows it
        at the field.
        """
        self.refused = None
        if not self.check.isChecked():
            return None
        try:
            owner = dossier_owner(
                name=self.name_edit.text(),
                type=ApplicantType(self.type_box.currentData()),
                id_number=self.id_number_edit.text(),
                address=self.address_edit.text(),
                email=self.email_edit.text(),
            )
            if owner.email and not is_email_address(owner.email):
                raise BadInput(
                    "the owner's e-mail address is not one a result can be sent to",
                    code="intake_owner.email_invalid",
                )
        except WorkstationError as exc:
            self.refused = exc
            raise
        return owner

    def refuse(self, exc: BaseException) -> bool:
        """Show ``exc`` under the owner's fields if it is about them; whether it was."""
        if exc is not self.refused:
            return False
        self.show_message([user_message(exc)], ERROR_STYLE)
        code = error_code(exc)
        edit = self.name_edit
        if code.startswith("owner.id_number"):
            edit = self.id_number_edit
        elif code.startswith("owner.address"):
            edit = self.address_edit
        elif code.startswith(("owner.email", "intake_owner.email")):
            edit = self.email_edit
        edit.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def check_id_number(self) -> None:
        """Warn (never refuse) about an owner's ID number that does not fit the national scheme.

        A refusal shown stays until the officer edits a field.
        """
        if self.refused is not None:
            return
        found = id_number_warnings(
            tidy(self.id_number_edit.text()), ApplicantType(self.type_box.currentData())
        )
        self.show_message([f"⚠ {w.message()}" for w in found])

    def show_message(self, lines: list[str], style: str = WARNING_STYLE) -> None:
        self.message_label.setText("\n".join(lines))
        self.message_label.setStyleSheet(style)
        self.message_label.setVisible(bool(lines))

    def message(self) -> list[str]:
        """The lines shown under the owner's fields now (what the officer reads)."""
        if not self.message_label.isVisibleTo(self):
            return []
        return [line.removeprefix("⚠ ") for line in self.message_label.text().splitlines()]

    def clear(self) -> None:
        self.check.setChecked(False)
        self.type_box.setCurrentIndex(0)
        for edit in self.edits():
            edit.clear()
        self.show_message([])
        self.refused = None

    def set_enabled(self, enabled: bool) -> None:
        self.check.setEnabled(enabled)
        self.fields.setEnabled(enabled)


def _edit(limit: int) -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(limit)
    return edit
