"""The main window: Vietnamese by default, sections from a list, outbox count in the status bar."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from workstation import __version__, i18n
from workstation.ui.dossiers.section import DossiersSection
from workstation.ui.main_window import MainWindow
from workstation.ui.section import Section
from workstation.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, services) -> MainWindow:
    window = MainWindow(services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.outbox_counted):
        window.show()
    return window


def menu_titles(window: MainWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def test_window_speaks_vietnamese_by_default(window):
    assert window.windowTitle() == "Trạm làm việc Một cửa"
    assert menu_titles(window) == ["&Tệp", "&Công cụ", "Trợ &giúp"]
    assert window.navigation.item(0).text() == "Hồ sơ"
    assert window.settings_action.text() == "&Cài đặt…"
    assert window.about_action.text() == "&Giới thiệu"


def test_window_speaks_english_when_the_language_is_en(qtbot, services):
    i18n.set_language("en")
    window = MainWindow(services)
    qtbot.addWidget(window)
    assert window.windowTitle() == "One-Stop Counter Workstation"
    assert menu_titles(window) == ["&File", "&Tools", "&Help"]
    assert window.navigation.item(0).text() == "Dossiers"
    with qtbot.waitSignal(window.outbox_counted):
        pass
    assert window.outbox_label.text() == "Waiting to send: 0"


def test_only_real_sections_are_listed(window):
    assert window.navigation.count() == 1
    assert isinstance(window.stack.currentWidget(), DossiersSection)


def test_a_capability_adds_a_section_by_adding_one_entry(qtbot, services):
    class NotesSection(Section):
        title_key = "app.name"

    window = MainWindow(services, sections=[DossiersSection, NotesSection])
    qtbot.addWidget(window)
    assert [window.navigation.item(i).text() for i in range(2)] == [
        "Hồ sơ",
        "Trạm làm việc Một cửa",
    ]
    assert isinstance(window.show_section(NotesSection), NotesSection)
    assert window.stack.currentIndex() == 1
    with qtbot.waitSignal(window.outbox_counted):
        pass


def test_status_bar_counts_outbox_messages_waiting(qtbot, services, receive):
    receive("Nguyễn Văn An")
    receive("Trần Minh Đức")
    window = MainWindow(services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.outbox_counted) as blocker:
        pass
    assert blocker.args == [2]
    assert window.outbox_label.text() == "Chờ gửi: 2"
    receive("Lê Thị Hoa")
    with qtbot.waitSignal(window.outbox_counted, check_params_cb=lambda n: n == 3):
        window.section(DossiersSection).store_changed.emit()
    assert window.outbox_label.text() == "Chờ gửi: 3"


def test_closing_the_window_stops_its_timer(window):
    assert window._outbox_timer.isActive()
    window.close()
    assert not window._outbox_timer.isActive()


def test_settings_menu_opens_the_settings_dialog(qtbot, window):
    window.settings_action.trigger()
    dialogs = window.findChildren(SettingsDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    assert dialogs[0].windowTitle() == "Cài đặt"
    dialogs[0].reject()


def test_about_shows_the_version(qtbot, window):
    box = window.show_about()
    assert __version__ in box.text()
    assert "Trạm làm việc Một cửa" in box.text()
    assert box.windowTitle() == "Giới thiệu"
    box.close()


def test_status_bar_label_is_permanent(window):
    assert window.outbox_label in window.statusBar().findChildren(QLabel)
