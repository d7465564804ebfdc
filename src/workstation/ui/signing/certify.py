"""Certifying a digitised component from the dossier's detail: sign it now, or queue it.

The receiving officer certifies the scanned PDF of a component as an
electronic copy of the original (the digitisation rules; Decree 30/2020's
appearance for a copy: the copy form, the agency and the time at the top
right of page 1). Two actions act on the document chosen in the dossier's
components:

- **Certify** (Ctrl+Shift+Y): a dialog to choose the token and certificate
  (their PIN state shown), the copy form and the agency; then the PIN, asked
  once (:class:`~workstation.ui.signing.pin_dialog.PinDialog`), used for one
  login on the token slot's own executor
  (:func:`~workstation.ui.signing.batch.executor_for`) and dropped. The signed
  file becomes a new document of the same component, with its signature
  record and ``document.signed`` message, by the same path as the signing
  queue (:func:`~workstation.ui.signing.batch.sign_batch` →
  :func:`workstation.intake.signed.sign_into_dossiers`); the scan is kept.
- **Queue for certifying** (Ctrl+Shift+H): the document joins the signing
  queue in the role ``certified_copy``, for whoever signs at the "Ký số" page.

Only a PDF of a component can be certified; the actions are off otherwise
and while a certification runs. Nothing here logs a file name.
"""

from __future__ import annotations

import functools
import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.domain import Document, DocumentKind, Dossier
from workstation.errors import BadInput
from workstation.i18n import tr
from workstation.intake.signed import SignItem, request_signature
from workstation.officers import Action, SignedIn
from workstation.services import Services
from workstation.sign.pades import Appearance, KeyChoice
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import BackgroundTask, register_executor, run_in_background
from workstation.ui.errors import error_code, user_message
from workstation.ui.signing.batch import Batch, BatchOutcome, Placement, executor_for, sign_batch
from workstation.ui.signing.pin_dialog import PinDialog
from workstation.ui.signing.token_picker import TokenPicker, pin_state_text

log = logging.getLogger(__name__)

COPY_FORMS = ("SAO Y", "SAO LỤC", "TRÍCH SAO")
ROLE = "certified_copy"


def certifiable(document: Document | None) -> bool:
    """A component's PDF (a scan to certify), not a page image nor a result."""
    return (
        document is not None
        and document.kind is DocumentKind.COMPONENT
        and document.media_type == "application/pdf"
    )


