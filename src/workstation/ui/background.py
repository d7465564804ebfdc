"""The one way off the UI thread: :func:`run_in_background`.

An *operation* is plain core code that never touches a widget. It runs on a
named executor; its result or its exception comes back on the UI thread,
through a queued signal, to ``on_success`` or ``on_failure``. When
``on_failure`` is not given, failures go to the one error dialog
(:func:`workstation.ui.errors.show_error`); :class:`~workstation.errors.Cancelled`
is always silent.

**What an operation may take.** An op with no required argument is called as
``op()``. An op with one required argument is called as ``op(context)``, a
:class:`~workstation.tasks.TaskContext`: ``context.token.raise_if_cancelled()``
(the task's :meth:`BackgroundTask.cancel` sets it), ``context.progress(step,
done, total)`` (arrives as :attr:`BackgroundTask.progressed` on the UI thread)
and ``context.ask(question)``, which blocks the worker until ``on_question``
(called on the UI thread with the question and a :class:`Reply`) answers or
declines.

**Steps.** ``then=[(executor, step), …]`` runs further steps, each given the
previous step's result (and the context, if it takes a second argument). The
runner checks the token before the first step only: once a step has handed on,
the next one runs (it may poll the context itself). A step hands over to the
next from the worker thread, without passing through the UI thread, so the
chain goes on whatever happens to the widget that started it.
``essential=True`` marks work the officer has committed to (saving a received
dossier): :func:`shutdown` waits for it instead of cancelling it, and its
failure is shown in the error dialog even when the asking widget is gone.

**Executors.** One per resource, as in Anki's ``QueryOp`` and Vorta's job
queues:

- ``"db"``: one thread; every use of the store's database runs there, in order.
- ``"io"``: a small pool for reading and storing files and rendering pages.
- any name given to :func:`register_executor` at run time (``"scanner:<id>"``,
  ``"token:<slot>"``), one thread by default: a device is never driven from
  two threads.
- ``"cpu"``: the process pool of :func:`workstation.workers.process_pool`. Its
  ops (and chained steps) run in another process, so they **must be
  picklable** (a module-level function or a ``functools.partial`` of one, with
  picklable arguments and result) and get no context: they cannot be
  cancelled once started, report progress or ask.

The thread executors are our own daemon threads, not ``ThreadPoolExecutor``'s,
whose threads the interpreter joins at exit: an op stuck on a device must not
keep the process alive after the window has closed. :func:`shutdown` cancels
what is not essential, waits at most :data:`SHUTDOWN_WAIT_S` and leaves the
rest behind.

**Qt objects die on the UI thread.** Worker threads hold no Qt object: they
post outcomes, progress and questions through the process-wide
:class:`BackgroundRunner` (which lives as long as the application) with the
task's number, and the :class:`BackgroundTask` itself is kept and released
on the UI thread. Tests wait for quiet with :func:`wait_for_idle` or on
:attr:`BackgroundRunner.became_idle` / :attr:`BackgroundTask.finished`, never
by sleeping.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QThread, QTimer, Signal, Slot

from workstation import workers
from workstation.errors import Cancelled, WorkstationError
from workstation.logs import structural_traceback
from workstation.tasks import CancelToken, Question, TaskContext
from workstation.ui.errors import show_error, window_of

log = logging.getLogger(__name__)

T = TypeVar("T")

THREAD_PREFIX = "workstation-"
CPU = "cpu"
"""The executor name of the process pool."""
EXECUTORS: dict[str, int] = {"db": 1, "io": 2}
"""Thread executor name → number of threads (see :func:`register_executor`)."""
SHUTDOWN_WAIT_S = 5.0
"""How long :func:`shutdown` waits for running operations before leaving them behind."""
ESSENTIAL_CHECK_MS = 50
"""How often :meth:`BackgroundRunner.wait_for_essential` looks whether a save is still pending."""
ANSWER_POLL_S = 0.1
"""How often a worker waiting for an answer looks whether its work was cancelled."""

_registry_lock = threading.Lock()


def register_executor(name: str, threads: int = 1) -> None:
    """Make ``name`` an executor of ``threads`` threads (one: a serial queue).

    For a scanner or a token slot found at run time. Registering a name again
    with the same size does nothing; with another size it is refused.
    """
    if name == CPU or not name:
        raise ValueError(f"{name!r} cannot name a thread executor")
    if threads < 1:
        raise ValueError("an executor needs at least one thread")
    with _registry_lock:
        known = EXECUTORS.get(name)
        if known is not None and known != threads:
            raise ValueError(f"executor {name!r} already has {known} thread(s)")
        EXECUTORS[name] = threads


class Reply:
    """The officer's answer to one :class:`~workstation.tasks.Question`, awaited by a worker."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self._given = threading.Event()
        self._answer: Any = None
        self._declined = False

    def answer(self, value: Any) -> None:
        """Give the answer; the waiting operation goes on with ``value``."""
        if not self._given.is_set():
            self._answer = value
            self._given.set()

    def decline(self) -> None:
        """No answer: the waiting operation gets :class:`Cancelled`."""
        if not self._given.is_set():
            self._declined = True
            self._given.set()

    @property
    def settled(self) -> bool:
        return self._given.is_set()

    def wait(self, token: CancelToken) -> Any:
        """Block the worker until answered or declined, or the work is cancelled."""
        while not self._given.wait(ANSWER_POLL_S):
            if token.cancelled:
                self.decline()
        if self._declined:
            raise Cancelled()
        return self._answer


