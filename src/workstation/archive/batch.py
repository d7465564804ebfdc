"""Splitting a scanned stack into records, resumably: one PDF/A per record.

Every input page goes through a worker process: it is classified
(:mod:`workstation.archive.detect`) and, unless it is a separator, cleaned,
recognised and encoded by the capture pipeline's own
:func:`~workstation.scan.pipeline.process_page`. The calling process keeps the
batch's state in ``OUTDIR/.batch/``: each finished page's encoded result in
its own file, then one line appended (and synced) to ``state.jsonl``. After a
crash, a power loss or a jam, running the same split again reads the state,
skips the pages already done and goes on, so no page is lost or repeated.
Once every page is done, records are cut at the separators and each is written
with :func:`~workstation.scan.pdf.write_pdf` (atomically), its sheet's metadata
in its XMP (:mod:`workstation.archive.xmp`; rewritten when the clerk's review is
stored), and ``batch.json`` lists them for review and export.

Nothing is guessed silently: a sheet that looks like a separator but decodes
nothing, a record whose page count differs from its sheet's, pages before the
first separator, a batch with no separator at all and an unreadable page are
all warnings in the report, and every page still lands in a record. So is a
page inside a record that opens a new document (the national heading near its
top, :mod:`workstation.archive.headings`): a separator missed after a plain
patch-T sheet, which states no page count, reported with its page number and
never split on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.archive.detect import Detection, detect
from workstation.archive.headings import has_national_heading
from workstation.archive.metadata import RecordMetadata, carry_over, missing_required
from workstation.archive.xmp import write_record_metadata
from workstation.errors import BadInput, ExternalPartError, WorkstationError
from workstation.scan.inputs import PageSource, load_page, page_sources
from workstation.scan.ocr import map_pages
from workstation.scan.pdf import DocumentInfo, EncodedPage, write_pdf
from workstation.scan.pipeline import DigitizeOptions, PageFailure, PageReport, process_image
from workstation.scan.policy import ColourPolicy, policy_for
from workstation.workers import default_workers, process_pool

log = logging.getLogger(__name__)

STATE_DIR = ".batch"
BATCH_FILE = "batch.json"


@dataclass(frozen=True)
class Progress:
    """Where a run stands: pages done of the batch, speed in this run, time left."""

    done: int
    total: int
    pages_per_minute: float
    seconds_left: float | None


@dataclass
class RecordResult:
    first_page: int
    last_page: int
    file: str | None
    metadata: dict[str, Any] | None
    warnings: list[str]
    pages: int

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class SplitReport:
    records: list[RecordResult]
    separators: list[int]
    warnings: list[str]
    pages: int
    resumed_pages: int = 0
    seconds: float = 0.0
    page_warnings: dict[int, list[str]] = field(default_factory=dict)

    def cli_json(self) -> dict[str, Any]:
        """What ``archive split --json`` prints, exactly the documented shape:
        ``{"records": [{"first_page", "last_page", "file", "metadata", "warnings"}],
        "separators": [...], "warnings": [...]}`` with 1-based page numbers of the input
        (an empty record, a sheet followed by no page, has null pages)."""
        return {
            "records": [
                {
                    "first_page": record.first_page or None,
                    "last_page": record.last_page or None,
                    "file": record.file,
                    "metadata": record.metadata,
                    "warnings": list(record.warnings),
                }
                for record in self.records
            ],
            "separators": list(self.separators),
            "warnings": list(self.warnings),
        }

    def as_json(self) -> dict[str, Any]:
        """What ``batch.json`` keeps for review and export: the CLI's shape, plus page counts."""
        return {
            "records": [record.as_json() for record in self.records],
            "separators": self.separators,
            "warnings": self.warnings,
            "pages": self.pages,
            "resumed_pages": self.resumed_pages,
        }


def classify_and_process(
    task: tuple[PageSource, DigitizeOptions, ColourPolicy],
) -> tuple[Detection, tuple[PageReport, EncodedPage] | PageFailure | None]:
    """One page in a worker: is it a separator; if not, the pipeline's own processing
    of the same loaded image."""
    source, options, policy = task
    try:
        started = time.perf_counter()
        image, dpi = load_page(source)
        detection = detect(image, dpi)
        if detection.kind != "page":
            return detection, None
        return detection, process_image(image, dpi, options, policy, started)
    except WorkstationError as exc:
        kind = "external" if isinstance(exc, ExternalPartError) else "input"
        return Detection("page", None, []), PageFailure(kind, exc.code, exc.detail, exc.params)


