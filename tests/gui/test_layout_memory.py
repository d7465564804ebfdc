"""The window's size, splitters and column widths come back for the same officer, and only
for them."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QSplitter

from workstation.layouts import layout_file, load_layout
from workstation.onbehalf.officer import Officer, OfficerSource
from workstation.ui.dossiers.section import DossiersSection
from workstation.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

LAN = Officer("lan.nt", OfficerSource.CENTRAL_SIGN_IN)
HUNG = Officer("hung.tv", OfficerSource.CENTRAL_SIGN_IN)


def _open(qtbot, services, officer: Officer) -> tuple[MainWindow, int]:
    window = MainWindow(dataclasses.replace(services, officer=lambda: officer))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.layout_restored) as restored:
        window.show()
    return window, restored.args[0]


def _dossiers_splitter(window: MainWindow) -> QSplitter:
    return window.show_section(DossiersSection).findChild(QSplitter)


def test_an_officers_sizes_and_column_widths_come_back_at_the_next_start(qtbot, services):
    window, restored = _open(qtbot, services, LAN)
    assert restored == 0  # nothing saved yet: the default layout
    screen = window.screen().availableGeometry()  # restoring keeps a window on its screen
    size = QSize(min(1100, screen.width() - 40), min(700, screen.height() - 40))
    window.resize(size)
    _dossiers_splitter(window).setSizes([300, 600])
    table = window.section(DossiersSection).list_view.table
    table.horizontalHeader().resizeSection(3, 333)
    sizes = _dossiers_splitter(window).sizes()
    window.close()
    assert layout_file(services.folders, LAN).exists()

    again, restored = _open(qtbot, services, LAN)
    assert restored > 0
    assert again.size() == size
    assert _dossiers_splitter(again).sizes() == sizes
    assert again.section(DossiersSection).list_view.table.horizontalHeader().sectionSize(3) == 333
    again.close()


def test_another_officer_keeps_the_default_layout(qtbot, services):
    window, _ = _open(qtbot, services, LAN)
    window.section(DossiersSection).list_view.table.horizontalHeader().resizeSection(3, 333)
    window.close()
    other, restored = _open(qtbot, services, HUNG)
    assert restored == 0
    assert other.section(DossiersSection).list_view.table.horizontalHeader().sectionSize(3) != 333
    other.close()


def test_an_unreadable_layout_file_counts_as_none(folders):
    path = layout_file(folders, LAN)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff{not json")
    assert load_layout(folders, LAN) == {}
    assert "lan" not in path.name  # no officer's name in a file name
