"""``workstation verify``: report on every signature of a PDF; exit 0 only if all are valid."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.cli import Context, Outcome
from workstation.config import load_settings
from workstation.errors import ExitCode
from workstation.sign.verify import verify_pdf


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "verify",
        parents=[parent],
        help="check a signed PDF's signatures (exit 5 unless every one is valid)",
    )
    parser.add_argument("file", type=Path, metavar="FILE.pdf")
    parser.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        metavar="CERT.pem",
        help="a trusted root certificate (repeatable): the national root CA, the Government CA; "
        "default: the trust_roots setting",
    )
    parser.add_argument(
        "--crl",
        type=Path,
        action="append",
        default=[],
        metavar="FILE.crl",
        help="a certificate revocation list to check against (repeatable)",
    )
    parser.add_argument(
        "--online",
        action="store_true",
        help="also ask the OCSP responders and CRL addresses the certificates name",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> Outcome:
    # The flags override the administrator's trusted roots (the trust_roots setting).
    trust = args.trust or load_settings().trust_root_files()
    reports = verify_pdf(args.file, trust, args.crl, online=args.online)
    valid = bool(reports) and all(r.verdict == "valid" for r in reports)
    lines = []
    if not reports:
        lines.append("no signature in this file")
    for number, r in enumerate(reports, 1):
        lines.append(f"signature {number} ({r.field_name}): {r.verdict.upper()}")
        lines.append(f"  signer: {r.signer}")
        lines.append(f"  signing time: {r.signing_time or 'unknown'}; time-stamp: {r.timestamp}")
        lines.append(
            f"  intact: {r.intact}; covers: {r.coverage}; changes after: {r.changes_after}"
        )
        lines.append(
            f"  certificate valid at signing time: {r.certificate_valid_at_signing}; "
            f"trusted: {r.trusted}; revocation: {r.revocation}"
        )
        if r.problems:
            lines.append(f"  problems: {', '.join(r.problems)}")
    data = {"valid": valid, "signatures": [r.as_json() for r in reports]}
    return Outcome(data, "\n".join(lines), ExitCode.OK if valid else ExitCode.NOT_VALID)
