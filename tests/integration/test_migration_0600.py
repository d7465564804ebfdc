"""Migration 0600: dossiers received before it keep their rows, with nothing assessed."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from workstation.store.database import Database, open_database
from workstation.store.dossiers import get_dossier

pytestmark = pytest.mark.integration

RECEIVED = datetime(2026, 3, 12, 2, 32, 0)  # naive UTC, as stored


def insert_dossier(connection, dossier_id: str, number: int) -> None:
    connection.execute(
        text("INSERT INTO applicants (id, type, name) VALUES (:a, 1, 'Trần Minh Đức')"),
        {"a": f"a-{dossier_id}"},
    )
    connection.execute(
        text(
            "INSERT INTO dossiers (id, number, procedure_code, procedure_version, applicant_id, "
            "status, channel, received_at, created_at, updated_at) VALUES "
            "(:d, :n, '1.001193', 1, :a, 2, 'counter', :t, :t, :t)"
        ),
        {"d": dossier_id, "n": number, "a": f"a-{dossier_id}", "t": RECEIVED},
    )
    connection.execute(
        text(
            "INSERT INTO components (id, dossier_id, position, requirement_code, name, "
            "originals, certified_copies, photocopies, digitisation) VALUES "
            "(:c, :d, 0, 'TK', 'Tờ khai', 1, 0, 0, 0)"
        ),
        {"c": f"c-{dossier_id}", "d": dossier_id},
    )


def test_a_store_at_0500_upgrades_keeping_dossiers_without_due_date_or_fees(tmp_path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database(path)
    old.migrate("0500")
    with old.engine.begin() as connection:
        insert_dossier(connection, "d1", 1)
        insert_dossier(connection, "d2", 2)
    old.close()

    upgraded = open_database(path)
    assert upgraded.revision() == upgraded.head_revision()
    with upgraded.reading() as session:
        dossier = get_dossier(session, "d1")
    assert (dossier.due_at, dossier.fee, dossier.charge, dossier.fee_paid) == (
        None,
        None,
        None,
        False,
    )
    assert dossier.import_key is None and dossier.components[0].paper_pages is None
    with upgraded.engine.begin() as connection:  # many dossiers without a key, one per key
        connection.execute(text("UPDATE dossiers SET import_key = 'k' WHERE id = 'd1'"))
    with pytest.raises(IntegrityError), upgraded.engine.begin() as connection:
        connection.execute(text("UPDATE dossiers SET import_key = 'k' WHERE id = 'd2'"))
    upgraded.close()
