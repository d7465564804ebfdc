"""Garbage is collected on the UI thread only while the window runs."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from PySide6.QtCore import QObject

from workstation.ui.collector import UiThreadCollector

pytestmark = pytest.mark.gui


class Holder(QObject):
    """A Qt object caught in a reference cycle, as closures over widgets often are."""

    def __init__(self) -> None:
        super().__init__()
        self.me = self


def test_collector_turns_automatic_collection_off_and_back_on(qtbot) -> None:
    gc.enable()
    collector = UiThreadCollector()
    collector.start()
    try:
        assert not gc.isenabled()
    finally:
        collector.stop()
    assert gc.isenabled()
    gc.disable()  # the suite's own fixture keeps collection off during GUI tests


class PlainHolder:
    """A plain Python object in a cycle (no Qt object is destroyed on the worker here)."""

    def __init__(self) -> None:
        self.me = self


def where_a_worker_s_garbage_is_collected(
    qtbot, collector: UiThreadCollector | None, kind: type = Holder
) -> set[threading.Thread]:
    """Make cycles on a worker with automatic collection on, as in a running window.

    The suite keeps collection off during GUI tests; switching it on here is what
    lets a missing collector show: the worker's own allocations then trigger
    collections on the worker.
    """
    destroyed_on: list[threading.Thread] = []
    kept: list[list[object]] = []

    def make_garbage() -> None:
        for _ in range(50):
            holder = kind()
            weakref.finalize(holder, lambda: destroyed_on.append(threading.current_thread()))
            del holder
        kept.extend([] for _ in range(2_000))  # enough live allocations to pass generation 0

    gc.collect()
    gc.enable()
    try:
        if collector is not None:
            collector.start()
        worker = threading.Thread(target=make_garbage)
        worker.start()
        worker.join()
        if collector is not None:
            qtbot.waitUntil(lambda: len(destroyed_on) == 50, timeout=5_000)
    finally:
        if collector is not None:
            collector.stop()
        gc.collect()
        gc.disable()
    return set(destroyed_on)


def test_cycles_made_on_a_worker_are_collected_on_the_ui_thread(qtbot) -> None:
    collector = UiThreadCollector(interval_ms=10)
    assert where_a_worker_s_garbage_is_collected(qtbot, collector) == {threading.main_thread()}


def test_without_the_collector_a_worker_collects_its_own_garbage(qtbot) -> None:
    # The control: the test above fails when the collector is not installed.
    threads = where_a_worker_s_garbage_is_collected(qtbot, None, PlainHolder)
    assert threads - {threading.main_thread()}, "nothing was collected on the worker"
