"""Reviewing a scanned result form (phôi) and filing it as the dossier's result.

The officer names the dossier, picks the form's template (or leaves
"detect" to find it), and opens the scan (Ctrl+O). The form is read in the
process pool (:func:`~workstation.resultforms.reading.read_scan`); the dossier
is looked up on the store's thread. Each field then shows its value beside the
dossier's own (:func:`~workstation.resultforms.compare.compare`): a mismatch,
a value that breaks its field's format, an empty or cut-off zone is marked in
red with its reason. The value cells are line edits in field order, so the
officer corrects them by keyboard (Tab from one to the next). Ctrl+Enter
files the confirmed values as the dossier's RESULT
(:func:`~workstation.resultforms.filing.file_result_form`), signed by the
agency when "Ký số" is ticked: the token and certificate are chosen as in the
signing section and its PIN asked once.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workstation.i18n import tr
from workstation.officers import Action
from workstation.resultforms.compare import DIACRITICS, Comparison, compare
from workstation.resultforms.filing import dossier_to_compare, file_result_form
from workstation.resultforms.reading import available, read_scan
from workstation.resultforms.recognise import Recognition
from workstation.resultforms.templates import Template
from workstation.services import Services
from workstation.sign.pades import KeyChoice
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import register_executor, run_in_background
from workstation.ui.signing.batch import executor_for
from workstation.ui.signing.pin_dialog import PinDialog
from workstation.ui.signing.token_picker import TokenPicker

PROBLEM_COLOUR = QColor("#c0392b")
FLAGGED_STYLE = "QLineEdit { border: 2px solid #c0392b; }"
DETECT = ""
COLUMNS = ("label", "form", "dossier", "check")


def field_problems(name: str, warnings: list[str]) -> list[str]:
    """The recognition's warning codes about field ``name`` (``field_format`` and the like)."""
    return [w.partition(":")[0] for w in warnings if w.partition(":")[2] == name]


def check_text(row: Comparison, problems: list[str]) -> str:
    """The officer's text for one field's check: agreement with the dossier, then problems."""
    texts = [tr(f"archive_ui2.review.problem.{code}") for code in problems]
    if row.matches is False:
        texts.insert(0, tr("archive_ui2.review.mismatch"))
        if row.hint == DIACRITICS:
            texts.insert(1, tr("archive_ui2.review.hint.diacritics"))
    elif row.matches is None:
        texts.append(tr("archive_ui2.review.nothing_to_compare"))
    elif not problems:
        texts.append(tr("archive_ui2.review.matches"))
    return "; ".join(texts)


def _look_up(services: Services, reference: str) -> Any:
    with services.database.reading() as session:
        return dossier_to_compare(session, reference)


