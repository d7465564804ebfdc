"""Digitise scanned pages into one searchable PDF/A: load, clean, OCR, encode, assemble.

Each page goes through one worker process of :func:`workstation.workers.process_pool`
from its file to its compressed layers and words (:func:`process_page`), so the
pages of a document are cleaned and recognised side by side; the calling
process only lists the pages, assembles the PDF and reports. Errors raised in
a worker come back as :class:`PageFailure` values (our errors carry keyword
parameters that do not survive pickling) and are raised again here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from workstation.errors import BadInput, ExternalPartError, WorkstationError
from workstation.scan.clean import (
    BLANK_INK_FRACTION,
    CleanedPage,
    Colour,
    clean_page,
    colour_content,
)
from workstation.scan.inputs import PageSource, load_page, page_sources
from workstation.scan.ocr import (
    DEFAULT_LANGUAGE,
    PAGE_TIMEOUT_S,
    TESSERACT,
    binarise,
    detect_orientation,
    map_pages,
    recognise,
)
from workstation.scan.pdf import DocumentInfo, EncodedPage, encode_page, write_pdf
from workstation.scan.policy import ColourPolicy, page_mode, policy_for
from workstation.workers import default_workers, process_pool

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigitizeOptions:
    """How to digitise: OCR language, workers, colour choice and the purpose's policy."""

    language: str = DEFAULT_LANGUAGE
    jobs: int = 0
    """Worker processes; 0 means one per core."""
    colour: str = "policy"
    """``policy``, ``color``, ``gray`` or ``auto`` (see ``policy.page_mode``)."""
    purpose: str | None = None
    page_timeout_s: float = PAGE_TIMEOUT_S
    ocr: bool = True
    deskew: bool = True
    blank_threshold: float = BLANK_INK_FRACTION
    """Ink fraction under which a page is flagged blank (a capture profile may set it)."""
    orientation: bool = True
    """Ask Tesseract's orientation detection where clean-up's cheap check was unsure (with OCR)."""
    tesseract: str = TESSERACT
    """The Tesseract program to run (the ``tesseract`` setting: a name on ``PATH`` or a path)."""
    overrides: tuple[tuple[int, PageOverride], ...] = ()
    """The officer's decisions by page index (from 0 in the document), see :class:`PageOverride`."""

    def override(self, index: int) -> PageOverride | None:
        """The officer's decision for page ``index``, if any."""
        return next((o for i, o in self.overrides if i == index), None)


@dataclass(frozen=True)
class PageOverride:
    """What the officer decided for one page, over what capture measured and chose.

    ``rotation`` turns the page further, clockwise (90, 180 or 270), after
    capture's own turn; ``colour`` is that page's choice (``color``, ``gray``,
    ``auto`` or ``policy``, as ``--colour``; colour content found on the page
    still keeps it in colour, as the rules require); ``blank`` sets the blank
    flag (``False``: the page has content after all, and is recognised).
    """

    rotation: int = 0
    colour: str | None = None
    blank: bool | None = None


@dataclass
class PageReport:
    """What capture measured and decided for one page (the ``--json`` page entry)."""

    index: int
    skew_deg: float
    rotation: int
    """Degrees the page was turned clockwise to stand upright (180: fed upside down)."""
    blank: bool
    colour: str
    colour_content: list[str]
    warnings: list[str]
    ocr_confidence: float | None
    dpi: int
    bytes: int
    ms: dict[str, float]
    text: str = ""

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data.pop("text")
        return data


@dataclass
class PageFailure:
    """An error from a worker, carried back as plain values."""

    kind: str
    code: str
    detail: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class DigitizeReport:
    """The pages' reports, where the PDF went and its size."""

    pages: list[PageReport]
    output: str
    bytes: int

    def as_json(self) -> dict[str, Any]:
        return {
            "pages": [page.as_json() for page in self.pages],
            "output": self.output,
            "bytes": self.bytes,
        }


