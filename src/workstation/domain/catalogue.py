"""The procedure catalogue (danh mục thủ tục hành chính) as versioned data.

Procedures change by decision: each entry in the catalogue file is one version
of one procedure with ``effective_from`` (and optionally ``effective_to``), and
:meth:`Catalogue.get` picks the version in force on a given day. The file format
is documented in ``resources/catalogue/README.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from workstation.errors import BadInput, NotFound


class TimeUnit(StrEnum):
    WORKING_DAYS = "working_days"  # ngày làm việc
    CALENDAR_DAYS = "calendar_days"  # ngày
    WORKING_HOURS = "working_hours"  # giờ làm việc
    SAME_DAY = "same_day"  # trong ngày


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

    def in_force_on(self, day: date) -> bool:
        """Whether this version applies to a dossier received on ``day``."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def filed_under(self, code: str | None = None) -> ComponentRequirement:
        """The component files go to: ``code``'s, or without one the first required one."""
        if code is None:
            return next((c for c in self.components if c.required), self.components[0])
        for component in self.components:
            if component.code == code:
                return component
        raise BadInput(
            f"procedure {self.code} has no component {code!r}",
            code="dossier.unknown_component",
            procedure=self.code,
            component=code,
        )


class Catalogue:
    """All versions of all procedures, looked up by code and day."""

    def __init__(self, procedures: list[Procedure], source: str = "") -> None:
        self._by_code: dict[str, list[Procedure]] = {}
        for p in procedures:
            self._by_code.setdefault(p.code, []).append(p)
        for versions in self._by_code.values():
            versions.sort(key=lambda p: p.effective_from)
        self.source = source

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

    def __len__(self) -> int:
        return len(self._by_code)


def _procedure(entry: dict[str, Any]) -> Procedure:
    limit = entry["time_limit"]
    if not entry["components"]:
        raise ValueError(f"procedure {entry['code']} lists no components")
    return Procedure(
        code=entry["code"],
        name=entry["name"],
        field=entry.get("field", ""),
        time_limit=TimeLimit(int(limit["amount"]), TimeUnit(limit["unit"])),
        components=tuple(
            ComponentRequirement(
                code=c["code"],
                name=c["name"],
                originals=int(c.get("originals", 1)),
                certified_copies=int(c.get("certified_copies", 0)),
                photocopies=int(c.get("photocopies", 0)),
                required=bool(c.get("required", True)),
            )
            for c in entry["components"]
        ),
        effective_from=date.fromisoformat(entry["effective_from"]),
        effective_to=date.fromisoformat(entry["effective_to"])
        if entry.get("effective_to")
        else None,
        version=int(entry.get("version", 1)),
        legal_basis=entry.get("legal_basis", ""),
    )


def load_catalogue(path: Path) -> Catalogue:
    """Read a catalogue file; a malformed file is bad input naming the entry at fault."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(
            f"catalogue {path} cannot be read: {exc}", code="catalogue.unreadable", path=str(path)
        ) from exc
    if not isinstance(document, dict) or not isinstance(document.get("procedures"), list):
        raise BadInput(
            f"catalogue {path} must be an object with a 'procedures' list",
            code="catalogue.unreadable",
            path=str(path),
        )
    procedures = []
    for index, entry in enumerate(document["procedures"]):
        try:
            procedures.append(_procedure(entry))
        except (KeyError, TypeError, ValueError) as exc:
            raise BadInput(
                f"catalogue {path}: procedure #{index + 1} is malformed ({exc!r})",
                code="catalogue.unreadable",
                path=str(path),
            ) from exc
    return Catalogue(procedures, source=str(path))
