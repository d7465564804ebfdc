"""The one way off the UI thread: :func:`run_in_background`.

An *operation* (a plain callable with no arguments) runs on an executor; its
result or its exception comes back on the UI thread, through a queued signal,
to ``on_success`` or ``on_failure``. The operation never touches a widget.
When ``on_failure`` is not given, failures go to the one error dialog
(:func:`workstation.ui.errors.show_error`); :class:`~workstation.errors.Cancelled`
is always silent.

One executor per resource, as in Anki's ``QueryOp`` and Vorta's job queues:

- ``"db"``: one thread. Every use of the store's database runs there, in the
  order it was asked for, so SQLite never sees two writers from this process.
- ``"io"``: a small pool for reading stored files, decoding images and
  rendering PDF pages.

The executors are plain Python threads (no ``QThread``); :func:`shutdown`
joins them, and the GUI calls it at exit. It waits at most
:data:`SHUTDOWN_WAIT_S` for running operations and logs any still running, so
a hung device cannot keep the window from closing. Tests wait for quiet with
:func:`wait_for_idle` or on :attr:`BackgroundRunner.became_idle` /
:attr:`BackgroundTask.finished`, never by sleeping.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QThread, QTimer, Signal, Slot

from workstation.errors import Cancelled, WorkstationError
from workstation.ui.errors import show_error, window_of

log = logging.getLogger(__name__)

T = TypeVar("T")

THREAD_PREFIX = "workstation-"
EXECUTORS: dict[str, int] = {"db": 1, "io": 2}
"""Executor name → number of threads."""
SHUTDOWN_WAIT_S = 10.0
"""How long :func:`shutdown` waits for running operations before giving up on them."""


class BackgroundTask(QObject):
    """One operation handed to an executor; its outcome is delivered on the UI thread.

    ``succeeded(result)``, ``failed(exception)`` (not for a cancellation) and
    ``finished()`` are emitted after the callbacks ran, so a test can wait on them.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()
    _completed = Signal(object, object)  # (result, exception), emitted from the worker

    def __init__(
        self,
        runner: BackgroundRunner,
        parent: QObject | None,
        name: str,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__()
        self.name = name
        self._runner = runner
        self._requester = parent
        self._on_success = on_success
        self._on_failure = on_failure
        self._abandoned = False
        self.future: Future[None] | None = None
        self._completed.connect(self._deliver)

    def run(self, op: Callable[[], Any]) -> None:
        """Run ``op`` on the calling (worker) thread and post its outcome to the UI thread."""
        try:
            result = op()
        except BaseException as exc:  # every outcome must reach the UI thread
            self._completed.emit(None, exc)
        else:
            self._completed.emit(result, None)

    @Slot(object, object)
    def _deliver(self, result: Any, error: BaseException | None) -> None:
        if self._abandoned:
            return
        try:
            if self._requester is not None and not shiboken6.isValid(self._requester):
                log.debug(
                    "%s finished after its widget was deleted; dropping the outcome", self.name
                )
            elif error is None:
                self._on_success(result)
                self.succeeded.emit(result)
            elif isinstance(error, Cancelled):
                log.info("%s cancelled", self.name)
                self.cancelled.emit()
            else:
                self._report(error)
                self.failed.emit(error)
        finally:
            try:
                self.finished.emit()
            finally:
                self._runner._forget(self)

    def _report(self, error: BaseException) -> None:
        if isinstance(error, WorkstationError):
            # The code only: the detail can carry a file name or other personal data
            # (the error dialog's report still has it, for support).
            log.warning("%s failed: [%s]", self.name, error.code)
        else:
            log.error("%s failed", self.name, exc_info=(type(error), error, error.__traceback__))
        if self._on_failure is not None:
            self._on_failure(error)
            return
        show_error(window_of(self._requester), error)


class BackgroundRunner(QObject):
    """Owns the executors and the tasks in flight; ``became_idle`` is emitted when none is left."""

    became_idle = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._executors: dict[str, ThreadPoolExecutor] = {}
        self._tasks: set[BackgroundTask] = set()

    @property
    def pending(self) -> int:
        """How many operations have not yet been delivered."""
        return len(self._tasks)

    def submit(
        self,
        parent: QObject | None,
        op: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None] | None = None,
        executor: str = "db",
    ) -> BackgroundTask:
        app = QCoreApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            raise RuntimeError("run_in_background must be called from the UI thread")
        if executor not in EXECUTORS:
            raise ValueError(f"unknown executor {executor!r}; choose one of {sorted(EXECUTORS)}")
        name = getattr(op, "__qualname__", repr(op))
        task = BackgroundTask(self, parent, name, on_success, on_failure)
        self._tasks.add(task)
        task.future = self._executor(executor).submit(task.run, op)
        return task

    def _executor(self, name: str) -> ThreadPoolExecutor:
        if name not in self._executors:
            self._executors[name] = ThreadPoolExecutor(
                max_workers=EXECUTORS[name], thread_name_prefix=f"{THREAD_PREFIX}{name}"
            )
        return self._executors[name]

    def _forget(self, task: BackgroundTask) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self.became_idle.emit()

    def wait_for_idle(self, timeout_ms: int = 10_000) -> bool:
        """Run the event loop until every operation is delivered; False on timeout."""
        if not self._tasks:
            return True
        loop = QEventLoop()
        timer = QTimer(singleShot=True, interval=timeout_ms)
        timer.timeout.connect(loop.quit)
        self.became_idle.connect(loop.quit)
        timer.start()
        try:
            loop.exec()
        finally:
            timer.stop()
            self.became_idle.disconnect(loop.quit)
        return not self._tasks

    def shutdown(self, timeout_s: float = SHUTDOWN_WAIT_S) -> bool:
        """Drop operations not yet started, wait up to ``timeout_s`` for running ones.

        Returns True when every thread has ended. An operation still running after
        the wait (a hung device, a stuck file system) is logged and left to finish
        on its own: the window must be able to close.
        """
        for executor in self._executors.values():
            executor.shutdown(wait=False, cancel_futures=True)
        running = {t.future: t.name for t in self._tasks if t.future is not None}
        _, not_done = wait(running, timeout=max(0.0, timeout_s))
        for task in self._tasks:
            task._abandoned = True
        self._tasks.clear()
        if not_done:
            log.warning(
                "background work still running after %.0f s, not waited for: %s",
                timeout_s,
                ", ".join(sorted(running[f] for f in not_done)),
            )
            self._executors.clear()
            return False
        for executor in self._executors.values():
            # Every future is done: the threads are leaving; join them.
            executor.shutdown(wait=True)
        self._executors.clear()
        return True


