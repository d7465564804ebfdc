"""The two ways out of the capture view, as plain operations for ``run_in_background``.

- :func:`save_pdf`: the reviewed pages as one standalone digitised PDF/A.
- :func:`write_for_dossier` then :func:`attach_to_dossier`: the PDF/A written
  to a temporary file in the data folder (``io`` executor), then added to a
  component of a dossier through intake's path (``db`` executor):
  :func:`workstation.intake.attach.attach_document`, which is what
  ``workstation scan --dossier ID --component CODE`` uses; the stored pages
  keep what capture measured. The temporary file is removed either way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from workstation.domain import Document
from workstation.scan.pdf import DocumentInfo
from workstation.scan.pipeline import DigitizeReport
from workstation.scan.review import ReviewedPage, assemble
from workstation.store import BlobStore, Database


def save_pdf(pages: list[ReviewedPage], out: Path, info: DocumentInfo) -> DigitizeReport:
    """Write the standalone PDF/A (nothing is left at ``out`` unless it is whole)."""
    return assemble(pages, out, info)


@dataclass
class Written:
    """A PDF/A waiting in the data folder to be added to a dossier."""

    path: Path
    report: DigitizeReport


def write_for_dossier(pages: list[ReviewedPage], folder: Path, info: DocumentInfo) -> Written:
    """Write the PDF/A to a new file in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"capture-{uuid.uuid4().hex}.pdf"
    return Written(path, assemble(pages, path, info))


def attach_to_dossier(
    written: Written, database: Database, blobs: BlobStore, dossier: str, component: str
) -> Document:
    """Add the written PDF/A to ``component`` of ``dossier``; the temporary file goes."""
    from workstation.intake.attach import attach_document

    try:
        return attach_document(database, blobs, dossier, component, written.path, written.report)
    finally:
        written.path.unlink(missing_ok=True)
