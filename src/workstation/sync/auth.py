"""Officer sign-in: the refresh token lives in the OS keyring, never the password.

``workstation login`` asks the central system for tokens and keeps only the
refresh token, under the server's address, in the keyring (Windows Credential
Manager, macOS Keychain, the Secret Service on Linux). ``workstation logout``
removes it. A machine whose only keyring would store secrets in a plain file, or
that has none, is refused with a clear message rather than used silently.
"""

from __future__ import annotations

import json
import logging

from workstation.errors import ExternalPartError
from workstation.sync.client import HttpCentralClient, NotSignedIn, Tokens

log = logging.getLogger(__name__)

SERVICE = "mot-cua-workstation"
_REFUSED_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class NoSafeKeyring(ExternalPartError):
    code = "sync.no_keyring"


def _keyring():  # type: ignore[no-untyped-def]
    import keyring

    backend = keyring.get_keyring()
    backends = getattr(backend, "backends", None)
    chosen = backends if backends is not None else [backend]
    safe = [b for b in chosen if not type(b).__module__.startswith(_REFUSED_BACKENDS)]
    if not safe:
        names = ", ".join(type(b).__name__ for b in chosen) or "none"
        raise NoSafeKeyring(
            f"no safe keyring to keep the sign-in in (found: {names}); install and unlock "
            "the system's keyring (Secret Service, Credential Manager, Keychain)",
            backend=names,
        )
    return keyring


def save_sign_in(server: str, tokens: Tokens) -> None:
    _keyring().set_password(
        SERVICE, server, json.dumps({"user": tokens.user, "refresh_token": tokens.refresh_token})
    )


def load_sign_in(server: str) -> tuple[str, str]:
    """The (user, refresh token) kept for ``server``; :class:`NotSignedIn` if none."""
    stored = _keyring().get_password(SERVICE, server)
    if not stored:
        raise NotSignedIn(f"not signed in to {server}; run workstation login", server=server)
    data = json.loads(stored)
    return data["user"], data["refresh_token"]


def forget_sign_in(server: str) -> bool:
    """Remove the sign-in kept for ``server``; False if there was none."""
    keyring = _keyring()
    from keyring.errors import PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, server)
    except PasswordDeleteError:
        return False
    return True


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


def signed_in_client(server: str, **options: object) -> HttpCentralClient:
    """A client for ``server`` using the kept sign-in (refreshing its access on first use)."""
    _user, refresh = load_sign_in(server)
    return HttpCentralClient(server, refresh_token=refresh, **options)  # type: ignore[arg-type]
