"""``workstation audit list | verify``: who did what, and whether the record is whole."""

from __future__ import annotations

import argparse

from workstation.cli import Context, Outcome
from workstation.errors import ExitCode


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("audit", help="the audit log: who did what, and when")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[parent], help="list audit entries, oldest first")
    listing.add_argument("--officer", metavar="ID", help="only this officer's entries")
    listing.add_argument(
        "--dossier", metavar="ID", help="only this dossier's (short number, code or id)"
    )
    listing.add_argument("--limit", type=int, default=1000, metavar="N", help="at most N entries")
    listing.set_defaults(handler=_list)
    verify = actions.add_parser(
        "verify",
        parents=[parent],
        help="check the hash chain (exit 5 naming the first broken entry)",
    )
    verify.set_defaults(handler=_verify)


def _list(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.audit import list_entries

    entries = list_entries(
        context.services().database,
        officer=args.officer,
        dossier=args.dossier,
        limit=max(1, args.limit),
    )
    lines = [
        f"{e.seq:>6} {e.at} {e.officer} {e.action} "
        + " ".join(
            f"{name}={value}"
            for name, value in (
                ("dossier", e.dossier_id),
                ("document", e.document_id),
                ("message", e.message_id),
                ("object", e.object_id),
            )
            if value
        )
        for e in entries
    ]
    return Outcome([e.as_json() for e in entries], "\n".join(lines) or "no audit entries")


def _verify(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.audit import verify

    result = verify(context.services().database)
    if result.intact:
        return Outcome(result.as_json(), f"audit log intact: {result.count} entries")
    text = f"audit log broken at entry {result.broken_seq} ({result.reason})"
    return Outcome(result.as_json(), text, exit_code=ExitCode.NOT_VALID)
