"""The tray's notices under the offscreen platform: with no system tray they reach the
window's status bar; the tray path shows the sync state and each notice; off means off."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from workstation.domain import Applicant, Dossier, clock
from workstation.i18n import tr
from workstation.notices import Notice, NoticeKind, Observation
from workstation.store.dossiers import add_dossier
from workstation.store.outbox import MessageKind, enqueue
from workstation.ui.main_window import MainWindow
from workstation.ui.notices import Notifier

pytestmark = pytest.mark.gui


def _overdue_dossier(services) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    with services.database.transaction() as session:
        saved = add_dossier(
            session,
            Dossier(
                procedure_code="1.001193",
                applicant=Applicant(name="Đỗ Văn Bình"),
                received_at=now - timedelta(days=5),
                due_at=now - timedelta(hours=2),
            ),
        )
        enqueue(session, MessageKind.DOSSIER_CREATED, saved.id, {"id": saved.id})


def test_without_a_system_tray_an_overdue_dossier_is_told_in_the_status_bar(qtbot, services):
    if QSystemTrayIcon.isSystemTrayAvailable():
        pytest.skip("this desktop has a system tray: the status-bar fallback is not used")
    _overdue_dossier(services)
    window = MainWindow(services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.notifier.notified) as told:
        window.show()
    assert told.args[0] == Notice(NoticeKind.OVERDUE, 1)
    assert not window.notifier.in_tray
    assert window.statusBar().currentMessage() == tr("notice.overdue", count=1)


def test_a_look_with_nothing_new_tells_nothing(qtbot, services):
    _overdue_dossier(services)
    window = MainWindow(services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.notifier.notified):
        window.show()
    with qtbot.waitSignal(window.notifier.observed):
        window.notifier.observe_now()
    assert window.notifier.shown == [tr("notice.overdue", count=1)]


def test_notifications_off_neither_look_nor_tell(qtbot, services):
    _overdue_dossier(services)
    quiet = dataclasses.replace(
        services, settings=dataclasses.replace(services.settings, notifications="off")
    )
    window = MainWindow(quiet)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.outbox_counted):
        window.show()
    window.notifier.observe_now()
    assert window.notifier.last is None and window.notifier.shown == []
    assert window.notifier.tray is None


def test_the_tray_carries_the_sync_state_and_shows_each_notice(qtbot, services):
    window = MainWindow(services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.outbox_counted):
        window.show()
    notifier = Notifier(services, window, use_tray=True)
    assert notifier.in_tray
    notifier.set_sync_state("offline", tr("outbox.connection.offline"))
    assert tr("outbox.connection.offline") in notifier.tray.toolTip()
    with qtbot.waitSignal(notifier.notified):
        notifier.take(Observation(online=False))  # a first look: nothing to tell
        notifier.take(Observation(online=True))
    assert notifier.shown == [tr("notice.back_online")]
    assert window.statusBar().currentMessage() != tr("notice.back_online")  # it went to the tray
    notifier.stop()
