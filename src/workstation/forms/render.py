"""Forms 01–07 rendered to PDF: one function per form, one entry point, :func:`render_pdf`.

Each function lays its form's facts (:mod:`workstation.forms.model`) out with
the wording in force on the form's date (:mod:`workstation.forms.texts`) on a
:class:`~workstation.forms.sheet.Sheet`. Printing through the system's print
dialog belongs to the window; this module only makes the file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from workstation.forms.model import (
    Apology,
    ControlSlip,
    Form,
    Receipt,
    Refusal,
    Register,
    StopNotice,
    SupplementRequest,
    form_name,
)
from workstation.forms.sheet import Sheet
from workstation.forms.texts import FormTexts, texts_for

log = logging.getLogger(__name__)


def render_pdf(form: Form, path: Path | None = None) -> bytes:
    """``form`` as a PDF (written to ``path`` too when given)."""
    name = form_name(form)
    texts = texts_for(name, form.issued_on)
    sheet = _RENDERERS[name](form, texts)
    data = sheet.save(path)
    log.info("form %s rendered: %d page(s), %d bytes", name, sheet.pages_count, len(data))
    return data


def _applicant_fields(sheet: Sheet, texts: FormTexts, form) -> None:  # type: ignore[no-untyped-def]
    person = form.applicant
    sheet.field(texts["applicant"], person.name)
    sheet.field(texts["address"], person.address)
    sheet.field(texts["phone"], person.phone)
    sheet.field(texts["email"], person.email)
    sheet.field(texts["id_number"], person.id_number)
    sheet.field(texts["procedure"], form.procedure_name)


def _fees(form: Receipt, texts: FormTexts) -> str | None:
    """The amounts due as the receipt prints them (``8.000``), or None if not assessed."""
    if form.fee is None and form.charge is None:
        return None
    fee, charge = form.fee or 0, form.charge or 0
    if fee == 0 and charge == 0:
        return texts["fees_none"]
    return texts["fees_amount"].format(fee=_dong(fee), charge=_dong(charge))


def _dong(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _receipt(form: Receipt, texts: FormTexts) -> Sheet:
    sheet = Sheet(texts, form.issued_on)
    sheet.header_block(form.agency, form.code, form.issued_on)
    sheet.code_symbols(form.agency, form.code)
    sheet.title_block()
    sheet.paragraph(texts["intro"].format(agency=form.agency.name))
    _applicant_fields(sheet, texts, form)
    sheet.field(texts["owner"], form.owner.name)
    sheet.field(texts["owner_address"], form.owner.address)
    sheet.field(texts["fees"], _fees(form, texts))
    sheet.field(texts["fee_method"], form.fee_method)
    if form.payment_code:
        sheet.payment_symbol(form.payment_code, form.payment_hint or "")
    sheet.paragraph(texts["components"])
    rows = [
        (str(i), c.name, str(c.originals), str(c.certified_copies), str(c.photocopies))
        for i, c in enumerate(form.components, start=1)
    ]
    sheet.table(texts["columns"], rows, (12, 86, 22, 30, 22), ("C", "L", "C", "C", "C"))
    sheet.paragraph(texts["sets"].format(sets=form.sets))
    limit = texts["blank"]
    if form.processing_time is not None:
        unit = texts["time_units"][form.processing_time.unit]
        limit = unit.format(amount=form.processing_time.amount)
    sheet.paragraph(texts["time_limit"].format(limit=limit))
    sheet.field(texts["received_at"], texts.moment(form.received_at))
    sheet.field(texts["due_at"], texts.moment(form.due_at))
    sheet.field(texts["collect_at"], form.collect_at)
    sheet.signatures(
        (texts["submitter"], form.applicant.name), (texts["officer"], form.officer_name)
    )
    return sheet


def _supplement(form: SupplementRequest, texts: FormTexts) -> Sheet:
    sheet = Sheet(texts, form.issued_on)
    sheet.header_block(form.agency, form.code, form.issued_on)
    if form.code:
        sheet.code_symbols(form.agency, form.code)
    sheet.title_block()
    sheet.paragraph(texts["intro"].format(agency=form.agency.name))
    _applicant_fields(sheet, texts, form)
    if form.received_at is not None:
        sheet.field(texts["received_at"], texts.moment(form.received_at))
    sheet.paragraph(texts["request"])
    rows = [(str(i), item.name, item.reason) for i, item in enumerate(form.items, start=1)]
    sheet.table(texts["columns"], rows, (12, 79, 79), ("C", "L", "L"))
    officer = form.officer_name or form.agency.name
    sheet.paragraph(texts["closing"].format(officer=officer))
    sheet.signatures(
        (texts["submitter"], form.applicant.name), (texts["officer"], form.officer_name)
    )
    return sheet


def _refusal(form: Refusal, texts: FormTexts) -> Sheet:
    sheet = Sheet(texts, form.issued_on)
    sheet.header_block(form.agency, form.code, form.issued_on)
    if form.code:
        sheet.code_symbols(form.agency, form.code)
    sheet.title_block()
    sheet.paragraph(texts["intro"].format(agency=form.agency.name))
    _applicant_fields(sheet, texts, form)
    if form.received_at is not None:
        sheet.field(texts["received_at"], texts.moment(form.received_at))
    sheet.paragraph(texts["reasons"].format(agency=form.agency.name))
    for number, reason in enumerate(form.reasons, start=1):
        sheet.paragraph(f"{number}. {reason}")
    sheet.paragraph(texts["closing"])
    sheet.signatures(
        (texts["submitter"], form.applicant.name), (texts["officer"], form.officer_name)
    )
    return sheet


def _apology(form: Apology, texts: FormTexts) -> Sheet:
    sheet = Sheet(texts, form.issued_on)
    sheet.header_block(form.agency, form.code, form.issued_on)
    sheet.code_symbols(form.agency, form.code)
    sheet.title_block()
    received = texts.day(form.received_at.date())
    sheet.paragraph(texts["intro"].format(received=received, agency=form.agency.name))
    _applicant_fields(sheet, texts, form)
    sheet.field(texts["old_due"], texts.moment(form.due_at))
    sheet.paragraph(texts["reason"].format(agency=form.agency.name))
    sheet.paragraph(form.reason, "B")
    sheet.paragraph(texts["apology"].format(agency=form.agency.name))
    sheet.field(texts["new_due"], texts.moment(form.new_due_at))
    sheet.paragraph(texts["closing"])
    sheet.signatures((texts["signer"], form.signer_name))
    return sheet


def _withdrawal(form: StopNotice, texts: FormTexts) -> Sheet:
    sheet = Sheet(texts, form.issued_on)
    sheet.header_block(form.agency, form.code, form.issued_on)
    sheet.code_symbols(form.agency, form.code)
    sheet.title_block()
    received = texts.day(form.received_at.date())
    sheet.paragraph(texts["intro"].format(received=received, agency=form.agency.name))
    _applicant_fields(sheet, texts, form)
    sheet.paragraph(texts["request"].format(agency=form.agency.name))
    sheet.field(texts["reason"], form.reason or texts["default_reason"])
    sheet.paragraph(texts["closing"])
    sheet.signatures((texts["signer"], form.signer_name))
    return sheet


def _control_slip(form: ControlSlip, texts: FormTexts) -> Sheet:
    sheet = Sheet(texts, form.issued_on)
    sheet.header_block(form.agency, form.code, form.issued_on)
    sheet.code_symbols(form.agency, form.code)
    sheet.title_block(texts["attached"].format(applicant=form.applicant.name, code=form.code))
    sheet.field(texts["procedure"], form.procedure_name)
    sheet.field(texts["received_at"], texts.moment(form.received_at))
    sheet.field(texts["due_at"], texts.moment(form.due_at))
    rows = []
    for handover in form.handovers:
        signed = (
            f"{texts.moment(handover.handed_at)}\n"
            f"{texts['giver']}: {handover.giver}\n\n\n"
            f"{texts['receiver']}: {handover.receiver}\n\n"
        )
        results = texts["results"]
        result = (
            results[handover.result.value]
            if handover.result is not None
            else " / ".join(results.values())
        )
        rows.append((handover.agency, signed, result, handover.note))
    sheet.table(texts["columns"], rows, (42, 62, 36, 30), ("L", "L", "C", "L"), size=10.5)
    return sheet


def _register(form: Register, texts: FormTexts) -> Sheet:
    sheet = Sheet(texts, form.issued_on, landscape=True)
    sheet.header_block(form.agency, None, form.issued_on)
    period = texts["period"].format(start=texts.day(form.start), end=texts.day(form.end))
    sheet.title_block(period)
    rows = [
        (
            str(i),
            line.reference,
            line.procedure_name,
            line.applicant_name,
            texts.moment(line.received_at),
            texts.moment(line.due_at),
            line.status,
            line.note,
        )
        for i, line in enumerate(form.lines, start=1)
    ]
    sheet.table(
        texts["columns"],
        rows,
        (10, 46, 52, 40, 36, 36, 26, 21),
        ("C", "L", "L", "L", "C", "C", "C", "L"),
        size=10,
    )
    sheet.paragraph(texts["total"].format(count=len(form.lines)), "B")
    sheet.signatures((texts["keeper"], form.keeper_name))
    return sheet


_RENDERERS = {
    "receipt": _receipt,
    "supplement": _supplement,
    "refusal": _refusal,
    "apology": _apology,
    "withdrawal": _withdrawal,
    "control-slip": _control_slip,
    "register": _register,
}
