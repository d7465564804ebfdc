"""The outbox: the rule that every change is queued, and the sender's half."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timedelta

import pytest

from tests.store_helpers import T0
from tests.store_helpers import received_dossier as _received
from workstation.domain import Dossier, DossierStatus
from workstation.paths import resources_dir
from workstation.store.database import Database
from workstation.store.dossiers import (
    count_dossiers,
    delete_dossier,
    get_dossier,
    set_dossier_status,
)
from workstation.store.outbox import (
    ChangeNotQueued,
    MessageKind,
    OutboxEntry,
    State,
    UnknownMessageKind,
    backoff,
    claim_next,
    count_pending,
    enqueue,
    mark_needs_attention,
    mark_sent,
    needing_attention,
    pending,
    record_failure,
    retry,
)

pytestmark = pytest.mark.integration


# The rule ---------------------------------------------------------------------


def test_a_script_importing_only_the_database_and_dossiers_cannot_skip_the_message(
    tmp_path,
) -> None:
    # A fresh interpreter: nothing has imported the outbox module on the script's behalf.
    script = textwrap.dedent(
        f"""
        from datetime import UTC, datetime
        from workstation.domain import Applicant, Dossier
        from workstation.store.database import open_database
        from workstation.store.dossiers import add_dossier, count_dossiers

        database = open_database({str(tmp_path / "script.sqlite3")!r})
        dossier = Dossier(procedure_code="1.001193", applicant=Applicant(name="Quên gửi"),
                          received_at=datetime.now(UTC))
        try:
            with database.transaction() as session:
                add_dossier(session, dossier)
        except Exception as exc:
            print(type(exc).__name__)
        with database.reading() as session:
            print(count_dossiers(session))
        """
    )
    src = resources_dir().parent / "src"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.stdout.split() == ["ChangeNotQueued", "0"], result.stderr


def test_a_status_change_without_its_message_is_refused(database) -> None:
    dossier = _received(database)
    with pytest.raises(ChangeNotQueued), database.transaction() as session:
        set_dossier_status(session, dossier.id, DossierStatus.PROCESSING)
    with database.transaction() as session:
        assert set_dossier_status(session, dossier.id, DossierStatus.PROCESSING)
        enqueue(
            session,
            MessageKind.DOSSIER_STATUS_CHANGED,
            dossier.id,
            {"id": dossier.id, "status": int(DossierStatus.PROCESSING)},
        )
    with database.reading() as session:
        assert get_dossier(session, dossier.id).status == DossierStatus.PROCESSING
        assert [m.kind for m in pending(session)] == ["dossier.created", "dossier.status_changed"]


def test_a_message_of_another_kind_does_not_cover_a_status_change(database) -> None:
    dossier = _received(database)
    with pytest.raises(ChangeNotQueued), database.transaction() as session:
        set_dossier_status(session, dossier.id, DossierStatus.PROCESSING)
        enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})
    with database.reading() as session:
        assert get_dossier(session, dossier.id).status == DossierStatus.RECEIVED


def test_a_deletion_without_its_message_is_refused(database) -> None:
    dossier = _received(database)
    with pytest.raises(ChangeNotQueued), database.transaction() as session:
        delete_dossier(session, dossier.id)
    with database.reading() as session:
        assert count_dossiers(session) == 1
    with database.transaction() as session:
        delete_dossier(session, dossier.id)
        enqueue(session, MessageKind.DOSSIER_DELETED, dossier.id, {"id": dossier.id})
    with database.reading() as session:
        assert count_dossiers(session) == 0
        assert pending(session)[-1].kind == "dossier.deleted"


def test_only_kinds_from_the_closed_list_are_queued(database) -> None:
    with pytest.raises(UnknownMessageKind), database.transaction() as session:
        enqueue(session, "dossier.renamed", "d1", {"id": "d1"})
    with database.reading() as session:
        assert pending(session) == []


def test_every_payload_carries_its_schema_version(database) -> None:
    dossier = _received(database)
    with database.reading() as session:
        (message,) = pending(session)
    assert message.payload == {"id": dossier.id, "schema": 1}


# The sender's half ---------------------------------------------------------------


class FakeCentral:
    """A fake central system: records what it received, refusing what it is told to."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []  # (entity, kind) in arrival order
        self.down = False
        self.refuse: set[str] = set()  # message ids refused for their content

    def send(self, entry: OutboxEntry) -> str:
        if self.down:
            return "unavailable"
        if entry.message_id in self.refuse:
            return "refused"
        self.received.append((entry.entity_id, entry.kind))
        return "ok"


