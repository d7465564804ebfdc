"""The chip ID card (căn cước công dân, CCCD): reading its QR payload.

The card's QR code holds ``ID|old ID|full name|DDMMYYYY|Nam/Nữ|address|DDMMYYYY``
(the old 9-digit ID may be empty). :func:`parse_payload` turns it into a
:class:`CitizenCard`, refusing what cannot be a card (wrong field count, an
ID that is not 12 digits, impossible dates) with :class:`BadInput`, and
*warning* about everything else (:class:`CardWarning`), so the officer checks
the card instead of being stopped by it.

Handheld readers in keyboard mode ("keyboard wedge") type the payload as
keystrokes, which mangles it in known ways; :func:`repair_payload` undoes the
repairable ones and says so:

- a reader's suffix (Enter, Tab) and stray control characters: removed;
- UTF-8 bytes typed one by one as Windows-1252 / Latin-1 characters
  (``LÃª VÄƒn LÆ°Æ¡ng``): decoded back (``Lê Văn Lương``);
- tone marks typed as separate combining characters (Windows' Vietnamese
  code page 1258 works that way): normalised to NFC;
- ``Ð``/``ð`` (Icelandic eth, the look-alike a code page swap gives) for
  ``Đ``/``đ``;
- Caps Lock on (the sex field reads ``nAM`` or ``nỮ``): the case of every
  letter is swapped back;
- a US-layout key sent under another layout: ``~`` or ``¦`` in place of ``|``.

Characters the reader could not type at all arrive as ``?`` or U+FFFD, or
vanish: they cannot be recovered, and the card gets a warning naming the
field (a name or address with no Vietnamese letter at all is suspicious too).
Vietnamese input methods (Telex, VNI) only change letters and digits that
follow a vowel; every field starts after a ``|``, so IDs and dates survive, and
we do not try to undo them.

The 12-digit number's structure (province of birth registration, a digit for
sex and century, two digits of the birth year) is checked against
``resources/cccd/id-number.json``: warnings, never refusals, since the
circular that defined it has expired.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from workstation import i18n
from workstation.errors import BadInput
from workstation.paths import resources_dir

FIELDS = (
    "id_number",
    "old_id_number",
    "full_name",
    "date_of_birth",
    "sex",
    "address",
    "issue_date",
)
SEXES = ("Nam", "Nữ")
MAX_PAYLOAD = 2000
"""A real payload is under 300 characters; a longer one is not a card."""

_MOJIBAKE = re.compile(
    "[ÃÄÅÆÌÍáâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
_LOST = ("?", "\ufffd")


@dataclass(frozen=True)
class CardWarning:
    """Something about a card the officer should look at; never a refusal."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str | None = None) -> str:
        return i18n.translate(f"warning.{self.code}", language, **self.params)


@dataclass(frozen=True)
class CitizenCard:
    """What a chip ID card's QR code says, as printed on the card."""

    id_number: str
    old_id_number: str
    full_name: str
    date_of_birth: date
    sex: str
    address: str
    issue_date: date
    warnings: tuple[CardWarning, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "id_number": self.id_number,
            "old_id_number": self.old_id_number,
            "full_name": self.full_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "sex": self.sex,
            "address": self.address,
            "issue_date": self.issue_date.isoformat(),
            "warnings": [
                {
                    "code": w.code,
                    "params": w.params,
                    "message": w.message("vi"),
                    "message_en": w.message("en"),
                }
                for w in self.warnings
            ],
        }


