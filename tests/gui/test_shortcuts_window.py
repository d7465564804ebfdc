"""The help window lists every keyboard shortcut of the window, read from the window itself."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction, QKeySequence, QShortcut

from workstation.i18n import tr
from workstation.ui.main_window import MainWindow
from workstation.ui.shortcuts import ShortcutsDialog, plain
from workstation.ui.stats.section import StatsSection

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, services) -> MainWindow:
    window = MainWindow(services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.outbox_counted):
        window.show()
    return window


def _listed(dialog: ShortcutsDialog) -> set[tuple[str, str, str]]:
    return {
        tuple(dialog.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
        for r in range(dialog.table.rowCount())
    }


def test_f1_opens_the_list_and_it_names_each_sections_keys(qtbot, window) -> None:
    assert window.shortcuts_action.shortcut() == QKeySequence("F1")
    dialog = window.show_shortcuts()
    qtbot.addWidget(dialog)
    listed = _listed(dialog)
    assert (StatsSection.title(), plain(tr("stats_ui.export")), "Ctrl+E") in listed
    assert (tr("section.intake"), plain(tr("onbehalf_ui.confirm")), "F6") in listed
    assert (tr("section.intake"), plain(tr("intake_ui.receive")), "Ctrl+Return / Ctrl+Enter") in (
        listed
    )
    [help_keys] = [k for p, w, k in listed if (p, w) == (tr("shortcuts.window"), "Phím tắt")]
    assert help_keys.split(" / ")[0] == "F1"  # then the platform's own Help key, if it has one
    dialog.close()


def test_every_shortcut_in_the_window_is_listed_with_words(qtbot, window) -> None:
    dialog = window.show_shortcuts()
    qtbot.addWidget(dialog)
    keys_listed = " / ".join(row.keys for row in dialog.rows)
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            assert sequence.toString(QKeySequence.SequenceFormat.NativeText) in keys_listed
    for shortcut in window.findChildren(QShortcut):
        assert shortcut.whatsThis(), f"a shortcut {shortcut.key().toString()} has no words"
    assert all(row.what and row.keys for row in dialog.rows)
    dialog.close()


def test_plain_drops_the_mnemonic_the_ellipsis_and_the_key_in_the_text() -> None:
    assert plain("&Cài đặt…") == "Cài đặt"
    assert plain("Hiện mã thanh toán VietQR (F7)") == "Hiện mã thanh toán VietQR"
    assert plain("Lưu && đóng") == "Lưu & đóng"
