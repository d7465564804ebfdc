"""Online on the citizen's behalf from the command line; payments; handing back results.

- ``workstation dossier submit-online DOSSIER --proof FILE.json``: the dossier
  becomes an online one under the citizen's own e-ID proof (as the identity
  interface returns it); ``workstation dossier demo-proof`` writes one with the
  demo identity provider, for training and tests (``--account-kind vneid_level2|portal``:
  VNeID level 2 or the national portal's account);
- ``workstation payment qr DOSSIER -o QR.png``: the VietQR code of what is due
  (the payload is printed too); ``workstation payment record DOSSIER --method
  transfer|card|cash [--reference REF]``;
- ``workstation result hand-over DOSSIER --collector-id ID [--authorisation FILE]``.

Bad input exits 3 with one line: no proof, a proof of another person or other
content, a payment with nothing due, a collector neither owner nor authorised.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from workstation.cli import Context, Outcome

METHODS = ("transfer", "card", "cash")
DELIVERIES = ("counter", "email", "citizen_store")
ACCOUNT_KINDS = ("vneid_level2", "portal")


def register_dossier_actions(
    actions: argparse._SubParsersAction, parent: argparse.ArgumentParser
) -> None:
    """``dossier submit-online`` and ``dossier demo-proof`` (called by ``cli.dossier``)."""
    submit = actions.add_parser(
        "submit-online",
        parents=[parent],
        help="file a received dossier online under the citizen's own e-ID proof",
    )
    submit.add_argument("reference", metavar="DOSSIER", help="short number, code or id")
    submit.add_argument(
        "--proof", type=Path, metavar="FILE.json", help="the proof the identity interface returned"
    )
    submit.set_defaults(handler=_submit)

    demo = actions.add_parser(
        "demo-proof",
        parents=[parent],
        help="DEMO ONLY: the demo identity provider's proof of the dossier's content as now",
    )
    demo.add_argument("reference", metavar="DOSSIER")
    demo.add_argument("--account-id", required=True, metavar="ID", help="whose account signs in")
    demo.add_argument(
        "--account-kind",
        choices=ACCOUNT_KINDS,
        default=ACCOUNT_KINDS[0],
        help="how the citizen signs in: VNeID level 2 (default) or the national portal's account",
    )
    demo.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.json")
    demo.set_defaults(handler=_demo_proof)


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    payment = subparsers.add_parser("payment", help="VietQR payment code; record a payment")
    actions = payment.add_subparsers(dest="action", metavar="ACTION", required=True)
    qr = actions.add_parser("qr", parents=[parent], help="write the VietQR code of what is due")
    qr.add_argument("reference", metavar="DOSSIER")
    qr.add_argument("-o", "--output", type=Path, required=True, metavar="QR.png")
    qr.set_defaults(handler=_qr)
    record = actions.add_parser("record", parents=[parent], help="record how the fee was paid")
    record.add_argument("reference", metavar="DOSSIER")
    record.add_argument("--method", required=True, choices=METHODS)
    record.add_argument("--reference", dest="payment_reference", default="", metavar="REF")
    record.set_defaults(handler=_record)

    result = subparsers.add_parser("result", help="hand the result back to the citizen")
    result_actions = result.add_subparsers(dest="action", metavar="ACTION", required=True)
    hand = result_actions.add_parser(
        "hand-over", parents=[parent], help="hand over the result; print the record"
    )
    hand.add_argument("reference", metavar="DOSSIER", help="code (as scanned), number or id")
    hand.add_argument("--collector-id", required=True, metavar="ID")
    hand.add_argument(
        "--authorisation", type=Path, metavar="FILE", help="the scanned authorisation"
    )
    hand.add_argument("--delivery", choices=DELIVERIES, default="counter")
    hand.add_argument("--email", metavar="ADDRESS", help="for --delivery email")
    hand.add_argument("--record", type=Path, metavar="OUT.pdf", help="write the hand-over record")
    hand.set_defaults(handler=_hand_over)


def _submit(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.onbehalf.identity import read_proof
    from workstation.onbehalf.submit import submit_online

    proof = read_proof(args.proof) if args.proof is not None else None
    services = context.services()
    dossier = submit_online(
        services.database, services.catalogue, args.reference, proof, services.officer()
    )
    data = {
        "id": dossier.id,
        "code": dossier.code,
        "channel": str(dossier.channel),
        "fee": dossier.fee,
        "charge": dossier.charge,
        "provider": proof.provider if proof else None,
    }
    text = (
        f"dossier {dossier.code or dossier.id} filed online under the citizen's proof; "
        f"fee {dossier.fee or 0} d, charge {dossier.charge or 0} d"
    )
    return Outcome(data, text)


def _demo_proof(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.dossiers import show_dossier
    from workstation.errors import BadInput
    from workstation.onbehalf.content import content_digest
    from workstation.onbehalf.identity import DemoIdentityProvider

    dossier = show_dossier(context.services().database, args.reference)
    proof = DemoIdentityProvider().confirm(
        args.account_id, content_digest(dossier), args.account_kind
    )
    try:
        args.output.write_text(json.dumps(proof.as_json(), indent=2), encoding="utf-8")
    except OSError as exc:
        raise BadInput(
            f"cannot write {args.output.name}: {exc.strerror}",
            code="payment.output_unwritable",
            name=args.output.name,
        ) from exc
    return Outcome(proof.as_json(), f"demo proof written to {args.output}")


def _qr(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.onbehalf.payment import payment_code
    from workstation.onbehalf.vietqr import write_png

    services = context.services()
    state, payload = payment_code(services.database, services.settings, args.reference)
    write_png(payload, args.output)
    data = {"id": state.dossier_id, "code": state.code, "due": state.due, "payload": payload}
    return Outcome(data, f"{payload}\n{state.due} d due; code written to {args.output}")


def _state_json(state) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return {
        "id": state.dossier_id,
        "code": state.code,
        "total": state.total,
        "paid": state.paid,
        "due": state.due,
        "confirmed": state.confirmed,
        "payments": [
            {"method": p.method, "reference": p.reference, "amount": p.amount, "source": p.source}
            for p in state.payments
        ],
    }


def _record(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.onbehalf.payment import record_payment

    services = context.services()
    state = record_payment(
        services.database,
        args.reference,
        args.method,
        args.payment_reference,
        officer=services.officer(),
    )
    return Outcome(_state_json(state), f"paid {state.paid} d by {args.method}; {state.due} d due")


def _hand_over(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.onbehalf.delivery import mailer_for
    from workstation.onbehalf.handover import dossier_reference_from_scan, hand_over
    from workstation.onbehalf.handover_record import render_handover_record

    services = context.services()
    handover = hand_over(
        services.database,
        services.blobs,
        dossier_reference_from_scan(args.reference),
        args.collector_id,
        authorisation=args.authorisation,
        delivery=args.delivery,
        email=args.email,
        officer=services.officer(),
        mailer=mailer_for(services.settings, args.delivery),
        agency_name=services.settings.agency_name,
    )
    if args.record is not None:
        render_handover_record(
            handover, services.catalogue, services.settings.agency_name, args.record
        )
    data = {
        "id": handover.dossier.id,
        "code": handover.dossier.code,
        "status": 10,
        "handed_at": handover.handed_at.isoformat(),
        "collector": str(handover.collector),
        "delivery": str(handover.delivery),
        "record": str(args.record) if args.record else None,
        "document_sha256": handover.document.sha256 if handover.document else None,
    }
    who = "owner" if handover.collector == "owner" else "authorised person"
    return Outcome(data, f"result of {handover.dossier.code} handed over to the {who}")
