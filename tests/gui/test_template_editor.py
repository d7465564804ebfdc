"""The template editor: a sample form opened, zones drawn with the mouse and named by keyboard,
the template saved as data that loads back; a bad zone or name refused with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QPointF, Qt

from workstation.resultforms.templates import load_template
from workstation.ui.resultforms.template_editor import TemplateEditor


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((60, 60, 1180, 1694), outline=0, width=6)
    draw.line((300, 400, 1100, 400), fill=0, width=3)
    path = tmp_path / "phoi.png"
    page.save(path, dpi=(150, 150))
    return path


@pytest.fixture
def editor(qtbot, tmp_path: Path, sample: Path) -> TemplateEditor:
    widget = TemplateEditor(tmp_path / "templates")
    qtbot.addWidget(widget)
    widget.resize(1000, 900)
    widget.show()
    with qtbot.waitSignal(widget.image_opened):
        widget.open_image(sample)
    return widget


def drag(qtbot, editor: TemplateEditor, start: tuple[int, int], end: tuple[int, int]) -> None:
    """Draw a zone from image pixel ``start`` to ``end`` with the mouse."""
    canvas = editor.canvas
    first = canvas.mapFromScene(QPointF(*start))
    last = canvas.mapFromScene(QPointF(*end))
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseMove(viewport, pos=last)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=last)


def test_zones_drawn_with_the_mouse_and_named_by_keyboard_are_saved_as_a_template(
    editor: TemplateEditor, qtbot, type_text, tmp_path: Path
) -> None:
    with qtbot.waitSignal(editor.zone_added):
        drag(qtbot, editor, (300, 330), (1100, 400))
    name = editor.table.cellWidget(0, 0)
    assert name.hasFocus()
    type_text(name, "owner_name")  # replaces the selected default name
    editor.table.cellWidget(0, 1).setText("Họ tên chủ hộ")
    with qtbot.waitSignal(editor.zone_added):
        drag(qtbot, editor, (300, 500), (700, 570))
    type_text(editor.table.cellWidget(1, 0), "serial")
    editor.table.cellWidget(1, 2).setCurrentText("serial")
    type_text(editor.name, "ho-kinh-doanh")
    type_text(editor.title_edit, "Giấy chứng nhận hộ kinh doanh")
    with qtbot.waitSignal(editor.template_saved):
        qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    template = load_template("ho-kinh-doanh", tmp_path / "templates")
    assert template.title == "Giấy chứng nhận hộ kinh doanh"
    assert [(f.name, f.type, f.label) for f in template.fields] == [
        ("owner_name", "text", "Họ tên chủ hộ"),
        ("serial", "serial", "serial"),
    ]
    pixel = 1 / editor.canvas.transform().m11()  # one screen pixel, in image pixels
    drawn = zip(template.fields[0].box, (300, 330, 800, 70), strict=True)
    assert all(abs(got - want) <= 2 * pixel + 1 for got, want in drawn)
    assert template.size == (1240, 1754)


def test_a_zone_removed_by_the_delete_key_is_not_saved(editor: TemplateEditor, qtbot) -> None:
    for top in (300, 600):
        with qtbot.waitSignal(editor.zone_added):
            drag(qtbot, editor, (200, top), (600, top + 60))
    editor.table.setFocus()
    editor.table.selectRow(0)
    qtbot.keyClick(editor.table, Qt.Key.Key_Delete)
    assert len(editor.boxes) == 1 and abs(editor.boxes[0][1] - 600) < 300


def test_two_zones_of_one_name_are_refused_with_the_reason_and_nothing_written(
    editor: TemplateEditor, qtbot, type_text, tmp_path: Path
) -> None:
    for top in (300, 600):
        with qtbot.waitSignal(editor.zone_added):
            drag(qtbot, editor, (200, top), (600, top + 60))
        editor.table.cellWidget(editor.table.rowCount() - 1, 0).setText("so")
    type_text(editor.name, "trung-ten")
    with qtbot.waitSignal(editor.save_failed):
        qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "so" in editor.status.text() and "trung-ten" in editor.status.text()
    assert not (tmp_path / "templates" / "trung-ten").exists()
    assert [p.name for p in (tmp_path / "templates").iterdir()] == []
