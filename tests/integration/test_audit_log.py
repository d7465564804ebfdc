"""The audit log on a real SQLite file: written with the change, append-only, hash-chained."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.store_helpers import received_dossier
from workstation.domain import DossierStatus
from workstation.store import audit, outbox
from workstation.store.database import Database
from workstation.store.models import DossierRow
from workstation.store.outbox import MessageKind, enqueue

pytestmark = pytest.mark.integration

NAME = "Trần Minh Đức"


def _entries(database: Database, **where: str) -> list[audit.AuditEntry]:
    with database.reading() as session:
        return audit.list_entries(session, **where)


def _verify(database: Database, heads=()) -> audit.Verification:
    with database.reading() as session:
        return audit.verify(session, heads)


def _raw(database: Database, *statements: str) -> None:
    """Change the file behind the store's back, the triggers dropped first."""
    connection = sqlite3.connect(database.path)
    connection.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    connection.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def _three_dossiers(database: Database) -> None:
    database.officer = lambda: ("can.bo.a", "central_sign_in")
    for _ in range(3):
        received_dossier(database, NAME)


def test_a_queued_change_is_recorded_with_its_officer_ids_and_kind(database) -> None:
    database.officer = lambda: ("can.bo.a", "central_sign_in")
    dossier = received_dossier(database, NAME)

    [entry] = _entries(database)
    with database.reading() as session:
        [message] = outbox.pending(session)
    assert (entry.seq, entry.action, entry.officer) == (1, "dossier.created", "can.bo.a")
    assert entry.officer_source == "central_sign_in"
    assert (entry.dossier_id, entry.message_id) == (dossier.id, message.message_id)
    assert entry.prev_hash == audit.GENESIS
    assert entry.at.endswith("+00:00")


def test_the_officer_a_message_names_is_the_one_recorded(database) -> None:
    dossier = received_dossier(database, NAME)
    with database.transaction() as session:
        enqueue(
            session,
            MessageKind.PAYMENT_RECORDED,
            dossier.id,
            {"officer": {"user": "thu.ngan", "source": "central_sign_in"}, "amount": 1},
        )
    assert [e.officer for e in _entries(database)][-1] == "thu.ngan"


def test_without_an_officer_the_operating_system_user_is_named_as_such(database) -> None:
    received_dossier(database, NAME)
    [entry] = _entries(database)
    assert entry.officer_source == audit.OS_USER and entry.officer


def test_a_document_message_records_the_document_id(database) -> None:
    dossier = received_dossier(database, NAME)
    with database.transaction() as session:
        enqueue(
            session,
            MessageKind.DOCUMENT_ADDED,
            dossier.id,
            {"document": {"id": "doc-1", "file_name": "CCCD Trần Minh Đức.pdf"}},
        )
    entry = _entries(database)[-1]
    assert (entry.action, entry.dossier_id, entry.document_id) == (
        "document.added",
        dossier.id,
        "doc-1",
    )


def test_no_citizen_data_reaches_the_audit_log(database) -> None:
    dossier = received_dossier(database, NAME)
    with database.transaction() as session:
        enqueue(
            session,
            MessageKind.DOCUMENT_ADDED,
            dossier.id,
            {"document": {"id": "doc-1", "file_name": f"{NAME}.pdf"}, "name": NAME},
        )
    connection = sqlite3.connect(database.path)
    rows = connection.execute("SELECT * FROM audit_log").fetchall()
    connection.close()
    assert len(rows) == 2
    assert NAME not in repr(rows) and "pdf" not in repr(rows)


def test_a_refused_change_leaves_no_entry(database) -> None:
    with pytest.raises(RuntimeError), database.transaction() as session:
        enqueue(session, MessageKind.DOSSIER_CREATED, "d1", {})
        raise RuntimeError("refused after queueing")
    assert _entries(database) == []


def test_recording_never_flushes_a_change_whose_message_comes_next(database) -> None:
    """A step queues its own message before ``dossier.status_changed``: recording the first
    must not flush the status change before its message is queued (ChangeNotQueued)."""
    dossier = received_dossier(database, NAME)
    with database.transaction() as session:
        row = session.get(DossierRow, dossier.id)
        row.status = int(DossierStatus.SUPPLEMENT_REQUESTED)
        enqueue(session, MessageKind.SUPPLEMENT_REQUESTED, dossier.id, {})
        enqueue(session, MessageKind.DOSSIER_STATUS_CHANGED, dossier.id, {"status": row.status})
    assert [e.action for e in _entries(database)] == [
        "dossier.created",
        "dossier.supplement_requested",
        "dossier.status_changed",
    ]
    assert _verify(database).intact


