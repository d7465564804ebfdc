"""Scanners on Linux through SANE, driven by its own command-line front end ``scanimage``.

``scanimage -f`` lists devices, ``-A`` reads a device's options, and
``--batch`` scans page after page into a folder: page *n* is whole once page
*n + 1* has begun (or the program has ended), and is yielded then, so pages
reach the caller while the feeder still runs. The program's status and its
last words on standard error tell how a batch ended: ``out of documents``
after pages is the feeder's normal end (before any page it is an empty
feeder), ``jammed``, ``busy``, or a failed open or I/O (the device is gone).

Device ids are ``sane:`` + SANE's own name (``sane:test:0``,
``sane:airscan:e0:Office``). ``SANE_CONFIG_DIR`` in the environment chooses
the configuration, as for any SANE program.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from workstation.errors import Cancelled, ExternalPartError
from workstation.scan.devices.base import (
    CancelCheck,
    ColourMode,
    DeviceError,
    DeviceInfo,
    DeviceOptions,
    ScannedPage,
    ScanSettings,
    Source,
    adf_empty,
    busy,
    gone,
    jammed,
    never,
    unsupported_source,
)

log = logging.getLogger(__name__)

PREFIX = "sane:"
LIST_TIMEOUT_S = 30.0
POLL_S = 0.05
STALL_S = 180.0
REPORTED_S = 3.0
"""How long scanimage may linger after it reported a failed read or start (the
``test`` backend sometimes hangs while cancelling after a jam) before it is stopped
and the reported failure raised."""
"""A batch with no new page and no growing file for this long is taken as a scanner gone."""
_PAGE = re.compile(r"page-(\d{4})\.png$")

SOURCE_NAMES: dict[Source, tuple[str, ...]] = {
    Source.FLATBED: ("flatbed", "platen", "normal"),
    Source.ADF: ("automatic document feeder", "adf", "adf front", "adf simplex", "feeder"),
    Source.ADF_DUPLEX: ("adf duplex", "duplex", "adf (duplex)", "automatic document feeder duplex"),
}
MODE_NAMES: dict[ColourMode, tuple[str, ...]] = {
    ColourMode.COLOR: ("color", "colour"),
    ColourMode.GRAY: ("gray", "grey", "grayscale"),
    ColourMode.LINEART: ("lineart", "binary", "black & white", "halftone"),
}


def _program() -> str:
    found = shutil.which("scanimage")
    if found is None:
        raise ExternalPartError(
            "scanimage is not installed (Debian: apt install sane-utils)",
            code="device.sane_missing",
        )
    return found


TEST_DEVICE = PREFIX + "test:0"
SYSTEM_TEST_CONF = Path("/etc/sane.d/test.conf")


def enable_test_backend(folder: Path, picture: str = "Grid") -> Path:
    """Write a ``SANE_CONFIG_DIR`` in ``folder`` that enables SANE's own ``test`` backend.

    Debian ships it commented out in ``/etc/sane.d/dll.conf`` and drawing solid
    black by default (PITFALLS "SANE"), so ``sane:test:0`` works out of the box
    only as a scanner of black pages. This folder's ``dll.conf`` names ``test``
    alone and its ``test.conf`` (the system's, else SANE's defaults) draws
    ``picture`` (``Grid``, ``Color pattern`` …). Returns ``folder``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dll.conf").write_text("test\n", encoding="utf-8")
    lines = SYSTEM_TEST_CONF.read_text().splitlines() if SYSTEM_TEST_CONF.is_file() else []
    lines = [line for line in lines if not line.startswith("test-picture")]
    (folder / "test.conf").write_text(
        "\n".join([*lines, f'test-picture "{picture}"']) + "\n", encoding="utf-8"
    )
    return folder


def lists_test_scanner(config: Path) -> bool:
    """Whether SANE, configured by the folder ``config``, lists its test scanner."""
    if shutil.which("scanimage") is None:
        return False
    try:
        done = subprocess.run(
            [_program(), "-f", "%d%n"],
            capture_output=True,
            text=True,
            timeout=LIST_TIMEOUT_S,
            check=False,
            env={**os.environ, "SANE_CONFIG_DIR": str(config)},
        )
    except subprocess.TimeoutExpired:
        return False
    return TEST_DEVICE.removeprefix(PREFIX) in done.stdout.split()