def _undo_utf8_as_cp1252(text: str) -> str | None:
    """``text`` decoded as the UTF-8 bytes its characters stand for, or None if it is not that."""
    raw = bytearray()
    for ch in text:
        if ord(ch) < 256:
            raw.append(ord(ch))
            continue
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def repair_payload(text: str) -> tuple[str, list[CardWarning]]:
    """Undo what keyboard-wedge readers are known to do to a payload; say what was done."""
    warnings: list[CardWarning] = []
    stripped = text.strip().lstrip("\ufeff")
    # C0 controls only: C1 ones (U+0080-U+009F) may be UTF-8 bytes typed one by one.
    cleaned = "".join(ch for ch in stripped if ord(ch) >= 0x20 and ord(ch) != 0x7F)
    if cleaned != stripped:
        warnings.append(CardWarning("cccd.control_characters_removed"))
    text = cleaned
    if _MOJIBAKE.search(text):
        decoded = _undo_utf8_as_cp1252(text)
        if decoded is not None:
            text = decoded
            warnings.append(CardWarning("cccd.encoding_repaired"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
    normal = unicodedata.normalize("NFC", text)
    if normal != text:
        warnings.append(CardWarning("cccd.normalised"))
    text = normal
    if "Ð" in text or "ð" in text:
        text = text.replace("Ð", "Đ").replace("ð", "đ")
        warnings.append(CardWarning("cccd.look_alike_repaired"))
    if "|" not in text:
        for separator in ("~", "¦"):
            if text.count(separator) == len(FIELDS) - 1:
                text = text.replace(separator, "|")
                warnings.append(CardWarning("cccd.separator_repaired", {"separator": separator}))
                break
    parts = text.split("|")
    if len(parts) == len(FIELDS) and parts[4].strip() in ("nAM", "nỮ", "nU"):
        text = text.swapcase()
        warnings.append(CardWarning("cccd.caps_lock_repaired"))
    return text, warnings


class CardDateError(BadInput):
    """A date on the card that cannot be read or does not exist.

    ``field`` stays the payload's field name (``date_of_birth``, ``issue_date``) for
    machines; the officer's message names the date in words from the catalogue
    (``cccd.field.<name>``: "Ngày sinh", "Ngày cấp"), in the language asked.
    """

    def user_message(self, language: str | None = None) -> str:
        name = str(self.params.get("field", ""))
        named = i18n.translate(f"cccd.field.{name}", language)
        return i18n.translate(f"error.{self.code}", language, **{**self.params, "field": named})


def _date(text: str, name: str) -> date:
    if not re.fullmatch(r"\d{8}", text):
        raise CardDateError(
            f"{name} must be 8 digits DDMMYYYY, not {len(text)} characters",
            code="cccd.bad_date",
            field=name,
        )
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError as exc:
        raise CardDateError(
            f"{name} is not a date that exists ({exc})", code="cccd.impossible_date", field=name
        ) from exc


def _sex(text: str, warnings: list[CardWarning]) -> str:
    if text in SEXES:
        return text
    folded = text.casefold()
    if folded in ("nam", "nữ"):
        return SEXES[folded != "nam"]
    if folded == "nu" or (len(text) == 2 and text[0] in "Nn" and text[1] in _LOST):
        warnings.append(CardWarning("cccd.sex_repaired", {"value": text}))
        return "Nữ"
    raise BadInput(f"sex must be Nam or Nữ, not {text!r}", code="cccd.bad_sex", value=text[:10])


@cache
def _id_rules(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def id_number_rules(path: Path | None = None) -> dict[str, Any]:
    """The province codes and the sex/century digit, from ``resources/cccd/id-number.json``."""
    return _id_rules(path or resources_dir() / "cccd" / "id-number.json")


def check_id_structure(id_number: str, sex: str, born: date) -> list[CardWarning]:
    """Warnings where the 12-digit number disagrees with the card's own sex and birth year."""
    rules = id_number_rules()
    warnings = []
    province = id_number[:3]
    if province not in rules["provinces"]:
        warnings.append(CardWarning("cccd.unknown_province", {"code": province}))
    digit = rules["sex_century_digit"][id_number[3]]
    if digit["sex"] != sex:
        warnings.append(CardWarning("cccd.sex_digit_mismatch", {"digit": id_number[3], "sex": sex}))
    start = int(digit["century_start"])
    if not start <= born.year < start + 100:
        warnings.append(
            CardWarning("cccd.century_mismatch", {"digit": id_number[3], "year": born.year})
        )
    if id_number[4:6] != f"{born.year % 100:02d}":
        warnings.append(
            CardWarning("cccd.birth_year_mismatch", {"digits": id_number[4:6], "year": born.year})
        )
    return warnings


def parse_payload(text: str, today: date | None = None) -> CitizenCard:
    """Read a card's QR payload (repairing what readers mangle) into a :class:`CitizenCard`."""
    if len(text) > MAX_PAYLOAD:
        raise BadInput(
            f"payload of {len(text)} characters is too long for a card",
            code="cccd.bad_field_count",
            count=len(text),
        )
    text, warnings = repair_payload(text)
    parts = [p.strip() for p in text.split("|")]
    while len(parts) > len(FIELDS) and parts[-1] == "":
        parts.pop()
        if len(parts) == len(FIELDS):
            warnings.append(CardWarning("cccd.trailing_separator"))
    if len(parts) != len(FIELDS):
        raise BadInput(
            f"a card payload has {len(FIELDS)} fields separated by '|', this one has {len(parts)}",
            code="cccd.bad_field_count",
            count=len(parts),
        )
    id_number, old_id, name, born_text, sex_text, address, issued_text = parts
    if not re.fullmatch(r"\d{12}", id_number):
        raise BadInput(
            f"the ID number must be 12 digits, not {len(id_number)} characters",
            code="cccd.bad_id_number",
        )
    if old_id and not re.fullmatch(r"\d{9}|\d{12}", old_id):
        warnings.append(CardWarning("cccd.old_id_unusual"))
    if not name:
        raise BadInput("the card payload has no name", code="cccd.no_name")
    born = _date(born_text, "date_of_birth")
    issued = _date(issued_text, "issue_date")
    today = today or date.today()
    for value, name_of in ((born, "date_of_birth"), (issued, "issue_date")):
        if value > today:
            raise CardDateError(
                f"{name_of} is in the future", code="cccd.date_in_future", field=name_of
            )
    if issued < born:
        raise BadInput(
            "the card was issued before its holder was born", code="cccd.issued_before_birth"
        )
    sex = _sex(sex_text, warnings)
    for field_name, value in (("full_name", name), ("address", address)):
        if any(mark in value for mark in _LOST):
            warnings.append(CardWarning("cccd.characters_lost", {"field": field_name}))
    if (name + address).isascii():
        warnings.append(CardWarning("cccd.no_diacritics"))
    warnings += check_id_structure(id_number, sex, born)
    return CitizenCard(
        id_number=id_number,
        old_id_number=old_id,
        full_name=name,
        date_of_birth=born,
        sex=sex,
        address=address,
        issue_date=issued,
        warnings=tuple(warnings),
    )
