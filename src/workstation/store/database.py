"""The SQLite database of the local store: opening, migrating, transactions.

The database is one SQLite file in WAL mode (readers never wait for the
writer) with ``synchronous=FULL`` (a committed outbox entry survives a power
cut) and foreign keys enforced. It is migrated to the latest schema when
opened, so a database from any earlier version upgrades in place; before an
upgrade the file is copied aside, and each upgrade runs in one transaction
(SQLite can roll back schema changes, once the driver stops committing them
behind our back), so a failed upgrade leaves the store as it was.

All work goes through :meth:`Database.transaction`: one unit of work that
commits as a whole or not at all, started with ``BEGIN IMMEDIATE`` so that the
window and a command writing at the same time wait for each other instead of
failing. Database errors leave it as :class:`~workstation.errors.StoreError`
with a one-line message; SQL parameters (names, ID numbers) never appear in
messages or logs.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import URL, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from workstation.errors import StoreError, WorkstationError
from workstation.store import schema_head

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only where it is used: a store already at the newest
# revision opens without it (see workstation.store.schema_head).

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")

# Alembic says "Running upgrade …" at INFO for every step of every start.
logging.getLogger("alembic").setLevel(logging.WARNING)


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Take transactions out of the driver's hands: pysqlite would otherwise
    # commit before every schema change, making migrations impossible to roll back.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(_alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else exc.__class__.__name__


class Database:
    """One local store database file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the data folder {self.path.parent}: {exc.strerror}",
                code="store.folder_unwritable",
                path=str(self.path.parent),
            ) from exc
        url = URL.create("sqlite+pysqlite", database=str(self.path))
        self.engine = create_engine(url, hide_parameters=True)
        event.listen(self.engine, "connect", _on_connect)
        event.listen(self.engine, "begin", _on_begin)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # Schema ----------------------------------------------------------------

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` (default: the latest), in one transaction."""
        current = self.checked_revision()
        if revision == "head" and current == self.head_revision():
            return
        from alembic import command
        from alembic.util import CommandError

        if current is not None:
            self._back_up(current)
        try:
            with self.engine.begin() as connection:
                config = _alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except (SQLAlchemyError, CommandError) as exc:
            log.error("migration of %s from %s failed: %s", self.path, current, _first_line(exc))
            raise StoreError(
                f"cannot upgrade the database {self.path}: {_first_line(exc)}",
                code="store.migration_failed",
            ) from exc

    def checked_revision(self) -> str | None:
        """The file's revision, refusing a file that is no database or is too new."""
        try:
            current = self.revision()
        except SQLAlchemyError as exc:
            raise StoreError(
                f"{self.path} is not a usable database: {_first_line(exc)}",
                code="store.corrupt",
                path=str(self.path),
            ) from exc
        quick_head = schema_head.head_revision(MIGRATIONS / "versions")
        if current is not None and current != quick_head and not _known_revision(current):
            raise StoreError(
                f"{self.path} is at schema revision {current}, newer than this workstation "
                f"knows ({self.head_revision()}); update the workstation",
                code="store.too_new",
                path=str(self.path),
            )
        return current

    def _back_up(self, revision: str) -> Path:
        """Copy the database aside (consistently, WAL included) before changing its schema."""
        target = self.path.with_name(f"{self.path.name}.before-upgrade-from-{revision}")
        source = sqlite3.connect(self.path)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
        log.info("copied %s to %s before upgrading it", self.path.name, target.name)
        return target

    def revision(self) -> str | None:
        """The schema revision the file is at (None for an empty file)."""
        with self.engine.connect() as connection:  # as Alembic reads it, without importing it
            tables = connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            )
            if tables.first() is None:
                return None
            row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
            return None if row is None else str(row[0])

    def head_revision(self) -> str:
        quick = schema_head.head_revision(MIGRATIONS / "versions")
        if quick is not None:
            return quick
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(_alembic_config()).get_current_head() or ""

    # Work ------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose changes commit together when the block ends, or not at all."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except WorkstationError:
            session.rollback()
            raise
        except SQLAlchemyError as exc:
            session.rollback()
            log.error("database transaction refused: %s", _first_line(exc))
            raise StoreError(
                f"the database refused the change: {_first_line(exc)}",
                code="store.database_refused",
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path) -> Database:
    """Open (creating if needed) and migrate the store database at ``path``."""
    database = Database(path)
    database.migrate()
    return database