def _fingerprint(sources: list[PageSource]) -> str:
    digest = hashlib.sha256()
    for source in sources:
        stat = os.stat(source.path)
        digest.update(f"{source.path}|{source.number}|{stat.st_size}\n".encode())
    return digest.hexdigest()


class BatchState:
    """The append-only record of what was done to each input page of one batch."""

    def __init__(self, out: Path) -> None:
        self.folder = out / STATE_DIR
        self.path = self.folder / "state.jsonl"
        self.pages_dir = self.folder / "pages"

    def load(self, fingerprint: str, total: int) -> dict[int, dict[str, Any]]:
        """Pages already done (by 0-based index); starts a new state when there is none."""
        self.pages_dir.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            self._append({"batch": fingerprint, "pages": total})
            return {}
        done: dict[int, dict[str, Any]] = {}
        with self.path.open(encoding="utf-8") as f:
            lines = f.read().splitlines()
        for number, line in enumerate(lines):
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by the crash; that page is done again
            if number == 0:
                if entry.get("batch") != fingerprint:
                    raise BadInput(
                        "the output folder holds another batch's state",
                        code="archive.batch_mismatch",
                    )
                continue
            index = entry.get("page")
            if isinstance(index, int) and (entry["kind"] != "page" or self._blob(index).exists()):
                done[index] = entry
        return done

    def _blob(self, index: int) -> Path:
        return self.pages_dir / f"{index:05d}.pickle"

    def save_page(self, index: int, entry: dict[str, Any], result: Any) -> None:
        if result is not None:
            temporary = self._blob(index).with_suffix(".part")
            with temporary.open("wb") as f:
                pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, self._blob(index))
        self._append({"page": index, **entry})

    def page_result(self, index: int) -> tuple[PageReport, EncodedPage]:
        with self._blob(index).open("rb") as f:
            return pickle.load(f)

    def _append(self, entry: dict[str, Any]) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())


