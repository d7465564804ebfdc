"""Vietnamese OCR with Tesseract: words with their boxes and confidences, for the text layer.

Tesseract runs as its own program (the ``tesseract`` setting: a name on
``PATH`` or a path; the workers get it with each page, as they run in other
processes and do not read the settings), one page per call, each with
``OMP_THREAD_LIMIT=1`` (its OpenMP threads fighting over two cores made it
5-6 times slower) and a time limit: a badly degraded page can
take a minute and give nothing, so every page is binarised first (which brings
such pages back) and a page over its limit is given up with a warning, never
waited on. Many pages run in :func:`workstation.workers.process_pool`, through
:func:`map_pages`, which reports progress and can be cancelled between pages.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import cv2
import numpy as np

from workstation.errors import Cancelled, ExternalPartError
from workstation.paths import resolve_tesseract

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "vie"
PAGE_TIMEOUT_S = 60.0
"""A clean A4 page takes 1–2 s on one core; a page past a minute is given up."""
TESSERACT = "tesseract"
"""The program run when the ``tesseract`` setting names none (looked up on ``PATH``)."""

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Word:
    """One recognised word; the box is in page pixels (left, top, width, height)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    line: tuple[int, int, int]
    """(block, paragraph, line) numbers: words sharing it form one text line."""


@dataclass
class OcrResult:
    """A page's words, their mean confidence (0–100) and what went wrong, if anything."""

    words: list[Word] = field(default_factory=list)
    confidence: float | None = None
    warnings: list[str] = field(default_factory=list)
    ms: float = 0.0

    @property
    def text(self) -> str:
        lines: dict[tuple[int, int, int], list[str]] = {}
        for word in self.words:
            lines.setdefault(word.line, []).append(word.text)
        return "\n".join(" ".join(words) for words in lines.values())


def tesseract_program(program: str = TESSERACT) -> str:
    """The path of the Tesseract ``program`` to run, or an error naming the fix.

    ``program`` is the ``tesseract`` setting: a name looked up on ``PATH``
    or a path to the program (``C:\\Program Files\\Tesseract-OCR\\tesseract.exe``);
    the default name finds the Tesseract installed beside a frozen workstation
    first (:func:`workstation.paths.choose_tesseract`).
    """
    found = shutil.which(resolve_tesseract(program or TESSERACT))
    if not found:
        raise ExternalPartError(
            "tesseract is not installed (Debian: apt install tesseract-ocr tesseract-ocr-vie)",
            code="capture.tesseract_missing",
        )
    return found


