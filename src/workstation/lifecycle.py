"""The counter's life cycle of a received dossier: each step a use case, in one transaction.

What the officer does after receiving a dossier, with the form of Circular
03/2025 each step hands the citizen (Annex I) and the national status it
leaves the dossier in:

=========================  =====  ================================================  ======
step                       form   what changes                                      status
=========================  =====  ================================================  ======
:func:`request_supplement`  02    the due-date clock stops                          5
:func:`receive_supplement`  01    the clock runs again: a new appointment           before
:func:`refuse`              03    refused, with reasons                             3
:func:`extend`              04    apology and a later appointment                   same
:func:`stop`                05    stopped at the applicant's request (withdrawn)    7
:func:`print_control_slip`  06    nothing; the slip travels with the paper dossier  same
:func:`print_register`      07    nothing; the register of a date range              —
=========================  =====  ================================================  ======

Each step renders its form first (a PDF under the data folder's ``forms/``),
then in one transaction stores the step as a :class:`~workstation.domain.events.DossierEvent`,
changes the dossier (status, appointment) and queues its outbox messages: the
step's own kind and, when the status changed, ``dossier.status_changed``. If
the transaction is refused, the form file is removed and nothing is changed
or queued. A step the dossier's status does not allow is refused
(``lifecycle.not_allowed``) before anything is written.

No Qt here: the window's Dossiers section and any command call these.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from workstation.config import Settings
from workstation.domain import Catalogue, Channel, Dossier, DossierStatus, clock, short_number
from workstation.domain.due_dates import Pause, compute_due, rules_in_force
from workstation.domain.events import DossierEvent, EventKind, pauses
from workstation.errors import BadInput
from workstation.forms import build
from workstation.forms.model import Agency, Form, SupplementItem
from workstation.forms.render import render_pdf
from workstation.intake.attach import add_stored_document, store_file
from workstation.intake.receive import _counting, portal_timestamp
from workstation.store import BlobStore, Database, sealed_files
from workstation.store import events as event_store
from workstation.store.dossiers import find_dossier, received_between, set_dossier_status
from workstation.store.outbox import MessageKind, enqueue

log = logging.getLogger(__name__)

OPEN = frozenset(s for s in DossierStatus if not s.is_final)
"""Statuses a dossier can still move on from."""
ALLOWED: dict[EventKind, frozenset[DossierStatus]] = {
    EventKind.SUPPLEMENT_REQUESTED: frozenset(
        {DossierStatus.NEWLY_REGISTERED, DossierStatus.RECEIVED, DossierStatus.PROCESSING}
    ),
    EventKind.SUPPLEMENT_RECEIVED: frozenset({DossierStatus.SUPPLEMENT_REQUESTED}),
    EventKind.REFUSED: OPEN,
    EventKind.EXTENDED: OPEN - {DossierStatus.PROCESSED},
    EventKind.STOPPED: OPEN,
    EventKind.CONTROL_SLIP: OPEN,
}
"""The statuses each step may start from."""
MESSAGES: dict[EventKind, MessageKind] = {
    EventKind.SUPPLEMENT_REQUESTED: MessageKind.SUPPLEMENT_REQUESTED,
    EventKind.SUPPLEMENT_RECEIVED: MessageKind.SUPPLEMENT_RECEIVED,
    EventKind.REFUSED: MessageKind.DOSSIER_REFUSED,
    EventKind.EXTENDED: MessageKind.DOSSIER_EXTENDED,
    EventKind.STOPPED: MessageKind.DOSSIER_STOPPED,
}
"""The outbox kind each step queues (the control slip tells the central system nothing)."""
REASON_MAX = 1000


@dataclass(frozen=True)
class Counter:
    """What the life-cycle steps work with: the store, the catalogue, the agency printed
    on the forms, the folder the forms are kept in and the officer's name to sign them."""

    database: Database
    catalogue: Catalogue
    agency: Agency
    forms_folder: Path
    officer_name: str | None = None
    blobs: BlobStore | None = None
    """Where a supplement's papers are stored; without it a supplement brings no files."""

    @classmethod
    def of(
        cls,
        database: Database,
        catalogue: Catalogue,
        settings: Settings,
        data_folder: Path,
        officer_name: str | None = None,
        blobs: BlobStore | None = None,
    ) -> Counter:
        return cls(
            database,
            catalogue,
            build.agency_from(settings),
            data_folder / "forms",
            officer_name,
            blobs,
        )


