"""The sending worker: rounds on their own thread, backing off on failure, pausing on close."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pytest

from tests.fakes.central import FakeSender
from workstation.outbox import count_by_state
from workstation.ui.main_window import MainWindow
from workstation.ui.outbox.sync_worker import SyncWorker

pytestmark = pytest.mark.gui

FAST = timedelta(milliseconds=20)


@pytest.fixture
def worker_for(qtbot, services):
    made: list[SyncWorker] = []

    def make(sender: FakeSender, interval: timedelta = FAST) -> SyncWorker:
        worker = SyncWorker(
            sender, services.sync_status, interval=interval, longest=timedelta(seconds=1)
        )
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.stop()


def test_rounds_run_on_the_sync_executor_never_on_the_ui_thread(
    qtbot, services, receive, worker_for
):
    receive("Nguyễn Văn An")
    receive("Trần Minh Đức")
    sender = FakeSender(services.database)
    worker = worker_for(sender, interval=timedelta(minutes=5))
    with qtbot.waitSignal(worker.round_finished) as blocker:
        worker.start()
    assert blocker.args == [2]
    assert sender.threads == ["workstation-sync-0"]
    assert count_by_state(services.database).sent == 2
    assert services.sync_status.snapshot().online is True


def test_a_failed_round_waits_longer_and_a_success_resets_the_wait(qtbot, services, worker_for):
    sender = FakeSender(services.database, offline=True)
    worker = worker_for(sender)
    with qtbot.waitSignal(worker.round_failed) as blocker:
        worker.start()
    assert blocker.args == ["external.unavailable"]
    assert worker.failures == 1
    assert worker.next_delay == 2 * FAST
    with qtbot.waitSignal(worker.round_failed):
        pass  # the timer started the next round by itself
    assert worker.failures == 2
    assert worker.next_delay == 4 * FAST
    assert services.sync_status.snapshot().last_error == "external.unavailable"
    sender.offline = False
    with qtbot.waitSignal(worker.round_finished):
        pass
    assert worker.failures == 0
    assert worker.next_delay == FAST
    assert services.sync_status.snapshot().online is True


def test_stopping_cancels_the_round_in_flight_and_starts_no_other(qtbot, services, worker_for):
    sender = FakeSender(services.database)
    sender.gate = threading.Event()
    worker = worker_for(sender)
    worker.start()
    qtbot.waitUntil(sender.entered.is_set)
    assert worker.busy
    worker.stop()
    qtbot.waitUntil(lambda: not worker.busy)
    assert not worker.running
    assert sender.rounds == 1
    assert services.sync_status.snapshot().online is None  # a cancelled round says nothing


def test_the_window_starts_no_worker_without_a_sender(qtbot, services):
    window = MainWindow(services)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.outbox_counted):
        window.show()
    assert window.sync_worker is None


def test_the_window_sends_in_the_background_and_pauses_when_closed(qtbot, services, receive):
    receive("Nguyễn Văn An")
    sender = FakeSender(services.database)
    window = MainWindow(dataclasses.replace(services, sender=sender))
    qtbot.addWidget(window)
    assert window.sync_worker is not None
    with qtbot.waitSignal(window.outbox_counted, check_params_cb=lambda n: n == 0):
        window.show()  # the round sent the dossier and the window counted again
    assert sender.threads == ["workstation-sync-0"]
    sender.gate = threading.Event()
    sender.entered.clear()
    window.sync_worker.send_now()
    qtbot.waitUntil(sender.entered.is_set)
    window.close()
    assert not window.sync_worker.running
    qtbot.waitUntil(lambda: not window.sync_worker.busy)
