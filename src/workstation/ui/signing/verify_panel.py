"""The verify panel: open or drop a PDF, see each of its signatures in the officer's language.

For each signature: who signed, when, whether the signed bytes are intact,
whether it chains to the trusted roots (the national root CA and the
Government CA the administrator installed, ``settings.trust_roots``), its
revocation status (unknown is never shown as valid) and whether the file was
changed after it or the signature covers only part of it. The check runs on
the ``io`` executor.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.i18n import tr
from workstation.sign.verify import SignatureReport
from workstation.ui.background import run_in_background
from workstation.ui.errors import user_message

COLUMNS = (
    "signer",
    "time",
    "integrity",
    "trust",
    "revocation",
    "coverage",
    "verdict",
)


def signature_texts(report: SignatureReport) -> list[str]:
    """One row of the panel: the report in words."""
    coverage = (
        tr("signing.verify.changed_after", kind=tr(f"signing.verify.change.{report.changes_after}"))
        if report.changes_after not in ("none", "lta_updates")
        else tr(f"signing.verify.coverage.{report.coverage}")
    )
    time = (report.signing_time or "")[:19].replace("T", " ")
    if report.timestamp:
        time = tr("signing.verify.time_stamped", time=time)
    return [
        report.signer,
        time,
        tr("signing.verify.intact") if report.intact else tr("signing.verify.broken"),
        tr("signing.verify.trusted") if report.trusted else tr("signing.verify.untrusted"),
        tr(f"signing.verify.revocation.{report.revocation}"),
        coverage,
        tr(f"signing.verify.verdict.{report.verdict}"),
    ]


def verify_file(path: Path, roots: list[Path]) -> list[SignatureReport]:
    from workstation.sign.verify import verify_pdf

    return verify_pdf(path, roots)


class VerifyPanel(QWidget):
    """Open (Ctrl+O) or drop a PDF; ``verified`` once its report is shown (or its error)."""

    verified = Signal()

    def __init__(self, trust_roots: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trust_roots = trust_roots
        self.reports: list[SignatureReport] = []
        self.setAcceptDrops(True)
        self.open_button = QPushButton(tr("signing.verify.open"))
        self.open_button.setShortcut("Ctrl+O")
        self.open_button.clicked.connect(self.choose_file)
        self.summary = QLabel(tr("signing.verify.drop"))
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(f"signing.verify.column.{c}") for c in COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        bar = QHBoxLayout()
        bar.addWidget(self.open_button)
        bar.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("signing.verify.open"), "", "PDF (*.pdf)")
        if name:
            self.verify(Path(name))

    def verify(self, path: Path) -> None:
        """Check every signature of ``path`` off the UI thread and show the report."""
        self.summary.setText(tr("signing.verify.checking"))
        self.table.setRowCount(0)
        roots = list(self.trust_roots)
        run_in_background(self, lambda: verify_file(path, roots), self._show, self._failed, "io")

    def _show(self, reports: list[SignatureReport]) -> None:
        self.reports = reports
        self.table.setRowCount(len(reports))
        for row, report in enumerate(reports):
            for column, text in enumerate(signature_texts(report)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        valid = sum(r.verdict == "valid" for r in reports)
        if not reports:
            self.summary.setText(tr("signing.verify.none"))
        else:
            self.summary.setText(tr("signing.verify.summary", count=len(reports), valid=valid))
        self.verified.emit()

    def _failed(self, exc: BaseException) -> None:
        self.reports = []
        self.summary.setText(user_message(exc))
        self.verified.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.verify(files[0])
