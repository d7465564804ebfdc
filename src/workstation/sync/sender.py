"""The sender: drains the store's outbox into the central system, once per message.

Messages are claimed with the outbox's own API (:func:`~workstation.store.outbox.claim_next`),
a batch at a time in one local transaction, at most one per dossier, so they go in
order per dossier and a crashed sender's claims come back after their lease. Each
is sent with its ``message_id`` as the Idempotency-Key on every attempt, so a retry
after a lost answer changes nothing twice. The batch's files go first: the server
is told their SHA-256 in one question and only what it lacks travels, streamed from
the blob store by tus (resuming where a break left off; a small file's bytes ride
on its creation). Then the batch's writes go in one request (``POST /v1/batch``),
each answered on its own, and what became of every message is recorded in one
local transaction. A crash before that record loses nothing: the claims lapse and
the writes go again under the same keys, answered from what the server stored.

Failures are sorted: :class:`~workstation.sync.client.Retryable` ones wait an
exponentially growing, jittered delay; :class:`~workstation.sync.client.Refused`
ones wait for the officer with the reason. An unreachable server or a lapsed
sign-in stops the run (every other message would fail the same way) and is
raised to the caller; the messages in hand wait for the next run.

A run given a :class:`~workstation.tasks.CancelToken` (the window's sending
worker, when the window closes) checks it between messages and between a file's
upload chunks: once it is set, every message claimed and not yet acknowledged
goes back to the queue unfinished, their attempt not counted, and
:class:`~workstation.errors.Cancelled` is raised. What the server already
acknowledged stays sent; a file cut short resumes where it stopped next time.
"""

from __future__ import annotations

import logging
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from workstation.errors import Cancelled, StoreError
from workstation.store import BlobStore, Database, outbox
from workstation.store.blobs import sha256_of
from workstation.store.outbox import MessageKind, OutboxEntry
from workstation.sync.client import (
    MANY_BYTES,
    MANY_FILES,
    CentralClient,
    NotSignedIn,
    Refused,
    Retryable,
    Unreachable,
    Write,
)
from workstation.tasks import CancelToken

log = logging.getLogger(__name__)

