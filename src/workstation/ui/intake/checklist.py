"""The procedure's checklist at the counter: one row per component.

Each row shows the component's name, whether it is required and the counts of
originals / certified copies / copies the procedure asks for; the officer
types the paper pages (Enter goes on to the next row's count, and on the last
row asks to receive: ``last_enter``), and gives the files: "Add files…" (the
file dialog; :meth:`ChecklistPanel.add_files` is what it calls) or, when the
workstation has a scanner service, "Scan" (F9 on the focused row) which scans
straight into that row in one action; Ctrl+O opens the file dialog for the focused row.
Given the applicant's ID number (:meth:`ChecklistPanel.look_up`), the rows the
citizen's store of digitised documents can fill say so, and Ctrl+R attaches
that document without scanning (received as reused).

The image count of a row's files is read on the ``io`` executor; when it
differs from the paper pages typed, the row shows a warning (never a refusal:
a page with a sticky note gives two images). A required component neither
counted nor given files is refused at its row by :meth:`check_presented`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from workstation import pages
from workstation.domain.catalogue import ComponentRequirement, Procedure
from workstation.errors import BadInput
from workstation.i18n import tr
from workstation.intake.receive import MAX_PAPER_PAGES, ComponentReceipt
from workstation.reuse import ReusableDocument, ReuseLookup
from workstation.ui.background import run_in_background
from workstation.ui.errors import user_message

log = logging.getLogger(__name__)

WARNING_STYLE = "color: #7a5c00; background: #fff4c2; padding: 2px 4px;"
ERROR_STYLE = "color: #b00020;"
ScanInto = Callable[[str], list[Path]]
REUSE_ID = re.compile(r"\d{9}|\d{12}")
"""An ID number the citizen's store can be asked about (old 9-digit or 12-digit CCCD)."""


def image_count(paths: Sequence[Path]) -> int:
    """How many page images ``paths`` hold (a PDF counts its pages), from headers only."""
    total = 0
    for path in paths:
        with path.open("rb") as stream:
            head = stream.read(16)
            stream.seek(0)
            media_type = pages.media_type_of(head) or ""
            total += len(pages.page_sizes(stream, media_type, path.name))
    return total


