"""The sender: drains the store's outbox into the central system, once per message.

Messages are claimed with the outbox's own API (:func:`~workstation.store.outbox.claim_next`),
so they go in order per dossier and a crashed sender's claims come back after their
lease. Each is sent with its ``message_id`` as the Idempotency-Key on every attempt,
so a retry after a lost answer changes nothing twice. A dossier's files go first:
the server is told their SHA-256 and only what it lacks travels, streamed from the
blob store by tus (resuming where a break left off).

Failures are sorted: :class:`~workstation.sync.client.Retryable` ones wait an
exponentially growing, jittered delay; :class:`~workstation.sync.client.Refused`
ones wait for the officer with the reason. An unreachable server or a lapsed
sign-in stops the run (every other message would fail the same way) and is
raised to the caller; the message in hand waits for the next run.

A run given a :class:`~workstation.tasks.CancelToken` (the window's sending
worker, when the window closes) checks it between messages and between a file's
upload chunks: once it is set, the message in hand and every one claimed after
it go back to the queue unfinished, their attempt not counted, and
:class:`~workstation.errors.Cancelled` is raised. What the server already
acknowledged stays sent; a file cut short resumes where it stopped next time.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from workstation.errors import Cancelled, StoreError
from workstation.store import BlobStore, Database, outbox
from workstation.store.outbox import MessageKind, OutboxEntry
from workstation.sync.client import CentralClient, NotSignedIn, Refused, Retryable, Unreachable
from workstation.tasks import CancelToken

log = logging.getLogger(__name__)

EVENT_KINDS = frozenset(
    {
        # the counter's life cycle (workstation.lifecycle)
        MessageKind.SUPPLEMENT_REQUESTED,
        MessageKind.SUPPLEMENT_RECEIVED,
        MessageKind.DOSSIER_REFUSED,
        MessageKind.DOSSIER_EXTENDED,
        MessageKind.DOSSIER_STOPPED,
        # on the citizen's behalf and the end of the dossier at the counter
        MessageKind.DOSSIER_SUBMITTED_ONLINE,
        MessageKind.PAYMENT_RECORDED,
        MessageKind.RESULT_HANDED_OVER,
        MessageKind.RATING_RECORDED,
    }
)
"""Kinds sent as events of a dossier the central system already holds."""


@dataclass
class SyncReport:
    """What a run did and what is left: the ``workstation sync`` answer."""

    sent: int = 0
    waiting: int = 0
    needs_attention: list[dict[str, Any]] = field(default_factory=list)
    pulled: dict[str, Any] = field(default_factory=dict)
    """What came back (``catalogue_updated``, ``targets_updated``, ``statuses_applied``,
    ``codes_leased``)."""

    def as_json(self) -> dict[str, Any]:
        answer = {
            "sent": self.sent,
            "waiting": self.waiting,
            "needs_attention": self.needs_attention,
        }
        return {**answer, "received": self.pulled} if self.pulled else answer


class Sender:
    """Sends what the outbox holds through a :class:`CentralClient`."""

    def __init__(
        self,
        database: Database,
        blobs: BlobStore,
        client: CentralClient,
        *,
        first_delay: timedelta = timedelta(seconds=30),
        longest_delay: timedelta = timedelta(hours=1),
        rng: random.Random | None = None,
        lease: timedelta = outbox.CLAIM_LEASE,
    ) -> None:
        self.database = database
        self.blobs = blobs
        self.client = client
        self.first_delay = first_delay
        self.longest_delay = longest_delay
        self.rng = rng or random.Random()
        self.lease = lease

    def send_due(self, *, batch: int = 10, token: CancelToken | None = None) -> int:
        """Send every message due now; return how many were acknowledged.

        Raises :class:`Unreachable` or :class:`NotSignedIn` after putting the
        message in hand back to wait. Raises :class:`Cancelled` once ``token``
        is set, checked between messages and between upload chunks, after
        handing back the messages claimed and not finished.
        """
        sent = 0
        while True:
            _check(token, sent)
            with self.database.transaction() as session:
                claimed = outbox.claim_next(session, limit=batch, lease=self.lease)
            if not claimed:
                return sent
            for index, entry in enumerate(claimed):
                try:
                    _check(token, sent)
                    sent += self._send_one(entry, token)
                except (Unreachable, NotSignedIn):
                    self._release(claimed[index + 1 :])
                    raise
                except Cancelled:
                    self._release(claimed[index:])
                    raise

    def _send_one(self, entry: OutboxEntry, token: CancelToken | None = None) -> int:
        try:
            self._deliver(entry, token)
        except (Unreachable, NotSignedIn) as exc:
            self._wait(entry, exc.code, now=True)
            raise
        except Retryable as exc:
            self._wait(entry, exc.params.get("reason") or exc.code)
            return 0
        except (Refused, StoreError) as exc:  # refused, or a stored file missing or unreadable
            reason = exc.params.get("reason") or exc.code
            log.warning("message %s (%s) needs the officer: %s", entry.id, entry.kind, reason)
            with self.database.transaction() as session:
                outbox.mark_needs_attention(session, entry.message_id, reason)
            return 0
        with self.database.transaction() as session:
            outbox.mark_sent(session, entry.message_id)
        log.info("message %s (%s) sent", entry.id, entry.kind)
        return 1

    def _deliver(self, entry: OutboxEntry, token: CancelToken | None) -> None:
        payload = {k: v for k, v in entry.payload.items()}
        key = entry.message_id
        if entry.kind == MessageKind.DOSSIER_CREATED:
            self._send_files(payload, token)
            self.client.create_dossier(payload, key)
        elif entry.kind in (
            MessageKind.DOSSIER_STATUS_CHANGED,
            MessageKind.DOSSIER_STATUS_RECEIVED,  # the same status again: no news there
        ):
            self.client.set_status(entry.entity_id, int(payload["status"]), key)
        elif entry.kind == MessageKind.DOSSIER_DELETED:
            self.client.delete_dossier(entry.entity_id, key)
        elif entry.kind in EVENT_KINDS:
            self.client.add_event(entry.entity_id, entry.kind, payload, key)
        elif entry.kind == MessageKind.DOCUMENT_ADDED:
            self._send_document(payload, token)
            self.client.add_document(entry.entity_id, payload, key)
        elif entry.kind == MessageKind.DOCUMENT_SIGNED:
            self._send_document(payload, token)
            self.client.add_signed_document(entry.entity_id, payload, key)
        elif entry.kind == MessageKind.ARCHIVE_RECORD:
            document = payload["document"]
            self._upload({document["sha256"]: int(document["size_bytes"])}, token)
            record = {k: payload[k] for k in ("batch", "position", "record", "warnings")}
            record["pages"] = document["page_count"]
            self.client.add_archive_record(
                entry.entity_id, None, record, key, sha256=document["sha256"]
            )
        elif entry.kind == MessageKind.AUDIT_HEAD:
            self.client.add_audit_head(payload, key)
        else:
            raise Refused(f"no way to send a {entry.kind} message", reason=f"kind {entry.kind}")

    def _send_files(self, payload: dict[str, Any], token: CancelToken | None) -> None:
        """Tell the server every file's SHA-256; upload only those it lacks."""
        sizes: dict[str, int] = {}
        for component in payload.get("components", []):
            for document in component.get("documents", []):
                sizes[document["sha256"]] = int(document["size_bytes"])
        self._upload(sizes, token)

    def _send_document(self, payload: dict[str, Any], token: CancelToken | None) -> None:
        """Upload the one file of a ``document.*`` message, unless the server holds it."""
        document = payload["document"]
        self._upload({document["sha256"]: int(document["size_bytes"])}, token)

    def _upload(self, sizes: dict[str, int], token: CancelToken | None) -> None:
        """Upload, of the files named by SHA-256 with their sizes, those the server lacks."""
        for digest in self.client.missing_files(sorted(sizes)):
            self.client.upload_file(
                digest,
                sizes[digest],
                lambda d=digest: self.blobs.open(d),
                f"upload:{digest}",
                token=token,
            )

    def _wait(self, entry: OutboxEntry, reason: str, *, now: bool = False) -> None:
        moment = datetime.now(UTC)
        delay = timedelta(0) if now else self.delay(entry.attempts)
        log.info(
            "message %s (%s) waits %.1f s: %s", entry.id, entry.kind, delay.total_seconds(), reason
        )
        with self.database.transaction() as session:
            outbox.record_failure(session, entry.message_id, reason, moment + delay)

    def _release(self, entries: list[OutboxEntry]) -> None:
        """Hand claimed but unfinished messages back, due at once, their attempt not counted."""
        if not entries:
            return
        with self.database.transaction() as session:
            for entry in entries:
                outbox.release(session, entry.message_id)

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff with jitter: half to all of the doubled delay."""
        ceiling = outbox.backoff(attempts, first=self.first_delay, longest=self.longest_delay)
        return ceiling * self.rng.uniform(0.5, 1.0)


def _check(token: CancelToken | None, sent: int) -> None:
    """Raise :class:`Cancelled` if ``token`` is set (``sent`` so far goes to the log)."""
    if token is not None and token.cancelled:
        log.info("sending round cancelled after %d sent", sent)
        raise Cancelled()


def report(database: Database, sent: int = 0) -> SyncReport:
    """How many wait and which need the officer (with the dossier code and the reason)."""
    with database.reading() as session:
        waiting = outbox.count_pending(session)
        stuck = outbox.needing_attention(session, limit=1000)
    return SyncReport(
        sent=sent,
        waiting=waiting,
        needs_attention=[
            {
                "id": e.id,
                "dossier_code": e.payload.get("code") or e.entity_id,
                "reason": e.last_error,
            }
            for e in stuck
        ],
    )
