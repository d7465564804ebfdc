"""The background runner: outcomes come back on the UI thread, failures reach the error dialog."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QWidget

from workstation.errors import BadInput, Cancelled
from workstation.i18n import tr
from workstation.ui import background
from workstation.ui.background import ProgressRelay, run_in_background
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


def test_a_progress_call_after_the_relay_is_deleted_is_dropped(qtbot):
    relay = ProgressRelay()
    shiboken6.delete(relay)
    relay("progress.storing_file", 1, 2)  # from a worker that outlived its window: no error


def test_progress_relay_reports_on_the_ui_thread(qtbot):
    relay = ProgressRelay()
    seen: list[tuple[str, int, int, bool]] = []
    relay.progressed.connect(
        lambda step, done, total: seen.append((step, done, total, on_ui_thread()))
    )

    def op() -> None:
        relay("progress.storing_file", 1, 2)

    task = run_in_background(None, op, lambda _: None)
    with qtbot.waitSignal(task.finished):
        pass
    assert seen == [("progress.storing_file", 1, 2, True)]


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
    release = threading.Event()
    task = run_in_background(None, lambda: release.wait(30), lambda _: None, executor="io")
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
