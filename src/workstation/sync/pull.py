"""What the workstation reads back from the central system: the procedure catalogue, the
agency's statistics targets and dossier status updates.

- :func:`pull_catalogue` downloads the province's catalogue when its version (the
  server's ETag) changed, checks it whole (:func:`~workstation.domain.catalogue.parse_catalogue`)
  and keeps it in the data folder, where it replaces the bundled one at the next
  start (:func:`catalogue_file`). The file is kept as sent: every procedure
  version with its effective dates, so a dossier received on a given day still
  follows the version in force that day.
- :func:`pull_targets` does the same for the province's statistics targets (every
  agency's rates with their effective dates), checked whole
  (:func:`~workstation.domain.targets.parse_targets`) and kept in :func:`targets_file`,
  which the statistics prefer to the shipped, illustrative file.
- :func:`pull_status_updates` reads the status changes after the last one applied
  (a cursor in the store's ``counters``) and applies those of dossiers held here,
  each with a ``dossier.status_received`` outbox message in the same transaction
  (the acknowledgement; the server hears the same status and records nothing new).

All three run after each sending round, in ``workstation sync`` and in the window's worker.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import insert, select, update

from workstation.domain import DossierStatus
from workstation.domain.catalogue import parse_catalogue
from workstation.domain.targets import parse_targets
from workstation.errors import NotFound
from workstation.paths import Folders
from workstation.store import Database, outbox
from workstation.store.dossiers import set_dossier_status
from workstation.store.models import CounterRow

if TYPE_CHECKING:
    from workstation.sync.client import CentralClient

log = logging.getLogger(__name__)
T = TypeVar("T")

STATUS_CURSOR = "central_status_cursor"
"""The last status update applied (the server's ``seq``); only grows."""


def catalogue_file(folders: Folders) -> Path:
    """Where the catalogue downloaded from the central system is kept."""
    return folders.data / "catalogue" / "central.json"


def pull_catalogue(client: CentralClient, folders: Folders) -> bool:
    """Download the central catalogue if its version changed; True when a new one is kept.

    A malformed catalogue is refused whole (``catalogue.unreadable``) and the one in
    use stays.
    """
    catalogue = _pull_versioned(
        catalogue_file(folders),
        client.download_catalogue,
        lambda data: parse_catalogue(data, "the central system's catalogue"),
    )
    if catalogue is None:
        return False
    log.info("central catalogue kept: %d procedure version(s)", len(catalogue))
    return True


def _pull_versioned(
    target: Path,
    download: Callable[[str | None], tuple[bytes, str] | None],
    parse: Callable[[bytes], T],
) -> T | None:
    """Download the file kept at ``target`` if its version (kept beside it) changed, check
    it whole with ``parse`` (which raises on a malformed one, leaving the kept file as it
    was), and keep it; what ``parse`` made of it, or None when it was unchanged."""
    version_file = target.with_suffix(".version")
    known = (
        version_file.read_text(encoding="utf-8")
        if target.exists() and version_file.exists()
        else None
    )
    downloaded = download(known)
    if downloaded is None:
        return None
    data, version = downloaded
    parsed = parse(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, data)
    _write_atomically(version_file, version.encode())
    return parsed


def targets_file(folders: Folders) -> Path:
    """Where the statistics targets downloaded from the central system are kept."""
    return folders.data / "stats" / "central-targets.json"


def pull_targets(client: CentralClient, folders: Folders) -> bool:
    """Download the province's statistics targets if their version changed; True when new
    ones are kept.

    Malformed targets are refused whole (``stats.targets_unusable``) and the ones in use
    stay.
    """
    targets = _pull_versioned(
        targets_file(folders),
        client.download_targets,
        lambda data: parse_targets(data, "the central system's targets"),
    )
    if targets is None:
        return False
    log.info("central statistics targets kept: %d target set(s)", len(targets.sets))
    return True


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".part")
    with temporary.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    temporary.replace(path)


def pull_status_updates(client: CentralClient, database: Database) -> int:
    """Apply the central system's status changes to the dossiers held here; return how many
    dossiers changed."""
    applied = 0
    while True:
        with database.reading() as session:
            after = session.scalar(select(CounterRow.value).where(CounterRow.name == STATUS_CURSOR))
        updates, last = client.status_updates(after or 0)
        if not updates:
            return applied
        with database.transaction() as session:
            for dossier_id, code in updates:
                try:
                    status = DossierStatus(code)
                    changed = set_dossier_status(session, dossier_id, status)
                except NotFound:
                    continue  # another workstation's dossier
                except ValueError:
                    log.warning("status update %d for a dossier is no national code", code)
                    continue
                if changed:
                    outbox.enqueue(
                        session,
                        outbox.MessageKind.DOSSIER_STATUS_RECEIVED,
                        dossier_id,
                        {"status": int(status)},
                    )
                    applied += 1
            _set_cursor(session, last)
        log.info("applied status updates up to %d", last)


def pull_from_central(client: CentralClient, database: Database, folders: Folders) -> dict:
    """The pulls, after a sending round:
    ``{"catalogue_updated", "targets_updated", "statuses_applied"}``.

    A catalogue or targets file the central system sends malformed is logged and left
    aside (the one in use stays); the rest is pulled all the same.
    """
    from workstation.errors import BadInput

    try:
        updated = pull_catalogue(client, folders)
    except BadInput as exc:
        log.warning("central catalogue refused: %s", exc.code)
        updated = False
    try:
        targets_updated = pull_targets(client, folders)
    except BadInput as exc:
        log.warning("central statistics targets refused: %s", exc.code)
        targets_updated = False
    return {
        "catalogue_updated": updated,
        "targets_updated": targets_updated,
        "statuses_applied": pull_status_updates(client, database),
    }


def _set_cursor(session, value: int) -> None:  # type: ignore[no-untyped-def]
    moved = session.execute(
        update(CounterRow).where(CounterRow.name == STATUS_CURSOR).values(value=value)
    )
    if moved.rowcount == 0:
        session.execute(insert(CounterRow).values(name=STATUS_CURSOR, value=value))