# Worker side: plain Python only. ---------------------------------------------


class _ThreadExecutor:
    """A queue served by up to ``size`` daemon threads, started as work arrives."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.size = size
        self._queue: deque[_Step] = deque()
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._stopped = False

    def submit(self, step: _Step) -> None:
        with self._cond:
            if self._stopped:
                raise RuntimeError(f"the {self.name} executor has stopped")
            self._queue.append(step)
            if self._idle == 0 and len(self._threads) < self.size:
                thread = threading.Thread(
                    target=self._serve,
                    name=f"{THREAD_PREFIX}{self.name}-{len(self._threads)}",
                    daemon=True,  # never joined at interpreter exit: see the module docstring
                )
                self._threads.append(thread)
                thread.start()
            self._cond.notify()

    def _serve(self) -> None:
        while True:
            with self._cond:
                self._idle += 1
                while not self._queue and not self._stopped:
                    self._cond.wait()
                self._idle -= 1
                if not self._queue:
                    return
                step = self._queue.popleft()
            key = step.job.key
            ended = step.run()
            # Let go of everything the operation held (its closure, its result, its
            # error's traceback) before telling the UI thread, which then drops the
            # last reference: whatever Qt object an op captured dies on the UI thread.
            del step
            if ended:
                _post("_released", key)

    def drop_queued(self, keep: Callable[[_Job], bool]) -> list[_Job]:
        """Remove the queued steps whose job ``keep`` refuses; return those jobs."""
        with self._cond:
            dropped = [s.job for s in self._queue if not keep(s.job)]
            self._queue = deque(s for s in self._queue if keep(s.job))
        return dropped

    def stop(self) -> None:
        """Take no more work; the threads leave once the queue is empty."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def join(self, deadline: float) -> bool:
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._threads)


Executor = _ThreadExecutor | ProcessPoolExecutor


class _Step:
    """Step ``index`` of ``job``, given the previous step's result."""

    __slots__ = ("index", "job", "value")

    def __init__(self, job: _Job, index: int, value: Any) -> None:
        self.job, self.index, self.value = job, index, value

    def run(self) -> bool:
        return self.job.run_step(self.index, self.value)