def split(
    inputs: list[Path],
    out: Path,
    options: DigitizeOptions,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SplitReport:
    """Split the scanned pages of ``inputs`` into records written under ``out``."""
    started = time.perf_counter()
    sources = page_sources(inputs)
    total = len(sources)
    out.mkdir(parents=True, exist_ok=True)
    state = BatchState(out)
    done = state.load(_fingerprint(sources), total)
    resumed = len(done)
    policy = policy_for(options.purpose)
    todo = [index for index in range(total) if index not in done]
    log.info("archive batch: %d pages, %d already done", total, resumed)
    if todo:
        workers = max(1, min(options.jobs or default_workers(), len(todo)))
        tasks = ((sources[index], options, policy) for index in todo)
        run_started = time.perf_counter()
        with process_pool(workers) as pool:
            for position, (detection, outcome) in map_pages(
                pool,
                classify_and_process,
                tasks,
                in_flight=workers * 2,
                cancelled=cancelled,
            ):
                index = todo[position]
                entry: dict[str, Any] = detection.as_json()
                result = None
                if isinstance(outcome, PageFailure) and outcome.kind == "external":
                    # Tesseract missing or failing is not this page's fault: stop, resume later.
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise ExternalPartError(outcome.detail, code=outcome.code, **outcome.params)
                if isinstance(outcome, PageFailure):
                    entry["kind"] = "failed"
                    entry["warnings"] = [*entry["warnings"], f"page_unreadable:{outcome.code}"]
                elif outcome is not None:
                    result = outcome
                    entry["warnings"] = [*entry["warnings"], *outcome[0].warnings]
                state.save_page(index, entry, result)
                done[index] = {"page": index, **entry}
                if progress is not None:
                    progress(_progress(len(done), total, len(done) - resumed, run_started))
    report = _assemble(out, state, done, total)
    report.resumed_pages = resumed
    report.seconds = time.perf_counter() - started
    (out / BATCH_FILE).write_text(
        json.dumps(report.as_json(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return report


def _progress(done: int, total: int, this_run: int, started: float) -> Progress:
    elapsed = max(time.perf_counter() - started, 1e-6)
    rate = this_run / elapsed * 60
    left = (total - done) / rate * 60 if rate > 0 else None
    return Progress(done, total, round(rate, 1), None if left is None else round(left, 1))


@dataclass
class _Cut:
    metadata: RecordMetadata | None
    warnings: list[str]
    pages: list[int] = field(default_factory=list)


def plan(entries: list[dict[str, Any]]) -> tuple[list[_Cut], list[int], list[str]]:
    """Records cut at the separators: (records, separator page numbers (1-based), warnings)."""
    cuts: list[_Cut] = []
    separators: list[int] = []
    warnings: list[str] = []
    previous: RecordMetadata | None = None
    for index, entry in enumerate(entries):
        if entry["kind"] in ("separator", "suspect"):
            separators.append(index + 1)
            metadata = None
            if entry.get("metadata"):
                from workstation.archive.metadata import parse_record

                metadata = carry_over(previous, parse_record(entry["metadata"], strict=False))
                previous = metadata
            notes = list(entry.get("warnings") or [])
            if metadata is not None:
                notes += [f"metadata_missing:{key}" for key in missing_required(metadata)]
            if entry["kind"] == "suspect":
                warnings.append(f"separator_unreadable:page {index + 1}")
            cuts.append(_Cut(metadata, notes))
            continue
        if not cuts:
            cuts.append(_Cut(None, ["pages_before_first_separator"]))
        cuts[-1].pages.append(index)
    if not separators:
        warnings.append("no_separators")
    return cuts, separators, warnings


def _assemble(
    out: Path, state: BatchState, done: dict[int, dict[str, Any]], total: int
) -> SplitReport:
    entries = [done[index] for index in range(total)]
    cuts, separators, warnings = plan(entries)
    records: list[RecordResult] = []
    page_warnings: dict[int, list[str]] = {}
    for number, cut in enumerate(cuts, start=1):
        notes = list(cut.warnings)
        expected = cut.metadata.pages if cut.metadata else None
        if expected is not None and expected != len(cut.pages):
            notes.append(f"page_count_mismatch:expected {expected}, found {len(cut.pages)}")
        if not cut.pages:
            notes.append("empty_record")
            records.append(RecordResult(0, 0, None, _meta(cut), notes, 0))
            continue
        good = []
        for index in cut.pages:
            page_notes = entries[index].get("warnings") or []
            if page_notes:
                page_warnings[index + 1] = list(page_notes)
            if entries[index]["kind"] == "failed":
                notes.append(f"page_unreadable:page {index + 1}")
            else:
                good.append(index)
        name = None
        if good:
            name = _file_name(number, cut.metadata)
            encoded = [state.page_result(index)[1] for index in good]
            for index, page in zip(good, encoded, strict=True):
                if index != cut.pages[0] and has_national_heading(page.words, page.pixel_height):
                    note = f"possible_missed_separator:page {index + 1}"
                    notes.append(note)
                    page_warnings.setdefault(index + 1, []).append(note)
            title = (
                cut.metadata.title if cut.metadata and cut.metadata.title else f"Record {number}"
            )
            info = DocumentInfo(
                title=title,
                dossier_code=cut.metadata.archive_code if cut.metadata else "",
                language=(cut.metadata.language if cut.metadata else "") or "vi",
            )
            write_pdf(encoded, out / name, info)
            if cut.metadata is not None:
                write_record_metadata(out / name, cut.metadata.as_json())
        records.append(
            RecordResult(
                cut.pages[0] + 1, cut.pages[-1] + 1, name, _meta(cut), notes, len(cut.pages)
            )
        )
    for record in records:
        warnings.extend(
            f"record {record.first_page}-{record.last_page}: {w}" for w in record.warnings
        )
    return SplitReport(records, separators, warnings, total, page_warnings=page_warnings)


def _meta(cut: _Cut) -> dict[str, Any] | None:
    return None if cut.metadata is None else cut.metadata.as_json()


def _file_name(number: int, metadata: RecordMetadata | None) -> str:
    code = metadata.archive_code if metadata else ""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", code)[:60]
    return f"record-{number:03d}{'-' + safe if safe else ''}.pdf"


def read_batch(folder: Path) -> dict[str, Any]:
    """The report a finished split left in ``folder`` (for export)."""
    try:
        return json.loads((folder / BATCH_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(
            "the folder holds no finished archive batch (run archive split first)",
            code="archive.batch_missing",
        ) from exc
