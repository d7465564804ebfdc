"""The "Lưu trữ" (archive batches) page: the records clerk's review of a split batch.

The clerk opens the folder a split left (Ctrl+O). The left-hand list shows
each record with its pages in the scanned stack and its problems (a separator
missed or unreadable, a page count that differs from the sheet's, pages before
the first sheet, a field missing or invalid), in red; the batch's own warnings
(no separator at all, an unreadable sheet) are shown above. Nothing is fixed by
guessing: the clerk looks and decides.

The right-hand form holds the selected record's metadata (Circular
02/2019/TT-BNV). It starts with what the record's sheet said, its empty
repeating fields carried over from the record before, and checks every field
as it is typed. Beside it, the record's documents and their own fields
(:mod:`workstation.ui.archive.documents`, Ctrl+Shift+D adds one). Ctrl+PgDown
/ Ctrl+PgUp go to the next / previous record; Enter in the last field goes on
to the next record too. Ctrl+S stores the records in the local store
(:func:`~workstation.archive.records.store_batch`, off the UI thread), which
rewrites each PDF/A's XMP with the reviewed metadata and queues them for the
central system; a record whose metadata is still incomplete (a document
without its summary, say) is not stored, the report says which field, and the
form shows the first such record with the clerk's entries kept. Ctrl+E exports
the batch as a BagIt package with the stored, reviewed metadata
(:func:`~workstation.archive.export.export_batch`).

Ctrl+F goes to the second tab, the search of records already stored
(:mod:`workstation.ui.archive.search`).

Above the review, a stack is scanned from a device into a batch folder and
continued after a jam (:mod:`workstation.ui.archive.scanning`, Ctrl+K and
Ctrl+Shift+K), then split (:mod:`workstation.ui.archive.runs`), whose result
opens here for review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workstation.archive.review import BatchReview, record_keys
from workstation.i18n import tr
from workstation.officers import Action
from workstation.services import Services
from workstation.ui.actions import set_shortcuts
from workstation.ui.archive.documents import DocumentsEditor
from workstation.ui.archive.runs import BatchTools
from workstation.ui.archive.scanning import StackScanner
from workstation.ui.archive.search import ArchiveSearch
from workstation.ui.background import run_in_background
from workstation.ui.intake.receipt_step import DialogPrinter
from workstation.ui.section import Section

INVALID_STYLE = "QLineEdit { border: 2px solid #c0392b; }"
PROBLEM_COLOUR = QColor("#c0392b")


OUTPUT_PROBLEMS = ("possible_missed_separator", "record_unreadable")
"""Problem codes whose texts live in the ``archive_out`` catalogue."""


def problem_text(problem: str) -> str:
    """The clerk's text for one problem code from :meth:`BatchReview.problems`."""
    code, _, detail = problem.partition(":")
    if code in OUTPUT_PROBLEMS:
        return tr(f"archive_out.problem.{code}", page=detail.removeprefix("page "))
    if code == "document_invalid":
        number, key, reason = detail.split(":", 2)
        return tr(
            "archive_documents.problem",
            number=number,
            field=tr(f"archive_documents.field.{key}"),
            reason=tr(f"archive_ui.reason.{reason}"),
        )
    if code == "field_invalid":
        key, _, reason = detail.partition(":")
        return tr(
            "archive_ui.problem.field_invalid",
            field=tr(f"archive_ui.field.{key}"),
            reason=tr(f"archive_ui.reason.{reason}"),
        )
    return tr(f"archive_ui.problem.{code}", detail=detail)