def _wants_context(fn: Callable[..., Any], given: int) -> bool:
    """True if ``fn`` has more required positional parameters than the ``given`` ones."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [
        p
        for p in signature.parameters.values()
        if p.kind in positional and p.default is inspect.Parameter.empty
    ]
    return len(required) > given


class _Job:
    """The operation and its further steps, run from executor to executor off the UI thread."""

    def __init__(
        self,
        key: int,
        steps: Sequence[tuple[Executor, Callable[..., Any]]],
        token: CancelToken,
        essential: bool,
    ) -> None:
        self.key = key
        self.steps = list(steps)
        self.essential = essential
        self.token = token
        self.context = TaskContext(
            token=token,
            report=lambda step, done, total: _post("_progressed", key, step, done, total),
            asker=self._ask,
        )
        self.running = threading.Event()
        self.done = threading.Event()
        self.future: Future[Any] | None = None  # of a step in the process pool

    def start(self) -> None:
        self._submit(0, None)

    def _ask(self, question: Question) -> Any:
        reply = Reply(question)
        _post("_asked", self.key, reply)
        return reply.wait(self.token)

    def _submit(self, index: int, value: Any) -> None:
        executor, fn = self.steps[index]
        if isinstance(executor, ProcessPoolExecutor):
            future = executor.submit(fn) if index == 0 else executor.submit(fn, value)
            self.future = future
            future.add_done_callback(lambda f: self._after_process(index, f))
        else:
            executor.submit(_Step(self, index, value))

    def run_step(self, index: int, value: Any) -> bool:
        """Run one step on this worker; True if the job ended here (no step handed on)."""
        self.running.set()
        try:
            if index == 0:  # once handed on, a step is the op's to cancel, not the runner's
                self.token.raise_if_cancelled()
            fn = self.steps[index][1]
            given = 0 if index == 0 else 1
            args = () if index == 0 else (value,)
            if _wants_context(fn, given):
                args = (*args, self.context)
            result = fn(*args)
        except BaseException as exc:  # every outcome must reach the UI thread
            self.finish(None, exc)
            return True
        return self._next(index, result)

    def _after_process(self, index: int, future: Future[Any]) -> None:
        if future.cancelled():
            self.finish(None, Cancelled())
            ended = True
        elif (error := future.exception()) is not None:
            self.finish(None, error)
            ended = True
        else:
            ended = self._next(index, future.result())
        if ended:
            _post("_released", self.key)

    def _next(self, index: int, result: Any) -> bool:
        if index + 1 == len(self.steps):
            self.finish(result, None)
            return True
        try:
            self._submit(index + 1, result)
        except BaseException as exc:  # the executor stopped (shutdown): say so
            self.finish(None, exc)
            return True
        return False

    def finish(self, result: Any, error: BaseException | None) -> None:
        _post("_completed", self.key, result, error)
        self.done.set()


def _post(signal: str, *args: Any) -> None:
    """Emit one of the runner's signals from a worker (queued to the UI thread)."""
    hub = _runner
    if hub is not None and shiboken6.isValid(hub):
        getattr(hub, signal).emit(*args)


# UI side. ---------------------------------------------------------------------


