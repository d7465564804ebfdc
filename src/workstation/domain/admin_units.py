"""Today's administrative units for an address printed with the old ones.

Since 01/07/2025 Vietnam has two levels of local units, province and commune
(63 provinces became 34 and districts were abolished), but chip cards issued
before then print ``…, commune, district, province``. The card's address is
kept exactly as printed; :func:`suggest` finds the current units to show and
store beside it, from versioned data (``resources/admin-units/units.json``;
the commune table there is illustrative). What the data does not know is
never guessed: the suggestion is then :attr:`UnitStatus.UNKNOWN`, the address
is left as written and the officer sees the flag.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from workstation.domain.applicant import Applicant
from workstation.domain.text import fold
from workstation.errors import BadInput
from workstation.i18n import tr
from workstation.paths import resources_dir

_UNIT_WORDS = re.compile(
    r"^(tinh|thanh pho|tp\.?|quan|huyen|thi xa|phuong|xa|thi tran)\s+", re.IGNORECASE
)


class UnitStatus(StrEnum):
    """How the current units of an address were found."""

    CURRENT = "current"  # the address already names current units
    MAPPED = "mapped"  # old units, mapped by the data in force
    UNKNOWN = "unknown"  # not in the data: left as written, flagged


@dataclass(frozen=True)
class UnitSuggestion:
    """The current units for an address; ``text`` is None when they are not known."""

    status: UnitStatus
    text: str | None = None
    province: str | None = None
    commune: str | None = None
    illustrative: bool = False


def units_file() -> Path:
    return resources_dir() / "admin-units" / "units.json"


def _key(name: str) -> str:
    """A unit's name as compared: folded, without its unit word or punctuation."""
    folded = fold(name)
    folded = _UNIT_WORDS.sub("", folded)
    return re.sub(r"[^0-9a-z]", "", folded)


@dataclass(frozen=True)
class _Version:
    effective_from: date
    provinces: dict[str, str]  # old province key -> current province name
    communes: dict[tuple[str, str, str], tuple[str, bool]]  # old keys -> (commune, illustrative)
    current: frozenset[tuple[str, str]]  # (current province key, current commune key)
    districts: frozenset[tuple[str, str]]  # (old province key, old district key)


@cache
def _versions(path: Path) -> tuple[_Version, ...]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        versions = [_version(v) for v in document["versions"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            f"administrative units {path} cannot be read: {exc!r}", code="units.unreadable"
        ) from exc
    return tuple(sorted(versions, key=lambda v: v.effective_from))


def _version(raw: dict[str, Any]) -> _Version:
    provinces = {_key(old): new for old, new in raw["provinces"].items()}
    communes = {}
    current = set()
    for entry in raw["communes"]:
        old = (_key(entry["province"]), _key(entry["district"]), _key(entry["commune"]))
        communes[old] = (entry["current"], bool(entry.get("illustrative", False)))
        current.add((_key(provinces[old[0]]), _key(entry["current"])))
    for province in set(provinces.values()):
        current.add((_key(province), ""))
    districts = frozenset((p, d) for p, d, _ in communes)
    return _Version(
        date.fromisoformat(raw["effective_from"]),
        provinces,
        communes,
        frozenset(current),
        districts,
    )


def suggest(address: str | None, on: date, path: Path | None = None) -> UnitSuggestion | None:
    """The current units of ``address`` on day ``on``; None when nothing is to be suggested
    (no address, or a day before the first reorganisation the data knows)."""
    if not address or not address.strip():
        return None
    versions = [v for v in _versions(path or units_file()) if v.effective_from <= on]
    if not versions:
        return None
    version = versions[-1]
    parts = [p.strip() for p in address.split(",") if p.strip()]
    province_key = _key(parts[-1])
    province = version.provinces.get(province_key)
    if province is None:
        current = {p for p in version.provinces.values() if _key(p) == province_key}
        province = next(iter(current), None)
    if province is None:
        return UnitSuggestion(UnitStatus.UNKNOWN)
    if len(parts) >= 3:
        found = version.communes.get((province_key, _key(parts[-2]), _key(parts[-3])))
        if found is not None:
            commune, illustrative = found
            return UnitSuggestion(
                UnitStatus.MAPPED, f"{commune}, {province}", province, commune, illustrative
            )
    if len(parts) >= 2 and _names_current_commune(version, province, province_key, parts[-2]):
        return UnitSuggestion(UnitStatus.CURRENT, f"{parts[-2]}, {province}", province, parts[-2])
    return UnitSuggestion(UnitStatus.UNKNOWN, province=province)


def _names_current_commune(version: _Version, province: str, old_key: str, part: str) -> bool:
    """Whether ``part`` (second from the end) is a current commune of ``province``.

    A name that is also an old district there ("Ba Đình" the district and "Phường Ba
    Đình" the ward) counts only when written with its unit word (phường, xã, thị trấn):
    otherwise it cannot be told apart, and is not guessed.
    """
    if (_key(province), _key(part)) not in version.current:
        return False
    if (old_key, _key(part)) not in version.districts:
        return True
    return re.match(r"^(phuong|xa|thi tran)\s", fold(part)) is not None


def with_current_units(applicant: Applicant, on: date, path: Path | None = None) -> Applicant:
    """``applicant`` with the suggestion for its address stored beside it (the address
    itself unchanged)."""
    found = suggest(applicant.address, on, path)
    if found is None:
        return replace(applicant, current_address=None, address_units=None)
    return replace(applicant, current_address=found.text, address_units=str(found.status))


def unit_text(applicant: Applicant) -> str:
    """What the window shows beside the card's address: the current units, or the flag."""
    if applicant.address_units == UnitStatus.UNKNOWN:
        return tr("applicant.units_unknown")
    if applicant.current_address:
        return applicant.current_address
    return "—"
