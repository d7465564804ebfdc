"""The agency's targets: rates per measure, versioned by effective date, per agency.

A targets file lists entries ``{agency, effective_from, rates}``. For a period,
the entry in force is the latest one that took effect on or before the
period's first day, for the agency itself if it has one, else for ``"*"``
(every agency). Three files can supply them, the first present wins: the one
the ``stats_targets`` setting names (an administrator's), the one the central
system last sent (kept by :mod:`workstation.sync.pull`), the shipped
``resources/stats/targets.json`` (illustrative figures). :attr:`Targets.origin`
says which.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from workstation.errors import BadInput
from workstation.paths import resources_dir

ANY_AGENCY = "*"
ORIGINS = ("settings", "central", "shipped")
"""Where targets came from: the administrator's file, the central system, the shipped file."""


@dataclass(frozen=True)
class TargetSet:
    """One agency's target rates (0..1 by measure name) from ``effective_from`` on."""

    agency: str
    effective_from: date
    rates: dict[str, float] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Targets:
    """Every target set of the file, whether its figures are illustrative, and its origin
    (one of :data:`ORIGINS`)."""

    sets: tuple[TargetSet, ...]
    illustrative: bool = True
    origin: str = "shipped"

    def in_force(self, agency: str, on: date) -> TargetSet | None:
        """The agency's target set in force on ``on`` (its own first, else every agency's)."""
        for wanted in (agency, ANY_AGENCY):
            found = [s for s in self.sets if s.agency == wanted and s.effective_from <= on]
            if found:
                return max(found, key=lambda s: s.effective_from)
        return None

    def rate(self, agency: str, on: date, measure: str) -> float | None:
        """The target rate of ``measure`` for ``agency`` on ``on``; None: no target."""
        chosen = self.in_force(agency, on)
        return None if chosen is None else chosen.rates.get(measure)


def default_targets_path() -> Path:
    return resources_dir() / "stats" / "targets.json"


def load_targets(path: Path | None = None, origin: str | None = None) -> Targets:
    """Read a targets file (default: the shipped, illustrative one); ``origin``: where it
    came from (default: ``shipped`` for the default file, else ``settings``)."""
    if origin is None:
        origin = "shipped" if path is None else "settings"
    path = path or default_targets_path()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(
            f"the targets file {path} cannot be used: {exc.strerror or exc}",
            code="stats.targets_unusable",
        ) from exc
    return parse_targets(data, str(path), origin)


def parse_targets(data: bytes | str, source: str, origin: str = "central") -> Targets:
    """Targets from the bytes of a targets file (one the central system sent, say), checked
    whole: anything malformed is ``stats.targets_unusable`` and nothing of it is used."""
    try:
        raw = json.loads(data)
        sets = tuple(_target_set(entry) for entry in raw["targets"])
        illustrative = bool(raw.get("illustrative", False))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadInput(
            f"the targets file {source} cannot be used: {exc}", code="stats.targets_unusable"
        ) from exc
    return Targets(sets=sets, illustrative=illustrative, origin=origin)


def _target_set(entry: dict[str, Any]) -> TargetSet:
    rates = {str(k): float(v) for k, v in entry["rates"].items()}
    for name, value in rates.items():
        if not 0 <= value <= 1:
            raise ValueError(f"target {name} is {value}, not a rate between 0 and 1")
    return TargetSet(
        agency=str(entry["agency"]),
        effective_from=date.fromisoformat(entry["effective_from"]),
        rates=rates,
        source=str(entry.get("source", "")),
    )
