"""Transactions of the store: reads beside writes, and migrations that rebuild tables."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workstation.domain import Applicant, Component, Document, Dossier, Page
from workstation.errors import StoreError
from workstation.store.database import Database, open_database
from workstation.store.dossiers import add_dossier, count_dossiers, get_dossier, list_dossiers
from workstation.store.outbox import MessageKind, count_pending, enqueue

pytestmark = pytest.mark.integration

RECEIVED = datetime(2026, 3, 12, 9, 32, tzinfo=UTC)


def _dossier(name: str) -> Dossier:
    document = Document(
        sha256="ab" * 32,
        media_type="image/png",
        file_name="to-khai.png",
        size_bytes=1000,
        pages=(Page(number=1, width_px=1654, height_px=2338),),
    )
    return Dossier(
        procedure_code="1.001193",
        applicant=Applicant(name=name),
        received_at=RECEIVED,
        components=(Component(name="Tờ khai", requirement_code="TK", documents=(document,)),),
    )


def _save(database: Database, name: str) -> Dossier:
    with database.transaction() as session:
        dossier = add_dossier(session, _dossier(name))
        enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})
    return dossier


def test_a_long_read_holds_up_neither_another_read_nor_a_write(tmp_path) -> None:
    # A short busy timeout: on a store whose reads take the write lock, the second
    # reader fails after a second instead of ten.
    database = Database(tmp_path / "store.sqlite3", busy_timeout_ms=1000)
    database.migrate()
    _save(database, "Trần Minh Đức")
    with database.reading() as long_read:
        assert count_dossiers(long_read) == 1  # the snapshot is taken here and held
        with database.reading() as window_list:
            assert [s.applicant_name for s in list_dossiers(window_list)] == ["Trần Minh Đức"]
        written = _save(database, "Lê Thị Hoa")
        assert count_dossiers(long_read) == 1  # still its own consistent snapshot
    with database.reading() as session:
        assert count_dossiers(session) == 2
        assert get_dossier(session, written.id).applicant.name == "Lê Thị Hoa"
        assert count_pending(session) == 2
    database.close()


def test_a_change_made_while_reading_is_refused_and_nothing_is_saved(tmp_path) -> None:
    database = open_database(tmp_path / "store.sqlite3")
    dossier = _dossier("Đọc thôi")
    with pytest.raises(RuntimeError, match="reading"), database.reading() as session:
        add_dossier(session, dossier)
        enqueue(session, MessageKind.DOSSIER_CREATED, dossier.id, {"id": dossier.id})
    with database.reading() as session:
        assert count_dossiers(session) == 0
    database.close()


def _test_migration(folder: Path, down_revision: str, body: str) -> Path:
    """A migration script after ``down_revision`` in its own folder, as a later release adds."""
    folder.mkdir()
    (folder / "9001_test.py").write_text(
        textwrap.dedent(
            f'''
            """A migration written by the tests."""
            import sqlalchemy as sa
            from alembic import op

            revision = "9001"
            down_revision = "{down_revision}"
            branch_labels = None
            depends_on = None


            def upgrade() -> None:
            '''
        )
        + textwrap.indent(textwrap.dedent(body), "    "),
        encoding="utf-8",
    )
    return folder


def test_a_migration_that_rebuilds_a_referenced_table_upgrades_a_filled_store(tmp_path) -> None:
    path = tmp_path / "store.sqlite3"
    database = open_database(path)
    head = database.head_revision()
    saved = _save(database, "Nguyễn Thị Hồng Nhung")
    database.close()
    rebuild = _test_migration(
        tmp_path / "rebuild",
        head,
        """
        # Dossiers are referred to by components and results: rebuilding the table
        # drops it, which foreign keys refuse while they are on.
        with op.batch_alter_table("dossiers", recreate="always") as batch:
            batch.alter_column("channel", existing_type=sa.String(20), type_=sa.String(30))
        """,
    )

    upgraded = Database(path, extra_versions=[rebuild])
    upgraded.migrate()
    assert upgraded.revision() == "9001"
    with upgraded.reading() as session:
        dossier = get_dossier(session, saved.id)
    assert dossier.applicant.name == "Nguyễn Thị Hồng Nhung"
    assert dossier.components[0].documents[0].page_count == 1
    with upgraded.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    upgraded.close()


def test_a_migration_that_leaves_a_dangling_reference_is_rolled_back(tmp_path) -> None:
    path = tmp_path / "store.sqlite3"
    database = open_database(path)
    head = database.head_revision()
    saved = _save(database, "Phạm Văn Bình")
    database.close()
    breaking = _test_migration(
        tmp_path / "breaking",
        head,
        """
        op.execute("DELETE FROM applicants")
        """,
    )

    upgraded = Database(path, extra_versions=[breaking])
    with pytest.raises(StoreError) as caught:
        upgraded.migrate()
    assert caught.value.code == "store.migration_failed"
    assert "dangling" in caught.value.detail
    assert upgraded.revision() == head
    with upgraded.reading() as session:
        assert get_dossier(session, saved.id).applicant.name == "Phạm Văn Bình"
    with upgraded.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    upgraded.close()
