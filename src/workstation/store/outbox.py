"""The outbox: changes waiting to reach the province's central system.

Every capability that changes something the central system must know calls
:func:`enqueue` **inside the same transaction** as its own change. Either both
are stored or neither is, so nothing is saved without being queued and nothing
is queued that was not saved. ``message_id`` is the idempotency key the central
system deduplicates on, so a re-send after a crash takes effect once. Message
kinds come from one closed list (:class:`MessageKind`) and every payload
carries its kind's schema version (``"schema"``), so the central system can read
old and new messages alike.

The rule is enforced, not only documented: every session the store hands out
(:class:`~workstation.store.database.Database`) refuses, with
:class:`ChangeNotQueued`, a flush that inserts a dossier, changes its status or
deletes it without the matching message queued in the same session. (Bulk
``UPDATE``/``DELETE`` statements bypass the session and so the rule: the store's
repositories never use them on dossiers.)

The sender's half (the sync capability drives it):

- :func:`claim_next` claims the messages it may send now, oldest first and in
  order per entity: a later message of a dossier is never claimed while an
  earlier one is unsent (waiting, in flight, failed or needing the officer).
  A claim expires after ``lease``, so the messages of a sender that crashed
  mid-send are claimed again by the next one;
- :func:`mark_sent` once the central system acknowledged a message;
- :func:`record_failure` with the reason and the next attempt time
  (:func:`backoff` computes a delay); the message waits until then;
- :func:`mark_needs_attention` when only the officer can help (the central
  system refused the content); :func:`retry` once the officer has acted;
- :func:`release` for a claimed message the sender gave up before finishing
  (it stopped, or was cancelled): due again at once, the attempt not counted.

Call each inside :meth:`Database.transaction`; send outside it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, exists, func, inspect, or_, select, update
from sqlalchemy.orm import Session, aliased

from workstation.store import audit
from workstation.store.models import DossierRow, OutboxRow
from workstation.store.timestamps import from_stored, to_stored


class MessageKind(StrEnum):
    """Every kind of message the central system hears; :func:`enqueue` takes no other."""

    DOSSIER_CREATED = "dossier.created"
    DOSSIER_STATUS_CHANGED = "dossier.status_changed"
    DOSSIER_DELETED = "dossier.deleted"
    DOCUMENT_ADDED = "document.added"
    DOSSIER_SUBMITTED_ONLINE = "dossier.submitted_online"  # nộp hộ, with the citizen's proof
    PAYMENT_RECORDED = "payment.recorded"
    RESULT_HANDED_OVER = "result.handed_over"
    RATING_RECORDED = "rating.recorded"
    DOSSIER_STATUS_RECEIVED = "dossier.status_received"
    """A status the central system set, applied here; sent back as an acknowledgement."""
    # The counter's life cycle (workstation.lifecycle): one kind per step.
    SUPPLEMENT_REQUESTED = "dossier.supplement_requested"
    SUPPLEMENT_RECEIVED = "dossier.supplement_received"
    DOSSIER_REFUSED = "dossier.refused"
    DOSSIER_EXTENDED = "dossier.extended"
    DOSSIER_STOPPED = "dossier.stopped"
    DOCUMENT_SIGNED = "document.signed"
    ARCHIVE_RECORD = "archive.record"  # a record of a digitised archive batch, with its PDF/A
    AUDIT_HEAD = "audit.head"  # the audit log's chain head (workstation.audit)


SCHEMA_VERSIONS: dict[MessageKind, int] = {kind: 1 for kind in MessageKind}
"""The payload schema version of each kind, written into every payload as ``"schema"``."""


class State(StrEnum):
    """Where a message is on its way to the central system."""

    PENDING = "pending"  # waiting to be sent (first time, or again after a failure)
    SENDING = "sending"  # claimed by a sender; back to the queue if the claim expires
    SENT = "sent"  # acknowledged by the central system
    NEEDS_ATTENTION = "needs_attention"  # refused in a way only the officer can resolve


PENDING = State.PENDING.value
SENT = State.SENT.value

CLAIM_LEASE = timedelta(minutes=5)
"""How long a claim holds; after that the message is claimed again (the sender crashed)."""
REASON_LENGTH = 500

MUST_BE_QUEUED = {
    "insert": MessageKind.DOSSIER_CREATED,
    "status": MessageKind.DOSSIER_STATUS_CHANGED,
    "delete": MessageKind.DOSSIER_DELETED,
}
"""What the central system must hear about a dossier row, by change."""

ALSO_QUEUED = {"status": MessageKind.DOSSIER_STATUS_RECEIVED}
"""Another message that covers a change: a status the central system itself set."""

_QUEUED = "workstation.outbox.queued"


class ChangeNotQueued(RuntimeError):
    """A change that must reach the central system was saved without an outbox message.

    A programming error, never the officer's: the capability forgot :func:`enqueue`.
    """


class UnknownMessageKind(ValueError):
    """:func:`enqueue` was given a kind that is not a :class:`MessageKind` (a programming error)."""


def refuse_unqueued_changes(session: Session, _context: object, _instances: object) -> None:
    """``before_flush`` hook: refuse dossier changes whose message was not queued.

    Registered by the store on every session it makes, whoever imports what.
    """
    queued: set[tuple[str, str]] = session.info.get(_QUEUED, set())
    changes = [(row, "insert") for row in session.new]
    changes += [(row, "status") for row in session.dirty if _status_changed(row)]
    changes += [(row, "delete") for row in session.deleted]
    for row, change in changes:
        if not isinstance(row, DossierRow):
            continue
        kind = MUST_BE_QUEUED[change]
        also = ALSO_QUEUED.get(change)
        if (kind.value, row.id) not in queued and (
            also is None or (also.value, row.id) not in queued
        ):
            raise ChangeNotQueued(
                f"{type(row).__name__} {row.id}: {change} saved without a {kind} message: "
                "call workstation.store.outbox.enqueue() in the same transaction"
            )


def _status_changed(row: object) -> bool:
    if not isinstance(row, DossierRow):
        return False
    history = inspect(row).attrs.status.history
    return bool(history.added) and list(history.added) != list(history.deleted)


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
    next_attempt_at: datetime | None = None
    claimed_at: datetime | None = None
    last_error: str | None = None


def enqueue(
    session: Session, kind: MessageKind | str, entity_id: str, payload: dict[str, Any]
) -> str:
    """Queue a message for the central system in the caller's transaction; return its id.

    ``kind`` must be a :class:`MessageKind`; ``payload`` must be JSON-serialisable
    and gets the kind's schema version as ``"schema"``. The change is recorded in
    the audit log in the same transaction (:func:`workstation.store.audit.record_message`).
    """
    try:
        kind = MessageKind(kind)
    except ValueError:
        raise UnknownMessageKind(
            f"{kind!r} is not a message kind; add it to workstation.store.outbox.MessageKind"
        ) from None
    if "schema" in payload:
        raise ValueError("the payload's 'schema' is set by enqueue()")
    body = {**payload, "schema": SCHEMA_VERSIONS[kind]}
    message_id = str(uuid.uuid4())
    session.info.setdefault(_QUEUED, set()).add((kind.value, entity_id))
    session.add(
        OutboxRow(
            message_id=message_id,
            kind=kind.value,
            entity_id=entity_id,
            payload=json.dumps(body, ensure_ascii=False, sort_keys=True),
            state=PENDING,
            attempts=0,
            created_at=to_stored(datetime.now(UTC)),
        )
    )
    audit.record_message(session, kind.value, entity_id, message_id, payload)
    return message_id


def pending(session: Session, limit: int = 100) -> list[OutboxEntry]:
    """The oldest pending entries, in the order they were queued."""
    rows = session.scalars(
        select(OutboxRow).where(OutboxRow.state == PENDING).order_by(OutboxRow.id).limit(limit)
    )
    return [_entry(r) for r in rows]


def count_pending(session: Session) -> int:
    """How many messages wait for the central system (queued or being sent)."""
    waiting = OutboxRow.state.in_([State.PENDING.value, State.SENDING.value])
    return session.scalar(select(func.count()).select_from(OutboxRow).where(waiting)) or 0


def needing_attention(session: Session, limit: int = 100) -> list[OutboxEntry]:
    """Messages the central system refused in a way only the officer can resolve, oldest first."""
    rows = session.scalars(
        select(OutboxRow)
        .where(OutboxRow.state == State.NEEDS_ATTENTION.value)
        .order_by(OutboxRow.id)
        .limit(limit)
    )
    return [_entry(r) for r in rows]


def unsent_file_digests(session: Session) -> set[str]:
    """SHA-256 of every file an unsent message still has to carry to the central system.

    The blob clean-up keeps these, so a file stays on the workstation until the
    central system has confirmed it, even when its dossier was deleted meanwhile.
    Every unsent message is read, whatever its kind: a file carried as
    ``document`` (``document.added``, ``document.signed``, ``archive.record``)
    or in ``components[].documents`` (``dossier.created``) is kept, so a kind
    added later cannot lose its file by being left off a list. Keeping a file
    longer than needed costs disk; removing it early loses a citizen's paper.
    """
    rows = session.scalars(select(OutboxRow.payload).where(OutboxRow.state != SENT))
    digests: set[str] = set()
    for payload in rows:
        body = json.loads(payload)
        documents = [body.get("document")]
        for component in body.get("components") or []:
            if isinstance(component, dict):
                documents.extend(component.get("documents") or [])
        for document in documents:
            if isinstance(document, dict) and isinstance(document.get("sha256"), str):
                digests.add(document["sha256"])
    return digests


@dataclass(frozen=True)
class ListedEntry:
    """One outbox entry as the officer sees it: the entry, and its dossier's code and number.

    ``dossier_code`` and ``dossier_number`` are None when the entity is not a
    dossier held here (a deleted dossier's message).
    """

    entry: OutboxEntry
    dossier_code: str | None
    dossier_number: int | None


def list_entries(
    session: Session,
    *,
    states: Iterable[State | str] | None = None,
    after_id: int | None = None,
    limit: int = 200,
) -> list[ListedEntry]:
    """Up to ``limit`` entries in ``states`` (all without), oldest first, after ``after_id``.

    Paged by the entry's id, so a long outbox is read a page at a time; each
    entry carries its dossier's code and short number (joined on ``entity_id``).
    """
    query = (
        select(OutboxRow, DossierRow.code, DossierRow.number)
        .outerjoin(DossierRow, DossierRow.id == OutboxRow.entity_id)
        .order_by(OutboxRow.id)
        .limit(limit)
    )
    if states is not None:
        query = query.where(OutboxRow.state.in_([State(s).value for s in states]))
    if after_id is not None:
        query = query.where(OutboxRow.id > after_id)
    return [ListedEntry(_entry(row), code, number) for row, code, number in session.execute(query)]


def count_by_state(session: Session) -> dict[State, int]:
    """How many entries are in each :class:`State` (every state present, 0 if none)."""
    counts = dict.fromkeys(State, 0)
    query = select(OutboxRow.state, func.count()).group_by(OutboxRow.state)
    for state, number in session.execute(query):
        counts[State(state)] = number
    return counts


def find_entry(session: Session, message_id: str) -> OutboxEntry:
    """The entry ``message_id``; LookupError if there is none."""
    return _entry(_row(session, message_id))


# The sender's half ----------------------------------------------------------


def claim_next(
    session: Session,
    *,
    limit: int = 10,
    now: datetime | None = None,
    lease: timedelta = CLAIM_LEASE,
) -> list[OutboxEntry]:
    """Claim up to ``limit`` messages to send now, oldest first, at most one per entity.

    A message is due when it waits and its next attempt time has come, or when
    its claim is older than ``lease`` (its sender never finished). It is never
    claimed while an earlier message of the same entity is unsent. Each claim
    counts as an attempt.
    """
    moment = to_stored(now or datetime.now(UTC))
    earlier = aliased(OutboxRow)
    blocked = exists().where(
        earlier.entity_id == OutboxRow.entity_id,
        earlier.id < OutboxRow.id,
        earlier.state != SENT,
    )
    due = or_(
        and_(
            OutboxRow.state == PENDING,
            or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= moment),
        ),
        and_(OutboxRow.state == State.SENDING.value, OutboxRow.claimed_at <= moment - lease),
    )
    rows = list(
        session.scalars(select(OutboxRow).where(due, ~blocked).order_by(OutboxRow.id).limit(limit))
    )
    for row in rows:
        row.state = State.SENDING.value
        row.claimed_at = moment
        row.attempts += 1
    session.flush()
    return [_entry(r) for r in rows]


def mark_sent(session: Session, message_id: str) -> None:
    """The central system acknowledged ``message_id`` (recorded in the audit log as sent)."""
    row = _row(session, message_id)
    if row.state != SENT and row.kind not in audit.NOT_AUDITED:
        ids = audit.message_ids(row.kind, row.entity_id, json.loads(row.payload))
        audit.record(session, "message.sent", message_id=message_id, **ids)
    if row.state != SENT:
        row.sent_at = to_stored(datetime.now(UTC))
    row.state = SENT
    row.claimed_at = None
    row.next_attempt_at = None
    row.last_error = None


def mark_all_sent(session: Session, message_ids: list[str]) -> None:
    """The central system acknowledged every one of ``message_ids`` (one update per 500;
    each newly sent message recorded in the audit log, as :func:`mark_sent` does)."""
    for start in range(0, len(message_ids), 500):
        part = message_ids[start : start + 500]
        newly_sent = session.execute(
            select(OutboxRow.message_id, OutboxRow.kind, OutboxRow.entity_id, OutboxRow.payload)
            .where(OutboxRow.message_id.in_(part), OutboxRow.state != SENT)
            .order_by(OutboxRow.id)
        )
        for message_id, kind, entity_id, payload in newly_sent.all():
            if kind not in audit.NOT_AUDITED:
                ids = audit.message_ids(kind, entity_id, json.loads(payload))
                audit.record(session, "message.sent", message_id=message_id, **ids)
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.message_id.in_(part), OutboxRow.state != SENT)
            .values(sent_at=to_stored(datetime.now(UTC)))
        )
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.message_id.in_(part))
            .values(state=SENT, claimed_at=None, next_attempt_at=None, last_error=None)
        )


def record_failure(
    session: Session, message_id: str, reason: str, next_attempt_at: datetime
) -> None:
    """Sending ``message_id`` failed for ``reason``; try again from ``next_attempt_at``.

    ``reason`` is for the officer and the log: a status or error code, never the payload.
    """
    row = _row(session, message_id)
    row.state = PENDING
    row.claimed_at = None
    row.next_attempt_at = to_stored(next_attempt_at)
    row.last_error = reason[:REASON_LENGTH]


def release(session: Session, message_id: str) -> None:
    """Hand a claimed but unfinished ``message_id`` back: due at once, its claim's attempt
    not counted, its last error kept (the sender stopped before trying, or was cancelled)."""
    row = _row(session, message_id)
    if row.state != State.SENDING.value:
        return
    row.state = PENDING
    row.claimed_at = None
    row.next_attempt_at = None
    row.attempts = max(0, row.attempts - 1)


def mark_needs_attention(session: Session, message_id: str, reason: str) -> None:
    """Only the officer can get ``message_id`` through (``reason`` says why); it waits for them.

    Later messages of the same entity wait too, so they never overtake it.
    """
    row = _row(session, message_id)
    row.state = State.NEEDS_ATTENTION.value
    row.claimed_at = None
    row.next_attempt_at = None
    row.last_error = reason[:REASON_LENGTH]


def retry(session: Session, message_id: str) -> None:
    """Queue ``message_id`` again at once, attempts counted afresh (the officer has acted;
    recorded in the audit log as ``message.retried``)."""
    row = _row(session, message_id)
    if row.state == SENT:
        return
    ids = audit.message_ids(row.kind, row.entity_id, json.loads(row.payload))
    audit.record(session, "message.retried", message_id=message_id, **ids)
    row.state = PENDING
    row.claimed_at = None
    row.next_attempt_at = None
    row.attempts = 0


def backoff(
    attempts: int,
    *,
    first: timedelta = timedelta(seconds=30),
    longest: timedelta = timedelta(hours=1),
) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: doubling up to ``longest``."""
    if attempts <= 1:
        return min(first, longest)
    return min(first * 2 ** min(attempts - 1, 30), longest)


def _row(session: Session, message_id: str) -> OutboxRow:
    row = session.scalars(select(OutboxRow).where(OutboxRow.message_id == message_id)).one_or_none()
    if row is None:
        raise LookupError(f"no outbox message {message_id}")
    return row


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
        next_attempt_at=from_stored(row.next_attempt_at) if row.next_attempt_at else None,
        claimed_at=from_stored(row.claimed_at) if row.claimed_at else None,
        last_error=row.last_error,
    )
