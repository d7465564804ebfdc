"""Receiving a dossier: files into the blob store, the dossier and its outbox message
into the database in one transaction.

Two requests: :class:`ChecklistRequest`, the counter's, names every component
of the procedure's checklist with its files (or none yet) and the paper pages
the officer counted; a required component not presented is refused
(``receive.missing_component``), and an image count that differs from the
paper pages is a warning at the component (:func:`page_warnings`).
:class:`NewDossier`, the older single-component request, files every file
under one component. Both get their due date (from the procedure's time limit
and the receipt time) and their fees (:mod:`workstation.domain.fees`) when
prepared, and their official dossier code when saved with a
:class:`CodeIssuer`, in the transaction that saves them.

The order matters. Files are checked (every page decoded, in the process
pool, one page at a time), then streamed from disk into the blob store
(content addressed, so a retry writes nothing twice; no file is ever held
whole in memory); only then does one transaction
save the dossier, its component, documents and pages *and* queue the
``dossier.created`` message. If the database refuses, nothing of the dossier
exists and nothing is queued; the blobs left behind are unreferenced and
:func:`workstation.intake.cleanup.clean_up_blobs` clears them.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from workstation.domain import (
    Applicant,
    Catalogue,
    Channel,
    CollectionMethod,
    Component,
    DigitisationStatus,
    Document,
    Dossier,
    DossierStatus,
    clock,
)
from workstation.domain.admin_units import with_current_units
from workstation.domain.calendar import WorkingCalendar, load_calendar
from workstation.domain.catalogue import ComponentRequirement, Procedure
from workstation.domain.codes import CodeFormat, CodeSettings, format_for, issue_code, load_formats
from workstation.domain.due_dates import CountingRules, compute_due, load_rules, rules_in_force
from workstation.domain.fees import assess_fees, known_cases
from workstation.domain.field_warning import FieldWarning
from workstation.errors import BadInput
from workstation.intake.files import InspectedFile, inspect_files
from workstation.store import BlobStore, Database
from workstation.store.dossiers import add_dossier, find_imported
from workstation.store.outbox import enqueue
from workstation.store.sequences import StoreSequenceSource

log = logging.getLogger(__name__)

DOSSIER_CREATED = "dossier.created"

Progress = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)``; ``step`` is a message key."""


MAX_PAPER_PAGES = 5000
"""The most paper pages one component may be said to have (a typing slip beyond it)."""
PAGE_COUNT_MISMATCH = "receive.page_count_mismatch"
"""The warning code (``warning.receive.page_count_mismatch``) of :func:`page_warnings`."""
FUTURE_TOLERANCE = timedelta(minutes=5)
"""How far ahead of this computer's clock a receipt time may be (clocks drift)."""


@dataclass(frozen=True)
class NewDossier:
    """What the officer filled in to receive a dossier with one component (the old dialog)."""

    procedure_code: str
    applicant: Applicant
    files: Sequence[Path]
    component_code: str | None = None
    channel: Channel = Channel.COUNTER
    received_at: datetime | None = None
    officer_id: int | None = None
    paper_pages: int | None = None  # of the component the files go to; None: not counted
    cases: Sequence[str] = ()  # the applicant's fee cases, as in ChecklistRequest
    owner: Applicant | None = None  # chủ hồ sơ, when not the person filing
    collection: CollectionMethod = CollectionMethod.COUNTER


@dataclass(frozen=True)
class ComponentReceipt:
    """One component as the officer receives it: its checklist ``code``, its files
    (none yet: scanned later) and the paper pages counted (``None``: not counted)."""

    code: str
    files: Sequence[Path] = ()
    paper_pages: int | None = None
    reused: bool = False  # the files came from the citizen's store, not the scanner

    @property
    def presented(self) -> bool:
        return bool(self.files) or bool(self.paper_pages)


@dataclass(frozen=True)
class ChecklistRequest:
    """A dossier received against the procedure's checklist.

    ``cases`` are the applicant's cases the catalogue's fee reductions name
    (``poor_household`` …); ``import_key`` is set by an import, so a second
    import of the same entry creates nothing.
    """

    procedure_code: str
    applicant: Applicant
    components: Sequence[ComponentReceipt]
    channel: Channel = Channel.COUNTER
    received_at: datetime | None = None
    officer_id: int | None = None
    cases: Sequence[str] = ()
    import_key: str | None = None
    owner: Applicant | None = None  # chủ hồ sơ, when not the person filing
    collection: CollectionMethod = CollectionMethod.COUNTER


