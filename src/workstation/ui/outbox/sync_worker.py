"""The sending worker: runs the sender's rounds on their own executor, never on the UI thread.

:class:`SyncWorker` runs a :class:`~workstation.sync.status.SendOnce` on the
``sync`` executor (one thread of its own, so a slow network never holds up the
store's ``db`` queue), one round at a time: the next round is scheduled by a
single-shot timer only after the last one has finished, ``interval`` later
after a success and longer after each failure in a row
(:func:`~workstation.sync.status.retry_delay`). Each outcome is recorded on the
:class:`~workstation.sync.status.SyncStatus`.

:meth:`SyncWorker.stop` pauses it cleanly: the timer stops, a round in flight
is asked to stop through its cancel token and its outcome is dropped, and no
round is started again; the executor's thread then ends with the window's
:func:`~workstation.ui.background.shutdown`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from workstation.errors import Cancelled
from workstation.sync.status import SendOnce, SyncStatus, retry_delay
from workstation.tasks import TaskContext
from workstation.ui.background import BackgroundTask, register_executor, run_in_background
from workstation.ui.errors import error_code

log = logging.getLogger(__name__)

EXECUTOR = "sync"
INTERVAL = timedelta(seconds=30)
LONGEST = timedelta(minutes=15)

register_executor(EXECUTOR)


class SyncWorker(QObject):
    """Runs ``sender`` every ``interval`` (longer after failures) until :meth:`stop`.

    ``round_finished(sent)`` after a successful round, ``round_failed(code)``
    after a failed one (both on the UI thread).
    """

    round_finished = Signal(int)
    round_failed = Signal(str)

    def __init__(
        self,
        sender: SendOnce,
        status: SyncStatus,
        *,
        interval: timedelta = INTERVAL,
        longest: timedelta = LONGEST,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.sender = sender
        self.status = status
        self.interval = interval
        self.longest = longest
        self.failures = 0
        self._task: BackgroundTask | None = None
        self._running = False
        self._timer = QTimer(self)
        self._timer.setObjectName("sync-round")
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.send_now)

    @property
    def running(self) -> bool:
        """Started and not stopped."""
        return self._running

    @property
    def busy(self) -> bool:
        """A round is in flight."""
        return self._task is not None

    @property
    def next_delay(self) -> timedelta:
        """How long after the last round the next one starts."""
        return retry_delay(self.failures, base=self.interval, longest=self.longest)

    def start(self) -> None:
        """Start sending: a first round now, then one after each delay."""
        if self._running:
            return
        self._running = True
        self.send_now()

    def send_now(self) -> None:
        """Run a round now unless one is in flight (the officer asked, or the timer fired)."""
        if not self._running or self._task is not None:
            return
        self._timer.stop()
        sender = self.sender

        def send_round(context: TaskContext) -> int:
            return sender(context.token)

        self._task = run_in_background(
            self, send_round, self._succeeded, self._failed, executor=EXECUTOR
        )
        self._task.finished.connect(self._round_over)

    def _round_over(self) -> None:
        self._task = None

    def stop(self) -> None:
        """Pause cleanly: no timer, the round in flight asked to stop, no round after it."""
        self._running = False
        self._timer.stop()
        if self._task is not None:
            self._task.cancel()

    def _succeeded(self, sent: int) -> None:
        self._task = None
        if not self._running:
            return
        self.failures = 0
        self.status.record_success()
        log.info("sending round: %d sent", sent)
        self.round_finished.emit(sent)
        self._schedule()

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        if not self._running or isinstance(exc, Cancelled):
            return
        self.failures += 1
        code = error_code(exc)
        self.status.record_failure(code)  # the runner has logged the failure
        self.round_failed.emit(code)
        self._schedule()

    def _schedule(self) -> None:
        self._timer.start(int(self.next_delay.total_seconds() * 1000))
