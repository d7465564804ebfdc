"""The outbox: changes waiting to reach the province's central system.

Every capability that changes something the central system must know calls
:func:`enqueue` **inside the same transaction** as its own change. Either both
are stored or neither is, so nothing is saved without being queued and nothing
is queued that was not saved. The sender (the sync capability) reads pending
entries in order and marks them sent; ``message_id`` is the idempotency key the
central system deduplicates on, so a re-send after a crash takes effect once.

The rule is enforced, not only documented: a flush that inserts a dossier whose
id has not been passed to :func:`enqueue` in the same session is refused with
:class:`ChangeNotQueued`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from workstation.store.models import DossierRow, OutboxRow
from workstation.store.timestamps import from_stored, to_stored

PENDING = "pending"
SENT = "sent"

MUST_BE_QUEUED = (DossierRow,)
"""Rows whose insertion the central system must hear about."""

_QUEUED = "workstation.outbox.queued_entities"


class ChangeNotQueued(RuntimeError):
    """A change that must reach the central system was saved without an outbox message.

    A programming error, never the officer's: the capability forgot :func:`enqueue`.
    """


@event.listens_for(Session, "before_flush")
def _refuse_unqueued_changes(session: Session, _context: object, _instances: object) -> None:
    queued = session.info.get(_QUEUED, set())
    for row in session.new:
        if isinstance(row, MUST_BE_QUEUED) and row.id not in queued:
            raise ChangeNotQueued(
                f"{type(row).__name__} {row.id} saved without an outbox message: "
                "call workstation.store.outbox.enqueue() in the same transaction"
            )


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    message_id: str
    kind: str
    entity_id: str
    payload: dict[str, Any]
    state: str
    attempts: int
    created_at: datetime


def enqueue(session: Session, kind: str, entity_id: str, payload: dict[str, Any]) -> str:
    """Queue a message for the central system in the caller's transaction; return its id.

    ``kind`` names the change (``dossier.created``); ``payload`` must be JSON-serialisable.
    """
    message_id = str(uuid.uuid4())
    session.info.setdefault(_QUEUED, set()).add(entity_id)
    session.add(
        OutboxRow(
            message_id=message_id,
            kind=kind,
            entity_id=entity_id,
            payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
            state=PENDING,
            attempts=0,
            created_at=to_stored(datetime.now(UTC)),
        )
    )
    return message_id


def pending(session: Session, limit: int = 100) -> list[OutboxEntry]:
    """The oldest pending entries, in the order they were queued."""
    rows = session.scalars(
        select(OutboxRow).where(OutboxRow.state == PENDING).order_by(OutboxRow.id).limit(limit)
    )
    return [_entry(r) for r in rows]


def count_pending(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.state == PENDING)
        )
        or 0
    )


def _entry(row: OutboxRow) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        message_id=row.message_id,
        kind=row.kind,
        entity_id=row.entity_id,
        payload=json.loads(row.payload),
        state=row.state,
        attempts=row.attempts,
        created_at=from_stored(row.created_at),
    )