@dataclass(frozen=True)
class CodeIssuer:
    """What issuing a dossier code needs: the unit's settings and the formats in force."""

    agency: str
    agency_classic: str
    system: str
    slot: int
    format_name: str | None
    formats: tuple[CodeFormat, ...]

    @classmethod
    def from_settings(cls, settings) -> CodeIssuer:  # type: ignore[no-untyped-def]
        """The issuer a workstation's :class:`~workstation.config.Settings` describe."""
        return cls(
            agency=settings.agency_code,
            agency_classic=settings.agency_code_classic,
            system=settings.system_code,
            slot=settings.workstation_slot,
            format_name=settings.dossier_code_format or None,
            formats=tuple(load_formats()),
        )

    def sequence_for(self, day: date) -> tuple[CodeFormat, str]:
        """The code format in force on ``day`` and the unit whose sequence it counts (what
        sync leases blocks of)."""
        code_format = format_for(list(self.formats), day, self.format_name)
        return code_format, self.agency_classic if code_format.name == "classic" else self.agency

    def issue(self, session, received_at: datetime) -> str:  # type: ignore[no-untyped-def]
        """The next code for a dossier received at ``received_at``, from the store's
        sequence, inside the caller's transaction."""
        day = clock.local(received_at).date()
        formats = list(self.formats)
        code_format = format_for(formats, day, self.format_name)
        agency = self.agency_classic if code_format.name == "classic" else self.agency
        settings = CodeSettings(agency, self.slot, self.system, code_format.name)
        return issue_code(formats, settings, day, StoreSequenceSource(session))


def receive_dossier(
    database: Database,
    blobs: BlobStore,
    catalogue: Catalogue,
    request: NewDossier | ChecklistRequest,
    progress: Progress | None = None,
    issuer: CodeIssuer | None = None,
) -> Dossier:
    """Save a new dossier with its files; queue it for sync; with ``issuer``, issue its code.

    The two steps, :func:`prepare_dossier` (files) and :func:`save_dossier`
    (database), can also run apart, e.g. on the window's file and database threads.
    """
    return save_dossier(database, prepare_dossier(blobs, catalogue, request, progress), issuer)


@functools.cache
def _counting() -> tuple[WorkingCalendar, list[CountingRules]]:
    return load_calendar(), load_rules()


def _received_at(request: NewDossier | ChecklistRequest) -> datetime:
    received_at = request.received_at or clock.now()
    if received_at.tzinfo is None:
        raise BadInput("the receipt time needs a time zone", code="receive.bad_date", value="")
    if received_at > clock.now() + FUTURE_TOLERANCE:
        raise BadInput(
            "the receipt time lies in the future",
            code="receive.received_in_future",
            day=clock.local(received_at).strftime("%d/%m/%Y %H:%M"),
        )
    return received_at


def prepare_dossier(
    blobs: BlobStore,
    catalogue: Catalogue,
    request: NewDossier | ChecklistRequest,
    progress: Progress | None = None,
) -> Dossier:
    """Check the request and its files, store the files; return the dossier, not yet saved,
    with its due date and fees.

    Touches no database. Files stored here and never saved are unreferenced
    blobs, which :func:`workstation.intake.cleanup.clean_up_blobs` clears later;
    a file already stored has its claim renewed, so that clean-up leaves it
    for the dossier about to refer to it. Every check that can refuse the
    request runs before the first file is stored.
    """
    progress = progress or (lambda *_: None)
    received_at = _received_at(request)
    procedure = catalogue.get(request.procedure_code, clock.local(received_at).date())
    if isinstance(request, NewDossier):
        requirement = procedure.filed_under(request.component_code)
        if not request.files:
            raise BadInput("give at least one file for the component", code="dossier.no_files")
        receipts = [ComponentReceipt(requirement.code, tuple(request.files), request.paper_pages)]
        checklist: tuple[ComponentRequirement, ...] = (requirement,)
        _check_receipts(procedure, receipts)
    else:
        receipts = list(request.components)
        checklist = procedure.components
        _check_receipts(procedure, receipts)
        _check_presented(procedure, receipts)
    cases = tuple(request.cases)
    _check_cases(procedure, cases)

    paths = [path for receipt in receipts for path in receipt.files]
    total = len(paths)
    inspected = inspect_files(
        paths, lambda done, _: progress("progress.checking_file", done, total)
    )
    stored: list[Document] = []
    for done, item in enumerate(inspected):
        progress("progress.storing_file", done, total)
        stored.append(_store(blobs, item))

    by_code = {r.code: r for r in receipts}
    components = []
    taken = 0
    for requirement in checklist:
        receipt = by_code.get(requirement.code)
        documents = ()
        if receipt is not None:
            documents = tuple(stored[taken : taken + len(receipt.files)])
            taken += len(receipt.files)
        components.append(_component(requirement, receipt, documents))

    day = clock.local(received_at).date()
    calendar, rules = _counting()
    due = compute_due(
        received_at,
        procedure.time_limit,
        calendar,
        rules_in_force(rules, day),
        online=request.channel is Channel.ONLINE,
    )
    fees = assess_fees(procedure, day, request.channel, cases)
    dossier = Dossier(
        procedure_code=procedure.code,
        procedure_version=procedure.version,
        # The card's address stays as printed; today's units are suggested beside it.
        applicant=with_current_units(request.applicant, day),
        received_at=received_at,
        status=DossierStatus.RECEIVED,
        channel=request.channel,
        officer_id=request.officer_id,
        components=tuple(components),
        due_at=due.due,
        fee=fees.fee,
        charge=fees.charge,
        import_key=getattr(request, "import_key", None),
        cases=cases,
        owner=request.owner,
        collection=request.collection,
    )
    progress("progress.saving_dossier", total, total)
    return dossier


