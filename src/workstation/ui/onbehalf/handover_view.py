"""Handing back the result (trả kết quả), by keyboard and barcode reader.

Scan the receipt's barcode or QR code into the code field (the reader types
it and Enter), or type the code: the dossier is found and shown (procedure,
owner, status). Type the collector's ID number; an authorised person needs
the scanned authorisation: its file, or scanned here and now on the counter's
scanner (Scan: the first listed device unless one is chosen). Enter hands over: status 10 and the
time are recorded with their outbox messages, then the hand-over record is
written into ``<data folder>/handovers/`` and offered for printing through
the same printer seam as the receipt. A signed electronic result can go by
e-mail instead: choosing that delivery shows the citizen's address, filled in
from the dossier when it holds one and checked as it is typed; the result is
sent through the SMTP server the settings name, and recorded once it took it.
"""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.domain import Dossier, clock
from workstation.i18n import tr
from workstation.officers import Action
from workstation.onbehalf.authorisation_scan import scan_authorisation
from workstation.onbehalf.delivery import mailer_for
from workstation.onbehalf.handover import (
    EMAIL_MAX,
    Delivery,
    Handover,
    dossier_reference_from_scan,
    hand_over,
    is_email_address,
)
from workstation.onbehalf.handover_record import render_handover_record
from workstation.services import Services
from workstation.store import sealed_files
from workstation.ui.background import run_in_background
from workstation.ui.errors import show_error, user_message
from workstation.ui.intake.checklist import WARNING_STYLE
from workstation.ui.intake.receipt_step import DialogPrinter, ReceiptPrinter
from workstation.ui.section import Section

log = logging.getLogger(__name__)


def record_path(data_folder: Path, code: str) -> Path:
    """Where the hand-over record of dossier ``code`` is kept."""
    return data_folder / "handovers" / f"{re.sub(r'[^0-9A-Za-z._-]', '_', code)}.pdf"


