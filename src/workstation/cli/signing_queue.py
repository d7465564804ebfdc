"""``workstation signing-queue``: what waits for a signature, putting documents in, sending back.

- ``list``: the documents waiting, oldest first (dossier, document, role, request id);
- ``request DOSSIER DOCUMENT_ID --role certified_copy``: queue a stored PDF of the dossier;
- ``add-result DOSSIER FILE.pdf``: store the dossier's unsigned result and queue it for the
  leader's signature;
- ``send-back REQUEST_ID --comment TEXT``: return a waiting document with a comment.

Signing itself is ``workstation sign --dossier`` or the window's signing page.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.cli import Context, Outcome

ROLES = ("result", "certified_copy", "seal")


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "signing-queue", parents=[parent], help="documents waiting for a signature"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[parent], help="what waits for a signature")
    listing.set_defaults(handler=_list)
    request = actions.add_parser("request", parents=[parent], help="queue a stored PDF")
    request.add_argument("dossier", metavar="DOSSIER", help="short number, code or id")
    request.add_argument("document", metavar="DOCUMENT_ID")
    request.add_argument("--role", choices=ROLES, default="certified_copy")
    request.set_defaults(handler=_request)
    result = actions.add_parser(
        "add-result", parents=[parent], help="store an unsigned result and queue it"
    )
    result.add_argument("dossier", metavar="DOSSIER", help="short number, code or id")
    result.add_argument("file", type=Path, metavar="FILE.pdf")
    result.set_defaults(handler=_add_result)
    back = actions.add_parser("send-back", parents=[parent], help="return a document")
    back.add_argument("request", metavar="REQUEST_ID")
    back.add_argument("--comment", required=True, help="why it is sent back")
    back.set_defaults(handler=_send_back)


def _list(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.intake.signed import signing_queue

    waiting = signing_queue(context.services().database)
    items = [
        {
            "request_id": w.request_id,
            "dossier_id": w.dossier_id,
            "dossier": w.dossier_code or f"#{w.dossier_number:06d}",
            "document_id": w.document_id,
            "role": w.role,
            "requested_at": w.requested_at.isoformat(),
        }
        for w in waiting
    ]
    lines = [f"{len(items)} document(s) waiting for a signature"]
    lines += [f"{i['request_id']}  {i['dossier']}  {i['document_id']}  {i['role']}" for i in items]
    return Outcome({"items": items}, "\n".join(lines))


def _request(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.intake.signed import request_signature

    request_id = request_signature(
        context.services().database, args.dossier, args.document, args.role
    )
    return Outcome({"request_id": request_id}, f"queued for signature: request {request_id}")


def _add_result(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.intake.signed import add_result_for_signature

    services = context.services()
    document, request_id = add_result_for_signature(
        services.database, services.blobs, args.dossier, args.file
    )
    return Outcome(
        {"document_id": document.id, "request_id": request_id},
        f"result stored as document {document.id}, waiting for the signature "
        f"(request {request_id})",
    )


def _send_back(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.intake.signed import send_back

    send_back(context.services().database, args.request, args.comment)
    return Outcome({"request_id": args.request, "state": "returned"}, "sent back")
