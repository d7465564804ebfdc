"""Each value read from a result form beside the dossier's own data, with every mismatch flagged.

A template field may name what of the dossier it must equal (its ``dossier``
key): the applicant's name (compared folded, so case, spacing and diacritics
the OCR lost do not count, but a different name does), the applicant's ID
number or the dossier code (compared without spaces), or a date. The officer
confirms or corrects each flagged value; nothing here changes the dossier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workstation.domain.dossier import Dossier
from workstation.domain.text import fold
from workstation.resultforms.recognise import Recognition
from workstation.resultforms.templates import Template


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

    def as_json(self) -> dict[str, object]:
        return {
            "field": self.field,
            "label": self.label,
            "form": self.form_value,
            "confidence": self.confidence,
            "dossier": self.dossier_value,
            "matches": self.matches,
        }


def dossier_fact(dossier: Dossier, fact: str) -> str | None:
    """The dossier's value of ``fact`` as text (dates as ISO days), or None."""
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
    else:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    return None if value is None else str(value)


def _same(fact: str, form_value: str, dossier_value: str) -> bool:
    if fact == "applicant.name":
        return fold(form_value) == fold(dossier_value)
    return form_value.replace(" ", "").upper() == dossier_value.replace(" ", "").upper()


def compare(template: Template, recognition: Recognition, dossier: Dossier) -> list[Comparison]:
    """Every field of the form, in template order, beside the dossier's data where it has some."""
    rows: list[Comparison] = []
    for item in template.fields:
        read = recognition.fields[item.name]
        theirs = dossier_fact(dossier, item.dossier) if item.dossier else None
        matches = None if theirs is None else _same(item.dossier, read.value, theirs)
        rows.append(Comparison(item.name, item.label, read.value, read.confidence, theirs, matches))
    return rows


def mismatches(rows: list[Comparison]) -> list[Comparison]:
    """The rows the officer must look at: values that differ from the dossier's."""
    return [row for row in rows if row.matches is False]