def _component(
    requirement: ComponentRequirement,
    receipt: ComponentReceipt | None,
    documents: tuple[Document, ...],
) -> Component:
    """The dossier's component for one checklist entry; one not presented counts no copies."""
    presented = receipt is not None and receipt.presented
    return Component(
        name=requirement.name,
        requirement_code=requirement.code,
        originals=requirement.originals if presented else 0,
        certified_copies=requirement.certified_copies if presented else 0,
        photocopies=requirement.photocopies if presented else 0,
        digitisation=_digitisation(receipt, documents),
        documents=documents,
        paper_pages=receipt.paper_pages if receipt is not None else 0,
    )


def _digitisation(
    receipt: ComponentReceipt | None, documents: tuple[Document, ...]
) -> DigitisationStatus:
    if not documents:
        return DigitisationStatus.NOT_DIGITISED
    if receipt is not None and receipt.reused:
        return DigitisationStatus.REUSED_FROM_COMPONENT
    return DigitisationStatus.DIGITISED


def _check_receipts(procedure: Procedure, receipts: Sequence[ComponentReceipt]) -> None:
    """Refuse an unknown or repeated component, or an impossible page count."""
    seen: set[str] = set()
    for receipt in receipts:
        requirement = procedure.requirement(receipt.code)
        if receipt.code in seen:
            raise BadInput(
                f"component {receipt.code} is given twice",
                code="receive.component_twice",
                component=requirement.name,
            )
        seen.add(receipt.code)
        pages = receipt.paper_pages
        if pages is not None and (isinstance(pages, bool) or not 0 <= pages <= MAX_PAPER_PAGES):
            raise BadInput(
                f"component {receipt.code}: {pages!r} paper pages is not a page count",
                code="receive.bad_page_count",
                component=requirement.name,
                limit=MAX_PAPER_PAGES,
            )


def _check_presented(procedure: Procedure, receipts: Sequence[ComponentReceipt]) -> None:
    """Refuse a checklist without one of the procedure's required components."""
    presented = {r.code for r in receipts if r.presented}
    for requirement in procedure.components:
        if requirement.required and requirement.code not in presented:
            raise BadInput(
                f"required component {requirement.code} of {procedure.code} is missing",
                code="receive.missing_component",
                component=requirement.name,
                procedure=procedure.code,
            )


def _check_cases(procedure: Procedure, cases: Sequence[str]) -> None:
    """Refuse a fee case the procedure's fees do not list."""
    unknown = sorted(set(cases) - known_cases(procedure))
    if unknown:
        raise BadInput(
            f"procedure {procedure.code} has no fee reduction for {', '.join(unknown)}",
            code="receive.unknown_case",
            case=", ".join(unknown),
            procedure=procedure.code,
        )


