"""The citizen's screen while the officer types: the dossier's owner, the filer named apart;
where it opens, and where it goes when a monitor is plugged in or pulled out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from workstation.services import Services
from workstation.ui.intake.intake_view import IntakeView
from workstation.ui.onbehalf.citizen_screen import WINDOW_SIZE

BUSINESS = "2.000575"
FILER_ID, OWNER_ID = "036095000222", "001203012345"


@pytest.fixture
def view(qtbot, services: Services) -> IntakeView:
    view = IntakeView(services)
    qtbot.addWidget(view)
    view.resize(1400, 950)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search.edit)
    return view


def test_filing_for_someone_else_the_live_preview_shows_the_owner_and_names_the_filer(
    qtbot, view: IntakeView, type_text
) -> None:
    screen = view.onbehalf.screen
    type_text(view.search.edit, BUSINESS)
    with qtbot.waitSignal(view.search.picked):
        qtbot.keyClick(view.search.edit, Qt.Key.Key_Return)
    type_text(view.name_edit, "Trần Văn Bình")
    type_text(view.id_number_edit, FILER_ID)
    assert "Họ và tên: Trần Văn Bình" in screen.text()  # filing for themselves so far
    assert "Người nộp" not in screen.text()

    view.owner_panel.check.setFocus()
    qtbot.keyClick(view.owner_panel.check, Qt.Key.Key_Space)  # not the owner: Space
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.owner_panel.name_edit)
    type_text(view.owner_panel.name_edit, "Nguyễn Thị Hồng Nhung")
    type_text(view.owner_panel.id_number_edit, OWNER_ID)
    shown = screen.text()
    assert "Họ và tên: Nguyễn Thị Hồng Nhung" in shown
    assert "Số định danh: ••••••••2345" in shown
    assert "Người nộp: Trần Văn Bình (••••••••0222)" in shown
    assert OWNER_ID not in shown and FILER_ID not in shown

    qtbot.keyClick(view.owner_panel.check, Qt.Key.Key_Space)  # the filer owns it after all
    shown = screen.text()
    assert "Họ và tên: Trần Văn Bình" in shown and "Số định danh: ••••••••0222" in shown
    assert "Người nộp" not in shown and "Nguyễn Thị Hồng Nhung" not in shown


def test_with_one_screen_it_opens_by_itself_as_a_window_and_the_officer_keeps_typing(
    qtbot, services: Services
) -> None:
    view = IntakeView(services)
    qtbot.addWidget(view)
    screen = view.onbehalf.screen
    assert QApplication.screens() and len(QApplication.screens()) == 1
    with qtbot.waitSignal(screen.opened, timeout=10_000) as opened:
        view.show()
    assert opened.args == [False]  # a window, not full screen
    qtbot.waitExposed(screen)
    assert screen.isVisible() and not screen.isFullScreen()
    assert screen.showing() == "welcome"
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search.edit)


def test_with_the_setting_off_it_opens_only_when_the_officer_asks(
    qtbot, services: Services
) -> None:
    import dataclasses

    settings = services.settings.replace(citizen_screen="off")
    view = IntakeView(dataclasses.replace(services, settings=settings))
    qtbot.addWidget(view)
    screen = view.onbehalf.screen
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()  # where the opening by itself would have run
    assert not screen.isVisible()
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search.edit)
    with qtbot.waitSignal(screen.opened, timeout=10_000) as opened:
        qtbot.keyClick(view.search.edit, Qt.Key.Key_F11)
    assert opened.args == [False] and screen.isVisible()


def _opened_by_itself(qtbot, services: Services) -> IntakeView:
    view = IntakeView(services)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.onbehalf.screen.opened, timeout=10_000):
        view.show()
    qtbot.waitExposed(view.onbehalf.screen)
    return view


def _as_qt_leaves_it_when_its_monitor_is_pulled_out(screen) -> None:
    """Full screen over the one screen left, the officer's (Qt moves a window whose
    monitor went away onto a remaining screen as it was; offscreen cannot remove one)."""
    screen.showFullScreen()
    assert screen.isFullScreen() and screen.screen() is QGuiApplication.primaryScreen()


def test_when_the_citizens_monitor_is_pulled_out_its_view_becomes_a_window_for_the_officer(
    qtbot, services: Services
) -> None:
    view = _opened_by_itself(qtbot, services)
    screen = view.onbehalf.screen
    _as_qt_leaves_it_when_its_monitor_is_pulled_out(screen)
    with qtbot.waitSignal(screen.moved, timeout=10_000) as moved:
        placed = screen.follow_screens()
    assert moved.args == [False] and placed is not None and not placed.full_screen
    qtbot.waitUntil(lambda: not screen.isFullScreen())
    assert screen.isVisible() and screen.screen() is view.screen()
    assert (screen.width(), screen.height()) == WINDOW_SIZE
    assert screen.full_on is None


def test_a_monitor_added_or_removed_reaches_the_citizens_screen_through_qt(
    qtbot, services: Services
) -> None:
    view = _opened_by_itself(qtbot, services)
    screen = view.onbehalf.screen
    only = QGuiApplication.primaryScreen()
    _as_qt_leaves_it_when_its_monitor_is_pulled_out(screen)
    with qtbot.waitSignal(screen.moved, timeout=10_000) as moved:
        QGuiApplication.instance().screenAdded.emit(only)  # what Qt emits on a plug-in
    assert moved.args == [False]
    qtbot.waitUntil(lambda: not screen.isFullScreen())


def test_the_screen_it_was_put_on_is_forgotten_when_that_screen_goes(
    qtbot, services: Services
) -> None:
    view = _opened_by_itself(qtbot, services)
    screen = view.onbehalf.screen
    only = QGuiApplication.primaryScreen()
    _as_qt_leaves_it_when_its_monitor_is_pulled_out(screen)
    screen.full_on = only  # as if it had been put there full screen
    with qtbot.waitSignal(screen.moved, timeout=10_000) as moved:
        screen._screen_removed(only)  # the handler screenRemoved calls, for that screen
    assert moved.args == [False] and screen.full_on is None
    qtbot.waitUntil(lambda: not screen.isFullScreen())


def test_a_window_stays_and_a_closed_screen_stays_closed_when_monitors_change(
    qtbot, services: Services
) -> None:
    view = _opened_by_itself(qtbot, services)
    screen = view.onbehalf.screen
    assert not screen.isFullScreen()
    with qtbot.assertNotEmitted(screen.moved):
        assert screen.follow_screens() is None  # still one screen: still a window
    screen.hide()
    with qtbot.assertNotEmitted(screen.moved):
        assert screen.follow_screens() is None
    assert not screen.isVisible()