def process_page(
    task: tuple[PageSource, DigitizeOptions, ColourPolicy, int],
) -> tuple[PageReport, EncodedPage] | PageFailure:
    """Load, clean, recognise and encode page ``index`` of a document (in a worker process)."""
    source, options, policy, index = task
    try:
        return _process(source, options, policy, options.override(index))
    except WorkstationError as exc:
        kind = "external" if isinstance(exc, ExternalPartError) else "input"
        return PageFailure(kind, exc.code, exc.detail, dict(exc.params))


def _process(
    source: PageSource,
    options: DigitizeOptions,
    policy: ColourPolicy,
    override: PageOverride | None,
) -> tuple[PageReport, EncodedPage]:
    started = time.perf_counter()
    image, dpi = load_page(source)
    return process_image(image, dpi, options, policy, started, override)


def process_image(
    image: np.ndarray,
    dpi: int,
    options: DigitizeOptions,
    policy: ColourPolicy,
    started: float | None = None,
    override: PageOverride | None = None,
) -> tuple[PageReport, EncodedPage]:
    """Clean, recognise and encode a page already loaded (``started``: when loading began),
    with the officer's ``override`` where given."""
    ms: dict[str, float] = {}
    if started is None:
        started = time.perf_counter()
    ms["load"] = _since(started)
    mark = time.perf_counter()
    cleaned = clean_page(image, dpi, deskew=options.deskew, blank_threshold=options.blank_threshold)
    del image
    ms["clean"] = _since(mark)
    if options.ocr and options.orientation and not cleaned.orientation_sure and not cleaned.blank:
        mark = time.perf_counter()
        cleaned = _turn_upright(cleaned, dpi, options)
        ms["orientation"] = _since(mark)
    if override is not None:
        cleaned = _as_decided(cleaned, dpi, options, override)
    mark = time.perf_counter()
    binary = binarise(cleaned.image)
    ms["clean"] = round(ms["clean"] + _since(mark), 1)  # binarising is part of clean-up
    warnings = list(cleaned.warnings)
    if dpi < policy.min_dpi and "low_resolution" not in warnings:
        warnings.insert(0, "low_resolution")
    words = []
    confidence = None
    text = ""
    if options.ocr and not cleaned.blank:
        result = recognise(
            binary,
            dpi,
            options.language,
            options.page_timeout_s,
            binarised=True,
            program=options.tesseract,
        )
        words, confidence, text = result.words, result.confidence, result.text
        warnings.extend(result.warnings)
        ms["ocr"] = result.ms
    mark = time.perf_counter()
    choice = override.colour if override is not None and override.colour else options.colour
    mode = page_mode(choice, policy, cleaned.colour.any)
    encoded = encode_page(cleaned.image, binary, dpi, mode, words)
    ms["encode"] = _since(mark)
    ms["total"] = _since(started)
    report = PageReport(
        index=0,
        skew_deg=cleaned.skew_deg,
        rotation=cleaned.rotation,
        blank=cleaned.blank,
        colour=mode,
        colour_content=cleaned.colour.as_list(),
        warnings=warnings,
        ocr_confidence=confidence,
        dpi=dpi,
        bytes=encoded.image_bytes,
        ms=ms,
        text=text,
    )
    return report, encoded


TURNS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def _turn_upright(cleaned: CleanedPage, dpi: int, options: DigitizeOptions) -> CleanedPage:
    """Turn a page the cheap check was unsure of as Tesseract's orientation detection says."""
    turn = detect_orientation(cleaned.image, dpi, options.page_timeout_s, options.tesseract)
    if not turn:
        return cleaned
    again = clean_page(
        cv2.rotate(cleaned.image, TURNS[turn]),
        dpi,
        deskew=options.deskew,
        blank_threshold=options.blank_threshold,
        orient=False,
    )
    return replace(again, rotation=(cleaned.rotation + turn) % 360, orientation_sure=True)


