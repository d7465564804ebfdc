"""The dossier's owner is checked as an applicant is, and its refusals name the owner."""

from __future__ import annotations

import re

import pytest

from workstation import i18n
from workstation.domain import ApplicantType
from workstation.domain.owner import OWNER_CODES, dossier_owner
from workstation.errors import BadInput
from workstation.paths import resources_dir

APPLICANT_SOURCE = resources_dir().parent / "src" / "workstation" / "domain" / "applicant.py"


def test_every_refusal_of_an_applicant_has_an_owners_counterpart_with_messages() -> None:
    raised = set(re.findall(r'"(applicant\.[a-z_]+)"', APPLICANT_SOURCE.read_text("utf-8")))
    assert raised == set(OWNER_CODES)
    for language in ("vi", "en"):
        catalogue = i18n.catalogue(language)
        assert [c for c in OWNER_CODES.values() if f"error.{c}" not in catalogue] == []


def test_an_owners_details_are_tidied_as_an_applicants() -> None:
    owner = dossier_owner(" Phạm  Văn Đông ", ApplicantType.BUSINESS, " 0101234567 ", "  ")
    assert (owner.name, owner.type, owner.id_number, owner.address) == (
        "Phạm Văn Đông",
        ApplicantType.BUSINESS,
        "0101234567",
        None,
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": None, "id_number": "037090006543"}, "owner.name_missing"),
        ({"name": "   "}, "owner.name_missing"),
        ({"name": "Đông\x07"}, "owner.name_invalid"),
        ({"name": "Đông", "address": "x" * 501}, "owner.address_too_long"),
        ({"name": "Đông", "email": "a\u202e@b.vn"}, "owner.email_invalid"),
    ],
)
def test_a_refusal_names_the_owner_and_keeps_the_applicants_error_as_its_cause(
    fields, code
) -> None:
    with pytest.raises(BadInput) as refused:
        dossier_owner(**fields)
    assert refused.value.code == code
    assert str(refused.value).startswith("the dossier owner's ")
    assert "chủ hồ sơ" in refused.value.user_message("vi")
    cause = refused.value.__cause__
    assert isinstance(cause, BadInput) and OWNER_CODES[cause.code] == code
