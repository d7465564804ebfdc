"""The audit log: an honest record of which officer did what, and when.

Every audited action is one row of ``audit_log``: the officer, the time
(UTC), the action and the ids of what it touched (dossier, document, outbox
message, another object). Never a citizen's data: no name, ID number,
address or file name, only ids the workstation made up.

The log is **append-only**: SQLite triggers refuse every ``UPDATE`` and
``DELETE`` on the table (migration 0900). And it is **hash-chained**: row
``seq`` holds the SHA-256 of the previous row (``prev_hash``; the first row
holds :data:`GENESIS`) and its own ``hash``, the SHA-256 of a canonical JSON
encoding of its fields and ``prev_hash`` (:func:`entry_hash`). Whoever drops
the triggers and edits, deletes, inserts or reorders rows by hand breaks the
chain at that place, and :func:`verify` names the first broken row. Only
cutting the newest rows off leaves a whole chain; the chain head is therefore
sent to the central system regularly (``audit.head`` outbox messages,
:mod:`workstation.audit`), and :func:`verify` checks the chain against every
head queued so far.

Entries are written **in the transaction of the change** they record: the
outbox's :func:`~workstation.store.outbox.enqueue` (every change the central
system hears about goes through it) calls :func:`record_message`; actions
that queue nothing call :func:`record` themselves. Rows are written with
Core statements at once (no ORM flush), so recording never flushes the
caller's half-made changes. Writers are serialised (``BEGIN IMMEDIATE``), so
two transactions never extend the chain from the same row.

Who the officer is: the ``officer`` of the message's payload when it names
one, else the answer of the function the composition root installs on the
database (:attr:`Database.officer`, carried in the session's ``info`` under
:data:`ACTOR`), else the operating system's user, named as such.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from workstation.store.models import AuditRow

log = logging.getLogger(__name__)

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""

ACTOR = "workstation.audit.actor"
"""Session ``info`` key: a function answering ``(officer, source)`` for entries it writes."""
_RESOLVED = "workstation.audit.actor_resolved"

OS_USER = "os_user"
NOT_ABOUT_A_DOSSIER = frozenset({"archive.record", "audit.head"})
"""Message kinds whose entity is not a dossier (its id goes to ``object_id``)."""
NOT_AUDITED = frozenset({"audit.head"})
"""Message kinds that record nothing: telling the central system the head is no action."""

_table = AuditRow.__table__
_FIELDS = (
    "seq",
    "at",
    "officer",
    "officer_source",
    "action",
    "dossier_id",
    "document_id",
    "message_id",
    "object_id",
)


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit log."""

    seq: int
    at: str
    officer: str
    officer_source: str
    action: str
    dossier_id: str | None
    document_id: str | None
    message_id: str | None
    object_id: str | None
    prev_hash: str
    hash: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Head:
    """The chain's newest entry: how many entries, its hash, when it was written."""

    count: int
    hash: str
    at: str | None


