"""The window's housekeeping schedule queues the audit log's head for the central system."""

from __future__ import annotations

from tests.store_helpers import received_dossier
from workstation.store import audit
from workstation.store.outbox import MessageKind, list_entries
from workstation.ui.housekeeping import Housekeeping


def test_each_turn_queues_the_audit_head_once_the_log_grew(qtbot, services) -> None:
    received_dossier(services.database)
    housekeeping = Housekeeping(services)
    with qtbot.waitSignal(housekeeping.head_queued) as blocker:
        housekeeping.timer.timeout.emit()  # what the schedule does every turn
    queued = blocker.args[0]
    with services.database.reading() as session:
        head = audit.head(session)
        [message] = [e.entry for e in list_entries(session) if e.entry.kind == "audit.head"]
    assert (queued.count, queued.head) == (head.count, head.hash)
    assert message.kind == MessageKind.AUDIT_HEAD
    assert message.payload["workstation"] == "H99.001.01/1"
    assert message.payload["head"] == head.hash
    with qtbot.waitSignal(housekeeping.head_queued) as again:
        housekeeping.queue_audit_head_now()
    assert again.args == [None]  # nothing new since: nothing queued
