"""Retention: keep citizens' files and personal data on this workstation no longer than needed.

The Personal Data Protection Law asks for storage bound to its purpose. The
central system keeps a dossier's files once it has confirmed them, so the
workstation's copies can go after a period; the periods, per kind, are
settings (``retention_scans_days``, ``retention_results_days``,
``retention_exports_days``; 0 keeps everything of that kind).

- **Files of a dossier** (``scans``: component documents and their page images;
  ``results``: result documents, signed or not) go once the dossier is finished
  (a final status: not received, withdrawn, stopped, result returned), every
  message of the dossier has been acknowledged by the central system, the file
  itself travelled in an acknowledged message, and the kind's period has passed
  since the later of that confirmation and the finish. The document's row stays
  (``removed_at``): the detail says the central system holds it.
- **Personal data** of such a dossier (names, ID numbers, addresses, phones,
  e-mails, file names, reasons; the payloads of its acknowledged messages) is
  forgotten once the longer of the scans and results periods has passed since
  the finish and the last confirmation (0 in either keeps it). Codes, status,
  dates, fees and counts stay, so the counter's statistics still add up.
- **Stale working files**: pages scanned into a component (``capture/into-*``)
  and scanned hand-over authorisations (``handovers/authorisations``) older than
  the scans period, and files in the ``exports`` folder older than the exports
  period. These are working copies: what they hold is in the store (and thus
  under the rules above) or was never received.

Nothing the central system has not confirmed is removed: a dossier with a
message still waiting keeps everything. Each removal is recorded in the audit
log (``retention.purge`` per file, ``retention.forget`` per dossier,
``retention.clean`` per working folder) in the transaction that records it;
blobs are deleted after that transaction commits, and one left behind by a
crash is deleted at the next run.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from workstation.config import Settings
from workstation.store import BlobStore, Database
from workstation.store import retention as store
from workstation.store.retention import KINDS, RESULTS, SCANS, Holding

log = logging.getLogger(__name__)

EXPORTS = "exports"
CAPTURE = "capture"
AUTHORISATIONS = "authorisations"
FOLDER_KEYS = (CAPTURE, AUTHORISATIONS, EXPORTS)
CLAIM_GRACE = timedelta(hours=1)
"""A blob stored again this recently may be about to belong to a new dossier: it stays."""


@dataclass(frozen=True)
class Periods:
    """Days each kind is kept once it may go (0: kept until deleted by hand)."""

    scans: int = 0
    results: int = 0
    exports: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Periods:
        return cls(
            scans=settings.retention_scans_days,
            results=settings.retention_results_days,
            exports=settings.retention_exports_days,
        )

    def days(self, kind: str) -> int:
        return {SCANS: self.scans, RESULTS: self.results, EXPORTS: self.exports}[kind]

    @property
    def personal_data(self) -> int:
        """Days personal data is kept after a dossier is finished: the longer file period,
        0 (kept) when either file period keeps its files."""
        return 0 if 0 in (self.scans, self.results) else max(self.scans, self.results)


@dataclass(frozen=True)
class KindHeld:
    """One kind of a dossier's files: how much is held here and when it may go."""

    kind: str
    files: int  # documents still held here
    page_images: int
    bytes: int
    confirmed: int  # of ``files``, those the central system has confirmed
    due: int  # of ``files``, those whose period has passed (removed by the next apply)
    removed: int  # documents whose local copy is gone already
    removable_from: datetime | None  # when the last held file may go; None: kept
    days_left: int | None  # whole days until then (0: due now); None: kept
    reason: str  # kept | unfinished | unconfirmed | waiting | due | removed | none

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "removable_from": _iso(self.removable_from)}


@dataclass(frozen=True)
class DossierHeld:
    """What is held of one dossier, and why."""

    dossier_id: str
    number: int
    code: str | None
    status: int
    finished: bool
    unsent_messages: int
    personal_data: str  # held | forgotten
    forget_from: datetime | None  # when its personal data may be forgotten; None: kept
    forget_days_left: int | None  # whole days until then (0: due now); None: kept
    kinds: tuple[KindHeld, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in asdict(self).items() if k != "kinds"},
            "forget_from": _iso(self.forget_from),
            "kinds": [k.as_json() for k in self.kinds],
        }


