"""Batches in flight and the plain operations the capture view runs off the UI thread.

No Qt here: :func:`scan_batch` runs on a device's own serial executor
(:func:`executor_for`), puts each arriving page in the run's queue and says
so through the task context; the view drains the queue on the UI thread.
"""

from __future__ import annotations

import queue
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.officers import Action
from workstation.scan.devices.base import Device, ScanSettings
from workstation.scan.pipeline import DigitizeOptions
from workstation.scan.policy import ColourPolicy
from workstation.scan.review import Arrival, capture_batch
from workstation.services import Services
from workstation.tasks import TaskContext
from workstation.ui.capture.saving import Written, attach_to_dossier


def executor_for(device_id: str) -> str:
    """The serial executor of one device: one job at a time per scanner."""
    return f"scanner:{device_id}"


@dataclass
class ScanRun:
    """One batch in flight on one device."""

    device_id: str
    folder: Path
    options: DigitizeOptions
    profile: str
    policy: ColourPolicy
    arrivals: queue.SimpleQueue[Arrival] = field(default_factory=queue.SimpleQueue)
    replace_id: int | None = None
    """Rescan: the page the first arriving page replaces."""
    task: Any = None
    """The view's :class:`~workstation.ui.background.BackgroundTask` of the batch."""


def scan_batch(
    opener: Any,
    device_id: str,
    settings: ScanSettings,
    folder: Path,
    arrivals: queue.SimpleQueue[Arrival],
    context: TaskContext,
) -> int:
    """Open the device, scan the batch queueing each page, close the device."""
    device: Device = opener(device_id)
    received = [0]

    def arrived(arrival: Arrival) -> None:
        arrivals.put(arrival)
        received[0] += 1
        context.report("page", received[0], 0)

    try:
        return capture_batch(device, settings, folder, arrived, lambda: context.token.cancelled)
    finally:
        close = getattr(device, "close", None)
        if close is not None:
            close()


def attach(services: Services, dossier: str, component: str, written: Written) -> Any:
    """The ``db`` step of saving into a dossier: adding papers to a dossier is a counter
    officer's (a refusal is recorded and shown)."""
    services.require(Action.RECEIVE)
    return attach_to_dossier(written, services.database, services.blobs, dossier, component)


def remove_folders(folders: list[Path]) -> None:
    """Remove batch folders once their pages are saved."""
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
