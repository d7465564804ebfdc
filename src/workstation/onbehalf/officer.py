"""Who the officer at the counter is, for what the workstation tells the central system.

An on-behalf message (filed online, a payment, a hand-over, a rating) names
the officer who did it. The officer is the user signed in to the central
system (the sign-in kept in the keyring); on a workstation without a sign-in,
the operating system's user, named as such, so the central system can tell a
checked identity from a local one. The composition root (``services.py``)
provides the one function that answers; the use cases only take its answer.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class OfficerSource(StrEnum):
    """Where the officer's name came from."""

    CENTRAL_SIGN_IN = "central_sign_in"  # the user signed in to the central system
    OFFLINE_SIGN_IN = "offline_sign_in"  # checked offline against their kept verifier
    OS_USER = "os_user"  # the operating system's user (no sign-in to the central system)


@dataclass(frozen=True)
class Officer:
    """The officer as the outbox messages name them."""

    user: str
    source: OfficerSource

    def as_payload(self) -> dict[str, Any]:
        return {"user": self.user, "source": str(self.source)}


def os_officer() -> Officer:
    """The operating system's user, named as such (the fallback without a sign-in)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name and no user database entry
        user = ""
    return Officer(user or "unknown", OfficerSource.OS_USER)


def officer_payload(officer: Officer | None) -> dict[str, Any] | None:
    """The ``officer`` field of an outbox payload (None when the caller gave none)."""
    return officer.as_payload() if officer is not None else None