class BackgroundTask(QObject):
    """One operation (with its steps); its outcome is delivered on the UI thread.

    ``succeeded(result)``, ``failed(exception)`` (not for a cancellation),
    ``cancelled()`` and ``finished()`` are emitted after the callbacks ran, so
    a test can wait on them; ``progressed(step, done, total)`` and
    ``asked(question)`` while it runs.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()
    progressed = Signal(str, int, int)
    asked = Signal(object)

    def __init__(
        self,
        parent: QObject | None,
        name: str,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None,
        on_question: Callable[[Question, Reply], None] | None,
        essential: bool,
    ) -> None:
        super().__init__()
        self.name = name
        self.token = CancelToken()
        self.essential = essential
        self._requester = parent
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_question = on_question
        self._replies: list[Reply] = []
        self.abandoned = False

    def cancel(self) -> None:
        """Ask the operation to stop at its next cancellation point."""
        self.token.cancel()
        for reply in self._replies:
            reply.decline()

    def _requester_gone(self) -> bool:
        return self._requester is not None and not shiboken6.isValid(self._requester)

    def _question(self, reply: Reply) -> None:
        if self.abandoned or self._on_question is None or self._requester_gone():
            reply.decline()
            return
        self._replies = [r for r in self._replies if not r.settled] + [reply]
        self.asked.emit(reply.question)
        try:
            self._on_question(reply.question, reply)
        except BaseException:
            reply.decline()
            raise

    def _deliver(self, result: Any, error: BaseException | None) -> None:
        if self.abandoned:
            return
        try:
            if self._requester_gone():
                self._deliver_orphaned(error)
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
            self.finished.emit()

    def _deliver_orphaned(self, error: BaseException | None) -> None:
        if error is None or isinstance(error, Cancelled) or not self.essential:
            log.debug("%s finished after its widget was deleted; outcome dropped", self.name)
            return
        # Work the officer committed to failed and nobody is left to say so: say it.
        self._log_failure(error)
        show_error(None, error)
        self.failed.emit(error)

    def _log_failure(self, error: BaseException) -> None:
        if isinstance(error, WorkstationError):
            # The code only: the detail can carry a file name or other personal data
            # (the error dialog's report still has it, for support).
            log.warning("%s failed: [%s]", self.name, error.code)
        else:
            # Where it failed, not what its message said: an unexpected error's message
            # can carry a key, a password or a citizen's data that the redaction misses.
            log.error("%s failed: %s", self.name, structural_traceback(error))

    def _report(self, error: BaseException) -> None:
        self._log_failure(error)
        if self._on_failure is not None:
            self._on_failure(error)
            return
        show_error(window_of(self._requester), error)


class BackgroundRunner(QObject):
    """Owns the executors and the tasks in flight; ``became_idle`` is emitted when none is left.

    Lives as long as the application: workers post to it, never to a task.
    """

    became_idle = Signal()
    _completed = Signal(object, object, object)  # key, result, error
    _progressed = Signal(object, str, int, int)  # key, step, done, total
    _asked = Signal(object, object)  # key, Reply
    _released = Signal(object)  # key: the worker holds nothing of the job any more

    def __init__(self) -> None:
        super().__init__()
        self._executors: dict[str, Executor] = {}
        self._tasks: dict[int, BackgroundTask] = {}
        self._jobs: dict[int, _Job] = {}
        self._keys = itertools.count(1)
        self._completed.connect(self._deliver)
        self._progressed.connect(self._progress)
        self._asked.connect(self._question)
        self._released.connect(self._release)

    @property
    def pending(self) -> int:
        """How many operations have not yet been delivered."""
        return len(self._tasks)

    def submit(
        self,
        parent: QObject | None,
        op: Callable[..., T],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None = None,
        executor: str = "db",
        *,
        then: Sequence[tuple[str, Callable[..., Any]]] = (),
        essential: bool = False,
        on_progress: Callable[[str, int, int], None] | None = None,
        on_question: Callable[[Question, Reply], None] | None = None,
    ) -> BackgroundTask:
        app = QCoreApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            raise RuntimeError("run_in_background must be called from the UI thread")
        steps = [(self._executor(executor), op)]
        steps += [(self._executor(name), step) for name, step in then]
        name = getattr(op, "__qualname__", repr(op))
        task = BackgroundTask(parent, name, on_success, on_failure, on_question, essential)
        if on_progress is not None:
            task.progressed.connect(on_progress)
        key = next(self._keys)
        job = _Job(key, steps, task.token, essential)
        self._tasks[key] = task
        self._jobs[key] = job
        job.start()
        return task

    def _executor(self, name: str) -> Executor:
        if name not in self._executors:
            if name == CPU:
                self._executors[name] = workers.process_pool()
            elif name in EXECUTORS:
                self._executors[name] = _ThreadExecutor(name, EXECUTORS[name])
            else:
                known = sorted([*EXECUTORS, CPU])
                raise ValueError(f"unknown executor {name!r}; choose one of {known}")
        return self._executors[name]

    @Slot(object, object, object)
    def _deliver(self, key: int, result: Any, error: BaseException | None) -> None:
        task = self._tasks.pop(key, None)
        if task is None:
            return
        try:
            task._deliver(result, error)
        finally:
            if not self._tasks:
                self.became_idle.emit()

    @Slot(object)
    def _release(self, key: int) -> None:
        self._jobs.pop(key, None)  # the last reference to the job, dropped here

    @Slot(object, str, int, int)
    def _progress(self, key: int, step: str, done: int, total: int) -> None:
        task = self._tasks.get(key)
        if task is not None and not task.abandoned:
            task.progressed.emit(step, done, total)

    @Slot(object, object)
    def _question(self, key: int, reply: Reply) -> None:
        task = self._tasks.get(key)
        if task is None:
            reply.decline()
        else:
            task._question(reply)

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

    def wait_for_essential(self, timeout_ms: int = 5_000) -> bool:
        """Run the event loop until no essential operation (a save) is pending; False on timeout.

        What the window waits for when it closes: a save the officer started must
        finish and be reported, while a list load or a stuck scanner need not be.
        """
        if not self._essential_pending():
            return True
        loop = QEventLoop()
        deadline = QTimer(singleShot=True, interval=timeout_ms)
        deadline.timeout.connect(loop.quit)
        check = QTimer(interval=ESSENTIAL_CHECK_MS)
        check.timeout.connect(lambda: None if self._essential_pending() else loop.quit())
        deadline.start()
        check.start()
        try:
            loop.exec()
        finally:
            check.stop()
            deadline.stop()
        return not self._essential_pending()

    def _essential_pending(self) -> bool:
        return any(task.essential for task in self._tasks.values())

    def shutdown(self, timeout_s: float = SHUTDOWN_WAIT_S) -> bool:
        """Cancel what is not essential, wait up to ``timeout_s``, stop the executors.

        Returns True when every thread has ended. An operation still running after
        the wait (a hung device, a stuck file system) is logged and left behind on
        its daemon thread, which does not keep the process alive.
        """
        deadline = time.monotonic() + max(0.0, timeout_s)
        for task in self._tasks.values():
            if not task.essential:
                task.cancel()
        for executor in self._executors.values():
            if isinstance(executor, _ThreadExecutor):
                for job in executor.drop_queued(keep=lambda j: j.essential):
                    job.done.set()
        for job in self._jobs.values():
            if job.future is not None and not job.essential:
                job.future.cancel()  # only if it has not started: then it is delivered now
        waiting = {key: job for key, job in self._jobs.items() if not job.done.is_set()}
        for job in waiting.values():
            job.done.wait(max(0.0, deadline - time.monotonic()))
        stuck = sorted(self._tasks[k].name for k, j in waiting.items() if not j.done.is_set())
        for task in self._tasks.values():
            task.abandoned = True
            for reply in task._replies:
                reply.decline()
        self._tasks.clear()
        ended = True
        for executor in self._executors.values():
            if isinstance(executor, _ThreadExecutor):
                executor.stop()
                ended = executor.join(deadline) and ended
            elif stuck:
                _terminate(executor)
            else:
                executor.shutdown(wait=True, cancel_futures=True)
        self._executors.clear()
        if ended:
            self._jobs.clear()  # no worker holds any of them now
        if stuck:
            log.warning(
                "background work still running after %.1f s, left behind: %s",
                timeout_s,
                ", ".join(stuck),
            )
        return ended and not stuck


def _terminate(pool: ProcessPoolExecutor) -> None:
    """End a process pool's workers now (an op stuck in one must not outlive the window)."""
    # ProcessPoolExecutor has no public way to stop a running worker.
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