@dataclass(frozen=True)
class FolderHeld:
    """A working folder: its entries (files or capture folders), bytes, and how many are due."""

    key: str
    entries: int
    bytes: int
    due: int
    period_days: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    """What the workstation holds locally and why (``workstation retention report``)."""

    at: datetime
    periods: Periods
    dossiers: tuple[DossierHeld, ...]
    folders: tuple[FolderHeld, ...]

    def totals(self) -> dict[str, dict[str, int]]:
        """Per kind: files and bytes held, confirmed, and due now."""
        totals = {k: {"files": 0, "bytes": 0, "confirmed": 0, "due": 0} for k in KINDS}
        for dossier in self.dossiers:
            for kind in dossier.kinds:
                total = totals[kind.kind]
                total["files"] += kind.files
                total["bytes"] += kind.bytes
                total["confirmed"] += kind.confirmed
                total["due"] += kind.due
        return totals

    def as_json(self) -> dict[str, Any]:
        personal = [d for d in self.dossiers if d.personal_data == "held"]
        return {
            "at": _iso(self.at),
            "periods": asdict(self.periods),
            "totals": self.totals(),
            "personal_data": {
                "held": len(personal),
                "forgotten": len(self.dossiers) - len(personal),
                "due": sum(1 for d in personal if d.forget_from and d.forget_from <= self.at),
            },
            "folders": [f.as_json() for f in self.folders],
            "dossiers": [d.as_json() for d in self.dossiers],
        }


@dataclass
class Purge:
    """What one run of :func:`apply` removed (counts only, never names)."""

    files: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    bytes: int = 0
    blobs: int = 0
    forgotten: int = 0
    printed: int = 0  # receipts, hand-over records and forms of forgotten dossiers
    folders: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FOLDER_KEYS, 0))

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def anything(self) -> bool:
        return bool(sum(self.files.values()) or self.blobs or self.forgotten) or bool(
            sum(self.folders.values())
        )


def report(
    database: Database, data: Path, periods: Periods, *, now: datetime | None = None
) -> Report:
    """What is held locally of each dossier and in the working folders, and when it may go."""
    moment = now or datetime.now(UTC)
    with database.reading() as session:
        held = store.holdings(session)
    return Report(
        at=moment,
        periods=periods,
        dossiers=tuple(_dossier_held(h, periods, moment) for h in held),
        folders=tuple(_folder_held(key, data, periods, moment) for key in FOLDER_KEYS),
    )


def apply(
    database: Database,
    blobs: BlobStore,
    data: Path,
    periods: Periods,
    *,
    now: datetime | None = None,
    claim_grace: timedelta = CLAIM_GRACE,
) -> Purge:
    """Remove what is due (see the module's text); return what went.

    Each dossier is decided again inside its own write transaction, so a message
    queued meanwhile keeps its files. Blobs go after the transactions commit,
    only when nothing else still needs them.
    """
    moment = now or datetime.now(UTC)
    purge = Purge()
    if periods.scans or periods.results:
        _apply_to_dossiers(database, data, periods, moment, purge)
        purge.blobs = _discard_blobs(database, blobs, claim_grace)
    for key in FOLDER_KEYS:
        due = _due_entries(key, data, periods, moment)
        if due:
            with database.transaction() as session:  # the entry stands with the removal
                store.record_cleaned(session, key)
                purge.folders[key] = _remove_entries(key, due)
    if purge.anything:
        log.info(
            "retention: removed %d scan(s), %d result(s), %d blob(s); forgot %d dossier(s); "
            "cleaned %d working entr(ies)",
            purge.files[SCANS],
            purge.files[RESULTS],
            purge.blobs,
            purge.forgotten,
            sum(purge.folders.values()),
        )
    return purge


