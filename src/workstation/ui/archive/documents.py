"""The documents (văn bản) of the record under review: their document-level fields edited fast.

Below the record's form in the archive section. The list shows the record's
documents ("1. Trích yếu..."); the form under it holds the selected one's
fields (Circular 02/2019/TT-BNV, document level: sequence, number, symbol,
date, kind, summary, author...), each checked as typed, an invalid one framed
in red. Ctrl+Shift+D adds a document: its sequence number is the next one and
its repeating fields (author, language, confidentiality) are carried over from
the document before (:meth:`~workstation.archive.review.BatchReview.add_document`);
its summary is focused. A plain layer over :class:`BatchReview`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.archive.review import BatchReview, document_keys
from workstation.i18n import tr
from workstation.ui.actions import set_shortcuts

INVALID_STYLE = "QLineEdit { border: 2px solid #c0392b; }"


def document_label(document: dict[str, str]) -> str:
    """ "2. Quyết định cấp phép" for the list: sequence and summary."""
    return f"{document.get('sequence', '')}. {document.get('summary', '')}"


class DocumentsEditor(QWidget):
    """The record's documents and the selected one's fields."""

    edited = Signal()
    """A document field was changed or a document added (the record's problems may change)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review: BatchReview | None = None
        self.position = 0
        self.index = -1
        self._showing = False

        self.title = QLabel(tr("archive_documents.title"))
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        self.list.currentRowChanged.connect(self.show_document)
        self.add_action = QAction(tr("archive_documents.add"), self)
        set_shortcuts(self.add_action, "Ctrl+Shift+D")
        self.add_action.triggered.connect(self.add)
        add_button = QToolButton()
        add_button.setDefaultAction(self.add_action)

        form = QFormLayout()
        self.editors: dict[str, QLineEdit] = {}
        keys = document_keys()
        for spec in keys:
            editor = QLineEdit()
            editor.setObjectName(f"archive-document-{spec['key']}")
            editor.textEdited.connect(lambda text, key=spec["key"]: self._edited(key, text))
            editor.returnPressed.connect(self.focusNextChild)
            label = tr(f"archive_documents.field.{spec['key']}")
            form.addRow(label + (" *" if spec.get("required") else ""), editor)
            self.editors[spec["key"]] = editor

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addWidget(add_button)
        layout.addLayout(form)
        self._enable()

    def show_record(self, review: BatchReview | None, position: int) -> None:
        """Show the documents of record ``position`` of ``review``, the first one selected."""
        self.review, self.position = review, position
        self._fill_list()
        self.index = -1
        self.show_document(0 if self.list.count() else -1)

    def _fill_list(self) -> None:
        documents = self.review.documents(self.position) if self.review else []
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems([document_label(d) for d in documents])
        self.list.blockSignals(False)

    def show_document(self, index: int) -> None:
        """Put document ``index`` (from 0) in the form; -1 empties it."""
        self.index = index
        documents = self.review.documents(self.position) if self.review else []
        document = documents[index] if 0 <= index < len(documents) else {}
        self._showing = True
        for key, editor in self.editors.items():
            editor.setText(document.get(key, ""))
        self._showing = False
        self.list.blockSignals(True)
        self.list.setCurrentRow(index)
        self.list.blockSignals(False)
        self._show_invalid()
        self._enable()

    def add(self) -> None:
        """Add a document to the record (fields carried over) and focus its summary."""
        if self.review is None or not self.position:
            return
        index = self.review.add_document(self.position)
        self._fill_list()
        self.show_document(index)
        self.editors["summary"].setFocus()
        self.edited.emit()

    def _edited(self, key: str, text: str) -> None:
        if self._showing or self.review is None or self.index < 0:
            return
        self.review.set_document_value(self.position, self.index, key, text)
        document = self.review.documents(self.position)[self.index]
        item = self.list.item(self.index)
        if item is not None:
            item.setText(document_label(document))
        self._show_invalid()
        self.edited.emit()

    def _show_invalid(self) -> None:
        invalid: set[str] = set()
        if self.review is not None and self.index >= 0:
            prefix = f"document_invalid:{self.index + 1}:"
            invalid = {
                p.split(":")[2]
                for p in self.review.document_problems(self.position)
                if p.startswith(prefix)
            }
        for key, editor in self.editors.items():
            editor.setStyleSheet(INVALID_STYLE if key in invalid else "")
            editor.setProperty("invalid", key in invalid)

    def invalid_fields(self) -> list[str]:
        """The fields of the shown document marked invalid."""
        return [k for k, e in self.editors.items() if e.property("invalid")]

    def _enable(self) -> None:
        self.add_action.setEnabled(self.review is not None and self.position > 0)
        for editor in self.editors.values():
            editor.setEnabled(self.index >= 0)
