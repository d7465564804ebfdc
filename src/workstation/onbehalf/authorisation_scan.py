"""The authorisation document scanned straight from the scanner at the hand-over.

When someone other than the owner collects a result, their authorisation
(giấy ủy quyền) is scanned on the counter's scanner, digitised as every
received document is (clean-up, OCR, PDF/A: :mod:`workstation.scan.review`)
and written as one PDF, which the hand-over then checks and stores like any
received file. The device is opened through the function the composition
root provides (``Services.open_capture_device``).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workstation.errors import BadInput
from workstation.scan.devices.base import CancelCheck, ScanSettings, never
from workstation.scan.pdf import DocumentInfo
from workstation.scan.pipeline import DigitizeOptions
from workstation.scan.policy import policy_for
from workstation.scan.review import Arrival, ReviewJob, assemble, capture_batch, process_for_review

log = logging.getLogger(__name__)

PURPOSE = "component"  # digitised as a received component is


def scan_authorisation(
    open_device: Callable[[str], Any],
    device_id: str,
    folder: Path,
    out: Path,
    language: str,
    dossier_code: str = "",
    settings: ScanSettings | None = None,
    cancelled: CancelCheck = never,
) -> Path:
    """Scan one batch on ``device_id`` into ``folder``; write it as one PDF/A at ``out``.

    Raises the device's typed errors, a page's (unreadable capture), or
    ``handover.nothing_scanned`` when the device gave no page.
    """
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _scan(
            open_device, device_id, folder, out, language, dossier_code, settings, cancelled
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the raw scans: the PDF/A is what is kept


def _scan(
    open_device: Callable[[str], Any],
    device_id: str,
    folder: Path,
    out: Path,
    language: str,
    dossier_code: str,
    settings: ScanSettings | None,
    cancelled: CancelCheck,
) -> Path:
    arrivals: list[Arrival] = []
    device = open_device(device_id)
    try:
        capture_batch(device, settings or ScanSettings(), folder, arrivals.append, cancelled)
    finally:
        close = getattr(device, "close", None)
        if close is not None:
            close()
    options = DigitizeOptions(language=language, jobs=1, purpose=PURPOSE)
    policy = policy_for(PURPOSE)
    pages = []
    for arrival in arrivals:
        if arrival.error is not None:
            raise arrival.error
        if arrival.source is not None:
            pages.append(process_for_review(ReviewJob(arrival.source, options, policy)))
    if not pages:
        raise BadInput("the scanner gave no page", code="handover.nothing_scanned")
    out.parent.mkdir(parents=True, exist_ok=True)
    assemble(pages, out, DocumentInfo("Giấy ủy quyền", dossier_code=dossier_code))
    log.info("authorisation scanned: %d pages", len(pages))
    return out
