"""The SQLite store: pragmas, migrations, and old databases upgraded in place."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from workstation.store.database import Database, open_database
from workstation.store.dossiers import (
    PageKey,
    add_dossier,
    count_dossiers,
    get_dossier,
    list_dossiers,
)
from workstation.store.models import Base

pytestmark = pytest.mark.integration


def test_new_store_is_at_the_latest_revision_in_wal_mode(tmp_path) -> None:
    database = open_database(tmp_path / "store.sqlite3")
    assert database.revision() == database.head_revision()
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    database.close()


def test_migrations_build_exactly_the_schema_the_models_describe(tmp_path) -> None:
    database = open_database(tmp_path / "store.sqlite3")
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    database.close()
    assert differences == []


def test_store_from_the_first_migration_upgrades_in_place_keeping_its_dossiers(tmp_path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database(path)
    old.migrate("0001")
    assert old.revision() == "0001"
    received = datetime(2026, 3, 12, 2, 32, 0)  # stored as naive UTC
    with old.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO applicants (id, type, name) VALUES ('a1', 1, 'Trần Minh Đức')")
        )
        connection.execute(
            text(
                "INSERT INTO dossiers (id, procedure_code, procedure_version, applicant_id, "
                "status, channel, received_at, created_at, updated_at) VALUES "
                "('d1', '1.001193', 1, 'a1', 2, 'counter', :t, :t, :t)"
            ),
            {"t": received},
        )
    old.close()

    upgraded = open_database(path)
    assert upgraded.revision() == upgraded.head_revision() != "0001"
    with upgraded.transaction() as session:
        assert count_dossiers(session) == 1
        assert [s.id for s in list_dossiers(session, search="duc")] == ["d1"]
        dossier = get_dossier(session, "d1")
    assert dossier.applicant.name == "Trần Minh Đức"
    assert dossier.received_at == received.replace(tzinfo=UTC)
    upgraded.close()


def test_opening_twice_is_harmless(tmp_path) -> None:
    open_database(tmp_path / "s.sqlite3").close()
    database = open_database(tmp_path / "s.sqlite3")
    assert database.revision() == database.head_revision()
    database.close()


def test_list_pages_cover_every_dossier_once_newest_first_even_with_equal_times(
    services,
) -> None:
    from workstation.domain import Applicant, Dossier

    same_minute = datetime(2026, 3, 12, 9, 32, tzinfo=UTC)
    with services.database.transaction() as session:
        for n in range(45):
            add_dossier(
                session,
                Dossier(
                    procedure_code="1.001193",
                    applicant=Applicant(name=f"Người nộp {n}"),
                    received_at=same_minute if n % 3 else same_minute.replace(hour=n % 24),
                ),
            )
    seen = []
    with services.database.transaction() as session:
        key = None
        while page := list_dossiers(session, after=key, limit=10):
            seen.extend(page)
            key = PageKey(page[-1].received_at, page[-1].id)
    assert len(seen) == 45 == len({s.id for s in seen})
    order = [(s.received_at, s.id) for s in seen]
    assert order == sorted(order, reverse=True)
