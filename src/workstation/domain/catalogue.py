"""The procedure catalogue (danh mục thủ tục hành chính) as versioned data.

Procedures change by decision: each entry in the catalogue file is one version
of one procedure with ``effective_from`` (and optionally ``effective_to``), and
:meth:`Catalogue.get` picks the version in force on a given day. An entry
carries what the counter needs: sector, handling agency, level of online
service, time limit, fees and charges (fee = lệ phí, charge = phí) with the
reductions the province's resolutions set, the checklist of components and
the result. It names its public source or says it is illustrative. The file
format is documented in ``resources/catalogue/README.md``; the central server
may replace the file (:func:`parse_catalogue` checks what it sends).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from workstation.domain.text import fold
from workstation.errors import BadInput, NotFound


class TimeUnit(StrEnum):
    WORKING_DAYS = "working_days"  # ngày làm việc
    CALENDAR_DAYS = "calendar_days"  # ngày
    WORKING_HOURS = "working_hours"  # giờ làm việc
    SAME_DAY = "same_day"  # trong ngày


class ServiceLevel(StrEnum):
    """How far the procedure can be done online (dịch vụ công trực tuyến)."""

    FULL_ONLINE = "full_online"  # toàn trình
    PARTIAL = "partial"  # một phần


class FeeKind(StrEnum):
    FEE = "fee"  # lệ phí
    CHARGE = "charge"  # phí


@dataclass(frozen=True)
class TimeLimit:
    """Processing time (thời hạn giải quyết) as the procedure states it."""

    amount: int
    unit: TimeUnit


@dataclass(frozen=True)
class ComponentRequirement:
    """A component the procedure asks for, with the counts the receipt prints."""

    code: str
    name: str
    originals: int = 1
    certified_copies: int = 0
    photocopies: int = 0
    required: bool = True
    form_template: str | None = None  # mẫu đơn, tờ khai, e.g. "TK-KS"


@dataclass(frozen=True)
class Reduction:
    """A reduction of a fee or charge: ``percent`` off (100: exempt).

    ``case`` names the applicant's case it is for (``poor_household`` …), or
    is ``online`` for the reduction of dossiers submitted online. ``basis``
    is the resolution or decision setting it; it applies from ``effective_from``.
    """

    case: str
    percent: int
    basis: str = ""
    effective_from: date | None = None
    effective_to: date | None = None
    name: str = ""

    def in_force_on(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True)
class FeeItem:
    """One fee or charge of a procedure, in đồng, with its reductions."""

    kind: FeeKind
    name: str
    amount: int
    basis: str = ""
    reductions: tuple[Reduction, ...] = ()


@dataclass(frozen=True)
class Source:
    """Where an entry comes from: the national catalogue's code and the deciding
    decision, or ``illustrative`` when neither could be checked."""

    national_code: str = ""
    decision: str = ""
    illustrative: bool = True
    note: str = ""


@dataclass(frozen=True)
class Procedure:
    """One version of an administrative procedure (thủ tục hành chính)."""

    code: str
    name: str
    field: str
    time_limit: TimeLimit
    components: tuple[ComponentRequirement, ...]
    effective_from: date
    effective_to: date | None = None
    version: int = 1
    legal_basis: str = ""
    agency: str = ""  # cơ quan giải quyết
    level: ServiceLevel = ServiceLevel.PARTIAL
    fees: tuple[FeeItem, ...] = ()
    result_type: str = ""  # kết quả, e.g. "Giấy khai sinh"
    source: Source = Source()

    @property
    def sector(self) -> str:
        """The procedure's sector (lĩnh vực); the file calls it ``field``."""
        return self.field

    def in_force_on(self, day: date) -> bool:
        """Whether this version applies to a dossier received on ``day``."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def requirement(self, code: str) -> ComponentRequirement:
        """The checklist entry ``code``; ``dossier.unknown_component`` if there is none."""
        for component in self.components:
            if component.code == code:
                return component
        raise BadInput(
            f"procedure {self.code} has no component {code!r}",
            code="dossier.unknown_component",
            procedure=self.code,
            component=code,
        )

    def filed_under(self, code: str | None = None) -> ComponentRequirement:
        """The component files go to: ``code``'s, or without one the first required one."""
        if code is None:
            return next((c for c in self.components if c.required), self.components[0])
        return self.requirement(code)


class Catalogue:
    """All versions of all procedures, looked up by code and day."""

    def __init__(self, procedures: list[Procedure], source: str = "") -> None:
        self._by_code: dict[str, list[Procedure]] = {}
        for p in procedures:
            self._by_code.setdefault(p.code, []).append(p)
        for versions in self._by_code.values():
            versions.sort(key=lambda p: p.effective_from)
        self.source = source
        self._keys: dict[tuple[str, int], str] = {
            (p.code, p.version): fold(f"{p.code} {p.name} {p.field} {p.agency}") for p in procedures
        }

    def get(self, code: str, on: date | None = None) -> Procedure:
        """The version of procedure ``code`` in force on ``on`` (default: today).

        Spaces around ``code`` (pasted from a list or a spreadsheet) are ignored.
        """
        on = on or date.today()
        code = code.strip()
        for p in reversed(self._by_code.get(code, [])):
            if p.in_force_on(on):
                return p
        raise NotFound(
            f"no procedure {code!r} in force on {on.isoformat()}",
            code="catalogue.procedure_not_found",
            procedure=code,
            day=on.strftime("%d/%m/%Y"),
        )

    def in_force(self, on: date | None = None) -> list[Procedure]:
        """Every procedure in force on ``on``, sorted by field then name."""
        on = on or date.today()
        found = [p for versions in self._by_code.values() for p in versions if p.in_force_on(on)]
        return sorted(found, key=lambda p: (p.field, p.name))

    def search(self, text: str, on: date | None = None) -> list[Procedure]:
        """Procedures in force on ``on`` whose code, name, sector or agency holds every word
        of ``text``, accents and ``đ``/``d`` ignored (``dang ky khai sinh`` finds
        ``Đăng ký khai sinh``)."""
        words = fold(text).split()
        return [
            p for p in self.in_force(on) if all(w in self._keys[(p.code, p.version)] for w in words)
        ]

    def __len__(self) -> int:
        return len(self._by_code)


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _reduction(entry: dict[str, Any]) -> Reduction:
    percent = int(entry["percent"])
    if not 0 <= percent <= 100:
        raise ValueError(f"reduction of {percent}% is not between 0 and 100")
    return Reduction(
        case=str(entry["case"]),
        percent=percent,
        basis=str(entry.get("basis", "")),
        effective_from=_day(entry.get("effective_from")),
        effective_to=_day(entry.get("effective_to")),
        name=str(entry.get("name", "")),
    )


