"""Scanning a stack of archive pages from a device into a batch folder, resumably.

A records clerk feeds hundreds of pages in one run. Each page the device
delivers whole (:meth:`~workstation.scan.devices.base.Device.scan`) is made
durable at once: its file is synced, renamed into the batch folder under the
next number (``page-00001.png`` …) and the folder synced, so a page is in the
batch entirely or not at all. The numbered files *are* the state: after a
crash, a power loss, a jam or an empty feeder, :func:`scan_batch` with
``resume=True`` appends the next pages after the last kept one, and
:func:`kept_pages` tells the clerk which sheet to put back first (the one after
the last kept page; sheets the feeder had taken beyond it are fed again).
Pages still arriving when the run stopped live only in ``.scan/incoming`` and
are cleared when the next run starts.

Each run is noted in ``.scan/runs.jsonl`` (when it began, the declared stack
size, how it ended, pages kept): counts and codes, nothing of the pages.
Pages per minute and time left (from the declared stack size, or from a
records file's page counts plus one separator sheet per record) go to the
caller's ``progress`` callback after every page.

The split (:func:`workstation.archive.batch.split`) then runs on the batch
folder as on any folder of scanned pages; ``.scan`` is hidden from it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workstation.archive.metadata import RecordMetadata
from workstation.errors import BadInput, Cancelled, ExternalPartError
from workstation.scan.devices.base import (
    CancelCheck,
    Device,
    DeviceError,
    DeviceOptions,
    ScanSettings,
    Source,
    never,
)

log = logging.getLogger(__name__)

SCAN_DIR = ".scan"
RUNS_FILE = "runs.jsonl"
INCOMING = "incoming"
PAGE_PATTERN = re.compile(r"page-(\d{5})(\.[A-Za-z0-9]+)$")

FEEDER_EMPTY = "device.adf_empty"
"""How a run ends when the feeder ran out of paper after pages (the normal end)."""


@dataclass(frozen=True)
class ScanProgress:
    """Where a scanning run stands: pages kept in the batch and this run's speed."""

    kept: int
    """Pages in the batch folder, every run together."""
    this_run: int
    pages_per_minute: float
    expected: int | None
    """The stack's declared size in pages (separator sheets included), if known."""
    seconds_left: float | None

    @property
    def done(self) -> int:
        return self.kept

    @property
    def total(self) -> int:
        return max(self.expected or 0, self.kept)


@dataclass(frozen=True)
class ScanOutcome:
    """How a run ended: pages kept in all, pages added by this run, and why it stopped.

    ``stopped`` is :data:`FEEDER_EMPTY` when the feeder ran out after pages (the
    normal end of a load of paper), else the device's error code
    (``device.jammed``, ``device.gone`` …); ``next_sheet`` is the sheet of the
    stack to feed first when continuing.
    """

    kept: int
    added: int
    stopped: str
    expected: int | None
    seconds: float

    @property
    def next_sheet(self) -> int:
        return self.kept + 1

    @property
    def complete(self) -> bool:
        """Whether the declared stack is all in (unknown size: whether the feeder emptied)."""
        if self.expected is not None:
            return self.kept >= self.expected
        return self.stopped == FEEDER_EMPTY

    def as_json(self) -> dict[str, Any]:
        return {
            "kept": self.kept,
            "added": self.added,
            "stopped": self.stopped,
            "expected": self.expected,
            "next_sheet": self.next_sheet,
            "complete": self.complete,
            "seconds": round(self.seconds, 1),
        }


def kept_pages(batch: Path) -> list[Path]:
    """The pages kept in ``batch``, in order (numbered 1, 2, 3 … without a gap).

    A gap or a duplicate number means the folder was changed by hand: refused
    as ``archive.scan_batch_damaged`` rather than numbering around it.
    """
    if not batch.is_dir():
        return []
    found: dict[int, Path] = {}
    for path in batch.iterdir():
        match = PAGE_PATTERN.fullmatch(path.name)
        if match is None or not path.is_file():
            continue
        number = int(match[1])
        if number in found:
            raise _damaged(batch, number)
        found[number] = path
    numbers = sorted(found)
    if numbers != list(range(1, len(numbers) + 1)):
        missing = next(n for n, m in enumerate(numbers, start=1) if n != m)
        raise _damaged(batch, missing)
    return [found[number] for number in numbers]


def _damaged(batch: Path, number: int) -> BadInput:
    return BadInput(
        f"the batch folder's page numbering is broken at page {number}",
        code="archive.scan_batch_damaged",
        page=number,
    )


def stack_size(records: list[RecordMetadata]) -> int | None:
    """Pages of a stack laid out for ``records``: each record's pages behind its separator
    sheet; None when a record's page count is not given."""
    if not records or any(record.pages is None for record in records):
        return None
    return sum(record.pages or 0 for record in records) + len(records)


def declared_size(batch: Path) -> int | None:
    """The stack size the latest run of ``batch`` declared, if any."""
    runs = _runs(batch)
    for entry in reversed(runs):
        if entry.get("expected") is not None:
            return int(entry["expected"])
    return None