class ComponentRow:
    """The widgets of one checklist row and what the officer gave for it."""

    def __init__(self, requirement: ComponentRequirement) -> None:
        self.requirement = requirement
        self.files: list[Path] = []
        self.reused = False  # its files came from the citizen's store of digitised documents
        self.reusable: list[ReusableDocument] = []  # what that store offers for it
        self.images: int | None = None  # counted on the io executor; None while unknown
        self.check = 0  # which image count is the latest
        self.pages_edit = QLineEdit()
        self.pages_edit.setValidator(QIntValidator(0, MAX_PAPER_PAGES))
        self.pages_edit.setMaximumWidth(70)
        self.pages_edit.setPlaceholderText(tr("intake_ui.pages_placeholder"))
        self.files_label = QLabel()
        self.add_button = QPushButton(tr("intake_ui.add_files"))
        self.add_button.setAutoDefault(False)
        self.scan_button = QPushButton(tr("intake_ui.scan"))
        self.scan_button.setAutoDefault(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

    @property
    def code(self) -> str:
        return self.requirement.code

    def paper_pages(self) -> int | None:
        text = self.pages_edit.text().strip()
        return int(text) if text else None

    def receipt(self) -> ComponentReceipt:
        return ComponentReceipt(
            self.code, tuple(self.files), self.paper_pages(), reused=self.reused
        )

    def show_message(self, text: str, style: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)
        self.message.setVisible(bool(text))


class ChecklistPanel(QWidget):
    """The rows of the chosen procedure's checklist; ``changed`` on any edit."""

    changed = Signal()
    last_enter = Signal()  # Enter in the last row's page count
    row_checked = Signal(str)  # a row's image count is known and its warning shown or cleared
    reuse_looked_up = Signal()  # the citizen's store answered (or could not be asked)
    reused = Signal(str)  # a document of the store was attached to the component (its code)

    def __init__(
        self,
        scan_into: ScanInto | None = None,
        parent: QWidget | None = None,
        reuse: ReuseLookup | None = None,
    ) -> None:
        super().__init__(parent)
        self.scan_into = scan_into
        self.reuse = reuse
        self._looked_up: tuple[str, str] | None = None
        self.reuse_label = QLabel()
        self.reuse_label.setWordWrap(True)
        self.reuse_label.setTextFormat(Qt.TextFormat.PlainText)
        self.reuse_label.setVisible(False)
        self.rows: list[ComponentRow] = []
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.empty_label = QLabel(tr("intake_ui.no_procedure"))
        self.grid.addWidget(self.empty_label, 0, 0)
        scan = QShortcut(QKeySequence(Qt.Key.Key_F9), self)
        scan.setWhatsThis(tr("intake_ui.scan"))  # listed in the shortcuts window (F1)
        scan.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        scan.activated.connect(self._scan_focused)
        add = QShortcut(QKeySequence("Ctrl+O"), self)
        add.setWhatsThis(tr("intake_ui.add_files"))
        add.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        add.activated.connect(self._add_to_focused)
        take = QShortcut(QKeySequence("Ctrl+R"), self)
        take.setWhatsThis(tr("shortcuts.reuse"))
        take.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        take.activated.connect(self._reuse_focused)

    # Building ----------------------------------------------------------------

    def set_procedure(self, procedure: Procedure | None) -> None:
        """One row per component of ``procedure`` (none: a hint to pick one)."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget()
            if widget is not None and widget not in (self.empty_label, self.reuse_label):
                widget.deleteLater()
        self.rows = []
        self._looked_up = None
        self.reuse_label.setVisible(False)
        self.empty_label.setVisible(procedure is None)
        if procedure is None:
            self.grid.addWidget(self.empty_label, 0, 0)
            return
        for column, key in enumerate(
            ("component", "required", "counts", "pages", "files"), start=0
        ):
            header = QLabel(f"<b>{tr(f'intake_ui.column.{key}')}</b>")
            self.grid.addWidget(header, 0, column)
        for requirement in procedure.components:
            self._add_row(requirement)
        self.grid.addWidget(self.reuse_label, 1 + 2 * len(self.rows), 0, 1, 7)
        previous: QWidget | None = None
        for row in self.rows:  # Tab: a row's count, its buttons, then the next row
            for widget in (row.pages_edit, row.add_button, row.scan_button):
                if previous is not None:
                    QWidget.setTabOrder(previous, widget)
                previous = widget

    def _add_row(self, requirement: ComponentRequirement) -> None:
        row = ComponentRow(requirement)
        line = 1 + 2 * len(self.rows)
        self.rows.append(row)
        name = QLabel(requirement.name)
        name.setWordWrap(True)
        name.setBuddy(row.pages_edit)
        required = tr("intake_ui.required" if requirement.required else "intake_ui.optional")
        counts = tr(
            "intake_ui.counts",
            originals=requirement.originals,
            certified=requirement.certified_copies,
            copies=requirement.photocopies,
        )
        self.grid.addWidget(name, line, 0)
        self.grid.addWidget(QLabel(required), line, 1)
        self.grid.addWidget(QLabel(counts), line, 2)
        self.grid.addWidget(row.pages_edit, line, 3)
        self.grid.addWidget(row.files_label, line, 4)
        self.grid.addWidget(row.add_button, line, 5)
        self.grid.addWidget(row.scan_button, line, 6)
        self.grid.addWidget(row.message, line + 1, 0, 1, 7)
        row.scan_button.setVisible(self.scan_into is not None)
        row.add_button.clicked.connect(lambda: self.choose_files(row.code))
        row.scan_button.clicked.connect(lambda: self.scan(row.code))
        row.pages_edit.textEdited.connect(lambda _text: self._pages_edited(row))
        row.pages_edit.returnPressed.connect(lambda: self._next_row(row))
        self._show_files(row)

    # Files ---------------------------------------------------------------------

    def row(self, code: str) -> ComponentRow:
        return next(r for r in self.rows if r.code == code)

    def choose_files(self, code: str) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(
            self, tr("intake_ui.choose_files"), "", tr("new_dossier.file_filter")
        )
        if chosen:
            self.add_files(code, [Path(p) for p in chosen])

    def add_files(self, code: str, paths: Sequence[Path]) -> None:
        """Add ``paths`` to the component ``code`` (what the file dialog and the scanner do)."""
        row = self.row(code)
        row.files.extend(Path(p) for p in paths)
        self._show_files(row)
        self._count_images(row)
        self.changed.emit()

    def scan(self, code: str) -> None:
        """Scan straight into the component ``code`` with the workstation's scanner service."""
        if self.scan_into is None:
            return
        scan_into = self.scan_into
        log.info("scanning into component %s", code)
        run_in_background(
            self,
            lambda: scan_into(code),
            lambda paths: self.add_files(code, paths),
            lambda exc: self.row(code).show_message(user_message(exc), ERROR_STYLE),
            executor="io",
        )

    def _focused_row(self) -> ComponentRow | None:
        focus = self.focusWidget()
        for row in self.rows:
            if focus in (row.pages_edit, row.add_button, row.scan_button):
                return row
        return None

    def _scan_focused(self) -> None:
        row = self._focused_row()
        if row is not None:
            self.scan(row.code)

    def _add_to_focused(self) -> None:
        row = self._focused_row()
        if row is not None:
            self.choose_files(row.code)

    # The citizen's store of digitised documents (minimal hook; see workstation.reuse) ----

    def look_up(self, id_number: str, procedure: Procedure | None) -> None:
        """Ask the citizen's store what it holds for this checklist (once per ID number and
        procedure); each row it can fill says so, and Ctrl+R there attaches it unscanned."""
        id_number = id_number.strip()
        if procedure is None or not REUSE_ID.fullmatch(id_number):
            return
        if self._looked_up == (id_number, procedure.code):
            return
        self._looked_up = (id_number, procedure.code)
        if self.reuse is None:
            self._reuse_status(tr("reuse.no_central"), WARNING_STYLE)
            self.reuse_looked_up.emit()
            return
        reuse = self.reuse
        run_in_background(
            self,
            lambda: reuse.find(id_number, procedure),
            self._show_reusable,
            self._reuse_failed,
            executor="io",
        )

    def _show_reusable(self, matches: dict[str, list[ReusableDocument]]) -> None:
        for row in self.rows:
            row.reusable = list(matches.get(row.code, ()))
            if row.reusable and not row.files:
                first = row.reusable[0]
                text = tr("reuse.available", name=first.file_name, dossier=first.dossier_code)
                row.show_message(text, WARNING_STYLE)
        if not matches:
            self._reuse_status(tr("reuse.none"), "")
        self.reuse_looked_up.emit()

    def _reuse_failed(self, exc: BaseException) -> None:
        self._looked_up = None  # try again with the next change
        self._reuse_status(user_message(exc), ERROR_STYLE)
        self.reuse_looked_up.emit()

    def _reuse_status(self, text: str, style: str) -> None:
        self.reuse_label.setText(text)
        self.reuse_label.setStyleSheet(style)
        self.reuse_label.setVisible(bool(text))

    def reuse_on(self, code: str) -> None:
        """Attach the store's document offered for component ``code`` (fetched on ``io``)."""
        row = self.row(code)
        if self.reuse is None or not row.reusable:
            return
        reuse, document = self.reuse, row.reusable[0]

        def attached(path: Path) -> None:
            row.reused = True
            self.add_files(code, [path])
            row.show_message(tr("reuse.attached", name=document.file_name), "")
            self.reused.emit(code)

        run_in_background(
            self,
            lambda: reuse.fetch(document),
            attached,
            lambda exc: row.show_message(user_message(exc), ERROR_STYLE),
            executor="io",
        )

    def _reuse_focused(self) -> None:
        row = self._focused_row()
        if row is not None:
            self.reuse_on(row.code)

    def _show_files(self, row: ComponentRow) -> None:
        names = [p.name for p in row.files]
        row.files_label.setText(
            tr("intake_ui.files_none") if not names else tr_files(len(names), row.images)
        )
        row.files_label.setToolTip("\n".join(names))

    def _count_images(self, row: ComponentRow) -> None:
        row.check += 1
        check, files = row.check, list(row.files)

        def count() -> tuple[int, int]:
            return check, image_count(files)

        def counted(outcome: tuple[int, int]) -> None:
            if outcome[0] == row.check and row in self.rows:
                row.images = outcome[1]
                self._show_files(row)
                self._check_row(row)
                self.row_checked.emit(row.code)

        run_in_background(
            self,
            count,
            counted,
            lambda exc: row.show_message(user_message(exc), ERROR_STYLE),
            executor="io",
        )

    # Checks ----------------------------------------------------------------------

    def _pages_edited(self, row: ComponentRow) -> None:
        self._check_row(row)
        self.changed.emit()

    def _next_row(self, row: ComponentRow) -> None:
        index = self.rows.index(row)
        if index + 1 < len(self.rows):
            self.rows[index + 1].pages_edit.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.last_enter.emit()

    def _check_row(self, row: ComponentRow) -> None:
        """The page-count warning of one row (a refusal shown earlier goes once it is fixed)."""
        pages_typed = row.paper_pages()
        if row.files and pages_typed and row.images is not None and row.images != pages_typed:
            text = tr(
                "warning.receive.page_count_mismatch",
                component=row.requirement.name,
                images=row.images,
                pages=pages_typed,
            )
            row.show_message(f"⚠ {text}", WARNING_STYLE)
        else:
            row.show_message("", WARNING_STYLE)

    def warning(self, code: str) -> str:
        """The message shown at the row of ``code`` now ("" when none)."""
        row = self.row(code)
        return row.message.text() if row.message.isVisibleTo(self) else ""

    def check_presented(self, procedure: Procedure) -> bool:
        """Refuse, at its row, the first required component neither counted nor given files."""
        for row in self.rows:
            receipt = row.receipt()
            if row.requirement.required and not receipt.presented:
                exc = BadInput(
                    f"required component {row.code} of {procedure.code} is missing",
                    code="receive.missing_component",
                    component=row.requirement.name,
                    procedure=procedure.code,
                )
                self.refuse_at(row.code, user_message(exc))
                return False
        return True

    def refuse_at(self, code: str, message: str) -> None:
        row = self.row(code)
        row.show_message(message, ERROR_STYLE)
        row.pages_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def receipts(self) -> list[ComponentReceipt]:
        return [row.receipt() for row in self.rows]

    def set_enabled(self, enabled: bool) -> None:
        for row in self.rows:
            for widget in (row.pages_edit, row.add_button, row.scan_button):
                widget.setEnabled(enabled)


def tr_files(count: int, images: int | None) -> str:
    from workstation.ui.texts import tr_count

    text = tr_count("intake_ui.files", count)
    return text if images is None else f"{text} · {tr_count('intake_ui.images', images)}"