def _fee(entry: dict[str, Any]) -> FeeItem:
    amount = entry["amount"]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise ValueError(f"fee amount {amount!r} must be a whole number of đồng")
    return FeeItem(
        kind=FeeKind(entry["kind"]),
        name=str(entry["name"]),
        amount=amount,
        basis=str(entry.get("basis", "")),
        reductions=tuple(_reduction(r) for r in entry.get("reductions", [])),
    )


def _count(entry: dict[str, Any], name: str, default: int) -> int:
    value = int(entry.get(name, default))
    if value < 0:
        raise ValueError(f"{name} cannot be negative")
    return value


def _procedure(entry: dict[str, Any]) -> Procedure:
    limit = entry["time_limit"]
    if not entry["components"]:
        raise ValueError(f"procedure {entry['code']} lists no components")
    codes = Counter(c["code"] for c in entry["components"])
    if any(n > 1 for n in codes.values()):
        raise ValueError(f"procedure {entry['code']} lists a component twice")
    source = entry.get("source") or {}
    procedure = Procedure(
        code=str(entry["code"]).strip(),
        name=str(entry["name"]),
        field=entry.get("field", ""),
        time_limit=TimeLimit(int(limit["amount"]), TimeUnit(limit["unit"])),
        components=tuple(
            ComponentRequirement(
                code=c["code"],
                name=c["name"],
                originals=_count(c, "originals", 1),
                certified_copies=_count(c, "certified_copies", 0),
                photocopies=_count(c, "photocopies", 0),
                required=bool(c.get("required", True)),
                form_template=c.get("form_template") or None,
            )
            for c in entry["components"]
        ),
        effective_from=date.fromisoformat(entry["effective_from"]),
        effective_to=_day(entry.get("effective_to")),
        version=int(entry.get("version", 1)),
        legal_basis=entry.get("legal_basis", ""),
        agency=str(entry.get("agency", "")),
        level=ServiceLevel(entry.get("level", ServiceLevel.PARTIAL)),
        fees=tuple(_fee(f) for f in entry.get("fees", [])),
        result_type=str(entry.get("result_type", "")),
        source=Source(
            national_code=str(source.get("national_code", "")),
            decision=str(source.get("decision", "")),
            illustrative=bool(source.get("illustrative", not source.get("decision"))),
            note=str(source.get("note", "")),
        ),
    )
    if procedure.time_limit.amount < 0:
        raise ValueError("a time limit cannot be negative")
    if procedure.effective_to is not None and procedure.effective_to < procedure.effective_from:
        raise ValueError("effective_to comes before effective_from")
    return procedure


def _check_versions(procedures: list[Procedure]) -> None:
    """Refuse two versions of one procedure in force on the same day, or one version twice."""
    by_code: dict[str, list[Procedure]] = {}
    for p in procedures:
        by_code.setdefault(p.code, []).append(p)
    for code, versions in by_code.items():
        if len({p.version for p in versions}) != len(versions):
            raise ValueError(f"procedure {code} gives one version twice")
        versions.sort(key=lambda p: p.effective_from)
        for earlier, later in itertools.pairwise(versions):
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                raise ValueError(
                    f"procedure {code}: versions {earlier.version} and {later.version} overlap"
                )


def parse_catalogue(data: bytes | str, source: str) -> Catalogue:
    """A catalogue from the bytes of a catalogue file (one the central server sent,
    say), checked whole: a malformed file is ``catalogue.unreadable`` naming the entry
    at fault, and nothing of it is used."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadInput(
            f"catalogue {source} cannot be read: {exc}", code="catalogue.unreadable", path=source
        ) from exc
    if not isinstance(document, dict) or not isinstance(document.get("procedures"), list):
        raise BadInput(
            f"catalogue {source} must be an object with a 'procedures' list",
            code="catalogue.unreadable",
            path=source,
        )
    procedures = []
    for index, entry in enumerate(document["procedures"]):
        try:
            procedures.append(_procedure(entry))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadInput(
                f"catalogue {source}: procedure #{index + 1} is malformed ({exc!r})",
                code="catalogue.unreadable",
                path=source,
            ) from exc
    try:
        _check_versions(procedures)
    except ValueError as exc:
        raise BadInput(
            f"catalogue {source}: {exc}", code="catalogue.unreadable", path=source
        ) from exc
    return Catalogue(procedures, source=source)


def load_catalogue(path: Path) -> Catalogue:
    """Read a catalogue file; a malformed file is bad input naming the entry at fault."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(
            f"catalogue {path} cannot be read: {exc.strerror or exc}",
            code="catalogue.unreadable",
            path=str(path),
        ) from exc
    return parse_catalogue(data, str(path))
