"""What a long operation gets from whoever runs it: a way to stop, to report, to ask.

Core code that takes a while (storing a dossier's files, a scan batch, signing
a stack of documents) takes a :class:`TaskContext` and uses three things, none
of them Qt:

- ``context.token.raise_if_cancelled()`` between steps: raises
  :class:`~workstation.errors.Cancelled` once the officer has cancelled;
- ``context.progress(step, done, total)``: ``step`` is a message key. It is a
  cancellation point too (it raises ``Cancelled`` when cancelled), so code
  that already reports progress can be cancelled without more changes;
- ``context.ask(question)``: blocks the calling thread until the officer has
  answered (a PIN, "feeder empty: scan more?") and returns the answer; raises
  ``Cancelled`` when the officer declines or the work is cancelled meanwhile.

The window builds contexts whose progress and questions reach the UI thread
(``workstation.ui.background``); the command line and tests use
:func:`plain_context`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workstation.errors import Cancelled

Progress = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)``; ``step`` is a message key."""


@dataclass(frozen=True)
class Question:
    """Something an operation needs the officer to decide before it can go on.

    ``key`` is a message key (``scan.feeder_empty``); ``params`` fill it in;
    ``secret`` asks for input that must not be shown or logged (a PIN).
    """

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    secret: bool = False


Ask = Callable[[Question], Any]
"""Called as ``ask(question)``; returns the officer's answer or raises ``Cancelled``."""


class CancelToken:
    """Set once by whoever runs the work; polled by the work. Safe from any thread."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`Cancelled` if the work has been cancelled."""
        if self._event.is_set():
            raise Cancelled()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until cancelled (True) or ``timeout`` seconds have passed (False)."""
        return self._event.wait(timeout)


def _no_progress(step: str, done: int, total: int) -> None:
    pass


def _cannot_ask(question: Question) -> Any:
    raise Cancelled()


@dataclass(frozen=True)
class TaskContext:
    """The cancellation token, progress report and question channel of one operation."""

    token: CancelToken = field(default_factory=CancelToken)
    report: Progress = _no_progress
    asker: Ask = _cannot_ask

    def progress(self, step: str, done: int, total: int) -> None:
        """Report progress; raises ``Cancelled`` if the work has been cancelled."""
        self.token.raise_if_cancelled()
        self.report(step, done, total)

    def ask(self, question: Question) -> Any:
        """Ask the officer and wait for the answer (``Cancelled`` if there is none)."""
        self.token.raise_if_cancelled()
        return self.asker(question)


def plain_context(progress: Progress | None = None, ask: Ask | None = None) -> TaskContext:
    """A context for the command line and tests: never cancelled, asks nothing by default."""
    return TaskContext(report=progress or _no_progress, asker=ask or _cannot_ask)
