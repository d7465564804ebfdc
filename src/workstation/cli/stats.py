"""``workstation stats``: the counter's figures for a period against the agency's targets."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from workstation.cli import Context, Outcome

PERIODS = ("day", "month", "quarter", "year")


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "stats",
        parents=[parent],
        help="dossiers received, online, digitised, on time … for a period, against the targets",
    )
    parser.add_argument(
        "--from", dest="first", type=_day, metavar="DATE", help="first day (default: 1st of month)"
    )
    parser.add_argument("--to", dest="last", type=_day, metavar="DATE", help="last day (today)")
    parser.add_argument("--by", choices=("procedure", "sector"), help="also per procedure/sector")
    parser.add_argument("--period", choices=PERIODS, default="month", help="sub-periods (month)")
    parser.add_argument("--agency", metavar="CODE", help="whose targets (default: this unit's)")
    parser.add_argument("--xlsx", type=Path, metavar="FILE", help="also write an Excel workbook")
    parser.set_defaults(handler=run)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-03-31") from None


def run(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.domain import clock
    from workstation.i18n import current_language, translate
    from workstation.stats.measures import Period
    from workstation.stats.report import counter_report

    services = context.services()
    settings = services.settings
    now = clock.now()
    today = clock.local(now).date()
    last = args.last or today
    first = args.first or last.replace(day=1)
    targets = services.stats_targets()
    report = counter_report(
        services.database,
        services.catalogue,
        targets,
        first=first,
        last=last,
        agency=args.agency or settings.agency_code,
        now=now,
        period=Period(args.period),
        by=args.by,
    )
    data = report.as_json()
    if args.xlsx is not None:
        from workstation.stats.workbook import write_workbook

        write_workbook(report, args.xlsx, current_language())
        from workstation.audit import STATS_EXPORTED, record_action

        record_action(services.database, STATS_EXPORTED)
        data["xlsx"] = str(args.xlsx)
    lines = [f"{first:%d/%m/%Y} – {last:%d/%m/%Y}  {report.agency}"]
    for m in report.overall.measures:
        rate = "" if m.rate is None else f"{m.rate:6.1%}"
        target = "" if m.target is None else f"target {m.target:.0%}"
        met = {None: "", True: "met", False: "NOT met"}[m.meets_target]
        label = translate(f"stats.measure.{m.name}")
        lines.append(f"  {label:<40} {m.count:>6} / {m.total:<6} {rate:>7}  {target} {met}")
    lines.append(f"targets: {report.targets_origin}")
    if report.targets_illustrative:
        lines.append("targets are illustrative (resources/stats/targets.json)")
    if args.xlsx is not None:
        lines.append(f"workbook written: {args.xlsx}")
    return Outcome(data, "\n".join(lines))
