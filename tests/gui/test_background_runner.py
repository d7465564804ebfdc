"""The background runner: outcomes come back on the UI thread, failures reach the error dialog.

Also what the capabilities build on: cancelling, progress, questions to the
officer, executors per device, the process pool, steps that go on without
the widget, Qt objects released on the UI thread, and a process that exits
although an op is stuck.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import weakref

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from workstation.errors import BadInput, Cancelled, StoreError
from workstation.i18n import tr
from workstation.tasks import Question, TaskContext
from workstation.ui import background
from workstation.ui.background import Reply, run_in_background
from workstation.ui.errors import ErrorDialog, reporter

pytestmark = pytest.mark.gui


def on_ui_thread() -> bool:
    return QThread.currentThread() is QApplication.instance().thread()


def test_success_is_delivered_on_the_ui_thread_after_running_on_the_db_thread(qtbot):
    ran_on: list[str] = []
    delivered: list[tuple[int, bool]] = []

    def op() -> int:
        ran_on.append(threading.current_thread().name)
        return 42

    task = run_in_background(None, op, lambda result: delivered.append((result, on_ui_thread())))
    with qtbot.waitSignal(task.succeeded) as blocker:
        pass
    assert blocker.args == [42]
    assert delivered == [(42, True)]
    assert ran_on[0].startswith(background.THREAD_PREFIX + "db")


def test_failure_goes_to_on_failure_when_given(qtbot):
    failures: list[BaseException] = []
    error = BadInput("nothing to read", code="file.unreadable", name="a.pdf")

    def op() -> None:
        raise error

    task = run_in_background(None, op, lambda _: pytest.fail("no success"), failures.append)
    with qtbot.assertNotEmitted(reporter().error_shown), qtbot.waitSignal(task.failed):
        pass
    assert failures == [error]


def test_failure_without_on_failure_reaches_the_error_dialog(qtbot):
    window = QWidget()
    qtbot.addWidget(window)

    def op() -> None:
        raise BadInput("x.pdf is damaged", code="file.pdf_damaged", name="x.pdf")

    with qtbot.waitSignal(reporter().error_shown) as blocker:
        run_in_background(window, op, lambda _: pytest.fail("no success"))
    dialog = blocker.args[0]
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ErrorDialog)
    assert dialog.parent() is window
    assert dialog.message_label.text() == tr("error.file.pdf_damaged", name="x.pdf")
    assert "bị hỏng" in dialog.message_label.text()


def test_cancelled_is_silent(qtbot):
    failures: list[BaseException] = []

    def op() -> None:
        raise Cancelled()

    with qtbot.assertNotEmitted(reporter().error_shown):
        task = run_in_background(None, op, lambda _: pytest.fail("no success"))
        with qtbot.waitSignal(task.cancelled):
            pass
        task = run_in_background(None, op, lambda _: None, failures.append)
        with qtbot.waitSignal(task.finished):
            pass
    assert failures == []


def test_db_executor_runs_every_operation_on_one_thread_in_order(qtbot):
    ran: list[tuple[int, str]] = []

    def op(n: int) -> int:
        ran.append((n, threading.current_thread().name))
        return n

    for n in range(6):
        run_in_background(None, lambda n=n: op(n), lambda _: None)
    assert background.wait_for_idle(5_000)
    assert [n for n, _ in ran] == list(range(6))
    threads = {name for _, name in ran}
    assert len(threads) == 1  # one thread: SQLite never sees two writers from this process
    assert threads.pop().startswith(background.THREAD_PREFIX + "db")


def test_outcome_is_dropped_when_the_asking_widget_is_gone(qtbot):
    release = threading.Event()
    delivered: list[object] = []
    widget = QWidget()
    task = run_in_background(widget, lambda: release.wait(5), delivered.append)
    shiboken6.delete(widget)
    release.set()
    with qtbot.waitSignal(task.finished):
        pass
    assert delivered == []


def test_runner_says_when_it_became_idle(qtbot):
    runner = background.runner()
    task = run_in_background(None, lambda: None, lambda _: None)
    with qtbot.waitSignals([task.finished, runner.became_idle]):
        pass
    assert runner.pending == 0


def test_io_executor_runs_off_the_db_thread(qtbot):
    task = run_in_background(
        None, lambda: threading.current_thread().name, lambda _: None, None, "io"
    )
    with qtbot.waitSignal(task.succeeded) as blocker:
        pass
    assert blocker.args[0].startswith(background.THREAD_PREFIX + "io")


def test_only_the_ui_thread_may_start_background_work(qtbot):
    errors: list[BaseException] = []

    def from_a_thread() -> None:
        try:
            run_in_background(None, lambda: None, lambda _: None)
        except RuntimeError as exc:
            errors.append(exc)

    thread = threading.Thread(target=from_a_thread)
    thread.start()
    thread.join()
    assert len(errors) == 1


def test_unknown_executor_is_refused(qtbot):
    with pytest.raises(ValueError, match="unknown executor"):
        run_in_background(None, lambda: None, lambda _: None, executor="gpu")


def test_shutdown_does_not_wait_forever_for_stuck_work(qtbot, caplog):
    release, started = threading.Event(), threading.Event()

    def stuck_op() -> None:
        started.set()
        release.wait(30)

    task = run_in_background(None, stuck_op, lambda _: None, executor="io")
    started.wait(10)
    stuck = background.worker_threads()
    try:
        with caplog.at_level("WARNING", logger="workstation.ui.background"):
            assert background.shutdown(timeout_s=0.2) is False
        assert "still running" in caplog.text and task.name in caplog.text
    finally:
        release.set()
        for thread in stuck:
            thread.join(10)
    assert background.worker_threads() == []


def test_shutdown_ends_every_worker_thread(qtbot):
    run_in_background(None, lambda: None, lambda _: None)
    run_in_background(None, lambda: None, lambda _: None, executor="io")
    assert background.wait_for_idle(5_000)
    assert background.worker_threads()
    assert background.shutdown() is True
    assert background.worker_threads() == []


# Cancelling, progress, questions ----------------------------------------------


def test_an_op_that_takes_a_context_is_cancelled_at_its_next_check(qtbot):
    started = threading.Event()
    checks: list[bool] = []

    def op(context: TaskContext) -> str:
        started.set()
        context.token.wait(10)  # a device read that the token interrupts
        checks.append(context.token.cancelled)
        context.token.raise_if_cancelled()
        return "ran to the end"

    task = run_in_background(None, op, lambda _: pytest.fail("no success"), executor="io")
    started.wait(10)
    with qtbot.assertNotEmitted(reporter().error_shown), qtbot.waitSignal(task.cancelled):
        task.cancel()
    assert checks == [True]


def test_progress_is_a_cancellation_point(qtbot):
    stored: list[int] = []
    go = threading.Event()

    def store_files(context: TaskContext) -> None:
        for n in range(3):
            context.progress("progress.storing_file", n, 3)
            stored.append(n)
            go.wait(10)

    task = run_in_background(None, store_files, lambda _: None, executor="io")
    with qtbot.waitSignal(task.progressed):
        pass
    task.cancel()
    go.set()
    with qtbot.waitSignal(task.cancelled):
        pass
    assert stored == [0]


def test_progress_reaches_the_ui_thread_as_a_signal(qtbot):
    seen: list[tuple[str, int, int, bool]] = []

    def op(context: TaskContext) -> None:
        for done in range(3):
            context.progress("progress.storing_file", done, 2)

    task = run_in_background(
        None,
        op,
        lambda _: None,
        executor="io",
        on_progress=lambda *args: seen.append((*args, on_ui_thread())),
    )
    with qtbot.waitSignal(task.finished):
        pass
    assert seen == [("progress.storing_file", n, 2, True) for n in range(3)]


def test_an_op_asks_the_officer_and_waits_for_the_answer(qtbot):
    asked_on: list[bool] = []

    def answer_later(question: Question, reply: Reply) -> None:
        asked_on.append(on_ui_thread())
        # As a non-blocking dialog would: the answer comes in a later event.
        QTimer.singleShot(0, lambda: reply.answer(question.params["pages"] + 5))

    def scan(context: TaskContext) -> int:
        return context.ask(Question("scan.feeder_empty", {"pages": 10}))

    task = run_in_background(None, scan, lambda _: None, executor="io", on_question=answer_later)
    with qtbot.waitSignal(task.succeeded) as blocker:
        pass
    assert blocker.args == [15]
    assert asked_on == [True]


def test_a_question_nobody_answers_cancels_the_op(qtbot):
    def ask_for_pin(context: TaskContext) -> str:
        return context.ask(Question("sign.pin", secret=True))

    task = run_in_background(None, ask_for_pin, lambda _: pytest.fail("no PIN"), executor="io")
    with qtbot.waitSignal(task.cancelled):
        pass


def test_a_declined_question_cancels_the_op(qtbot):
    def scan(context: TaskContext) -> bool:
        return context.ask(Question("scan.feeder_empty"))

    task = run_in_background(
        None, scan, lambda _: None, executor="io", on_question=lambda q, reply: reply.decline()
    )
    with qtbot.waitSignal(task.cancelled):
        pass


def test_cancelling_wakes_an_op_waiting_for_an_answer(qtbot):
    def scan(context: TaskContext) -> bool:
        return context.ask(Question("scan.feeder_empty"))

    task = run_in_background(
        None, scan, lambda _: None, executor="io", on_question=lambda q, reply: None
    )
    with qtbot.waitSignal(task.asked):
        pass
    with qtbot.waitSignal(task.cancelled):
        task.cancel()


# Executors --------------------------------------------------------------------


def test_each_registered_executor_is_its_own_serial_queue(qtbot):
    background.register_executor("scanner:left")
    background.register_executor("scanner:right")
    held = threading.Event()
    ran: dict[str, str] = {}

    def record(name: str) -> None:
        ran[name] = threading.current_thread().name

    stuck = run_in_background(None, lambda: held.wait(10), lambda _: None, executor="scanner:left")
    queued = run_in_background(
        None, lambda: record("left"), lambda _: None, executor="scanner:left"
    )
    with qtbot.waitSignal(
        run_in_background(
            None, lambda: record("right"), lambda _: None, executor="scanner:right"
        ).finished
    ):
        pass
    assert "left" not in ran  # behind the left scanner's stuck operation, not beside it
    with qtbot.waitSignals([stuck.finished, queued.finished]):
        held.set()
    assert ran["left"] == background.THREAD_PREFIX + "scanner:left-0"
    assert ran["right"] == background.THREAD_PREFIX + "scanner:right-0"


def test_an_executor_cannot_change_size_once_registered():
    background.register_executor("token:slot-1")
    background.register_executor("token:slot-1", threads=1)
    with pytest.raises(ValueError, match="already has"):
        background.register_executor("token:slot-1", threads=2)
    with pytest.raises(ValueError):
        background.register_executor("cpu")


def test_cpu_executor_runs_a_picklable_op_in_a_process_pool(qtbot):
    task = run_in_background(None, os.getpid, lambda _: None, executor="cpu")
    with qtbot.waitSignal(task.succeeded, timeout=60_000) as blocker:
        pass
    assert blocker.args[0] != os.getpid()


def test_cpu_executor_refuses_an_op_that_cannot_be_pickled(qtbot):
    failures: list[BaseException] = []
    task = run_in_background(None, lambda: 1, lambda _: None, failures.append, executor="cpu")
    with qtbot.waitSignal(task.failed, timeout=60_000):
        pass
    assert "pickle" in repr(failures[0]).lower()


# Steps and work that must finish ----------------------------------------------


def test_steps_hand_over_from_thread_to_thread_without_the_ui_thread(qtbot):
    threads: list[str] = []
    go = threading.Event()
    widget = QWidget()

    def store(context: TaskContext) -> int:
        threads.append(threading.current_thread().name)
        go.wait(10)
        return 41

    def save(value: int) -> int:
        threads.append(threading.current_thread().name)
        saved.set()
        return value + 1

    saved = threading.Event()
    task = run_in_background(
        widget, store, lambda _: pytest.fail("widget gone"), executor="io", then=[("db", save)]
    )
    shiboken6.delete(widget)  # the widget that asked goes before the first step ends
    go.set()
    with qtbot.waitSignal(task.finished):
        pass
    assert saved.is_set()
    assert threads[0].startswith(background.THREAD_PREFIX + "io")
    assert threads[1].startswith(background.THREAD_PREFIX + "db")


def test_an_essential_failure_is_shown_even_when_its_widget_is_gone(qtbot):
    widget = QWidget()
    go = threading.Event()

    def save() -> None:
        go.wait(10)
        raise StoreError("disk full", code="store.database_refused")

    run_in_background(widget, save, lambda _: None, lambda _: None, essential=True)
    shiboken6.delete(widget)
    with qtbot.waitSignal(reporter().error_shown) as blocker:
        go.set()
    dialog = blocker.args[0]
    qtbot.addWidget(dialog)
    assert dialog.message_label.text() == tr("error.store.database_refused")


# Qt objects die on the UI thread ------------------------------------------------


class Relay(QObject):
    """What an op typically captures: a Qt object that emits for it."""

    reported = Signal(int)


def test_qt_objects_of_many_operations_are_released_on_the_ui_thread(qtbot):
    released_on: list[str] = []

    def note() -> None:
        released_on.append(threading.current_thread().name)

    tasks = []
    for n in range(200):
        relay = Relay()
        weakref.finalize(relay, note)

        def op(relay: Relay = relay, n: int = n) -> int:
            relay.reported.emit(n)
            return n

        task = run_in_background(None, op, lambda _: None, executor="io")
        weakref.finalize(task, note)
        tasks.append(task)
        del relay, op, task
    assert background.wait_for_idle(30_000)
    tasks.clear()
    qtbot.waitUntil(lambda: not background.runner()._jobs)  # every worker has let go
    gc.collect()  # here, on the UI thread, as the window's collector does
    assert len(released_on) == 400
    assert set(released_on) == {threading.main_thread().name}


# Shutdown ------------------------------------------------------------------------

STUCK_WINDOW = """
import sys, threading
from workstation.ui import background, sections
from workstation.ui.section import Section

