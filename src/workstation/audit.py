"""Use cases of the audit log: list it, verify it, tell the central system its head.

The log itself (table, chain, what is recorded where) is
:mod:`workstation.store.audit`. This module is what the command line and
the window call: each use case opens its own transaction. Actions that
change nothing the central system hears about are recorded here with
:func:`record_action` (:data:`SIGNED_IN`, :data:`SIGN_IN_REFUSED`,
:data:`SIGNED_OUT`, :data:`STATS_EXPORTED`, :data:`ARCHIVE_EXPORTED`, the key changes
:data:`KEY_INITIALISED`, :data:`KEY_ROTATED`, :data:`KEY_RECOVERED` with the key ids,
and :data:`SETTINGS_CHANGED`).

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

from workstation.config import Settings
from workstation.errors import NotFound
from workstation.store import audit
from workstation.store.audit import AuditEntry, Verification
from workstation.store.database import Database
from workstation.store.models import OutboxRow
from workstation.store.outbox import MessageKind, enqueue

log = logging.getLogger(__name__)

SIGNED_IN = "officer.signed_in"
SIGN_IN_REFUSED = "officer.sign_in_refused"
SIGNED_OUT = "officer.signed_out"
STATS_EXPORTED = "stats.exported"
ARCHIVE_EXPORTED = "archive.exported"
KEY_INITIALISED = "key.init"
KEY_ROTATED = "key.rotate"
KEY_RECOVERED = "key.recover"
SETTINGS_CHANGED = "settings.changed"
CENTRAL_SIGN_IN = "central_sign_in"
"""The officer source of a sign-in (as :class:`workstation.onbehalf.officer.OfficerSource`)."""

HEAD_ENTITY = "audit"
"""The outbox entity of ``audit.head`` messages (sent in order, one at a time)."""


@dataclass(frozen=True)
class QueuedHead:
    """An ``audit.head`` message queued: its id and what it says."""

    message_id: str
    count: int
    head: str


def workstation_name(settings: Settings) -> str:
    """How audit heads name this workstation to the central system: unit and slot."""
    return f"{settings.agency_code}/{settings.workstation_slot}"


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


def record_action(
    database: Database,
    action: str,
    *,
    officer: tuple[str, str] | None = None,
    dossier_id: str | None = None,
    document_id: str | None = None,
    object_id: str | None = None,
) -> AuditEntry:
    """Record an action that changes nothing the central system hears about (a sign-in,
    an export), in a transaction of its own; ``officer`` is ``(user, source)``."""
    with database.transaction() as session:
        return audit.record(
            session,
            action,
            officer=officer,
            dossier_id=dossier_id,
            document_id=document_id,
            object_id=object_id,
        )


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
