"""What the window says about the link to the central system, and the seams the sender fills.

:class:`SyncStatus` holds the facts of the last sending rounds (online or not,
when the last one succeeded, the last error's code) and tells its observers of
each change, from whichever thread made it. :func:`connection` turns those
facts, the configured address and whether a sender exists into the one
:class:`Connection` the status bar shows: it says "not connected" when no
address is set and "not sending yet" when no sender exists, never pretending
to send.

:class:`SendOnce` is the sender's callable the window runs in its background
worker; :class:`Login` the sign-in dialog's; :class:`SignInRefused` what a login
raises for a wrong user or password.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from workstation.domain import clock
from workstation.errors import BadInput
from workstation.tasks import CancelToken


class SendOnce(Protocol):
    """One sending round: send what is due now, return how many messages were sent.

    Polls ``token`` between messages and raises :class:`~workstation.errors.Cancelled`
    when it is set; raises a :class:`~workstation.errors.WorkstationError` when the
    central system cannot be reached (the worker then waits longer before the next round).
    """

    def __call__(self, token: CancelToken) -> int: ...


class Login(Protocol):
    """Sign the officer in to ``server``; return what the caller shows (the officer's name).

    Raises :class:`SignInRefused` for a wrong user or password. The password is
    never stored nor logged.
    """

    def __call__(self, server: str, user: str, password: str) -> Any: ...


class SignInRefused(BadInput):
    """The central system refused the user name or password."""

    code = "sync.sign_in_refused"


class Connection(StrEnum):
    """What the status bar says about the central system; text key ``outbox.connection.<value>``."""

    NOT_CONFIGURED = "not_configured"  # no address in the settings
    NOT_SENDING = "not_sending"  # an address, but this version has no sender yet
    CONNECTING = "connecting"  # a sender, no round finished yet
    ONLINE = "online"  # the last round reached the central system
    OFFLINE = "offline"  # the last round could not


@dataclass(frozen=True)
class SyncSnapshot:
    """The facts at one moment: ``online`` is None before the first round finishes."""

    online: bool | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    """The last failure's code (``network.unreachable``), never a payload or a name."""


Observer = Callable[[SyncSnapshot], None]


class SyncStatus:
    """The link's facts, updated by the sender (any thread), read and observed by the window."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot = SyncSnapshot()
        self._observers: list[Observer] = []

    def snapshot(self) -> SyncSnapshot:
        with self._lock:
            return self._snapshot

    def record_success(self, when: datetime | None = None) -> None:
        """A round reached the central system."""
        self._set(online=True, last_success=when or clock.now(), last_error=None)

    def record_failure(self, code: str) -> None:
        """A round could not reach the central system, for the error ``code``."""
        self._set(online=False, last_error=code)

    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer(snapshot)`` after each change (on the changing thread); return the
        function that stops it."""
        with self._lock:
            self._observers.append(observer)

        def unsubscribe() -> None:
            with self._lock:
                if observer in self._observers:
                    self._observers.remove(observer)

        return unsubscribe

    def _set(self, **changes: Any) -> None:
        with self._lock:
            self._snapshot = replace(self._snapshot, **changes)
            snapshot, observers = self._snapshot, list(self._observers)
        for observer in observers:
            observer(snapshot)


def connection(snapshot: SyncSnapshot, central_url: str, has_sender: bool) -> Connection:
    """What to tell the officer about the central system."""
    if not central_url.strip():
        return Connection.NOT_CONFIGURED
    if not has_sender:
        return Connection.NOT_SENDING
    if snapshot.online is None:
        return Connection.CONNECTING
    return Connection.ONLINE if snapshot.online else Connection.OFFLINE


def retry_delay(
    failures: int,
    *,
    base: timedelta = timedelta(seconds=30),
    longest: timedelta = timedelta(minutes=15),
) -> timedelta:
    """How long the worker waits before the next round after ``failures`` failed ones in a row.

    ``base`` after a success, then doubling per failure up to ``longest``.
    """
    if failures <= 0:
        return base
    return min(base * 2 ** min(failures, 30), longest)
