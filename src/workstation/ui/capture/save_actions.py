"""Saving from the capture view: the pages as one PDF/A, standalone or into a dossier.

A mixin of :class:`~workstation.ui.capture.capture_view.CaptureView` (kept
apart so each file stays readable): it checks that every page is processed,
then writes on ``io`` and adds to the dossier on ``db``
(:mod:`workstation.ui.capture.saving`), and empties the view once saved.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from workstation.i18n import tr
from workstation.scan.pdf import DocumentInfo
from workstation.scan.review import ReviewedPage
from workstation.ui.background import run_in_background
from workstation.ui.capture.pages import PageState
from workstation.ui.capture.runs import attach, remove_folders
from workstation.ui.capture.saving import save_pdf, write_for_dossier
from workstation.ui.errors import user_message


class SaveActions:
    """The view's saving: ``ready_pages``, ``save_to_dossier``, ``save_pdf``."""

    # Given by the view this is mixed into.
    services: Any
    pages: Any
    runs: Any
    folders: Any
    strip: Any
    status: Any
    dossier_edit: Any
    component_edit: Any
    save_dossier_button: Any
    save_pdf_button: Any
    save_dossier_action: Any
    save_pdf_action: Any
    saved: Any
    document_added: Any
    show_message: Any
    _show_selected: Any
    _update: Any

    def ready_pages(self) -> list[ReviewedPage] | None:
        """The pages in order if every one is processed; else None, with the reason shown."""
        if self.runs:
            self.show_message(tr("capture_ui.save.scanning"))
            return None
        pages = [self.pages[page_id] for page_id in self.strip.page_ids()]
        if not pages:
            self.show_message(tr("capture_ui.save.empty"))
            return None
        if any(p.state is PageState.FAILED for p in pages):
            self.show_message(tr("capture_ui.save.failed_pages"))
            return None
        if any(p.state is PageState.PROCESSING for p in pages):
            self.show_message(tr("capture_ui.save.processing"))
            return None
        return [p.result for p in pages if p.result is not None]

    def save_to_dossier(self) -> None:
        """Add the pages, as one PDF/A, to the component typed of the dossier typed."""
        dossier = self.dossier_edit.text().strip()
        component = self.component_edit.text().strip()
        if not dossier or not component:
            self.show_message(tr("capture_ui.save.dossier_missing"))
            return
        pages = self.ready_pages()
        if pages is None:
            return
        info = DocumentInfo(title=tr("capture_ui.document_title"), dossier_code=dossier,
                            component=component)  # fmt: skip
        services = self.services
        folder = services.folders.data / "capture"
        self._saving(True)
        run_in_background(
            self,
            partial(write_for_dossier, pages, folder, info),
            self._added,
            self._save_failed,
            "io",
            then=[("db", partial(attach, services, dossier, component))],
            essential=True,
        )

    def choose_pdf(self) -> None:
        """Ask where to write the standalone PDF/A, then write it."""
        path, _ = QFileDialog.getSaveFileName(
            self, tr("capture_ui.save_pdf"), str(Path.home()), "PDF (*.pdf)"
        )
        if path:
            self.save_pdf(Path(path))

    def save_pdf(self, out: Path) -> None:
        """Write the pages as one standalone PDF/A at ``out``."""
        pages = self.ready_pages()
        if pages is None:
            return
        if out.suffix.lower() != ".pdf":
            out = out.with_suffix(".pdf")
        info = DocumentInfo(title=out.stem)
        self._saving(True)
        run_in_background(
            self,
            partial(save_pdf, pages, out, info),
            lambda _report, out=out: self._saved(out),
            self._save_failed,
            "io",
            essential=True,
        )

    def _saving(self, busy: bool) -> None:
        self.save_dossier_button.setEnabled(not busy)
        self.save_pdf_button.setEnabled(not busy)
        self.save_dossier_action.setEnabled(not busy)
        self.save_pdf_action.setEnabled(not busy)

    def _saved(self, outcome: object) -> None:
        self._saving(False)
        self.strip.clear()
        self.pages.clear()
        folders, self.folders = self.folders, []
        run_in_background(self, partial(remove_folders, folders), lambda _r: None, None, "io")
        self.show_message("")
        self.status.setText(tr("capture_ui.status.saved"))
        self._show_selected()
        self._update()
        self.saved.emit(outcome)

    def _added(self, document: object) -> None:
        self._saved(document)
        self.document_added.emit(document)

    def _save_failed(self, error: BaseException) -> None:
        self._saving(False)
        self.show_message(user_message(error))
