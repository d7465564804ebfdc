"""Migration 0930: messages acknowledged before it get the time their sending was recorded,
else the upgrade's; nothing is marked removed or forgotten."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from tests.integration.test_migration_0600 import insert_dossier
from workstation.store.database import Database, open_database
from workstation.store.dossiers import get_dossier

pytestmark = pytest.mark.integration

SENT_AT = "2026-03-05T02:32:10.000000+00:00"


def _message(connection, number: int, state: str) -> None:
    connection.execute(
        text(
            "INSERT INTO outbox (message_id, kind, entity_id, payload, state, attempts, created_at)"
            " VALUES (:m, 'dossier.created', 'd1', '{}', :state, 1, '2026-03-05 02:00:00')"
        ),
        {"m": f"m{number}", "state": state},
    )


def test_a_store_at_0900_upgrades_with_the_sending_times_it_recorded(tmp_path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database(path)
    old.migrate("0900")
    with old.engine.begin() as connection:
        insert_dossier(connection, "d1", 1)
        for number, state in ((1, "sent"), (2, "sent"), (3, "pending")):
            _message(connection, number, state)
        connection.execute(
            text(
                "INSERT INTO audit_log (seq, at, officer, officer_source, action, message_id,"
                " prev_hash, hash) VALUES (1, :at, 'canbo1', 'central', 'message.sent', 'm1',"
                " :zero, :zero)"
            ),
            {"at": SENT_AT, "zero": "0" * 64},
        )
    old.close()
    before = datetime.now(UTC).replace(tzinfo=None)

    upgraded = open_database(path)
    assert upgraded.revision() == upgraded.head_revision()
    with upgraded.engine.connect() as connection:
        times = dict(connection.execute(text("SELECT message_id, sent_at FROM outbox")).all())
    assert times["m1"] == "2026-03-05 02:32:10"
    assert times["m2"] is not None and datetime.fromisoformat(times["m2"]) >= before
    assert times["m3"] is None
    with upgraded.reading() as session:
        dossier = get_dossier(session, "d1")
    assert dossier.forgotten_at is None
    assert all(d.held_here for c in dossier.components for d in c.documents)
    upgraded.close()
