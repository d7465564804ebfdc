"""Files as a capture device: JPEG, PNG, (multi-page) TIFF and PDF chosen by the officer.

Each file is checked by :func:`workstation.scan.inputs.page_sources` (kind,
size, page count, decompression bombs) before it is offered. A PDF that
already has a text layer or a signature (a citizen's signed e-document, an
earlier result) is **kept**: byte for byte, never rasterised, its signatures
checked with :func:`workstation.sign.verify.verify_pdf`. A PDF of bare scans
is taken as page images like any scan.

Device id: ``files`` (the paths come with the scan).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.errors import BadInput, Cancelled
from workstation.scan.devices.base import (
    CancelCheck,
    DeviceInfo,
    DeviceOptions,
    ScannedPage,
    ScanSettings,
    Source,
    never,
)
from workstation.scan.inputs import page_sources

log = logging.getLogger(__name__)

DEVICE_ID = "files"
TEXT_PAGES_CHECKED = 3


@dataclass
class PdfNature:
    """Why a PDF is kept as it is, if it is."""

    text_layer: bool
    signed: bool
    signatures: list[Any] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return self.text_layer or self.signed


def pdf_nature(path: Path, trust_roots: tuple[Path, ...] = ()) -> PdfNature:
    """Whether the PDF at ``path`` has a text layer or signatures (then checked)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path, strict=False)
        signed = any(
            f.get("/FT") == "/Sig" and f.get("/V") is not None
            for f in (reader.get_fields() or {}).values()
        )
        text = any(
            (page.extract_text() or "").strip() for page in reader.pages[:TEXT_PAGES_CHECKED]
        )
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadInput("the PDF cannot be read", code="capture.damaged", file=1) from exc
    signatures: list[Any] = []
    if signed:
        from workstation.sign.verify import verify_pdf

        signatures = verify_pdf(path, trust_roots)
    return PdfNature(text, signed, signatures)


class FileImport:
    """Files given by path, offered one by one as captured pages."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self.info = DeviceInfo(DEVICE_ID, "Files", "files", "JPEG, PNG, TIFF, PDF")

    def options(self) -> DeviceOptions:
        return DeviceOptions(sources=(Source.FLATBED,))

    def scan(
        self, settings: ScanSettings, folder: Path, cancelled: CancelCheck = never
    ) -> Iterator[ScannedPage]:
        """Each file as one captured item; a kept PDF is copied as it is and flagged ``kept``."""
        folder.mkdir(parents=True, exist_ok=True)
        for index, path in enumerate(self.paths):
            if cancelled():
                raise Cancelled()
            sources = page_sources([path])  # checks the file before anything is taken
            kept = sources[0].kind == "pdf" and pdf_nature(path).kept
            target = folder / f"page-{index + 1:04d}{path.suffix.lower() or '.bin'}"
            shutil.copyfile(path, target)
            yield ScannedPage(index, target, settings.dpi, settings.mode, kept=kept)


class FilesBackend:
    """Offers the ``files`` device; the paths are given when it is opened."""

    name = "files"

    def list_devices(self) -> list[DeviceInfo]:
        return [FileImport([]).info]

    def open(self, device_id: str, paths: list[Path] | None = None) -> FileImport:
        return FileImport(list(paths or []))