@dataclass(frozen=True)
class Step:
    """What a step did: the dossier as it is now, the event stored and the form's file."""

    dossier: Dossier
    event: DossierEvent | None
    form_path: Path


def request_supplement(
    counter: Counter,
    reference: str,
    items: Sequence[SupplementItem],
    at: datetime | None = None,
) -> Step:
    """Ask for every missing or incomplete item at once (form 02); the clock stops."""
    items = [SupplementItem(_text(i.name), _text(i.reason)) for i in items]
    items = [i for i in items if i.name]
    for item in items:
        if not item.reason:
            raise BadInput("a supplement item gives no reason", code="lifecycle.item_reason")
    dossier, _ = _load(counter, reference, EventKind.SUPPLEMENT_REQUESTED)
    at = _at(at, dossier)
    form = build.supplement_request(
        dossier, counter.catalogue, counter.agency, items, counter.officer_name, at.date()
    )
    details = {"items": [{"name": i.name, "reason": i.reason} for i in items]}
    return _commit(
        counter, dossier, EventKind.SUPPLEMENT_REQUESTED, at, form, details,
        status=DossierStatus.SUPPLEMENT_REQUESTED,
    )  # fmt: skip


def receive_supplement(
    counter: Counter,
    reference: str,
    at: datetime | None = None,
    note: str | None = None,
    files: Mapping[str, Sequence[Path]] | None = None,
) -> Step:
    """The supplement arrived: the clock runs again and a new receipt (form 01) gives the
    new appointment; the dossier returns to the status it had before the request.

    The appointment is computed again from the procedure's time limit with every
    pause (request to arrival) taken out; an appointment set later by an extension
    is kept if it is later still.

    ``files`` are the supplement's papers, by component (its requirement code or
    number from 1), received into the same dossier through intake's path
    (:mod:`workstation.intake.attach`): each file is checked and stored first (a
    refusal changes nothing), then the step's transaction adds the documents and
    queues their ``document.added`` messages with the step's own, so the step
    and its papers are stored together or not at all. The step's details list
    them (component and document id).
    """
    papers = {code: list(paths) for code, paths in (files or {}).items() if paths}
    if papers and counter.blobs is None:
        raise BadInput("no blob store to keep the supplement's files in", code="lifecycle.no_blobs")
    dossier, history = _load(counter, reference, EventKind.SUPPLEMENT_RECEIVED)
    at = _at(at, dossier)
    finished, open_since = pauses(history)
    if open_since is None:  # pragma: no cover - the status says a request is open
        raise BadInput("no supplement was requested", code="lifecycle.not_waiting")
    if at <= open_since:
        raise BadInput(
            "the supplement arrives before it was requested", code="lifecycle.before_request"
        )
    request = [e for e in history if e.kind is EventKind.SUPPLEMENT_REQUESTED][-1]
    before = request.status_before or DossierStatus.RECEIVED
    due = _due_with_pauses(counter.catalogue, dossier, [*finished, Pause(open_since, at)])
    if dossier.due_at is not None and any(e.kind is EventKind.EXTENDED for e in history):
        due = max(due, dossier.due_at)
    resumed = replace(dossier, due_at=due, status=before)
    form = build.receipt(resumed, counter.catalogue, counter.agency, counter.officer_name)
    form = replace(form, issued_on=clock.local(at).date())
    details: dict[str, Any] = {"note": _text(note)} if note and _text(note) else {}
    stored = [
        (code, store_file(counter.blobs, path))  # type: ignore[arg-type]
        for code, paths in papers.items()
        for path in paths
    ]
    if stored:
        details["documents"] = [
            {"component": code, "document_id": doc.id, "pages": doc.page_count}
            for code, doc in stored
        ]

    def add_papers(session: Session) -> None:
        for code, document in stored:
            add_stored_document(session, dossier, code, document)

    return _commit(
        counter, dossier, EventKind.SUPPLEMENT_RECEIVED, at, form, details,
        status=before, due=due, within=add_papers,
    )  # fmt: skip