def _apply_to_dossiers(
    database: Database, data: Path, periods: Periods, moment: datetime, purge: Purge
) -> None:
    """Each dossier with something due, decided again in its own write transaction."""
    with database.reading() as session:
        candidates = [
            h.dossier_id for h in store.holdings(session) if _anything_due(h, periods, moment)
        ]
    for dossier_id in candidates:
        with database.transaction() as session:
            [holding] = store.holdings(session, [dossier_id]) or [None]
            if holding is None:
                continue
            for held in _due_files(holding, periods, moment):
                store.mark_removed(session, dossier_id, held.document_id, moment)
                purge.files[held.kind] += 1
                purge.bytes += held.size_bytes
            forms = None
            if _forget_due(holding, periods, moment):
                forms = store.forget_personal_data(session, dossier_id, moment)
                purge.forgotten += 1
        if forms is not None:  # committed: its printouts, which name the citizen, go too
            purge.printed += _remove_printed(data, holding.code, forms)


# Deciding ----------------------------------------------------------------------


def _file_clock(holding: Holding, confirmed_at: datetime) -> datetime:
    assert holding.finished_at is not None
    return max(confirmed_at, holding.finished_at)


def _file_due_at(holding: Holding, held: store.HeldFile, periods: Periods) -> datetime | None:
    """When ``held`` may go; None while it must stay whatever the time."""
    days = periods.days(held.kind)
    if days <= 0 or not holding.finished or holding.unsent or held.confirmed_at is None:
        return None
    return _file_clock(holding, held.confirmed_at) + timedelta(days=days)


def _due_files(holding: Holding, periods: Periods, now: datetime) -> list[store.HeldFile]:
    return [
        held
        for held in holding.files
        if held.removed_at is None
        and (due := _file_due_at(holding, held, periods)) is not None
        and due <= now
    ]


def _forget_from(holding: Holding, periods: Periods) -> datetime | None:
    days = periods.personal_data
    if days <= 0 or holding.finished_at is None or holding.unsent or holding.forgotten_at:
        return None
    clock = max(holding.finished_at, holding.last_sent_at or holding.finished_at)
    return clock + timedelta(days=days)


def _forget_due(holding: Holding, periods: Periods, now: datetime) -> bool:
    due = _forget_from(holding, periods)
    return due is not None and due <= now


def _anything_due(holding: Holding, periods: Periods, now: datetime) -> bool:
    return bool(_due_files(holding, periods, now)) or _forget_due(holding, periods, now)


def _dossier_held(holding: Holding, periods: Periods, now: datetime) -> DossierHeld:
    return DossierHeld(
        dossier_id=holding.dossier_id,
        number=holding.number,
        code=holding.code,
        status=int(holding.status),
        finished=holding.finished,
        unsent_messages=holding.unsent,
        personal_data="forgotten" if holding.forgotten_at else "held",
        forget_from=_forget_from(holding, periods),
        forget_days_left=_days_left(_forget_from(holding, periods), now),
        kinds=tuple(_kind_held(holding, kind, periods, now) for kind in KINDS),
    )


def _kind_held(holding: Holding, kind: str, periods: Periods, now: datetime) -> KindHeld:
    files = [f for f in holding.files if f.kind == kind]
    held = [f for f in files if f.removed_at is None]
    due_times = [_file_due_at(holding, f, periods) for f in held]
    removable_from = None if not held or None in due_times else max(due_times)  # type: ignore[type-var]
    if not files:
        reason = "none"
    elif not held:
        reason = "removed"
    elif periods.days(kind) <= 0:
        reason = "kept"
    elif not holding.finished:
        reason = "unfinished"
    elif holding.unsent or any(f.confirmed_at is None for f in held):
        reason = "unconfirmed"
    elif removable_from is not None and removable_from <= now:
        reason = "due"
    else:
        reason = "waiting"
    return KindHeld(
        kind=kind,
        files=len(held),
        page_images=sum(len(f.page_images) for f in held),
        bytes=sum(f.size_bytes for f in held),
        confirmed=sum(1 for f in held if f.confirmed_at is not None),
        due=sum(1 for t in due_times if t is not None and t <= now),
        removed=len(files) - len(held),
        removable_from=removable_from,
        days_left=_days_left(removable_from, now),
        reason=reason,
    )


