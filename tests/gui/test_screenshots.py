"""Each section of the window at 1366 × 768, the most common counter screen: nothing needs
scrolling sideways and nothing is cut off at the right or bottom edge. The same checks run
again in child processes at 125 % and 150 % scaling (``QT_SCALE_FACTOR``) on a 1920 × 1080
screen, the screens counters set to those scalings (1536 × 864 and 1280 × 720 logical).

Every section is shown in the real window, offscreen, at 1366 × 768 and grabbed
(``QWidget.grab``) as a PNG. Set ``MOTCUA_SCREENSHOTS`` to a folder to keep
them; the committed ones in ``docs/screenshots/`` are made with::

    MOTCUA_SCREENSHOTS=docs/screenshots QT_QPA_PLATFORM=offscreen \\
        python -m pytest tests/gui/test_screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from tests.stats_helpers import known_dossiers
from workstation.ui import background
from workstation.ui.main_window import MainWindow
from workstation.ui.sections import SECTIONS

pytestmark = pytest.mark.gui

SCALE = float(os.environ.get("QT_SCALE_FACTOR") or 1)
COUNTER_SCREEN = QSize(1366, 768) if SCALE == 1 else QSize(round(1920 / SCALE), round(1080 / SCALE))
"""The window's size in logical pixels: the counter screen, or a full-HD one scaled."""


def _settle() -> None:
    """Deliver the section's background loads and lay it out."""
    for _ in range(3):
        background.wait_for_idle(10_000)
        QApplication.processEvents()


def _sideways_scrolling(section: QWidget) -> list[str]:
    """The scroll areas in ``section`` that show a horizontal scroll bar."""
    found = []
    for area in section.findChildren(QAbstractScrollArea):
        if area.isVisibleTo(section) and area.horizontalScrollBar().isVisible():
            found.append(f"{type(area).__name__} {area.objectName() or area.accessibleName()}")
    return found


def _cut_off(section: QWidget) -> list[str]:
    """Visible widgets of ``section`` that reach past its right or bottom edge."""
    bounds = section.rect()
    found = []
    for child in section.findChildren(QWidget):
        if not child.isVisibleTo(section) or child.isWindow():
            continue
        if isinstance(child.parent(), QAbstractScrollArea) or _inside_scrolled(child, section):
            continue  # a scroll area's content may be larger than its viewport
        rect = QRect(child.mapTo(section, child.rect().topLeft()), child.size())
        if rect.right() > bounds.right() + 1 or rect.bottom() > bounds.bottom() + 1:
            found.append(f"{type(child).__name__} {child.objectName()} {rect.getRect()}")
    return found


def _inside_scrolled(child: QWidget, section: QWidget) -> bool:
    parent = child.parentWidget()
    while parent is not None and parent is not section:
        if isinstance(parent.parentWidget(), QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


@pytest.fixture
def window(qtbot, services, receive) -> MainWindow:
    known_dossiers(services.database)
    for name, minutes in (("Nguyễn Thị Lan", 30), ("Trần Văn Hùng", 20), ("Lê Minh Châu", 5)):
        receive(name, minutes_ago=minutes)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(COUNTER_SCREEN)
    with qtbot.waitSignal(window.outbox_counted):
        window.show()
    return window


def test_the_window_fits_the_counter_screen(window: MainWindow) -> None:
    hint = window.minimumSizeHint()
    assert hint.width() <= COUNTER_SCREEN.width() and hint.height() <= COUNTER_SCREEN.height()
    assert window.size() == COUNTER_SCREEN


@pytest.mark.parametrize("section_class", SECTIONS, ids=lambda s: s.__name__)
def test_each_section_at_1366_by_768_shows_everything_without_sideways_scrolling(
    window: MainWindow, section_class, tmp_path: Path
) -> None:
    section = window.show_section(section_class)
    _settle()
    assert window.size() == COUNTER_SCREEN  # no section forces the window larger
    assert _sideways_scrolling(section) == []
    assert _cut_off(section) == []
    name = section_class.__name__.removesuffix("Section").lower()
    folder = Path(os.environ.get("MOTCUA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    picture = window.grab()
    size = (picture.width(), picture.height())  # device pixels
    assert size == ((1366, 768) if SCALE == 1 else (1920, 1080))
    suffix = "" if SCALE == 1 else f"@{round(SCALE * 100)}"
    assert picture.save(str(folder / f"{name}-{size[0]}x{size[1]}{suffix}.png"))


@pytest.mark.skipif(SCALE != 1, reason="the child process itself")
@pytest.mark.parametrize("scale", ["1.25", "1.5"])
def test_each_section_fits_at_125_and_150_percent_scaling(scale: str, tmp_path: Path) -> None:
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "MOTCUA_SCREENSHOTS": str(tmp_path)}
    child = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:cacheprovider", "-x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert child.returncode == 0, child.stdout[-3000:]
    assert len(list(tmp_path.glob("*-1920x1080@*.png"))) == len(SECTIONS)


def test_the_checks_see_a_widget_cut_off_and_a_sideways_scroll_bar(qtbot) -> None:
    from PySide6.QtWidgets import QLabel, QTableWidget

    page = QWidget()
    qtbot.addWidget(page)
    page.resize(400, 300)
    wide = QLabel(page)
    wide.setGeometry(10, 10, 600, 20)  # past the right edge
    table = QTableWidget(1, 8, page)
    table.setGeometry(0, 40, 300, 200)
    for column in range(8):
        table.setColumnWidth(column, 120)
    page.show()
    qtbot.waitExposed(page)
    assert _cut_off(page) == [f"QLabel  {(10, 10, 600, 20)}"]
    assert _sideways_scrolling(page) == ["QTableWidget "]