def _send_round(database: Database, central: FakeCentral, now: datetime) -> int:
    """One round of a plain sender: claim, send outside the transaction, record."""
    with database.transaction() as session:
        claimed = claim_next(session, now=now)
    for entry in claimed:
        answer = central.send(entry)
        with database.transaction() as session:
            if answer == "ok":
                mark_sent(session, entry.message_id)
            elif answer == "refused":
                mark_needs_attention(session, entry.message_id, "central: 422 code.invalid")
            else:
                record_failure(
                    session, entry.message_id, "central: 503", now + backoff(entry.attempts)
                )
    return len(claimed)


def _queue_status(database: Database, dossier: Dossier, status: DossierStatus) -> None:
    with database.transaction() as session:
        set_dossier_status(session, dossier.id, status)
        enqueue(
            session,
            MessageKind.DOSSIER_STATUS_CHANGED,
            dossier.id,
            {"id": dossier.id, "status": int(status)},
        )


def test_messages_reach_the_central_system_in_order_per_dossier(database) -> None:
    a, b = _received(database, "A"), _received(database, "B")
    _queue_status(database, a, DossierStatus.PROCESSING)
    _queue_status(database, b, DossierStatus.PROCESSING)
    _queue_status(database, a, DossierStatus.PROCESSED)
    central = FakeCentral()
    with database.transaction() as session:
        first = claim_next(session, now=T0)
    # One message per dossier at a time: a's second and third wait for its first.
    assert [(m.entity_id, m.kind) for m in first] == [
        (a.id, "dossier.created"),
        (b.id, "dossier.created"),
    ]
    with database.transaction() as session:
        assert claim_next(session, now=T0) == []  # in flight: nothing else is due
        for entry in first:
            mark_sent(session, entry.message_id)
    moment = T0
    while _send_round(database, central, moment):
        moment += timedelta(seconds=1)
    kinds_of_a = [k for e, k in central.received if e == a.id]
    assert kinds_of_a == ["dossier.status_changed", "dossier.status_changed"]
    with database.reading() as session:
        assert count_pending(session) == 0


def test_a_failed_message_waits_for_its_next_attempt_and_holds_back_later_ones(
    database,
) -> None:
    dossier = _received(database)
    _queue_status(database, dossier, DossierStatus.PROCESSING)
    central = FakeCentral()
    central.down = True
    assert _send_round(database, central, T0) == 1
    with database.reading() as session:
        waiting = pending(session)
    assert waiting[0].last_error == "central: 503"
    assert waiting[0].next_attempt_at == T0 + backoff(1)
    assert waiting[0].attempts == 1
    # Before the next attempt time nothing goes, not even the later status change.
    assert _send_round(database, central, T0 + backoff(1) - timedelta(seconds=1)) == 0
    central.down = False
    assert _send_round(database, central, T0 + backoff(1)) == 1
    assert _send_round(database, central, T0 + backoff(1)) == 1
    assert central.received == [
        (dossier.id, "dossier.created"),
        (dossier.id, "dossier.status_changed"),
    ]


def test_the_claims_of_a_sender_that_crashed_expire(database) -> None:
    dossier = _received(database)
    with database.transaction() as session:
        (claimed,) = claim_next(session, now=T0)
    # The sender crashed before recording anything. Another starts a minute later.
    with database.transaction() as session:
        assert claim_next(session, now=T0 + timedelta(minutes=1)) == []
        (again,) = claim_next(session, now=T0 + timedelta(minutes=6))
    assert again.message_id == claimed.message_id and again.entity_id == dossier.id
    assert again.attempts == 2
    assert again.state == State.SENDING


def test_a_message_only_the_officer_can_fix_waits_for_them_with_its_reason(database) -> None:
    dossier = _received(database)
    _queue_status(database, dossier, DossierStatus.PROCESSING)
    other = _received(database, "Người khác")
    central = FakeCentral()
    with database.reading() as session:
        central.refuse = {pending(session)[0].message_id}
    while _send_round(database, central, T0):
        pass
    assert central.received == [(other.id, "dossier.created")]  # others still go
    with database.reading() as session:
        (stuck,) = needing_attention(session)
        assert count_pending(session) == 1  # the status change waits behind it
    assert stuck.state == "needs_attention" and stuck.last_error == "central: 422 code.invalid"
    central.refuse = set()
    with database.transaction() as session:
        retry(session, stuck.message_id)
    while _send_round(database, central, T0):
        pass
    assert central.received[1:] == [
        (dossier.id, "dossier.created"),
        (dossier.id, "dossier.status_changed"),
    ]


def test_backoff_doubles_up_to_an_hour() -> None:
    delays = [backoff(n) for n in range(1, 10)]
    assert delays[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert max(delays) == timedelta(hours=1) == backoff(1000)
