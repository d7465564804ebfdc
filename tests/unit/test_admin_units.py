"""Today's administrative units beside a card's old three-level address: mapped from the
data in force, never guessed."""

from __future__ import annotations

from datetime import date

import pytest

from workstation.domain import Applicant
from workstation.domain.admin_units import UnitStatus, suggest, unit_text, with_current_units

AFTER = date(2026, 1, 5)


def test_an_old_three_level_card_address_is_mapped_to_the_current_commune_and_province():
    found = suggest("Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang", AFTER)
    assert found.status is UnitStatus.MAPPED
    assert found.text == "Xã Hội An, An Giang"
    assert found.illustrative  # the commune table ships as illustrative data


def test_a_merged_province_is_named_as_it_is_now():
    found = suggest("Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội", AFTER)
    assert found.province == "Thành phố Hà Nội" and found.commune == "Xã Tây Phương"
    assert suggest("Xóm 3, Yên Thành, Ý Yên, Nam Định", AFTER).province == "Ninh Bình"


def test_a_commune_not_in_the_data_is_flagged_and_not_guessed():
    found = suggest("Xóm 3, Yên Thành, Ý Yên, Nam Định", AFTER)
    assert found.status is UnitStatus.UNKNOWN
    assert found.text is None and found.commune is None


def test_an_unknown_province_is_flagged():
    assert suggest("Số 5, Đâu Đó, Atlantis", AFTER).status is UnitStatus.UNKNOWN


def test_a_district_name_that_is_also_a_new_ward_is_not_taken_for_the_ward():
    assert suggest("Số 1, Ba Đình, Hà Nội", AFTER).status is UnitStatus.UNKNOWN
    current = suggest("Số 1, Phường Ba Đình, Hà Nội", AFTER)
    assert current.status is UnitStatus.CURRENT
    assert current.text == "Phường Ba Đình, Thành phố Hà Nội"


def test_names_match_without_diacritics_case_or_unit_words():
    found = suggest("so 1, xa hoa binh, huyen cho moi, tinh an giang", AFTER)
    assert found.text == "Xã Hội An, An Giang"


def test_nothing_is_suggested_before_the_reorganisation():
    assert suggest("Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang", date(2025, 6, 30)) is None


@pytest.mark.parametrize("address", [None, "", "   "])
def test_no_address_gives_no_suggestion(address):
    assert suggest(address, AFTER) is None


def test_the_applicant_keeps_the_card_address_as_printed_with_the_units_beside_it():
    printed = "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang"
    applicant = with_current_units(Applicant("Lê Văn Lương", address=printed), AFTER)
    assert applicant.address == printed
    assert applicant.current_address == "Xã Hội An, An Giang"
    assert applicant.address_units == "mapped"
    flagged = with_current_units(Applicant("A", address="Xóm 3, Yên Thành, Ý Yên, Nam Định"), AFTER)
    assert flagged.address_units == "unknown" and flagged.current_address is None
    assert "giữ nguyên" in unit_text(flagged)
