"""A hot folder: copiers that "scan to folder" drop files here; each finished file is taken.

The folder is polled (no dependency, works on network shares where change
notifications do not). A file is *finished* when its size and modification
time have stayed the same for ``stable_polls`` polls in a row **and** no
process has it open (Linux: ``/proc/*/fd``; Windows: a file being written
cannot be renamed). A finished file is moved into the batch folder, so it is
taken once, and yielded. Names starting with ``.`` or ``~`` and ``.part``,
``.tmp`` or ``.crdownload`` files are someone's temporary files and are left
alone. A batch ends after ``max_pages`` files, or once no file has come for
``idle_polls`` polls after the first, or with :class:`DeviceError`
``device.no_pages`` if none came within ``wait_s``.

Device id: ``hotfolder:`` + the folder's path.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from workstation.errors import Cancelled
from workstation.scan.devices.base import (
    CancelCheck,
    DeviceError,
    DeviceInfo,
    DeviceOptions,
    ScannedPage,
    ScanSettings,
    Source,
    never,
)

log = logging.getLogger(__name__)

PREFIX = "hotfolder:"
SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}
TEMPORARY = (".part", ".tmp", ".crdownload", ".partial")


class HotFolderBackend:
    """Hot folders the officer named; a hot folder is opened by its path."""

    name = "hotfolder"

    def __init__(self, folders: tuple[Path, ...] = ()) -> None:
        self.folders = folders

    def list_devices(self) -> list[DeviceInfo]:
        return [HotFolder(f).info for f in self.folders if f.is_dir()]

    def open(self, device_id: str) -> HotFolder:
        return HotFolder(Path(device_id.removeprefix(PREFIX)))


class HotFolder:
    """One watched folder."""

    def __init__(
        self,
        folder: Path,
        *,
        poll_s: float = 0.5,
        stable_polls: int = 3,
        idle_polls: int = 20,
        wait_s: float = 300.0,
        polled: Callable[[], None] | None = None,
    ) -> None:
        self.folder = folder
        self.info = DeviceInfo(PREFIX + str(folder), f"Hot folder {folder.name}", "hotfolder")
        self.poll_s = poll_s
        self.stable_polls = stable_polls
        self.idle_polls = idle_polls
        self.wait_s = wait_s
        self._polled = polled

    def options(self) -> DeviceOptions:
        return DeviceOptions(sources=(Source.FLATBED, Source.ADF))

    def finished_files(self, seen: dict[str, tuple[int, int, int]]) -> list[Path]:
        """One poll: files whose size and mtime held for enough polls and that nobody holds."""
        finished = []
        try:
            entries = sorted(os.scandir(self.folder), key=lambda e: e.name)
        except OSError as exc:
            raise DeviceError(
                "the hot folder cannot be read", code="device.folder_missing"
            ) from exc
        present = set()
        for entry in entries:
            name = entry.name
            if name.startswith((".", "~")) or name.lower().endswith(TEMPORARY):
                continue
            if Path(name).suffix.lower() not in SUFFIXES or not entry.is_file():
                continue
            present.add(name)
            stat = entry.stat()
            size, mtime = stat.st_size, stat.st_mtime_ns
            before = seen.get(name)
            count = before[2] + 1 if before and before[:2] == (size, mtime) else 0
            seen[name] = (size, mtime, count)
            if count >= self.stable_polls and size > 0 and not open_elsewhere(Path(entry.path)):
                finished.append(Path(entry.path))
        for name in set(seen) - present:
            del seen[name]
        return finished

    def scan(
        self, settings: ScanSettings, folder: Path, cancelled: CancelCheck = never
    ) -> Iterator[ScannedPage]:
        folder.mkdir(parents=True, exist_ok=True)
        seen: dict[str, tuple[int, int, int]] = {}
        taken = 0
        idle = 0
        started = time.monotonic()
        while settings.max_pages is None or taken < settings.max_pages:
            if cancelled():
                raise Cancelled()
            found = self.finished_files(seen)
            if self._polled is not None:
                self._polled()
            for path in found:
                target = folder / f"page-{taken + 1:04d}{path.suffix.lower()}"
                try:
                    path.replace(target)
                except OSError:  # taken by someone else, or still locked: next poll
                    continue
                seen.pop(path.name, None)
                yield ScannedPage(taken, target, settings.dpi, settings.mode)
                taken += 1
                if settings.max_pages is not None and taken >= settings.max_pages:
                    return
            idle = 0 if found or seen else idle + 1
            if taken and idle >= self.idle_polls:
                break
            if not taken and not seen and time.monotonic() - started > self.wait_s:
                raise DeviceError("no file came to the hot folder", code="device.no_pages")
            time.sleep(self.poll_s)
        log.info("hot folder batch: %d file(s)", taken)


def open_elsewhere(path: Path) -> bool:
    """Whether some process still has ``path`` open (best effort; ``False`` where unknowable)."""
    if sys.platform.startswith("linux"):
        target = str(path.resolve())
        try:
            processes = os.listdir("/proc")
        except OSError:
            return False
        for pid in processes:
            if not pid.isdigit():
                continue
            try:
                links = os.scandir(f"/proc/{pid}/fd")
            except OSError:
                continue
            with links:
                for link in links:
                    try:
                        if os.readlink(link.path) == target:
                            return True
                    except OSError:
                        continue
        return False
    if sys.platform == "win32":
        try:
            os.replace(path, path)
        except PermissionError:
            return True
    return False
