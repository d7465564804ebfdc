"""The detail panel of one dossier: procedure, applicant, status, components, and the page.

:meth:`DossierDetail.show_dossier` loads the whole dossier on the ``db``
executor (the use case :func:`workstation.dossiers.show_dossier`), fills the
panel, then shows the first page of the first document
(:class:`~workstation.ui.dossiers.page_preview.PagePreview`). Choosing another
document in the components tree shows its first page. A dossier chosen while
another is still loading wins; the late one is dropped. While the next dossier
loads the panel keeps showing the previous one, so moving through the list
does not flash "loading" between dossiers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.domain import Catalogue, Document, Dossier, DossierStatus, short_number
from workstation.domain.admin_units import unit_text
from workstation.domain.clock import local
from workstation.domain.events import DossierEvent, pauses
from workstation.dossiers import show_dossier
from workstation.errors import WorkstationError
from workstation.i18n import tr
from workstation.lifecycle import history
from workstation.onbehalf.submit import online_state
from workstation.sign.records import SigningRecord, signing_record
from workstation.store import BlobStore, Database
from workstation.ui.background import run_in_background
from workstation.ui.dossiers.dossier_list_model import TIME_FORMAT
from workstation.ui.dossiers.page_preview import PagePreview
from workstation.ui.errors import show_error, user_message
from workstation.ui.texts import tr_count

DOCUMENT_ROLE = Qt.ItemDataRole.UserRole + 1
_LABELS = {
    "address": "applicant.address_on_card",
    "current_address": "applicant.current_address",
    "due_at": "lifecycle.detail.due_at",
    "history": "lifecycle.detail.history",
    "owner": "intake_owner.group",
    "collection": "intake_owner.collection",
}


class DossierDetail(QWidget):
    """Everything about one dossier. ``dossier_shown(id)`` once its first page is on screen."""

    dossier_shown = Signal(str)
    dossier_loaded = Signal(object)  # the Dossier now on screen (its life-cycle actions follow)
    document_chosen = Signal(object)  # the Document chosen in the components, or None

    def __init__(
        self,
        database: Database,
        blobs: BlobStore,
        catalogue: Catalogue,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.catalogue = catalogue
        self.dossier: Dossier | None = None
        self._wanted: str | None = None
        self._announce: str | None = None

        self.placeholder = QLabel(tr("dossier.detail.empty"))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)

        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for name in (
            "procedure",
            "code",
            "applicant",
            "id_number",
            "address",
            "current_address",
            "owner",
            "status",
            "received_at",
            "due_at",
            "channel",
            "collection",
            "history",
        ):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(tr(_LABELS.get(name, f"dossier.detail.{name}")), value)
            self.fields[name] = value

        self.components = QTreeWidget()
        self.components.setHeaderLabels(
            [tr("dossier.detail.components"), tr("dossier.detail.column.info")]
        )
        self.components.setRootIsDecorated(True)
        self.components.currentItemChanged.connect(self._document_chosen)
        self.results = _table(("document", "kind"), "dossier.detail.results")
        self.signatures = _table(
            ("signer", "role", "time", "fingerprint"), "dossier.detail.signatures"
        )
        self.preview = PagePreview(blobs)
        self.preview.page_shown.connect(self._page_shown)

        info = QWidget()
        info_layout = QVBoxLayout(info)
        info_layout.setContentsMargins(0, 0, 0, 0)
        info_layout.addLayout(form)
        info_layout.addWidget(self.components, 1)
        info_layout.addWidget(QLabel(tr("dossier.detail.results")))
        info_layout.addWidget(self.results)
        info_layout.addWidget(QLabel(tr("dossier.detail.signatures")))
        info_layout.addWidget(self.signatures)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(info)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 3)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.placeholder)
        self.pages.addWidget(splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def show_dossier(self, dossier_id: str) -> None:
        """Load dossier ``dossier_id`` in the background and show it.

        The dossier on screen, if any, stays until the new one has arrived.
        """
        self._wanted = dossier_id
        if self.dossier is None:
            self.placeholder.setText(tr("dossier.detail.loading"))
            self.pages.setCurrentWidget(self.placeholder)
        database = self.database

        def load() -> tuple[Dossier, list[DossierEvent], SigningRecord, bool]:
            return (
                show_dossier(database, dossier_id),
                history(database, dossier_id),
                signing_record(database, dossier_id),
                online_state(database, dossier_id).current,
            )

        run_in_background(self, load, self._loaded, lambda exc: self._load_failed(dossier_id, exc))

    def clear(self) -> None:
        """Show no dossier (and drop one still loading)."""
        self._wanted = None
        self._announce = None
        self.dossier = None
        self.preview.clear()
        self.placeholder.setText(tr("dossier.detail.empty"))
        self.pages.setCurrentWidget(self.placeholder)

    def _loaded(self, loaded: tuple[Dossier, list[DossierEvent], SigningRecord, bool]) -> None:
        dossier, events, record, current = loaded
        if dossier.id != self._wanted:
            return
        self.dossier = dossier
        self._fill(dossier)
        if not current:  # online, but changed since its owner confirmed it
            channel = self.fields["channel"]
            channel.setText(tr("onbehalf_ui.channel_stale", channel=channel.text()))
        self._fill_history(dossier, events)
        self._fill_signing(record)
        self.dossier_loaded.emit(dossier)
        self.pages.setCurrentIndex(1)
        self._announce = dossier.id
        first = self._first_document_item()
        if first is None:
            self.preview.show_document(None)
        else:
            self.components.setCurrentItem(first)  # shows its first page

    def _load_failed(self, dossier_id: str, exc: BaseException) -> None:
        if dossier_id != self._wanted:
            return
        self.dossier = None
        self.preview.clear()
        self.placeholder.setText(user_message(exc))
        if not isinstance(exc, WorkstationError):
            show_error(self.window(), exc)
        self.pages.setCurrentWidget(self.placeholder)

    def _fill(self, dossier: Dossier) -> None:
        applicant = dossier.applicant
        self.fields["procedure"].setText(self._procedure_text(dossier))
        self.fields["code"].setText(
            dossier.code or tr("dossier.detail.no_code", id=short_number(dossier))
        )
        self.fields["applicant"].setText(
            tr(
                "dossier.detail.applicant_value",
                name=applicant.name,
                type=tr(applicant.type.message_key),
            )
        )
        if dossier.forgotten_at is not None:  # the retention purge forgot who it was
            self.fields["applicant"].setText(tr("retention.forgotten"))
        self.fields["id_number"].setText(applicant.id_number or "—")
        self.fields["status"].setText(tr(dossier.status.message_key))
        self.fields["received_at"].setText(local(dossier.received_at).strftime(TIME_FORMAT))
        self.fields["channel"].setText(tr(f"channel.{dossier.channel.value}"))
        self.fields["address"].setText(applicant.address or "—")
        self.fields["current_address"].setText(unit_text(applicant))
        owner = dossier.owner
        self.fields["owner"].setText(
            tr("intake_owner.same_as_applicant")
            if owner is None
            else tr(
                "dossier.detail.applicant_value", name=owner.name, type=tr(owner.type.message_key)
            )
        )
        self.fields["collection"].setText(tr(f"intake_owner.{dossier.collection.message_key}"))
        due = dossier.due_at
        self.fields["due_at"].setText(local(due).strftime(TIME_FORMAT) if due else "—")

        self.components.blockSignals(True)
        self.components.clear()
        for component in dossier.components:
            item = QTreeWidgetItem(
                [component.name, tr(f"digitisation.{int(component.digitisation)}")]
            )
            for document in component.documents:
                info = tr_count(
                    "dossier.detail.document_info", document.page_count, pages=document.page_count
                )
                if not document.held_here:
                    info = tr("retention.document_info", info=info)
                child = QTreeWidgetItem([document.file_name, info])
                child.setData(0, DOCUMENT_ROLE, document)
                item.addChild(child)
            self.components.addTopLevelItem(item)
        self.components.expandAll()
        self.components.resizeColumnToContents(0)
        self.components.blockSignals(False)

    def _fill_history(self, dossier: Dossier, events: list[DossierEvent]) -> None:
        lines = [
            f"{local(e.at).strftime(TIME_FORMAT)} {tr(f'lifecycle.event.{e.kind.value}')}"
            for e in events
        ]
        _, waiting_since = pauses(events)
        if waiting_since is not None and dossier.status is DossierStatus.SUPPLEMENT_REQUESTED:
            since = local(waiting_since).strftime(TIME_FORMAT)
            lines.append(tr("lifecycle.detail.paused", since=since))
        self.fields["history"].setText("\n".join(lines) or "—")

    def _fill_signing(self, record: SigningRecord) -> None:
        """The result documents and signature records (read-only)."""
        _fill_rows(
            self.results,
            [
                [
                    d.file_name,
                    tr(
                        "dossier.detail.results.signed"
                        if d.signed
                        else "dossier.detail.results.unsigned"
                    )
                    + (" · " + tr("dossier.detail.results.current") if d.current else ""),
                ]
                for d in record.results
            ],
            "dossier.detail.results.none",
        )
        _fill_rows(
            self.signatures,
            [
                [
                    s.signer,
                    tr(f"signing.role.{s.role}"),
                    local(s.signed_at).strftime(TIME_FORMAT),
                    s.certificate_sha256,
                ]
                for s in record.signatures
            ],
            "dossier.detail.signatures.none",
        )

    def _procedure_text(self, dossier: Dossier) -> str:
        try:
            procedure = self.catalogue.get(
                dossier.procedure_code, local(dossier.received_at).date()
            )
        except WorkstationError:
            return dossier.procedure_code
        return f"{procedure.code} — {procedure.name}"

    def _first_document_item(self) -> QTreeWidgetItem | None:
        for i in range(self.components.topLevelItemCount()):
            component = self.components.topLevelItem(i)
            if component.childCount():
                return component.child(0)
        return None

    def _document_chosen(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        document = item.data(0, DOCUMENT_ROLE) if item is not None else None
        if isinstance(document, Document):
            self.preview.show_document(document)
        self.document_chosen.emit(document if isinstance(document, Document) else None)

    def current_document(self) -> Document | None:
        """The document chosen in the components tree, if any."""
        item = self.components.currentItem()
        document = item.data(0, DOCUMENT_ROLE) if item is not None else None
        return document if isinstance(document, Document) else None

    def _page_shown(self, _number: int) -> None:
        if self._announce is not None and self.dossier is not None:
            dossier_id, self._announce = self._announce, None
            self.dossier_shown.emit(dossier_id)


def _table(columns: tuple[str, ...], prefix: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels([tr(f"{prefix}.column.{c}") for c in columns])
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.setMaximumHeight(120)
    return table


def _fill_rows(table: QTableWidget, rows: list[list[str]], empty_key: str) -> None:
    """Put ``rows`` in ``table``; with none, one line saying so."""
    table.clearContents()
    if not rows:
        table.setRowCount(1)
        table.setItem(0, 0, QTableWidgetItem(tr(empty_key)))
        return
    table.setRowCount(len(rows))
    for row, texts in enumerate(rows):
        for column, text in enumerate(texts):
            table.setItem(row, column, QTableWidgetItem(text))
    table.resizeColumnsToContents()
