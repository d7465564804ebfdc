"""The dossier's owner (chủ hồ sơ) when someone else files it (ủy quyền).

The owner is an :class:`~workstation.domain.applicant.Applicant` and is
checked by exactly the same rules; only the refusal names the owner, so the
officer is not told to fix the applicant's name when it is the owner's that
is missing. The window's owner fields, ``workstation dossier add --owner-…``
and the import file all make the owner here.
"""

from __future__ import annotations

from workstation.domain.applicant import Applicant, ApplicantType
from workstation.errors import BadInput

# The applicant's refusal → the owner's, spelled out so the catalogue test
# (which reads ``code="…"`` from the source) checks each has a message.
OWNER_CODES: dict[str, str] = {
    "applicant.name_missing": "owner.name_missing",
    "applicant.name_invalid": "owner.name_invalid",
    "applicant.name_too_long": "owner.name_too_long",
    "applicant.id_number_invalid": "owner.id_number_invalid",
    "applicant.id_number_too_long": "owner.id_number_too_long",
    "applicant.address_invalid": "owner.address_invalid",
    "applicant.address_too_long": "owner.address_too_long",
    "applicant.phone_invalid": "owner.phone_invalid",
    "applicant.phone_too_long": "owner.phone_too_long",
    "applicant.email_invalid": "owner.email_invalid",
    "applicant.email_too_long": "owner.email_too_long",
}


def dossier_owner(
    name: str | None,
    type: ApplicantType = ApplicantType.CITIZEN,
    id_number: str | None = None,
    address: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> Applicant:
    """The owner described, checked as an applicant is; a refusal's code is ``owner.…``.

    Raises :class:`BadInput` (``owner.name_missing`` when ``name`` is blank or
    not given: details of an owner without a name are refused, not dropped).
    """
    try:
        return Applicant(
            name=name or "",
            type=ApplicantType(type),
            id_number=id_number,
            address=address,
            phone=phone,
            email=email,
        )
    except BadInput as exc:
        code = OWNER_CODES.get(exc.code)
        if code is None:
            raise
        detail = str(exc).replace("the applicant's", "the dossier owner's")
        raise BadInput(detail, code=code, **exc.params) from exc