class HandoverView(QWidget):
    """Find a dossier by its receipt's code, check the collector, hand over, print the record."""

    found = Signal(str)  # the dossier's id
    handed_over = Signal(str)  # the record's path
    authorisation_scanned = Signal(str)  # the scanned PDF's path
    failed = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.printer: ReceiptPrinter = DialogPrinter()
        self.dossier: Dossier | None = None
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(tr("onbehalf_ui.scan_placeholder"))
        self.code_edit.returnPressed.connect(self.find)
        self.dossier_label = QLabel()
        self.dossier_label.setTextFormat(Qt.TextFormat.PlainText)
        self.dossier_label.setWordWrap(True)
        self.collector_edit = QLineEdit()
        self.collector_edit.setMaxLength(12)
        self.collector_edit.returnPressed.connect(self.hand_over)
        self.authorisation_edit = QLineEdit()
        self.authorisation_edit.setPlaceholderText(tr("onbehalf_ui.authorisation_placeholder"))
        self.authorisation_edit.returnPressed.connect(self.hand_over)
        browse = QPushButton(tr("onbehalf_ui.choose_file"))
        browse.clicked.connect(self._choose_authorisation)
        self.device_box = QComboBox()
        self.device_box.setToolTip(tr("onbehalf_ui.scanner"))
        self.scan_button = QPushButton(tr("onbehalf_ui.scan_authorisation"))
        self.scan_button.clicked.connect(self.scan_authorisation)
        row = QHBoxLayout()
        row.addWidget(self.authorisation_edit, 1)
        row.addWidget(browse)
        row.addWidget(self.device_box)
        row.addWidget(self.scan_button)
        self.delivery_box = QComboBox()
        for delivery in Delivery:
            self.delivery_box.addItem(tr(f"handover_record.delivery_{delivery.value}"), delivery)
        self.delivery_box.currentIndexChanged.connect(lambda _i: self._delivery_changed())
        self.email_edit = QLineEdit()
        self.email_edit.setMaxLength(EMAIL_MAX)
        self.email_edit.setPlaceholderText(tr("onbehalf3.email_placeholder"))
        self.email_edit.textChanged.connect(lambda _t: self._check_email())
        self.email_edit.returnPressed.connect(self.hand_over)
        self.email_label = QLabel(tr("onbehalf3.email"))
        self.email_message = QLabel()
        self.email_message.setStyleSheet(WARNING_STYLE)
        self.hand_button = QPushButton(tr("onbehalf_ui.hand_over"))
        self.hand_button.clicked.connect(self.hand_over)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("onbehalf_ui.receipt_code"), self.code_edit)
        form.addRow(self.dossier_label)
        form.addRow(tr("onbehalf_ui.collector_id"), self.collector_edit)
        form.addRow(tr("onbehalf_ui.authorisation"), row)
        form.addRow(tr("onbehalf_ui.delivery"), self.delivery_box)
        form.addRow(self.email_label, self.email_edit)
        form.addRow(self.email_message)
        form.addRow(self.hand_button)
        form.addRow(self.message_label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self.clear()

    def clear(self) -> None:
        self.dossier = None
        for edit in (self.code_edit, self.collector_edit, self.authorisation_edit, self.email_edit):
            edit.clear()
        self.delivery_box.setCurrentIndex(0)
        self._delivery_changed()
        self.dossier_label.clear()
        self.message_label.clear()
        self.hand_button.setEnabled(False)
        self.code_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def delivery(self) -> Delivery:
        return Delivery(self.delivery_box.currentData())

    def _delivery_changed(self) -> None:
        """The address shows only for a delivery by e-mail (the cursor goes to it)."""
        by_email = self.delivery() is Delivery.EMAIL
        for widget in (self.email_label, self.email_edit):
            widget.setVisible(by_email)
        self._check_email()
        if by_email and self.isVisible():
            self.email_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _check_email(self) -> bool:
        """Whether the typed address can be sent to; a warning under it while it cannot."""
        text = self.email_edit.text().strip()
        fine = is_email_address(text)
        shown = self.delivery() is Delivery.EMAIL and bool(text) and not fine
        self.email_message.setText(tr("onbehalf3.email_invalid") if shown else "")
        self.email_message.setVisible(shown)
        return fine

    def _choose_authorisation(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("onbehalf_ui.authorisation"))
        if path:
            self.authorisation_edit.setText(path)

    def scan_authorisation(self) -> None:
        """Scan the collector's authorisation on the counter's scanner into one PDF/A
        (listing the scanners first if they were not listed yet)."""
        services = self.services
        chosen = self.device_box.currentData()
        data = services.folders.data
        language = services.settings.ocr_languages
        code = self.dossier.code or "" if self.dossier is not None else ""
        name = uuid.uuid4().hex

        def op() -> tuple[list[tuple[str, str]], Path]:
            devices = [(d.id, d.name) for d in services.capture_devices() if d.backend != "files"]
            device_id = chosen or (devices[0][0] if devices else None)
            if device_id is None:
                from workstation.errors import ExternalPartError

                raise ExternalPartError("no scanner is reachable", code="handover.no_scanner")
            path = scan_authorisation(
                services.open_capture_device,
                device_id,
                data / "capture" / name,
                # A working file until the hand-over stores it: the one plain folder.
                sealed_files.plain_folder(data) / "authorisations" / f"{name}.pdf",
                language,
                code,
            )
            return devices, path

        self.scan_button.setEnabled(False)
        self.message_label.setText(tr("onbehalf_ui.scanning"))
        run_in_background(self, op, self._scanned, self._scan_failed, "io")

    def _scanned(self, found: tuple[list[tuple[str, str]], Path]) -> None:
        devices, path = found
        if self.device_box.count() == 0:
            for device_id, name in devices:
                self.device_box.addItem(name, device_id)
        self.scan_button.setEnabled(True)
        self.authorisation_edit.setText(str(path))
        self.message_label.setText(tr("onbehalf_ui.authorisation_scanned"))
        self.collector_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.authorisation_scanned.emit(str(path))

    def _scan_failed(self, exc: BaseException) -> None:
        self.scan_button.setEnabled(True)
        self._failed(exc)

    def find(self) -> None:
        """Find the dossier the scanned or typed code names (Enter in the code field)."""
        from workstation.dossiers import show_dossier

        reference = dossier_reference_from_scan(self.code_edit.text())
        if not reference:
            return
        database = self.services.database
        run_in_background(
            self, lambda: show_dossier(database, reference), self._found, self._failed
        )

    def _found(self, dossier: Dossier) -> None:
        self.dossier = dossier
        day = clock.local(dossier.received_at).date()
        procedure = self.services.catalogue.get(dossier.procedure_code, day)
        self.dossier_label.setText(
            "\n".join(
                [
                    f"{dossier.code or ''} · {procedure.name}",
                    f"{tr('onbehalf_ui.owner')}: {dossier.dossier_owner.name}",
                    f"{tr('onbehalf_ui.status')}: {tr(dossier.status.message_key)}",
                ]
            )
        )
        self.message_label.clear()
        self.email_edit.setText(dossier.dossier_owner.email or "")
        self.hand_button.setEnabled(True)
        self.collector_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.found.emit(dossier.id)

    def hand_over(self) -> None:
        """Hand the result over to the collector typed in; write and print the record."""
        if self.dossier is None:
            return
        services = self.services
        dossier_id = self.dossier.id
        collector = self.collector_edit.text()
        path_text = self.authorisation_edit.text().strip()
        authorisation = Path(path_text) if path_text else None
        delivery = self.delivery()
        email = None
        if delivery is Delivery.EMAIL:
            if not self._check_email():
                key = (
                    "onbehalf3.email_invalid"
                    if self.email_edit.text().strip()
                    else "error.handover.no_email"
                )
                self.message_label.setText(tr(key))
                self.email_edit.setFocus(Qt.FocusReason.OtherFocusReason)
                self.failed.emit(self.message_label.text())
                return
            email = self.email_edit.text().strip()
        data = services.folders.data
        agency = services.settings.agency_name

        def op() -> Path:
            services.require(Action.HAND_OVER, dossier_id=dossier_id)
            handover: Handover = hand_over(
                services.database,
                services.blobs,
                dossier_id,
                collector,
                authorisation=authorisation,
                delivery=delivery,
                email=email,
                officer=services.officer(),
                mailer=mailer_for(services.settings, delivery),
                agency_name=agency,
            )
            path = record_path(data, handover.dossier.code or handover.dossier.id)
            record = render_handover_record(handover, services.catalogue, agency, None)
            return sealed_files.write(path, record)  # sealed when encryption is on

        self.hand_button.setEnabled(False)
        run_in_background(self, op, self._handed_over, self._failed, essential=True)

    def _handed_over(self, path: Path) -> None:
        log.info("result handed over; record written")
        self.message_label.setText(tr("onbehalf_ui.handed_over", name=path.name))
        self.dossier = None
        self.printer.print_pdf(path, self)
        self.handed_over.emit(str(path))

    def _failed(self, exc: BaseException) -> None:
        message = user_message(exc)
        self.message_label.setText(message)
        self.hand_button.setEnabled(self.dossier is not None)
        if getattr(exc, "code", "") in ("handover.no_email", "handover.bad_email"):
            self.email_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if not hasattr(exc, "code"):
            show_error(self, exc)
        self.failed.emit(message)


class HandoverSection(Section):
    """Trả kết quả: handing results back at the counter."""

    title_key = "section.handover"
    action = Action.HAND_OVER

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.view = HandoverView(services)
        self.view.handed_over.connect(lambda _p: self.store_changed.emit())
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
