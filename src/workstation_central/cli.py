"""``workstation-central``: serve the reference central server, add officers, list what it holds."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_DATA = Path("central-data")
ROLES = ("counter_officer", "records_clerk", "signing_officer", "administrator")
"""The roles an officer can hold (the workstation's ``workstation.officers.Role``)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workstation-central",
        description="The reference central server (development, training, tests).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--data",
            type=Path,
            default=DEFAULT_DATA,
            metavar="DIR",
            help="folder for files and the default SQLite database",
        )
        p.add_argument(
            "--db",
            metavar="URL",
            help="SQLAlchemy URL (default sqlite in DIR; postgresql+psycopg://…)",
        )

    serve = commands.add_parser("serve", help="serve the central API over HTTP")
    common(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, metavar="N")
    serve.set_defaults(handler=_serve)

    officer = commands.add_parser("create-officer", help="add (or reset) an officer's account")
    common(officer)
    officer.add_argument("--user", required=True, metavar="NAME")
    source = officer.add_mutually_exclusive_group(required=True)
    source.add_argument("--password-env", metavar="VAR", help="read the password from $VAR")
    source.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    officer.add_argument(
        "--role",
        action="append",
        choices=ROLES,
        default=[],
        metavar="ROLE",
        help=f"a role the officer holds ({', '.join(ROLES)}); repeatable; replaces the "
        "officer's roles",
    )
    officer.set_defaults(handler=_create_officer)

    listing = commands.add_parser("inventory", help="list the dossiers and files held")
    common(listing)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_inventory)

    publish = commands.add_parser(
        "publish-catalogue", help="publish the procedure catalogue workstations download"
    )
    common(publish)
    publish.add_argument("file", type=Path, metavar="FILE", help="catalogue file (JSON)")
    publish.set_defaults(handler=_publish_catalogue)

    published = commands.add_parser(
        "publish-targets", help="publish the statistics targets workstations download"
    )
    common(published)
    published.add_argument("file", type=Path, metavar="FILE", help="targets file (JSON)")
    published.set_defaults(handler=_publish_targets)

    openapi = commands.add_parser("openapi", help="print the OpenAPI document (YAML)")
    openapi.set_defaults(handler=_openapi)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from workstation_central.app import create_app, open_central

    app = create_app(open_central(args.data, args.db))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def _create_officer(args: argparse.Namespace) -> int:
    from workstation_central.app import open_central
    from workstation_central.models import Officer, OfficerRole
    from workstation_central.security import hash_password

    if args.password_env:
        password = os.environ.get(args.password_env, "")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("error: the password is empty", file=sys.stderr)
        return 3
    central = open_central(args.data, args.db)
    with central.sessions() as db:
        db.merge(Officer(user=args.user, password_hash=hash_password(password)))
        db.flush()
        db.query(OfficerRole).filter(OfficerRole.user == args.user).delete()
        db.add_all(OfficerRole(user=args.user, role=role) for role in sorted(set(args.role)))
        db.commit()
    roles = ", ".join(sorted(set(args.role))) or "no role"
    print(f"officer {args.user} can sign in ({roles})")
    return 0


def _inventory(args: argparse.Namespace) -> int:
    from workstation_central.app import inventory, open_central

    held = inventory(open_central(args.data, args.db))
    if args.json:
        print(json.dumps(held, ensure_ascii=False, indent=2))
    else:
        for d in held["dossiers"]:
            print(f"{d['code']}  status {d['status']}  {len(d['files'])} file(s)")
        print(f"{len(held['dossiers'])} dossier(s)")
    return 0


def _publish_catalogue(args: argparse.Namespace) -> int:
    """Replace the published catalogue (checked to be JSON with a procedures list)."""
    from workstation_central.app import open_central

    data = args.file.read_bytes()
    try:
        document = json.loads(data)
    except ValueError as exc:
        print(f"error: {args.file} is not JSON: {exc}", file=sys.stderr)
        return 3
    if not isinstance(document, dict) or not isinstance(document.get("procedures"), list):
        print(f"error: {args.file} has no 'procedures' list", file=sys.stderr)
        return 3
    central = open_central(args.data, args.db)
    temporary = central.catalogue_path.with_suffix(".tmp")
    temporary.write_bytes(data)
    temporary.replace(central.catalogue_path)
    print(f"catalogue published: {len(document['procedures'])} procedure version(s)")
    return 0


def _publish_targets(args: argparse.Namespace) -> int:
    """Replace the published targets (checked against the document's schema first)."""
    from workstation_central.app import open_central
    from workstation_central.targets import canonical

    try:
        data = canonical(args.file.read_bytes())
    except ValueError as exc:
        print(f"error: {args.file} is no targets file: {exc}", file=sys.stderr)
        return 3
    central = open_central(args.data, args.db)
    temporary = central.targets_path.with_suffix(".tmp")
    temporary.write_bytes(data)
    temporary.replace(central.targets_path)
    print(f"targets published: {len(json.loads(data)['targets'])} entr(ies)")
    return 0


def openapi_yaml() -> str:
    import yaml

    from workstation_central.app import Central, create_app

    document = create_app(Central(sessions=None, data=Path("."))).openapi()  # type: ignore[arg-type]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def _openapi(args: argparse.Namespace) -> int:
    sys.stdout.write(openapi_yaml())
    return 0