class ArchiveSection(Section):
    """A split batch's records, their problems and their metadata, stored in one action."""

    title_key = "section.archive"
    action = Action.ARCHIVE
    batch_opened = Signal(int)
    """The batch was read: how many records it has."""
    batch_stored = Signal(object)
    """The store's answer (:class:`~workstation.archive.records.StoreReport`)."""
    batch_exported = Signal(object)
    """The export's answer (what :func:`~workstation.archive.export.export_batch` returns)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.review: BatchReview | None = None
        self.position = 0
        self._showing = False

        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.open_action = QAction(tr("archive_ui.open"), self)
        set_shortcuts(self.open_action, "Ctrl+O")
        self.open_action.triggered.connect(self.choose_batch)
        toolbar.addAction(self.open_action)
        self.store_action = QAction(tr("archive_ui.store"), self)
        set_shortcuts(self.store_action, "Ctrl+S")
        self.store_action.triggered.connect(self.store)
        toolbar.addAction(self.store_action)
        self.export_action = QAction(tr("archive_out.export"), self)
        set_shortcuts(self.export_action, "Ctrl+E")
        self.export_action.triggered.connect(self.choose_export)
        toolbar.addAction(self.export_action)
        self.next_action = QAction(tr("archive_ui.next"), self)
        set_shortcuts(self.next_action, "Ctrl+PgDown")
        self.next_action.triggered.connect(lambda: self.go(self.position + 1))
        toolbar.addAction(self.next_action)
        self.previous_action = QAction(tr("archive_ui.previous"), self)
        set_shortcuts(self.previous_action, "Ctrl+PgUp")
        self.previous_action.triggered.connect(lambda: self.go(self.position - 1))
        toolbar.addAction(self.previous_action)

        self.tools = BatchTools(services, self, printer=DialogPrinter())
        self.tools.split_done.connect(self.open_batch)
        toolbar.addSeparator()
        toolbar.addActions(self.tools.actions_for())
        self.scanner = StackScanner(services, self)
        self.scanner.split_requested.connect(self.tools.start_split)
        self._devices_listed = False
        toolbar.addSeparator()
        toolbar.addActions(self.scanner.actions_for())

        self.batch_label = QLabel(tr("archive_ui.no_batch"))
        self.batch_label.setWordWrap(True)

        self.table = QTableWidget(0, 3)
        columns = ("pages", "title", "problems")
        self.table.setHorizontalHeaderLabels([tr(f"archive_ui.column.{c}") for c in columns])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda row, *_: self.go(row + 1))

        form_box = QWidget()
        form = QFormLayout(form_box)
        self.editors: dict[str, QLineEdit] = {}
        keys = record_keys()
        for number, spec in enumerate(keys):
            editor = QLineEdit()
            editor.setObjectName(f"archive-field-{spec['key']}")
            label = tr(f"archive_ui.field.{spec['key']}") + (" *" if spec.get("required") else "")
            editor.textEdited.connect(lambda text, key=spec["key"]: self._edited(key, text))
            if number == len(keys) - 1:
                editor.returnPressed.connect(lambda: self.go(self.position + 1))
            else:
                editor.returnPressed.connect(self.focusNextChild)
            form.addRow(label, editor)
            self.editors[spec["key"]] = editor
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #c0392b")
        form.addRow(self.problems_label)

        self.documents = DocumentsEditor()
        self.documents.edited.connect(self._documents_edited)

        # The circular's fields are many: they scroll, so the section fits a 1366x768 counter
        # screen with the scanning and batch tools above.
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(_scrolling(form_box))
        splitter.addWidget(_scrolling(self.documents))
        for pane in range(3):
            splitter.setStretchFactor(pane, 1)

        self.result_label = QLabel()
        self.result_label.setWordWrap(True)

        review_page = QWidget()
        review_layout = QVBoxLayout(review_page)
        review_layout.setContentsMargins(0, 0, 0, 0)
        review_layout.addWidget(self.scanner)
        review_layout.addWidget(self.tools)
        review_layout.addWidget(self.batch_label)
        review_layout.addWidget(splitter, 1)
        review_layout.addWidget(self.result_label)

        self.search = ArchiveSearch(services)
        self.tabs = QTabWidget()
        self.tabs.addTab(review_page, tr("archive_search.tab.review"))
        self.tabs.addTab(self.search, tr("archive_search.tab.search"))
        self.search_action = QAction(tr("archive_search.focus"), self)
        set_shortcuts(self.search_action, "Ctrl+F")
        self.search_action.triggered.connect(self.show_search)
        toolbar.addSeparator()
        toolbar.addAction(self.search_action)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(toolbar)
        layout.addWidget(self.tabs, 1)
        self._enable()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._devices_listed:
            self._devices_listed = True
            self.scanner.load_devices()

    def show_search(self) -> None:
        """Go to the search of stored records, its box focused, the list brought up to date."""
        self.tabs.setCurrentWidget(self.search)
        self.search.box.setFocus()
        self.search.box.selectAll()
        self.search.search()

    # Opening a batch ---------------------------------------------------------

    def choose_batch(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("archive_ui.open"))
        if folder:
            self.open_batch(Path(folder))

    def open_batch(self, folder: Path) -> None:
        """Read the split batch in ``folder`` (off the UI thread) and show its first record."""
        run_in_background(self, lambda: BatchReview(folder), self._opened, executor="io")

    def _opened(self, review: BatchReview) -> None:
        self.review = review
        self.position = 0
        notes = [tr_warning(w) for w in review.batch_warnings]
        self.batch_label.setText(
            "\n".join(
                [
                    tr(
                        "archive_ui.batch",
                        records=len(review),
                        separators=len(review.separators),
                    ),
                    *notes,
                ]
            )
        )
        self.result_label.clear()
        self.table.setRowCount(len(review))
        for position in range(1, len(review) + 1):
            self._fill_row(position)
        self._enable()
        self.documents.show_record(review, 0)
        if len(review):
            self.go(1)
        self.batch_opened.emit(len(review))

    def _fill_row(self, position: int) -> None:
        assert self.review is not None
        first, last, count = self.review.pages(position)
        problems = self.review.problems(position)
        cells = [
            tr("archive_ui.pages", first=first, last=last, count=count),
            self.review.values(position)["title"],
            "; ".join(problem_text(p) for p in problems),
        ]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if problems:
                item.setForeground(PROBLEM_COLOUR)
            self.table.setItem(position - 1, column, item)

    # Moving and editing ------------------------------------------------------

    def go(self, position: int) -> None:
        """Show record ``position`` (from 1) in the form, its first field focused."""
        if self.review is None or not 1 <= position <= len(self.review):
            return
        if position == self.position:
            return
        self.position = position
        self._showing = True
        values = self.review.values(position)
        for key, editor in self.editors.items():
            editor.setText(values[key])
        self._showing = False
        self.table.blockSignals(True)
        self.table.selectRow(position - 1)
        self.table.setCurrentCell(position - 1, 0)
        self.table.blockSignals(False)
        self.documents.show_record(self.review, position)
        self._show_problems()
        first_empty = next((e for k, e in self.editors.items() if not values[k]), None)
        (first_empty or self.editors["title"]).setFocus()

    def _edited(self, key: str, text: str) -> None:
        if self._showing or self.review is None or not self.position:
            return
        self.review.set_value(self.position, key, text)
        self._fill_row(self.position)
        self._show_problems()

    def _documents_edited(self) -> None:
        if self.review is None or not self.position:
            return
        self._fill_row(self.position)
        self._show_problems()

    def _show_problems(self) -> None:
        assert self.review is not None
        problems = self.review.problems(self.position)
        invalid = {p.split(":")[1] for p in problems if p.startswith("field_invalid:")}
        for key, editor in self.editors.items():
            editor.setStyleSheet(INVALID_STYLE if key in invalid else "")
            editor.setProperty("invalid", key in invalid)
        self.problems_label.setText("\n".join(problem_text(p) for p in problems))

    def invalid_fields(self) -> list[str]:
        """The fields of the shown record marked invalid."""
        return [k for k, e in self.editors.items() if e.property("invalid")]

    # Storing -------------------------------------------------------------------

    def store(self) -> None:
        """Store the batch's records with the clerk's metadata (off the UI thread)."""
        if self.review is None:
            return
        from workstation.archive.records import store_batch

        review = self.review
        corrections = review.corrections()
        services = self.services
        self.store_action.setEnabled(False)
        self.result_label.setText(tr("archive_ui.storing"))

        def op() -> Any:
            services.require(Action.ARCHIVE)  # a records clerk's; a refusal is recorded
            return store_batch(
                services.database, services.blobs, review.folder, corrections=corrections
            )

        run_in_background(self, op, self._stored, self._store_failed)

    def _stored(self, report: Any) -> None:
        self._enable()
        lines = [
            tr(
                "archive_ui.stored",
                stored=len(report.stored),
                before=len(report.already_stored),
                refused=len(report.refused),
            )
        ]
        lines += [
            tr("archive_ui.refused", position=position, problem=problem_text(problem))
            for position, problem in report.refused.items()
        ]
        self.result_label.setText("\n".join(lines))
        if report.stored:
            self.store_changed.emit()
            self.search.search()
        for position in report.refused:
            self._fill_row(position)
        if report.refused:
            # The first refused record in the form, the clerk's entries as they were.
            first = min(report.refused)
            if first == self.position:
                self._show_problems()
            self.go(first)
        self.batch_stored.emit(report)

    # Exporting ------------------------------------------------------------------

    def choose_export(self) -> None:
        if self.review is None:
            return
        folder = QFileDialog.getExistingDirectory(self, tr("archive_out.export"))
        if folder:
            self.export(Path(folder))

    def export(self, out: Path) -> None:
        """Write the batch as a BagIt package at ``out`` with the store's reviewed metadata
        (off the UI thread); a record not stored yet goes as its sheet said, marked."""
        if self.review is None:
            return
        from workstation.archive.export import export_batch

        folder, services = self.review.folder, self.services
        self.export_action.setEnabled(False)
        self.result_label.setText(tr("archive_out.exporting"))

        def op() -> Any:
            return export_batch(services.database, services.blobs, folder, out)

        run_in_background(self, op, self._exported, self._store_failed)

    def _exported(self, result: dict[str, Any]) -> None:
        self._enable()
        lines = [
            tr(
                "archive_out.exported",
                records=result["records"],
                reviewed=result["reviewed"],
                bag=result["bag"],
            )
        ]
        if result["records"] > result["reviewed"]:
            lines.append(
                tr("archive_out.not_reviewed", count=result["records"] - result["reviewed"])
            )
        self.result_label.setText("\n".join(lines))
        self.batch_exported.emit(result)

    def _store_failed(self, exc: BaseException) -> None:
        from workstation.ui.errors import show_error

        self._enable()
        self.result_label.clear()
        show_error(self, exc)

    def _enable(self) -> None:
        opened = self.review is not None and len(self.review) > 0
        actions = (self.store_action, self.export_action, self.next_action, self.previous_action)
        for action in actions:
            action.setEnabled(opened)
        for editor in self.editors.values():
            editor.setEnabled(opened)


def tr_warning(warning: str) -> str:
    """The clerk's text for a batch-level warning of the split."""
    code = warning.split(":")[0]
    return tr(f"archive.warning.{code}")


def _scrolling(content: QWidget) -> QScrollArea:
    """``content`` in a frameless scroll area, so its height does not set the window's."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    return area
