"""``workstation form NAME DOSSIER -o OUT.pdf``: print one of forms 01–07 to a PDF file.

NAME is ``receipt``, ``supplement``, ``refusal``, ``apology``, ``withdrawal``,
``control-slip`` or ``register``; DOSSIER is the dossier's id, short number or
code (the register takes ``--from``/``--to`` instead). Printing on paper goes
through the window's print dialog; this command only writes the file.
"""

from __future__ import annotations

import argparse
import logging
from datetime import date, datetime, time, timedelta
from pathlib import Path

from workstation.cli import Context, Outcome
from workstation.errors import BadInput

log = logging.getLogger(__name__)

NAMES = ("receipt", "supplement", "refusal", "apology", "withdrawal", "control-slip", "register")


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "form", parents=[parent], help="write one of forms 01-07 of Circular 03/2025 as PDF"
    )
    parser.add_argument("name", choices=NAMES, metavar="NAME", help=", ".join(NAMES))
    parser.add_argument(
        "dossier", nargs="?", metavar="DOSSIER", help="id, short number or code (not for register)"
    )
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    parser.add_argument(
        "--item",
        action="append",
        default=[],
        metavar="'NAME: REASON'",
        help="supplement: a paper to supplement and why (repeat for each)",
    )
    parser.add_argument(
        "--reason",
        action="append",
        default=[],
        metavar="TEXT",
        help="refusal (repeatable), apology, withdrawal: the reason",
    )
    parser.add_argument(
        "--new-due", type=_moment, metavar="ISO", help="apology: the new appointment"
    )
    parser.add_argument("--officer", metavar="NAME", help="name printed under the signature")
    parser.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD")
    parser.set_defaults(handler=run)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date and time") from None


def _items(texts: list[str]):  # type: ignore[no-untyped-def]
    from workstation.forms.model import SupplementItem

    items = []
    for text in texts:
        name, colon, reason = text.partition(":")
        if not colon or not name.strip() or not reason.strip():
            raise BadInput(
                "a supplement item is written 'name: reason'", code="forms.item_unreadable"
            )
        items.append(SupplementItem(name.strip(), reason.strip()))
    return items


def run(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.domain import clock
    from workstation.forms import build
    from workstation.forms.model import form_name
    from workstation.forms.render import render_pdf
    from workstation.store.dossiers import find_dossier, received_between

    services = context.services()
    catalogue = services.catalogue
    agency = build.agency_from(services.settings)
    if args.name == "register":
        today = clock.now().date()
        start, end = args.start or today, args.end or args.start or today
        since = datetime.combine(start, time(), clock.VIETNAM)
        until = datetime.combine(end + timedelta(days=1), time(), clock.VIETNAM)
        with services.database.reading() as session:
            summaries = received_between(session, since, until)
        form = build.register(summaries, catalogue, agency, start, end, args.officer)
        subject = {"from": start.isoformat(), "to": end.isoformat(), "count": len(summaries)}
    else:
        if not args.dossier:
            raise BadInput(
                f"form {args.name} needs a dossier", code="forms.dossier_required", name=args.name
            )
        with services.database.reading() as session:
            dossier = find_dossier(session, args.dossier)
        form = _form(args, dossier, catalogue, agency, services)
        subject = {"dossier": dossier.id, "code": dossier.code}
    try:
        data = render_pdf(form, args.output)
    except OSError as exc:
        raise BadInput(
            f"cannot write {args.output}: {exc.strerror}",
            code="forms.output_unwritable",
            path=str(args.output),
        ) from exc
    log.info("form %s written (%d bytes)", form_name(form), len(data))
    warnings = []
    if not agency.name:
        warnings.append("agency_name is not set: the form's header names no agency")
    result = {"form": args.name, "output": str(args.output), "bytes": len(data), **subject}
    if warnings:
        result["warnings"] = warnings
    return Outcome(result, f"{args.name}: {args.output} ({len(data)} bytes)", warnings=warnings)


def _form(args: argparse.Namespace, dossier, catalogue, agency, services):  # type: ignore[no-untyped-def]
    from workstation.forms import build

    officer = args.officer
    match args.name:
        case "receipt":  # with the VietQR code of what is still due at the counter
            from workstation.onbehalf.payment import receipt_payment_code

            code_due = receipt_payment_code(services.database, services.settings, dossier.id)
            return build.receipt(dossier, catalogue, agency, officer, code_due)
        case "supplement":
            return build.supplement_request(dossier, catalogue, agency, _items(args.item), officer)
        case "refusal":
            return build.refusal(dossier, catalogue, agency, args.reason, officer)
        case "apology":
            if args.new_due is None or not args.reason:
                raise BadInput(
                    "an apology needs --reason and --new-due", code="forms.apology_incomplete"
                )
            reason = "; ".join(args.reason)
            return build.apology(dossier, catalogue, agency, reason, args.new_due, officer)
        case "withdrawal":
            reason = "; ".join(args.reason) or None
            return build.stop_notice(dossier, catalogue, agency, reason, officer)
        case _:
            return build.control_slip(dossier, catalogue, agency, officer)