_runner: BackgroundRunner | None = None


def runner() -> BackgroundRunner:
    """The process's runner (created on first use, on the UI thread)."""
    global _runner
    if _runner is None or not shiboken6.isValid(_runner):
        _runner = BackgroundRunner()
    return _runner


def run_in_background(
    parent: QObject | None,
    op: Callable[..., T],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None] | None = None,
    executor: str = "db",
    *,
    then: Sequence[tuple[str, Callable[..., Any]]] = (),
    essential: bool = False,
    on_progress: Callable[[str, int, int], None] | None = None,
    on_question: Callable[[Question, Reply], None] | None = None,
) -> BackgroundTask:
    """Run ``op`` (then each of ``then``) off the UI thread; deliver on the UI thread.

    ``on_success(result)`` gets the last step's result, ``on_failure(exc)`` the
    first failure. ``parent`` is the object that asked: if it has been deleted
    by the time the outcome arrives, the callbacks are skipped (an essential
    task's failure still reaches the error dialog). Without ``on_failure`` a
    failure opens the error dialog over ``parent``'s window. ``Cancelled`` is
    silent. See the module docstring for contexts, steps and executors.
    """
    return runner().submit(
        parent,
        op,
        on_success,
        on_failure,
        executor,
        then=then,
        essential=essential,
        on_progress=on_progress,
        on_question=on_question,
    )


def wait_for_idle(timeout_ms: int = 10_000) -> bool:
    """Wait (running the event loop) until all background work is delivered."""
    return runner().wait_for_idle(timeout_ms)


def wait_for_essential(timeout_ms: int = 5_000) -> bool:
    """Wait (running the event loop) until no essential work (a save) is pending."""
    return runner().wait_for_essential(timeout_ms)


def shutdown(timeout_s: float = SHUTDOWN_WAIT_S) -> bool:
    """Stop the executors (waiting at most ``timeout_s`` for running work).

    Safe to call more than once; False if some operation was still running.
    """
    if _runner is not None and shiboken6.isValid(_runner):
        return _runner.shutdown(timeout_s)
    return True


def worker_threads() -> list[threading.Thread]:
    """The executors' threads still alive (empty after :func:`shutdown`)."""
    return [t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX) and t.is_alive()]