class Stuck(Section):
    title_key = "section.dossiers"

    def __init__(self, services, parent=None):
        super().__init__(services, parent)
        # A scanner that never answers, and ignores cancelling.
        background.run_in_background(
            self, lambda: threading.Event().wait(), lambda _: None, executor="io"
        )

sections.SECTIONS.append(Stuck)
from workstation.__main__ import main
sys.exit(main(["--quit-after", "200"]))
"""


@pytest.mark.integration
def test_an_op_stuck_on_a_device_does_not_keep_the_closed_window_alive():
    # A real process: the interpreter's exit is what used to wait for the stuck op.
    result = subprocess.run(
        [sys.executable, "-c", STUCK_WINDOW],
        capture_output=True,
        text=True,
        timeout=120,  # the op never ends: only leaving it behind lets the process exit
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_shutdown_cancels_work_that_can_stop_and_waits_for_essential_work(qtbot):
    started = threading.Barrier(3)
    outcomes: dict[str, bool] = {}
    background.register_executor("scanner:shutdown")

    def scanning(context: TaskContext) -> None:
        started.wait(10)
        outcomes["scan stopped"] = context.token.wait(10)

    def saving(context: TaskContext) -> None:
        started.wait(10)
        outcomes["save cancelled"] = context.token.wait(0.5)
        outcomes["saved"] = True

    run_in_background(None, scanning, lambda _: None, executor="scanner:shutdown")
    run_in_background(None, saving, lambda _: None, executor="io", essential=True)
    started.wait(10)
    assert background.shutdown(timeout_s=10) is True
    assert outcomes == {"scan stopped": True, "save cancelled": False, "saved": True}
