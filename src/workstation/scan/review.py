"""Pages under the officer's review: processed one by one, then assembled in the officer's order.

The capture view shows each page as soon as it is processed and lets the
officer turn, delete, rescan, reorder and un-flag pages before anything is
stored. :func:`process_for_review` takes one captured page (a
:class:`ReviewJob`: the page, the officer's quarter turns, blank and colour
overrides, the digitising options) through the same clean-up, OCR and
encoding as ``workstation digitize`` (:func:`workstation.scan.pipeline.process_image`)
and adds a small thumbnail; it runs in a worker process, so a job and its
result are plain picklable values. :func:`assemble` writes the reviewed pages,
in the order given, as one PDF/A and returns the report whose per-page
measurements go with the document into the store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from workstation.errors import BadInput, WorkstationError
from workstation.scan.devices.base import CancelCheck, Device, ScanSettings, never
from workstation.scan.inputs import PageSource, load_page, page_sources
from workstation.scan.pdf import DocumentInfo, EncodedPage, write_pdf
from workstation.scan.pipeline import (
    TURNS,
    DigitizeOptions,
    DigitizeReport,
    PageOverride,
    PageReport,
    process_image,
)
from workstation.scan.policy import ColourPolicy

log = logging.getLogger(__name__)

THUMBNAIL_HEIGHT = 220
"""Pixels; about what a page strip shows without scaling."""


@dataclass(frozen=True)
class ReviewJob:
    """One page to process for review, with what the officer decided about it so far."""

    source: PageSource
    options: DigitizeOptions
    policy: ColourPolicy
    quarter_turns: int = 0
    """Clockwise quarter turns the officer gave the page (0–3)."""
    not_blank: bool = False
    """The officer looked at a page flagged blank and kept it as a real page."""
    colour: str | None = None
    """The officer's colour choice for this page (``color``, ``gray`` or ``auto``, as
    ``--colour``); None follows the profile. A seal, signature, photo or handwriting
    found on the page still keeps it in colour."""


@dataclass
class ReviewedPage:
    """A processed page: its report, its encoded layers and a PNG thumbnail."""

    report: PageReport
    encoded: EncodedPage
    thumbnail: bytes


def sources_of(path: Path) -> list[PageSource]:
    """The pages of one captured file (one for a scanned image; several for a TIFF or PDF)."""
    return page_sources([path])


@dataclass(frozen=True)
class Arrival:
    """A page the device delivered: its source, or why its file cannot be read."""

    source: PageSource | None
    error: WorkstationError | None = None
    path: Path | None = None


def capture_batch(
    device: Device,
    settings: ScanSettings,
    folder: Path,
    arrived: Callable[[Arrival], None],
    cancelled: CancelCheck = never,
) -> int:
    """Scan one batch into ``folder``, calling ``arrived`` for each page as it is whole.

    A page whose file cannot be read is reported as an :class:`Arrival` with
    its error and the batch goes on; a device failure (jam, scanner gone) or
    :class:`~workstation.errors.Cancelled` ends the batch, after every page
    already captured was reported. Returns how many pages arrived.
    """
    count = 0
    for page in device.scan(settings, folder, cancelled):
        if page.kept:
            arrived(Arrival(None, BadInput("kept PDF", code="device.pdf_kept"), page.path))
            count += 1
            continue
        number = page.index + 1  # messages name the batch's file by its number
        try:
            found = sources_of(page.path)
        except WorkstationError as exc:
            log.warning("captured page %d unreadable: [%s]", page.index, exc.code)
            if "file" in exc.params:
                exc.params["file"] = number
            arrived(Arrival(None, exc, page.path))
            count += 1
            continue
        for source in found:
            arrived(Arrival(replace(source, file=number), None, page.path))
            count += 1
    return count


def process_for_review(job: ReviewJob) -> ReviewedPage:
    """Load, turn, clean, recognise and encode one page, and draw its thumbnail.

    Raises the pipeline's typed errors (``capture.unreadable`` …), which reach
    the caller whole across the process boundary.
    """
    started = time.perf_counter()
    image, dpi = load_page(job.source)
    turns = job.quarter_turns % 4
    # the officer's turn comes after capture's own (so orientation detection cannot undo it)
    override = None
    if turns or job.not_blank or job.colour:
        override = PageOverride(
            rotation=turns * 90,
            colour=job.colour or None,
            blank=False if job.not_blank else None,
        )
    report, encoded = process_image(image, dpi, job.options, job.policy, started, override)
    return ReviewedPage(report, encoded, thumbnail(image, report.rotation))


def thumbnail(image: np.ndarray, rotation: int = 0, height: int = THUMBNAIL_HEIGHT) -> bytes:
    """A small PNG of the page, turned as the clean-up turned it (``rotation`` degrees)."""
    factor = min(1.0, height / max(1, image.shape[0]))
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    if rotation % 360 in TURNS:
        small = cv2.rotate(small, TURNS[rotation % 360])
    if small.ndim == 3:
        small = cv2.cvtColor(small, cv2.COLOR_RGB2BGR)
    ok, data = cv2.imencode(".png", small)
    if not ok:  # pragma: no cover - OpenCV encodes any 8-bit image as PNG
        raise ValueError("thumbnail encoding failed")
    return data.tobytes()


def assemble(pages: list[ReviewedPage], out: Path, info: DocumentInfo) -> DigitizeReport:
    """Write ``pages``, in this order, as one PDF/A at ``out`` (whole or not at all).

    The report numbers the pages in the same order, so each stored page keeps
    what capture measured on it.
    """
    if not pages:
        raise BadInput("no page to save", code="capture.no_pages")
    reports = [replace(page.report, index=number) for number, page in enumerate(pages)]
    size = write_pdf([page.encoded for page in pages], out, info)
    return DigitizeReport(reports, str(out), size)
