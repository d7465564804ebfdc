"""Whether an applicant's details can be right: warnings for the officer, never refusals.

:func:`applicant_warnings` gathers every warning about one applicant: the ID
number (:mod:`workstation.domain.id_number`), the phone number against
Vietnam's numbering plan (``resources/applicant/phone.json``, with its
source) and the e-mail address's shape. A number from abroad or an unusual
but real address still goes through: the officer has been asked to look again,
and that is all.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from workstation.domain.applicant import Applicant
from workstation.domain.field_warning import FieldWarning
from workstation.domain.id_number import id_number_warnings
from workstation.errors import BadInput
from workstation.paths import resources_dir

# Written between digits of a phone number and ignored: "091 234.56-78", "(024)".
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# A domain label: letters (any script, for internationalised domains) or digits,
# hyphens inside only.
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_TLD = r"(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})"
_EMAIL = re.compile(rf"[^\s@]{{1,64}}@(?:{_LABEL}\.)+{_TLD}", re.IGNORECASE)


@dataclass(frozen=True)
class NumberingPlan:
    """One version of the national numbering plan: which national numbers exist."""

    effective_from: date
    effective_to: date | None
    country_code: str
    national_numbers: tuple[tuple[frozenset[str], int], ...]  # (first digits, length)
    source: str = ""

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def is_national_number(self, digits: str) -> bool:
        return any(
            len(digits) == length and digits[:1] in first for first, length in self.national_numbers
        )


def default_plan_path() -> Path:
    return resources_dir() / "applicant" / "phone.json"


@cache
def load_numbering_plans(path: Path | None = None) -> tuple[NumberingPlan, ...]:
    """Every version in the numbering-plan file (default: the one in ``resources/``)."""
    path = path or default_plan_path()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return tuple(
            NumberingPlan(
                effective_from=date.fromisoformat(v["effective_from"]),
                effective_to=date.fromisoformat(v["effective_to"])
                if v.get("effective_to")
                else None,
                country_code=str(v["country_code"]),
                national_numbers=tuple(
                    (frozenset(map(str, n["first_digits"])), int(n["length"]))
                    for n in v["national_numbers"]
                ),
                source=v.get("source", ""),
            )
            for v in document["versions"]
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            f"the phone numbering plan {path} cannot be read: {exc.__class__.__name__}",
            code="applicant.rules_unreadable",
            path=str(path),
        ) from exc


def phone_warnings(phone: str | None, *, on: date | None = None) -> list[FieldWarning]:
    """A warning if ``phone`` cannot be a Vietnamese number (``0…`` or ``+84…``)."""
    if not phone:
        return []
    on = on or date.today()
    plan = next((p for p in reversed(load_numbering_plans()) if p.in_force_on(on)), None)
    if plan is None:
        return []
    compact = _PHONE_SEPARATORS.sub("", phone)
    national: str | None = None
    for prefix in (f"+{plan.country_code}", f"00{plan.country_code}"):
        if compact.startswith(prefix):
            national = compact.removeprefix(prefix)
            # "+84 (0)24 …" and "+84 091…": a trunk 0 after the country code is common.
            if national.startswith("0"):
                national = national[1:]
            break
    else:
        if compact.startswith("0"):
            national = compact[1:]
    if (
        national is not None
        and national.isascii()
        and national.isdigit()
        and plan.is_national_number(national)
    ):
        return []
    return [FieldWarning("phone", "applicant.phone_not_vietnamese")]


def email_warnings(email: str | None) -> list[FieldWarning]:
    """A warning if ``email`` does not have the shape ``name@domain.tld``."""
    if not email or _EMAIL.fullmatch(email):
        return []
    return [FieldWarning("email", "applicant.email_shape")]


def applicant_warnings(applicant: Applicant, *, on: date | None = None) -> list[FieldWarning]:
    """Every warning about ``applicant``'s details, in the order of the form's fields."""
    return [
        *id_number_warnings(applicant.id_number, applicant.type, on=on),
        *phone_warnings(applicant.phone, on=on),
        *email_warnings(applicant.email),
    ]
