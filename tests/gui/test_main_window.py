"""The main window: Vietnamese by default, sections from a list, outbox count in the status bar."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from tests.fakes.store import UnreliableDatabase
from workstation import __version__, i18n
from workstation.errors import StoreError
from workstation.i18n import tr
from workstation.ui import background
from workstation.ui.dossiers.section import DossiersSection
from workstation.ui.errors import reporter
from workstation.ui.intake.section import IntakeSection
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
    assert window.navigation.item(0).text() == "Tiếp nhận"
    assert window.navigation.item(1).text() == "Hồ sơ"
    assert window.settings_action.text() == "&Cài đặt…"
    assert window.about_action.text() == "&Giới thiệu"


def test_window_speaks_english_when_the_language_is_en(qtbot, services):
    i18n.set_language("en")
    window = MainWindow(services)
    qtbot.addWidget(window)
    assert window.windowTitle() == "One-Stop Counter Workstation"
    assert menu_titles(window) == ["&File", "&Tools", "&Help"]
    assert window.navigation.item(0).text() == "Receive"
    assert window.navigation.item(1).text() == "Dossiers"
    with qtbot.waitSignal(window.outbox_counted):
        pass
    assert window.outbox_label.text() == "Waiting to send: 0"


def test_only_real_sections_are_listed(window):
    assert [window.navigation.item(i).text() for i in range(window.navigation.count())] == [
        "Tiếp nhận",
        "Hồ sơ",
        "Số hóa",
        "Ký số",
        "Trả kết quả",
        "Lưu trữ",
        "Mẫu phôi",
        "Hộp thư đi",
        "Thống kê",
    ]
    assert isinstance(window.stack.currentWidget(), IntakeSection)  # the counter's first page
    assert window.focusWidget() is window.section(IntakeSection).view.search.edit


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


def test_closed_settings_dialogs_do_not_pile_up(qtbot, window):
    for _ in range(2):
        dialog = window.open_settings()
        with qtbot.waitSignal(dialog.rejected):
            dialog.reject()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert window.findChildren(SettingsDialog) == []


def test_saved_settings_are_recorded_in_the_audit_log(qtbot, window):
    from workstation.store import audit

    def changes() -> list[tuple[str, str | None]]:
        with window.services.database.reading() as session:
            entries = audit.list_entries(session)
        return [(e.action, e.object_id) for e in entries if e.action == "settings.changed"]

    dialog = window.open_settings()
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    qtbot.waitUntil(lambda: changes() == [("settings.changed", None)], timeout=10_000)


def test_settings_has_a_shortcut_on_every_platform(window):
    assert window.settings_action.shortcut() == QKeySequence("Ctrl+,")
    assert window.settings_action.toolTip().endswith("(Ctrl+,)")


def test_about_shows_the_version(qtbot, window):
    box = window.show_about()
    assert __version__ in box.text()
    assert "Trạm làm việc Một cửa" in box.text()
    assert box.windowTitle() == "Giới thiệu"
    box.close()


def test_status_bar_count_stays_in_sight_while_a_message_is_shown(window):
    # A temporary message hides the status bar's ordinary widgets, not its permanent ones.
    window.statusBar().showMessage(tr("status.settings_saved"))
    assert window.outbox_label.isVisible()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_outbox_count_says_sending_is_not_available_yet(qtbot, services, language):
    i18n.set_language(language)
    window = MainWindow(services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.outbox_counted):
        window.show()
    tooltip = window.outbox_label.toolTip()
    assert tooltip == tr("status.outbox_tooltip")
    assert ("chưa gửi được" if language == "vi" else "cannot send") in tooltip


@pytest.fixture
def unreliable_window(qtbot, services) -> MainWindow:
    """The window over a database the test can make refuse."""
    window = MainWindow(
        dataclasses.replace(services, database=UnreliableDatabase(services.database))
    )
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.outbox_counted):
        window.show()
    return window


def test_an_expected_outbox_failure_is_said_in_the_tooltip(qtbot, unreliable_window):
    window = unreliable_window
    window.services.database.refuse(StoreError("database is locked", code="store.failed"))
    with qtbot.assertNotEmitted(reporter().error_shown):
        window.refresh_outbox()
        qtbot.waitUntil(lambda: window.outbox_label.text() == tr("status.outbox_unknown"))
    assert tr("error.store.failed") in window.outbox_label.toolTip()
    assert tr("status.outbox_tooltip") in window.outbox_label.toolTip()


def test_an_unexpected_outbox_failure_opens_the_error_dialog_once(qtbot, unreliable_window):
    window = unreliable_window
    window.services.database.refuse(KeyError("outbox"))  # a defect, not a store failure
    shown = []
    reporter().error_shown.connect(shown.append)
    try:
        for _ in range(3):  # the timer retries every 30 seconds
            window.refresh_outbox()
        assert background.wait_for_idle(5_000)
    finally:
        reporter().error_shown.disconnect(shown.append)
    assert window.outbox_label.text() == tr("status.outbox_unknown")
    assert len(shown) == 1
    assert shown[0].message_label.text() == tr("error.internal.unexpected")
    shown[0].close()


def test_window_fits_the_screen(window):
    available = window.screen().availableGeometry()
    assert window.width() <= available.width() and window.height() <= available.height()
    assert window.width() <= 1280 and window.height() <= 800


def test_window_fits_a_small_counter_screen(qtbot, services, monkeypatch):
    from PySide6.QtCore import QRect

    class CounterScreen:  # 1366×768 with a 40-pixel task bar
        def availableGeometry(self) -> QRect:
            return QRect(0, 0, 1366, 728)

    monkeypatch.setattr(MainWindow, "screen", lambda self: CounterScreen())
    window = MainWindow(services)
    qtbot.addWidget(window)
    assert (window.width(), window.height()) == (1229, 655)
    with qtbot.waitSignal(window.outbox_counted):
        pass


def test_search_box_has_the_cursor_when_the_dossiers_are_shown(qtbot, window):
    window.show_section(DossiersSection)
    search_box = window.section(DossiersSection).list_view.search_box
    assert window.focusWidget() is search_box


def test_ctrl_f_puts_the_cursor_in_the_search_box_with_its_text_selected(qtbot, window):
    section = window.show_section(DossiersSection)
    search_box = section.list_view.search_box
    search_box.blockSignals(True)  # text left from an earlier search
    search_box.setText("nguyen")
    search_box.blockSignals(False)
    section.list_view.table.setFocus()
    window.activateWindow()
    qtbot.waitActive(window)
    assert section.find_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    qtbot.keyClick(section.list_view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is search_box
    assert search_box.selectedText() == "nguyen"


def test_toolbar_tooltips_name_their_shortcuts(window):
    section = window.section(DossiersSection)
    assert section.new_dossier_action.toolTip() == "Tiếp nhận hồ sơ mới (Ctrl+N)"
    assert section.reload_action.toolTip() == "Tải lại (F5)"
    assert section.reload_action.shortcut() == QKeySequence("F5")
