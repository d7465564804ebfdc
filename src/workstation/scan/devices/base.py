"""The one interface every capture device speaks: scanners (SANE, eSCL), folders, files, demo.

A :class:`Backend` lists the devices it can reach and opens one by its id; a
:class:`Device` tells its :class:`DeviceOptions` and scans a batch with
:meth:`Device.scan`, a generator that yields each :class:`ScannedPage` as soon as
the page is complete on disk (so cleaning and OCR can start while the feeder
still runs). Pages are files in a folder the caller gives: whatever happens
later in the batch (a jam, the scanner unplugged, the officer cancelling), the
pages already captured stay there, whole. Failures are :class:`DeviceError`
with one of the ``device.*`` codes; cancelling raises
:class:`~workstation.errors.Cancelled` between pages, or stops the device
mid-page where it can.

A Windows TWAIN or WIA backend would be one more module implementing these two
protocols; nothing else would change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from workstation.errors import BadInput, Cancelled, ExternalPartError


class Source(StrEnum):
    """Where the paper lies."""

    FLATBED = "flatbed"
    ADF = "adf"
    ADF_DUPLEX = "adf-duplex"


class ColourMode(StrEnum):
    """What the scanner sends: colour, grey or black-and-white."""

    COLOR = "color"
    GRAY = "gray"
    LINEART = "lineart"


PAGE_SIZES_MM: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "a5": (148.0, 210.0),
    "a3": (297.0, 420.0),
    "letter": (215.9, 279.4),
    "legal": (215.9, 355.6),
}
"""Named page sizes (width, height) in millimetres; ``max`` means the device's whole area."""


@dataclass(frozen=True)
class DeviceInfo:
    """A device as ``workstation devices`` lists it; ``id`` is what ``--device`` takes."""

    id: str
    name: str
    backend: str
    detail: str = ""

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "backend": self.backend, "detail": self.detail}


@dataclass(frozen=True)
class DeviceOptions:
    """What a device can do."""

    sources: tuple[Source, ...] = (Source.FLATBED,)
    resolutions: tuple[int, ...] = ()
    """Resolutions offered (dpi); a range is given by its ends in ``resolution_range``."""
    resolution_range: tuple[int, int] | None = None
    modes: tuple[ColourMode, ...] = (ColourMode.COLOR,)
    max_width_mm: float | None = None
    max_height_mm: float | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "sources": [str(s) for s in self.sources],
            "resolutions": list(self.resolutions),
            "resolution_range": list(self.resolution_range) if self.resolution_range else None,
            "modes": [str(m) for m in self.modes],
            "max_width_mm": self.max_width_mm,
            "max_height_mm": self.max_height_mm,
        }

    def nearest_resolution(self, dpi: int) -> int:
        """``dpi`` if the device takes it, else the nearest it offers at or above (or its best)."""
        if self.resolution_range and self.resolution_range[0] <= dpi <= self.resolution_range[1]:
            return dpi
        if not self.resolutions:
            return dpi
        above = [r for r in self.resolutions if r >= dpi]
        return min(above) if above else max(self.resolutions)


@dataclass(frozen=True)
class ScanSettings:
    """How to scan one batch."""

    source: Source = Source.FLATBED
    dpi: int = 300
    mode: ColourMode = ColourMode.COLOR
    page_size: str = "a4"
    """A name of :data:`PAGE_SIZES_MM` or ``max``."""
    max_pages: int | None = None

    def area_mm(self, options: DeviceOptions) -> tuple[float | None, float | None]:
        """The scan area, clipped to what the device covers (SANE's test scanner: 200 × 200)."""
        if self.page_size == "max":
            return options.max_width_mm, options.max_height_mm
        try:
            width, height = PAGE_SIZES_MM[self.page_size]
        except KeyError:
            raise BadInput(
                f"unknown page size {self.page_size}",
                code="device.unknown_page_size",
                size=self.page_size,
            ) from None
        if options.max_width_mm is not None:
            width = min(width, options.max_width_mm)
        if options.max_height_mm is not None:
            height = min(height, options.max_height_mm)
        return width, height


@dataclass(frozen=True)
class ScannedPage:
    """One captured page, complete on disk."""

    index: int
    """From 0 within the batch."""
    path: Path
    dpi: int
    mode: ColourMode
    side: str = "front"
    """``front`` or ``back`` (the back of a duplex sheet)."""
    kept: bool = False
    """A whole document to keep byte for byte (a PDF with text or signatures), not a scan."""


CancelCheck = Callable[[], bool]


def never() -> bool:
    """The default cancel check: the batch runs to its end."""
    return False


class Device(Protocol):
    """An opened capture device."""

    info: DeviceInfo

    def options(self) -> DeviceOptions:
        """What the device can do (asks the device where it must)."""
        ...

    def scan(
        self, settings: ScanSettings, folder: Path, cancelled: CancelCheck = never
    ) -> Iterator[ScannedPage]:
        """Scan a batch into ``folder``, yielding each page once it is whole on disk."""
        ...


class Backend(Protocol):
    """One way of reaching devices (SANE, eSCL, a hot folder …)."""

    name: str

    def list_devices(self) -> list[DeviceInfo]:
        """The devices reachable now; never raises for an absent driver (lists none)."""
        ...

    def open(self, device_id: str) -> Device:
        """The device with ``device_id`` (an id from :meth:`list_devices` or a manual one)."""
        ...


class DeviceError(ExternalPartError):
    """A capture device failed; ``code`` tells how (``device.jammed``, ``device.busy`` …)."""

    code = "device.failed"


def adf_empty(device: str) -> DeviceError:
    return DeviceError(f"{device}: the document feeder is empty", code="device.adf_empty")


def jammed(device: str, pages: int) -> DeviceError:
    return DeviceError(
        f"{device}: paper jam after {pages} page(s)", code="device.jammed", pages=pages
    )


def busy(device: str) -> DeviceError:
    return DeviceError(f"{device}: the scanner is busy", code="device.busy")


def gone(device: str, pages: int) -> DeviceError:
    return DeviceError(
        f"{device}: the scanner stopped answering after {pages} page(s)",
        code="device.gone",
        pages=pages,
    )


def unsupported_source(device: str, source: Source) -> DeviceError:
    return DeviceError(
        f"{device} has no {source} source", code="device.unsupported_source", source=str(source)
    )


def check_cancelled(cancelled: CancelCheck) -> None:
    """Raise :class:`Cancelled` if the officer asked to stop."""
    if cancelled():
        raise Cancelled()


@dataclass
class Batch:
    """Pages of one batch as they were captured (what ``workstation scan`` collects)."""

    pages: list[ScannedPage] = field(default_factory=list)
