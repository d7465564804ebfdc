"""Chip ID card payloads: parsing, refusing what cannot be a card, repairing what readers mangle."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation import i18n
from workstation.cli import main
from workstation.domain.cccd import parse_payload, repair_payload
from workstation.errors import BadInput
from workstation.paths import resources_dir

LUONG = (
    "089202017098|352576714|Lê Văn Lương|23052002|Nam|"
    "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang|31122021"
)
NHAT = "049202000284||Khuất Lưu Huy Nhật|24022002|Nam|Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội|31052021"
TODAY = date(2026, 12, 1)

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
VIETNAMESE += VIETNAMESE.upper()


def codes(card) -> list[str]:
    return [w.code for w in card.warnings]


def typed_as_cp1252_alt_codes(text: str) -> str:
    """What a reader that sends each UTF-8 byte as an Alt code gives on a Windows-1252 PC."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))  # Windows maps its five undefined bytes to C1 controls
    return "".join(out)


def test_real_sample_with_old_id_is_read_with_iso_dates() -> None:
    card = parse_payload(LUONG, TODAY)
    assert card.as_json() == {
        "id_number": "089202017098",
        "old_id_number": "352576714",
        "full_name": "Lê Văn Lương",
        "date_of_birth": "2002-05-23",
        "sex": "Nam",
        "address": "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang",
        "issue_date": "2021-12-31",
        "warnings": [],
    }


