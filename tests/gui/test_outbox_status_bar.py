"""The status bar: what waits, what needs the officer, and the link, told honestly."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from tests.fakes.central import FakeSender
from workstation import i18n
from workstation.outbox import list_outbox
from workstation.store.outbox import mark_needs_attention
from workstation.ui.main_window import MainWindow
from workstation.ui.outbox import sync_worker

pytestmark = pytest.mark.gui

SERVER = "https://motcua.example.gov.vn"


def open_window(qtbot, services, **changes) -> MainWindow:
    window = MainWindow(dataclasses.replace(services, **changes))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.outbox_counted):
        window.show()
    return window


def test_without_an_address_it_says_not_connected(qtbot, services):
    window = open_window(qtbot, services)
    assert window.connection_label.text() == "Chưa kết nối"
    assert "Cài đặt" in window.connection_label.toolTip()


def test_with_an_address_but_no_sender_it_says_not_sending_yet(qtbot, services):
    i18n.set_language("en")
    settings = dataclasses.replace(services.settings, central_url=SERVER)
    window = open_window(qtbot, services, settings=settings)
    assert window.connection_label.text() == "Not sending yet"
    assert "cannot send yet" in window.connection_label.toolTip()


def test_messages_needing_the_officer_are_counted_beside_those_waiting(qtbot, services, receive):
    for name in ("Nguyễn Văn An", "Trần Minh Đức", "Lê Thị Hoa"):
        receive(name)
    first = list_outbox(services.database)[0].message_id
    with services.database.transaction() as session:
        mark_needs_attention(session, first, "central.refused.invalid")
    window = open_window(qtbot, services)
    assert window.outbox_label.text() == "Chờ gửi: 2 · Cần xử lý: 1"


def test_online_after_a_round_offline_with_its_error_after_a_failure(qtbot, services, monkeypatch):
    # One round per test step: the next would come only after five minutes.
    monkeypatch.setattr(sync_worker, "INTERVAL", timedelta(minutes=5))
    settings = dataclasses.replace(services.settings, central_url=SERVER)
    sender = FakeSender(services.database)
    window = MainWindow(dataclasses.replace(services, settings=settings, sender=sender))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.connection_shown, check_params_cb=lambda s: s == "online"):
        window.show()
    assert window.connection_label.text() == "Trực tuyến"
    assert "Gửi thành công lần cuối" in window.connection_label.toolTip()
    sender.offline = True
    with qtbot.waitSignal(window.connection_shown, check_params_cb=lambda s: s == "offline"):
        window.sync_worker.send_now()
    assert window.connection_label.text() == "Mất kết nối"
    assert "external.unavailable" in window.connection_label.toolTip()
    window.close()
