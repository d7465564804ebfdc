"""The statistics use case: read a period's dossiers from the store and count them."""

from __future__ import annotations

import logging
from datetime import date, datetime

from workstation.domain.catalogue import Catalogue, Procedure
from workstation.domain.targets import Targets
from workstation.errors import BadInput, NotFound
from workstation.stats.facts import read_facts
from workstation.stats.measures import Period, Report, build_report
from workstation.store import Database

log = logging.getLogger(__name__)

GROUPINGS = ("procedure", "sector")
UNKNOWN = "?"


def counter_report(
    database: Database,
    catalogue: Catalogue,
    targets: Targets,
    *,
    first: date,
    last: date,
    agency: str,
    now: datetime,
    period: Period = Period.MONTH,
    by: str | None = None,
) -> Report:
    """The counter's figures for dossiers received from ``first`` to ``last`` (Viet Nam days),
    per ``period`` and, with ``by``, per procedure or sector, against ``agency``'s targets."""
    if last < first:
        raise BadInput(
            f"the period ends ({last}) before it starts ({first})", code="stats.period_reversed"
        )
    if by is not None and by not in GROUPINGS:
        raise BadInput(f"cannot group by {by!r}", code="stats.bad_grouping", by=by)
    with database.reading() as session:
        facts = read_facts(session, first, last)
    procedures: dict[str, Procedure | None] = {}

    def procedure(code: str) -> Procedure | None:
        if code not in procedures:
            try:
                procedures[code] = catalogue.get(code, last)
            except NotFound:
                procedures[code] = None
        return procedures[code]

    def group(code: str) -> str:
        if by == "procedure":
            return code
        found = procedure(code)
        return found.sector if found is not None and found.sector else UNKNOWN

    def has_result(code: str) -> bool:
        found = procedure(code)
        return found is None or bool(found.result_type)

    report = build_report(
        facts,
        first=first,
        last=last,
        agency=agency,
        targets=targets,
        now=now,
        period=period,
        group=group if by else None,
        grouped_by=by,
        has_result=has_result,
    )
    log.info("statistics of %d dossiers, %d groups", len(facts), len(report.by_group))
    return report
