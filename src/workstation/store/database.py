"""The SQLite database of the local store: opening, migrating, transactions.

The database is one SQLite file in WAL mode (readers never wait for the
writer) with ``synchronous=FULL`` (a committed outbox entry survives a power
cut) and foreign keys enforced. It is migrated to the latest schema when
opened, so a database from any earlier version upgrades in place; before an
upgrade the file is copied aside, and each upgrade runs in one transaction
(SQLite can roll back schema changes, once the driver stops committing them
behind our back), so a failed upgrade leaves the store as it was. Upgrades
follow SQLite's own procedure for schema changes: foreign keys are switched
off outside the transaction (so a migration may rebuild a table others refer
to), checked with ``PRAGMA foreign_key_check`` before the commit, and switched
back on afterwards.

Writes go through :meth:`Database.transaction`: one unit of work that commits
as a whole or not at all, started with ``BEGIN IMMEDIATE`` so that the window
and a command writing at the same time wait for each other instead of failing.
Reads go through :meth:`Database.reading`, which begins deferred and takes no
lock: in WAL mode any number of readers run beside the one writer, so a long
read never holds up the window's list or a command's write.

Every session the store hands out enforces the outbox rule
(:func:`workstation.store.outbox.refuse_unqueued_changes`), whoever imported
what. Database errors leave it as :class:`~workstation.errors.StoreError`
with a one-line message saying what is actually wrong (damaged, read-only,
disk full, locked: :mod:`workstation.store.diagnosis`); SQL parameters (names,
ID numbers) never appear in messages or logs.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import URL, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from workstation.errors import StoreError, WorkstationError
from workstation.store import audit, outbox, schema_head
from workstation.store.diagnosis import diagnose, first_line

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only where it is used: a store already at the newest
# revision opens without it (see workstation.store.schema_head).

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 10_000
"""How long a writer waits for another writer (the window and a command) before giving up."""

_BEGIN = "workstation_begin"
"""Execution option naming how a connection's transactions begin (``IMMEDIATE`` or ``DEFERRED``)."""
_READ_ONLY = "workstation.read_only"

# Alembic says "Running upgrade …" at INFO for every step of every start.
logging.getLogger("alembic").setLevel(logging.WARNING)


def _alembic_config(extra_versions: Iterable[Path] = ()) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    extra = [str(p) for p in extra_versions]
    if extra:
        # Alembic splits on the OS path separator: folders with spaces stay whole.
        config.set_main_option("path_separator", "os")
        config.set_main_option(
            "version_locations", os.pathsep.join([str(MIGRATIONS / "versions"), *extra])
        )
    return config


def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
    mode = connection.get_execution_options().get(_BEGIN, "IMMEDIATE")
    # A reading connection cannot write, even by a statement that bypasses the session.
    connection.exec_driver_sql(f"PRAGMA query_only={'ON' if mode == 'DEFERRED' else 'OFF'}")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _written_while_reading(exc: BaseException) -> bool:
    # query_only refuses with plain SQLITE_READONLY; a read-only disk gives extended codes.
    error = getattr(exc, "orig", None)
    return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_READONLY


def _refuse_writes_while_reading(session: Session, _context: object, _instances: object) -> None:
    if session.info.get(_READ_ONLY) and (session.new or session.dirty or session.deleted):
        raise RuntimeError(
            "a change was made in Database.reading(); write in Database.transaction()"
        )


