"""Filling the forms from a stored dossier and the procedure catalogue.

Only what the dossier holds today goes in: the applicant (the person
filing), the dossier's owner (the applicant unless someone else was named),
the procedure's name and time limit, the components and their counts, the
time of receipt, the due date, the fees assessed at receipt and where the
result will be collected, worded as the form texts in force word it. How the
fee is paid is not stored yet: it prints as a dotted blank to be filled by
hand. Times are printed in Vietnam's time zone. Forms that must
carry the dossier code (01, 04, 05, 06) are refused for a dossier that has
none yet; a supplement request (02) or a refusal (03) may be given before one
is issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from workstation import i18n
from workstation.config import Settings
from workstation.domain import Applicant, clock
from workstation.domain.catalogue import Catalogue, Procedure
from workstation.domain.dossier import Dossier, DossierSummary, short_number
from workstation.errors import BadInput, NotFound
from workstation.forms.model import (
    Agency,
    Apology,
    ComponentLine,
    ControlSlip,
    Handover,
    Person,
    ProcessingTime,
    Receipt,
    Refusal,
    Register,
    RegisterLine,
    StopNotice,
    SupplementItem,
    SupplementRequest,
)
from workstation.forms.texts import texts_for

FORM_LANGUAGE = "vi"
"""Forms are official papers: always in Vietnamese, whatever the interface language."""
BLANK_HANDOVERS = 3
"""Rows of the control slip left for the hand-overs still to come, filled in by hand."""


def agency_from(settings: Settings) -> Agency:
    """The header every form carries, from the workstation's settings."""
    return Agency(
        name=settings.agency_name,
        parent=settings.agency_parent,
        place=settings.agency_place,
        status_url=settings.status_lookup_url,
    )


def _procedure(catalogue: Catalogue, dossier: Dossier) -> Procedure:
    return catalogue.get(dossier.procedure_code, clock.local(dossier.received_at).date())


def _person(a: Applicant) -> Person:
    return Person(a.name, a.address, a.phone, a.email, a.id_number)


def _collection(dossier: Dossier) -> str:
    """Where the result will be collected, in the words of the receipt in force that day."""
    wording = texts_for("receipt", clock.local(dossier.received_at).date())["collection"]
    return str(wording[str(dossier.collection)])


def _code(dossier: Dossier) -> str:
    if not dossier.code:
        raise BadInput(
            f"dossier {dossier.id} has no code yet", code="forms.no_code", dossier=dossier.id
        )
    return dossier.code


def _due(dossier: Dossier) -> datetime | None:
    return None if dossier.due_at is None else clock.local(dossier.due_at)


def _today(on: date | None) -> date:
    return on or clock.now().date()


def receipt(
    dossier: Dossier,
    catalogue: Catalogue,
    agency: Agency,
    officer_name: str | None = None,
    payment_code: str | None = None,
) -> Receipt:
    """Form 01 for ``dossier``, dated the day it was received.

    ``payment_code`` is the VietQR payload of what is still due at the counter
    (:func:`workstation.onbehalf.payment.receipt_payment_code`): printed with a line
    saying what it is for, and left out once the fee is paid or when nothing is owed.
    """
    procedure = _procedure(catalogue, dossier)
    received = clock.local(dossier.received_at)
    owed = not dossier.fee_paid and (dossier.fee or 0) + (dossier.charge or 0) > 0
    code_due = payment_code if owed else None
    return Receipt(
        agency=agency,
        code=_code(dossier),
        issued_on=received.date(),
        applicant=_person(dossier.applicant),
        owner=_person(dossier.dossier_owner),
        procedure_name=procedure.name,
        components=tuple(
            ComponentLine(c.name, c.originals, c.certified_copies, c.photocopies)
            for c in dossier.components
        ),
        received_at=received,
        processing_time=ProcessingTime(procedure.time_limit.amount, procedure.time_limit.unit),
        due_at=_due(dossier),
        fee=dossier.fee,
        charge=dossier.charge,
        fee_method=_payment(dossier),
        collect_at=_collection(dossier),
        officer_name=officer_name,
        payment_code=code_due,
        payment_hint=i18n.translate("receipt.pay_by_code", "vi") if code_due else None,
    )


def _payment(dossier: Dossier) -> str | None:
    """Paid, or what is still due (blank when nothing was assessed or nothing is owed)."""
    total = (dossier.fee or 0) + (dossier.charge or 0)
    if dossier.fee_paid:
        return i18n.translate("receipt.fees_paid", "vi")
    if total > 0:
        amount = f"{total:,}".replace(",", ".")
        return i18n.translate("receipt.fees_due", "vi", amount=amount)
    return None