def test_real_sample_without_old_id_is_read() -> None:
    card = parse_payload(NHAT, TODAY)
    assert card.old_id_number == ""
    assert card.full_name == "Khuất Lưu Huy Nhật"
    assert card.date_of_birth == date(2002, 2, 24)
    assert card.warnings == ()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (LUONG.replace("23052002", "31022002"), "cccd.impossible_date"),
        (LUONG.replace("31122021", "00122021"), "cccd.impossible_date"),
        (LUONG.replace("23052002", "2305200"), "cccd.bad_date"),
        (LUONG.replace("31122021", "31122030"), "cccd.date_in_future"),
        (LUONG.replace("31122021", "31122001"), "cccd.issued_before_birth"),
        (LUONG.replace("|Nam|", "|Khác|"), "cccd.bad_sex"),
        (LUONG.replace("089202017098", "08920201709"), "cccd.bad_id_number"),
        (LUONG.replace("089202017098", "O89202017098"), "cccd.bad_id_number"),
        (LUONG + "|extra", "cccd.bad_field_count"),
        ("089202017098|Lê Văn Lương", "cccd.bad_field_count"),
        ("", "cccd.bad_field_count"),
        ("|" * 6, "cccd.bad_id_number"),
    ],
)
def test_what_cannot_be_a_card_is_refused_with_a_clear_code(payload: str, code: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_payload(payload, TODAY)
    assert caught.value.code == code
    assert caught.value.user_message("vi") != f"error.{code}"


def test_a_reader_suffix_and_stray_line_breaks_are_removed() -> None:
    card = parse_payload("  " + LUONG.replace("Lương|", "Lương\r\n|") + "\r\n", TODAY)
    assert card.full_name == "Lê Văn Lương"
    assert codes(card) == ["cccd.control_characters_removed"]


def test_a_trailing_separator_is_tolerated_with_a_warning() -> None:
    assert codes(parse_payload(LUONG + "|", TODAY)) == ["cccd.trailing_separator"]


def test_utf8_bytes_typed_as_windows_1252_characters_are_decoded_back() -> None:
    mangled = typed_as_cp1252_alt_codes(LUONG)
    assert "LÃª VÄƒn" in mangled
    card = parse_payload(mangled, TODAY)
    assert card.full_name == "Lê Văn Lương"
    assert card.address == "Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang"
    assert codes(card) == ["cccd.encoding_repaired"]


def test_every_vietnamese_letter_survives_the_encoding_repair() -> None:
    payload = LUONG.replace("Lê Văn Lương", "Lê " + VIETNAMESE)
    repaired, _ = repair_payload(typed_as_cp1252_alt_codes(payload))
    assert repaired == payload


@given(st.text(alphabet=VIETNAMESE + " ,-0123456789", min_size=1, max_size=60))
def test_correct_vietnamese_text_is_never_changed_by_the_repairs(address: str) -> None:
    payload = LUONG.replace("Tổ 10 Ấp An Thái, Hòa Bình, Chợ Mới, An Giang", address)
    repaired, warnings = repair_payload(payload)
    assert repaired == payload.strip()
    assert warnings == [] or payload != payload.strip()


def test_decomposed_tone_marks_are_normalised_to_nfc() -> None:
    card = parse_payload(unicodedata.normalize("NFD", NHAT), TODAY)
    assert card.full_name == "Khuất Lưu Huy Nhật"
    assert unicodedata.is_normalized("NFC", card.address)
    assert codes(card) == ["cccd.normalised"]


def test_eth_look_alike_becomes_d_with_stroke() -> None:
    payload = LUONG.replace("Lê Văn Lương", "Ðặng Văn Ðức")
    card = parse_payload(payload, TODAY)
    assert card.full_name == "Đặng Văn Đức"
    assert "cccd.look_alike_repaired" in codes(card)


def test_caps_lock_inverted_payload_is_swapped_back() -> None:
    card = parse_payload(LUONG.swapcase(), TODAY)
    assert card.full_name == "Lê Văn Lương"
    assert card.sex == "Nam"
    assert codes(card) == ["cccd.caps_lock_repaired"]


def test_separator_typed_under_another_keyboard_layout_is_repaired() -> None:
    card = parse_payload(NHAT.replace("|", "~"), TODAY)
    assert card.id_number == "049202000284"
    assert codes(card) == ["cccd.separator_repaired"]


def test_characters_a_reader_turned_into_question_marks_cannot_be_repaired_and_are_flagged() -> (
    None
):
    payload = (
        "001305001234||Nguy?n Th? Hoa|12032005|N?|S? 5 ph? H?ng Bu?m, Ho?n Ki?m, H? N?i|01022022"
    )
    card = parse_payload(payload, TODAY)
    assert card.full_name == "Nguy?n Th? Hoa"  # kept as read: nothing is guessed
    assert card.sex == "Nữ"
    assert codes(card)[:3] == [
        "cccd.sex_repaired",
        "cccd.characters_lost",
        "cccd.characters_lost",
    ]
    assert [w.params.get("field") for w in card.warnings[1:3]] == ["full_name", "address"]


def test_name_and_address_without_any_diacritic_are_flagged() -> None:
    card = parse_payload(
        "001205001234||Nguyen Van An|12032005|Nam|So 5 Hang Buom, Ha Noi|01022022", TODAY
    )
    assert "cccd.no_diacritics" in codes(card)


def test_id_structure_mismatches_warn_but_never_refuse() -> None:
    # 099: no such province; digit 4 = 1 (female, 1900s) on a man born 2002; year digits 99.
    card = parse_payload(LUONG.replace("089202017098", "099199017098"), TODAY)
    assert card.id_number == "099199017098"
    assert codes(card) == [
        "cccd.unknown_province",
        "cccd.sex_digit_mismatch",
        "cccd.century_mismatch",
        "cccd.birth_year_mismatch",
    ]


def test_id_structure_knows_women_born_in_the_1900s() -> None:
    card = parse_payload(
        "037186001234|164123456|Phạm Thị Lan|05061986|Nữ|Hoa Lư, Ninh Bình|10102021", TODAY
    )
    assert card.warnings == ()


def test_old_id_of_unusual_length_is_flagged() -> None:
    card = parse_payload(LUONG.replace("352576714", "35257671"), TODAY)
    assert codes(card) == ["cccd.old_id_unusual"]


def test_every_warning_code_has_a_message_in_both_languages() -> None:
    source = (resources_dir().parent / "src" / "workstation" / "domain" / "cccd.py").read_text(
        encoding="utf-8"
    )
    warning_codes = set(re.findall(r'CardWarning\(\s*"([a-z_.]+)"', source))
    assert len(warning_codes) >= 14
    for language in ("vi", "en"):
        missing = {c for c in warning_codes if f"warning.{c}" not in i18n.catalogue(language)}
        assert missing == set(), language


def test_cccd_command_reads_a_typed_payload(capsys) -> None:
    code = main(["cccd", "--payload", NHAT, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["id_number"] == "049202000284"
    assert out["issue_date"] == "2021-05-31"
    assert out["warnings"] == []


def test_cccd_command_refuses_an_impossible_date_as_bad_input(capsys) -> None:
    code = main(["cccd", "--payload", NHAT.replace("24022002", "30022002"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 3
    assert out["error"]["code"] == "cccd.impossible_date"


def test_cccd_command_never_logs_the_card(capsys, caplog) -> None:
    caplog.set_level("DEBUG")
    main(["cccd", "--payload", LUONG])
    capsys.readouterr()
    assert "089202017098" not in caplog.text
    assert "Lương" not in caplog.text


def test_sex_in_capitals_is_read_without_a_warning_and_nu_without_accents_is_flagged() -> None:
    woman = "037186001234|164123456|Phạm Thị Lan|05061986|{}|Hoa Lư, Ninh Bình|10102021"
    assert parse_payload(woman.format("NỮ"), TODAY).sex == "Nữ"
    assert parse_payload(woman.format("NỮ"), TODAY).warnings == ()
    flagged = parse_payload(woman.format("Nu"), TODAY)
    assert flagged.sex == "Nữ"
    assert codes(flagged) == ["cccd.sex_repaired"]


@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(st.text(max_size=40), min_size=5, max_size=9).map("|".join),
    )
)
def test_any_text_is_either_a_card_or_bad_input_never_a_crash(text: str) -> None:
    try:
        card = parse_payload(text, TODAY)
    except BadInput as exc:
        assert i18n.catalogue("vi").get(f"error.{exc.code}")
    else:
        assert re.fullmatch(r"\d{12}", card.id_number)


@pytest.mark.parametrize(
    ("payload", "vi", "en"),
    [
        (
            LUONG.replace("23052002", "31022002"),
            "Ngày sinh trên thẻ không tồn tại",
            "date of birth",
        ),
        (LUONG.replace("31122021", "00122021"), "Ngày cấp trên thẻ không tồn tại", "issue date"),
        (LUONG.replace("23052002", "2305200"), "Ngày sinh trên thẻ phải có dạng", "date of birth"),
        (LUONG.replace("31122021", "31122030"), "Ngày cấp trên thẻ ở tương lai", "issue date"),
    ],
)
def test_a_bad_date_on_the_card_is_named_in_words_not_by_its_field_key(
    payload: str, vi: str, en: str
) -> None:
    with pytest.raises(BadInput) as caught:
        parse_payload(payload, date(2026, 3, 1))
    assert caught.value.user_message("vi").startswith(vi)
    assert en in caught.value.user_message("en")
    assert "_" not in caught.value.user_message("vi") + caught.value.user_message("en")
    assert caught.value.params["field"] in ("date_of_birth", "issue_date")  # for machines
