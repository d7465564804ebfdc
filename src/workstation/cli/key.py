"""``workstation key init | status | rotate | recover``: encryption at rest of the local store.

These commands open the store themselves (not through the services), because
they must work on a store the services refuse: one whose key is not in the
keyring (``recover``) or whose sealing was interrupted (``init``/``rotate``
again finish it). See docs/encryption.md for the administrator's steps.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workstation.cli import Context, Outcome


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("key", help="encryption at rest of the local store")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init",
        parents=[parent],
        help="switch encryption on (seals the existing store; run again to finish if stopped)",
    )
    init.set_defaults(handler=_init)
    status = actions.add_parser("status", parents=[parent], help="whether encryption is on")
    status.set_defaults(handler=_status)
    rotate = actions.add_parser(
        "rotate",
        parents=[parent],
        help="seal everything under a new data key (run again to finish if stopped)",
    )
    rotate.set_defaults(handler=_rotate)
    recover = actions.add_parser(
        "recover",
        parents=[parent],
        help="give this computer's keyring the store's key again (new PC, keyring reset)",
    )
    way = recover.add_mutually_exclusive_group(required=True)
    way.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="read the recovery passphrase written down at set-up from standard input",
    )
    way.add_argument(
        "--recovery-key", metavar="FILE", help="the province's recovery private key (PEM)"
    )
    recover.set_defaults(handler=_recover)


def _store() -> tuple[Any, Any, Any]:
    from workstation.config import load_settings
    from workstation.paths import user_folders
    from workstation.store import BlobStore, open_database

    folders = user_folders()
    settings = load_settings(folders)
    database = open_database(settings.database_path(folders))
    return settings, database, BlobStore(settings.blob_path(folders))


def _audit(context: Context, database: Any, action: str, key_id: str | None) -> None:
    """Record a key change in the audit log (the key ids only), naming the officer the role
    gate let through; ``key recover`` runs with the store shut, so the OS user is named."""
    from workstation.audit import record_action

    services = context.opened()
    officer = services.database.officer() if services is not None else None
    record_action(database, action, officer=officer, object_id=key_id)


def _data_folder() -> Path:
    from workstation.paths import user_folders

    return user_folders().data


def _init(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.audit import KEY_INITIALISED
    from workstation.errors import BadInput
    from workstation.store.resealing import switch_on

    settings, database, blobs = _store()
    try:
        pem = None
        if settings.recovery_public_key_file:
            try:
                pem = Path(settings.recovery_public_key_file).read_bytes()
            except OSError as exc:
                raise BadInput(
                    f"cannot read the recovery public key file: {exc.strerror}",
                    code="store.bad_recovery_key",
                ) from exc
        sealed = switch_on(database, blobs, public_key_pem=pem, data_folder=_data_folder())
        _audit(context, database, KEY_INITIALISED, sealed.key_id)
    finally:
        database.close()
    lines = [
        f"encryption is on (key {sealed.key_id}): "
        f"{sealed.values} row(s), {sealed.blobs} stored file(s) and "
        f"{sealed.files} kept file(s) sealed"
    ]
    if sealed.passphrase:
        lines += [
            "",
            "RECOVERY PASSPHRASE (shown this once; write it down and keep it locked away):",
            "",
            f"    {sealed.passphrase}",
            "",
            "Without it, or the province's recovery key, a lost keyring loses the data.",
        ]
    else:
        lines.append("the key can be recovered with the province's recovery key")
    data = {
        "key_id": sealed.key_id,
        "values": sealed.values,
        "blobs": sealed.blobs,
        "files": sealed.files,
        "recovery_passphrase": sealed.passphrase,
    }
    return Outcome(data, "\n".join(lines))


def _status(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.store.keys import status

    _, database, _ = _store()
    try:
        state = status(database)
    finally:
        database.close()
    if state.encryption == "off":
        text = "encryption is off (workstation key init switches it on)"
    else:
        text = (
            f"encryption is {state.encryption}, key {state.current or state.sealing}, "
            f"keyring {state.keyring}, recovery by {', '.join(state.recovery) or 'nothing'}"
        )
        if state.encryption == "unfinished":
            text += "\nsealing stopped half-way: run workstation key init (or rotate) again"
    return Outcome(state.as_json(), text)


def _rotate(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.audit import KEY_ROTATED
    from workstation.store.resealing import rotate

    _, database, blobs = _store()
    try:
        sealed = rotate(database, blobs, data_folder=_data_folder())
        _audit(context, database, KEY_ROTATED, sealed.key_id)
    finally:
        database.close()
    data = {
        "key_id": sealed.key_id,
        "values": sealed.values,
        "blobs": sealed.blobs,
        "files": sealed.files,
    }
    text = (
        f"the store is sealed under the new key {sealed.key_id}: {sealed.values} row(s), "
        f"{sealed.blobs} stored file(s) and {sealed.files} kept file(s) sealed anew"
    )
    return Outcome(data, text)


def _recover(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.audit import KEY_RECOVERED
    from workstation.errors import BadInput
    from workstation.store.keys import recover, status

    passphrase = sys.stdin.readline().strip() if args.passphrase_stdin else None
    private = None
    if args.recovery_key:
        try:
            private = Path(args.recovery_key).read_bytes()
        except OSError as exc:
            raise BadInput(
                f"cannot read the recovery key file: {exc.strerror}",
                code="store.bad_recovery_key",
            ) from exc
    _, database, _ = _store()
    try:
        recovered = recover(database, passphrase=passphrase, private_key_pem=private)
        state = status(database)
        for key_id in recovered:  # one entry per key given back to this PC's keyring
            _audit(context, database, KEY_RECOVERED, key_id)
    finally:
        database.close()
    text = f"the store's key is in this computer's keyring again ({len(recovered)} key(s))"
    if state.encryption == "unfinished":
        text += "\nsealing had stopped half-way: run workstation key init (or rotate) again"
    return Outcome({"keys": list(recovered), **state.as_json()}, text)