class SaneBackend:
    """Every scanner SANE reaches."""

    name = "sane"

    def list_devices(self) -> list[DeviceInfo]:
        if shutil.which("scanimage") is None:
            return []
        try:
            done = subprocess.run(
                [_program(), "-f", "%d\t%v\t%m\t%t%n"],
                capture_output=True,
                text=True,
                timeout=LIST_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            log.warning("SANE device listing timed out")
            return []
        devices = []
        for line in done.stdout.splitlines():
            parts = line.split("\t")
            if len(parts) != 4:
                continue
            name, vendor, model, kind = parts
            devices.append(DeviceInfo(PREFIX + name, f"{vendor} {model}", self.name, kind))
        return devices

    def open(self, device_id: str) -> SaneDevice:
        name = device_id.removeprefix(PREFIX)
        return SaneDevice(DeviceInfo(PREFIX + name, name, self.name))


class SaneDevice:
    """One SANE device, by its SANE name."""

    def __init__(self, info: DeviceInfo) -> None:
        self.info = info
        self.name = info.id.removeprefix(PREFIX)
        self._options: DeviceOptions | None = None
        self._source_names: dict[Source, str] = {}
        self._mode_names: dict[ColourMode, str] = {}

    def options(self) -> DeviceOptions:
        if self._options is None:
            done = subprocess.run(
                [_program(), "-d", self.name, "-A"],
                capture_output=True,
                text=True,
                timeout=LIST_TIMEOUT_S,
                check=False,
            )
            if done.returncode != 0:
                raise self._failure(done.stderr, 0)
            self._options = self._parse_options(done.stdout)
        return self._options

    def _parse_options(self, text: str) -> DeviceOptions:
        values: dict[str, str] = {}
        for line in text.splitlines():
            match = re.match(r"\s+(--?[\w-]+)\s+(.*)$", line)
            if match:
                values[match[1]] = match[2]
        sources = _choices(values.get("--source", ""))
        for source, names in SOURCE_NAMES.items():
            for offered in sources:
                if offered.lower() in names:
                    self._source_names.setdefault(source, offered)
        if not self._source_names:
            self._source_names[Source.FLATBED] = ""
        for offered in _choices(values.get("--mode", "")):
            for mode, names in MODE_NAMES.items():
                if offered.lower() in names:
                    self._mode_names.setdefault(mode, offered)
        resolution = values.get("--resolution", "")
        span = re.match(r"(\d+)\.\.(\d+)dpi", resolution)
        listed = re.match(r"([\d|]+)dpi", resolution)
        return DeviceOptions(
            sources=tuple(s for s in Source if s in self._source_names),
            resolutions=tuple(int(v) for v in listed[1].split("|")) if listed else (),
            resolution_range=(int(span[1]), int(span[2])) if span else None,
            modes=tuple(m for m in ColourMode if m in self._mode_names) or (ColourMode.GRAY,),
            max_width_mm=_range_end(values.get("-x", "")),
            max_height_mm=_range_end(values.get("-y", "")),
        )

    def command(self, settings: ScanSettings, folder: Path) -> list[str]:
        """The ``scanimage`` command line for ``settings`` (extra options for the test device)."""
        options = self.options()
        if settings.source not in self._source_names:
            raise unsupported_source(self.info.id, settings.source)
        args = [_program(), "-d", self.name, "--format=png"]
        args.append(f"--batch={folder / 'page-%04d.png'}")
        source_name = self._source_names[settings.source]
        if source_name:
            args.append(f"--source={source_name}")
        if settings.source is Source.FLATBED:
            args.append("--batch-count=1")
        elif settings.max_pages:
            args.append(f"--batch-count={settings.max_pages}")
        mode = self._mode_names.get(settings.mode)
        if mode:
            args.append(f"--mode={mode}")
        args.append(f"--resolution={options.nearest_resolution(settings.dpi)}")
        width, height = settings.area_mm(options)
        if width is not None:
            args += ["-x", str(int(width))]
        if height is not None:
            args += ["-y", str(int(height))]
        return args

    def scan(
        self,
        settings: ScanSettings,
        folder: Path,
        cancelled: CancelCheck = never,
        extra: tuple[str, ...] = (),
    ) -> Iterator[ScannedPage]:
        """Scan a batch; ``extra`` options go to ``scanimage`` as they are (the test device's)."""
        folder.mkdir(parents=True, exist_ok=True)
        args = self.command(settings, folder) + list(extra)
        dpi = self.options().nearest_resolution(settings.dpi)
        with tempfile.TemporaryFile(mode="w+") as errors:
            process = subprocess.Popen(
                args, stdout=subprocess.DEVNULL, stderr=errors, stdin=subprocess.DEVNULL
            )
            given = 0
            progress: tuple[int, int] = (0, 0)
            moved = time.monotonic()
            try:
                while True:
                    ended = process.poll() is not None
                    ready = _whole_pages(folder, ended)
                    now = (len(ready), _bytes_in(folder))
                    if now != progress:
                        progress, moved = now, time.monotonic()
                    elif time.monotonic() - moved > REPORTED_S and (
                        reported := _reported(errors, given)
                    ):
                        log.warning("SANE reported a failure and did not exit; stopping it")
                        raise self._failure(reported, given)
                    elif time.monotonic() - moved > STALL_S:
                        log.warning("SANE batch stalled after %d page(s)", given)
                        raise gone(self.info.id, given)
                    for number in ready[given:]:
                        yield ScannedPage(
                            given, folder / f"page-{number:04d}.png", dpi, settings.mode
                        )
                        given += 1
                        if cancelled():
                            raise Cancelled()
                    if ended:
                        break
                    if cancelled():
                        raise Cancelled()
                    time.sleep(POLL_S)
            finally:
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
                    _remove_unfinished(folder, given)
            errors.seek(0)
            stderr = errors.read()
        log.info("SANE batch ended with status %d after %d page(s)", process.returncode, given)
        if process.returncode != 0 or given == 0:
            if given > 0 and "out of documents" in stderr.lower():
                return
            raise self._failure(stderr, given)

    def _failure(self, stderr: str, pages: int) -> DeviceError:
        text = stderr.lower()
        if "out of documents" in text or "no documents" in text:
            return adf_empty(self.info.id)
        if "jammed" in text:
            return jammed(self.info.id, pages)
        if "busy" in text:
            return busy(self.info.id)
        if "cover" in text and "open" in text:
            return DeviceError(f"{self.info.id}: cover open", code="device.cover_open")
        return gone(self.info.id, pages)


def _reported(errors: IO[str], pages: int) -> str:
    """What scanimage wrote so far, if it reported a failed ``sane_start`` or ``sane_read``
    (read at offset 0 without moving the offset it shares with the child); else empty.

    An empty feeder after ``pages`` pages is the batch's normal end, not a failure: it
    is left to the process's own exit (or the stall timer), as before.
    """
    text = os.pread(errors.fileno(), 1 << 16, 0).decode("utf-8", "replace")
    if "sane_read:" not in text and "sane_start:" not in text:
        return ""
    return "" if pages > 0 and "out of documents" in text.lower() else text


def _choices(text: str) -> list[str]:
    """``Flatbed|Automatic Document Feeder [Flatbed]`` → the choices."""
    text = re.sub(r"\s*\[[^\]]*\]\s*$", "", text)
    return [c.strip() for c in text.split("|") if c.strip()]


def _range_end(text: str) -> float | None:
    match = re.match(r"([\d.]+)\.\.([\d.]+)mm", text)
    return float(match[2]) if match else None


def _whole_pages(folder: Path, ended: bool) -> list[int]:
    """Numbers of the pages complete on disk: all but the newest while scanning."""
    numbers = sorted(int(m[1]) for p in folder.iterdir() if (m := _PAGE.match(p.name)))
    return numbers if ended else numbers[:-1]


def _bytes_in(folder: Path) -> int:
    total = 0
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


def _remove_unfinished(folder: Path, given: int) -> None:
    """After a stopped batch, remove page files beyond those yielded whole."""
    for path in folder.iterdir():
        match = _PAGE.match(path.name.removesuffix(".part"))
        if match and int(match[1]) > given:
            path.unlink(missing_ok=True)
