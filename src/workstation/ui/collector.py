"""Python's cyclic garbage collector, run on the UI thread only.

Any allocation can start Python's automatic collector, on whatever thread
made it. When a worker thread (the ``db`` or ``io`` executor) collects a cycle
that holds a Qt object, that object is destroyed off the UI thread: Qt forbids
it, and here it deadlocked. The worker, inside ``QObject::disconnect``, held
Qt's connection lock and waited for the GIL, while the UI thread held the GIL
and waited for that lock in ``QObject::connect``. So while the window runs,
automatic collection is off and a timer on the UI thread collects instead,
generation by generation against Python's own thresholds, as other PyQt and
PySide applications do.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

INTERVAL_MS = 500


class UiThreadCollector(QObject):
    """Collects garbage on the thread it lives on (the UI thread), on a timer."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setObjectName("garbage_collector")
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_if_due)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        gc.enable()

    def collect_if_due(self) -> int:
        """Collect the generations whose thresholds are passed; return how many objects went."""
        count0, count1, count2 = gc.get_count()
        if count0 <= self._threshold[0]:
            return 0
        generation = 0
        if count1 > self._threshold[1]:
            generation = 2 if count2 > self._threshold[2] else 1
        return gc.collect(generation)


@contextmanager
def garbage_collected_on_ui_thread(parent: QObject | None = None) -> Iterator[UiThreadCollector]:
    """Within the block, only the UI thread collects garbage."""
    collector = UiThreadCollector(parent)
    collector.start()
    try:
        yield collector
    finally:
        collector.stop()
        collector.deleteLater()
