"""The OS keyring, refused when it would not really keep a secret.

On a machine without Secret Service, Credential Manager or Keychain, ``keyring``
falls back to a backend that fails, keeps nothing, or (with ``keyrings.alt``)
writes secrets to a plain file. Both the officer's sign-in (``sync.auth``) and
the store's key (``store.keys``) go through :func:`safe_keyring` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

REFUSED_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def safe_keyring(refusal: Callable[[str], Exception]) -> ModuleType:
    """The ``keyring`` module when a backend that keeps secrets is chosen; otherwise raise
    ``refusal(names)``, ``names`` the backends found."""
    import keyring

    backend = keyring.get_keyring()
    backends = getattr(backend, "backends", None)
    chosen = backends if backends is not None else [backend]
    if not [b for b in chosen if not type(b).__module__.startswith(REFUSED_BACKENDS)]:
        raise refusal(", ".join(type(b).__name__ for b in chosen) or "none")
    return keyring
