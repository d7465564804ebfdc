"""The link's facts and what the status bar makes of them: never pretending to send."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from workstation.sync.status import Connection, SyncSnapshot, SyncStatus, connection, retry_delay

URL = "https://motcua.example.gov.vn"


def test_without_an_address_it_says_not_connected_whatever_else():
    assert connection(SyncSnapshot(), "", has_sender=False) is Connection.NOT_CONFIGURED
    assert connection(SyncSnapshot(online=True), "  ", has_sender=True) is Connection.NOT_CONFIGURED


def test_with_an_address_but_no_sender_it_says_not_sending_yet():
    assert connection(SyncSnapshot(), URL, has_sender=False) is Connection.NOT_SENDING
    assert connection(SyncSnapshot(online=True), URL, has_sender=False) is Connection.NOT_SENDING


def test_with_a_sender_it_follows_the_last_round():
    assert connection(SyncSnapshot(), URL, has_sender=True) is Connection.CONNECTING
    assert connection(SyncSnapshot(online=True), URL, has_sender=True) is Connection.ONLINE
    assert connection(SyncSnapshot(online=False), URL, has_sender=True) is Connection.OFFLINE


def test_status_records_rounds_and_tells_its_observers():
    status = SyncStatus()
    seen: list[SyncSnapshot] = []
    stop = status.subscribe(seen.append)
    moment = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)
    status.record_success(moment)
    status.record_failure("network.unreachable")
    assert seen[0] == SyncSnapshot(online=True, last_success=moment, last_error=None)
    assert seen[1] == SyncSnapshot(
        online=False, last_success=moment, last_error="network.unreachable"
    )
    stop()
    status.record_success(moment)
    assert len(seen) == 2
    assert status.snapshot().online is True


def test_observers_hear_changes_made_on_another_thread():
    status = SyncStatus()
    seen: list[str] = []
    status.subscribe(lambda s: seen.append(threading.current_thread().name))
    worker = threading.Thread(target=status.record_failure, args=("x",), name="sender")
    worker.start()
    worker.join()
    assert seen == ["sender"]


def test_retry_delay_doubles_after_each_failure_up_to_the_longest():
    base = timedelta(seconds=30)
    longest = timedelta(minutes=5)
    delays = [retry_delay(n, base=base, longest=longest) for n in range(6)]
    assert delays == [
        timedelta(seconds=30),
        timedelta(seconds=60),
        timedelta(seconds=120),
        timedelta(seconds=240),
        timedelta(minutes=5),
        timedelta(minutes=5),
    ]
