"""``workstation dossier``: add a dossier with its files, import many, list dossiers, show one."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from workstation.cli import Context, Outcome
from workstation.domain import (
    Applicant,
    ApplicantType,
    Channel,
    CollectionMethod,
    Dossier,
    DossierSummary,
    clock,
    short_number,
)
from workstation.errors import BadInput

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
    owner = add.add_argument_group(
        "dossier owner (chủ hồ sơ)",
        "only when the person filing is not the owner (authorised); any --owner-… option "
        "names an owner, so --owner-name is then required",
    )
    owner.add_argument("--owner-name", metavar="NAME", help="the owner's full name or organisation")
    owner.add_argument(
        "--owner-type",
        type=int,
        choices=[t.value for t in ApplicantType],
        help="1 citizen, 2 business, 3 state agency, 4 other organisation (default 1)",
    )
    owner.add_argument("--owner-id", metavar="NUMBER", help="the owner's ID or registration number")
    owner.add_argument("--owner-address", metavar="TEXT")
    owner.add_argument("--owner-phone", metavar="TEXT")
    owner.add_argument("--owner-email", metavar="TEXT")
    add.add_argument(
        "--collection",
        default=CollectionMethod.COUNTER.value,
        metavar="|".join(c.value for c in CollectionMethod),
        help="how the result will be collected: at the counter, by post or online "
        "(default counter)",
    )
    add.add_argument(
        "--component", metavar="CODE", help="component the files belong to (default: the first)"
    )
    # Online only with the citizen's own proof: ``dossier submit-online`` after receiving.
    counter_channels = [c.value for c in Channel if c is not Channel.ONLINE]
    add.add_argument("--channel", choices=counter_channels, default=Channel.COUNTER.value)
    add.add_argument(
        "--paper-pages",
        type=int,
        metavar="N",
        help="paper pages of the component, as counted; the page images are checked against it",
    )
    add.add_argument(
        "--case",
        action="append",
        default=[],
        metavar="CASE",
        help="a fee case of the applicant the catalogue lists (poor_household …); repeat",
    )
    add.add_argument(
        "--file",
        required=True,
        action="append",
        type=Path,
        metavar="PAGE.png|DOC.pdf",
        help="a page image or PDF; repeat for several",
    )
    add.set_defaults(handler=_add)

    bulk = actions.add_parser(
        "import",
        parents=[parent],
        help="receive the dossiers of a JSON file (resources/examples/dossiers.schema.json)",
    )
    bulk.add_argument(
        "file", type=Path, metavar="FILE.json", help="dossiers, files named relative to it"
    )
    bulk.set_defaults(handler=_import)

    listing = actions.add_parser("list", parents=[parent], help="list dossiers, newest first")
    listing.add_argument(
        "--search",
        metavar="TEXT",
        help="applicant name (its words or their starts, any order, accents optional), "
        "dossier code or whole short number (#000123)",
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

    from workstation.cli.onbehalf import register_dossier_actions

    register_dossier_actions(actions, parent)


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
    from workstation.intake.receive import CodeIssuer, NewDossier, page_warnings, receive_dossier

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
        paper_pages=args.paper_pages,
        cases=tuple(args.case),
        owner=_owner(args),
        collection=_collection(args.collection),
    )
    # Warnings never stop the dossier: the officer is told what to look at again.
    warnings = [*applicant_warnings(request.applicant), *duplicate_files(request.files)]
    if request.owner is not None:
        warnings += [
            replace(w, field=f"owner.{w.field}") for w in applicant_warnings(request.owner)
        ]
    dossier = receive_dossier(
        services.database,
        services.blobs,
        services.catalogue,
        request,
        issuer=CodeIssuer.from_settings(services.settings),
    )
    warnings += page_warnings(dossier)
    queued = count_outbox(services.database)
    data = dossier_json(dossier) | {
        "outbox_pending": queued,
        "warnings": [w.as_json() for w in warnings],
    }
    text = (
        f"Dossier {reference(dossier)} ({dossier.id}) received: {dossier.applicant.name}, "
        f"procedure {dossier.procedure_code}, owner {_owner_line(dossier)}, "
        f"result collected: {dossier.collection}, {dossier.page_count} page(s), "
        f"due {_moment(dossier.due_at)}, fee {_dong(dossier.fee)}, charge {_dong(dossier.charge)}. "
        f"{queued} message(s) waiting for the central system."
    )
    lines = [f"{w.message('en')} [{w.field}: {w.code}]" for w in warnings]
    return Outcome(data, text, warnings=lines)


_OWNER_OPTIONS = (
    "owner_name",
    "owner_type",
    "owner_id",
    "owner_address",
    "owner_phone",
    "owner_email",
)


def _owner(args: argparse.Namespace) -> Applicant | None:
    """The owner the ``--owner-…`` options name, checked as the window checks its owner
    fields; None when none is given (the person filing owns the dossier)."""
    from workstation.domain.owner import dossier_owner

    if all(getattr(args, name) is None for name in _OWNER_OPTIONS):
        return None
    return dossier_owner(
        name=args.owner_name,
        type=ApplicantType(args.owner_type or ApplicantType.CITIZEN),
        id_number=args.owner_id,
        address=args.owner_address,
        phone=args.owner_phone,
        email=args.owner_email,
    )


def _collection(text: str) -> CollectionMethod:
    """How the result will be collected, as the officer typed it; refused when unknown."""
    try:
        return CollectionMethod(text.strip().lower())
    except ValueError as exc:
        known = ", ".join(c.value for c in CollectionMethod)
        raise BadInput(
            f"unknown collection method; use one of {known}",
            code="dossier.collection_unknown",
            known=known,
        ) from exc


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
            f"{r.code or short_number(r)}  {r.id}  {when}  {r.procedure_code:<10} "
            f"{r.status.name:<20} {r.applicant_name}"
        )
    return Outcome(data, "\n".join(lines))


def _show(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.dossiers import show_dossier

    services = context.services()
    dossier = show_dossier(services.database, args.reference)
    lines = [
        f"Dossier {reference(dossier)} ({dossier.id})",
        f"  code       {dossier.code or '-'}",
        f"  number     {short_number(dossier)}",
        f"  procedure  {dossier.procedure_code} (version {dossier.procedure_version})",
        f"  applicant  {dossier.applicant.name} (type {int(dossier.applicant.type)})",
        f"  owner      {_owner_line(dossier)}",
        f"  collection {dossier.collection}",
        f"  status     {dossier.status.name}",
        f"  channel    {dossier.channel}",
        f"  received   {clock.local(dossier.received_at).isoformat(timespec='seconds')}",
        f"  due        {_moment(dossier.due_at)}",
        f"  fee        {_dong(dossier.fee)}",
        f"  charge     {_dong(dossier.charge)}",
    ]
    for c in dossier.components:
        pages = "-" if c.paper_pages is None else str(c.paper_pages)
        lines.append(
            f"  component  {c.requirement_code or '-'}  {c.name}  "
            f"[{c.originals} original(s), {c.certified_copies} certified, "
            f"{c.photocopies} cop(ies)]  paper pages {pages}, images {c.image_count}"
        )
        for d in c.documents:
            lines.append(f"    {d.file_name}  {d.media_type}  {d.page_count} page(s)  {d.sha256}")
    return Outcome(dossier_json(dossier), "\n".join(lines))


def _import(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.errors import ExitCode
    from workstation.intake.imports import ImportResult, import_dossiers
    from workstation.intake.receive import CodeIssuer

    services = context.services()
    outcomes = import_dossiers(
        services.database,
        services.blobs,
        services.catalogue,
        args.file,
        CodeIssuer.from_settings(services.settings),
    )
    results = []
    lines = []
    warnings = []
    for o in outcomes:
        item: dict[str, object] = {"import_key": o.import_key, "result": str(o.result)}
        if o.dossier is not None:
            item |= {"id": o.dossier.id, "number": o.dossier.number, "code": o.dossier.code}
            lines.append(f"{o.import_key}: created {reference(o.dossier)}")
        elif o.error is not None:
            item["error"] = {
                "code": o.error.code,
                "message": o.error.user_message("vi"),
                "message_en": o.error.user_message("en"),
            }
            lines.append(f"{o.import_key}: refused: {o.error.user_message('en')}")
        else:
            lines.append(f"{o.import_key}: already present")
        item["warnings"] = [w.as_json() for w in o.warnings]
        warnings += [f"{o.import_key}: {w.message('en')} [{w.field}: {w.code}]" for w in o.warnings]
        results.append(item)
    counts = {str(r): sum(o.result is r for o in outcomes) for r in ImportResult}
    lines.append(
        f"{counts['created']} created, {counts['already_present']} already present, "
        f"{counts['refused']} refused"
    )
    refused = counts["refused"] > 0
    return Outcome(
        {"counts": counts, "dossiers": results},
        "\n".join(lines),
        exit_code=ExitCode.BAD_INPUT if refused else ExitCode.OK,
        warnings=warnings,
    )


def reference(d: Dossier) -> str:
    """How the officer refers to a dossier: its official code once issued, else its short number."""
    return d.code or short_number(d)


def _owner_line(dossier: Dossier) -> str:
    """The owner when not the person filing, else a note that the applicant owns it."""
    owner = dossier.owner
    if owner is None:
        return "the applicant"
    return f"{owner.name} (type {int(owner.type)})"


def _moment(moment: object) -> str:
    return "-" if moment is None else clock.local(moment).isoformat(timespec="minutes")  # type: ignore[arg-type]


def _dong(amount: int | None) -> str:
    return "-" if amount is None else f"{amount:,}".replace(",", ".") + " đồng"


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
        "due_at": clock.local(d.due_at).isoformat(timespec="seconds") if d.due_at else None,
        "fee": d.fee,
        "charge": d.charge,
        "fee_paid": d.fee_paid,
        "import_key": d.import_key,
        "applicant": {"name": d.applicant.name, "type": int(d.applicant.type)},
        "owner": None if d.owner is None else {"name": d.owner.name, "type": int(d.owner.type)},
        "collection": str(d.collection),
        "page_count": d.page_count,
        "components": [
            {
                "id": c.id,
                "name": c.name,
                "requirement_code": c.requirement_code,
                "digitisation": int(c.digitisation),
                "originals": c.originals,
                "certified_copies": c.certified_copies,
                "photocopies": c.photocopies,
                "paper_pages": c.paper_pages,
                "image_count": c.image_count,
                "documents": [document_message(doc) for doc in c.documents],
            }
            for c in d.components
        ],
    }
