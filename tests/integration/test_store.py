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
from workstation.store.outbox import enqueue, pending

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
        connection.execute(
            text(
                "INSERT INTO components (id, dossier_id, position, requirement_code, name, "
                "originals, certified_copies, photocopies, digitisation) VALUES "
                "('c1', 'd1', 0, 'TK', 'Tờ khai đăng ký khai sinh', 1, 0, 0, 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO documents (id, component_id, position, kind, sha256, media_type, "
                "file_name, size_bytes, created_at) VALUES ('doc1', 'c1', 0, 'component', "
                ":sha, 'image/png', 'to-khai.png', 67202, :t)"
            ),
            {"sha": "ab" * 32, "t": received},
        )
        connection.execute(
            text(
                "INSERT INTO pages (document_id, number, width_px, height_px) "
                "VALUES ('doc1', 1, 1654, 2338)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO outbox (message_id, kind, entity_id, payload, state, attempts, "
                "created_at) VALUES ('m1', 'dossier.created', 'd1', '{\"id\": \"d1\"}', "
                "'pending', 0, :t)"
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
        queued = pending(session)
    assert dossier.applicant.name == "Trần Minh Đức"
    assert dossier.received_at == received.replace(tzinfo=UTC)
    document = dossier.components[0].documents[0]
    assert (document.file_name, document.page_count) == ("to-khai.png", 1)
    assert [(m.message_id, m.payload) for m in queued] == [("m1", {"id": "d1"})]
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
            dossier = Dossier(
                procedure_code="1.001193",
                applicant=Applicant(name=f"Người nộp {n}"),
                received_at=same_minute if n % 3 else same_minute.replace(hour=n % 24),
            )
            add_dossier(session, dossier)
            enqueue(session, "dossier.created", dossier.id, {"id": dossier.id})
    seen = []
    with services.database.transaction() as session:
        key = None
        while page := list_dossiers(session, after=key, limit=10):
            seen.extend(page)
            key = PageKey(page[-1].received_at, page[-1].id)
    assert len(seen) == 45 == len({s.id for s in seen})
    order = [(s.received_at, s.id) for s in seen]
    assert order == sorted(order, reverse=True)


def test_a_dossier_saved_without_its_outbox_message_is_refused(services) -> None:
    from workstation.domain import Applicant, Dossier
    from workstation.store.outbox import ChangeNotQueued

    dossier = Dossier(
        procedure_code="1.001193",
        applicant=Applicant(name="Quên gửi"),
        received_at=datetime(2026, 3, 12, 9, 32, tzinfo=UTC),
    )
    with pytest.raises(ChangeNotQueued), services.database.transaction() as session:
        add_dossier(session, dossier)
    with services.database.transaction() as session:
        assert count_dossiers(session) == 0


@pytest.mark.parametrize("folder", ["Hồ sơ của Đức", "100% a#b", "q?x"])
def test_store_opens_in_folders_with_accents_and_url_characters(tmp_path, folder) -> None:
    path = tmp_path / folder / "store.sqlite3"
    database = open_database(path)
    database.close()
    assert path.is_file()


def test_failed_upgrade_leaves_the_store_as_it_was_and_a_copy_aside(tmp_path) -> None:
    from workstation.errors import StoreError

    path = tmp_path / "store.sqlite3"
    old = Database(path)
    old.migrate("0001")
    with old.engine.begin() as connection:
        # An index under the name migration 0002 creates makes 0002 fail half-way,
        # after it has already added applicants.name_search.
        connection.exec_driver_sql("CREATE INDEX ix_dossiers_received ON dossiers (status)")
    old.close()

    database = Database(path)
    with pytest.raises(StoreError) as caught:
        database.migrate()
    assert caught.value.code == "store.migration_failed"
    assert database.revision() == "0001"
    with database.engine.connect() as connection:
        columns = [r[1] for r in connection.exec_driver_sql("PRAGMA table_info(applicants)")]
        assert "name_search" not in columns
        connection.exec_driver_sql("DROP INDEX ix_dossiers_received")
        connection.commit()
    assert (tmp_path / "store.sqlite3.before-upgrade-from-0001").is_file()
    database.migrate()  # once the obstacle is gone, the same file upgrades
    assert database.revision() == database.head_revision()
    database.close()


def test_store_newer_than_the_workstation_is_refused_clearly(tmp_path) -> None:
    from workstation.errors import ExitCode, StoreError

    path = tmp_path / "store.sqlite3"
    open_database(path).close()
    database = Database(path)
    with database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    with pytest.raises(StoreError) as caught:
        database.migrate()
    assert caught.value.code == "store.too_new"
    assert caught.value.exit_code == ExitCode.EXTERNAL
    database.close()


def test_file_that_is_no_database_is_refused_in_one_line(tmp_path) -> None:
    from workstation.errors import StoreError

    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"this is not a database, it is a photocopy" * 100)
    with pytest.raises(StoreError) as caught:
        open_database(path)
    assert caught.value.code == "store.corrupt"
    assert "\n" not in caught.value.detail


def test_refused_write_never_logs_the_personal_data_it_carried(services, caplog) -> None:
    from workstation.domain import Applicant, Dossier
    from workstation.errors import StoreError

    with services.database.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse BEFORE INSERT ON applicants "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    dossier = Dossier(
        procedure_code="1.001193",
        applicant=Applicant(
            name="Bùi Thị Xuân", address="Thôn Đông, xã Yên Mô", phone="0912345678"
        ),
        received_at=datetime(2026, 3, 12, 9, 32, tzinfo=UTC),
    )
    with pytest.raises(StoreError) as caught, services.database.transaction() as session:
        add_dossier(session, dossier)
        enqueue(session, "dossier.created", dossier.id, {"id": dossier.id})
    text = caplog.text + caught.value.detail + repr(caught.value.__cause__)
    for personal in ("Bùi Thị Xuân", "Yên Mô", "0912345678"):
        assert personal not in text
