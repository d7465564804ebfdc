"""The VietQR payload, field by field, its CRC against independent computations, and its PNG."""

from __future__ import annotations

import binascii

import pytest
import zxingcpp
from PIL import Image

from workstation.errors import BadInput
from workstation.onbehalf.vietqr import (
    CollectionAccount,
    crc16_ccitt_false,
    parse_fields,
    payment_payload,
    write_png,
)

ACCOUNT = CollectionAccount("970415", "113366668888", "BO PHAN MOT CUA")
CODE = "H99.001.01-261102-010001"


def test_crc_is_ccitt_false_by_its_published_check_value_and_by_binascii() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    data = b"00020101021238570010A000000727"
    assert crc16_ccitt_false(data) == binascii.crc_hqx(data, 0xFFFF)


def test_payload_carries_every_field_napas_asks_for_in_order() -> None:
    payload = payment_payload(ACCOUNT, 50_000, CODE)
    fields = parse_fields(payload)
    assert [tag for tag, _ in fields] == ["00", "01", "38", "53", "54", "58", "62", "63"]
    values = dict(fields)
    assert values["00"] == "01"
    assert values["01"] == "12"  # dynamic: one payment with its amount
    merchant = dict(parse_fields(values["38"]))
    assert merchant["00"] == "A000000727"
    assert dict(parse_fields(merchant["01"])) == {"00": "970415", "01": "113366668888"}
    assert merchant["02"] == "QRIBFTTA"
    assert values["53"] == "704"
    assert values["54"] == "50000"
    assert values["58"] == "VN"
    assert dict(parse_fields(values["62"])) == {"08": CODE}


def test_payload_ends_with_the_crc_of_everything_before_it_including_6304() -> None:
    payload = payment_payload(ACCOUNT, 1_234, CODE)
    body, crc = payload[:-4], payload[-4:]
    assert body.endswith("6304")
    assert crc == f"{binascii.crc_hqx(body.encode('ascii'), 0xFFFF):04X}"
    assert crc == crc.upper()


def test_a_changed_amount_changes_the_crc() -> None:
    assert payment_payload(ACCOUNT, 1000, CODE)[-4:] != payment_payload(ACCOUNT, 1001, CODE)[-4:]


@pytest.mark.parametrize("amount", [0, -5, True])
def test_no_code_without_an_amount_due(amount) -> None:
    with pytest.raises(BadInput) as caught:
        payment_payload(ACCOUNT, amount, CODE)
    assert caught.value.code == "payment.nothing_due"


def test_a_transfer_note_with_vietnamese_letters_or_too_long_is_refused() -> None:
    for purpose in ("Lệ phí", "X" * 26):
        with pytest.raises(BadInput) as caught:
            payment_payload(ACCOUNT, 1000, purpose)
        assert caught.value.code == "payment.bad_purpose"


def test_an_account_that_is_no_bin_and_account_is_refused() -> None:
    with pytest.raises(BadInput):
        CollectionAccount("97041", "1133")
    with pytest.raises(BadInput):
        CollectionAccount("970415", "1133 6666")


def test_png_decodes_back_to_the_same_payload(tmp_path) -> None:
    payload = payment_payload(ACCOUNT, 100_000, CODE)
    path = write_png(payload, tmp_path / "qr.png")
    found = zxingcpp.read_barcodes(Image.open(path))
    assert [b.text for b in found] == [payload]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