_runner: BackgroundRunner | None = None


def runner() -> BackgroundRunner:
    """The process's runner (created on first use, on the UI thread)."""
    global _runner
    if _runner is None or not shiboken6.isValid(_runner):
        _runner = BackgroundRunner()
    return _runner


def run_in_background(
    parent: QObject | None,
    op: Callable[[], T],
    on_success: Callable[[T], None],
    on_failure: Callable[[BaseException], None] | None = None,
    executor: str = "db",
) -> BackgroundTask:
    """Run ``op`` on ``executor``; ``on_success(result)`` or ``on_failure(exc)`` on the UI thread.

    ``parent`` is the object that asked: if it has been deleted by the time the
    outcome arrives, the callbacks are skipped. Without ``on_failure`` a failure
    opens the error dialog over ``parent``'s window. ``Cancelled`` is silent.
    """
    return runner().submit(parent, op, on_success, on_failure, executor)


def wait_for_idle(timeout_ms: int = 10_000) -> bool:
    """Wait (running the event loop) until all background work is delivered."""
    return runner().wait_for_idle(timeout_ms)


def shutdown(timeout_s: float = SHUTDOWN_WAIT_S) -> bool:
    """Stop the executors and join their threads (waiting at most ``timeout_s``).

    Safe to call more than once; False if some operation was still running.
    """
    if _runner is not None and shiboken6.isValid(_runner):
        return _runner.shutdown(timeout_s)
    return True


def worker_threads() -> list[threading.Thread]:
    """The executors' threads still alive (empty after :func:`shutdown`)."""
    return [t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX)]


class ProgressRelay(QObject):
    """Adapts the core's plain ``progress(step, done, total)`` callback to a signal.

    Pass the relay itself as the callback; ``progressed`` arrives on the UI
    thread as a queued signal, whatever thread called it. Create it without a
    Qt parent and let the operation's closure keep it: the widget showing the
    progress may go away while the operation still runs. A call after the Qt
    object is gone anyway is dropped rather than raised into the operation.
    """

    progressed = Signal(str, int, int)

    def __call__(self, step: str, done: int, total: int) -> None:
        if shiboken6.isValid(self):
            self.progressed.emit(step, done, total)
