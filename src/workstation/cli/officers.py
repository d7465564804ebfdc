"""``workstation whoami``: the officer the commands act as on this PC, and their roles."""

from __future__ import annotations

import argparse

from workstation.cli import Context, Outcome


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    whoami = subparsers.add_parser(
        "whoami",
        parents=[parent],
        help="the officer commands act as on this PC (workstation login), and their roles",
    )
    whoami.set_defaults(handler=_whoami)


def _whoami(args: argparse.Namespace, context: Context) -> Outcome:
    officer = context.services().current_officer()
    if officer is None:
        return Outcome({"officer": None}, "Nobody is signed in on this PC: run workstation login.")
    roles = ", ".join(sorted(officer.roles)) or "no role"
    until = f" until {officer.expires_at}" if officer.expires_at else ""
    text = f"{officer.user} ({officer.source}): {roles}{until}"
    return Outcome({"officer": officer.as_json()}, text)
