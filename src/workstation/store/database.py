"""The SQLite database of the local store: opening, migrating, transactions.

The database is one SQLite file in WAL mode (readers never wait for the
writer) with ``synchronous=FULL`` (a committed outbox entry survives a power
cut) and foreign keys enforced. It is migrated to the latest schema when
opened, so a database from any earlier version upgrades in place.

All work goes through :meth:`Database.transaction`: one unit of work that
commits as a whole or not at all. Database errors leave it as
:class:`~workstation.errors.StoreError`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from workstation.errors import StoreError, WorkstationError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


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
        self.engine = create_engine(f"sqlite+pysqlite:///{self.path}")
        event.listen(self.engine, "connect", _on_connect)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # Schema ----------------------------------------------------------------

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` (default: the latest)."""
        try:
            with self.engine.begin() as connection:
                config = _alembic_config(self.engine)
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except SQLAlchemyError as exc:
            raise StoreError(
                f"cannot migrate the database {self.path}: {exc}", code="store.migration_failed"
            ) from exc

    def revision(self) -> str | None:
        """The schema revision the file is at (None for an empty file)."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str:
        return ScriptDirectory.from_config(_alembic_config(self.engine)).get_current_head() or ""

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
            log.error("database transaction refused: %s", exc)
            raise StoreError(
                f"the database refused the change: {exc.__class__.__name__}: "
                f"{getattr(exc, 'orig', None) or exc}",
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
