"""Fees (lệ phí) and charges (phí) of a dossier, in đồng.

The catalogue lists each procedure's fees and charges with their reductions
(:class:`~workstation.domain.catalogue.Reduction`): for an applicant's case
(``poor_household``, ``person_with_disability`` …, as the catalogue names
them) and, with ``case`` = ``online``, the reduction the province's
resolution sets for dossiers submitted online. :func:`assess_fees` applies
them for one dossier:

- of the reductions for the applicant's cases in force on the day, the
  largest applies (they do not add up);
- the online reduction applies, on what remains, only when the dossier was
  submitted online (:attr:`Channel.ONLINE`); filing at the counter, by post or
  with the officer's help on the citizen's behalf pays the counter rate
  (verify: provinces may extend it to ``on_behalf``);
- amounts are whole đồng, rounded half up after each reduction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from workstation.domain.catalogue import FeeItem, FeeKind, Procedure, Reduction
from workstation.domain.dossier import Channel

ONLINE = "online"


@dataclass(frozen=True)
class FeeLine:
    """One fee or charge as assessed: its base amount, what was taken off, what is due."""

    kind: FeeKind
    name: str
    base: int
    amount: int
    reductions: tuple[Reduction, ...] = ()


@dataclass(frozen=True)
class FeeAssessment:
    """What a dossier pays: each line, and the fee and charge totals."""

    lines: tuple[FeeLine, ...]

    @property
    def fee(self) -> int:
        return sum(line.amount for line in self.lines if line.kind is FeeKind.FEE)

    @property
    def charge(self) -> int:
        return sum(line.amount for line in self.lines if line.kind is FeeKind.CHARGE)

    @property
    def total(self) -> int:
        return self.fee + self.charge


def _reduced(amount: int, percent: int) -> int:
    """``amount`` less ``percent`` %, in whole đồng rounded half up."""
    return amount - (amount * percent * 2 + 100) // 200


def assess_item(item: FeeItem, day: date, channel: Channel, cases: Iterable[str] = ()) -> FeeLine:
    """One fee or charge for a dossier received on ``day`` by ``channel``."""
    wanted = set(cases) - {ONLINE}
    applied: list[Reduction] = []
    amount = item.amount
    for_case = [r for r in item.reductions if r.case in wanted and r.in_force_on(day)]
    if for_case:
        best = max(for_case, key=lambda r: r.percent)
        amount = _reduced(amount, best.percent)
        applied.append(best)
    if channel is Channel.ONLINE:
        online = [r for r in item.reductions if r.case == ONLINE and r.in_force_on(day)]
        if online:
            # The latest resolution in force wins over the ones it replaced.
            latest = max(online, key=lambda r: r.effective_from or date.min)
            amount = _reduced(amount, latest.percent)
            applied.append(latest)
    return FeeLine(item.kind, item.name, item.amount, amount, tuple(applied))


def assess_fees(
    procedure: Procedure, day: date, channel: Channel, cases: Iterable[str] = ()
) -> FeeAssessment:
    """The fees and charges of a dossier of ``procedure`` received on ``day``."""
    cases = tuple(cases)
    return FeeAssessment(tuple(assess_item(i, day, channel, cases) for i in procedure.fees))


def known_cases(procedure: Procedure) -> set[str]:
    """The applicant cases the procedure's fees know (``online`` aside)."""
    return {r.case for item in procedure.fees for r in item.reductions if r.case != ONLINE}
