"""``workstation dossier``: add a dossier with its files, list dossiers, show one."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.cli import Context, Outcome
from workstation.domain import (
    Applicant,
    ApplicantType,
    Channel,
    Dossier,
    DossierSummary,
    clock,
    short_number,
)

# The store and intake are imported inside the handlers: importing them costs
# start-up time that --help and the other commands need not pay.


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("dossier", help="receive, list and show dossiers")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", parents=[parent], help="receive a dossier with its files")
    add.add_argument("--procedure", required=True, metavar="CODE", help="procedure code")
    add.add_argument("--applicant-name", required=True, metavar="NAME")
    add.add_argument(
        "--applicant-type",
        type=int,
        choices=[t.value for t in ApplicantType],
        default=ApplicantType.CITIZEN.value,
        help="1 citizen, 2 business, 3 state agency, 4 other organisation (default 1)",
    )
    add.add_argument("--applicant-id", metavar="NUMBER", help="ID card or registration number")
    add.add_argument("--address", metavar="TEXT")
    add.add_argument("--phone", metavar="TEXT")
    add.add_argument("--email", metavar="TEXT")
    add.add_argument(
        "--component", metavar="CODE", help="component the files belong to (default: the first)"
    )
    add.add_argument("--channel", choices=[c.value for c in Channel], default=Channel.COUNTER.value)
    add.add_argument(
        "--file",
        required=True,
        action="append",
        type=Path,
        metavar="PAGE.png|DOC.pdf",
        help="a page image or PDF; repeat for several",
    )
    add.set_defaults(handler=_add)

    listing = actions.add_parser("list", parents=[parent], help="list dossiers, newest first")
    listing.add_argument(
        "--search",
        metavar="TEXT",
        help="applicant name (accents optional), dossier code or whole short number (#000123)",
    )
    listing.add_argument(
        "--limit", type=_limit, default=50, metavar="N", help="at most N dossiers (1-1000)"
    )
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", parents=[parent], help="show one dossier")
    show.add_argument(
        "reference",
        metavar="DOSSIER",
        help="the short number the window shows (#000123 or 123), the dossier code or the id",
    )
    show.set_defaults(handler=_show)


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError("must be between 1 and 1000")
    return value


def _add(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.domain.contact import applicant_warnings
    from workstation.dossiers import count_outbox
    from workstation.intake.duplicates import duplicate_files
    from workstation.intake.receive import NewDossier, receive_dossier

    services = context.services()
    request = NewDossier(
        procedure_code=args.procedure,
        applicant=Applicant(
            name=args.applicant_name,
            type=ApplicantType(args.applicant_type),
            id_number=args.applicant_id,
            address=args.address,
            phone=args.phone,
            email=args.email,
        ),
        files=args.file,
        component_code=args.component,
        channel=Channel(args.channel),
    )
    # Warnings never stop the dossier: the officer is told what to look at again.
    warnings = [*applicant_warnings(request.applicant), *duplicate_files(request.files)]
    dossier = receive_dossier(services.database, services.blobs, services.catalogue, request)
    queued = count_outbox(services.database)
    data = dossier_json(dossier) | {
        "outbox_pending": queued,
        "warnings": [w.as_json() for w in warnings],
    }
    text = (
        f"Dossier {short_number(dossier)} ({dossier.id}) received: {dossier.applicant.name}, "
        f"procedure {dossier.procedure_code}, {dossier.page_count} page(s). "
        f"{queued} message(s) waiting for the central system."
    )
    lines = [f"{w.message('en')} [{w.field}: {w.code}]" for w in warnings]
    return Outcome(data, text, warnings=lines)


def _list(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.dossiers import list_dossiers

    services = context.services()
    rows = list_dossiers(services.database, search=args.search, limit=args.limit)
    total = rows.total
    data = {"total": total, "dossiers": [summary_json(r) for r in rows]}
    lines = [f"{total} dossier(s)" + (f" matching {args.search!r}" if args.search else "")]
    for r in rows:
        when = clock.local(r.received_at).strftime("%d/%m/%Y %H:%M")
        lines.append(
            f"{short_number(r)}  {r.id}  {when}  {r.procedure_code:<10} "
            f"{r.status.name:<20} {r.applicant_name}"
        )
    return Outcome(data, "\n".join(lines))


def _show(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.dossiers import show_dossier

    services = context.services()
    dossier = show_dossier(services.database, args.reference)
    lines = [
        f"Dossier {short_number(dossier)} ({dossier.id})",
        f"  code       {dossier.code or '-'}",
        f"  procedure  {dossier.procedure_code} (version {dossier.procedure_version})",
        f"  applicant  {dossier.applicant.name} (type {int(dossier.applicant.type)})",
        f"  status     {dossier.status.name}",
        f"  received   {clock.local(dossier.received_at).isoformat(timespec='seconds')}",
    ]
    for c in dossier.components:
        lines.append(f"  component  {c.name}")
        for d in c.documents:
            lines.append(f"    {d.file_name}  {d.media_type}  {d.page_count} page(s)  {d.sha256}")
    return Outcome(dossier_json(dossier), "\n".join(lines))


def summary_json(r: DossierSummary) -> dict[str, object]:
    return {
        "id": r.id,
        "number": r.number,
        "code": r.code,
        "procedure_code": r.procedure_code,
        "applicant_name": r.applicant_name,
        "status": int(r.status),
        "received_at": clock.local(r.received_at).isoformat(timespec="seconds"),
        "component_count": r.component_count,
    }


def dossier_json(d: Dossier) -> dict[str, object]:
    from workstation.intake.receive import document_message

    return {
        "id": d.id,
        "number": d.number,
        "code": d.code,
        "procedure_code": d.procedure_code,
        "procedure_version": d.procedure_version,
        "status": int(d.status),
        "channel": str(d.channel),
        "received_at": clock.local(d.received_at).isoformat(timespec="seconds"),
        "applicant": {"name": d.applicant.name, "type": int(d.applicant.type)},
        "page_count": d.page_count,
        "components": [
            {
                "id": c.id,
                "name": c.name,
                "requirement_code": c.requirement_code,
                "digitisation": int(c.digitisation),
                "documents": [document_message(doc) for doc in c.documents],
            }
            for c in d.components
        ],
    }
