"""The agency's targets: rates per measure, versioned by effective date, per agency.

The file (``resources/stats/targets.json``, or the one the ``stats_targets``
setting names) lists entries ``{agency, effective_from, rates}``. For a period,
the entry in force is the latest one that took effect on or before the
period's first day, for the agency itself if it has one, else for ``"*"``
(every agency). The shipped figures are illustrative.
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


@dataclass(frozen=True)
class TargetSet:
    """One agency's target rates (0..1 by measure name) from ``effective_from`` on."""

    agency: str
    effective_from: date
    rates: dict[str, float] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Targets:
    """Every target set of the file, and whether its figures are illustrative."""

    sets: tuple[TargetSet, ...]
    illustrative: bool = True

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


def load_targets(path: Path | None = None) -> Targets:
    """Read a targets file (default: the shipped, illustrative one)."""
    path = path or default_targets_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        sets = tuple(_target_set(entry) for entry in raw["targets"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            f"the targets file {path} cannot be used: {exc}", code="stats.targets_unusable"
        ) from exc
    return Targets(sets=sets, illustrative=bool(raw.get("illustrative", False)))


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