def page_warnings(dossier: Dossier) -> list[FieldWarning]:
    """A warning for each component whose images are not one per paper page counted.

    DOMAIN: the number of images equals the number of paper pages, in order (a
    page with a sticky note gives two images, so more images than pages can be
    right; the officer looks again). Components without files or without a
    count are not checked: their pages are scanned or counted later.
    """
    warnings = []
    for c in dossier.components:
        if c.documents and c.paper_pages and c.image_count != c.paper_pages:
            warnings.append(
                FieldWarning(
                    field=f"component.{c.requirement_code}",
                    code=PAGE_COUNT_MISMATCH,
                    params=(
                        ("component", c.name),
                        ("images", str(c.image_count)),
                        ("pages", str(c.paper_pages)),
                    ),
                )
            )
    return warnings


def _store(blobs: BlobStore, item: InspectedFile) -> Document:
    """Stream one checked file into the blob store; ``file.changed`` if it is not as checked."""
    name = item.path.name
    with item.open() as stream:
        try:
            digest = blobs.put_file(stream)
            complete = stream.tell() == item.size_bytes
        except OSError as exc:
            raise BadInput(
                f"cannot read {name}: {exc.strerror or exc.__class__.__name__}",
                code="file.unreadable",
                name=name,
            ) from exc
    if not complete:  # it grew or shrank after its check: what was checked is not what was read
        raise BadInput(
            f"{name} changed while it was being received", code="file.changed", name=name
        )
    return Document(
        sha256=digest,
        media_type=item.media_type,
        file_name=name,
        size_bytes=item.size_bytes,
        pages=item.pages,
    )


def save_dossier(database: Database, dossier: Dossier, issuer: CodeIssuer | None = None) -> Dossier:
    """Save ``dossier`` and queue its ``dossier.created`` message, in one transaction.

    With ``issuer``, the dossier gets its official code in that transaction too:
    a dossier that is not saved gives its sequence number back.
    """
    with database.transaction() as session:
        if dossier.import_key is not None and find_imported(session, dossier.import_key):
            raise BadInput(
                f"import key {dossier.import_key} was imported before",
                code="import.already_present",
                key=dossier.import_key,
            )
        if issuer is not None and dossier.code is None:
            dossier = replace(dossier, code=issuer.issue(session, dossier.received_at))
        dossier = add_dossier(session, dossier)  # now with its short number
        enqueue(session, DOSSIER_CREATED, dossier.id, dossier_message(dossier))
    log.info(
        "received dossier %s for procedure %s: %d page(s)",
        dossier.id,
        dossier.procedure_code,
        dossier.page_count,
    )
    return dossier


def portal_timestamp(moment: datetime) -> str:
    """A moment as the national portal writes it: ``yyyyMMddHHmmss`` in Vietnam's time."""
    return clock.local(moment).strftime("%Y%m%d%H%M%S")


def document_message(document: Document) -> dict[str, object]:
    """A stored file as reports and messages describe it."""
    return {
        "id": document.id,
        "sha256": document.sha256,
        "media_type": document.media_type,
        "file_name": document.file_name,
        "size_bytes": document.size_bytes,
        "page_count": document.page_count,
    }


def _owner_message(owner: Applicant | None) -> dict[str, object] | None:
    if owner is None:
        return None
    return {
        "type": int(owner.type),
        "name": owner.name,
        "id_number": owner.id_number,
        "address": owner.address,
        "phone": owner.phone,
        "email": owner.email,
    }


def dossier_message(dossier: Dossier) -> dict[str, object]:
    """The ``dossier.created`` payload for the central system."""
    a = dossier.applicant
    return {
        "id": dossier.id,
        "code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_version": dossier.procedure_version,
        "status": int(dossier.status),
        "channel": str(dossier.channel),
        "received_at": portal_timestamp(dossier.received_at),
        "due_at": portal_timestamp(dossier.due_at) if dossier.due_at else None,
        "fee": dossier.fee,
        "charge": dossier.charge,
        "applicant": {
            "type": int(a.type),
            "name": a.name,
            "id_number": a.id_number,
            "address": a.address,
            "current_address": a.current_address,
            "address_units": a.address_units,
            "phone": a.phone,
            "email": a.email,
        },
        # The owner (chủ hồ sơ) when not the person filing; None: the applicant owns it.
        "owner": _owner_message(dossier.owner),
        "collection": str(dossier.collection),
        "components": [
            {
                "id": c.id,
                "requirement_code": c.requirement_code,
                "name": c.name,
                "digitisation": int(c.digitisation),
                "paper_pages": c.paper_pages,
                "documents": [document_message(d) for d in c.documents],
            }
            for c in dossier.components
        ],
    }
