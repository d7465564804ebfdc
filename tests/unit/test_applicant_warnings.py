"""Warnings about an applicant's details: an ID number, phone or e-mail that cannot be right.

They are warnings, never refusals (DOMAIN.md: the ID number's structure is no
longer guaranteed by law), so every case here also checks the applicant is
accepted as typed.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from workstation import i18n
from workstation.domain import Applicant, ApplicantType
from workstation.domain.contact import (
    applicant_warnings,
    email_warnings,
    load_numbering_plans,
    phone_warnings,
)
from workstation.domain.id_number import id_number_warnings, load_id_number_rules
from workstation.errors import BadInput
from workstation.paths import resources_dir

TODAY = date(2026, 12, 3)
SRC = Path(__file__).resolve().parents[2] / "src" / "workstation"


def codes(warnings) -> list[str]:
    return [w.code for w in warnings]


@pytest.mark.parametrize(
    "number",
    ["089202017098", "049202000284", "001203004567", "037190000001", "096198123456"],
)
def test_real_and_well_formed_citizen_numbers_give_no_warning(number) -> None:
    assert id_number_warnings(number, on=TODAY) == []


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("12345", "applicant.id_number_length"),
        ("0012030045678", "applicant.id_number_length"),
        ("352576714", "applicant.id_number_length"),  # the old 9-digit card
        ("00120300456O", "applicant.id_number_length"),  # a letter O for a zero
        ("001 203 004 567", "applicant.id_number_length"),
        ("٠٠١٢٠٣٠٠٤٥٦٧", "applicant.id_number_length"),  # digits, but not 0-9
        ("003203004567", "applicant.id_number_province"),  # 003 is no province
        ("099203004567", "applicant.id_number_province"),
        ("001503004567", "applicant.id_number_century"),  # born in the 2100s
        ("001299004567", "applicant.id_number_birth_year"),  # born in 2099
    ],
)
def test_a_citizen_number_that_cannot_be_right_is_warned_about_and_still_accepted(
    number, code
) -> None:
    assert codes(id_number_warnings(number, on=TODAY)) == [code]
    applicant = Applicant(name="Lê Văn Lương", id_number=number)
    assert applicant.id_number == number
    assert [w.field for w in applicant_warnings(applicant, on=TODAY)] == ["id_number"]


def test_birth_year_and_sex_from_the_card_are_compared_with_the_number() -> None:
    number = "089202017098"  # male, born 2002
    assert id_number_warnings(number, on=TODAY, birth_year=2002, female=False) == []
    assert codes(id_number_warnings(number, on=TODAY, birth_year=2003, female=True)) == [
        "applicant.id_number_birth_year_mismatch",
        "applicant.id_number_sex_mismatch",
    ]


def test_a_birth_year_this_year_is_possible_but_next_year_is_not() -> None:
    assert id_number_warnings("001226004567", on=date(2026, 1, 1)) == []
    assert codes(id_number_warnings("001227004567", on=date(2026, 12, 31))) == [
        "applicant.id_number_birth_year"
    ]


@pytest.mark.parametrize("applicant_type", [2, 3, 4])
def test_organisations_registration_numbers_are_not_held_to_the_citizen_format(
    applicant_type,
) -> None:
    assert id_number_warnings("0101234567-001", ApplicantType(applicant_type), on=TODAY) == []


def test_province_codes_are_data_with_their_source_marked_for_verification() -> None:
    document = json.loads((resources_dir() / "applicant" / "id_number.json").read_text("utf-8"))
    [version] = document["versions"]
    assert version["verify"] is True and "59/2021/TT-BCA" in version["source"]
    [rules] = load_id_number_rules()
    assert len(rules.province_codes) == 63
    assert rules.province_codes["035"] == "Hà Nam" and rules.province_codes["038"] == "Thanh Hóa"
    assert set(rules.sex_century) == {"0", "1", "2", "3"}


def test_rules_from_another_file_are_used_when_given(tmp_path) -> None:
    shipped = json.loads((resources_dir() / "applicant" / "id_number.json").read_text("utf-8"))
    shipped["versions"][0]["province_codes"]["003"] = "Somewhere new"
    path = tmp_path / "id_number.json"
    path.write_text(json.dumps(shipped), encoding="utf-8")
    [rules] = load_id_number_rules(path)
    assert id_number_warnings("003203004567", on=TODAY, rules=rules) == []


def test_an_unreadable_rules_file_is_bad_input_naming_it(tmp_path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"versions": [{"digits": 12}]}', encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_id_number_rules(path)
    assert caught.value.code == "applicant.rules_unreadable"


@pytest.mark.parametrize(
    "phone",
    [
        "0912345678",
        "091 234 5678",
        "091.234.5678",
        "+84 912 345 678",
        "+84912345678",
        "0084 912 345 678",
        "+84 (0)24 3825 1234",
        "024 3825 1234",  # a Hà Nội landline, 11 digits with the 0
        "0338 123 456",
    ],
)
def test_vietnamese_mobile_and_landline_numbers_give_no_warning(phone) -> None:
    assert phone_warnings(phone, on=TODAY) == []


@pytest.mark.parametrize(
    "phone",
    [
        "12345",
        "091234567",
        "09123456789",
        "0112345678",
        "+1 555 123 4567",
        "84912345678",
        "0912a45678",
    ],
)
def test_a_phone_that_is_not_a_vietnamese_number_is_warned_about_and_still_accepted(
    phone,
) -> None:
    assert codes(phone_warnings(phone, on=TODAY)) == ["applicant.phone_not_vietnamese"]
    assert Applicant(name="A", phone=phone).phone == phone


def test_the_numbering_plan_is_data_with_its_source_marked_for_verification() -> None:
    [plan] = load_numbering_plans()
    assert plan.country_code == "84"
    assert "verify" in plan.source


@pytest.mark.parametrize(
    "email", ["nhung.nguyen@gmail.com", "a+b@ninhbinh.gov.vn", "thu@bücher.de", "x@y.xn--p1ai"]
)
def test_ordinary_email_addresses_give_no_warning(email) -> None:
    assert email_warnings(email) == []


@pytest.mark.parametrize(
    "email",
    [
        "nhung",
        "nhung@gmail",
        "@gmail.com",
        "nhung@@gmail.com",
        "nhung @gmail.com",
        "a@-b.vn",
        "a@b.c",
    ],
)
def test_an_email_without_a_plausible_shape_is_warned_about_and_still_accepted(email) -> None:
    assert codes(email_warnings(email)) == ["applicant.email_shape"]
    assert Applicant(name="A", email=email).email == email


def test_applicant_warnings_name_each_field_in_the_order_of_the_form() -> None:
    applicant = Applicant(name="A", id_number="12345", phone="12345", email="nhung")
    assert [(w.field, w.code) for w in applicant_warnings(applicant, on=TODAY)] == [
        ("id_number", "applicant.id_number_length"),
        ("phone", "applicant.phone_not_vietnamese"),
        ("email", "applicant.email_shape"),
    ]
    assert applicant_warnings(Applicant(name="A"), on=TODAY) == []


WARNING_MODULES = ("domain/id_number.py", "domain/contact.py", "intake/duplicates.py")


def test_every_warning_code_in_the_source_has_a_message_in_both_languages() -> None:
    found: set[str] = set()
    for module in WARNING_MODULES:
        text = (SRC / module).read_text(encoding="utf-8")
        # Every "area.reason" literal there is a warning code, but a refusal's code="…".
        found |= set(re.findall(r'(?<!code=)"((?:applicant|dossier)\.[a-z_]+)"', text))
    assert len(found) == 10
    for language in ("vi", "en"):
        messages = i18n.catalogue(language)
        assert sorted(c for c in found if f"warning.{c}" not in messages) == []


def test_warning_messages_carry_no_personal_data() -> None:
    applicant = Applicant(name="A", id_number="003203004567", phone="12345", email="nhung")
    for warning in applicant_warnings(applicant, on=TODAY):
        for language in ("vi", "en"):
            message = warning.message(language)
            assert "003203004567" not in message and "nhung" not in message
            assert not message.startswith("warning.")