def refuse(
    counter: Counter, reference: str, reasons: Sequence[str], at: datetime | None = None
) -> Step:
    """Refuse to receive and handle the dossier, with its reasons (form 03)."""
    reasons = [_text(r) for r in reasons if _text(r)]
    dossier, _ = _load(counter, reference, EventKind.REFUSED)
    at = _at(at, dossier)
    form = build.refusal(
        dossier, counter.catalogue, counter.agency, reasons, counter.officer_name, at.date()
    )
    return _commit(
        counter, dossier, EventKind.REFUSED, at, form, {"reasons": list(form.reasons)},
        status=DossierStatus.NOT_RECEIVED,
    )  # fmt: skip


def extend(
    counter: Counter,
    reference: str,
    reason: str,
    new_due_at: datetime,
    at: datetime | None = None,
) -> Step:
    """Apologise for a late result and set a later appointment (form 04)."""
    dossier, _ = _load(counter, reference, EventKind.EXTENDED)
    at = _at(at, dossier)
    if new_due_at.tzinfo is None:
        new_due_at = new_due_at.replace(tzinfo=clock.VIETNAM)
    floor = max(dossier.due_at or dossier.received_at, at)
    if new_due_at <= floor:
        raise BadInput(
            "the new appointment is not later than the old one",
            code="lifecycle.new_due_not_later",
            due=clock.local(floor).strftime("%H:%M %d/%m/%Y"),
        )
    form = build.apology(
        dossier, counter.catalogue, counter.agency, _text(reason), new_due_at,
        counter.officer_name, at.date(),
    )  # fmt: skip
    return _commit(
        counter, dossier, EventKind.EXTENDED, at, form, {"reason": form.reason},
        due=new_due_at,
    )  # fmt: skip


def stop(
    counter: Counter, reference: str, reason: str | None = None, at: datetime | None = None
) -> Step:
    """Stop handling at the applicant's request (form 05); the papers go back to them.

    The national status is 7, withdrawn by the citizen (8, stopped, is the
    handling agency's own decision).
    """
    dossier, _ = _load(counter, reference, EventKind.STOPPED)
    at = _at(at, dossier)
    form = build.stop_notice(
        dossier, counter.catalogue, counter.agency, _text(reason or ""), counter.officer_name,
        at.date(),
    )  # fmt: skip
    return _commit(
        counter, dossier, EventKind.STOPPED, at, form, {"reason": form.reason},
        status=DossierStatus.WITHDRAWN,
    )  # fmt: skip


def print_control_slip(counter: Counter, reference: str, at: datetime | None = None) -> Step:
    """Print the control slip (form 06) that travels with the paper dossier; kept as an event
    (the central system hears of hand-overs, not of the slip)."""
    dossier, _ = _load(counter, reference, EventKind.CONTROL_SLIP)
    at = _at(at, dossier)
    form = build.control_slip(dossier, counter.catalogue, counter.agency, counter.officer_name)
    return _commit(counter, dossier, EventKind.CONTROL_SLIP, at, form, {})


def print_register(counter: Counter, start: date, end: date) -> Path:
    """The register of dossiers received from ``start`` to ``end`` (both included), form 07."""
    since = datetime.combine(start, time(), clock.VIETNAM)
    until = datetime.combine(end + timedelta(days=1), time(), clock.VIETNAM)
    with counter.database.reading() as session:
        summaries = received_between(session, since, until)
    form = build.register(
        summaries, counter.catalogue, counter.agency, start, end, counter.officer_name
    )
    path = counter.forms_folder / f"register-{start.isoformat()}-{end.isoformat()}.pdf"
    sealed_files.write(path, render_pdf(form))  # sealed when encryption is on
    log.info("register printed: %d dossier(s)", len(summaries))
    return path


def history(database: Database, dossier_id: str) -> list[DossierEvent]:
    """Every life-cycle step of ``dossier_id``, oldest first."""
    with database.reading() as session:
        return event_store.events_of(session, dossier_id)


def allowed_steps(status: DossierStatus) -> set[EventKind]:
    """The steps a dossier in ``status`` may take (the window enables its actions by it)."""
    return {kind for kind, statuses in ALLOWED.items() if status in statuses}


# --- the one path every step takes --------------------------------------------------


def _text(text: str | None) -> str:
    text = " ".join((text or "").split())
    if len(text) > REASON_MAX:
        raise BadInput(
            f"a reason longer than {REASON_MAX} characters",
            code="lifecycle.reason_too_long",
            limit=REASON_MAX,
        )
    return text


