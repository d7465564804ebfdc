"""A fake document feeder holding a stack of distinct sheets, for archive scanning tests.

SANE's test scanner draws the same picture on every page, so it cannot show
that a resumed batch holds each sheet once and in order. This feeder is a real
:class:`~workstation.scan.devices.base.Device`: it feeds the sheets of a stack
(one distinct PNG each, numbered from 1) from ``first_sheet`` on, as a clerk
puts the stack back after a stop, writing each page into the batch's folder
while later sheets are still "in the feeder"; it can jam after a number of
sheets. ``sheet_s`` is how long the feeder takes per sheet, so that a test can
stop the process while it runs.

Run as a program (``python -m tests.fakes.paper_stack STACK BATCH FIRST``) it
scans the stack into ``BATCH`` with :func:`workstation.archive.scanrun.scan_batch`,
resuming, so a test can kill it mid-batch.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from workstation.errors import Cancelled
from workstation.scan.devices.base import (
    CancelCheck,
    ColourMode,
    DeviceInfo,
    DeviceOptions,
    ScannedPage,
    ScanSettings,
    Source,
    adf_empty,
    jammed,
    never,
)


def write_stack(folder: Path, sheets: int) -> list[Path]:
    """``sheets`` distinct small pages (each shows its number as a bar pattern)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, sheets + 1):
        page = np.full((120, 90), 255, np.uint8)
        for bit in range(12):
            if number >> bit & 1:
                page[10 + bit * 8 : 14 + bit * 8, 10:80] = 0
        path = folder / f"sheet-{number:04d}.png"
        cv2.imwrite(str(path), page)
        paths.append(path)
    return paths


class FakePaperStack:
    """Feeds the sheets of ``stack`` from ``first_sheet`` (1-based) on."""

    def __init__(
        self,
        stack: list[Path],
        first_sheet: int = 1,
        *,
        jam_after: int | None = None,
        sheet_s: float = 0.0,
    ) -> None:
        self.stack = stack
        self.first_sheet = first_sheet
        self.jam_after = jam_after
        self.sheet_s = sheet_s
        self.info = DeviceInfo("fake:paper-stack", "Fake feeder (a stack of sheets)", "fake")

    def options(self) -> DeviceOptions:
        return DeviceOptions(sources=(Source.ADF,), resolutions=(100,), modes=(ColourMode.GRAY,))

    def scan(
        self, settings: ScanSettings, folder: Path, cancelled: CancelCheck = never
    ) -> Iterator[ScannedPage]:
        folder.mkdir(parents=True, exist_ok=True)
        sheets = self.stack[self.first_sheet - 1 :]
        if not sheets:
            raise adf_empty(self.info.id)
        for index, sheet in enumerate(sheets):
            if self.jam_after is not None and index == self.jam_after:
                raise jammed(self.info.id, index)
            if cancelled():
                raise Cancelled()
            time.sleep(self.sheet_s)  # the feeder's pace, not a timing in a test
            target = folder / f"page-{index + 1:04d}.png"
            target.write_bytes(sheet.read_bytes())
            yield ScannedPage(index, target, 100, settings.mode)
        self.first_sheet += len(sheets)


def main(argv: list[str]) -> None:
    """Scan the stack folder ``argv[0]`` into the batch ``argv[1]`` from sheet ``argv[2]``."""
    from workstation.archive.scanrun import scan_batch

    stack = sorted(Path(argv[0]).glob("sheet-*.png"))
    feeder = FakePaperStack(stack, int(argv[2]), sheet_s=float(argv[3]) if argv[3:] else 0.2)
    scan_batch(feeder, ScanSettings(source=Source.ADF), Path(argv[1]), resume=True)


if __name__ == "__main__":
    main(sys.argv[1:])
