"""``workstation sign``: sign PDFs on a PKCS#11 token with one PIN entry, or remotely.

The PIN comes from an environment variable (``--pin-env``) or one line of
standard input (``--pin-stdin``), never from the command line itself, where
other users could read it. It is used for one login and not kept.

With ``--remote URL --credential ID`` the PDFs are signed by a remote
signing service (CSC API v1), each signature confirmed on the signer's
phone; its access token comes from an environment variable.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from workstation.cli import Context, Outcome
from workstation.cli.tokens import module_path
from workstation.config import load_settings
from workstation.errors import BadInput, ExitCode
from workstation.sign import APPEARANCES
from workstation.sign.level import LEVELS


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "sign", parents=[parent], help="sign PDFs (PAdES) on a signing token"
    )
    parser.add_argument("inputs", type=Path, nargs="*", metavar="INPUT.pdf")
    parser.add_argument(
        "-o", "--output", type=Path, metavar="OUTDIR", help="folder for signed files"
    )
    dossier = parser.add_argument_group(
        "signing a dossier's documents (the signed file is stored as a new document)"
    )
    dossier.add_argument("--dossier", metavar="ID", help="short number, code or id")
    dossier.add_argument(
        "--document",
        action="append",
        default=[],
        metavar="DOCUMENT_ID",
        help="a stored PDF of the dossier to sign (repeatable)",
    )
    dossier.add_argument(
        "--role",
        choices=("result", "certified_copy", "seal"),
        default="result",
        help="what the signature stands for (default: result)",
    )
    parser.add_argument(
        "--anchor",
        metavar="TEXT",
        help="signer: put the signature under this text of the page (the title or the name)",
    )
    parser.add_argument("--module", metavar="PATH", help="PKCS#11 module of the token")
    parser.add_argument("--token", metavar="LABEL", help="token label (may be Vietnamese)")
    parser.add_argument("--token-serial", metavar="SERIAL", help="token serial number")
    parser.add_argument("--key", metavar="LABEL", help="label of the key and certificate")
    pin = parser.add_mutually_exclusive_group()
    pin.add_argument("--pin-env", metavar="VAR", help="read the PIN from this environment variable")
    pin.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    parser.add_argument("--appearance", choices=APPEARANCES, default="none")
    parser.add_argument(
        "--copy-form", default="", help="copy: SAO Y, SAO LỤC, TRÍCH SAO or the number"
    )
    parser.add_argument("--agency", default="", help="copy: the agency's name")
    parser.add_argument("--title", default="", help="signer: the title (KT. CHỦ TỊCH …)")
    parser.add_argument("--name", default="", help="signer: the full name")
    parser.add_argument("--signature-image", type=Path, help="signer: the signature image (PNG)")
    parser.add_argument("--seal", type=Path, help="agency: the seal image (PNG)")
    parser.add_argument(
        "--tsa",
        metavar="URL",
        help="time-stamp authority (PAdES B-T); default: the tsa_url setting",
    )
    parser.add_argument(
        "--level",
        choices=LEVELS,
        help="PAdES level to sign at (B-T needs a time-stamp authority, B-LT also trusted "
        "roots); default: the signature_level setting, else what --tsa and --trust allow",
    )
    parser.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        metavar="CERT.pem",
        help="check revocation online against this trusted root before signing "
        "(repeatable; default: the trust_roots setting); with a time-stamp authority the "
        "revocation data is embedded (PAdES B-LT)",
    )
    remote = parser.add_argument_group("remote signing (Cloud Signature Consortium API v1)")
    remote.add_argument("--remote", metavar="URL", help="the service's address, ending in /csc/v1")
    remote.add_argument("--credential", metavar="ID", help="the signer's credential at the service")
    remote.add_argument(
        "--access-token-env",
        metavar="VAR",
        default="WORKSTATION_CSC_TOKEN",
        help="environment variable holding the service's access token",
    )
    remote.add_argument(
        "--confirm-timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="how long to wait for the signer to confirm on the phone",
    )
    parser.set_defaults(handler=run, sign_parser=parser)


def _pin(args: argparse.Namespace) -> str:
    if not (args.pin_stdin or args.pin_env):
        raise BadInput("no PIN was given", code="sign.pin_missing")
    if args.pin_stdin:
        pin = sys.stdin.readline().rstrip("\r\n")
    else:
        pin = os.environ.get(args.pin_env, "")
    if not pin:
        raise BadInput("no PIN was given", code="sign.pin_missing")
    return pin


def run(args: argparse.Namespace, context: Context) -> Outcome:
    # Here, not at the top: pyHanko and the store cost every command's start.
    from workstation.services import open_signer
    from workstation.sign.level import signature_plan
    from workstation.sign.pades import Appearance, KeyChoice
    from workstation.sign.remote import RemoteChoice
    from workstation.sign.revocation import RevocationCheck

    look = Appearance(
        args.appearance,
        copy_form=args.copy_form,
        agency=args.agency,
        title=args.title,
        name=args.name,
        image=args.signature_image,
        seal=args.seal,
    )
    if args.dossier:
        if args.inputs or args.output or not args.document:
            args.sign_parser.error("--dossier takes --document IDs, no input files and no -o")
    elif not args.inputs or args.output is None:
        args.sign_parser.error("give INPUT.pdf... and -o OUTDIR, or --dossier with --document")
    jobs = [(source, args.output / source.name) for source in args.inputs]
    # The flags override the administrator's settings; without them the settings apply.
    settings = load_settings()
    plan = signature_plan(
        args.level or settings.signature_level,
        args.tsa or settings.tsa_url or None,
        args.trust or settings.trust_root_files(),
    )
    tsa_url = plan.tsa_url
    revocation = (
        RevocationCheck(plan.trust_roots, embed=plan.embed_revocation) if plan.trust_roots else None
    )
    if args.remote:
        if not args.credential:
            raise BadInput("--remote needs --credential", code="sign.remote_credential_unknown")
        remote = RemoteChoice(
            args.remote,
            args.credential,
            os.environ.get(args.access_token_env, ""),
            confirm_timeout=args.confirm_timeout,
        )
        pin = _pin(args) if (args.pin_stdin or args.pin_env) else None
        signer = open_signer(remote=remote, pin=pin, tsa_url=tsa_url, revocation=revocation)
    else:
        key = KeyChoice(module_path(args), args.token, args.token_serial, args.key)
        signer = open_signer(key=key, pin=_pin(args), tsa_url=tsa_url, revocation=revocation)
    if args.dossier:
        return _sign_dossier(args, context, signer, look)
    if args.anchor:
        look = _anchored(look, args.anchor)
    with signer:
        result = signer.sign_batch(jobs, look)
    lines = [f"signed {len(result.signed)} of {len(jobs)} file(s) into {args.output}"]
    lines += [f"refused {source}: {code}" for source, code in result.refused]
    if result.stopped_by is not None:
        lines.append(f"stopped: {result.stopped_by.detail}; not signed: {len(result.remaining)}")
    data = {
        "signed": [
            {"output": str(s.output), "field": s.field_name, "signing_time": s.signing_time}
            for s in result.signed
        ],
        "refused": [{"input": str(source), "code": code} for source, code in result.refused],
        "remaining": [str(p) for p in result.remaining],
        "stopped_by": result.stopped_by.code if result.stopped_by else None,
    }
    if result.stopped_by is not None:
        code = result.stopped_by.exit_code
    elif result.refused:
        code = ExitCode.BAD_INPUT
    else:
        code = ExitCode.OK
    return Outcome(data, "\n".join(lines), code)


def _anchored(look, anchor: str):  # type: ignore[no-untyped-def]
    """The appearance placed at ``anchor`` on each file (signer appearance only)."""
    from workstation.sign.appearance import load_rules

    if look.kind != "signer":
        raise BadInput("--anchor places the signer's signature", code="sign.anchor_needs_signer")
    spec = load_rules()["signer"]
    return lambda path: _placed(look, anchor, path, spec)


def _placed(look, anchor: str, path: Path, spec: dict):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from workstation.sign.anchor import anchored_box

    page, box = anchored_box(
        path.read_bytes(), anchor, spec["width"], spec["height"], name=path.name
    )
    return replace(look, page=page, box=box)


def _sign_dossier(args: argparse.Namespace, context: Context, signer, look) -> Outcome:  # type: ignore[no-untyped-def]
    from workstation.intake.signed import SignItem, sign_into_dossiers
    from workstation.store.dossiers import find_dossier

    services = context.services()
    with services.database.reading() as session:
        dossier = find_dossier(session, args.dossier)
    items = [SignItem(dossier.id, document, args.role) for document in args.document]
    place = _anchored(look, args.anchor) if args.anchor else None
    with signer:
        result = sign_into_dossiers(
            services.database,
            services.blobs,
            signer,
            items,
            (lambda item, path: place(path)) if place else look,
        )
    lines = [f"signed and stored {len(result.stored)} of {len(items)} document(s)"]
    lines += [f"refused {item.document_id}: {code}" for item, code in result.refused]
    if result.stopped_by is not None:
        lines.append(f"stopped: {result.stopped_by.detail}; not signed: {len(result.remaining)}")
    data = {
        "dossier_id": dossier.id,
        "stored": [
            {"source": item.document_id, "document": doc.id, "sha256": doc.sha256}
            for item, doc in result.stored
        ],
        "refused": [{"document": item.document_id, "code": code} for item, code in result.refused],
        "remaining": [item.document_id for item in result.remaining],
        "stopped_by": result.stopped_by.code if result.stopped_by else None,
    }
    if result.stopped_by is not None:
        code = result.stopped_by.exit_code
    elif result.refused:
        code = ExitCode.BAD_INPUT
    else:
        code = ExitCode.OK
    return Outcome(data, "\n".join(lines), code)
