"""The signing queue: documents waiting for the officer's signature, signed as one batch.

The list holds the dossiers' documents waiting for a signature (results,
digitised components to certify) and PDFs added by hand. The officer picks
the token and certificate (their PIN state is shown), how the signature
looks and where it goes (an anchor text, or a box dragged on the page
preview), selects one or many documents (none selected: all waiting) and
signs: the PIN is asked once for the batch, used for one login on the
token's own executor (:func:`~workstation.ui.signing.batch.executor_for`) and
dropped. Progress shows as the files are done; Cancel stops between files.
A wrong PIN is never retried: the token's PIN state is read again and
shown. A token pulled out mid-batch stops it: what was signed is stored, the
rest stays in the queue. A document can be sent back with a comment.
"""

from __future__ import annotations

import functools
import itertools
import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workstation.errors import BadInput, WorkstationError
from workstation.i18n import tr
from workstation.intake.signed import SignItem, WaitingDocument, send_back, signing_queue
from workstation.officers import Action
from workstation.services import Services
from workstation.sign.pades import Appearance, KeyChoice
from workstation.sign.profile import (
    RemoteService,
    SavedPlacement,
    load_profile,
    remember_placement,
)
from workstation.sign.remote import RemoteChoice
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import BackgroundTask, register_executor, run_in_background
from workstation.ui.errors import user_message
from workstation.ui.signing.batch import (
    Batch,
    BatchOutcome,
    Placement,
    executor_for,
    executor_for_remote,
    sign_batch,
)
from workstation.ui.signing.box_preview import BoxPreview
from workstation.ui.signing.pin_dialog import PinDialog
from workstation.ui.signing.remote_picker import RemoteDialog, SourcePicker
from workstation.ui.signing.token_picker import TokenPicker, pin_state_text

log = logging.getLogger(__name__)
REMOVED_CODES = frozenset({"sign.token_failed", "sign.token_not_found"})
LOOKS = ("none", "signer", "copy", "agency")
LOOK_OF_ROLE = {"result": "signer", "certified_copy": "copy", "seal": "agency"}
"""The look a document's role calls for (Decree 30/2020), chosen when it is selected."""
_keys = itertools.count(1)


@dataclass
class Entry:
    """One line of the queue: a dossier's waiting document or a file added by hand."""

    key: str
    name: str
    role: str
    dossier: str = ""
    item: SignItem | None = None
    sha256: str = ""
    path: Path | None = None
    state: str = "waiting"  # waiting, signing, signed, refused
    note: str = ""


def _dossier_label(waiting: WaitingDocument) -> str:
    return waiting.dossier_code or f"#{waiting.dossier_number:06d}"


