"""The strip of page thumbnails: order by drag or keyboard, one item per captured page.

The strip's item order *is* the document's page order. Each item carries its
page's id (:data:`PAGE_ID_ROLE`). Dragging pages within the strip moves them
(our own MIME type carries the ids, so a drop never copies or loses a page);
the keyboard does the same with :meth:`PageStrip.move_selected`.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QItemSelectionModel, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDropEvent, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from workstation.i18n import tr
from workstation.ui.capture.pages import CapturedPage, PageState

PAGE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
MIME_TYPE = "application/x-workstation-capture-pages"
ICON_SIZE = QSize(120, 170)


class PageStrip(QListWidget):
    """Thumbnails of the pages, left to right, wrapping; ``reordered`` after any move."""

    reordered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(ICON_SIZE)
        self.setSpacing(6)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragDropOverwriteMode(False)
        self.setAccessibleName(tr("capture_ui.strip"))

    # Items -------------------------------------------------------------------

    def page_ids(self) -> list[int]:
        """The pages' ids in document order."""
        return [self.item(row).data(PAGE_ID_ROLE) for row in range(self.count())]

    def row_of(self, page_id: int) -> int:
        for row in range(self.count()):
            if self.item(row).data(PAGE_ID_ROLE) == page_id:
                return row
        return -1

    def selected_ids(self) -> list[int]:
        """Selected pages' ids in document order."""
        rows = sorted(self.row(item) for item in self.selectedItems())
        return [self.item(row).data(PAGE_ID_ROLE) for row in rows]

    def add_page(self, page: CapturedPage, row: int | None = None) -> QListWidgetItem:
        item = QListWidgetItem()
        item.setData(PAGE_ID_ROLE, page.id)
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )
        item.setIcon(_placeholder())
        if row is None or row >= self.count():
            self.addItem(item)
        else:
            self.insertItem(row, item)
        return item

    def remove_page(self, page_id: int) -> None:
        row = self.row_of(page_id)
        if row >= 0:
            self.takeItem(row)

    def show_page(self, page: CapturedPage, number: int) -> None:
        """Draw the item of ``page`` as page ``number`` (from 1) with its state and flags."""
        row = self.row_of(page.id)
        if row < 0:
            return
        item = self.item(row)
        lines = [tr("capture_ui.page.label", number=number)]
        if page.state is PageState.PROCESSING:
            lines.append(tr("capture_ui.page.processing"))
        elif page.state is PageState.FAILED:
            lines.append(tr("capture_ui.page.failed"))
        elif page.flagged_blank:
            lines.append(tr("capture_ui.page.blank"))
        elif page.warnings:
            lines.append(tr("capture_ui.page.warned", count=len(page.warnings)))
        item.setText("\n".join(lines))
        tips = [tr(f"capture.warning.{code}") for code in page.warnings]
        if page.error:
            tips.insert(0, page.error)
        item.setToolTip("\n".join(tips))
        if page.result is not None and page.state is not PageState.FAILED:
            image = QImage.fromData(page.result.thumbnail)
            if not image.isNull():
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def renumber(self, pages: dict[int, CapturedPage]) -> None:
        for row, page_id in enumerate(self.page_ids()):
            self.show_page(pages[page_id], row + 1)

    # Moving ------------------------------------------------------------------

    def move_pages(self, page_ids: list[int], row: int) -> None:
        """Move ``page_ids`` (kept in their order) so they start at ``row`` of the strip as it
        is now (a row past the end: to the end); they stay selected."""
        moving = [pid for pid in self.page_ids() if pid in set(page_ids)]
        if not moving:
            return
        before = self.page_ids()
        target = sum(1 for pid in before[: max(0, row)] if pid not in moving)
        items = [self.takeItem(self.row_of(pid)) for pid in moving]
        self.clearSelection()
        for offset, item in enumerate(items):
            self.insertItem(target + offset, item)
            item.setSelected(True)
        self.setCurrentItem(items[0], QItemSelectionModel.SelectionFlag.NoUpdate)
        if self.page_ids() != before:
            self.reordered.emit()

    def move_selected(self, step: int) -> None:
        """Move the selected pages ``step`` places (negative: earlier)."""
        ids = self.selected_ids()
        if not ids:
            return
        first = self.row_of(ids[0])
        last = self.row_of(ids[-1])
        row = max(0, first + step) if step < 0 else min(self.count(), last + 1 + step)
        self.move_pages(ids, row)

    def reorder(self, page_ids: list[int]) -> None:
        """Put the items in the order ``page_ids`` gives (the same pages)."""
        for target, page_id in enumerate(page_ids):
            row = self.row_of(page_id)
            if row != target:
                self.insertItem(target, self.takeItem(row))
        self.reordered.emit()

    # Drag and drop -------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, items: list[QListWidgetItem]) -> QMimeData:
        data = QMimeData()
        rows = sorted(self.row(item) for item in items)
        ids = ",".join(str(self.item(row).data(PAGE_ID_ROLE)) for row in rows)
        data.setData(MIME_TYPE, QByteArray(ids.encode("ascii")))
        return data

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if not mime.hasFormat(MIME_TYPE):
            event.ignore()
            return
        raw = bytes(mime.data(MIME_TYPE).data()).decode("ascii", "replace")
        known = set(self.page_ids())
        ids = [int(part) for part in raw.split(",") if part.isdigit() and int(part) in known]
        target = self.indexAt(event.position().toPoint())
        row = target.row() if target.isValid() else self.count()
        if target.isValid():
            rect = self.visualRect(target)
            if event.position().x() > rect.center().x():
                row += 1
        self.move_pages(ids, row)
        # Moved here already: not told as a move, so the drag's source removes nothing.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()


def describe(page: CapturedPage, number: int) -> str:
    """What the details line says of ``page`` (page ``number``): its measurements and the
    reasons to look at it again, in the officer's language."""
    lines = [tr("capture_ui.page.label", number=number)]
    if page.result is not None:
        report = page.result.report
        confidence = (
            tr("capture_ui.details.no_text")
            if report.ocr_confidence is None
            else f"{report.ocr_confidence:.0f} %"
        )
        lines.append(
            tr(
                "capture_ui.details.measured",
                dpi=report.dpi,
                colour=tr(f"capture_ui.colour.{report.colour}"),
                skew=f"{report.skew_deg:.1f}",
                confidence=confidence,
            )
        )
        if page.colour is not None:
            lines.append(tr("capture_ui.details.colour_choice", choice=colour_name(page.colour)))
            if page.colour != "color" and report.colour == "colour" and report.colour_content:
                lines.append(tr("capture_ui.details.colour_kept"))
    if page.error:
        lines.append(page.error)
    lines += [tr(f"capture.warning.{code}") for code in page.warnings]
    return "\n".join(lines)


CHOICE_NAMES = {None: "profile", "color": "colour", "gray": "gray", "auto": "bw"}


def colour_name(choice: str | None) -> str:
    """The officer's colour choice for a page (``None``: the profile's), in their language."""
    return tr(f"capture_ui.colour.{CHOICE_NAMES[choice]}")


def _placeholder() -> QIcon:
    pixmap = QPixmap(ICON_SIZE.width() * 2 // 3, ICON_SIZE.height())
    pixmap.fill(QColor("white"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#999999"))
    painter.drawRect(0, 0, pixmap.width() - 1, pixmap.height() - 1)
    painter.end()
    return QIcon(pixmap)
