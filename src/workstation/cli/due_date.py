"""``workstation due-date``: when a result is due, for a procedure or any time limit."""

from __future__ import annotations

import argparse
from datetime import datetime

from workstation.cli import Context, Outcome
from workstation.config import load_settings
from workstation.domain import clock
from workstation.domain.calendar import load_calendar
from workstation.domain.catalogue import TimeLimit, TimeUnit, load_catalogue
from workstation.domain.due_dates import DueDate, Pause, compute_due, load_rules, rules_in_force
from workstation.errors import BadInput

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "due-date",
        parents=[parent],
        help="the appointment for a dossier: procedure or time limit, and when it was received",
    )
    limit = parser.add_mutually_exclusive_group(required=True)
    limit.add_argument("--procedure", metavar="CODE", help="take the time limit from the catalogue")
    limit.add_argument("--days", type=_count, metavar="N", help="N working days")
    limit.add_argument("--hours", type=_count, metavar="N", help="N working hours")
    limit.add_argument("--same-day", action="store_true", help="returned the same day")
    parser.add_argument(
        "--calendar-days", action="store_true", help="with --days: count calendar days"
    )
    parser.add_argument(
        "--online",
        action="store_true",
        help="submitted online: the online cut-off (close of office hours) applies, not 15:00",
    )
    parser.add_argument(
        "--received",
        type=_moment,
        metavar="ISO_DATETIME",
        help="when the dossier was received, e.g. 2023-10-27T09:32 (default: now; "
        "without an offset, Viet Nam time)",
    )
    parser.add_argument(
        "--pause",
        action="append",
        type=_pause,
        default=[],
        metavar="START/END",
        help="a request to supplement from START until the supplement arrived at END "
        "(ISO date-times); repeat for several",
    )
    parser.set_defaults(handler=run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 3650:
        raise argparse.ArgumentTypeError("must be between 0 and 3650")
    return value


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date-time such as 2023-10-27T09:32"
        ) from None


def _pause(text: str) -> Pause:
    start, sep, end = text.partition("/")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r} is not START/END")
    return Pause(_moment(start), _moment(end))


def run(args: argparse.Namespace, context: Context) -> Outcome:
    received = args.received or clock.now()
    day = (clock.local(received) if received.tzinfo else received).date()
    if args.calendar_days and args.days is None:
        raise BadInput("--calendar-days goes with --days N", code="due.calendar_days_alone")
    procedure = None
    if args.procedure:
        catalogue = load_catalogue(load_settings().catalogue_path())
        procedure = catalogue.get(args.procedure, day)
        limit = procedure.time_limit
    elif args.same_day:
        limit = TimeLimit(0, TimeUnit.SAME_DAY)
    elif args.hours is not None:
        limit = TimeLimit(args.hours, TimeUnit.WORKING_HOURS)
    else:
        unit = TimeUnit.CALENDAR_DAYS if args.calendar_days else TimeUnit.WORKING_DAYS
        limit = TimeLimit(args.days, unit)
    rules = rules_in_force(load_rules(), day)
    result = compute_due(received, limit, load_calendar(), rules, args.pause, online=args.online)
    data = due_json(result)
    if procedure is not None:
        data["procedure"] = {
            "code": procedure.code,
            "version": procedure.version,
            "name": procedure.name,
        }
    return Outcome(data, _text(result))


def due_json(result: DueDate) -> dict[str, object]:
    """The due date as the command prints it with ``--json``."""
    return {
        "due": result.due.isoformat(timespec="seconds"),
        "received": result.received.isoformat(timespec="seconds"),
        "counting_from": result.day_zero.isoformat(),
        "limit": {"amount": result.limit.amount, "unit": str(result.limit.unit)},
        "receipt_text": receipt_text(result.due),
        "rules": [
            {
                "code": r.code,
                "params": r.params,
                "message": r.message("vi"),
                "message_en": r.message("en"),
            }
            for r in result.rules
        ],
        "days_off": [{"date": d.isoformat(), "name": n} for d, n in result.days_off],
        "make_up_days": [{"date": d.isoformat(), "name": n} for d, n in result.make_up_days],
        "unverified_days": [d.isoformat() for d in result.unverified_days],
    }


def receipt_text(moment: datetime) -> str:
    """The appointment as the receipt prints it: ``09 giờ 32 phút, Thứ Sáu ngày 03/11/2023``."""
    return (
        f"{moment:%H} giờ {moment:%M} phút, {WEEKDAYS_VI[moment.weekday()]} ngày {moment:%d/%m/%Y}"
    )


def _text(result: DueDate) -> str:
    lines = [
        f"Due {result.due:%A %d/%m/%Y %H:%M} ({receipt_text(result.due)})",
        f"  received {result.received:%A %d/%m/%Y %H:%M}, "
        f"{result.limit.amount} {result.limit.unit}",
    ]
    lines += [f"  - {r.message('en')}" for r in result.rules]
    if result.unverified_days:
        days = ", ".join(f"{d:%d/%m/%Y}" for d in result.unverified_days)
        lines.append(f"  note: {days} not yet checked against the official text")
    return "\n".join(lines)