@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found: intact, or the first broken entry and why."""

    intact: bool
    count: int
    head: str
    broken_seq: int | None = None
    reason: str | None = None
    """``missing`` (an entry is gone or one was put in), ``prev_hash`` (the entry does not
    follow the one before it), ``hash`` (the entry was changed), ``head`` (the chain no longer
    matches a head sent to the central system: its newest entries were removed or rewritten)."""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's fields and the previous hash."""
    body = {name: fields.get(name) for name in _FIELDS}
    body["prev_hash"] = prev_hash
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def os_actor() -> tuple[str, str]:
    """The operating system's user, named as such (no officer was given)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name and no user database entry
        user = ""
    return user or "unknown", OS_USER


def record(
    session: Session,
    action: str,
    *,
    dossier_id: str | None = None,
    document_id: str | None = None,
    message_id: str | None = None,
    object_id: str | None = None,
    officer: tuple[str, str] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction and return it.

    ``officer`` is ``(user, source)``; without it the session's actor
    (see the module's text) is named.
    """
    user, source = officer or _actor(session)
    fields: dict[str, Any] = {
        "at": (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds"),
        "officer": user[:100],
        "officer_source": source[:40],
        "action": action,
        "dossier_id": dossier_id,
        "document_id": document_id,
        "message_id": message_id,
        "object_id": object_id,
    }
    with session.no_autoflush:  # the caller's change may wait for its message still
        last = session.execute(
            select(_table.c.seq, _table.c.hash).order_by(_table.c.seq.desc()).limit(1)
        ).first()
        fields["seq"], prev_hash = (last[0] + 1, last[1]) if last is not None else (1, GENESIS)
        digest = entry_hash(fields, prev_hash)
        session.execute(insert(_table).values(**fields, prev_hash=prev_hash, hash=digest))
    return AuditEntry(**fields, prev_hash=prev_hash, hash=digest)


def record_message(
    session: Session, kind: str, entity_id: str, message_id: str, payload: dict[str, Any]
) -> AuditEntry | None:
    """Record the change a queued message reports (action: the message's kind)."""
    if kind in NOT_AUDITED:
        return None
    return record(
        session,
        kind,
        message_id=message_id,
        officer=_payload_officer(payload),
        **message_ids(kind, entity_id, payload),
    )


def message_ids(kind: str, entity_id: str, payload: dict[str, Any]) -> dict[str, str | None]:
    """The object ids of a message (``dossier_id``, ``document_id``, ``object_id``)."""
    about_dossier = kind not in NOT_ABOUT_A_DOSSIER
    document = payload.get("document")
    document_id = document.get("id") if isinstance(document, dict) else None
    return {
        "dossier_id": entity_id if about_dossier else None,
        "document_id": document_id if isinstance(document_id, str) else None,
        "object_id": None if about_dossier else entity_id,
    }


def _payload_officer(payload: dict[str, Any]) -> tuple[str, str] | None:
    officer = payload.get("officer")
    if isinstance(officer, dict) and isinstance(officer.get("user"), str):
        return officer["user"], str(officer.get("source") or "")
    return None


def _actor(session: Session) -> tuple[str, str]:
    resolved = session.info.get(_RESOLVED)
    if resolved is None:
        answer: Callable[[], tuple[str, str]] | None = session.info.get(ACTOR)
        try:
            resolved = answer() if answer is not None else os_actor()
        except Exception as exc:  # a keyring that fails must not stop the officer's change
            log.warning("officer unknown (%s): the OS user is named", exc.__class__.__name__)
            resolved = os_actor()
        session.info[_RESOLVED] = resolved
    return resolved


# Reading -------------------------------------------------------------------


def list_entries(
    session: Session,
    *,
    officer: str | None = None,
    dossier_id: str | None = None,
    after_seq: int | None = None,
    limit: int = 1000,
) -> list[AuditEntry]:
    """Up to ``limit`` entries, oldest first, of one officer and/or one dossier."""
    query = select(_table).order_by(_table.c.seq).limit(limit)
    if officer is not None:
        query = query.where(_table.c.officer == officer)
    if dossier_id is not None:
        query = query.where(_table.c.dossier_id == dossier_id)
    if after_seq is not None:
        query = query.where(_table.c.seq > after_seq)
    return [AuditEntry(**row._mapping) for row in session.execute(query)]


def head(session: Session) -> Head:
    """The chain's head: the number of entries and the newest entry's hash (GENESIS if none)."""
    count = session.scalar(select(func.count()).select_from(_table)) or 0
    last = session.execute(
        select(_table.c.hash, _table.c.at).order_by(_table.c.seq.desc()).limit(1)
    ).first()
    return Head(count, last[0], last[1]) if last is not None else Head(0, GENESIS, None)


def verify(session: Session, heads: Iterable[tuple[int, str]] = ()) -> Verification:
    """Walk the whole chain; the first entry that breaks it, if any.

    ``heads`` are ``(count, hash)`` pairs known elsewhere (sent to the central
    system): the entry numbered ``count`` must still hold ``hash``.
    """
    expected_seq, prev_hash, count = 1, GENESIS, 0
    known = dict(heads)
    hashes: dict[int, str] = {}  # the chain's hash at each known head's count
    rows = session.execute(select(_table).order_by(_table.c.seq)).yield_per(1000)
    for row in rows:
        entry = row._mapping
        count += 1
        if entry["seq"] != expected_seq:
            return Verification(False, count, prev_hash, entry["seq"], "missing")
        if entry["prev_hash"] != prev_hash:
            return Verification(False, count, prev_hash, entry["seq"], "prev_hash")
        if entry_hash(dict(entry), prev_hash) != entry["hash"]:
            return Verification(False, count, prev_hash, entry["seq"], "hash")
        prev_hash = entry["hash"]
        if expected_seq in known:
            hashes[expected_seq] = prev_hash
        expected_seq += 1
    for known_count, known_hash in sorted(known.items()):
        if known_count > 0 and hashes.get(known_count) != known_hash:
            broken = min(known_count, count + 1)
            return Verification(False, count, prev_hash, broken, "head")
    return Verification(True, count, prev_hash)
