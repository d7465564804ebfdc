"""Use cases of the audit log: list it, verify it, tell the central system its head.

The log itself (table, chain, what is recorded where) is
:mod:`workstation.store.audit`. This module is what the command line and
the window call: each use case opens its own transaction.

The chain head (how many entries, the newest entry's hash) goes to the
central system as an ``audit.head`` outbox message, queued by the window's
housekeeping schedule and by ``workstation sync`` (:func:`queue_head`), only
when the chain grew since the last head queued. Whoever later cuts the
newest entries off (which leaves a whole chain behind) is found out by
:func:`verify`, which checks the chain against every head queued, and by the
central system, which holds them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.errors import NotFound
from workstation.store import audit
from workstation.store.audit import AuditEntry, Verification
from workstation.store.database import Database
from workstation.store.models import OutboxRow
from workstation.store.outbox import MessageKind, enqueue

log = logging.getLogger(__name__)

HEAD_ENTITY = "audit"
"""The outbox entity of ``audit.head`` messages (sent in order, one at a time)."""


@dataclass(frozen=True)
class QueuedHead:
    """An ``audit.head`` message queued: its id and what it says."""

    message_id: str
    count: int
    head: str


def list_entries(
    database: Database,
    *,
    officer: str | None = None,
    dossier: str | None = None,
    limit: int = 1000,
) -> list[AuditEntry]:
    """Entries oldest first, of one officer and/or one dossier.

    ``dossier`` is what the officer types (short number, code or id); a
    dossier no longer held here (deleted) is looked up by its id as given.
    """
    from workstation.store.dossiers import find_dossier

    with database.reading() as session:
        dossier_id = None
        if dossier is not None:
            try:
                dossier_id = find_dossier(session, dossier).id
            except NotFound:
                dossier_id = dossier.strip().lower()
        return audit.list_entries(session, officer=officer, dossier_id=dossier_id, limit=limit)


def verify(database: Database) -> Verification:
    """Walk the chain and check it against every head queued for the central system."""
    with database.reading() as session:
        return audit.verify(session, _queued_heads(session))


def queue_head(database: Database, workstation: str) -> QueuedHead | None:
    """Queue the chain head for the central system, unless it was queued already.

    ``workstation`` names this workstation to the central system (unit and slot).
    """
    with database.transaction() as session:
        head = audit.head(session)
        heads = _queued_heads(session)
        if head.count == 0 or (heads and heads[-1] == (head.count, head.hash)):
            return None
        message_id = enqueue(
            session,
            MessageKind.AUDIT_HEAD,
            HEAD_ENTITY,
            {"workstation": workstation, "count": head.count, "head": head.hash, "at": head.at},
        )
    log.info("audit head queued at %d entries", head.count)
    return QueuedHead(message_id, head.count, head.hash)


def _queued_heads(session: Session) -> list[tuple[int, str]]:
    rows = session.scalars(
        select(OutboxRow.payload)
        .where(OutboxRow.kind == MessageKind.AUDIT_HEAD.value)
        .order_by(OutboxRow.id)
    )
    heads = []
    for payload in rows:
        body = json.loads(payload)
        heads.append((int(body["count"]), str(body["head"])))
    return heads
