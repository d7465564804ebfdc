"""The demo feeder: a pretend document feeder serving bundled sample pages of Vietnamese text.

So that a newcomer can scan, clean, OCR and file a page with no hardware. It
is clearly named as a demo everywhere it is listed (``demo``, "Demo feeder
(sample pages)"), serves the pages in ``resources/samples/demo`` and the
birth-registration sample, in turn, one per sheet, through the same
interface as a real scanner, with the same errors (an empty feeder once
``sheets`` are used up).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from workstation.errors import Cancelled
from workstation.paths import resources_dir
from workstation.scan.devices.base import (
    CancelCheck,
    ColourMode,
    DeviceInfo,
    DeviceOptions,
    ScannedPage,
    ScanSettings,
    Source,
    adf_empty,
    never,
)

DEVICE_ID = "demo"
NAME = "Demo feeder (sample pages, no scanner)"


def sample_pages() -> list[Path]:
    """The bundled pages, in order."""
    samples = resources_dir() / "samples"
    return [*sorted((samples / "demo").glob("*.png")), samples / "to-khai-khai-sinh.png"]


class DemoFeeder:
    """Serves the sample pages as scanned pages."""

    def __init__(self, sheets: int | None = None) -> None:
        self.pages = sample_pages()
        self.sheets = len(self.pages) if sheets is None else sheets
        self.info = DeviceInfo(DEVICE_ID, NAME, "demo", f"{len(self.pages)} sample pages")

    def options(self) -> DeviceOptions:
        return DeviceOptions(
            sources=(Source.FLATBED, Source.ADF),
            resolutions=(200,),
            modes=(ColourMode.COLOR, ColourMode.GRAY),
        )

    def scan(
        self, settings: ScanSettings, folder: Path, cancelled: CancelCheck = never
    ) -> Iterator[ScannedPage]:
        folder.mkdir(parents=True, exist_ok=True)
        count = 1 if settings.source is Source.FLATBED else self.sheets
        if settings.max_pages is not None:
            count = min(count, settings.max_pages)
        if count <= 0:
            raise adf_empty(self.info.id)
        for index in range(count):
            if cancelled():
                raise Cancelled()
            source = self.pages[index % len(self.pages)]
            target = folder / f"page-{index + 1:04d}.png"
            shutil.copyfile(source, target)
            # The files carry their own resolution (200 dpi), which the pipeline reads.
            yield ScannedPage(index, target, settings.dpi, settings.mode)


class DemoBackend:
    """Lists the demo feeder."""

    name = "demo"

    def list_devices(self) -> list[DeviceInfo]:
        return [DemoFeeder().info]

    def open(self, device_id: str) -> DemoFeeder:
        return DemoFeeder()
