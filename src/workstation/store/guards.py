"""SQLite itself refusing plain values in sealed columns once a store has encryption on.

A process that opened the store before ``workstation key init`` still has the
plain codec installed; without a guard it would go on writing names and ID
numbers in the clear. :func:`ensure_guards` adds, for every table with sealed
columns, triggers that abort an ``INSERT`` or ``UPDATE`` putting a plain value in
one: a ``PersonalText`` value not starting ``sealed:``, a ``SealedDigest`` that
is 64 hex characters. They are made when encryption is switched on and again
(if missing) each time an encrypted store is opened, since a migration that
rebuilds a table drops its triggers.
"""

from __future__ import annotations

from workstation.store.database import Database
from workstation.store.models import Base
from workstation.store.protection import SEALED_PREFIX, PersonalText, SealedDigest


def sealed_columns() -> list[tuple[str, list[str], list[str]]]:
    """Per table: its ``PersonalText`` columns and its ``SealedDigest`` columns."""
    tables = []
    for table in Base.metadata.sorted_tables:
        texts = [c.name for c in table.columns if isinstance(c.type, PersonalText)]
        digests = [c.name for c in table.columns if isinstance(c.type, SealedDigest)]
        if texts or digests:
            tables.append((table.name, texts, digests))
    return tables


def _plain_condition(texts: list[str], digests: list[str]) -> str:
    tests = [
        f"(NEW.{c} IS NOT NULL AND substr(NEW.{c}, 1, {len(SEALED_PREFIX)}) != '{SEALED_PREFIX}')"
        for c in texts
    ] + [
        f"(NEW.{c} IS NOT NULL AND length(NEW.{c}) = 64 AND NEW.{c} NOT GLOB '*[^0-9a-f]*')"
        for c in digests
    ]
    return " OR ".join(tests)


def ensure_guards(database: Database) -> None:
    """Create the triggers refusing plain values in sealed columns, where missing."""
    with database.engine.begin() as connection:
        for table, texts, digests in sealed_columns():
            condition = _plain_condition(texts, digests)
            for event in ("INSERT", "UPDATE"):
                connection.exec_driver_sql(
                    f"CREATE TRIGGER IF NOT EXISTS sealed_only_{table}_{event.lower()} "
                    f"BEFORE {event} ON {table} WHEN {condition} "
                    "BEGIN SELECT RAISE(ABORT, 'encrypted store: a plain value refused'); END"
                )
