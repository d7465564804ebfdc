"""The counter's measures, counted from dossier facts, each against the agency's target.

Every measure is a ``count`` out of a ``total`` (its ``rate``, when the total is
not zero) and the target rate in force for the period, if the agency has one.
The formulas (docs/statistics.md gives each with its source):

- ``received``: dossiers received in the period; ``channel_*``: by channel.
- ``online``: dossiers filed online by the citizen, or on their behalf with the
  citizen's own e-ID confirmation (an identity proof), of all received.
- ``dossiers_digitised``: dossiers received on paper (counter, post) with
  components whose every component is digitised; ``components_digitised``: their
  components that are (Decision 766 and Circular 01/2023: online dossiers need
  no digitising). A component is digitised when a digitised document is stored
  for it or its status is digitised or reused (vendor formula).
- ``components_reused``: components of every received dossier with status 2 or 3.
- ``results_digitised``: finished dossiers (processed or handed over) with a
  stored result file, or whose procedure has no result document.
- ``on_time`` / ``late``: dossiers with an appointment that are finished, or past
  it unfinished; on time when finished by the appointment.
- ``handed_over``: finished dossiers whose result was handed over.
- ``cashless``: dossiers with a payment, paid at least once other than in cash.
- ``rated`` (of received) and ``satisfied`` (of rated: any level but not satisfied).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from workstation.domain.dossier import Channel
from workstation.domain.targets import Targets
from workstation.stats.facts import DONE, DossierFacts

PAPER_CHANNELS = (Channel.COUNTER, Channel.POST)
NOT_SATISFIED = "not_satisfied"

MEASURES = (
    "received",
    "channel_counter",
    "channel_on_behalf",
    "channel_online",
    "channel_post",
    "online",
    "dossiers_digitised",
    "components_digitised",
    "components_reused",
    "results_digitised",
    "on_time",
    "late",
    "handed_over",
    "cashless",
    "rated",
    "satisfied",
)


class Period(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    def key(self, day: date) -> str:
        """The period ``day`` falls in: 2026-03-12, 2026-03, 2026-Q1, 2026."""
        if self is Period.DAY:
            return day.isoformat()
        if self is Period.MONTH:
            return f"{day.year}-{day.month:02d}"
        if self is Period.QUARTER:
            return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
        return str(day.year)

    def start(self, day: date) -> date:
        if self is Period.DAY:
            return day
        if self is Period.MONTH:
            return day.replace(day=1)
        if self is Period.QUARTER:
            return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return date(day.year, 1, 1)


@dataclass(frozen=True)
class Measure:
    name: str
    count: int
    total: int
    target: float | None = None

    @property
    def rate(self) -> float | None:
        return None if self.total == 0 else self.count / self.total

    @property
    def meets_target(self) -> bool | None:
        """Whether the rate reaches the target (None: no target or nothing to count)."""
        rate = self.rate
        return None if rate is None or self.target is None else rate >= self.target

    def as_json(self) -> dict[str, object]:
        rate = self.rate
        return {
            "count": self.count,
            "total": self.total,
            "rate": None if rate is None else round(rate, 4),
            "target": self.target,
        }


@dataclass(frozen=True)
class Figures:
    """The measures of one group of dossiers (the whole period, one month, one sector …)."""

    key: str
    measures: tuple[Measure, ...]
    statuses: dict[int, int]

    def __getitem__(self, name: str) -> Measure:
        for m in self.measures:
            if m.name == name:
                return m
        raise KeyError(name)

    def as_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "measures": {m.name: m.as_json() for m in self.measures},
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


def count(
    facts: Iterable[DossierFacts],
    *,
    key: str = "",
    now: datetime,
    target: Callable[[str], float | None] = lambda name: None,
    has_result: Callable[[str], bool] = lambda code: True,
) -> Figures:
    """Count every measure over ``facts``; ``target(name)`` gives a measure's target rate,
    ``has_result(procedure_code)`` whether the procedure issues a result document."""
    facts = list(facts)
    n = len(facts)
    channels = Counter(f.channel for f in facts)
    online = sum(
        1
        for f in facts
        if f.channel == Channel.ONLINE or (f.channel == Channel.ON_BEHALF and f.identity_proofs)
    )
    paper = [f for f in facts if f.channel in PAPER_CHANNELS and f.components]
    paper_components = [c for f in paper for c in f.components]
    every_component = [c for f in facts for c in f.components]
    done = [f for f in facts if f.status in DONE or f.done_at is not None]
    timed = [f for f in facts if f.due_at is not None and (f.done_at is not None or f.due_at < now)]
    on_time = sum(1 for f in timed if f.done_at is not None and f.done_at <= f.due_at)
    paying = [f for f in facts if f.payment_methods]
    rated = [f for f in facts if f.rating_levels]

    def measure(name: str, counted: int, total: int) -> Measure:
        return Measure(name, counted, total, target(name))

    measures = (
        measure("received", n, n),
        *(measure(f"channel_{c.value}", channels[c.value], n) for c in _CHANNELS),
        measure("online", online, n),
        measure(
            "dossiers_digitised",
            sum(1 for f in paper if all(c.digitised for c in f.components)),
            len(paper),
        ),
        measure(
            "components_digitised",
            sum(1 for c in paper_components if c.digitised),
            len(paper_components),
        ),
        measure(
            "components_reused", sum(1 for c in every_component if c.reused), len(every_component)
        ),
        measure(
            "results_digitised",
            sum(1 for f in done if f.result_documents or not has_result(f.procedure_code)),
            len(done),
        ),
        measure("on_time", on_time, len(timed)),
        measure("late", len(timed) - on_time, len(timed)),
        measure("handed_over", sum(1 for f in done if f.handed_over), len(done)),
        measure(
            "cashless",
            sum(1 for f in paying if any(m != "cash" for m in f.payment_methods)),
            len(paying),
        ),
        measure("rated", len(rated), n),
        measure(
            "satisfied",
            sum(1 for f in rated if any(level != NOT_SATISFIED for level in f.rating_levels)),
            len(rated),
        ),
    )
    return Figures(key=key, measures=measures, statuses=dict(Counter(f.status for f in facts)))


_CHANNELS = (Channel.COUNTER, Channel.ON_BEHALF, Channel.ONLINE, Channel.POST)


@dataclass(frozen=True)
class Report:
    """The figures of a period: overall, and per sub-period and per procedure or sector."""

    first: date
    last: date
    agency: str
    overall: Figures
    by_period: tuple[Figures, ...]
    by_group: tuple[Figures, ...]
    grouped_by: str | None
    period: Period
    targets_illustrative: bool
    dossiers: tuple[DossierFacts, ...] = ()
    targets_origin: str = "shipped"
    """Whose targets: ``settings`` (the administrator's file), ``central`` or ``shipped``."""

    def as_json(self) -> dict[str, object]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "agency": self.agency,
            "targets_illustrative": self.targets_illustrative,
            "targets_origin": self.targets_origin,
            "overall": self.overall.as_json(),
            "period": self.period.value,
            "by_period": [f.as_json() for f in self.by_period],
            "by": self.grouped_by,
            "by_group": [f.as_json() for f in self.by_group],
        }


