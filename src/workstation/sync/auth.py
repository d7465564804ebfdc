"""Officer sign-in: the refresh token lives in the OS keyring, never the password.

``workstation login`` asks the central system for tokens and keeps only the
refresh token and the officer's roles, in an entry of each officer's own
(``<server>|<user>``: several officers share one PC), in the keyring (Windows Credential
Manager, macOS Keychain, the Secret Service on Linux). ``workstation logout``
removes it. The entry under the server's address names the officer whose
sign-in this PC uses to send (the last to sign in); each officer's offline
verifier has an entry of its own too. A machine whose only keyring would store
secrets in a plain file, or that has none, is refused with a clear message
rather than used silently.
"""

from __future__ import annotations

import contextlib
import json
import logging

from workstation.errors import ExternalPartError
from workstation.keyrings import safe_keyring
from workstation.sync.client import HttpCentralClient, NotSignedIn, Tokens

log = logging.getLogger(__name__)

SERVICE = "mot-cua-workstation"


class NoSafeKeyring(ExternalPartError):
    code = "sync.no_keyring"


def _keyring():  # type: ignore[no-untyped-def]
    return safe_keyring(
        lambda names: NoSafeKeyring(
            f"no safe keyring to keep the sign-in in (found: {names}); install and unlock "
            "the system's keyring (Secret Service, Credential Manager, Keychain)",
            backend=names,
        )
    )


def _entry(server: str, user: str) -> str:
    """The keyring entry of one officer's sign-in to ``server`` (several share one PC)."""
    return f"{server}|{user}"


def save_sign_in(server: str, tokens: Tokens) -> None:
    """Keep ``tokens.user``'s refresh token and roles in their own keyring entry, and make
    them the officer whose sign-in this PC uses for ``server`` (the entry under its address)."""
    keyring = _keyring()
    body = {"user": tokens.user, "refresh_token": tokens.refresh_token, "roles": list(tokens.roles)}
    keyring.set_password(SERVICE, _entry(server, tokens.user), json.dumps(body))
    keyring.set_password(SERVICE, server, json.dumps({"user": tokens.user}))


def _stored(server: str, user: str | None) -> dict[str, object]:
    keyring = _keyring()
    stored = keyring.get_password(SERVICE, server if user is None else _entry(server, user))
    if not stored:
        raise NotSignedIn(f"not signed in to {server}; run workstation login", server=server)
    data = json.loads(stored)
    if "refresh_token" not in data:  # the address's entry names whose sign-in is used
        return _stored(server, str(data["user"]))
    return data


def load_sign_in(server: str, user: str | None = None) -> tuple[str, str]:
    """The (user, refresh token) kept for ``user`` (None: the officer whose sign-in this PC
    uses for ``server``); :class:`NotSignedIn` if none."""
    data = _stored(server, user)
    return str(data["user"]), str(data["refresh_token"])


def signed_in_roles(server: str, user: str) -> tuple[str, ...]:
    """The roles the central system gave ``user`` at their last sign-in kept here;
    :class:`NotSignedIn` if they are not signed in."""
    roles = _stored(server, user).get("roles", [])
    return tuple(str(r) for r in roles) if isinstance(roles, list) else ()


def forget_sign_in(server: str, user: str | None = None) -> bool:
    """Remove ``user``'s sign-in (None: the one this PC uses for ``server``); False if
    there was none."""
    keyring = _keyring()
    from keyring.errors import PasswordDeleteError

    try:
        user = load_sign_in(server, user)[0]
    except NotSignedIn:
        return False
    removed = False
    with contextlib.suppress(PasswordDeleteError):
        keyring.delete_password(SERVICE, _entry(server, user))
        removed = True
    pointer = keyring.get_password(SERVICE, server)
    if pointer and json.loads(pointer).get("user") == user:
        with contextlib.suppress(PasswordDeleteError):
            keyring.delete_password(SERVICE, server)
            removed = True
    return removed


def login(server: str, user: str, password: str, *, ca_file: str | None = None) -> Tokens:
    """Sign in to ``server`` and keep the refresh token (never the password).

    ``ca_file``: the pinned certificate authority of the central system (the
    ``central_ca_file`` setting); None trusts the default roots."""
    _keyring()  # refuse before the password travels if it could not be kept
    client = HttpCentralClient(server, ca_file=ca_file)
    try:
        tokens = client.login(user, password)
    finally:
        client.close()
    save_sign_in(server, tokens)
    log.info("signed in to the central system")
    return tokens


def signed_in_client(server: str, user: str | None = None, **options: object) -> HttpCentralClient:
    """A client for ``server`` using ``user``'s kept sign-in (None: the one this PC uses),
    refreshing its access on first use."""
    _user, refresh = load_sign_in(server, user)
    return HttpCentralClient(server, refresh_token=refresh, **options)  # type: ignore[arg-type]


def save_verifier(server: str, user: str, verifier: dict[str, object]) -> None:
    """Keep ``user``'s offline sign-in verifier (never the password: see
    :mod:`workstation.signin`) in the keyring; it outlives sign-out."""
    _keyring().set_password(SERVICE, f"verifier|{_entry(server, user)}", json.dumps(verifier))


def load_verifier(server: str, user: str) -> dict[str, object] | None:
    """``user``'s offline sign-in verifier kept here, or None."""
    stored = _keyring().get_password(SERVICE, f"verifier|{_entry(server, user)}")
    if not stored:
        return None
    data = json.loads(stored)
    return data if isinstance(data, dict) else None
