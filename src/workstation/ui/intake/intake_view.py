"""The counter's intake view: receive a citizen's dossier by keyboard, print the receipt.

Keyboard first, top to bottom: type to find the procedure and press Enter; scan
the chip ID card with the handheld reader into the card field (its Enter fills
name, ID number and address exactly as printed, date of birth and sex beside
them, with the card's warnings), or read the card's QR code from a scanned or
photographed card with Ctrl+Shift+I ("Đọc CCCD từ ảnh"); Enter moves on from
field to field; type each component's paper pages (Enter: next row), add its
files or scan into it (F9); Enter on the last row, or Ctrl+Enter anywhere, receives. Tab from the
e-mail reaches "người nộp không phải chủ hồ sơ" (Space reveals the owner's
fields: :mod:`~workstation.ui.intake.owner_panel`) and then how the result
will be collected (counter, post, online). The summary
beside the form shows the fee, charge and appointment as they stand.

Receiving prepares the dossier on the ``io`` executor and saves it on ``db``
(essential: once asked, it is saved or its failure shown), then, as the last
step, writes the receipt PDF on ``io`` into the data folder and hands it to the
:class:`~workstation.ui.intake.receipt_step.ReceiptPrinter` (the system print
dialog). The confirmation shows the code, appointment and fee; "Next
citizen" (Ctrl+N) clears everything for the next one.
"""

from __future__ import annotations

import logging
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.domain import (
    Applicant,
    ApplicantType,
    Channel,
    CollectionMethod,
    Dossier,
    clock,
)
from workstation.domain.admin_units import suggest
from workstation.domain.applicant import ADDRESS_MAX, EMAIL_MAX, ID_NUMBER_MAX, PHONE_MAX, tidy
from workstation.domain.catalogue import Procedure
from workstation.domain.cccd import CitizenCard, parse_payload
from workstation.domain.contact import email_warnings, phone_warnings
from workstation.domain.fees import ONLINE
from workstation.domain.id_number import id_number_warnings
from workstation.errors import BadInput, WorkstationError
from workstation.i18n import tr
from workstation.intake.receive import ChecklistRequest, CodeIssuer, prepare_dossier, save_dossier
from workstation.officers import Action
from workstation.scan.barcodes import read_card_image
from workstation.services import Services
from workstation.tasks import TaskContext
from workstation.ui.background import run_in_background
from workstation.ui.errors import error_code, show_error, user_message
from workstation.ui.intake.checklist import ERROR_STYLE, WARNING_STYLE, ChecklistPanel
from workstation.ui.intake.owner_panel import OwnerPanel
from workstation.ui.intake.procedure_search import ProcedureSearch
from workstation.ui.intake.receipt_step import DialogPrinter, ReceiptPrinter, write_receipt
from workstation.ui.intake.summary import SummaryPanel, money, printed_moment
from workstation.ui.onbehalf.onbehalf_panel import OnBehalfPanel

log = logging.getLogger(__name__)

# Online only through the citizen's own e-ID confirmation (ui/onbehalf), never picked here.
CHANNELS = (Channel.COUNTER, Channel.ON_BEHALF, Channel.POST)


