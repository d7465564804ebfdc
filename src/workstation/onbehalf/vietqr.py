"""The VietQR payment code: NAPAS's profile of the EMVCo merchant-presented QR format.

A pure function of the collection account, the amount and the transfer note
(:func:`payment_payload`), so it is tested field by field; :func:`write_png`
draws it with zxing-cpp's encoder (already used to read ID cards and to draw
the forms' QR codes). Every field is ``ID`` + two-digit length + value:

- ``00`` payload format ``01``; ``01`` point of initiation ``12`` (dynamic:
  it carries an amount, for one payment);
- ``38`` merchant account information: ``00`` NAPAS's identifier
  ``A000000727``, ``01`` the beneficiary (``00`` the bank's 6-digit BIN,
  ``01`` the account), ``02`` the service code ``QRIBFTTA`` (transfer to an account);
- ``53`` currency ``704`` (đồng); ``54`` the amount; ``58`` country ``VN``;
- ``62`` additional data, ``08`` the purpose: the transfer note (the dossier code);
- ``63`` CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) over everything
  before it including ``6304``, as four upper-case hexadecimal digits.

DOMAIN (verify against the NAPAS specification before production): the
field layout follows NAPAS's published VietQR profile as banks' apps read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from workstation.errors import BadInput

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
PURPOSE_LIMIT = 25  # EMVCo: the purpose of transaction is at most 25 characters
_BIN = re.compile(r"\d{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_PURPOSE = re.compile(r"[ -~]+")  # printable ASCII


@dataclass(frozen=True)
class CollectionAccount:
    """An agency's account fees are paid into: the bank's BIN and the account number."""

    bank_bin: str
    account_number: str
    account_name: str = ""
    bank_name: str = ""

    def __post_init__(self) -> None:
        if not _BIN.fullmatch(self.bank_bin) or not _ACCOUNT.fullmatch(self.account_number):
            raise BadInput(
                "a collection account is a 6-digit bank BIN and an account of up to 19 "
                "letters and digits",
                code="payment.bad_account",
            )


def field(tag: str, value: str) -> str:
    """One EMVCo field: its two-digit ID, the value's length in two digits, the value."""
    if len(value) > 99:
        raise ValueError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def payment_payload(account: CollectionAccount, amount: int, purpose: str) -> str:
    """The VietQR payload asking ``amount`` đồng into ``account`` with note ``purpose``."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise BadInput("a payment code needs an amount due", code="payment.nothing_due")
    if not _PURPOSE.fullmatch(purpose) or len(purpose) > PURPOSE_LIMIT:
        raise BadInput(
            f"the transfer note must be at most {PURPOSE_LIMIT} ASCII characters",
            code="payment.bad_purpose",
            limit=PURPOSE_LIMIT,
        )
    beneficiary = field("00", account.bank_bin) + field("01", account.account_number)
    merchant = field("00", NAPAS_GUID) + field("01", beneficiary) + field("02", SERVICE_TO_ACCOUNT)
    body = (
        field("00", "01")
        + field("01", "12")
        + field("38", merchant)
        + field("53", CURRENCY_VND)
        + field("54", str(amount))
        + field("58", COUNTRY)
        + field("62", field("08", purpose))
        + "6304"
    )
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def parse_fields(text: str) -> list[tuple[str, str]]:
    """The ``(ID, value)`` pairs of an EMVCo payload or template, in order."""
    fields = []
    at = 0
    while at < len(text):
        if at + 4 > len(text) or not text[at : at + 4].isdigit():
            raise ValueError(f"no field header at {at}")
        tag, length = text[at : at + 2], int(text[at + 2 : at + 4])
        value = text[at + 4 : at + 4 + length]
        if len(value) != length:
            raise ValueError(f"field {tag} is cut short")
        fields.append((tag, value))
        at += 4 + length
    return fields


def write_png(payload: str, path: Path, scale: int = 8) -> Path:
    """Draw ``payload`` as a QR code (error correction M, quiet zone kept) as a PNG at ``path``."""
    import zxingcpp
    from PIL import Image

    symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = symbol.to_image(scale=scale, add_quiet_zones=True)
    view = memoryview(image)
    height, width = view.shape[0], view.shape[1]
    picture = Image.frombytes("L", (width, height), view.tobytes())
    try:
        picture.save(path, format="PNG")
    except OSError as exc:
        raise BadInput(
            f"cannot write {path.name}: {exc.strerror or exc}",
            code="payment.output_unwritable",
            name=path.name,
        ) from exc
    return path