class QueuePanel(QWidget):
    """The queue, the token and look, the page preview and the batch's progress."""

    queue_loaded = Signal()
    batch_finished = Signal()
    store_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.entries: list[Entry] = []
        self.task: BackgroundTask | None = None
        self.pin_dialog: PinDialog | RemoteDialog | None = None
        self.batch: Batch | None = None
        self.profile = load_profile(services.folders.config)
        self.message = ""

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [tr(f"signing.queue.column.{c}") for c in ("dossier", "document", "role", "state")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.sign_action = QAction(tr("signing.sign"), self)
        set_shortcuts(self.sign_action, "Ctrl+Return", "Ctrl+Enter")
        self.sign_action.triggered.connect(self.sign)
        self.cancel_action = QAction(tr("signing.cancel"), self)
        set_shortcuts(self.cancel_action, "Ctrl+.")
        self.cancel_action.triggered.connect(self.cancel)
        self.add_action = QAction(tr("signing.add_files"), self)
        set_shortcuts(self.add_action, "Ctrl+Shift+O")
        self.add_action.triggered.connect(self.choose_files)
        self.return_action = QAction(tr("signing.send_back"), self)
        self.return_action.triggered.connect(self.ask_send_back)
        self.reload_action = QAction(tr("signing.reload"), self)
        set_shortcuts(self.reload_action, "F5", QKeySequence.StandardKey.Refresh)
        self.reload_action.triggered.connect(self.reload)
        for action in (
            self.sign_action,
            self.cancel_action,
            self.add_action,
            self.return_action,
            self.reload_action,
        ):
            toolbar.addAction(action)

        self.tokens = TokenPicker(services.settings.pkcs11_module)
        self.tokens.changed.connect(self._update_actions)
        self.source = SourcePicker(self.profile.remote_services)
        self.source.changed.connect(self._source_changed)
        self.look_box = QComboBox()
        self.look_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.look_box.setMinimumContentsLength(14)
        for kind in LOOKS:
            self.look_box.addItem(tr(f"signing.look.kind.{kind}"), kind)
        self.title_edit = QLineEdit()
        self.name_edit = QLineEdit()
        self.copy_form_edit = QLineEdit("SAO Y")
        self.agency_edit = QLineEdit(services.settings.agency_name)
        self.seal_edit = QLineEdit()
        self.seal_edit.setPlaceholderText(tr("signing.look.seal.placeholder"))
        self.anchor_edit = QLineEdit()
        self.anchor_edit.setPlaceholderText(tr("signing.anchor.placeholder"))
        look_form = QFormLayout()
        look_form.addRow(tr("signing.look"), self.look_box)
        look_form.addRow(tr("signing.look.title"), self.title_edit)
        look_form.addRow(tr("signing.look.name"), self.name_edit)
        look_form.addRow(tr("signing.look.copy_form"), self.copy_form_edit)
        look_form.addRow(tr("signing.look.agency"), self.agency_edit)
        look_form.addRow(tr("signing.look.seal"), self.seal_edit)
        look_form.addRow(tr("signing.anchor"), self.anchor_edit)

        self.preview = BoxPreview()
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.source)
        left_layout.addWidget(self.tokens)
        left_layout.addLayout(look_form)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setChildrenCollapsible(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.progress)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(toolbar)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self._update_actions()

    # The list ---------------------------------------------------------------

    def reload(self) -> None:
        """Read the dossiers' waiting documents again (files added by hand stay)."""
        database = self.services.database
        run_in_background(self, lambda: signing_queue(database), self._loaded, self._say_error)

    def _loaded(self, waiting: list[WaitingDocument]) -> None:
        busy = {e.item.request_id for e in self.entries if e.item and e.state == "signing"}
        kept = [e for e in self.entries if e.item is None or e.item.request_id in busy]
        fresh = [
            Entry(
                key=f"request:{w.request_id}",
                name=w.file_name,
                role=w.role,
                dossier=_dossier_label(w),
                item=SignItem(w.dossier_id, w.document_id, w.role, w.request_id),
                sha256=w.sha256,
            )
            for w in waiting
            if w.request_id not in busy
        ]
        self.entries = [e for e in kept if e.item is not None] + fresh
        self.entries += [e for e in kept if e.item is None]
        self._show_entries()
        self.queue_loaded.emit()

    def add_files(self, paths: list[Path]) -> None:
        """Add PDFs by hand: they are signed beside themselves as ``<name>.signed.pdf``."""
        for path in paths:
            self.entries.append(
                Entry(key=f"file:{next(_keys)}", name=path.name, role="file", path=path)
            )
        self._show_entries()

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, tr("signing.add_files"), "", "PDF (*.pdf)")
        self.add_files([Path(n) for n in names])

    def _show_entries(self) -> None:
        selected = set(self._selected_keys())
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            state = tr(f"signing.state.{entry.state}")
            texts = [
                entry.dossier or "—",
                entry.name,
                tr(f"signing.role.{entry.role}"),
                f"{state} {entry.note}".strip(),
            ]
            for column, text in enumerate(texts):
                self.table.setItem(row, column, QTableWidgetItem(text))
            if entry.key in selected:
                self.table.selectRow(row)
        self._update_actions()

    def _selected_keys(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.entries[r].key for r in rows if r < len(self.entries)]

    def waiting_entries(self) -> list[Entry]:
        """The selected waiting documents, or every waiting one when none is selected."""
        keys = set(self._selected_keys())
        chosen = [e for e in self.entries if e.state in ("waiting", "refused")]
        if keys:
            chosen = [e for e in chosen if e.key in keys]
        return chosen

    def _selection_changed(self) -> None:
        self._update_actions()
        keys = self._selected_keys()
        entry = next((e for e in self.entries if keys and e.key == keys[0]), None)
        if entry is None:
            return
        if entry.role in LOOK_OF_ROLE:
            self.look_box.setCurrentIndex(self.look_box.findData(LOOK_OF_ROLE[entry.role]))
        self._offer_placement(entry.role)
        blobs, sha256, path = self.services.blobs, entry.sha256, entry.path

        def read() -> bytes:
            return path.read_bytes() if path is not None else blobs.read(sha256)

        run_in_background(self, read, self.preview.show_pdf, self._say_error, "io")

    def _source_changed(self) -> None:
        self.tokens.setVisible(self.source.remote() is None)
        self._update_actions()

    def _update_actions(self) -> None:
        busy = self.task is not None
        self.sign_action.setEnabled(not busy and bool(self.entries))
        self.cancel_action.setEnabled(busy)
        keys = set(self._selected_keys())
        self.return_action.setEnabled(
            not busy
            and any(
                e.key in keys and e.item is not None and e.state == "waiting" for e in self.entries
            )
        )

    def _say(self, text: str) -> None:
        self.message = text
        self.status.setText(text)

    def _say_error(self, exc: BaseException) -> None:
        self._say(user_message(exc))

    # Signing ------------------------------------------------------------------

    def appearance(self) -> Appearance:
        """The look chosen in the form (BadInput when a needed text is missing)."""
        seal = self.seal_edit.text().strip()
        return Appearance(
            self.look_box.currentData(),
            copy_form=self.copy_form_edit.text().strip(),
            agency=self.agency_edit.text().strip(),
            title=self.title_edit.text().strip(),
            name=self.name_edit.text().strip(),
            seal=Path(seal) if seal else None,
        )

    def sign(self) -> None:
        """Check the choices, then ask the PIN (or, for a remote service, the access
        token and PIN/OTP) once for the batch (window-modal, not blocking)."""
        if self.task is not None:
            return
        entries = self.waiting_entries()
        if not entries:
            self._say(tr("signing.nothing_waiting"))
            return
        service = self.source.remote()
        token, certificate = self.tokens.token(), self.tokens.certificate()
        if service is not None:
            if not self.source.credential_id():
                self._say(tr("signing.remote.no_credential"))
                return
        elif token is None or certificate is None or self.tokens.module is None:
            self._say(tr("signing.choose_token"))
            return
        elif token.pin_state == "locked":
            self._say(tr("signing.pin_locked"))
            return
        try:
            look = self.appearance()
        except BadInput as exc:
            self._say(user_message(exc))
            return
        placement = Placement(
            self.anchor_edit.text().strip(), self.preview.page(), self.preview.box()
        )
        dialog: PinDialog | RemoteDialog
        if service is not None:
            dialog = RemoteDialog(service.name, len(entries), self)
            given = functools.partial(
                self._remote_given, dialog, service, self.source.credential_id()
            )
        else:
            assert token is not None and certificate is not None and self.tokens.module
            key = KeyChoice(
                self.tokens.module, token.label, token.serial or None, certificate.label
            )
            dialog = PinDialog(token.label, token.pin_state, len(entries), self)
            given = functools.partial(self._pin_given, dialog, key)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(functools.partial(given, look, placement, entries))
        dialog.rejected.connect(lambda: self._say(tr("signing.not_started")))
        self.pin_dialog = dialog
        dialog.open()

    def _remember_placement(self, entries: list[Entry], placement: Placement) -> None:
        """Keep the anchor or dragged box in the officer's profile for the roles signed."""
        saved = SavedPlacement(placement.anchor, placement.page, placement.box)
        if not saved.anchor and saved.box is None:
            return
        for role in sorted({e.role for e in entries}):
            self.profile.placements[role] = saved
            try:
                remember_placement(self.services.folders.config, role, saved)
            except OSError as exc:  # the batch goes on; only the memory is lost
                log.warning("signing profile not written: %s", exc.__class__.__name__)

    def _offer_placement(self, role: str) -> None:
        """Offer the placement last used for ``role``: its anchor and its box."""
        saved = self.profile.placements.get(role)
        if saved is None:
            self.preview.offer_box(None, None)
            return
        self.anchor_edit.setText(saved.anchor)
        self.preview.offer_box(saved.page, saved.box)

    def _remote_given(
        self,
        dialog: RemoteDialog,
        service: RemoteService,
        credential_id: str,
        look: Appearance,
        placement: Placement,
        entries: list[Entry],
    ) -> None:
        access_token, pin = dialog.take_secrets()
        remote = RemoteChoice(service.url, credential_id, access_token)
        batch = self._batch(None, look, placement, entries, pin)
        batch.remote = remote
        self._start(batch, entries, executor_for_remote(remote))
        self._say(tr("signing.remote.confirm_on_phone", count=len(entries)))

    def _pin_given(
        self,
        dialog: PinDialog,
        key: KeyChoice,
        look: Appearance,
        placement: Placement,
        entries: list[Entry],
    ) -> None:
        batch = self._batch(key, look, placement, entries, dialog.take_pin())
        self._start(batch, entries, executor_for(key.token_serial or "", key.token_label or ""))

    def _batch(
        self,
        key: KeyChoice | None,
        look: Appearance,
        placement: Placement,
        entries: list[Entry],
        pin: str,
    ) -> Batch:
        return Batch(
            key,
            look,
            placement,
            [(e.key, e.item) for e in entries if e.item is not None],
            [(e.key, e.path) for e in entries if e.path is not None],
            pin=pin,
            tsa_url=self.services.settings.tsa_url,
        )

    def _start(self, batch: Batch, entries: list[Entry], executor: str) -> None:
        self.pin_dialog = None
        self.batch = batch
        self._remember_placement(entries, batch.placement)
        for entry in entries:
            entry.state, entry.note = "signing", ""
        self._show_entries()
        register_executor(executor)
        self.progress.setRange(0, len(entries))
        self.progress.setValue(0)
        self.progress.show()
        self._say(tr("signing.running", count=len(entries)))
        services = self.services

        # A named function, not a partial: the runner logs an operation's name, and a
        # partial's name would show its arguments.
        def sign_queued(context):  # type: ignore[no-untyped-def]
            return sign_batch(services, batch, context)

        self.task = run_in_background(
            self,
            sign_queued,
            self._batch_done,
            self._batch_failed,
            executor,
            on_progress=self._progressed,
            on_question=self._pin_each_time,
        )
        self.task.cancelled.connect(self._batch_cancelled)
        self._update_actions()

    def _progressed(self, _step: str, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _pin_each_time(self, question, reply) -> None:  # type: ignore[no-untyped-def]
        token = self.tokens.token()
        dialog = PinDialog(token.label if token else "", "unknown", 1, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: reply.answer(dialog.take_pin()))
        dialog.rejected.connect(reply.decline)
        self.pin_dialog = dialog
        dialog.open()

    def cancel(self) -> None:
        """Stop the batch after the document being signed."""
        if self.task is not None:
            self.task.cancel()
            if self.batch is not None:
                self.batch.stop.set()  # a remote signer stops waiting for the phone
            self._say(tr("signing.cancelling"))

    def _finish(self) -> None:
        self.task = None
        self.batch = None
        self.progress.hide()
        for entry in self.entries:
            if entry.state == "signing":
                entry.state = "waiting"
        self._show_entries()
        self.store_changed.emit()
        self.reload()
        self.batch_finished.emit()

    def _batch_done(self, outcome: BatchOutcome) -> None:
        by_key = {e.key: e for e in self.entries}
        for key in outcome.signed:
            entry = by_key.get(key)
            if entry is not None:
                entry.state = "signed"
                if key in outcome.outputs:
                    entry.note = outcome.outputs[key].name
        for key, code in outcome.refused:
            if key in by_key:
                by_key[key].state, by_key[key].note = "refused", code
        signed, left = len(outcome.signed), len(outcome.remaining)
        if outcome.stopped_by is not None:
            self._say(self._stopped_text(outcome.stopped_by, signed, left))
        elif outcome.cancelled:
            self._say(tr("signing.cancelled", signed=signed, left=left))
        else:
            self._say(tr("signing.done", signed=signed, refused=len(outcome.refused)))
        self._finish()

    def _stopped_text(self, exc: WorkstationError, signed: int, left: int) -> str:
        if exc.code in REMOVED_CODES:
            return tr("signing.token_removed", signed=signed, left=left)
        if exc.code == "sign.pin_wrong":
            self.tokens.reload()
            return tr("signing.pin_wrong", state=self._pin_state_after())
        return tr("signing.stopped", reason=user_message(exc), signed=signed, left=left)

    def _pin_state_after(self) -> str:
        token = self.tokens.token()
        return pin_state_text(token.pin_state if token else "unknown")

    def _batch_failed(self, exc: BaseException) -> None:
        code = getattr(exc, "code", "")
        if self.source.remote() is not None:  # no token state to read again
            self._say(user_message(exc))
        elif code == "sign.pin_wrong":
            # Never retried: the officer reads the token's PIN state and decides.
            self.tokens.loaded.connect(self._show_pin_state_after_failure)
            self.tokens.reload()
            self._say(tr("signing.pin_wrong", state=tr("signing.tokens.loading")))
        elif code in REMOVED_CODES:
            self._say(tr("signing.token_removed", signed=0, left=len(self.waiting_entries())))
        else:
            self._say(user_message(exc))
        self._finish()

    def _show_pin_state_after_failure(self) -> None:
        self.tokens.loaded.disconnect(self._show_pin_state_after_failure)
        self._say(tr("signing.pin_wrong", state=self._pin_state_after()))

    def _batch_cancelled(self) -> None:
        self._say(tr("signing.cancelled", signed=0, left=len(self.waiting_entries())))
        self._finish()

    # Sending back ---------------------------------------------------------------

    def ask_send_back(self) -> QInputDialog | None:
        """Ask for the comment, then send the selected dossier document back."""
        keys = set(self._selected_keys())
        entry = next((e for e in self.entries if e.key in keys and e.item is not None), None)
        if entry is None or entry.item is None or entry.item.request_id is None:
            return None
        dialog = QInputDialog(self)
        dialog.setWindowTitle(tr("signing.send_back"))
        dialog.setLabelText(tr("signing.send_back.comment"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        request_id = entry.item.request_id
        dialog.textValueSelected.connect(lambda text: self._send_back(request_id, text))
        dialog.open()
        return dialog

    def _send_back(self, request_id: str, comment: str) -> None:
        database, services = self.services.database, self.services

        def send_it() -> None:
            services.require(Action.SIGN)  # a signing officer's; a refusal is recorded
            send_back(database, request_id, comment)

        def done(_result: object) -> None:
            self._say(tr("signing.sent_back"))
            self.store_changed.emit()
            self.reload()

        run_in_background(self, send_it, done, self._say_error)
