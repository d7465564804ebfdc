"""What the officer does with the outbox, as the window and the command line both ask for it.

The use cases over :mod:`workstation.store.outbox`: list a page of entries with
their state, attempts, last error and next attempt time (each with its
dossier's code, or its short number until a code is issued), count the entries
in each state, and queue again one entry or every entry that needs the
officer. Like :mod:`workstation.dossiers`, each function takes the database and
opens its own transaction; callers never open one themselves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from workstation.domain import short_number
from workstation.errors import NotFound
from workstation.store import Database, outbox
from workstation.store.outbox import State

log = logging.getLogger(__name__)

__all__ = [
    "OutboxCounts",
    "OutboxItem",
    "State",
    "count_by_state",
    "list_outbox",
    "retry_all_needing_attention",
    "retry_item",
]


@dataclass(frozen=True)
class OutboxItem:
    """One message on its way to the central system, as the officer sees it."""

    id: int
    message_id: str
    kind: str
    state: State
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    reason: str | None
    """The last error, or why the central system refused it (codes, never personal data)."""
    dossier: str
    """The dossier's official code, or its short number (``#000123``); "" if not held here."""

    @property
    def retryable(self) -> bool:
        """The officer may queue it again now: it needs them, or waits after a failure."""
        if self.state is State.NEEDS_ATTENTION:
            return True
        return self.state is State.PENDING and self.reason is not None


@dataclass(frozen=True)
class OutboxCounts:
    """How many messages are in each state."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    needs_attention: int = 0

    @property
    def waiting(self) -> int:
        """Not yet acknowledged by the central system: pending, in flight or needing the officer."""
        return self.pending + self.sending + self.needs_attention


def _item(listed: outbox.ListedEntry) -> OutboxItem:
    entry = listed.entry
    return OutboxItem(
        id=entry.id,
        message_id=entry.message_id,
        kind=entry.kind,
        state=State(entry.state),
        attempts=entry.attempts,
        created_at=entry.created_at,
        next_attempt_at=entry.next_attempt_at,
        reason=entry.last_error,
        dossier=listed.dossier_code or short_number(listed.dossier_number),
    )


def list_outbox(
    database: Database,
    *,
    states: list[State] | None = None,
    after_id: int | None = None,
    limit: int = 200,
) -> list[OutboxItem]:
    """Up to ``limit`` items in ``states`` (all without), oldest first, after ``after_id``."""
    with database.reading() as session:
        rows = outbox.list_entries(session, states=states, after_id=after_id, limit=limit)
    return [_item(r) for r in rows]


def count_by_state(database: Database) -> OutboxCounts:
    """How many outbox messages are in each state."""
    with database.reading() as session:
        counts = outbox.count_by_state(session)
    return OutboxCounts(**{state.value: number for state, number in counts.items()})


def retry_item(database: Database, message_id: str) -> bool:
    """Queue ``message_id`` again at once; False if it was already sent or is in flight.

    Raises :class:`NotFound` (``outbox.not_found``) if there is no such message.
    """
    with database.transaction() as session:
        try:
            entry = outbox.find_entry(session, message_id)
        except LookupError as exc:
            raise NotFound(f"no outbox message {message_id}", code="outbox.not_found") from exc
        if entry.state not in (State.PENDING, State.NEEDS_ATTENTION):
            return False
        outbox.retry(session, message_id)
    log.info("outbox message %s queued again by the officer", entry.id)
    return True


def retry_all_needing_attention(database: Database) -> int:
    """Queue again every message that needs the officer; return how many."""
    with database.transaction() as session:
        entries = outbox.list_entries(session, states=[State.NEEDS_ATTENTION], limit=1_000_000)
        for listed in entries:
            outbox.retry(session, listed.entry.message_id)
    log.info("%d outbox messages queued again by the officer", len(entries))
    return len(entries)
