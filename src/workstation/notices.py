"""What the officer should be told without looking at the window: the tray's notices.

The window observes the workstation every minute (:func:`observe`, on the ``db``
executor) and compares each :class:`Observation` with the one before
(:func:`choose_notices`, pure): only what is *new* becomes a :class:`Notice`, so
the officer hears of a thing once, not every minute.

- outbox messages that need the officer (their number went up);
- dossiers that became overdue, or due within :data:`DUE_SOON` (open dossiers
  only: not finished, not handed over, not paused waiting for a supplement);
- a dossier the central system sent back for a supplement, or whose result is
  ready (a status it set, applied by the sync pull with a
  ``dossier.status_received`` message);
- a signing token pulled out;
- the central system reachable again after being offline.

The first observation of a day's run gives a summary (needing the officer,
overdue, due soon) and nothing else. Notices carry counts and kinds only: never
a name or a dossier's content, since a tray balloon shows on a counter screen.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select

from workstation.domain import DossierStatus
from workstation.store import Database
from workstation.store.models import DossierRow, OutboxRow
from workstation.store.outbox import MessageKind, State
from workstation.store.timestamps import to_stored

log = logging.getLogger(__name__)

DUE_SOON = timedelta(hours=24)
"""How far ahead an appointment counts as due soon."""

# Statuses whose clock no longer runs for the counter: finished, refused, stopped,
# handed over, or paused until the citizen brings the supplement.
_NOT_RUNNING = frozenset(
    {
        DossierStatus.NOT_RECEIVED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
        DossierStatus.PROCESSED,
        DossierStatus.RESULT_RETURNED,
        DossierStatus.SUPPLEMENT_REQUESTED,
    }
)


class NoticeKind(StrEnum):
    """What a notice is about; its text is ``notice.<value>`` (with ``{count}``)."""

    OUTBOX_ATTENTION = "outbox_attention"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    RESULT_READY = "result_ready"
    TOKEN_REMOVED = "token_removed"
    BACK_ONLINE = "back_online"


URGENT = frozenset({NoticeKind.OUTBOX_ATTENTION, NoticeKind.OVERDUE, NoticeKind.TOKEN_REMOVED})
"""Kinds shown as warnings rather than information."""


@dataclass(frozen=True)
class Notice:
    """One thing to tell the officer: its kind and how many (dossiers, messages, tokens)."""

    kind: NoticeKind
    count: int = 1

    @property
    def urgent(self) -> bool:
        return self.kind in URGENT

    @property
    def text_key(self) -> str:
        return f"notice.{self.kind.value}"


@dataclass(frozen=True)
class Observation:
    """The facts the notices are chosen from, at one moment."""

    needs_attention: int = 0
    overdue: frozenset[str] = frozenset()
    """Ids of open dossiers past their appointment."""
    due_soon: frozenset[str] = frozenset()
    """Ids of open dossiers due within :data:`DUE_SOON` (not yet overdue)."""
    online: bool | None = None
    """The last sending round reached the central system; None: no round yet, or no sender."""
    tokens: frozenset[str] | None = None
    """Serials of the signing tokens present; None: not watched (no module set) or unknown."""
    came_back: tuple[int, ...] = ()
    """Statuses the central system set since the last observation (one per change)."""
    last_message: int = 0
    """The newest ``dossier.status_received`` message seen (where the next look starts)."""


def choose_notices(before: Observation | None, now: Observation) -> list[Notice]:
    """What is new in ``now`` since ``before`` (None: the first look, a summary)."""
    notices: list[Notice] = []
    if before is None:
        if now.needs_attention:
            notices.append(Notice(NoticeKind.OUTBOX_ATTENTION, now.needs_attention))
        if now.overdue:
            notices.append(Notice(NoticeKind.OVERDUE, len(now.overdue)))
        if now.due_soon:
            notices.append(Notice(NoticeKind.DUE_SOON, len(now.due_soon)))
        return notices
    if now.needs_attention > before.needs_attention:
        notices.append(Notice(NoticeKind.OUTBOX_ATTENTION, now.needs_attention))
    if newly_overdue := now.overdue - before.overdue:
        notices.append(Notice(NoticeKind.OVERDUE, len(newly_overdue)))
    if newly_due := now.due_soon - before.due_soon:
        notices.append(Notice(NoticeKind.DUE_SOON, len(newly_due)))
    supplements = sum(1 for s in now.came_back if s == DossierStatus.SUPPLEMENT_REQUESTED)
    if supplements:
        notices.append(Notice(NoticeKind.SUPPLEMENT_REQUESTED, supplements))
    results = sum(1 for s in now.came_back if s == DossierStatus.PROCESSED)
    if results:
        notices.append(Notice(NoticeKind.RESULT_READY, results))
    if before.tokens and now.tokens is not None and (gone := before.tokens - now.tokens):
        notices.append(Notice(NoticeKind.TOKEN_REMOVED, len(gone)))
    if before.online is False and now.online is True:
        notices.append(Notice(NoticeKind.BACK_ONLINE))
    return notices


def observe(
    database: Database,
    now: datetime,
    *,
    after: int | None = None,
    online: bool | None = None,
    tokens: Callable[[], frozenset[str] | None] | None = None,
    soon: timedelta = DUE_SOON,
) -> Observation:
    """Read the store's facts at ``now`` (runs on the ``db`` executor).

    ``after``: the previous observation's :attr:`Observation.last_message` (None on the
    first look: statuses set before the window opened are not news). ``online``: the
    sync status's. ``tokens``: lists the token serials present (its failure counts as
    unknown).
    """
    stored_now = to_stored(now)
    with database.reading() as session:
        attention = session.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.state == State.NEEDS_ATTENTION.value)
        )
        due = session.execute(
            select(DossierRow.id, DossierRow.due_at).where(
                DossierRow.due_at.is_not(None),
                DossierRow.due_at <= to_stored(now + soon),
                DossierRow.status.not_in([int(s) for s in _NOT_RUNNING]),
            )
        ).all()
        is_received = OutboxRow.kind == MessageKind.DOSSIER_STATUS_RECEIVED.value
        if after is None:  # the first look starts after what is there already
            rows = []
            last = session.scalar(select(func.max(OutboxRow.id)).where(is_received)) or 0
        else:
            received = select(OutboxRow.id, OutboxRow.payload).where(
                is_received, OutboxRow.id > after
            )
            rows = session.execute(received.order_by(OutboxRow.id)).all()
            last = rows[-1][0] if rows else after
    came_back = tuple(_status(payload) for _, payload in rows)
    present = None
    if tokens is not None:
        try:
            present = tokens()
        except Exception as exc:  # a half-pulled token can fail the listing: unknown this time
            log.info("token listing for the notices failed: %s", exc.__class__.__name__)
    return Observation(
        needs_attention=attention or 0,
        overdue=frozenset(i for i, at in due if at <= stored_now),
        due_soon=frozenset(i for i, at in due if at > stored_now),
        online=online,
        tokens=present,
        came_back=tuple(s for s in came_back if s is not None),
        last_message=last,
    )


def _status(payload: str) -> int | None:
    try:
        return int(json.loads(payload)["status"])
    except (ValueError, KeyError, TypeError):
        return None


def token_serials(pkcs11_module: str) -> frozenset[str] | None:
    """Serials of the tokens in the configured module's slots; None without a module set
    (a module found only by guessing is watched by the signing section while it is shown)."""
    if not pkcs11_module:
        return None
    from workstation.sign.tokens import load_module
    from workstation.sign.watch import present_tokens

    return frozenset(serial for _label, serial in present_tokens(load_module(pkcs11_module)))
