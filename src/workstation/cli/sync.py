"""``workstation login | logout | sync | outbox``: sign in, send the outbox, see what waits."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from workstation.cli import Context, Outcome
from workstation.errors import BadInput, WorkstationError

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    login = subparsers.add_parser("login", parents=[parent], help="sign in to the central system")
    login.add_argument("--server", metavar="URL", help="central system (default: settings)")
    login.add_argument("--user", required=True, metavar="NAME")
    source = login.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    source.add_argument("--password-env", metavar="VAR", help="read the password from $VAR")
    login.set_defaults(handler=_login)

    logout = subparsers.add_parser("logout", parents=[parent], help="forget the sign-in")
    logout.add_argument("--server", metavar="URL", help="central system (default: settings)")
    logout.set_defaults(handler=_logout)

    sync = subparsers.add_parser(
        "sync", parents=[parent], help="send the outbox to the central system"
    )
    sync.add_argument("--server", metavar="URL", help="central system (default: settings)")
    sync.add_argument(
        "--once",
        action="store_true",
        help="send what is due now and stop (default: keep sending until Ctrl-C)",
    )
    sync.set_defaults(handler=_sync)

    listing = subparsers.add_parser(
        "outbox", parents=[parent], help="list what waits for the central system"
    )
    listing.add_argument(
        "--retry",
        type=int,
        metavar="ID",
        help="send message ID again now (once its cause is fixed)",
    )
    listing.set_defaults(handler=_outbox)


def _server(args: argparse.Namespace) -> str:
    from workstation.config import load_settings

    server = args.server or load_settings().central_url
    if not server:
        raise BadInput(
            "no central system configured: give --server URL or set central_url",
            code="sync.no_server",
        )
    return server.rstrip("/")


def _ca_file() -> str | None:
    """The pinned certificate authority of the central system, if the settings name one."""
    from workstation.config import load_settings

    return load_settings().central_ca_file or None


def _login(args: argparse.Namespace, context: Context) -> Outcome:
    if args.password_env:
        password = os.environ.get(args.password_env, "")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise BadInput("the password is empty", code="sync.empty_password")
    server = _server(args)
    officer = _desk(context, server).sign_in(args.user, password)
    roles = ", ".join(sorted(officer.roles)) or "no role"
    how = "offline (central system unreachable)" if officer.source == "offline_sign_in" else server
    return Outcome(
        {"server": server, **officer.as_json()},
        f"Signed in to {how} as {officer.user} ({roles}); "
        f"commands act as {officer.user} until workstation logout.",
    )


def _desk(context: Context, server: str):  # type: ignore[no-untyped-def]
    """The officers' desk for ``server`` (the one the command names, else the settings')."""
    from workstation.signin import OfficerDesk

    services = context.services()
    settings = services.settings.replace(central_url=server)
    return OfficerDesk(settings, services.folders, services.database)


def _logout(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.audit import CENTRAL_SIGN_IN, SIGNED_OUT, record_action
    from workstation.sync.auth import forget_sign_in, load_sign_in

    server = _server(args)
    services = context.services()
    officer = _desk(context, server).sign_out()
    if officer is not None:
        text = f"Signed {officer.user} out of {server}."
        return Outcome({"server": server, "signed_out": True, "user": officer.user}, text)
    try:  # a sign-in kept from before sessions, or for another server
        user = load_sign_in(server)[0]
    except WorkstationError:  # not signed in, or no keyring to ask
        user = None
    removed = forget_sign_in(server)
    if removed:
        signed_out = (user, CENTRAL_SIGN_IN) if user else None
        record_action(services.database, SIGNED_OUT, officer=signed_out)
    text = f"Signed out of {server}." if removed else f"Was not signed in to {server}."
    return Outcome({"server": server, "signed_out": removed}, text)


def _sync(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.audit import queue_head, workstation_name
    from workstation.services import lease_code_blocks, signed_in_officer
    from workstation.sync.auth import signed_in_client
    from workstation.sync.client import Retryable
    from workstation.sync.pull import pull_from_central
    from workstation.sync.sender import Sender, report

    server = _server(args)
    services = context.services()
    services.officer = signed_in_officer(server)  # who the audit log names for this round
    client = signed_in_client(server, ca_file=services.settings.central_ca_file or None)
    sender = Sender(services.database, services.blobs, client)
    sent = 0
    station = workstation_name(services.settings)
    try:
        sent += sender.send_due()  # --once: an unreachable server ends the command (exit 4)
        # The audit log's head, the sends just recorded included, goes in the same round.
        if queue_head(services.database, station) is not None:
            sent += sender.send_due()
        pulled = pull_from_central(client, services.database, services.folders)
        pulled["codes_leased"] = lease_code_blocks(client, services.database, services.settings)
        purged_at: float | None = None
        while not args.once:
            time.sleep(5)  # until Ctrl-C; a message waiting out its delay is claimed when due
            try:
                sent += sender.send_due()
                if queue_head(services.database, station) is not None:
                    sent += sender.send_due()
                pull_from_central(client, services.database, services.folders)
                lease_code_blocks(client, services.database, services.settings)
            except Retryable as exc:  # offline for now: the outbox keeps it, try again
                log.info("central system unavailable: %s", exc.code)
                continue
            due = purged_at is None or time.monotonic() - purged_at >= RETENTION_EVERY_S
            if due and _purge_when_drained(services):
                purged_at = time.monotonic()
    finally:
        client.close()
    result = report(services.database, sent)
    result.pulled = pulled
    text = f"{result.sent} sent, {result.waiting} waiting, "
    text += f"{len(result.needs_attention)} need the officer."
    for item in result.needs_attention:
        text += f"\n  #{item['id']} {item['dossier_code']}: {item['reason']}"
    return Outcome(result.as_json(), text)


RETENTION_EVERY_S = 3600
"""How often the sending loop runs the retention purge (after a round that drained the outbox)."""


def _purge_when_drained(services) -> bool:  # type: ignore[no-untyped-def]
    """Run the retention purge if the outbox is empty (everything confirmed: the purge can
    do all it may); whether it ran. A failure is logged by code; sending goes on."""
    from workstation.retention import Periods, apply
    from workstation.store.outbox import count_pending

    with services.database.reading() as session:
        if count_pending(session):
            return False
    try:
        apply(
            services.database,
            services.blobs,
            services.folders.data,
            Periods.from_settings(services.settings),
        )
    except WorkstationError as exc:
        log.warning("retention purge failed [%s]; trying again later", exc.code)
    return True


def _outbox(args: argparse.Namespace, context: Context) -> Outcome:
    from sqlalchemy import select

    from workstation.store.models import OutboxRow

    services = context.services()
    if args.retry is not None:
        from workstation.store import outbox

        with services.database.transaction() as session:
            row = session.get(OutboxRow, args.retry)
            if row is None:
                raise BadInput(
                    f"no outbox message {args.retry}", code="sync.no_message", id=args.retry
                )
            outbox.retry(session, row.message_id)
    with services.database.reading() as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.state != "sent").order_by(OutboxRow.id)
        ).all()
        items = [
            {
                "id": r.id,
                "kind": r.kind,
                "entity_id": r.entity_id,
                "state": r.state,
                "attempts": r.attempts,
                "last_error": r.last_error,
                "next_attempt_at": r.next_attempt_at,
            }
            for r in rows
        ]
    lines = [
        f"#{i['id']} {i['kind']} {i['state']} attempts {i['attempts']}"
        + (f": {i['last_error']}" if i["last_error"] else "")
        for i in items
    ]
    return Outcome({"items": items}, "\n".join(lines) or "Nothing waits.")
