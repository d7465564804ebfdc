"""Migration 0920: a store at 0900 with dossiers and archive records upgrades to the blind
search indexes, found by name and title as before, with the plain folded columns gone."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.integration.test_migration_0600 import RECEIVED, insert_dossier
from workstation.store.archive import find_records
from workstation.store.database import Database, open_database
from workstation.store.dossiers import PageKey, count_dossiers, list_dossiers

pytestmark = pytest.mark.integration

TITLE = "Hồ sơ cấp phép xây dựng của ông Trương Quốc Khánh"


def _columns(connection, table: str) -> list[str]:
    return [r[1] for r in connection.exec_driver_sql(f"PRAGMA table_info({table})")]


def test_a_store_at_0900_upgrades_to_blind_indexes_found_as_before(tmp_path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database(path)
    old.migrate("0900")
    with old.engine.begin() as connection:
        for number, (dossier_id, name) in enumerate(
            (("d1", "Trần Minh Đức"), ("d2", "Nguyễn Thị Hồng Nhung"), ("d3", "Lê Đức Anh")), 1
        ):
            insert_dossier(connection, dossier_id, number)
            connection.execute(
                text("UPDATE applicants SET name = :n, name_search = :f WHERE id = :a"),
                {"n": name, "f": name.lower(), "a": f"a-{dossier_id}"},
            )
            connection.execute(  # as the store writes times, a minute apart
                text("UPDATE dossiers SET received_at = :t WHERE id = :d"),
                {"t": f"2026-03-12 02:3{number}:00.000000", "d": dossier_id},
            )
        connection.execute(
            text(
                "INSERT INTO documents (id, position, kind, sha256, media_type, file_name, "
                "size_bytes, created_at) VALUES ('doc', 0, 'archive', :h, 'application/pdf', "
                "'', 1, :t)"
            ),
            {"h": "0" * 64, "t": RECEIVED},
        )
        connection.execute(
            text(
                "INSERT INTO archive_records (id, batch, position, document_id, fonds, box, "
                "file_number, pages, search, record, warnings, created_at) VALUES "
                "('r1', 'b', 1, 'doc', 'UBND', 4, '9', 1, :s, :r, '', :t)"
            ),
            {"s": TITLE.lower(), "r": json.dumps({"title": TITLE, "box": 4}), "t": RECEIVED},
        )
    old.close()

    upgraded = open_database(path)
    assert upgraded.revision() == upgraded.head_revision()
    with upgraded.reading() as session:
        duc = list_dossiers(session, search="duc")
        assert [s.id for s in duc] == ["d3", "d1"]  # newest first
        assert [s.id for s in list_dossiers(session, search="nhung nguyen")] == ["d2"]
        assert count_dossiers(session, "Đức") == 2
        after = PageKey(duc[0].received_at, duc[0].id)
        assert [s.id for s in list_dossiers(session, search="duc", after=after)] == ["d1"]
        assert [r.id for r in find_records(session, "truong quoc khanh xay")] == ["r1"]
    with upgraded.engine.connect() as connection:
        assert "name_search" not in _columns(connection, "applicants")
        assert "search" not in _columns(connection, "archive_records")
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    upgraded.close()