def _load(counter: Counter, reference: str, kind: EventKind) -> tuple[Dossier, list[DossierEvent]]:
    with counter.database.reading() as session:
        dossier = find_dossier(session, reference)
        steps = event_store.events_of(session, dossier.id)
    _check_allowed(dossier, kind)
    return dossier, steps


def _check_allowed(dossier: Dossier, kind: EventKind) -> None:
    if dossier.status not in ALLOWED[kind]:
        raise BadInput(
            f"step {kind} is not allowed for a dossier in status {int(dossier.status)}",
            code="lifecycle.not_allowed",
            step=str(kind),
            status=int(dossier.status),
        )


def _at(at: datetime | None, dossier: Dossier) -> datetime:
    at = at or clock.now()
    if at.tzinfo is None:
        raise BadInput("a step's time needs a time zone", code="lifecycle.bad_time")
    if at < dossier.received_at:
        raise BadInput(
            "a step cannot come before the dossier was received", code="lifecycle.before_receipt"
        )
    return clock.local(at)


def _due_with_pauses(catalogue: Catalogue, dossier: Dossier, paused: list[Pause]) -> datetime:
    """The appointment with the clock stopped during each pause that began before the
    result was due (a request made when the dossier was already late stops nothing)."""
    received = clock.local(dossier.received_at)
    procedure = catalogue.get(dossier.procedure_code, received.date())
    calendar, rules = _counting()

    def due_with(kept: list[Pause]) -> datetime:
        return compute_due(
            dossier.received_at,
            procedure.time_limit,
            calendar,
            rules_in_force(rules, received.date()),
            kept,
            online=dossier.channel is Channel.ONLINE,
        ).due

    kept: list[Pause] = []
    due = due_with(kept)
    for pause in sorted(paused, key=lambda p: p.start):
        if pause.start < due:
            kept.append(pause)
            due = due_with(kept)
    return due


def form_file_name(dossier: Dossier, form: str, event_id: str) -> str:
    """``<code or short number>-<form>-<event>.pdf``, safe as a file name."""
    reference = dossier.code or short_number(dossier).lstrip("#")
    return f"{re.sub(r'[^0-9A-Za-z._-]', '_', reference)}-{form}-{event_id[:8]}.pdf"


def _commit(
    counter: Counter,
    dossier: Dossier,
    kind: EventKind,
    at: datetime,
    form: Form,
    details: dict[str, Any],
    *,
    status: DossierStatus | None = None,
    due: datetime | None = None,
    within: Callable[[Session], None] | None = None,
) -> Step:
    from workstation.forms.model import form_name

    event = DossierEvent(
        dossier_id=dossier.id,
        kind=kind,
        at=at,
        status_before=dossier.status,
        status_after=status if status is not None else dossier.status,
        due_before=dossier.due_at,
        due_after=due if due is not None else dossier.due_at,
        details=details,
        form=form_name(form),
    )
    event = replace(event, form_file=form_file_name(dossier, event.form or "", event.id))
    path = counter.forms_folder / (event.form_file or "")
    sealed_files.write(path, render_pdf(form))  # sealed when encryption is on
    try:
        with counter.database.transaction() as session:
            current = find_dossier(session, dossier.id)
            _check_allowed(current, kind)  # another window may have moved it meanwhile
            event_store.add_event(session, event)
            if within is not None:  # what the step brings with it (a supplement's papers)
                within(session)
            if due is not None:
                event_store.set_due_at(session, dossier.id, due)
            if status is not None and set_dossier_status(session, dossier.id, status):
                enqueue(
                    session,
                    MessageKind.DOSSIER_STATUS_CHANGED,
                    dossier.id,
                    {"id": dossier.id, "code": dossier.code, "status": int(status)},
                )
            if kind in MESSAGES:
                enqueue(session, MESSAGES[kind], dossier.id, _message(dossier, event))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    log.info("dossier %s: %s (form %s)", dossier.id, kind, event.form)
    changed = replace(dossier, status=event.status_after or dossier.status, due_at=event.due_after)
    return Step(changed, event, path)


def _message(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """The payload of a life-cycle message: the step, its time, the status and appointment
    after it, and its reasons or items."""
    return {
        "dossier_id": dossier.id,
        "code": dossier.code,
        "event_id": event.id,
        "event": str(event.kind),
        "at": portal_timestamp(event.at),
        "status": int(event.status_after or dossier.status),
        "due_at": portal_timestamp(event.due_after) if event.due_after else None,
        "details": event.details,
    }
