"""Search of the archive records already stored, in the archive section.

The clerk types in the search box (Ctrl+F); as they type, the records whose
metadata holds every word are listed (fonds, catalogue, box, file number,
title, dates). Accents are ignored as the store's search ignores them
(:func:`~workstation.store.archive.find_records`), so ``dat dai`` finds
``Hồ sơ đất đai``. The query runs off the UI thread; an answer that comes
back after the clerk has typed more is dropped. Selecting a row shows the
record's metadata; Enter (or a double-click) opens its PDF/A with the
system's viewer, written to a temporary file from the blob store.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.i18n import tr
from workstation.services import Services
from workstation.store import sealed_files
from workstation.store.archive import StoredRecord, find_records
from workstation.ui.background import run_in_background

COLUMNS = ("fonds", "catalogue", "box", "file_number", "title", "dates")
SEARCH_DELAY_MS = 250
"""Wait this long after the last key before asking the store."""


def dates_text(metadata: dict[str, Any]) -> str:
    """ "2019-03-14 – 2020-01-02" from a record's start and end dates (either may be absent)."""
    start, end = metadata.get("start_date") or "", metadata.get("end_date") or ""
    return f"{start} – {end}" if start and end else start or end


def metadata_text(record: StoredRecord) -> str:
    """The record's stored metadata, one labelled line a field, for the details box."""
    lines = [
        f"{tr(f'archive_ui.field.{key}')}: {value}"
        for key, value in record.metadata.items()
        if key != "items" and value not in (None, "")
    ]
    items = record.metadata.get("items") or []
    if items:
        lines.append(tr("archive_search.documents", count=len(items)))
        lines += [f"  {item.get('sequence')}. {item.get('summary', '')}" for item in items]
    return "\n".join(lines)


log = logging.getLogger(__name__)
RECORD_COPY = "record-"
"""Prefix of an archive record's viewing copy in the plain working folder."""


class ArchiveSearch(QWidget):
    """A search box over the stored archive records, their list, and one record's details."""

    results_shown = Signal(int)
    """The list was filled: how many records were found."""
    pdf_opened = Signal(str)
    """A record's PDF was written for viewing and handed to the viewer: its path."""

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self._open_url = open_url
        self._asked = 0
        self.records: list[StoredRecord] = []

        self.box = QLineEdit()
        self.box.setObjectName("archive-search")
        self.box.setPlaceholderText(tr("archive_search.placeholder"))
        self.box.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.box.textChanged.connect(lambda _text: self._timer.start())
        self.box.returnPressed.connect(self._enter)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(f"archive_search.column.{c}") for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COLUMNS.index("title"), QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_details(row))
        self.table.cellActivated.connect(lambda row, _column: self.open_pdf(row))
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_pdf(row))

        self.status = QLabel(tr("archive_search.hint"))
        self.details = QLabel()
        self.details.setObjectName("archive-search-details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)

    def search(self) -> None:
        """Ask the store (off the UI thread) for the records matching the box's text."""
        self._timer.stop()
        self._asked += 1
        asked, text, database = self._asked, self.box.text(), self.services.database

        def op() -> list[StoredRecord]:
            with database.reading() as session:
                return find_records(session, text)

        run_in_background(self, op, lambda found: self._found(asked, found))

    def _found(self, asked: int, found: list[StoredRecord]) -> None:
        if asked != self._asked:
            return  # the clerk typed more since: a newer answer is on its way
        self.records = found
        self.table.blockSignals(True)
        self.table.setRowCount(len(found))
        for row, record in enumerate(found):
            data = record.metadata
            cells = [
                data.get("fonds"),
                data.get("catalogue"),
                data.get("box"),
                data.get("file_number"),
                data.get("title"),
                dates_text(data),
            ]
            for column, value in enumerate(cells):
                text = "" if value is None else str(value)
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self.status.setText(tr("archive_search.found", count=len(found)))
        self.details.clear()
        if found:
            self.table.setCurrentCell(0, 0)
            self._show_details(0)  # the current cell may already have been (0, 0)
        self.results_shown.emit(len(found))

    def _show_details(self, row: int) -> None:
        if 0 <= row < len(self.records):
            self.details.setText(metadata_text(self.records[row]))

    def _enter(self) -> None:
        if self._timer.isActive() or not self.records:
            self.search()
        else:
            self.open_pdf(self.table.currentRow())

    def open_pdf(self, row: int) -> None:
        """Write the record's PDF/A from the blob store to a file for viewing and open it.

        The copy goes to the one plain working folder, ``viewing`` in the data folder
        (:mod:`workstation.store.sealed_files`; a temporary folder when the services have
        none), whose earlier record copies are removed first: no copy of a record
        outlives the next one opened, and it is named by the record's id only.
        """
        if not 0 <= row < len(self.records):
            return
        record, blobs = self.records[row], self.services.blobs
        folders = getattr(self.services, "folders", None)
        folder = sealed_files.plain_folder(folders.data) if folders is not None else None

        def op() -> Path:
            target = folder or Path(tempfile.gettempdir()) / "workstation-viewing"
            target.mkdir(parents=True, exist_ok=True)
            for earlier in target.glob(f"{RECORD_COPY}*.pdf"):
                try:
                    earlier.unlink(missing_ok=True)
                except OSError:  # a viewer still holds it open (Windows): gone next time
                    log.info("an earlier viewing copy is still open; left for next time")
            path = target / f"{RECORD_COPY}{record.id}.pdf"
            path.write_bytes(blobs.read(record.sha256))
            return path

        run_in_background(self, op, self._written, executor="io")

    def _written(self, path: Path) -> None:
        self._open_url(QUrl.fromLocalFile(str(path)))
        self.pdf_opened.emit(str(path))
