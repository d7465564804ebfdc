"""``workstation dossier-code``: issue dossier codes from the store, and check a code's format."""

from __future__ import annotations

import argparse
from datetime import date

from workstation.cli import Context, Outcome
from workstation.domain import clock
from workstation.domain.codes import CodeSettings, format_for, issue_code, load_formats
from workstation.errors import BadInput


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("dossier-code", help="issue and check dossier codes")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    issue = actions.add_parser(
        "issue", parents=[parent], help="take the next code(s) of the unit's daily sequence"
    )
    issue.add_argument("--agency", required=True, metavar="CODE", help="the unit's e-ID code")
    issue.add_argument(
        "--slot",
        required=True,
        type=_positive,
        metavar="N",
        help="this workstation's slot within the unit (1, 2, …; unique per unit)",
    )
    issue.add_argument("--system", default="", metavar="NN", help="system owner's code (tt04)")
    issue.add_argument(
        "--format",
        dest="format_name",
        metavar="NAME",
        help="tt04 or classic (default: the latest in force on the day)",
    )
    issue.add_argument(
        "--day",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="day of receipt (default: today)",
    )
    issue.add_argument("--count", type=_positive, default=1, metavar="N")
    issue.set_defaults(handler=_issue)

    check = actions.add_parser("check", parents=[parent], help="which format a code follows")
    check.add_argument("code", metavar="CODE")
    check.set_defaults(handler=_check)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 10000:
        raise argparse.ArgumentTypeError("must be between 1 and 10000")
    return value


def _issue(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.store.sequences import StoreSequenceSource  # the store: only when issuing

    day = args.day or clock.now().date()
    formats = load_formats()
    settings = CodeSettings(args.agency, args.slot, args.system, args.format_name)
    code_format = format_for(formats, day, settings.format_name)
    with context.services().database.transaction() as session:
        source = StoreSequenceSource(session)
        codes = [issue_code(formats, settings, day, source) for _ in range(args.count)]
    data = {"format": code_format.name, "day": day.isoformat(), "codes": codes}
    return Outcome(data, "\n".join(codes))


def _check(args: argparse.Namespace, context: Context) -> Outcome:
    matching = [f.name for f in load_formats() if f.matches(args.code)]
    if not matching:
        raise BadInput(
            f"{args.code!r} follows no known dossier code format",
            code="codes.unknown_format",
        )
    return Outcome({"code": args.code, "formats": matching}, f"{args.code}: {', '.join(matching)}")
