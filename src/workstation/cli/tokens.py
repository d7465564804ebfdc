"""``workstation tokens``: the PKCS#11 tokens plugged in, their PIN state and certificates."""

from __future__ import annotations

import argparse

from workstation.cli import Context, Outcome
from workstation.config import load_settings
from workstation.sign.demo_token import point_at_demo_token
from workstation.sign.tokens import find_module, list_tokens


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "tokens", parents=[parent], help="list signing tokens and their certificates"
    )
    parser.add_argument(
        "--module",
        metavar="PATH",
        help="PKCS#11 module of the token (default: settings, then the known CA modules)",
    )
    parser.set_defaults(handler=run)


def module_path(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The module from ``--module``, else from the settings, else the first known one found.

    When SoftHSM2 has no configuration of its own (``SOFTHSM2_CONF``), it is
    pointed at the demo token, if the demo made one.
    """
    point_at_demo_token()
    return find_module(args.module or load_settings().pkcs11_module)


def run(args: argparse.Namespace, context: Context) -> Outcome:
    module = module_path(args)
    found = list_tokens(module)
    lines = [f"module: {module}"]
    if not found:
        lines.append("no token plugged in")
    for token in found:
        lines.append(
            f"token {token.label!r} serial {token.serial} ({token.manufacturer} {token.model}), "
            f"PIN state: {token.pin_state}"
        )
        for cert in token.certificates:
            usage = ", ".join(cert.key_usage) or "any"
            mark = "" if cert.for_signing else " (not for signing)"
            lines.append(
                f"  key {cert.label!r}: {cert.common_name}; issuer {cert.issuer}; "
                f"valid {cert.not_before[:10]} to {cert.not_after[:10]}; usage {usage}{mark}"
            )
    data = {"module": str(module), "tokens": [t.as_json() for t in found]}
    return Outcome(data, "\n".join(lines))
