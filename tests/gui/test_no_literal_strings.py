"""Every text a widget shows comes from the translation catalogue: a test reads the
interface's source and fails on a string literal given to a widget's text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import workstation.ui

pytestmark = pytest.mark.gui

UI_SOURCES = Path(workstation.ui.__file__).parent
# Methods and constructors whose string argument the officer reads.
TEXT_METHODS = {
    "setText",
    "setToolTip",
    "setWindowTitle",
    "setPlaceholderText",
    "setStatusTip",
    "setWhatsThis",
    "setTitle",
    "setAccessibleName",
    "showMessage",
    "addItem",
    "insertItem",
    "addTab",
    "addMenu",
    "setHeaderLabels",
    "setHorizontalHeaderLabels",
}
TEXT_WIDGETS = {
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QAction",
    "QToolButton",
    "QMenu",
    "QTableWidgetItem",
    "QListWidgetItem",
}
WORDS = re.compile(r"[A-Za-zÀ-ỹ]{2,}")
# Not words for the officer: a template identifier shown as an example of one.
ALLOWED = {("resultforms/template_editor.py", "birth-extract")}


def literal_texts(path: Path) -> list[tuple[int, str]]:
    """``(line, text)`` of each string literal with a word given to a widget's text."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in TEXT_METHODS and name not in TEXT_WIDGETS:
            continue
        for argument in node.args:
            parts = argument.values if isinstance(argument, ast.JoinedStr) else [argument]
            for part in parts:
                if (
                    isinstance(part, ast.Constant)
                    and isinstance(part.value, str)
                    and WORDS.search(part.value)
                ):
                    found.append((node.lineno, part.value))
    return found


def test_no_widget_is_given_a_literal_text() -> None:
    offenders = []
    for path in sorted(UI_SOURCES.rglob("*.py")):
        where = path.relative_to(UI_SOURCES).as_posix()
        for line, text in literal_texts(path):
            if (where, text) not in ALLOWED:
                offenders.append(f"{where}:{line}: {text!r}")
    assert offenders == [], "texts must come from the catalogue (tr): " + "; ".join(offenders)


def test_the_check_sees_a_literal_label_and_a_literal_in_an_f_string(tmp_path: Path) -> None:
    source = tmp_path / "view.py"
    source.write_text(
        'label = QLabel("Họ và tên")\n'
        'button.setText(f"Lưu {count}")\n'
        'label.setText(tr("intake.name"))\n'
        'box.addItem("", None)\n',
        encoding="utf-8",
    )
    assert literal_texts(source) == [(1, "Họ và tên"), (2, "Lưu ")]
