"""Applicants (người nộp hồ sơ / chủ hồ sơ): who files a dossier and for whom.

Every text field of an applicant is typed or pasted by an officer, or read
from a card reader, and ends up in the store, on the receipt and in the
message to the central system. So each is tidied the same way (Unicode NFC,
runs of white space collapsed to one space, blank → ``None``) and refused
(:class:`~workstation.errors.BadInput`) when it holds a control or format
character (Unicode category ``C*``: terminal escape codes, right-to-left
overrides, zero-width characters, unassigned code points) or is longer than
anything real:

=============  =====  ==========================================================
field          limit  why
=============  =====  ==========================================================
name           200    the longest registered business names are under 200
id_number      20     CCCD 12 digits, old ID 9, tax/enterprise code with branch
                      suffix ``0101234567-001`` 14: 20 leaves room, no more
address        500    a full pre-2025 address with hamlet, commune, district and
                      province is under 200; 500 takes a long organisation address
phone          20     ``+84 (0)24 3825 1234`` is 19
email          254    the longest address SMTP carries (RFC 5321 path limit)
=============  =====  ==========================================================

Whether a well-formed value is *plausible* (an ID number whose digits do not
fit the national scheme, a phone number that is not Vietnamese) is a warning,
never a refusal: see :mod:`workstation.domain.contact` and
:mod:`workstation.domain.id_number`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import IntEnum

from workstation.errors import BadInput

NAME_MAX = 200
ID_NUMBER_MAX = 20
ADDRESS_MAX = 500
PHONE_MAX = 20
EMAIL_MAX = 254

# Codes are spelled out (not built from the field name) so the catalogue test,
# which reads ``code="…"`` from the source, checks each has a message.
_OPTIONAL_FIELDS: dict[str, tuple[int, str, str, str]] = {
    # field: (limit, what the detail calls it, code for a control character, code for length)
    "id_number": (
        ID_NUMBER_MAX,
        "ID number",
        "applicant.id_number_invalid",
        "applicant.id_number_too_long",
    ),
    "address": (ADDRESS_MAX, "address", "applicant.address_invalid", "applicant.address_too_long"),
    "phone": (PHONE_MAX, "phone number", "applicant.phone_invalid", "applicant.phone_too_long"),
    "email": (EMAIL_MAX, "e-mail address", "applicant.email_invalid", "applicant.email_too_long"),
}


class ApplicantType(IntEnum):
    """Applicant types as the national public-service portal codes them."""

    CITIZEN = 1  # công dân
    BUSINESS = 2  # doanh nghiệp
    STATE_AGENCY = 3  # cơ quan nhà nước
    OTHER_ORGANISATION = 4  # tổ chức khác

    @property
    def message_key(self) -> str:
        return f"applicant_type.{self.value}"


def tidy(text: str) -> str:
    """``text`` in NFC with white space collapsed: one spelling however it was typed.

    Vietnamese typed on different keyboards arrives precomposed or decomposed;
    NFC makes "Nguyễn" one string either way.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a character of Unicode category ``C*`` (control, format, …)."""
    return any(unicodedata.category(ch).startswith("C") for ch in text)


@dataclass(frozen=True)
class Applicant:
    """A person or organisation filing a dossier.

    ``id_number`` is the citizen's 12-digit ID (CCCD) or an organisation's
    registration number; it, the address, phone and e-mail are personal data
    and never logged (nor put in an error's detail).
    """

    name: str
    type: ApplicantType = ApplicantType.CITIZEN
    id_number: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    # The current two-level unit suggested beside the card's address, never replacing
    # it, and how it was found (``domain.admin_units.UnitStatus``: current, mapped, unknown).
    current_address: str | None = None
    address_units: str | None = None

    def __post_init__(self) -> None:
        name = tidy(self.name)
        if has_control_characters(name):
            raise BadInput(
                "the applicant's name contains control characters",
                code="applicant.name_invalid",
            )
        if not name:
            raise BadInput("the applicant's name is empty", code="applicant.name_missing")
        if len(name) > NAME_MAX:
            raise BadInput(
                f"the applicant's name is longer than {NAME_MAX} characters",
                code="applicant.name_too_long",
            )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "type", ApplicantType(self.type))
        for field, (limit, called, invalid, too_long) in _OPTIONAL_FIELDS.items():
            value = getattr(self, field)
            if value is not None:
                value = _checked(value, limit, called, invalid, too_long)
            object.__setattr__(self, field, value)


def _checked(value: str, limit: int, called: str, invalid: str, too_long: str) -> str | None:
    """One optional field tidied, or refused; the value itself never goes into the error."""
    if not isinstance(value, str):
        raise BadInput(f"the applicant's {called} is not text", code=invalid)
    value = tidy(value)
    if has_control_characters(value):
        raise BadInput(f"the applicant's {called} contains control characters", code=invalid)
    if len(value) > limit:
        raise BadInput(
            f"the applicant's {called} is longer than {limit} characters",
            code=too_long,
            limit=limit,
        )
    return value or None
