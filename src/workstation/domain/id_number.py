"""Whether a citizen's ID number (số định danh cá nhân) can be right: warnings, never refusals.

The 12-digit number of a Vietnamese citizen has a structure (DOMAIN.md, and
``resources/applicant/id_number.json`` with its source): digits 1-3 the
province where the birth was registered, digit 4 sex and century of birth,
digits 5-6 the birth year's last two digits, the rest random with no check
digit. The circular that defined it has since expired and the structure is
not guaranteed for every number issued, so a mismatch is only a warning for
the officer to look at the card again. Organisations' registration numbers
are not checked. The full CCCD QR payload is parsed elsewhere; this module
answers only "can this number be right?", and takes a birth year and sex when
the caller knows them (from a card) to compare.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from workstation.domain.applicant import ApplicantType
from workstation.domain.field_warning import FieldWarning
from workstation.errors import BadInput
from workstation.paths import resources_dir

FIELD = "id_number"


@dataclass(frozen=True)
class IdNumberRules:
    """One version of the number's structure, in force from ``effective_from``."""

    effective_from: date
    effective_to: date | None
    digits: int
    province_codes: Mapping[str, str]
    sex_century: Mapping[str, tuple[str, int]]  # digit 4 -> ("male" | "female", 1900 | 2000)
    source: str = ""

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


def default_rules_path() -> Path:
    return resources_dir() / "applicant" / "id_number.json"


@cache
def load_id_number_rules(path: Path | None = None) -> tuple[IdNumberRules, ...]:
    """Every version in the rules file (default: the one shipped in ``resources/``)."""
    path = path or default_rules_path()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return tuple(
            IdNumberRules(
                effective_from=date.fromisoformat(v["effective_from"]),
                effective_to=date.fromisoformat(v["effective_to"])
                if v.get("effective_to")
                else None,
                digits=int(v["digits"]),
                province_codes=dict(v["province_codes"]),
                sex_century={
                    digit: (meaning["sex"], int(meaning["century"]))
                    for digit, meaning in v["sex_century_digits"].items()
                },
                source=v.get("source", ""),
            )
            for v in document["versions"]
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            f"the ID number rules {path} cannot be read: {exc.__class__.__name__}",
            code="applicant.rules_unreadable",
            path=str(path),
        ) from exc


def id_number_rules(on: date, path: Path | None = None) -> IdNumberRules | None:
    """The version in force on ``on``, or ``None`` if none is (then nothing is checked)."""
    return next((r for r in reversed(load_id_number_rules(path)) if r.in_force_on(on)), None)


def id_number_warnings(
    number: str | None,
    applicant_type: ApplicantType = ApplicantType.CITIZEN,
    *,
    on: date | None = None,
    birth_year: int | None = None,
    female: bool | None = None,
    rules: IdNumberRules | None = None,
) -> list[FieldWarning]:
    """Why ``number`` cannot be a citizen's ID number, if it cannot; empty when it can.

    ``number`` is the tidied field (see :class:`~workstation.domain.Applicant`);
    blank numbers and organisations' numbers give no warning. ``on`` is the day
    of the check (default today); ``birth_year`` and ``female``, when known
    from the card, are compared with digits 4-6.
    """
    if not number or ApplicantType(applicant_type) is not ApplicantType.CITIZEN:
        return []
    on = on or date.today()
    rules = rules or id_number_rules(on)
    if rules is None:
        return []
    if not re.fullmatch(rf"[0-9]{{{rules.digits}}}", number):
        return [FieldWarning(FIELD, "applicant.id_number_length", (("digits", str(rules.digits)),))]
    found: list[FieldWarning] = []
    if number[:3] not in rules.province_codes:
        found.append(FieldWarning(FIELD, "applicant.id_number_province", (("code", number[:3]),)))
    meaning = rules.sex_century.get(number[3])
    if meaning is None:
        found.append(FieldWarning(FIELD, "applicant.id_number_century", (("digit", number[3]),)))
        return found
    sex, century = meaning
    year = century + int(number[4:6])
    if year > on.year:
        found.append(FieldWarning(FIELD, "applicant.id_number_birth_year", (("year", str(year)),)))
    elif birth_year is not None and birth_year != year:
        found.append(
            FieldWarning(
                FIELD,
                "applicant.id_number_birth_year_mismatch",
                (("year", str(year)), ("birth_year", str(birth_year))),
            )
        )
    if female is not None and female != (sex == "female"):
        found.append(FieldWarning(FIELD, "applicant.id_number_sex_mismatch"))
    return found
