"""Scanning straight into a component of the Receive view's checklist.

:class:`ScanIntoComponent` is what :attr:`workstation.services.Services.scan_into`
holds: given a checklist code, it scans one batch with the ``component``
capture profile on the profile's device, else the first scanner reachable
(SANE or eSCL; never the file import, hot folders or the demo feeder, which the
officer picks in the capture section), into a folder of its own under the data
folder, and returns the page files in order. The intake then checks and stores
them as it does chosen files. The pages are plain (written by the scanner's own
programs), so they are kept only while the dossier is being received:
:meth:`ScanIntoComponent.remove_scans` removes them once it is saved or
discarded (see docs/encryption.md).
"""

from __future__ import annotations

import logging
import shutil
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from workstation.errors import NotFound
from workstation.scan.devices.base import Device, DeviceInfo

log = logging.getLogger(__name__)

PROFILE = "component"
SCANNER_BACKENDS = ("sane", "escl")


class ScanIntoComponent:
    """Scans a batch for a checklist component; returns the page files (callable)."""

    def __init__(
        self,
        data: Path,
        devices: Callable[[], list[DeviceInfo]],
        open_device: Callable[[str], Device],
        profile: str = PROFILE,
    ) -> None:
        self.data = data
        self.devices = devices
        self.open_device = open_device
        self.profile = profile
        self._folders: list[Path] = []
        self._lock = threading.Lock()

    def __call__(self, code: str) -> list[Path]:
        from workstation.scan.devices.profiles import profile

        chosen = profile(self.profile, self.data)
        device = self.open_device(chosen.device or self._first_scanner())
        folder = self.data / "capture" / f"into-{uuid.uuid4().hex}"
        with self._lock:
            self._folders.append(folder)
        try:
            pages = [p.path for p in device.scan(chosen.settings(), folder)]
        finally:
            close = getattr(device, "close", None)
            if close is not None:
                close()
        log.info("scanned %d page(s) into component %s", len(pages), code)
        return pages

    def remove_scans(self) -> int:
        """Remove every batch scanned so far (their pages are stored, or not wanted); how many."""
        with self._lock:
            folders, self._folders = self._folders, []
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        if folders:
            log.info("removed %d scanned batch(es) of the receive view", len(folders))
        return len(folders)

    def _first_scanner(self) -> str:
        for info in self.devices():
            if info.backend in SCANNER_BACKENDS:
                return info.id
        raise NotFound("no scanner is connected", code="device.no_scanner")