def _as_decided(
    cleaned: CleanedPage, dpi: int, options: DigitizeOptions, override: PageOverride
) -> CleanedPage:
    """The page turned and flagged as the officer decided."""
    turn = override.rotation % 360
    if turn not in TURNS and turn:
        raise BadInput(f"a page turns by quarter turns, not {turn}", code="capture.bad_rotation")
    if turn:
        again = clean_page(
            cv2.rotate(cleaned.image, TURNS[turn]), dpi, deskew=options.deskew,
            blank_threshold=options.blank_threshold, orient=False,
        )  # fmt: skip
        cleaned = replace(again, rotation=(cleaned.rotation + turn) % 360)
    if override.blank is not None and override.blank != cleaned.blank:
        warnings = [w for w in cleaned.warnings if w != "blank"]
        # a blank page's colour was never looked at; a page with content must be
        colour = Colour() if override.blank else colour_content(cleaned.image, dpi)
        cleaned = replace(
            cleaned,
            blank=override.blank,
            colour=colour,
            warnings=warnings + ["blank"] * override.blank,
        )
    return cleaned


def digitize(
    inputs: list[Path],
    out: Path,
    options: DigitizeOptions,
    info: DocumentInfo,
    *,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DigitizeReport:
    """Digitise every page of ``inputs`` into the PDF/A ``out``; nothing is left at ``out``
    unless the whole document was written.

    ``progress(done, total)`` follows each page; ``cancelled()`` is asked between
    pages and stops the run with :class:`~workstation.errors.Cancelled`.
    """
    sources = page_sources(inputs)
    workers = min(options.jobs or default_workers(), len(sources))
    return _digitize(iter(sources), len(sources), workers, out, options, info, cancelled, progress)


def digitize_arriving(
    files: Iterable[Path],
    out: Path,
    options: DigitizeOptions,
    info: DocumentInfo,
    *,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DigitizeReport:
    """Like :func:`digitize`, for files that arrive while it runs (pages from a scanner).

    Each file is checked and its pages handed to a worker as soon as ``files``
    yields it, so cleaning and OCR run behind the feeder; ``files`` is asked for
    the next one whenever fewer than two pages per worker are in work (a SANE
    scanner keeps feeding meanwhile; an eSCL scanner is read when asked).
    ``progress(done, total)`` counts the pages known so far.
    """
    known = [0]

    def sources() -> Iterator[PageSource]:
        for number, path in enumerate(files, start=1):
            found = [replace(s, file=number) for s in page_sources([path])]
            known[0] += len(found)
            yield from found

    def tick(done: int, _total: int) -> None:
        if progress is not None:
            progress(done, known[0])

    workers = options.jobs or default_workers()
    return _digitize(sources(), None, workers, out, options, info, cancelled, tick)


def _digitize(
    sources: Iterator[PageSource],
    total: int | None,
    workers: int,
    out: Path,
    options: DigitizeOptions,
    info: DocumentInfo,
    cancelled: Callable[[], bool] | None,
    progress: Callable[[int, int], None] | None,
) -> DigitizeReport:
    policy = policy_for(options.purpose)
    log.info("digitising %s pages with %d workers", total or "arriving", workers)
    results: dict[int, tuple[PageReport, EncodedPage]] = {}
    tasks = ((source, options, policy, index) for index, source in enumerate(sources))

    def tick(done: int, _result: object) -> None:
        if progress is not None:
            progress(done, total or 0)

    with process_pool(workers) as pool:
        for index, outcome in map_pages(
            pool, process_page, tasks, in_flight=workers * 2, cancelled=cancelled, progress=tick
        ):
            if isinstance(outcome, PageFailure):
                pool.shutdown(wait=True, cancel_futures=True)
                raise _reraise(outcome)
            outcome[0].index = index
            results[index] = outcome
    if not results:
        raise BadInput("the inputs hold no page", code="capture.no_pages")
    ordered = [results[i] for i in range(len(results))]
    size = write_pdf([encoded for _, encoded in ordered], out, info)
    return DigitizeReport([report for report, _ in ordered], str(out), size)


def _reraise(failure: PageFailure) -> WorkstationError:
    kind = ExternalPartError if failure.kind == "external" else BadInput
    return kind(failure.detail, code=failure.code, **failure.params)


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
