"""A central system that acknowledges everything, and its login, as real implementations
of the sync seams (:class:`~workstation.sync.status.SendOnce` and
:class:`~workstation.sync.status.Login`).

Used until the sync client and its reference server land here:

- :class:`FakeSender` drains the real outbox (``claim_next`` then ``mark_sent``)
  as if the central system acknowledged every message; while :attr:`offline`
  is set it claims nothing and raises the error an unreachable server gives;
  with :attr:`gate` set it waits there (a slow network) until the gate opens or
  the round is cancelled. It records the threads it ran on.
- :class:`FakeLogin` accepts one user and password and refuses any other with
  :class:`~workstation.sync.status.SignInRefused`; it records the servers and
  users it was asked for (never the password).
"""

from __future__ import annotations

import threading

from workstation.errors import Cancelled, ExternalPartError
from workstation.store import Database
from workstation.store.outbox import claim_next, mark_sent
from workstation.sync.status import SignInRefused
from workstation.tasks import CancelToken

GATE_POLL_S = 0.02


class FakeSender:
    """Sends (acknowledges) every due message of ``database``'s outbox in one round."""

    def __init__(self, database: Database, *, offline: bool = False) -> None:
        self.database = database
        self.offline = offline
        self.gate: threading.Event | None = None
        self.entered = threading.Event()
        self.rounds = 0
        self.threads: list[str] = []

    def __call__(self, token: CancelToken) -> int:
        self.rounds += 1
        self.threads.append(threading.current_thread().name)
        self.entered.set()
        if self.gate is not None:
            while not self.gate.wait(GATE_POLL_S):
                if token.cancelled:
                    raise Cancelled()
        if self.offline:
            raise ExternalPartError("connection refused", code="external.unavailable")
        sent = 0
        while not token.cancelled:
            with self.database.transaction() as session:
                claimed = claim_next(session, limit=50)
                for entry in claimed:
                    mark_sent(session, entry.message_id)
            if not claimed:
                break
            sent += len(claimed)
        return sent


class FakeLogin:
    """Signs in ``user`` with ``password`` only; returns the officer's display name."""

    def __init__(self, user: str, password: str, name: str = "Cán bộ một cửa") -> None:
        self._user = user
        self._password = password
        self.name = name
        self.attempts: list[tuple[str, str]] = []  # (server, user): never the password

    def __call__(self, server: str, user: str, password: str) -> str:
        self.attempts.append((server, user))
        if user != self._user or password != self._password:
            raise SignInRefused(f"sign-in refused for user at {server}")
        return self.name
