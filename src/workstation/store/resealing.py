"""Sealing a whole store under a key: switching encryption on, and rotating the key.

Both are the same walk: every personal-data column (:class:`PersonalText`) and
every content-hash column (:class:`SealedDigest`) of every table, in batches
committed one by one, then every blob (sealed anew and renamed to its keyed
name, :meth:`BlobStore.reseal`). A value or blob already under the new key is
left alone, so a walk killed at any point is finished by running it again,
with nothing lost and nothing left plain. The key stays ``sealing`` (and the
store refused to everything else, :mod:`workstation.store.keys`) until the walk
ends; then the database is rebuilt (``VACUUM``) and its write-ahead log emptied,
so no plain copy of a value survives in free pages.
"""

from __future__ import annotations

import base64
import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from workstation.store import keys, sealed_files
from workstation.store.blobs import BlobStore
from workstation.store.database import Database
from workstation.store.guards import sealed_columns
from workstation.store.protection import SEALED_PREFIX, install_codec
from workstation.store.sealing import SealingCodec
from workstation.store.search_index import rebuild_search_index

log = logging.getLogger(__name__)

BATCH = 500
_HEX64 = re.compile(r"^[0-9a-f]{64}$")

Progress = Callable[[str, int], None]
"""Told ``("values", n)``, ``("blobs", n)`` and ``("files", n)`` as work is done."""


def _rebuild_search_tokens(database: Database) -> None:
    with database.transaction() as session:
        rebuild_search_index(session)


REKEYED: list[Callable[[Database], None]] = [_rebuild_search_tokens]
"""Rebuilders of values derived with ``protection.keyed`` (blind search tokens), which
the new key changes: each runs after the columns are sealed, with the new key
installed, and must be idempotent (a walk killed half-way runs them again)."""


@dataclass(frozen=True)
class Sealed:
    """What a walk did: values, blobs and kept files (and upgrade copies) sealed anew."""

    key_id: str
    values: int
    blobs: int
    passphrase: str | None = None
    files: int = 0


def switch_on(
    database: Database,
    blobs: BlobStore,
    *,
    public_key_pem: bytes | None = None,
    progress: Progress | None = None,
    data_folder: Path | None = None,
) -> Sealed:
    """Switch encryption on for the store (or finish switching it on), sealing everything.

    Returns the recovery passphrase to show once (None when the province's
    recovery public key is given). ``data_folder`` (default: the database's
    folder) holds the kept files to seal.
    """
    new = keys.begin_sealing(database, public_key_pem=public_key_pem)
    sealed = _seal_all(database, blobs, new.codec, progress, data_folder)
    return replace(sealed, passphrase=new.passphrase)


def rotate(
    database: Database,
    blobs: BlobStore,
    *,
    progress: Progress | None = None,
    data_folder: Path | None = None,
) -> Sealed:
    """Seal the store under a new data key (or finish a rotation), then forget the old key."""
    return _seal_all(database, blobs, keys.begin_rotation(database), progress, data_folder)


def _seal_all(
    database: Database,
    blobs: BlobStore,
    codec: SealingCodec,
    progress: Progress | None,
    data_folder: Path | None,
) -> Sealed:
    install_codec(codec)  # what this process writes from now on is sealed
    blobs.remove_interrupted(timedelta(0))  # half-written files from before: maybe plain
    values = _seal_database(database, codec, progress)
    for rebuild in REKEYED:
        rebuild(database)
    count = 0
    for name in list(blobs.names()):
        if blobs.reseal(name, codec):
            count += 1
            if progress:
                progress("blobs", count)
    files = sealed_files.seal_kept_files(
        data_folder or database.path.parent, codec, database.path, progress
    )
    # Before the key is marked done, so a kill before the compaction has run is
    # taken up again by the next run (which finds nothing else left to seal).
    _compact(database.path)
    keys.finish_sealing(database, codec.current)
    install_codec(keys.store_codec(database))  # the old key is forgotten
    _compact(database.path, vacuum=False)
    log.info(
        "sealed %d value(s), %d blob(s) and %d kept file(s) under key %s",
        values,
        count,
        files,
        codec.current,
    )
    return Sealed(codec.current, values, count, files=files)


def _seal_database(database: Database, codec: SealingCodec, progress: Progress | None) -> int:
    count = 0
    for table, texts, digests in sealed_columns():
        columns = [*texts, *digests]
        listed = ", ".join(columns)
        last = 0
        while True:
            with database.engine.begin() as connection:  # one batch per transaction
                rows = connection.exec_driver_sql(
                    f"SELECT rowid, {listed} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    (last, BATCH),
                ).all()
                for rowid, *stored in rows:
                    changed = {}
                    for column, value in zip(columns, stored, strict=True):
                        if value is None:
                            continue
                        if column in digests:
                            new = _digest_anew(codec, value)
                        else:
                            new = _text_anew(codec, value)
                        if new is not None:
                            changed[column] = new
                    if changed:
                        assignments = ", ".join(f"{c} = ?" for c in changed)
                        connection.exec_driver_sql(
                            f"UPDATE {table} SET {assignments} WHERE rowid = ?",
                            (*changed.values(), rowid),
                        )
                        count += 1
            if not rows:
                break
            last = rows[-1][0]
            if progress:
                progress("values", count)
    return count


def _text_anew(codec: SealingCodec, stored: str) -> str | None:
    """``stored`` (plain, or sealed under any key) sealed under the current key; None if it is."""
    mine = f"{SEALED_PREFIX}{codec.name}:"
    if stored.startswith(mine):
        return None
    plain = stored
    if stored.startswith(SEALED_PREFIX):
        sealed = stored[len(SEALED_PREFIX) :].rpartition(":")[2]
        plain = codec.open(base64.b64decode(sealed)).decode("utf-8")
    return mine + base64.b64encode(codec.seal(plain.encode("utf-8"))).decode("ascii")


def _digest_anew(codec: SealingCodec, stored: str) -> str | None:
    if _HEX64.match(stored):
        return codec.seal_digest(stored)
    if codec.digest_sealed_by_current(stored):
        return None
    return codec.seal_digest(codec.open_digest(stored))


def _compact(path: Path, *, vacuum: bool = True) -> None:
    """Rebuild the database file and empty its write-ahead log: no freed page keeps old data."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA busy_timeout=30000")
        if vacuum:
            connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
