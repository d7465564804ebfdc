"""The domain: applicants, statuses, catalogue versions, search folding."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain import Applicant, ApplicantType, DossierStatus
from workstation.domain.applicant import ADDRESS_MAX, EMAIL_MAX, ID_NUMBER_MAX, PHONE_MAX
from workstation.domain.catalogue import load_catalogue
from workstation.domain.text import fold
from workstation.errors import BadInput, NotFound
from workstation.paths import resources_dir

CATALOGUE = resources_dir() / "catalogue" / "procedures.json"


def test_applicant_types_follow_the_national_portal_codes() -> None:
    assert [t.value for t in ApplicantType] == [1, 2, 3, 4]
    assert ApplicantType(2) is ApplicantType.BUSINESS


def test_dossier_statuses_follow_the_national_portal_list() -> None:
    assert [s.value for s in DossierStatus] == list(range(1, 11))
    assert DossierStatus.RESULT_RETURNED.is_final
    assert not DossierStatus.SUPPLEMENT_REQUESTED.is_final


def test_applicant_name_is_tidied_and_must_not_be_blank() -> None:
    assert Applicant(name="  Khuất  Lưu Huy   Nhật ").name == "Khuất Lưu Huy Nhật"
    with pytest.raises(BadInput) as caught:
        Applicant(name="   ")
    assert caught.value.code == "applicant.name_missing"


CONTACT_LIMITS = {
    "id_number": ID_NUMBER_MAX,
    "address": ADDRESS_MAX,
    "phone": PHONE_MAX,
    "email": EMAIL_MAX,
}
HOSTILE_TEXT = {
    "terminal escape codes": "0912\x1b[2J\x1b]0;pwned\x07345678",
    "right-to-left override": "gpj.\u202eexe",
    "isolate": "\u2066001203004567\u2069",
    "zero-width space": "001203\u200b004567",
    "NUL": "a\x00b",
    "private use": "\ue000",
}


@pytest.mark.parametrize("field", CONTACT_LIMITS)
@pytest.mark.parametrize("text", HOSTILE_TEXT.values(), ids=HOSTILE_TEXT.keys())
def test_control_and_format_characters_in_any_applicant_detail_are_refused(field, text) -> None:
    with pytest.raises(BadInput) as caught:
        Applicant(name="Lê Văn Lương", **{field: text})
    assert caught.value.code == f"applicant.{field}_invalid"
    assert caught.value.exit_code == 3
    assert text not in caught.value.detail  # personal data never goes into an error


@pytest.mark.parametrize("field", CONTACT_LIMITS)
def test_100_kb_of_text_in_any_applicant_detail_is_refused(field) -> None:
    with pytest.raises(BadInput) as caught:
        Applicant(name="Lê Văn Lương", **{field: "9" * 100_000})
    assert caught.value.code == f"applicant.{field}_too_long"
    assert len(caught.value.detail) < 200


@pytest.mark.parametrize(("field", "limit"), CONTACT_LIMITS.items())
def test_applicant_details_may_be_as_long_as_their_limit_and_no_longer(field, limit) -> None:
    assert getattr(Applicant(name="A", **{field: "9" * limit}), field) == "9" * limit
    with pytest.raises(BadInput):
        Applicant(name="A", **{field: "9" * (limit + 1)})


def test_applicant_details_are_tidied_like_the_name_and_blank_means_none() -> None:
    decomposed = unicodedata.normalize("NFD", "Tổ 10  Ấp An Thái,\tHòa Bình ")
    applicant = Applicant(
        name="A", address=decomposed, phone="  091 234\n5678 ", email="   ", id_number=""
    )
    assert applicant.address == "Tổ 10 Ấp An Thái, Hòa Bình"
    assert unicodedata.is_normalized("NFC", applicant.address)
    assert applicant.phone == "091 234 5678"
    assert applicant.email is None and applicant.id_number is None


@given(st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn")), max_size=300))
def test_any_address_without_control_characters_is_kept_tidied(text) -> None:
    address = Applicant(name="A", address=text).address
    assert address == (" ".join(unicodedata.normalize("NFC", text).split()) or None)
    assert Applicant(name="A", address=address).address == address


def test_every_refusal_of_an_applicant_detail_has_a_message_in_both_languages() -> None:
    from workstation import i18n

    codes = [
        f"applicant.{field}_{why}" for field in CONTACT_LIMITS for why in ("invalid", "too_long")
    ]
    for language in ("vi", "en"):
        messages = i18n.catalogue(language)
        assert [c for c in codes if f"error.{c}" not in messages] == []


def test_procedure_code_with_surrounding_spaces_is_found() -> None:
    catalogue = load_catalogue(CATALOGUE)
    assert catalogue.get(" 1.001193 \t", date(2026, 1, 1)).code == "1.001193"


def test_catalogue_picks_the_version_in_force_on_the_day() -> None:
    catalogue = load_catalogue(CATALOGUE)
    assert catalogue.get("1.000656", date(2025, 12, 31)).version == 1
    assert catalogue.get("1.000656", date(2026, 1, 1)).version == 2
    assert catalogue.get("1.000656", date(2026, 1, 1)).time_limit.amount == 0


def test_procedure_not_yet_in_force_is_not_found() -> None:
    catalogue = load_catalogue(CATALOGUE)
    with pytest.raises(NotFound) as caught:
        catalogue.get("1.001193", date(2024, 1, 1))
    assert caught.value.code == "catalogue.procedure_not_found"
    assert "01/01/2024" in caught.value.user_message()


def test_malformed_catalogue_names_the_entry(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"procedures": [{"code": "1"}]}', encoding="utf-8")
    with pytest.raises(BadInput, match="procedure #1"):
        load_catalogue(path)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("ĐỖ THỊ HƯƠNG", "do thi huong"),
        ("Khuất  Lưu Huy Nhật", "khuat luu huy nhat"),
    ],
)
def test_fold_makes_vietnamese_names_searchable_without_accents(text: str, key: str) -> None:
    assert fold(text) == key


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậđèéẻẽẹềếểễệỳýỷỹỵ ĐƯ"))
def test_fold_is_idempotent_and_leaves_only_ascii(text: str) -> None:
    key = fold(text)
    assert fold(key) == key
    assert key.isascii()


def test_applicant_name_is_one_spelling_however_it_was_typed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    assert Applicant(name=decomposed).name == "Nguyễn Thị Hồng Nhung"


@pytest.mark.parametrize("name", ["Lê\x1b[31m Văn", "Trần\x00Đức", "A\u200bB"])
def test_applicant_name_with_control_characters_is_refused(name: str) -> None:
    with pytest.raises(BadInput) as caught:
        Applicant(name=name)
    assert caught.value.code == "applicant.name_invalid"


@pytest.mark.parametrize(
    "content",
    ['["not", "an", "object"]', '{"procedures": {}}', "{}"],
)
def test_catalogue_of_the_wrong_shape_is_bad_input(tmp_path, content: str) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_catalogue(path)
    assert caught.value.code == "catalogue.unreadable"


def test_procedure_without_components_is_refused(tmp_path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text(
        '{"procedures": [{"code": "1", "name": "X", "time_limit": {"amount": 1, '
        '"unit": "working_days"}, "effective_from": "2026-01-01", "components": []}]}',
        encoding="utf-8",
    )
    with pytest.raises(BadInput, match="no components"):
        load_catalogue(path)


def test_files_go_to_the_first_required_component_unless_one_is_named() -> None:
    procedure = load_catalogue(CATALOGUE).get("2.000575", date(2026, 3, 1))
    assert procedure.filed_under().code == "GDN"
    assert procedure.filed_under("HDTN").name == "Hợp đồng thuê địa điểm kinh doanh"
    with pytest.raises(BadInput) as caught:
        procedure.filed_under("XYZ")
    assert caught.value.code == "dossier.unknown_component"