class ResultFormReview(QWidget):
    """Read a scanned result form, show it beside the dossier, file it when confirmed."""

    read = Signal()
    filed = Signal(object)
    failed = Signal(object)

    def __init__(self, services: Services, user_root: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user_root = user_root
        self.template: Template | None = None
        self.recognition: Recognition | None = None
        self.dossier: Any = None
        self.rows: list[Comparison] = []
        self.editors: list[QLineEdit] = []

        toolbar = QToolBar(self)
        self.open_action = QAction(tr("archive_ui2.review.open"), self)
        set_shortcuts(self.open_action, "Ctrl+O")
        self.open_action.triggered.connect(self._choose_scan)
        self.file_action = QAction(tr("archive_ui2.review.file"), self)
        set_shortcuts(self.file_action, "Ctrl+Return", "Ctrl+Enter")
        self.file_action.triggered.connect(self.file)
        self.file_action.setEnabled(False)
        for action in (self.open_action, self.file_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
            toolbar.addAction(action)

        self.dossier_edit = QLineEdit(self)
        self.template_box = QComboBox(self)
        self.template_box.addItem(tr("archive_ui2.review.detect"), DETECT)
        for name, _root in available(user_root):
            self.template_box.addItem(name, name)
        self.sign_box = QCheckBox(tr("archive_ui2.review.sign"), self)
        self.tokens = TokenPicker(services.settings.pkcs11_module, self)
        self.tokens.setVisible(False)
        self.sign_box.toggled.connect(self._sign_toggled)
        self.pin_dialog: PinDialog | None = None
        form = QFormLayout()
        form.addRow(tr("archive_ui2.review.dossier"), self.dossier_edit)
        form.addRow(tr("archive_ui2.review.template"), self.template_box)
        form.addRow("", self.sign_box)
        form.addRow(self.tokens)

        self.status = QLabel(tr("archive_ui2.review.none"), self)
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(
            [tr(f"archive_ui2.review.column.{c}") for c in COLUMNS]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setTabKeyNavigation(False)

        layout = QVBoxLayout(self)
        layout.addWidget(toolbar)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)

    def _sign_toggled(self, on: bool) -> None:
        self.tokens.setVisible(on)
        if on:
            self.tokens.reload()

    def _choose_scan(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("archive_ui2.review.open"), "", "Images (*.png *.jpg *.jpeg *.tif *.tiff)"
        )
        if path:
            self.open_scan(Path(path))

    def open_scan(self, image: Path) -> None:
        """Read ``image`` in the process pool, then look up the dossier and compare."""
        name = self.template_box.currentData() or None
        self.file_action.setEnabled(False)
        # Nothing of an earlier scan or dossier may be filed with this one.
        self.template = self.recognition = self.dossier = None
        self.rows, self.editors = [], []
        self.table.setRowCount(0)
        self.status.setText(tr("archive_ui2.review.reading"))
        run_in_background(
            self,
            partial(read_scan, image, name, self.user_root),
            self._scan_read,
            self._failed,
            executor="cpu",
        )

    def _scan_read(self, outcome: tuple[Template, Recognition]) -> None:
        self.template, self.recognition = outcome
        index = self.template_box.findData(self.template.name)
        if index >= 0:
            self.template_box.setCurrentIndex(index)
        run_in_background(
            self,
            partial(_look_up, self.services, self.dossier_edit.text().strip()),
            self._show,
            self._failed,
        )

    def _show(self, found: tuple[Any, Any]) -> None:
        assert self.template is not None and self.recognition is not None
        dossier, issued_at = found
        self.dossier = dossier
        self.rows = compare(self.template, self.recognition, dossier, result_issued_at=issued_at)
        warnings = self.recognition.warnings
        self.table.setRowCount(len(self.rows))
        self.editors = []
        flagged = 0
        for number, row in enumerate(self.rows):
            problems = field_problems(row.field, warnings)
            editor = QLineEdit(row.form_value, self.table)
            editor.setObjectName(f"value-{row.field}")
            bad = row.matches is False or bool(problems)
            flagged += bad
            if bad:
                editor.setStyleSheet(FLAGGED_STYLE)
            self.table.setItem(number, 0, QTableWidgetItem(row.label))
            self.table.setCellWidget(number, 1, editor)
            self.table.setItem(number, 2, QTableWidgetItem(row.dossier_value or ""))
            check = QTableWidgetItem(check_text(row, problems))
            if bad:
                check.setForeground(PROBLEM_COLOUR)
            self.table.setItem(number, 3, check)
            self.editors.append(editor)
        for earlier, later in zip(self.editors, self.editors[1:], strict=False):
            QWidget.setTabOrder(earlier, later)
        page_warnings = [w for w in warnings if ":" not in w]
        text = tr(
            "archive_ui2.review.read",
            template=self.template.title,
            count=len(self.rows),
            flagged=flagged,
        )
        if page_warnings:
            text += " " + "; ".join(tr(f"archive_ui2.review.problem.{w}") for w in page_warnings)
        self.status.setText(text)
        self.file_action.setEnabled(True)
        first = next(
            (e for e, r in zip(self.editors, self.rows, strict=True) if e.styleSheet()),
            self.editors[0] if self.editors else None,
        )
        if first is not None:
            first.setFocus()
            first.selectAll()
        self.read.emit()

    def values(self) -> dict[str, str]:
        """The values as the officer has confirmed or corrected them."""
        return {row.field: e.text().strip() for row, e in zip(self.rows, self.editors, strict=True)}

    def file(self) -> None:
        """File the confirmed values and scan as the dossier's result; signed when ticked,
        after the token's PIN is asked (window-modal, not blocking)."""
        if self.template is None or self.recognition is None or self.dossier is None:
            return
        if not self.sign_box.isChecked():
            self._file_with(None, "")
            return
        token, certificate = self.tokens.token(), self.tokens.certificate()
        if token is None or certificate is None or self.tokens.module is None:
            self.status.setText(tr("signing.choose_token"))
            return
        key = KeyChoice(self.tokens.module, token.label, token.serial or None, certificate.label)
        dialog = PinDialog(token.label, token.pin_state, 1, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._file_with(key, dialog.take_pin()))
        self.pin_dialog = dialog
        dialog.open()

    def _file_with(self, key: KeyChoice | None, pin: str) -> None:
        self.file_action.setEnabled(False)
        executor = "db"
        if key is not None:
            # Signing drives the token: on its slot's serial queue, as the signing
            # section's batches, so the slot never gets two jobs at once.
            executor = executor_for(key.token_serial or "", key.token_label or "")
            register_executor(executor)
        run_in_background(
            self,
            partial(
                _file,
                self.services,
                str(self.dossier.id),
                self.template,
                self.recognition,
                self.values(),
                key,
                pin,
            ),
            self._filed,
            self._failed,
            executor,
            essential=True,
        )

    def _filed(self, result: Any) -> None:
        key = "archive_ui2.review.filed_signed" if result.signer else "archive_ui2.review.filed"
        self.status.setText(tr(key))
        self.filed.emit(result)

    def _failed(self, error: BaseException) -> None:
        message = getattr(error, "user_message", None)
        self.status.setText(message() if message else str(error))
        self.file_action.setEnabled(self.recognition is not None and self.dossier is not None)
        self.failed.emit(error)


def _file(
    services: Services,
    dossier: str,
    template: Template,
    recognition: Recognition,
    values: dict[str, str],
    key: KeyChoice | None,
    pin: str,
) -> Any:
    services.require(Action.FILE_RESULT)  # results filing is counter work; a refusal is recorded
    arguments = (services.database, services.blobs, dossier, template, recognition, values)
    if key is None:
        return file_result_form(*arguments)
    with services.open_signer(key=key, pin=pin) as signer:
        return file_result_form(
            *arguments, signer=signer, signed_by=getattr(signer, "certificate_subject", "")
        )