def supplement_request(
    dossier: Dossier,
    catalogue: Catalogue,
    agency: Agency,
    items: Sequence[SupplementItem],
    officer_name: str | None = None,
    on: date | None = None,
) -> SupplementRequest:
    """Form 02: every item to supplement with its reason (at least one)."""
    if not items:
        raise BadInput("a supplement request lists no item", code="forms.no_items")
    return SupplementRequest(
        agency=agency,
        code=dossier.code,
        issued_on=_today(on),
        applicant=_person(dossier.applicant),
        procedure_name=_procedure(catalogue, dossier).name,
        items=tuple(items),
        received_at=clock.local(dossier.received_at),
        officer_name=officer_name,
    )


def refusal(
    dossier: Dossier,
    catalogue: Catalogue,
    agency: Agency,
    reasons: Sequence[str],
    officer_name: str | None = None,
    on: date | None = None,
) -> Refusal:
    """Form 03: the refusal with its reasons (at least one)."""
    reasons = tuple(r.strip() for r in reasons if r.strip())
    if not reasons:
        raise BadInput("a refusal gives no reason", code="forms.no_reason")
    return Refusal(
        agency=agency,
        code=dossier.code,
        issued_on=_today(on),
        applicant=_person(dossier.applicant),
        procedure_name=_procedure(catalogue, dossier).name,
        reasons=reasons,
        received_at=clock.local(dossier.received_at),
        officer_name=officer_name,
    )


def apology(
    dossier: Dossier,
    catalogue: Catalogue,
    agency: Agency,
    reason: str,
    new_due_at: datetime,
    signer_name: str | None = None,
    on: date | None = None,
) -> Apology:
    """Form 04: apology for the delay, its reason and the new appointment."""
    if not reason.strip():
        raise BadInput("an apology gives no reason", code="forms.no_reason")
    if new_due_at.tzinfo is None:
        new_due_at = new_due_at.replace(tzinfo=clock.VIETNAM)
    if new_due_at <= dossier.received_at:
        raise BadInput("the new appointment is before the receipt", code="forms.new_due_too_early")
    return Apology(
        agency=agency,
        code=_code(dossier),
        issued_on=_today(on),
        applicant=_person(dossier.applicant),
        procedure_name=_procedure(catalogue, dossier).name,
        received_at=clock.local(dossier.received_at),
        reason=reason.strip(),
        new_due_at=clock.local(new_due_at),
        due_at=_due(dossier),
        signer_name=signer_name,
    )


def stop_notice(
    dossier: Dossier,
    catalogue: Catalogue,
    agency: Agency,
    reason: str | None = None,
    signer_name: str | None = None,
    on: date | None = None,
) -> StopNotice:
    """Form 05: handling stopped at the applicant's request."""
    return StopNotice(
        agency=agency,
        code=_code(dossier),
        issued_on=_today(on),
        applicant=_person(dossier.applicant),
        procedure_name=_procedure(catalogue, dossier).name,
        received_at=clock.local(dossier.received_at),
        reason=(reason or "").strip() or None,
        signer_name=signer_name,
    )


def control_slip(
    dossier: Dossier, catalogue: Catalogue, agency: Agency, officer_name: str | None = None
) -> ControlSlip:
    """Form 06: the first hand-over (the counter to the handling agency), then blank rows."""
    received = clock.local(dossier.received_at)
    first = Handover(agency=agency.name, giver=officer_name or "", handed_at=received)
    return ControlSlip(
        agency=agency,
        code=_code(dossier),
        issued_on=received.date(),
        applicant=_person(dossier.applicant),
        procedure_name=_procedure(catalogue, dossier).name,
        received_at=received,
        due_at=_due(dossier),
        handovers=(first,) + (Handover(),) * BLANK_HANDOVERS,
    )


def register(
    summaries: Sequence[DossierSummary],
    catalogue: Catalogue,
    agency: Agency,
    start: date,
    end: date,
    keeper_name: str | None = None,
    on: date | None = None,
) -> Register:
    """Form 07: the dossiers received from ``start`` to ``end`` (both included)."""
    if end < start:
        raise BadInput("the register's period ends before it starts", code="forms.bad_period")
    lines = []
    for s in summaries:
        received = clock.local(s.received_at)
        try:
            name = catalogue.get(s.procedure_code, received.date()).name
        except NotFound:  # a procedure since withdrawn: its code still identifies it
            name = s.procedure_code
        lines.append(
            RegisterLine(
                reference=s.code or short_number(s.number),
                procedure_name=name,
                applicant_name=s.applicant_name,
                received_at=received,
                status=i18n.translate(s.status.message_key, FORM_LANGUAGE),
            )
        )
    return Register(agency, _today(on), start, end, tuple(lines), keeper_name)