SMALL_FILE = 1 << 20
"""Files up to this size go many to a request, before the rest."""
PARALLEL_UPLOADS = 3
"""How many requests of small files are sent at once: the client's
:meth:`~workstation.sync.client.CentralClient.upload_files` (and ``upload_file`` for
a request refused) is called from as many threads, for different files."""
FLUSH_BYTES = 8 << 20
"""After this many bytes of files, the writes of the messages whose files went are sent
and recorded before the next file: a batch of big files is acknowledged one by one."""

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
        parallel_uploads: int = PARALLEL_UPLOADS,
    ) -> None:
        self.database = database
        self.blobs = blobs
        self.client = client
        self.first_delay = first_delay
        self.longest_delay = longest_delay
        self.rng = rng or random.Random()
        self.lease = lease
        self.parallel_uploads = parallel_uploads

    def send_due(self, *, batch: int = 50, token: CancelToken | None = None) -> int:
        """Send every message due now; return how many were acknowledged.

        Messages are claimed ``batch`` at a time in one local transaction; their files go
        first (one question for which the server lacks), then their writes in one request,
        and what became of each is recorded in one local transaction. Raises
        :class:`Unreachable` or :class:`NotSignedIn` after putting the messages in hand
        back to wait. Raises :class:`Cancelled` once ``token`` is set, checked between
        messages and between upload chunks, after handing back the messages claimed and
        not acknowledged.
        """
        sent = 0
        while True:
            _check(token, sent)
            with self.database.transaction() as session:
                claimed = outbox.claim_next(session, limit=batch, lease=self.lease)
            if not claimed:
                return sent
            sent += self._send_claimed(claimed, token)

    def _send_claimed(self, claimed: list[OutboxEntry], token: CancelToken | None) -> int:
        """Send messages claimed together (at most one per dossier, so the order among them
        does not matter): the files they need, then their writes as one batch, written
        (and recorded) early whenever :data:`FLUSH_BYTES` of files went since the last."""
        outcome = _Outcome()
        sent = 0
        try:
            try:
                missing = self._missing(claimed)
            except (Unreachable, NotSignedIn) as exc:
                outcome.wait(claimed[0], exc.code, now=True)
                outcome.released += claimed[1:]
                raise
            except Retryable as exc:
                for entry in claimed:
                    outcome.wait(entry, exc.params.get("reason") or exc.code)
                return 0
            failed = self._upload_small(claimed, missing, token)
            uploaded = 0
            for index, entry in enumerate(claimed):
                try:
                    _check(token, sent)
                    write = _write_for(entry)
                    for digest in sorted(_files_of(entry)):
                        if digest in failed:
                            raise failed[digest]
                    uploaded += self._upload(_files_of(entry), missing, token)
                except (Unreachable, NotSignedIn) as exc:
                    outcome.wait(entry, exc.code, now=True)
                    outcome.hand_back(claimed[index + 1 :])
                    raise
                except Cancelled:
                    outcome.hand_back(claimed[index:])
                    raise
                except Retryable as exc:
                    outcome.wait(entry, exc.params.get("reason") or exc.code)
                except (Refused, StoreError) as exc:  # refused; a stored file missing, unreadable
                    outcome.attention(entry, exc.params.get("reason") or exc.code)
                else:
                    outcome.ready.append((entry, write))
                if uploaded >= FLUSH_BYTES and index + 1 < len(claimed):
                    try:
                        self._write(outcome, token)
                    except (Unreachable, NotSignedIn, Cancelled):
                        outcome.hand_back(claimed[index + 1 :])
                        raise
                    done, outcome, uploaded = outcome, _Outcome(), 0
                    sent += self._record(done)
            self._write(outcome, token)
        finally:
            sent += self._record(outcome)
        return sent

    def _write(self, outcome: _Outcome, token: CancelToken | None) -> None:
        """Send the writes of the messages whose files are there (``outcome.ready``) in one
        batch, and sort each by its answer."""
        if not outcome.ready:
            return
        entries = [e for e, _ in outcome.ready]
        try:
            _check(token, 0)
            answers = self.client.write_batch([w for _, w in outcome.ready])
        except (Unreachable, NotSignedIn) as exc:
            outcome.ready = []
            for entry in entries:
                outcome.wait(entry, exc.code, now=True)
            raise
        except Cancelled:
            outcome.hand_back([])
            raise
        except (Retryable, Refused) as exc:
            answers = [exc] * len(entries)
        outcome.ready = []
        for entry, answer in zip(entries, answers, strict=True):
            if answer is None:
                outcome.sent.append(entry)
            elif isinstance(answer, Retryable):
                outcome.wait(entry, answer.params.get("reason") or answer.code)
            else:
                outcome.attention(entry, getattr(answer, "params", {}).get("reason") or str(answer))

    def _missing(self, claimed: list[OutboxEntry]) -> set[str]:
        """Which files of these messages the server lacks (one question for them all)."""
        digests = sorted({d for entry in claimed for d in _files_of(entry)})
        return set(self.client.missing_files(digests)) if digests else set()

    def _upload_small(
        self, claimed: list[OutboxEntry], missing: set[str], token: CancelToken | None
    ) -> dict[str, Exception]:
        """Upload the small files of these messages that the server lacks, many to a request
        (:meth:`~workstation.sync.client.CentralClient.upload_files`), several requests at
        once when there are more; return what failed, by SHA-256. A request refused goes
        again a file at a time, so a file at fault holds back only its own messages. Big
        files go later, one at a time."""
        sizes = {
            digest: size
            for entry in claimed
            for digest, size in _files_of(entry).items()
            if digest in missing and size <= SMALL_FILE
        }
        if not sizes:
            return {}
        bundles: list[list[str]] = [[]]
        held = 0
        for digest in sorted(sizes):
            if len(bundles[-1]) >= MANY_FILES or held + sizes[digest] > MANY_BYTES:
                bundles.append([])
                held = 0
            bundles[-1].append(digest)
            held += sizes[digest]

        def upload(digest: str) -> None:
            opener = lambda: self.blobs.open(digest)  # noqa: E731
            self.client.upload_file(digest, sizes[digest], opener, f"upload:{digest}", token=token)

        def send(bundle: list[str]) -> dict[str, Exception]:
            """Send one bundle; what failed, by SHA-256."""
            if token is not None:
                token.raise_if_cancelled()
            failed: dict[str, Exception] = {}
            files = []
            for digest in bundle:
                try:
                    files.append((digest, self._read_small(digest, sizes[digest])))
                except (StoreError, Refused) as exc:
                    failed[digest] = exc
            if not files:
                return failed
            names = " ".join(digest for digest, _ in files)
            try:
                self.client.upload_files(files, "files:" + sha256_of(names.encode()))
            except (Unreachable, NotSignedIn, Cancelled) as exc:
                return {**failed, **{digest: exc for digest, _ in files}}
            except (Retryable, Refused):  # one of them at fault? each alone
                for digest, _ in files:
                    try:
                        upload(digest)
                    except Exception as exc:
                        failed[digest] = exc
            return failed

        failed: dict[str, Exception] = {}
        workers = min(self.parallel_uploads, len(bundles))
        with ThreadPoolExecutor(workers, thread_name_prefix="upload") as pool:
            for bundle, future in [(b, pool.submit(send, b)) for b in bundles]:
                problem = future.exception()
                if problem is None:
                    failed.update(future.result())
                elif isinstance(problem, Exception):
                    failed.update(dict.fromkeys(bundle, problem))
                else:
                    raise problem
        missing.difference_update(d for d in sizes if d not in failed)
        return failed

    def _read_small(self, digest: str, size: int) -> bytes:
        """A small stored file's bytes (as many as its message says it has)."""
        with self.blobs.open(digest) as source:
            data = source.read(size)
        if len(data) != size:
            raise Refused("a stored file is shorter than recorded", code="sync.file_short")
        return data

    def _upload(self, sizes: dict[str, int], missing: set[str], token: CancelToken | None) -> int:
        """Upload, of the files named by SHA-256 with their sizes, those the server lacks
        (a file shared by several messages travels once); return their bytes."""
        uploaded = 0
        for digest in sorted(sizes):
            if digest not in missing:
                continue
            self.client.upload_file(
                digest,
                sizes[digest],
                lambda d=digest: self.blobs.open(d),
                f"upload:{digest}",
                token=token,
            )
            missing.discard(digest)
            uploaded += sizes[digest]
        return uploaded

    def _record(self, outcome: _Outcome) -> int:
        """What became of each message, in one local transaction; return how many were sent."""
        outcome.hand_back([])  # ready and never written: not attempted
        if outcome.empty:
            return 0
        moment = datetime.now(UTC)
        with self.database.transaction() as session:
            outbox.mark_all_sent(session, [entry.message_id for entry in outcome.sent])
            for entry, reason, now in outcome.waiting:
                delay = timedelta(0) if now else self.delay(entry.attempts)
                outbox.record_failure(session, entry.message_id, reason, moment + delay)
            for entry, reason in outcome.needs_attention:
                outbox.mark_needs_attention(session, entry.message_id, reason)
            for entry in outcome.released:
                outbox.release(session, entry.message_id)
        for entry, reason in outcome.needs_attention:
            log.warning("message %s (%s) needs the officer: %s", entry.id, entry.kind, reason)
        for entry, reason, _now in outcome.waiting:
            log.info("message %s (%s) waits: %s", entry.id, entry.kind, reason)
        log.info(
            "%d sent, %d waiting, %d for the officer, %d handed back",
            len(outcome.sent), len(outcome.waiting), len(outcome.needs_attention),
            len(outcome.released),
        )  # fmt: skip
        return len(outcome.sent)

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff with jitter: half to all of the doubled delay."""
        ceiling = outbox.backoff(attempts, first=self.first_delay, longest=self.longest_delay)
        return ceiling * self.rng.uniform(0.5, 1.0)


@dataclass
class _Outcome:
    """What became of the messages of one claim, recorded together."""

    sent: list[OutboxEntry] = field(default_factory=list)
    waiting: list[tuple[OutboxEntry, str, bool]] = field(default_factory=list)
    needs_attention: list[tuple[OutboxEntry, str]] = field(default_factory=list)
    released: list[OutboxEntry] = field(default_factory=list)
    ready: list[tuple[OutboxEntry, Write]] = field(default_factory=list)
    """Files there, write not sent yet."""

    def hand_back(self, entries: list[OutboxEntry]) -> None:
        """``entries`` and the ready ones go back unattempted (the run stops before them)."""
        self.released += entries + [e for e, _ in self.ready]
        self.ready = []

    def wait(self, entry: OutboxEntry, reason: str, *, now: bool = False) -> None:
        self.waiting.append((entry, reason, now))

    def attention(self, entry: OutboxEntry, reason: str) -> None:
        self.needs_attention.append((entry, reason))

    @property
    def empty(self) -> bool:
        return not (self.sent or self.waiting or self.needs_attention or self.released)


def _write_for(entry: OutboxEntry) -> Write:
    """The central system's write for an outbox message (its key: the ``message_id``)."""
    payload, key, dossier = dict(entry.payload), entry.message_id, entry.entity_id
    if entry.kind == MessageKind.DOSSIER_CREATED:
        return Write(key, "dossier.create", None, payload)
    if entry.kind in (
        MessageKind.DOSSIER_STATUS_CHANGED,
        MessageKind.DOSSIER_STATUS_RECEIVED,  # the same status again: no news there
    ):
        return Write(key, "dossier.status", dossier, {"status": int(payload["status"])})
    if entry.kind == MessageKind.DOSSIER_DELETED:
        return Write(key, "dossier.delete", dossier)
    if entry.kind in EVENT_KINDS:
        return Write(key, "dossier.event", dossier, {"kind": entry.kind, "payload": payload})
    if entry.kind == MessageKind.DOCUMENT_ADDED:
        return Write(key, "dossier.document", dossier, payload)
    if entry.kind == MessageKind.DOCUMENT_SIGNED:
        return Write(key, "dossier.signed_document", dossier, payload)
    if entry.kind == MessageKind.ARCHIVE_RECORD:
        document = payload["document"]
        record = {k: payload[k] for k in ("batch", "position", "record", "warnings")}
        record["pages"] = document["page_count"]
        body = {"id": dossier, "dossier_id": None, "record": record, "sha256": document["sha256"]}
        return Write(key, "archive_record.create", None, body)
    if entry.kind == MessageKind.AUDIT_HEAD:
        body = {k: payload.get(k) for k in ("workstation", "count", "head", "at")}
        return Write(key, "audit_head.add", None, body)
    raise Refused(f"no way to send a {entry.kind} message", reason=f"kind {entry.kind}")


def _files_of(entry: OutboxEntry) -> dict[str, int]:
    """The files a message needs on the server first: SHA-256 to size."""
    payload = entry.payload
    if entry.kind == MessageKind.DOSSIER_CREATED:
        return {
            d["sha256"]: int(d["size_bytes"])
            for c in payload.get("components", [])
            for d in c.get("documents", [])
        }
    if entry.kind in (
        MessageKind.DOCUMENT_ADDED,
        MessageKind.DOCUMENT_SIGNED,
        MessageKind.ARCHIVE_RECORD,
    ):
        document = payload["document"]
        return {document["sha256"]: int(document["size_bytes"])}
    return {}


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