def test_a_message_sent_is_recorded_and_the_head_message_is_not(database) -> None:
    dossier = received_dossier(database, NAME)
    with database.transaction() as session:
        enqueue(session, MessageKind.AUDIT_HEAD, "audit", {"count": 1})
    with database.transaction() as session:
        for entry in outbox.claim_next(session):
            outbox.mark_sent(session, entry.message_id)
    actions = [(e.action, e.dossier_id) for e in _entries(database)]
    assert actions == [("dossier.created", dossier.id), ("message.sent", dossier.id)]


def test_entries_are_listed_by_officer_and_by_dossier(database) -> None:
    database.officer = lambda: ("a", "central_sign_in")
    first = received_dossier(database, NAME)
    database.officer = lambda: ("b", "central_sign_in")
    second = received_dossier(database, NAME)
    assert [e.dossier_id for e in _entries(database, officer="a")] == [first.id]
    assert [e.officer for e in _entries(database, dossier_id=second.id)] == ["b"]


def test_sqlite_itself_refuses_to_change_or_remove_an_entry(database) -> None:
    received_dossier(database, NAME)
    connection = sqlite3.connect(database.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute("UPDATE audit_log SET officer = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute("DELETE FROM audit_log")
    connection.close()
    assert len(_entries(database)) == 1


def test_an_untouched_chain_verifies(database) -> None:
    _three_dossiers(database)
    result = _verify(database)
    assert (result.intact, result.count, result.broken_seq) == (True, 3, None)
    with database.reading() as session:
        assert result.head == audit.head(session).hash


def test_an_edited_entry_breaks_the_chain_there(database) -> None:
    _three_dossiers(database)
    _raw(database, "UPDATE audit_log SET officer = 'someone else' WHERE seq = 2")
    result = _verify(database)
    assert (result.intact, result.broken_seq, result.reason) == (False, 2, "hash")


def test_a_deleted_entry_breaks_the_chain_at_the_next(database) -> None:
    _three_dossiers(database)
    _raw(database, "DELETE FROM audit_log WHERE seq = 2")
    result = _verify(database)
    assert (result.intact, result.broken_seq, result.reason) == (False, 3, "missing")


def test_an_inserted_entry_breaks_the_chain(database) -> None:
    _three_dossiers(database)
    with database.reading() as session:
        second = audit.list_entries(session)[1]
    fields = {**second.as_json(), "seq": 3, "action": "dossier.deleted", "message_id": None}
    forged = audit.entry_hash(fields, second.hash)  # a well-made entry after the second
    _raw(
        database,
        "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3",
        "UPDATE audit_log SET seq = seq - 99 WHERE seq >= 100",
        "INSERT INTO audit_log (seq, at, officer, officer_source, action, dossier_id, "
        f"prev_hash, hash) VALUES (3, '{second.at}', '{second.officer}', "
        f"'{second.officer_source}', 'dossier.deleted', '{second.dossier_id}', "
        f"'{second.hash}', '{forged}')",
    )
    result = _verify(database)
    assert (result.intact, result.broken_seq) == (False, 4)


def test_reordered_entries_break_the_chain(database) -> None:
    _three_dossiers(database)
    _raw(
        database,
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
    )
    result = _verify(database)
    assert (result.intact, result.broken_seq) == (False, 2)


def test_newest_entries_cut_off_are_found_against_a_head_sent_before(database) -> None:
    _three_dossiers(database)
    with database.reading() as session:
        sent = audit.head(session)
    _raw(database, "DELETE FROM audit_log WHERE seq = 3")
    assert _verify(database).intact  # the chain alone cannot tell
    result = _verify(database, [(sent.count, sent.hash)])
    assert (result.intact, result.reason, result.broken_seq) == (False, "head", 3)


def test_entries_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    first = Database(path)
    first.migrate()
    received_dossier(first, NAME)
    first.close()
    again = Database(path)
    again.migrate()
    assert _verify(again).count == 1
    with again.reading() as session:
        assert session.scalar(select(DossierRow.id)) is not None
    again.close()


def test_an_officer_that_cannot_be_told_never_stops_the_change(database) -> None:
    def broken_keyring() -> tuple[str, str]:
        raise RuntimeError("the keyring daemon went away")

    database.officer = broken_keyring
    dossier = received_dossier(database, NAME)
    [entry] = _entries(database)
    assert (entry.dossier_id, entry.officer_source) == (dossier.id, audit.OS_USER)
