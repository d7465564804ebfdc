"""The on-behalf steps inside the intake view, after the dossier is received.

The panel says at every step which of the two the dossier is: a direct paper
dossier (the counter rate) or an online one filed on the citizen's behalf
under their own e-ID (the online reduction). The officer picks how the citizen
signs in, among the ways the identity provider offers (VNeID level 2, the
national portal's account; the demo provider's marked as demo). Keys: F6 the
citizen confirms (the identity provider signs the citizen in and they confirm the content
mirrored on their screen; then :func:`~workstation.onbehalf.submit.submit_online`),
F7 the payment code (on the panel and the citizen's screen), F8 record the
payment (method, reference), F10 ask the citizen's rating, F11 open the
citizen's screen. The citizen's screen opens by itself when the panel is first
shown, on a second monitor when there is one, unless the setting
``citizen_screen`` is ``off``. The citizen's screen mirrors the form as the officer types
it, and the saved dossier once received. Store work runs on the ``db``
executor through :func:`~workstation.ui.background.run_in_background`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from workstation.domain import Channel, Dossier, clock
from workstation.i18n import tr
from workstation.officers import Action
from workstation.onbehalf.citizen_view import (
    CitizenLines,
    citizen_lines,
    dossier_citizen_lines,
    money,
)
from workstation.onbehalf.content import content_digest
from workstation.onbehalf.identity import AccountKind
from workstation.onbehalf.payment import (
    PaymentMethod,
    PaymentState,
    apply_confirmations,
    payment_code,
)
from workstation.onbehalf.payment import record_payment as record_payment_in_store
from workstation.onbehalf.ratings import rating_levels, record_rating
from workstation.onbehalf.screen_choice import opens_by_itself
from workstation.onbehalf.submit import OnlineState, online_state, submit_online
from workstation.services import Services
from workstation.ui.background import run_in_background
from workstation.ui.errors import show_error, user_message
from workstation.ui.onbehalf.citizen_screen import CitizenScreen
from workstation.ui.onbehalf.qr_image import qr_pixmap

log = logging.getLogger(__name__)

POLL_MS = 15_000
"""How often the central system is asked about a transfer while its code is shown."""


class OnBehalfPanel(QGroupBox):
    """Filing online on the citizen's behalf, payment and rating for the dossier just received."""

    submitted = Signal(str)  # the dossier's id, now online
    payment_shown = Signal(str)  # the VietQR payload
    payment_recorded = Signal(int)  # what is still due
    rating_recorded = Signal(str)  # the level
    receipt_rewritten = Signal(str)  # the receipt's path, now saying paid or what is due
    payment_confirmed = Signal()  # the central system reported the payment
    failed = Signal(str)

    def __init__(self, services: Services, view: QWidget) -> None:
        super().__init__(tr("onbehalf_ui.title"), view)
        self.services = services
        self.view = view
        self.dossier: Dossier | None = None
        self.payload: str | None = None
        self.screen = CitizenScreen(self)
        self.screen.rated.connect(self._rated)
        # While a payment code is up, ask the central system now and then whether the bank
        # reported the transfer (only with a central system).
        self.poll = QTimer(self)
        self.poll.setObjectName("payment confirmation poll")
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self.check_payment)

        self.mode_label = QLabel()
        self.mode_label.setWordWrap(True)
        self.fee_label = QLabel()
        self.signin_box = QComboBox()
        for kind in services.identity.methods:
            self.signin_box.addItem(self._method_name(kind), kind)
        self.proof_label = QLabel()
        self.proof_label.setWordWrap(True)
        self.confirm_button = QPushButton(tr("onbehalf_ui.confirm"))
        self.confirm_button.clicked.connect(self.confirm)
        self.qr_button = QPushButton(tr("onbehalf_ui.show_qr"))
        self.qr_button.clicked.connect(self.show_payment_code)
        self.qr_label = QLabel()
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.method_box = QComboBox()
        for method in PaymentMethod:
            self.method_box.addItem(tr(f"onbehalf_ui.method.{method.value}"), method)
        self.reference_edit = QLineEdit()
        self.reference_edit.setMaxLength(100)
        self.reference_edit.setPlaceholderText(tr("onbehalf_ui.reference_placeholder"))
        self.reference_edit.returnPressed.connect(self.record_payment)
        self.pay_button = QPushButton(tr("onbehalf_ui.record_payment"))
        self.pay_button.clicked.connect(self.record_payment)
        self.paid_label = QLabel()
        self.rate_button = QPushButton(tr("onbehalf_ui.ask_rating"))
        self.rate_button.clicked.connect(self.ask_rating)
        self.screen_button = QPushButton(tr("onbehalf_ui.open_screen"))
        self.screen_button.clicked.connect(lambda: self.open_screen())
        self._opened_once = False
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        layout = QFormLayout(self)
        layout.addRow(self.mode_label)
        layout.addRow(tr("onbehalf_ui.fee"), self.fee_label)
        layout.addRow(tr("onbehalf3.signin"), self.signin_box)
        layout.addRow(self.confirm_button)
        layout.addRow(self.proof_label)
        layout.addRow(self.qr_button)
        layout.addRow(self.qr_label)
        layout.addRow(tr("onbehalf_ui.method"), self.method_box)
        layout.addRow(tr("onbehalf_ui.reference"), self.reference_edit)
        layout.addRow(self.pay_button)
        layout.addRow(self.paid_label)
        layout.addRow(self.rate_button)
        layout.addRow(self.screen_button)
        layout.addRow(self.message_label)
        for key, slot, what in (
            ("F6", self.confirm, "onbehalf_ui.confirm"),
            ("F7", self.show_payment_code, "onbehalf_ui.show_qr"),
            ("F8", self.record_payment, "onbehalf_ui.record_payment"),
            ("F10", self.ask_rating, "onbehalf_ui.ask_rating"),
            ("F11", self.open_screen, "onbehalf_ui.open_screen"),
        ):
            shortcut = QShortcut(QKeySequence(key), view)
            shortcut.setWhatsThis(tr(what))  # listed in the shortcuts window (F1)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._follow(view)
        self.clear()

    # Mirroring the form -------------------------------------------------------------------

    def _follow(self, view) -> None:  # type: ignore[no-untyped-def]
        """Mirror the intake form on the citizen's screen as the officer fills it."""
        view.search.picked.connect(lambda _p: self.mirror_form())
        view.checklist.changed.connect(self.mirror_form)
        view.card_read.connect(self.mirror_form)
        owner = view.owner_panel
        for edit in (view.name_edit, view.id_number_edit, owner.name_edit, owner.id_number_edit):
            edit.textEdited.connect(lambda _t: self.mirror_form())
        owner.check.toggled.connect(lambda _on: self.mirror_form())
        view.dossier_received.connect(self.dossier_received)

    def mirror_form(self) -> None:
        """The form as it stands, on the citizen's screen (before the dossier is saved)."""
        view = self.view
        if self.dossier is not None or view.procedure() is None:
            return
        names = {row.code: row.requirement.name for row in view.checklist.rows}
        presented = tuple(
            names.get(r.code, r.code) for r in view.checklist.receipts() if r.presented
        )
        assessment = view.summary.assessment
        filer_name, filer_id = view.name_edit.text().strip(), view.id_number_edit.text().strip()
        owner = view.owner_panel
        if owner.check.isChecked():
            # Filed for someone else: the owner (chủ hồ sơ), who confirms with their own
            # e-ID, is the one shown; the person filing is named on a line of their own.
            name, id_number = owner.name_edit.text().strip(), owner.id_number_edit.text().strip()
        else:
            name, id_number, filer_name, filer_id = filer_name, filer_id, "", ""
        self.screen.mirror(
            citizen_lines(
                view.procedure().name,
                name,
                id_number,
                presented,
                assessment.total if assessment else None,
                view.summary.due,
                filer_name=filer_name,
                filer_id_number=filer_id,
            )
        )

    def _lines(self, dossier: Dossier) -> CitizenLines:
        day = clock.local(dossier.received_at).date()
        procedure = self.services.catalogue.get(dossier.procedure_code, day)
        return dossier_citizen_lines(dossier, procedure.name)

    # After receiving ------------------------------------------------------------------------

    def dossier_received(self, dossier_id: str) -> None:
        """Show the saved dossier ``dossier_id`` (also to look again after it changed)."""
        from workstation.dossiers import show_dossier

        database = self.services.database

        def op() -> tuple[Dossier, OnlineState]:
            return show_dossier(database, dossier_id), online_state(database, dossier_id)

        run_in_background(self, op, lambda found: self._show_dossier(*found))

    def _method_name(self, kind: AccountKind | str) -> str:
        """The way of signing in as the officer reads it; the demo provider's says demo."""
        name = tr(f"onbehalf3.signin.{AccountKind(kind).value}")
        return tr("onbehalf3.demo", method=name) if self.services.identity.name == "demo" else name

    def _show_dossier(self, dossier: Dossier, state: OnlineState | None = None) -> None:
        self.dossier = dossier
        online = dossier.channel is Channel.ONLINE
        current = state is None or state.current
        self.stale = online and not current  # changed since the citizen confirmed it
        self.proof_label.clear()
        if state is not None and state.account_kind and state.confirmed_at is not None:
            self.proof_label.setText(
                tr(
                    "onbehalf3.confirmed_by",
                    method=self._method_name(state.account_kind),
                    time=clock.local(state.confirmed_at).strftime("%H:%M %d/%m/%Y"),
                )
            )
        mode = "onbehalf_ui.mode_online" if online else "onbehalf_ui.mode_paper"
        self.mode_label.setText(tr("onbehalf_ui.mode_stale" if self.stale else mode))
        total = (dossier.fee or 0) + (dossier.charge or 0)
        self.fee_label.setText(money(total))
        for widget in (self.confirm_button, self.qr_button, self.pay_button, self.rate_button):
            widget.setEnabled(True)
        can_confirm = not online or self.stale
        # The owner (chủ hồ sơ) confirms with their own account, not the person filing.
        self.confirm_button.setEnabled(can_confirm and bool(dossier.dossier_owner.id_number))
        self.signin_box.setEnabled(self.confirm_button.isEnabled())
        # A stale online dossier is paid only once confirmed again (the core refuses too).
        payable = total > 0 and not dossier.fee_paid and not self.stale
        self.qr_button.setEnabled(payable)
        self.pay_button.setEnabled(payable)
        self.screen.mirror(self._lines(dossier))

    def confirm(self) -> None:
        """The dossier's owner signs in with their own account and confirms the content (F6)."""
        dossier = self.dossier
        if dossier is None or (dossier.channel is Channel.ONLINE and not self.stale):
            return
        services = self.services
        identity = services.identity
        kind = AccountKind(self.signin_box.currentData())

        def op() -> tuple[Dossier, OnlineState]:
            services.require(Action.ON_BEHALF, dossier_id=dossier.id)
            owner_id = dossier.dossier_owner.id_number or ""
            proof = identity.confirm(owner_id, content_digest(dossier), kind)
            submitted = submit_online(
                services.database, services.catalogue, dossier.id, proof, services.officer()
            )
            return submitted, online_state(services.database, dossier.id)

        self.message_label.clear()
        run_in_background(self, op, self._submitted, self._failed)

    def _submitted(self, done: tuple[Dossier, OnlineState]) -> None:
        dossier, state = done
        log.info("dossier %s filed online on the citizen's behalf", dossier.id)
        self._show_dossier(dossier, state)
        self.submitted.emit(dossier.id)
        self._rewrite_receipt()  # the online fee: its amount and payment code

    def show_payment_code(self) -> None:
        """The VietQR code of what is due, here and on the citizen's screen (F7)."""
        if self.dossier is None:
            return
        database, settings = self.services.database, self.services.settings
        dossier_id = self.dossier.id
        run_in_background(
            self, lambda: payment_code(database, settings, dossier_id), self._code, self._failed
        )

    def _code(self, result: tuple[PaymentState, str]) -> None:
        state, payload = result
        self.payload = payload
        self.qr_label.setPixmap(qr_pixmap(payload, scale=3))
        self.paid_label.setText(tr("onbehalf_ui.due", amount=money(state.due)))
        account = self.services.settings.collection_account_name
        self.screen.show_payment(payload, state.due, account)
        self.method_box.setCurrentIndex(self.method_box.findData(PaymentMethod.TRANSFER))
        self.reference_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.services.payment_confirmations is not None and state.due > 0:
            self.poll.start()
        self.payment_shown.emit(payload)

    def check_payment(self) -> None:
        """Ask the central system whether the bank reported the payment; keep what it says."""
        ask = self.services.payment_confirmations
        if self.dossier is None or ask is None:
            self.poll.stop()
            return
        database, dossier_id = self.services.database, self.dossier.id

        def op() -> PaymentState:
            return apply_confirmations(database, dossier_id, ask(dossier_id))

        run_in_background(
            self, op, self._checked, lambda exc: self.message_label.setText(user_message(exc))
        )

    def _checked(self, state: PaymentState) -> None:
        if state.confirmed and state.due == 0:
            self.poll.stop()
            self.paid_label.setText(tr("onbehalf_ui.confirmed"))
            self.pay_button.setEnabled(False)
            self.qr_button.setEnabled(False)
            self.payment_confirmed.emit()
            self._rewrite_receipt()

    def record_payment(self) -> None:
        """Record how the fee was paid and its reference (F8, or Enter in the reference)."""
        if self.dossier is None:
            return
        database, dossier_id = self.services.database, self.dossier.id
        method = PaymentMethod(self.method_box.currentData())
        reference = self.reference_edit.text()
        services = self.services

        def op() -> PaymentState:
            services.require(Action.ON_BEHALF, dossier_id=dossier_id)
            return record_payment_in_store(
                database, dossier_id, method, reference, services.officer()
            )

        run_in_background(self, op, self._paid, self._failed)

    def _paid(self, state: PaymentState) -> None:
        if state.due == 0:
            self.poll.stop()
        text = (
            tr("onbehalf_ui.paid")
            if state.due == 0
            else tr("onbehalf_ui.due", amount=money(state.due))
        )
        self.paid_label.setText(text)
        self.pay_button.setEnabled(state.due > 0)
        self.qr_button.setEnabled(state.due > 0)
        self.payment_recorded.emit(state.due)
        self._rewrite_receipt()

    def _rewrite_receipt(self) -> None:
        """Write the receipt again, now saying paid or what is due at the online rate, with
        the payment code of what is still due (the officer prints it again)."""
        from workstation.dossiers import show_dossier
        from workstation.ui.intake.receipt_step import write_receipt

        if self.dossier is None:
            return
        services, dossier_id = self.services, self.dossier.id

        def op() -> Path:
            dossier = show_dossier(services.database, dossier_id)
            return write_receipt(
                dossier,
                services.catalogue,
                services.settings,
                services.folders.data,
                services.database,
            )

        run_in_background(self, op, self._receipt_rewritten, self._failed, executor="io")

    def _receipt_rewritten(self, path: Path) -> None:
        self.view.receipt_path = path
        self.receipt_rewritten.emit(str(path))

    def open_screen(self) -> None:
        """Open the citizen's screen (F11): on another screen if there is one, else a window."""
        self.screen.open(self.window())

    def _open_by_itself(self) -> None:
        if not self.screen.isVisible() and self.isVisible():
            self.open_screen()

    def ask_rating(self) -> None:
        """Ask the citizen to rate the service on their screen (F10)."""
        if self.dossier is None:
            return
        if not self.screen.isVisible():
            self.open_screen()
        self.screen.ask_rating(rating_levels())

    def _rated(self, level: str, reason: str) -> None:
        if self.dossier is None:
            return
        database, dossier_id = self.services.database, self.dossier.id
        officer = self.services.officer
        run_in_background(
            self,
            lambda: record_rating(database, dossier_id, level, reason, officer()),
            lambda _id: self._rating_saved(level),
            self._failed,
        )

    def _rating_saved(self, level: str) -> None:
        self.message_label.setText(tr("onbehalf_ui.rated"))
        self.window().activateWindow()
        self.rating_recorded.emit(level)

    def hideEvent(self, event: QHideEvent) -> None:
        self.poll.stop()  # not asked while nobody sees the answer
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._opened_once:
            self._opened_once = True
            if opens_by_itself(self.services.settings.citizen_screen):
                # Once the officer's window is up, so the citizen's opens beside it.
                QTimer.singleShot(0, self, self._open_by_itself)
        waiting = self.payload is not None and self.qr_button.isEnabled()  # a code, still due
        if waiting and self.services.payment_confirmations is not None:
            self.poll.start()

    def _failed(self, exc: BaseException) -> None:
        message = user_message(exc)
        self.message_label.setText(message)
        if not hasattr(exc, "code"):
            show_error(self, exc)
        self.failed.emit(message)

    def clear(self) -> None:
        """Forget the dossier (next citizen); the citizen's screen clears too."""
        self.poll.stop()
        self.dossier, self.payload, self.stale = None, None, False
        self.mode_label.setText(tr("onbehalf_ui.mode_paper"))
        labels = (self.fee_label, self.qr_label, self.paid_label, self.message_label)
        for label in (*labels, self.proof_label):
            label.clear()
        self.reference_edit.clear()
        self.signin_box.setCurrentIndex(0)
        buttons = (self.confirm_button, self.qr_button, self.pay_button, self.rate_button)
        for widget in (*buttons, self.signin_box):
            widget.setEnabled(False)
        self.screen.clear()
