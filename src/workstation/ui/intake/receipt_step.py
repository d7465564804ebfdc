"""The last step of receiving: the receipt (form 01) as a PDF, then offered for printing.

:func:`write_receipt` builds and renders the receipt of a saved dossier (run it
on the ``io`` executor) into ``<data folder>/receipts/<code>.pdf``, with the
VietQR payment code of what is still due at the counter. Printing
goes through a :class:`ReceiptPrinter`, so the view does not care how:
:class:`DialogPrinter` opens the system print dialog and paints the PDF's
pages onto the chosen printer; tests give a recording printer instead (the
print dialog cannot run offscreen).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from workstation import pages
from workstation.domain import Catalogue, Dossier
from workstation.forms import build
from workstation.forms.render import render_pdf
from workstation.onbehalf.payment import receipt_payment_code
from workstation.store import Database, sealed_files

log = logging.getLogger(__name__)


def receipt_path(data_folder: Path, code: str) -> Path:
    """Where the receipt of the dossier ``code`` is kept (the code made safe as a file name)."""
    return data_folder / "receipts" / f"{re.sub(r'[^0-9A-Za-z._-]', '_', code)}.pdf"


def write_receipt(  # type: ignore[no-untyped-def]
    dossier: Dossier,
    catalogue: Catalogue,
    settings,
    data_folder: Path,
    database: Database | None = None,
) -> Path:
    """Render the receipt of the saved ``dossier`` (it has its code) as a PDF; return its path.

    With ``database``, a fee still due at the counter prints as its VietQR payment code.
    """
    code = None
    if database is not None:
        code = receipt_payment_code(database, settings, dossier.id)
    form = build.receipt(dossier, catalogue, build.agency_from(settings), payment_code=code)
    path = receipt_path(data_folder, form.code)
    data = render_pdf(form)
    sealed_files.write(path, data)  # sealed when encryption is on
    log.info("receipt of dossier %s written (%d bytes)", dossier.id, len(data))
    return path


class ReceiptPrinter(Protocol):
    """Prints a receipt PDF; ``parent`` is the widget a dialog may open over."""

    def print_pdf(self, path: Path, parent: QWidget | None) -> bool: ...


class DialogPrinter:
    """The system print dialog, then each page of the PDF painted to fit the printer's page."""

    def print_pdf(self, path: Path, parent: QWidget | None) -> bool:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        from workstation.ui.dossiers.render import render_page

        data = sealed_files.read(path)  # a kept form is sealed when encryption is on
        count = len(pages.page_sizes(data, pages.PDF_TYPE, path.name))
        painter = QPainter(printer)
        try:
            for number in range(1, count + 1):
                if number > 1:
                    printer.newPage()
                image = render_page(data, pages.PDF_TYPE, number, path.name)
                area = painter.viewport()
                size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(area.topLeft(), size), image)
        finally:
            painter.end()
        log.info("receipt printed: %d page(s)", count)
        return True