class Database:
    """One local store database file.

    ``extra_versions`` adds folders of migration scripts to the store's own
    (tests use it to run a migration that rebuilds a table).
    """

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        extra_versions: Iterable[Path] = (),
    ) -> None:
        self.path = Path(path)
        self.officer: Callable[[], tuple[str, str]] = audit.os_actor
        """Who acts, as ``(user, source)``, for audit entries that name no officer
        (:mod:`workstation.store.audit`); called at most once per transaction that records."""
        self._extra_versions = tuple(Path(p) for p in extra_versions)
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

        def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # Take transactions out of the driver's hands: pysqlite would otherwise
            # commit before every schema change, making migrations impossible to roll back.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            # First, so that switching to WAL waits for another program's lock too.
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        event.listen(self.engine, "connect", on_connect)
        event.listen(self.engine, "begin", _on_begin)
        self._writer = sessionmaker(
            self.engine.execution_options(**{_BEGIN: "IMMEDIATE"}), expire_on_commit=False
        )
        self._reader = sessionmaker(
            self.engine.execution_options(**{_BEGIN: "DEFERRED"}), expire_on_commit=False
        )
        for factory in (self._writer, self._reader):
            event.listen(factory, "before_flush", outbox.refuse_unqueued_changes)
        event.listen(self._reader, "before_flush", _refuse_writes_while_reading)

    # Schema ----------------------------------------------------------------

    def _config(self) -> Config:
        return _alembic_config(self._extra_versions)

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` (default: the latest), in one transaction.

        Foreign keys are off during the upgrade (SQLite ignores the switch inside a
        transaction, so it is flipped before and after); before the commit every
        reference is checked, and an upgrade that left one dangling is rolled back.
        """
        current = self.checked_revision()
        if revision == "head" and current == self.head_revision():
            return
        from alembic import command
        from alembic.util import CommandError

        copy = self._back_up(current) if current is not None else None
        try:
            with self.engine.connect() as connection:
                raw = connection.connection.driver_connection
                raw.execute("PRAGMA foreign_keys=OFF")  # no transaction has begun yet
                try:
                    with connection.begin():
                        config = self._config()
                        config.attributes["connection"] = connection
                        command.upgrade(config, revision)
                        self._refuse_dangling_references(connection, current)
                finally:
                    raw.execute("PRAGMA foreign_keys=ON")
        except (SQLAlchemyError, CommandError, sqlite3.Error) as exc:
            log.error("migration of %s from %s failed: %s", self.path, current, first_line(exc))
            raise diagnose(
                exc,
                self.path,
                default_code="store.migration_failed",
                detail=f"cannot upgrade the database {self.path}: {first_line(exc)}",
            ) from exc
        if copy is not None and self._encrypted():
            # Kept only while a failed upgrade needs it: with encryption on, no copy of
            # the store is left outside it (one sealed under a key that a rotation
            # later forgets would only be noise); see docs/encryption.md.
            copy.unlink(missing_ok=True)
            log.info("upgrade copy %s removed (encryption is on)", copy.name)

    def _encrypted(self) -> bool:
        """Whether the store has encryption on (a data key in ``store_keys``)."""
        reader = self.engine.execution_options(**{_BEGIN: "DEFERRED"})
        with reader.connect() as connection:
            found = connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_keys'"
            ).first()
            if found is None:
                return False
            return (
                connection.exec_driver_sql("SELECT 1 FROM store_keys LIMIT 1").first() is not None
            )

    def _refuse_dangling_references(self, connection, current: str | None) -> None:  # type: ignore[no-untyped-def]
        violations = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if violations:
            tables = sorted({str(v[0]) for v in violations})
            log.error(
                "migration of %s from %s left %d dangling reference(s) in %s",
                self.path,
                current,
                len(violations),
                ", ".join(tables),
            )
            raise StoreError(
                f"cannot upgrade the database {self.path}: the upgrade left "
                f"{len(violations)} dangling reference(s) in {', '.join(tables)}",
                code="store.migration_failed",
            )

    def checked_revision(self) -> str | None:
        """The file's revision, refusing a file that is no database or is too new.

        A file that cannot be opened is refused with what is actually wrong:
        ``store.corrupt`` only for a damaged file, ``store.read_only``,
        ``store.disk_full`` or ``store.locked`` otherwise.
        """
        try:
            current = self.revision()
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise diagnose(
                exc,
                self.path,
                default_code="store.unusable",
                detail=f"{self.path} is not usable: {first_line(exc)}",
            ) from exc
        quick_head = self._quick_head()
        if current is not None and current != quick_head and not self._known_revision(current):
            raise StoreError(
                f"{self.path} is at schema revision {current}, newer than this workstation "
                f"knows ({self.head_revision()}); update the workstation",
                code="store.too_new",
                path=str(self.path),
            )
        return current

    def _quick_head(self) -> str | None:
        # Read from the store's own scripts; with extra folders, Alembic decides.
        return None if self._extra_versions else schema_head.head_revision(MIGRATIONS / "versions")

    def _known_revision(self, revision: str) -> bool:
        from alembic.script import ScriptDirectory
        from alembic.util import CommandError

        try:
            return ScriptDirectory.from_config(self._config()).get_revision(revision) is not None
        except CommandError:
            return False

    def _back_up(self, revision: str) -> Path:
        """Copy the database aside (consistently, WAL included) before changing its schema."""
        target = self.path.with_name(f"{self.path.name}.before-upgrade-from-{revision}")
        try:
            source = sqlite3.connect(self.path)
            try:
                copy = sqlite3.connect(target)
                try:
                    source.backup(copy)
                finally:
                    copy.close()
            finally:
                source.close()
        except sqlite3.Error as exc:
            raise diagnose(
                exc,
                self.path,
                default_code="store.migration_failed",
                detail=f"cannot copy {self.path} aside before upgrading it: {first_line(exc)}",
            ) from exc
        log.info("copied %s to %s before upgrading it", self.path.name, target.name)
        return target

    def revision(self) -> str | None:
        """The schema revision the file is at (None for an empty file)."""
        reader = self.engine.execution_options(**{_BEGIN: "DEFERRED"})
        with reader.connect() as connection:  # as Alembic reads it, without importing it
            tables = connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            )
            if tables.first() is None:
                return None
            row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
            return None if row is None else str(row[0])

    def head_revision(self) -> str:
        quick = self._quick_head()
        if quick is not None:
            return quick
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._config()).get_current_head() or ""

    # Work ------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session for writing: its changes commit together when the block ends, or not at all.

        It begins ``IMMEDIATE``, taking the write lock at once (another writer waits).
        """
        with self._session(self._writer, commit=True) as session:
            session.info[audit.ACTOR] = self.officer
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reading only: one consistent snapshot, no lock taken.

        A change made in it is refused (a programming error); nothing is committed.
        """
        with self._session(self._reader, commit=False) as session:
            session.info[_READ_ONLY] = True
            yield session

    @contextmanager
    def _session(self, factory: sessionmaker[Session], *, commit: bool) -> Iterator[Session]:
        session = factory()
        try:
            yield session
            if commit:
                session.commit()
            # A read ends when the session closes: its snapshot is let go, nothing expired.
        except WorkstationError:
            session.rollback()
            raise
        except (SQLAlchemyError, sqlite3.Error) as exc:
            session.rollback()
            if not commit and _written_while_reading(exc):
                raise RuntimeError(
                    "a change was made in Database.reading(); write in Database.transaction()"
                ) from exc
            log.error("database transaction refused: %s", first_line(exc))
            raise diagnose(
                exc,
                self.path,
                default_code="store.database_refused",
                detail=f"the database refused the change: {first_line(exc)}",
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
