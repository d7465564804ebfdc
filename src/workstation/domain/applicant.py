"""Applicants (người nộp hồ sơ / chủ hồ sơ): who files a dossier and for whom."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import IntEnum

from workstation.errors import BadInput


class ApplicantType(IntEnum):
    """Applicant types as the national public-service portal codes them."""

    CITIZEN = 1  # công dân
    BUSINESS = 2  # doanh nghiệp
    STATE_AGENCY = 3  # cơ quan nhà nước
    OTHER_ORGANISATION = 4  # tổ chức khác

    @property
    def message_key(self) -> str:
        return f"applicant_type.{self.value}"


@dataclass(frozen=True)
class Applicant:
    """A person or organisation filing a dossier.

    ``id_number`` is the citizen's 12-digit ID (CCCD) or an organisation's
    registration number; it is personal data and never logged.
    """

    name: str
    type: ApplicantType = ApplicantType.CITIZEN
    id_number: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        # One spelling per name: Vietnamese typed on different keyboards arrives
        # precomposed or decomposed; NFC makes "Nguyễn" one string either way.
        name = " ".join(unicodedata.normalize("NFC", self.name).split())
        if any(unicodedata.category(ch).startswith("C") for ch in name):
            raise BadInput(
                "the applicant's name contains control characters",
                code="applicant.name_invalid",
            )
        if not name:
            raise BadInput("the applicant's name is empty", code="applicant.name_missing")
        if len(name) > 200:
            raise BadInput(
                "the applicant's name is longer than 200 characters",
                code="applicant.name_too_long",
            )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "type", ApplicantType(self.type))