class CertifyDialog(QDialog):
    """The token and certificate, the copy form and the agency for one certification."""

    def __init__(
        self, configured_module: str, agency: str, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("certify.dialog.title"))
        intro = QLabel(tr("certify.dialog.intro", name=name))
        intro.setWordWrap(True)
        self.tokens = TokenPicker(configured_module)
        self.copy_form_box = QComboBox()
        self.copy_form_box.setEditable(True)  # or the document's number, as the decree allows
        self.copy_form_box.addItems(COPY_FORMS)
        self.agency_edit = QLineEdit(agency)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        form = QFormLayout()
        form.addRow(tr("certify.copy_form"), self.copy_form_box)
        form.addRow(tr("certify.agency"), self.agency_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("certify.next"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("signing.cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tokens)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.key: KeyChoice | None = None
        self.look: Appearance | None = None
        self.tokens.reload()

    def accept(self) -> None:
        """Go on only with a token, a certificate that signs, a PIN not locked and the texts."""
        token, certificate = self.tokens.token(), self.tokens.certificate()
        if token is None or certificate is None or self.tokens.module is None:
            self.problem.setText(tr("signing.choose_token"))
            return
        if token.pin_state == "locked":
            self.problem.setText(tr("signing.pin_locked"))
            return
        try:
            self.look = Appearance(
                "copy",
                copy_form=self.copy_form_box.currentText().strip(),
                agency=self.agency_edit.text().strip(),
            )
        except BadInput as exc:
            self.problem.setText(user_message(exc))
            return
        module, serial = self.tokens.module, token.serial or None
        self.key = KeyChoice(module, token.label, serial, certificate.label)
        super().accept()


class CertifyActions(QObject):
    """The two actions on the document chosen in a dossier's detail, as actions of ``host``."""

    said = Signal(str)  # what the officer is told (also kept in ``message``)
    certified = Signal(str)  # the dossier's id, once the signed copy is stored
    queued = Signal(str)  # the dossier's id, once the document waits in the signing queue
    finished = Signal()  # a certification ended, whatever its outcome
    tokens_listed = Signal()  # the dialog's tokens are listed (or could not be)

    def __init__(self, services: Services, host: QWidget) -> None:
        super().__init__(host)
        self.services = services
        self.host = host
        self.dossier: Dossier | None = None
        self.document: Document | None = None
        self.dialog: CertifyDialog | None = None
        self.pin_dialog: PinDialog | None = None
        self.task: BackgroundTask | None = None
        self.message = ""
        self.officer: SignedIn | None = None
        self.gated = False  # no officer known yet: the core gate decides at the attempt
        self.certify_action = self._action("certify.action.certify", "Ctrl+Shift+Y", self.certify)
        self.queue_action = self._action("certify.action.queue", "Ctrl+Shift+H", self.queue)
        self.set_document(None, None)

    def _action(self, key: str, shortcut: str, slot) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(tr(key), self.host)
        set_shortcuts(action, shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.host.addAction(action)
        return action

    def set_document(self, dossier: Dossier | None, document: Document | None) -> None:
        """The dossier shown and its document chosen; the actions follow."""
        self.dossier, self.document = dossier, document
        self._update_actions()

    def apply_officer(self, officer: SignedIn | None) -> None:
        """The officer acting now: certifying needs a signing officer, queueing a counter
        officer."""
        self.officer, self.gated = officer, True
        self._update_actions()

    def _may(self, action: Action) -> bool:
        return not self.gated or (self.officer is not None and self.officer.may(action))

    def _update_actions(self) -> None:
        can = self.dossier is not None and certifiable(self.document) and self.task is None
        self.certify_action.setEnabled(can and self._may(Action.CERTIFY))
        self.queue_action.setEnabled(can and self._may(Action.REQUEST_SIGNATURE))

    def _say(self, text: str) -> None:
        self.message = text
        self.said.emit(text)

    # Certify now ------------------------------------------------------------------

    def certify(self) -> CertifyDialog | None:
        """Ask token, certificate and copy texts (window-modal), then the PIN."""
        if self.task is not None or self.dossier is None or not certifiable(self.document):
            return None
        assert self.document is not None
        item = SignItem(self.dossier.id, self.document.id, ROLE)
        name = self.document.file_name
        settings = self.services.settings
        dialog = CertifyDialog(settings.pkcs11_module, settings.agency_name, name, self.host)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(functools.partial(self._ask_pin, dialog, item, name))
        dialog.tokens.loaded.connect(self.tokens_listed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _ask_pin(self, dialog: CertifyDialog, item: SignItem, name: str) -> None:
        key, look, token = dialog.key, dialog.look, dialog.tokens.token()
        assert key is not None and look is not None and token is not None
        self.dialog = None
        pin_dialog = PinDialog(token.label, token.pin_state, 1, self.host)
        pin_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        pin_dialog.accepted.connect(
            functools.partial(self._start, pin_dialog, key, look, item, name)
        )
        pin_dialog.rejected.connect(lambda: self._say(tr("signing.not_started")))
        self.pin_dialog = pin_dialog
        pin_dialog.open()

    def _start(
        self, pin_dialog: PinDialog, key: KeyChoice, look: Appearance, item: SignItem, name: str
    ) -> None:
        self.pin_dialog = None
        batch = Batch(
            key,
            look,
            Placement(),
            [("certify", item)],
            [],
            pin=pin_dialog.take_pin(),
            tsa_url=self.services.settings.tsa_url,
        )
        executor = executor_for(key.token_serial or "", key.token_label or "")
        register_executor(executor)
        services = self.services

        # A named function, not a partial: the runner logs an operation's name.
        def certify_copy(context):  # type: ignore[no-untyped-def]
            return sign_batch(services, batch, context)

        self._say(tr("certify.running", name=name))
        self.task = run_in_background(
            self,
            certify_copy,
            functools.partial(self._done, item, name),
            functools.partial(self._failed, key),
            executor,
            on_question=self._pin_each_time,
        )
        self.task.cancelled.connect(self._cancelled)
        self._update_actions()

    def _pin_each_time(self, question, reply) -> None:  # type: ignore[no-untyped-def]
        dialog = PinDialog("", "unknown", 1, self.host)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: reply.answer(dialog.take_pin()))
        dialog.rejected.connect(reply.decline)
        self.pin_dialog = dialog
        dialog.open()

    def _done(self, item: SignItem, name: str, outcome: BatchOutcome) -> None:
        self.task = None
        if outcome.signed:
            log.info("document %s certified in dossier %s", item.document_id, item.dossier_id)
            self._say(tr("certify.done", name=name))
            self.certified.emit(item.dossier_id)
        elif outcome.refused:
            (_key, code), *_ = outcome.refused
            self._say(tr("certify.refused", name=name, reason=tr(f"error.{code}")))
        elif outcome.stopped_by is not None:
            self._say(tr("certify.refused", name=name, reason=user_message(outcome.stopped_by)))
        else:
            self._say(tr("certify.cancelled"))
        self._update_actions()
        self.finished.emit()

    def _failed(self, key: KeyChoice, exc: BaseException) -> None:
        self.task = None
        self._update_actions()
        if error_code(exc) != "sign.pin_wrong":
            self._say(user_message(exc))
            self.finished.emit()
            return
        # A wrong PIN lands here, before any file, and is never retried: the token's
        # PIN state is read again and shown, and the officer decides.
        self._say(tr("signing.pin_wrong", state=tr("signing.tokens.loading")))

        def state_now() -> str:
            from workstation.sign.tokens import list_tokens

            found = list_tokens(key.module, with_certificates=False)
            same = [t for t in found if t.serial == key.token_serial] if key.token_serial else []
            return same[0].pin_state if same else "unknown"

        def show(state: str) -> None:
            self._say(tr("signing.pin_wrong", state=pin_state_text(state)))
            self.finished.emit()

        def unknown(_exc: BaseException) -> None:
            show("unknown")

        run_in_background(self, state_now, show, unknown, "io")

    def _cancelled(self) -> None:
        self.task = None
        self._say(tr("certify.cancelled"))
        self._update_actions()
        self.finished.emit()

    # Queue for whoever signs ----------------------------------------------------------

    def queue(self) -> None:
        """Put the chosen document in the signing queue as a copy to certify."""
        if self.task is not None or self.dossier is None or not certifiable(self.document):
            return
        assert self.document is not None
        database, dossier_id = self.services.database, self.dossier.id
        document_id, name = self.document.id, self.document.file_name

        def done(_request_id: str) -> None:
            self._say(tr("certify.queued", name=name))
            self.queued.emit(dossier_id)

        services = self.services

        def queue_it() -> str:
            services.require(Action.REQUEST_SIGNATURE, dossier_id=dossier_id)
            return request_signature(database, dossier_id, document_id, ROLE)

        run_in_background(
            self,
            queue_it,
            done,
            lambda exc: self._say(user_message(exc)),
        )