def _runs(batch: Path) -> list[dict[str, Any]]:
    path = batch / SCAN_DIR / RUNS_FILE
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a crash
    return entries


def _note(batch: Path, entry: dict[str, Any]) -> None:
    folder = batch / SCAN_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / RUNS_FILE).open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover - Windows cannot open a folder to sync it
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def keep_page(source: Path, batch: Path, number: int) -> Path:
    """Make ``source`` page ``number`` of ``batch``, durably: synced, linked in, folder synced.

    The device's own file stays where it is (SANE's batch counts the files of its
    folder); the batch gets a hard link to it, or a synced copy renamed into place
    where the file system has no links.
    """
    with source.open("rb+") as f:
        os.fsync(f.fileno())
    target = batch / f"page-{number:05d}{source.suffix.lower() or '.png'}"
    try:
        os.link(source, target)
    except OSError:
        partial = batch / SCAN_DIR / f"{target.name}.part"
        shutil.copyfile(source, partial)
        with partial.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    _sync_folder(batch)
    return target


def fit_source(settings: ScanSettings, options: DeviceOptions) -> ScanSettings:
    """``settings`` with a source the device has: the profile's, else its feeder (a stack
    goes through a feeder), else what it offers first."""
    if settings.source in options.sources or not options.sources:
        return settings
    for source in (Source.ADF, Source.ADF_DUPLEX, *options.sources):
        if source in options.sources:
            return replace(settings, source=source)
    return settings  # pragma: no cover - the loop ends on a source the device has


def scan_progress(kept: int, this_run: int, elapsed_s: float, expected: int | None) -> ScanProgress:
    """Pages per minute of a run that kept ``this_run`` pages in ``elapsed_s``, and the time
    left until ``kept`` reaches ``expected`` at that pace (None when the size is unknown)."""
    rate = this_run / max(elapsed_s, 1e-6) * 60
    left = None
    if expected is not None and rate > 0:
        left = round(max(expected - kept, 0) / rate * 60, 1)
    return ScanProgress(kept, this_run, round(rate, 1), expected, left)


def scan_batch(
    device: Device,
    settings: ScanSettings,
    batch: Path,
    *,
    resume: bool = False,
    expected: int | None = None,
    progress: Callable[[ScanProgress], None] | None = None,
    cancelled: CancelCheck = never,
) -> ScanOutcome:
    """Scan pages from ``device`` into ``batch``, each kept durably as it arrives.

    A batch that already holds pages is continued only with ``resume`` (else
    ``archive.scan_batch_exists``): the new pages are numbered after the last
    kept one. ``expected`` (the stack's size in pages) gives the time left; a
    resumed run without it takes the size an earlier run declared. A device
    failure ends the run with the pages kept and is told in the outcome, not
    raised; :class:`~workstation.errors.Cancelled` (asked between pages) is
    raised after the pages already kept were noted.
    """
    batch.mkdir(parents=True, exist_ok=True)
    pages = kept_pages(batch)
    if pages and not resume:
        raise BadInput(
            "the batch folder already holds scanned pages (continue it, or choose another)",
            code="archive.scan_batch_exists",
            pages=len(pages),
        )
    if expected is None:
        expected = declared_size(batch)
    incoming = batch / SCAN_DIR / INCOMING
    shutil.rmtree(incoming, ignore_errors=True)  # pages of a run that stopped before keeping them
    incoming.mkdir(parents=True)
    kept = len(pages)
    first = kept + 1
    runs = sum(1 for entry in _runs(batch) if "started" in entry)
    _note(batch, {"run": runs + 1, "started": _now(), "first_page": first, "expected": expected})
    log.info("archive scan run %d: %d page(s) kept before", runs + 1, kept)
    started = time.perf_counter()
    stopped = FEEDER_EMPTY
    pages_in = device.scan(settings, incoming, cancelled)
    try:
        for page in pages_in:
            try:
                keep_page(page.path, batch, kept + 1)
            except OSError as exc:  # a full disk, a folder gone: stop here, every kept page stays
                raise ExternalPartError(
                    f"page {kept + 1} could not be written to the batch folder: "
                    f"{exc.__class__.__name__}",
                    code="archive.scan_write_failed",
                    page=kept + 1,
                ) from exc
            kept += 1
            if progress is not None:
                elapsed = time.perf_counter() - started
                progress(scan_progress(kept, kept - first + 1, elapsed, expected))
            if cancelled():
                raise Cancelled()
    except DeviceError as exc:
        stopped = exc.code  # an empty feeder before any page is told the same way
        log.warning("archive scan run stopped: [%s] after %d page(s)", exc.code, kept - first + 1)
    except Cancelled:
        _note(batch, {"run": runs + 1, "ended": "cancelled", "kept": kept})
        raise
    finally:
        close = getattr(pages_in, "close", None)
        if close is not None:
            close()  # stops the device now (SANE's scanimage), not when the generator is freed
        shutil.rmtree(incoming, ignore_errors=True)
    _note(batch, {"run": runs + 1, "ended": stopped, "kept": kept})
    return ScanOutcome(kept, kept - first + 1, stopped, expected, time.perf_counter() - started)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
