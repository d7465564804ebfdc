"""Blocks of dossier-code sequence numbers leased from the central system.

A unit's dossier codes count one daily sequence shared by all its workstations
(``resources/codes/formats.json``): numbers ``1..leased_max`` are handed out by
the central system in blocks, each to one workstation, so two workstations never
issue the same code; above them each workstation slot has a stripe of its own for
when it is offline. :func:`keep_code_blocks` runs after each sending round: when
fewer than ``low`` leased numbers are left for today, it leases another block and
keeps it in the store (:func:`~workstation.store.sequences.record_lease`), where
the code issuer takes leased numbers first and its own stripe only when none is left.

An answer lost on the way costs a block (the next attempt leases another under a
new key), never a duplicate: a block the workstation never heard of is never used.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import TYPE_CHECKING

from workstation.domain import clock
from workstation.domain.codes import CodeFormat
from workstation.store import Database
from workstation.store.sequences import leased_left, record_lease

if TYPE_CHECKING:
    from workstation.sync.client import CentralClient

log = logging.getLogger(__name__)

BLOCK_SIZE = 50
LOW_WATER = 10


def keep_code_blocks(
    client: CentralClient,
    database: Database,
    code_format: CodeFormat,
    unit: str,
    day: date | None = None,
    *,
    low: int = LOW_WATER,
    size: int = BLOCK_SIZE,
) -> int:
    """Lease a block for ``unit``'s ``day`` (default today) when fewer than ``low`` leased
    numbers are left; return how many numbers were leased now (0: enough held, or the
    central system's share of the day is used up)."""
    day = day or clock.local(clock.now()).date()
    with database.reading() as session:
        if leased_left(session, code_format, unit, day) >= low:
            return 0
    first, last = client.lease_block(unit, day.isoformat(), size, f"lease:{uuid.uuid4()}")
    last = min(last, code_format.sequence.leased_max)
    if first > last:
        log.warning("the central system's share of the day's sequence is used up")
        return 0
    with database.transaction() as session:
        record_lease(session, code_format, unit, day, first, last)
    log.info("leased dossier-code numbers %d-%d", first, last)
    return last - first + 1
