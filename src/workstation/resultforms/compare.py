"""Each value read from a result form beside the dossier's own data, with every mismatch flagged.

A template field may name what of the dossier it must equal (its ``dossier``
key, one of :data:`~workstation.resultforms.templates.DOSSIER_FACTS`):

- the applicant's name, compared with its diacritics (both in Unicode NFC, case
  and spacing normalised only): the OCR reads Vietnamese with its diacritics,
  and "Hà" and "Hạ" are different names, so a name that differs only in
  diacritics is a mismatch, flagged with the hint ``diacritics``;
- the applicant's ID number or the dossier code, compared without spaces;
- a date: the day the dossier was received, its due day, or the day its result
  was issued, each as the day at the counter (Vietnam's time), compared with
  the form's ISO day.

A field whose dossier value is unknown (no ``dossier`` key, or the dossier holds
nothing for it, such as a result not yet issued) has nothing to compare:
``matches`` is None, never True. The officer confirms or corrects each flagged
value; nothing here changes the dossier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workstation.domain.applicant import tidy
from workstation.domain.clock import local
from workstation.domain.dossier import Dossier
from workstation.domain.text import fold
from workstation.resultforms.recognise import Recognition
from workstation.resultforms.templates import Template

DIACRITICS = "diacritics"
"""The hint of a name that differs from the dossier's in its diacritics only."""


@dataclass(frozen=True)
class Comparison:
    """One field: the value on the form, the dossier's (if it has one) and whether they agree."""

    field: str
    label: str
    form_value: str
    confidence: float
    dossier_value: str | None
    matches: bool | None
    """None when the dossier has nothing to compare with."""
    hint: str = ""
    """Why a mismatch may be small: :data:`DIACRITICS` when only the diacritics differ."""

    def as_json(self) -> dict[str, object]:
        return {
            "field": self.field,
            "label": self.label,
            "form": self.form_value,
            "confidence": self.confidence,
            "dossier": self.dossier_value,
            "matches": self.matches,
            "hint": self.hint,
        }


def _day(moment: datetime) -> str:
    """The ISO day of ``moment`` at the counter (an aware time is taken to Vietnam's zone)."""
    return (local(moment) if moment.tzinfo is not None else moment).date().isoformat()


def dossier_fact(
    dossier: Dossier, fact: str, result_issued_at: datetime | None = None
) -> str | None:
    """The dossier's value of ``fact`` as text (dates as ISO days at the counter), or None.

    ``result_issued_at`` is when the dossier's result was issued, if it has one
    (results are kept beside the dossier, not in it).
    """
    value: object
    if fact == "applicant.name":
        value = dossier.applicant.name
    elif fact == "applicant.id_number":
        value = dossier.applicant.id_number
    elif fact == "code":
        value = dossier.code
    elif fact == "received_at":
        value = dossier.received_at
    elif fact == "due_at":
        value = dossier.due_at
    elif fact == "result.issued_at":
        value = result_issued_at
    else:
        return None
    if isinstance(value, datetime):
        return _day(value)
    return None if value is None or value == "" else str(value)


def name_key(text: str) -> str:
    """A name as compared: NFC, spacing collapsed, case folded; diacritics kept."""
    return tidy(text).casefold()


def _same(fact: str, form_value: str, dossier_value: str) -> tuple[bool, str]:
    """Whether the two agree, and the hint of a mismatch."""
    if fact == "applicant.name":
        if name_key(form_value) == name_key(dossier_value):
            return True, ""
        return False, DIACRITICS if fold(form_value) == fold(dossier_value) else ""
    if fact in ("received_at", "due_at", "result.issued_at"):
        return form_value.strip() == dossier_value, ""
    same = form_value.replace(" ", "").upper() == dossier_value.replace(" ", "").upper()
    return same, ""


def compare(
    template: Template,
    recognition: Recognition,
    dossier: Dossier,
    *,
    result_issued_at: datetime | None = None,
) -> list[Comparison]:
    """Every field of the form, in template order, beside the dossier's data where it has some.

    ``result_issued_at``: when the dossier's result was issued, if known, for the
    fields whose ``dossier`` key is ``result.issued_at``.
    """
    rows: list[Comparison] = []
    for item in template.fields:
        read = recognition.fields[item.name]
        theirs = dossier_fact(dossier, item.dossier, result_issued_at) if item.dossier else None
        matches: bool | None = None
        hint = ""
        if theirs is not None:
            matches, hint = _same(item.dossier, read.value, theirs)
        rows.append(
            Comparison(item.name, item.label, read.value, read.confidence, theirs, matches, hint)
        )
    return rows


def mismatches(rows: list[Comparison]) -> list[Comparison]:
    """The rows the officer must look at: values that differ from the dossier's."""
    return [row for row in rows if row.matches is False]
