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


def test_cycles_made_on_a_worker_are_collected_on_the_ui_thread(qtbot) -> None:
    destroyed_on = []
    collector = UiThreadCollector(interval_ms=10)

    def make_garbage() -> None:
        for _ in range(50):
            holder = Holder()
            weakref.finalize(holder, lambda: destroyed_on.append(threading.current_thread()))
            del holder
        kept.extend([] for _ in range(2_000))  # enough live allocations to pass generation 0

    kept: list[list[object]] = []

    collector.start()
    try:
        worker = threading.Thread(target=make_garbage)
        worker.start()
        worker.join()
        assert destroyed_on == []  # nothing collected on the worker
        qtbot.waitUntil(lambda: len(destroyed_on) == 50, timeout=5_000)
    finally:
        collector.stop()
        gc.disable()
    assert set(destroyed_on) == {threading.main_thread()}