def build_report(
    facts: list[DossierFacts],
    *,
    first: date,
    last: date,
    agency: str,
    targets: Targets,
    now: datetime,
    period: Period = Period.MONTH,
    group: Callable[[str], str] | None = None,
    grouped_by: str | None = None,
    has_result: Callable[[str], bool] = lambda code: True,
) -> Report:
    """The report of ``facts`` (received from ``first`` to ``last``): targets in force on the
    first day of each (sub-)period; ``group(procedure_code)`` names a procedure's group."""

    def targets_on(day: date) -> Callable[[str], float | None]:
        return lambda name: targets.rate(agency, day, name)

    def figures(key: str, subset: list[DossierFacts], day: date) -> Figures:
        return count(subset, key=key, now=now, target=targets_on(day), has_result=has_result)

    periods: dict[str, list[DossierFacts]] = {}
    starts: dict[str, date] = {}
    for f in facts:
        k = period.key(f.received_on)
        periods.setdefault(k, []).append(f)
        starts.setdefault(k, max(first, period.start(f.received_on)))
    groups: dict[str, list[DossierFacts]] = {}
    if group is not None:
        for f in facts:
            groups.setdefault(group(f.procedure_code), []).append(f)
    return Report(
        first=first,
        last=last,
        agency=agency,
        overall=figures("", facts, first),
        by_period=tuple(figures(k, v, starts[k]) for k, v in sorted(periods.items())),
        by_group=tuple(figures(k, v, first) for k, v in sorted(groups.items())),
        grouped_by=grouped_by if group is not None else None,
        period=period,
        targets_illustrative=targets.illustrative,
        dossiers=tuple(facts),
        targets_origin=targets.origin,
    )
