"""Dossier codes (mã hồ sơ): their formats, and sequence numbers that never collide.

A code is the receiving agency's e-ID code, the day of receipt and a daily
sequence number, in a format that is data (``resources/codes/formats.json``,
with effective dates): the Circular 04/2025 format by default from 25/01/2026,
the classic one by configuration (or before that day).

Sequence numbers come from a :class:`SequenceSource`. Each (unit, day) has a
sequence space split in two by the format's :class:`SequenceScheme`: blocks
the central system leases to one workstation at a time (``1..leased_max``),
and above them one stripe per workstation slot, which the workstation counts
in alone when it has no lease left, so two offline workstations of one unit
can never issue the same code (``resources/codes/README.md`` explains why).
The store keeps the counters (:mod:`workstation.store.sequences`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from workstation.errors import BadInput, ConfigError
from workstation.paths import resources_dir


@dataclass(frozen=True)
class SequenceScheme:
    """How one format's daily sequence space is shared between leases and workstation slots."""

    width: int
    max: int | None
    leased_max: int
    offline_first: int
    offline_stripe: int

    def __post_init__(self) -> None:
        if not 0 < self.leased_max < self.offline_first or self.offline_stripe < 1:
            raise ValueError("offline stripes must start above the leased range")
        if self.max is not None and self.offline_first + self.offline_stripe - 1 > self.max:
            raise ValueError("the first offline stripe does not fit in the sequence")

    def stripe(self, slot: int) -> tuple[int, int]:
        """The first and last number workstation ``slot`` may issue on its own."""
        if slot < 1:
            raise ConfigError(
                f"the workstation slot must be 1 or more, not {slot}",
                code="codes.bad_slot",
                slot=slot,
            )
        first = self.offline_first + (slot - 1) * self.offline_stripe
        last = first + self.offline_stripe - 1
        if self.max is not None and last > self.max:
            raise ConfigError(
                f"slot {slot} has no room in a sequence of at most {self.max}",
                code="codes.slot_out_of_range",
                slot=slot,
            )
        return first, last


@dataclass(frozen=True)
class CodeFormat:
    """One format of the dossier code."""

    name: str
    effective_from: date
    effective_to: date | None
    template: str
    agency_pattern: str
    code_pattern: str
    sequence: SequenceScheme
    system_pattern: str | None = None
    source: str = ""

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def check_unit(self, agency: str, system: str = "") -> None:
        """Refuse an agency (or system owner) code this format cannot carry."""
        if not re.fullmatch(self.agency_pattern, agency):
            raise ConfigError(
                f"agency code {agency!r} does not fit the {self.name} format",
                code="codes.bad_agency_code",
                agency=agency,
                format=self.name,
            )
        if self.system_pattern is not None and not re.fullmatch(self.system_pattern, system):
            raise ConfigError(
                f"system owner code {system!r} does not fit the {self.name} format",
                code="codes.bad_system_code",
                system=system,
                format=self.name,
            )

    def render(self, agency: str, day: date, number: int, system: str = "") -> str:
        """The code for sequence ``number`` of ``day`` at ``agency``, checked against the format."""
        self.check_unit(agency, system)
        code = self.template.format(
            agency=agency,
            date=day.strftime("%y%m%d"),
            system=system,
            sequence=f"{number:0{self.sequence.width}d}",
        )
        if not self.matches(code):
            raise BadInput(
                f"sequence {number} does not fit the {self.name} format",
                code="codes.sequence_exhausted",
                format=self.name,
            )
        return code

    def matches(self, code: str) -> bool:
        return re.fullmatch(self.code_pattern, code) is not None


@dataclass(frozen=True)
class CodeSettings:
    """What a workstation needs to issue codes (from its configuration)."""

    agency: str
    slot: int
    system: str = ""
    format_name: str | None = None


class SequenceSource(Protocol):
    """Hands out the next sequence number of a unit's day, never the same one twice."""

    def next_number(self, code_format: CodeFormat, unit: str, day: date, slot: int) -> int: ...


def load_formats(path: Path | None = None) -> list[CodeFormat]:
    """Every format in ``path`` (default: the shipped ``resources/codes/formats.json``)."""
    path = path or resources_dir() / "codes" / "formats.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        formats = []
        for entry in document["formats"]:
            seq = entry["sequence"]
            formats.append(
                CodeFormat(
                    name=str(entry["name"]),
                    effective_from=date.fromisoformat(entry["effective_from"]),
                    effective_to=date.fromisoformat(entry["effective_to"])
                    if entry.get("effective_to")
                    else None,
                    template=str(entry["template"]),
                    agency_pattern=re.compile(entry["agency_pattern"]).pattern,
                    code_pattern=re.compile(entry["code_pattern"]).pattern,
                    system_pattern=entry.get("system_pattern"),
                    source=str(entry.get("source", "")),
                    sequence=SequenceScheme(
                        width=int(seq["width"]),
                        max=None if seq.get("max") is None else int(seq["max"]),
                        leased_max=int(seq["leased_max"]),
                        offline_first=int(seq["offline_first"]),
                        offline_stripe=int(seq["offline_stripe"]),
                    ),
                )
            )
    except (OSError, ValueError, KeyError, TypeError, re.error) as exc:
        raise BadInput(
            f"code formats {path} cannot be read: {exc!r}", code="codes.unreadable", path=str(path)
        ) from exc
    return sorted(formats, key=lambda f: f.effective_from)


def format_for(formats: list[CodeFormat], day: date, name: str | None = None) -> CodeFormat:
    """The format named ``name``, or else the latest one in force on ``day``."""
    for code_format in reversed(formats):
        if (name is None or code_format.name == name) and code_format.in_force_on(day):
            return code_format
    raise ConfigError(
        f"no dossier code format {name or ''} in force on {day.isoformat()}".replace("  ", " "),
        code="codes.no_format",
        format=name or "",
        day=day.strftime("%d/%m/%Y"),
    )


def issue_code(
    formats: list[CodeFormat], settings: CodeSettings, day: date, source: SequenceSource
) -> str:
    """The next dossier code of the unit for ``day``, taking a number from ``source``."""
    code_format = format_for(formats, day, settings.format_name)
    code_format.check_unit(settings.agency, settings.system)
    number = source.next_number(code_format, settings.agency, day, settings.slot)
    return code_format.render(settings.agency, day, number, settings.system)