def binarise(image: np.ndarray) -> np.ndarray:
    """Black text on white (0/255) for Tesseract: noise smoothed, then Otsu's threshold."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    smooth = cv2.medianBlur(gray, 3)
    _, binary = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return binary


def recognise(
    image: np.ndarray,
    dpi: int,
    language: str = DEFAULT_LANGUAGE,
    timeout_s: float = PAGE_TIMEOUT_S,
    binarised: bool = False,
    *,
    psm: int = 3,
    config: dict[str, str] | None = None,
    program: str = TESSERACT,
) -> OcrResult:
    """Recognise one page (RGB, grey or already binarised) scanned at ``dpi``.

    ``psm`` is Tesseract's page segmentation mode (7: one text line) and
    ``config`` its ``-c name=value`` variables (a character whitelist, say);
    ``program`` is the Tesseract to run (the ``tesseract`` setting).
    """
    started = time.perf_counter()
    binary = image if binarised else binarise(image)
    output = _run(binary, dpi, language, timeout_s, psm, config, program, "tsv")
    if output is None:
        log.warning("OCR gave up on a page after %.0f s", timeout_s)
        return OcrResult(warnings=["ocr_timeout"], ms=_ms(started))
    words = parse_tsv(output)
    confidence = round(sum(w.confidence for w in words) / len(words), 1) if words else None
    return OcrResult(words, confidence, [], _ms(started))


@dataclass
class Symbol:
    """One recognised character and its box in image pixels (left, top, right, bottom)."""

    text: str
    left: int
    top: int
    right: int
    bottom: int
    confidence: float


_SYMBOL = re.compile(
    r"<span class='ocrx_cinfo' title='x_bboxes (\d+) (\d+) (\d+) (\d+); x_conf ([\d.]+)'>"
    r"(.*?)</span>"
)


def recognise_symbols(
    binary: np.ndarray,
    dpi: int,
    language: str = DEFAULT_LANGUAGE,
    timeout_s: float = PAGE_TIMEOUT_S,
    *,
    psm: int = 7,
    config: dict[str, str] | None = None,
    program: str = TESSERACT,
) -> list[Symbol]:
    """The characters of a binarised image, each with its box (hOCR's character boxes).

    For reading part of a line again (a result form's serial whose letters came
    out as digits); empty when nothing is read or the time limit passes.
    """
    settings = dict(config or {}, hocr_char_boxes="1")
    output = _run(binary, dpi, language, timeout_s, psm, settings, program, "hocr")
    if output is None:
        return []
    return [
        Symbol(html.unescape(m[6]), int(m[1]), int(m[2]), int(m[3]), int(m[4]), float(m[5]))
        for m in _SYMBOL.finditer(output)
    ]


def _run(
    binary: np.ndarray,
    dpi: int,
    language: str,
    timeout_s: float,
    psm: int,
    config: dict[str, str] | None,
    program: str,
    output: str,
) -> str | None:
    """Tesseract's ``output`` (``tsv``, ``hocr``) for a binarised image; None past the limit."""
    with tempfile.TemporaryDirectory(prefix="ws-ocr-") as folder:
        source = Path(folder) / "page.pbm"
        if not cv2.imwrite(str(source), binary, [cv2.IMWRITE_PXM_BINARY, 1]):
            raise ExternalPartError("cannot write the page for OCR", code="capture.ocr_failed")
        command = [
            tesseract_program(program),
            str(source),
            "stdout",
            "-l",
            language,
            "--dpi",
            str(dpi),
            "--psm",
            str(psm),
        ]
        for name, value in (config or {}).items():
            command += ["-c", f"{name}={value}"]
        command.append(output)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=timeout_s, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            return None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExternalPartError(
            f"tesseract failed ({done.returncode}): {message[-1] if message else ''}",
            code="capture.ocr_failed",
        )
    return done.stdout.decode("utf-8", "replace")


OSD_MIN_CONFIDENCE = 2.0
"""Tesseract's orientation confidence under which its answer is not acted on.

Asked only where the cheap check was unsure (mostly pages of one or two
lines); on such generated pages it answered right at 2.9–6.2, on full pages
at 11–20. OCRmyPDF's --rotate-pages waits for 14 because it asks on every page.
"""


OSD_DPI = 200
"""Orientation detection reads the page at this resolution: at 100 dpi it turned an
upright 200-dpi page of ten lines upside down."""


def detect_orientation(
    image: np.ndarray, dpi: int, timeout_s: float = PAGE_TIMEOUT_S, program: str = TESSERACT
) -> int:
    """Degrees (0, 90, 180, 270) to turn the page clockwise to stand upright, by Tesseract's
    orientation and script detection (``--psm 0``, Debian's ``tesseract-ocr-osd``).

    Runs at 200 dpi at most (~0.6–1 s an A4 page, about an OCR pass; which is why
    clean-up asks it only when its own cheap check is unsure). Gives 0 when
    Tesseract cannot tell (too few characters, a photo), is not sure enough,
    runs past ``timeout_s``, or has no orientation data installed: the page is
    then left as it lies, for the officer to turn.
    """
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    scale = min(1.0, OSD_DPI / max(dpi, 1))
    half = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    with tempfile.TemporaryDirectory(prefix="ws-osd-") as folder:
        source = Path(folder) / "page.png"
        if not cv2.imwrite(str(source), half):
            return 0
        command = [
            tesseract_program(program), str(source), "stdout",
            "--dpi", str(max(1, round(dpi * scale))), "--psm", "0",
        ]  # fmt: skip
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=timeout_s, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            log.warning("orientation detection gave up on a page after %.0f s", timeout_s)
            return 0
    if done.returncode != 0:
        log.info("orientation detection could not tell (exit %d)", done.returncode)
        return 0
    return parse_osd(done.stdout.decode("utf-8", "replace"))


def parse_osd(text: str) -> int:
    """The clockwise turn in Tesseract's ``--psm 0`` report, 0 when unsure or unreadable."""
    fields = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    try:
        turn = int(fields.get("rotate", "0"))
        confidence = float(fields.get("orientation confidence", "0"))
    except ValueError:
        return 0
    if turn not in (0, 90, 180, 270) or confidence < OSD_MIN_CONFIDENCE:
        return 0
    return turn


def parse_tsv(tsv: str) -> list[Word]:
    """Words (level 5 rows with text) from Tesseract's TSV output."""
    words: list[Word] = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        try:
            words.append(
                Word(
                    text=text,
                    left=int(row["left"]),
                    top=int(row["top"]),
                    width=int(row["width"]),
                    height=int(row["height"]),
                    confidence=max(0.0, float(row["conf"])),
                    line=(int(row["block_num"]), int(row["par_num"]), int(row["line_num"])),
                )
            )
        except (KeyError, ValueError):
            continue
    return words


def languages(program: str = TESSERACT) -> list[str]:
    """The languages the Tesseract ``program`` (the ``tesseract`` setting) knows."""
    done = subprocess.run(
        [tesseract_program(program), "--list-langs"], capture_output=True, text=True, check=False
    )
    return [line.strip() for line in done.stdout.splitlines()[1:] if line.strip()]


def recognise_pages(
    pages: Iterable[tuple[np.ndarray, int]],
    language: str = DEFAULT_LANGUAGE,
    *,
    jobs: int | None = None,
    timeout_s: float = PAGE_TIMEOUT_S,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int, OcrResult], None] | None = None,
) -> list[OcrResult]:
    """Recognise ``(image, dpi)`` pages in a process pool; results in page order.

    The digitising pipeline does more per worker (load, clean, encode) through
    :func:`map_pages` directly; this is for callers that already hold images.
    """
    from workstation.workers import process_pool

    tasks = ((image, dpi, language, timeout_s) for image, dpi in pages)
    results: dict[int, OcrResult] = {}
    with process_pool(jobs) as pool:
        for index, result in map_pages(
            pool, _recognise_task, tasks, cancelled=cancelled, progress=progress
        ):
            results[index] = result
    return [results[i] for i in range(len(results))]


def _recognise_task(task: tuple[np.ndarray, int, str, float]) -> OcrResult:
    image, dpi, language, timeout_s = task
    return recognise(image, dpi, language, timeout_s)


def map_pages(
    pool: Executor,
    work: Callable[[T], R],
    items: Iterable[T],
    *,
    in_flight: int = 4,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int, R], None] | None = None,
) -> Iterator[tuple[int, R]]:
    """Run ``work`` on each item in ``pool``, yielding ``(index, result)`` as pages finish.

    At most ``in_flight`` pages are queued at once (pages are big). ``cancelled``
    is asked between pages; when it says yes, queued pages are dropped and
    :class:`Cancelled` is raised. ``progress(done_count, result)`` follows each page.
    """
    pending: dict[Future[Any], int] = {}
    source = enumerate(items)
    exhausted = False
    done_count = 0
    try:
        while True:
            while not exhausted and len(pending) < in_flight:
                try:
                    index, item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                pending[pool.submit(work, item)] = index
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index = pending.pop(future)
                result = future.result()
                done_count += 1
                if progress is not None:
                    progress(done_count, result)
                yield index, result
            if cancelled is not None and cancelled():
                raise Cancelled()
    finally:
        for future in pending:
            future.cancel()


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