class IntakeView(QWidget):
    """The intake form; ``dossier_received(id)`` once saved, ``receipt_ready(path)`` after."""

    dossier_received = Signal(str)
    receipt_ready = Signal(str)
    receiving_failed = Signal(str)
    card_read = Signal()  # the card field's payload was read (or refused)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.printer: ReceiptPrinter = DialogPrinter()
        self.busy = False
        self.card: CitizenCard | None = None
        self._card_image_asked = 0
        self.dossier: Dossier | None = None
        self.receipt_path: Path | None = None

        self.search = ProcedureSearch(services.catalogue)
        self.search.picked.connect(self._procedure_picked)
        self.applicant_type_box = QComboBox()
        for applicant_type in ApplicantType:
            self.applicant_type_box.addItem(tr(applicant_type.message_key), applicant_type)
        self.card_edit = QLineEdit()
        self.card_edit.setPlaceholderText(tr("intake_ui.card_placeholder"))
        self.card_edit.returnPressed.connect(self.read_card)
        self.card_label = QLabel()
        self.name_edit = self._edit(200)
        self.id_number_edit = self._edit(ID_NUMBER_MAX)
        self.address_edit = self._edit(ADDRESS_MAX)
        self.phone_edit = self._edit(PHONE_MAX)
        self.email_edit = self._edit(EMAIL_MAX)
        self.owner_panel = OwnerPanel()
        self.collection_box = QComboBox()
        for method in CollectionMethod:
            self.collection_box.addItem(tr(f"intake_owner.{method.message_key}"), method)
        self.channel_box = QComboBox()
        for channel in CHANNELS:
            self.channel_box.addItem(tr(f"intake_ui.channel.{channel.value}"), channel)
        self.channel_box.currentIndexChanged.connect(lambda _i: self._update_summary())
        self.cases_box = QWidget()
        self.cases_layout = QHBoxLayout(self.cases_box)
        self.cases_layout.setContentsMargins(0, 0, 0, 0)
        self.case_checks: dict[str, QCheckBox] = {}
        self.checklist = ChecklistPanel(services.scan_into, reuse=services.reuse)
        self.checklist.changed.connect(self._update_summary)
        self.checklist.last_enter.connect(self.receive)
        self.summary = SummaryPanel()

        form = QFormLayout()
        self._form = form
        self.messages: dict[str, QLabel] = {}
        form.addRow(tr("intake_ui.procedure"), self.search)
        form.addRow(tr("intake_ui.applicant_type"), self.applicant_type_box)
        self._row("card", tr("intake_ui.card"), self.card_edit)
        form.addRow("", self.card_label)
        self.card_image_button = QPushButton(tr("intake_card.from_image"))
        self.card_image_button.setAutoDefault(False)
        self.card_image_button.clicked.connect(lambda: self.read_card_image())
        form.addRow("", self.card_image_button)
        self._row("name", tr("intake_ui.name"), self.name_edit)
        self._row("id_number", tr("intake_ui.id_number"), self.id_number_edit)
        form.addRow(tr("intake_ui.address"), self.address_edit)
        # Today's units beside the address as printed (never replacing it): minimal hook.
        self.units_label = QLabel()
        self.units_label.setWordWrap(True)
        self.units_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("", self.units_label)
        self.address_edit.textChanged.connect(self._show_units)
        self._row("phone", tr("intake_ui.phone"), self.phone_edit)
        self._row("email", tr("intake_ui.email"), self.email_edit)
        form.addRow("", self.owner_panel)
        form.addRow(tr("intake_owner.collection"), self.collection_box)
        form.addRow(tr("intake_ui.channel"), self.channel_box)
        form.addRow(tr("intake_ui.cases"), self.cases_box)
        checklist_box = QGroupBox(tr("intake_ui.checklist"))
        QVBoxLayout(checklist_box).addWidget(self.checklist)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setVisible(False)
        self.receive_button = QPushButton(tr("intake_ui.receive"))
        self.receive_button.clicked.connect(self.receive)
        self.confirmation = self._confirmation_panel()

        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(checklist_box)
        left.addWidget(self.error_label)
        left.addWidget(self.progress_label)
        left.addWidget(self.receive_button)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.summary)
        right.addWidget(self.confirmation)
        self.onbehalf = OnBehalfPanel(services, self)
        right.addWidget(self.onbehalf)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 1)

        for keys, slot, what in (
            ("Ctrl+Return", self.receive, "intake_ui.receive"),
            ("Ctrl+Enter", self.receive, "intake_ui.receive"),
            ("Ctrl+N", self.next_citizen, "intake_ui.next_citizen"),
            ("Ctrl+Shift+I", self.read_card_image, "intake_card.from_image"),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setWhatsThis(tr(what))  # listed in the shortcuts window (F1)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        # Enter moves on, as Tab does, through the applicant's fields.
        chain = [self.name_edit, self.id_number_edit, self.address_edit, self.phone_edit]
        for edit, following in zip(chain, [*chain[1:], self.email_edit], strict=True):
            edit.returnPressed.connect(lambda f=following: f.setFocus())
        self.email_edit.returnPressed.connect(self._to_checklist)
        # Tab from the e-mail: the owner checkbox (Space reveals the owner's fields), the
        # owner's fields while shown, how the result is collected, then the channel.
        owner = self.owner_panel
        order = [self.email_edit, owner.check, owner.type_box, owner.name_edit]
        order += [owner.id_number_edit, owner.address_edit, owner.email_edit]
        order += [self.collection_box, self.channel_box]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)
        owner.finished.connect(lambda: self.collection_box.setFocus(Qt.FocusReason.TabFocusReason))
        for edit in (self.name_edit, self.id_number_edit, self.address_edit):
            edit.textEdited.connect(lambda _t: self._update_summary())
        self.applicant_type_box.currentIndexChanged.connect(lambda _i: self._check("id_number"))
        self.next_citizen()

    # Building ------------------------------------------------------------------

    def _edit(self, limit: int) -> QLineEdit:
        edit = QLineEdit()
        edit.setMaxLength(limit)
        return edit

    def _row(self, field: str, label: str, edit: QLineEdit) -> None:
        """A form row and, under it, its message row (hidden while empty)."""
        self._form.addRow(label, edit)
        message = QLabel()
        message.setObjectName(f"{field}_message")
        message.setWordWrap(True)
        message.setTextFormat(Qt.TextFormat.PlainText)
        self._form.addRow("", message)
        self._form.setRowVisible(message, False)
        self.messages[field] = message
        if field in ("id_number", "phone", "email"):
            edit.editingFinished.connect(lambda f=field: self._check(f))
        if field == "id_number":  # the citizen's store of digitised documents, by ID number
            edit.editingFinished.connect(
                lambda: self.checklist.look_up(edit.text(), self.procedure())
            )
            edit.textEdited.connect(lambda _t, f=field: self.show_message(f, []))

    def _confirmation_panel(self) -> QGroupBox:
        box = QGroupBox(tr("intake_ui.confirmation"))
        self.code_label = QLabel()
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.due_label = QLabel()
        self.fee_label = QLabel()
        self.receipt_label = QLabel()
        self.receipt_label.setWordWrap(True)
        self.print_button = QPushButton(tr("intake_ui.print_again"))
        self.print_button.clicked.connect(self.print_receipt)
        self.next_button = QPushButton(tr("intake_ui.next_citizen"))
        self.next_button.clicked.connect(self.next_citizen)
        layout = QFormLayout(box)
        layout.addRow(tr("intake_ui.code"), self.code_label)
        layout.addRow(tr("intake_ui.due"), self.due_label)
        layout.addRow(tr("intake_ui.total"), self.fee_label)
        layout.addRow(self.receipt_label)
        layout.addRow(self.print_button)
        layout.addRow(self.next_button)
        return box

    # The procedure and the card ---------------------------------------------------

    def _show_units(self, address: str) -> None:
        found = suggest(address, clock.now().date())
        if found is None:
            self.units_label.setText("")
        elif found.text is None:
            self.units_label.setText(tr("applicant.units_unknown"))
        else:
            key = "applicant.units_illustrative" if found.illustrative else "applicant.units"
            self.units_label.setText(tr(key, units=found.text))
        style = WARNING_STYLE if found is not None and found.text is None else ""
        self.units_label.setStyleSheet(style)

    def procedure(self) -> Procedure | None:
        return self.search.procedure

    def _procedure_picked(self, procedure: Procedure | None) -> None:
        self.checklist.set_procedure(procedure)
        self.checklist.look_up(self.id_number_edit.text(), procedure)
        for check in self.case_checks.values():
            check.deleteLater()
        self.case_checks = {}
        if procedure is not None:
            names: dict[str, str] = {}
            for item in procedure.fees:
                for reduction in item.reductions:
                    if reduction.case != ONLINE:
                        names.setdefault(reduction.case, reduction.name or reduction.case)
            for case, name in sorted(names.items()):
                check = QCheckBox(name)
                check.toggled.connect(lambda _on: self._update_summary())
                self.cases_layout.addWidget(check)
                self.case_checks[case] = check
        self.cases_box.setVisible(bool(self.case_checks))
        self._update_summary()
        self.card_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def read_card(self) -> None:
        """Read the card field's QR payload into the applicant's fields (Enter in the field)."""
        try:
            card = parse_payload(self.card_edit.text())
        except WorkstationError as exc:
            self.show_message("card", [user_message(exc)], ERROR_STYLE)
            self.card_read.emit()
            return
        self._fill_from_card(card)

    def read_card_image(self, path: Path | None = None) -> None:
        """Read the card's QR code from a scan or photo (Ctrl+Shift+I) into the applicant.

        Without ``path`` the officer picks the file. The image is decoded off the
        UI thread; the fields are filled exactly as by the reader's payload, and an
        image with no card on it is refused at the card field with nothing changed.
        """
        if self.busy:
            return
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self, tr("intake_card.pick_image"), "", tr("intake_card.image_filter")
            )
            if not chosen:
                return
            path = Path(chosen)
        self.show_message("card", [tr("intake_card.reading")], "")
        self._card_image_asked += 1
        asked = self._card_image_asked  # a later image, or the next citizen, outdates this one

        def done(card: CitizenCard) -> None:
            if asked == self._card_image_asked:
                self._fill_from_card(card)

        def refused(exc: BaseException) -> None:
            if asked == self._card_image_asked:
                self._card_image_refused(exc)

        run_in_background(
            self,
            lambda: read_card_image(path, clock.now().date()),
            done,
            refused,
            executor="io",
        )

    def _card_image_refused(self, exc: BaseException) -> None:
        log.info("card image refused: %s", error_code(exc))
        self.show_message("card", [user_message(exc)], ERROR_STYLE)
        self.card_read.emit()
        if not isinstance(exc, WorkstationError):
            show_error(self, exc)

    def _fill_from_card(self, card: CitizenCard) -> None:
        self.card = card
        self.applicant_type_box.setCurrentIndex(
            self.applicant_type_box.findData(ApplicantType.CITIZEN)
        )
        self.name_edit.setText(card.full_name)
        self.id_number_edit.setText(card.id_number)
        self.address_edit.setText(card.address)  # exactly as printed on the card
        self.checklist.look_up(card.id_number, self.procedure())
        self.card_label.setText(
            tr(
                "intake_ui.card_details",
                born=card.date_of_birth.strftime("%d/%m/%Y"),
                sex=card.sex,
            )
        )
        self.show_message("card", [w.message() for w in card.warnings])
        self.card_edit.clear()  # the payload holds personal data: not kept on screen
        log.info("card read: %d warning(s)", len(card.warnings))
        self._check("id_number")
        self.phone_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_summary()
        self.card_read.emit()

    def _to_checklist(self) -> None:
        if self.checklist.rows:
            self.checklist.rows[0].pages_edit.setFocus(Qt.FocusReason.TabFocusReason)

    # Messages at the fields ----------------------------------------------------------

    def show_message(self, field: str, lines: list[str], style: str = WARNING_STYLE) -> None:
        label = self.messages[field]
        label.setText("\n".join(f"⚠ {line}" if style == WARNING_STYLE else line for line in lines))
        label.setStyleSheet(style)
        self._form.setRowVisible(label, bool(lines))

    def message(self, field: str) -> list[str]:
        """The lines shown under ``field`` now (what the officer reads)."""
        label = self.messages[field]
        if not label.isVisibleTo(self):
            return []
        return [line.removeprefix("⚠ ") for line in label.text().splitlines()]

    def _check(self, field: str) -> None:
        edit = {"id_number": self.id_number_edit, "phone": self.phone_edit}.get(
            field, self.email_edit
        )
        text = tidy(edit.text())
        if field == "id_number":
            found = id_number_warnings(text, ApplicantType(self.applicant_type_box.currentData()))
        elif field == "phone":
            found = phone_warnings(text)
        else:
            found = email_warnings(text)
        self.show_message(field, [w.message() for w in found])

    def channel(self) -> Channel:
        return Channel(self.channel_box.currentData())

    def cases(self) -> list[str]:
        return [case for case, check in self.case_checks.items() if check.isChecked()]

    def _update_summary(self) -> None:
        if not self.busy:
            self.summary.update_for(self.procedure(), self.channel(), self.cases())

    # Receiving -------------------------------------------------------------------------

    def request(self, procedure: Procedure) -> ChecklistRequest:
        """What the officer filled in; raises :class:`WorkstationError` for what is wrong."""
        applicant = Applicant(
            name=self.name_edit.text(),
            type=ApplicantType(self.applicant_type_box.currentData()),
            id_number=self.id_number_edit.text(),
            address=self.address_edit.text(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
        )
        return ChecklistRequest(
            procedure_code=procedure.code,
            applicant=applicant,
            components=self.checklist.receipts(),
            channel=self.channel(),
            cases=tuple(self.cases()),
            owner=self.owner_panel.owner(),
            collection=self.collection(),
        )

    def collection(self) -> CollectionMethod:
        return CollectionMethod(self.collection_box.currentData())

    def receive(self) -> None:
        """Prepare (``io``), save (``db``, essential), then write and print the receipt."""
        if self.busy or self.dossier is not None:
            return
        procedure = self.procedure()
        try:
            if procedure is None:
                raise BadInput("no procedure chosen", code="dossier.procedure_missing")
            if not self.checklist.check_presented(procedure):
                self.receiving_failed.emit(tr("intake_ui.refused_at_row"))
                return
            request = self.request(procedure)
        except WorkstationError as exc:
            self._failed(exc)
            return
        services = self.services
        blobs, catalogue, database = services.blobs, services.catalogue, services.database
        issuer = CodeIssuer.from_settings(services.settings)

        def prepare(context: TaskContext) -> Dossier:
            return prepare_dossier(blobs, catalogue, request, context.progress)

        def save(dossier: Dossier) -> Dossier:
            # On ``db``, as every store access; a refused save leaves only unclaimed blobs,
            # which the clean-up removes.
            services.require(Action.RECEIVE)
            return save_dossier(database, dossier, issuer)

        self._set_busy(True)
        run_in_background(
            self,
            prepare,
            self._saved,
            self._failed,
            executor="io",
            then=[("db", save)],
            essential=True,
            on_progress=lambda step, _done, _total: self.progress_label.setText(tr(step)),
        )

    def _saved(self, dossier: Dossier) -> None:
        self.dossier = dossier
        self._remove_scans()  # their pages are stored now
        log.info("dossier %s received at the counter", dossier.id)
        self.code_label.setText(dossier.code or "")
        self.due_label.setText(printed_moment(dossier.due_at) if dossier.due_at else "—")
        self.fee_label.setText(money(dossier.fee + dossier.charge))
        self.receipt_label.setText(tr("intake_ui.receipt_writing"))
        self.confirmation.setVisible(True)
        self.print_button.setEnabled(False)
        self.dossier_received.emit(dossier.id)
        services = self.services
        run_in_background(
            self,
            lambda: write_receipt(
                dossier,
                services.catalogue,
                services.settings,
                services.folders.data,
                services.database,
            ),
            self._receipt_written,
            self._receipt_failed,
            executor="io",
        )

    def _receipt_written(self, path: Path) -> None:
        self._set_busy(False)
        self.receipt_path = path
        self.receipt_label.setText(tr("intake_ui.receipt_saved", name=path.name))
        self.print_button.setEnabled(True)
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.receipt_ready.emit(str(path))
        self.print_receipt()

    def _receipt_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.receipt_label.setText(user_message(exc))
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if not isinstance(exc, WorkstationError):
            show_error(self, exc)

    def print_receipt(self) -> None:
        """Offer the receipt for printing (the system print dialog)."""
        if self.receipt_path is not None:
            self.printer.print_pdf(self.receipt_path, self)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = user_message(exc)
        code = error_code(exc)
        row = self._row_of(exc)
        if self.owner_panel.refuse(exc):
            pass  # shown under the owner's fields, the cursor on the one it is about
        elif row is not None:
            self.checklist.refuse_at(row, message)
        else:
            self.error_label.setText(message)
            self.error_label.setVisible(True)
            target = {
                "applicant.name": self.name_edit,
                "applicant.id_number": self.id_number_edit,
                "applicant.address": self.address_edit,
                "applicant.phone": self.phone_edit,
                "applicant.email": self.email_edit,
            }
            edits = [e for prefix, e in target.items() if code.startswith(prefix)]
            if edits:
                edits[0].setFocus(Qt.FocusReason.OtherFocusReason)
            elif code.startswith("catalogue.") or code == "dossier.procedure_missing":
                self.search.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if not isinstance(exc, WorkstationError):
            show_error(self, exc)
        self.receiving_failed.emit(message)

    def _row_of(self, exc: BaseException) -> str | None:
        """The checklist row an error is about (it names the component), if any."""
        component = getattr(exc, "params", {}).get("component") if exc else None
        for row in self.checklist.rows:
            if component and row.requirement.name == component:
                return row.code
        return None

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (
            self.search,
            self.applicant_type_box,
            self.card_edit,
            self.card_image_button,
            self.name_edit,
            self.id_number_edit,
            self.address_edit,
            self.phone_edit,
            self.email_edit,
            self.collection_box,
            self.channel_box,
            self.cases_box,
            self.receive_button,
        ):
            widget.setEnabled(not busy)
        self.owner_panel.set_enabled(not busy)
        self.checklist.set_enabled(not busy)
        self.progress_label.setVisible(busy)
        if busy:
            self.error_label.setVisible(False)

    def _remove_scans(self) -> None:
        """Remove the scanned pages of this dossier: plain files, kept only while receiving."""
        remove = getattr(self.services.scan_into, "remove_scans", None)
        if remove is not None:
            remove()

    def focus_start(self) -> None:
        """Put the cursor where work resumes: the procedure search, or the next citizen."""
        target = self.next_button if self.dossier is not None else self.search.edit
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def next_citizen(self) -> None:
        """Clear everything for the next citizen (Ctrl+N); not while a dossier is being saved."""
        if self.busy:
            return
        self.dossier, self.receipt_path, self.card = None, None, None
        self._remove_scans()  # the pages of a dossier not received are not wanted
        self._card_image_asked += 1
        self.search.clear()
        self._procedure_picked(None)
        self.applicant_type_box.setCurrentIndex(0)
        self.channel_box.setCurrentIndex(0)
        self.collection_box.setCurrentIndex(0)
        self.owner_panel.clear()
        for edit in (
            self.card_edit,
            self.name_edit,
            self.id_number_edit,
            self.address_edit,
            self.phone_edit,
            self.email_edit,
        ):
            edit.clear()
        self.card_label.clear()
        for field in self.messages:
            self.show_message(field, [])
        self.error_label.setVisible(False)
        self.confirmation.setVisible(False)
        self.onbehalf.clear()
        self.search.edit.setFocus(Qt.FocusReason.OtherFocusReason)
