"""The domain: applicants, statuses, catalogue versions, search folding."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain import Applicant, ApplicantType, DossierStatus
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
