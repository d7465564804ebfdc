"""The result-form template editor: open a sample form, draw its zones, name them, save as data.

The officer opens a blank (or sample) form scanned at 300 dpi (Ctrl+O), then
draws each zone on it with the mouse: press, drag, release. Each zone becomes a
row of the table below, its name field focused so it can be named at once
(Tab goes on to its label and type). Delete removes the selected zone. Ctrl+S
saves the template as data (:func:`~workstation.resultforms.templates.save_template`:
``template.json`` and the reference image, in the user's ``result-forms``
folder), checked by loading it back: a zone outside the image, two zones of one
name or a bad template name is refused with the reason shown, nothing half
written. Boxes are in the image's own pixels, whatever the zoom.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QMouseEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workstation.errors import WorkstationError
from workstation.i18n import tr
from workstation.resultforms.templates import (
    FIELD_TYPES,
    Field,
    read_image,
    save_template,
)
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import run_in_background

MIN_ZONE_PX = 8
ZONE_PEN = QPen(QColor("#c0392b"), 3)


class ZoneCanvas(QGraphicsView):
    """The form image; a drag with the left button draws a zone (in image pixels)."""

    zone_drawn = Signal(QRectF)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._start: QPointF | None = None
        self._rubber: QGraphicsRectItem | None = None
        self.image_size = (0, 0)

    def show_image(self, grey: np.ndarray) -> None:
        height, width = grey.shape[:2]
        data = np.ascontiguousarray(grey)
        image = QImage(data.data, width, height, width, QImage.Format.Format_Grayscale8).copy()
        self.scene().clear()
        self.scene().addPixmap(QPixmap.fromImage(image))
        self.scene().setSceneRect(0, 0, width, height)
        self.image_size = (width, height)
        self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def add_zone(self, box: QRectF) -> QGraphicsRectItem:
        return self.scene().addRect(box, ZONE_PEN)

    def _clamped(self, event: QMouseEvent) -> QPointF:
        point = self.mapToScene(event.position().toPoint())
        width, height = self.image_size
        return QPointF(min(max(point.x(), 0), width), min(max(point.y(), 0), height))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.image_size[0]:
            self._start = self._clamped(event)
            self._rubber = self.scene().addRect(QRectF(self._start, self._start), ZONE_PEN)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is not None and self._rubber is not None:
            self._rubber.setRect(QRectF(self._start, self._clamped(event)).normalized())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._start is None or self._rubber is None:
            super().mouseReleaseEvent(event)
            return
        box = QRectF(self._start, self._clamped(event)).normalized()
        self.scene().removeItem(self._rubber)
        self._start = self._rubber = None
        if box.width() >= MIN_ZONE_PX and box.height() >= MIN_ZONE_PX:
            self.zone_drawn.emit(box)


class TemplateEditor(QWidget):
    """Draw and name the zones of a form, and save the template as data."""

    image_opened = Signal()
    zone_added = Signal(int)
    template_saved = Signal(object)
    """The saved :class:`~workstation.resultforms.templates.Template`."""
    save_failed = Signal(str)
    """Saving was refused: the officer's message."""

    def __init__(self, root: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self.image: np.ndarray | None = None
        self.boxes: list[tuple[int, int, int, int]] = []
        self._items: list[Any] = []

        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.open_action = QAction(tr("resultforms_ui.open"), self)
        set_shortcuts(self.open_action, "Ctrl+O")
        self.open_action.triggered.connect(self.choose_image)
        toolbar.addAction(self.open_action)
        self.save_action = QAction(tr("resultforms_ui.save"), self)
        set_shortcuts(self.save_action, "Ctrl+S")
        self.save_action.triggered.connect(self.save)
        toolbar.addAction(self.save_action)
        self.remove_action = QAction(tr("resultforms_ui.remove"), self)
        set_shortcuts(self.remove_action, QKeySequence.StandardKey.Delete)
        self.remove_action.triggered.connect(self.remove_selected)
        toolbar.addAction(self.remove_action)

        self.name = QLineEdit()
        self.name.setPlaceholderText("birth-extract")
        self.title_edit = QLineEdit()
        self.dpi = QSpinBox()
        self.dpi.setRange(72, 1200)
        self.dpi.setValue(300)
        header = QFormLayout()
        header.addRow(tr("resultforms_ui.name"), self.name)
        header.addRow(tr("resultforms_ui.title"), self.title_edit)
        header.addRow(tr("resultforms_ui.dpi"), self.dpi)

        self.canvas = ZoneCanvas()
        self.canvas.zone_drawn.connect(self.add_zone)
        self.table = QTableWidget(0, 4)
        columns = ("name", "label", "type", "box")
        self.table.setHorizontalHeaderLabels([tr(f"resultforms_ui.column.{c}") for c in columns])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.canvas)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.status = QLabel(tr("resultforms_ui.hint"))
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(toolbar)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

    # The image ---------------------------------------------------------------

    def choose_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("resultforms_ui.open"))
        if path:
            self.open_image(Path(path))

    def open_image(self, path: Path) -> None:
        """Read the sample form (off the UI thread) and show it; zones start afresh."""

        def load() -> np.ndarray:
            import cv2

            image = read_image(path)
            return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)

        run_in_background(self, load, self._opened, self._failed, executor="io")

    def _opened(self, grey: np.ndarray) -> None:
        self.image = grey
        self.boxes.clear()
        self._items.clear()
        self.table.setRowCount(0)
        self.canvas.show_image(grey)
        self.status.setText(tr("resultforms_ui.hint"))
        self.image_opened.emit()

    # Zones ---------------------------------------------------------------------

    def add_zone(self, box: QRectF) -> None:
        """A zone drawn on the image: a new row, its name field focused."""
        rect = (round(box.x()), round(box.y()), round(box.width()), round(box.height()))
        self.boxes.append(rect)
        self._items.append(self.canvas.add_zone(QRectF(*rect)))
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QLineEdit(f"field_{row + 1}")
        label = QLineEdit()
        kind = QComboBox()
        kind.addItems(list(FIELD_TYPES))
        self.table.setCellWidget(row, 0, name)
        self.table.setCellWidget(row, 1, label)
        self.table.setCellWidget(row, 2, kind)
        self.table.setCellWidget(row, 3, QLabel(" ".join(str(v) for v in rect)))
        self.table.selectRow(row)
        name.setFocus()
        name.selectAll()
        self.zone_added.emit(row)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
            self.canvas.scene().removeItem(self._items.pop(row))
            del self.boxes[row]

    def fields(self) -> list[Field]:
        """The zones as template fields, in the order drawn."""
        out = []
        for row, box in enumerate(self.boxes):
            name = self.table.cellWidget(row, 0).text().strip()  # type: ignore[union-attr]
            label = self.table.cellWidget(row, 1).text().strip()  # type: ignore[union-attr]
            kind = self.table.cellWidget(row, 2).currentText()  # type: ignore[union-attr]
            out.append(Field(name, label or name, box, kind))
        return out

    # Saving --------------------------------------------------------------------

    def save(self) -> None:
        """Save the template as data (off the UI thread); the reason is shown if refused."""
        if self.image is None:
            self.status.setText(tr("resultforms_ui.no_image"))
            return
        if not self.boxes:
            self.status.setText(tr("resultforms_ui.no_zones"))
            return
        root, name, title = self.root, self.name.text().strip(), self.title_edit.text().strip()
        image, dpi, fields = self.image, self.dpi.value(), self.fields()
        run_in_background(
            self,
            lambda: save_template(root, name, title, image, dpi, fields),
            self._saved,
            self._failed,
            executor="io",
        )

    def _saved(self, template: Any) -> None:
        self.status.setText(
            tr("resultforms_ui.saved", name=template.name, count=len(template.fields))
        )
        self.template_saved.emit(template)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, WorkstationError):
            self.status.setText(exc.user_message())
            self.save_failed.emit(exc.user_message())
            return
        from workstation.ui.errors import show_error

        show_error(self, exc)