def _discard_blobs(database: Database, blobs: BlobStore, claim_grace: timedelta) -> int:
    """Delete the blobs of purged documents that nothing else needs; how many went."""
    with database.reading() as session:
        candidates = store.removed_blobs(session) - store.needed_blobs(session)
    return sum(
        1
        for digest in candidates
        if blobs.exists(digest) and blobs.discard(digest, unclaimed_for=claim_grace)
    )


# Working folders -----------------------------------------------------------------


def _folder_entries(key: str, data: Path) -> list[Path]:
    if key == CAPTURE:
        root = data / "capture"
        return sorted(p for p in root.glob("into-*") if p.is_dir()) if root.is_dir() else []
    root = data / "handovers" / "authorisations" if key == AUTHORISATIONS else data / EXPORTS
    return sorted(p for p in root.iterdir() if p.is_file() or p.is_dir()) if root.is_dir() else []


def _folder_days(key: str, periods: Periods) -> int:
    return periods.exports if key == EXPORTS else periods.scans


def _last_change(entry: Path) -> tuple[float, int]:
    """The newest modification time under ``entry`` and its size in bytes."""
    if entry.is_file():
        stat = entry.stat()
        return stat.st_mtime, stat.st_size
    newest, size = entry.stat().st_mtime, 0
    for path in entry.rglob("*"):
        stat = path.stat()
        newest = max(newest, stat.st_mtime)
        size += stat.st_size if path.is_file() else 0
    return newest, size


def _stale(key: str, data: Path, periods: Periods, now: datetime) -> list[tuple[Path, int, bool]]:
    days = _folder_days(key, periods)
    cutoff = (now - timedelta(days=days)).timestamp()
    entries = []
    for entry in _folder_entries(key, data):
        try:
            newest, size = _last_change(entry)
        except FileNotFoundError:  # removed meanwhile
            continue
        entries.append((entry, size, days > 0 and newest < cutoff))
    return entries


def _folder_held(key: str, data: Path, periods: Periods, now: datetime) -> FolderHeld:
    entries = _stale(key, data, periods, now)
    return FolderHeld(
        key=key,
        entries=len(entries),
        bytes=sum(size for _, size, _ in entries),
        due=sum(1 for *_, due in entries if due),
        period_days=_folder_days(key, periods),
    )


def _due_entries(key: str, data: Path, periods: Periods, now: datetime) -> list[Path]:
    if _folder_days(key, periods) <= 0:
        return []
    return [entry for entry, _, due in _stale(key, data, periods, now) if due]


def _remove_entries(key: str, entries: list[Path]) -> int:
    removed = 0
    for entry in entries:
        try:
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:  # (Windows) open elsewhere: next run
            log.info("retention: a %s entry stays for now (%s)", key, exc.__class__.__name__)
            continue
        removed += 1
    return removed


def _remove_printed(data: Path, code: str | None, forms: list[str]) -> int:
    """Remove the receipt, hand-over record and life-cycle forms printed for a dossier."""
    paths = [data / "forms" / name for name in forms if Path(name).name == name]
    if code:  # named as the window names them (ui/intake/receipt_step, ui/onbehalf/handover_view)
        safe = re.sub(r"[^0-9A-Za-z._-]", "_", code)
        paths += [data / "receipts" / f"{safe}.pdf", data / "handovers" / f"{safe}.pdf"]
    removed = 0
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:  # (Windows) open elsewhere: it stays, said in the log
            log.warning("retention: a printed form stays (%s)", exc.__class__.__name__)
            continue
        removed += 1
    return removed


def _days_left(moment: datetime | None, now: datetime) -> int | None:
    if moment is None:
        return None
    return max(0, math.ceil((moment - now) / timedelta(days=1)))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
