"""The binding's known defects stay worked around: many signals never crash the interpreter."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal

from workstation.ui import qt_workarounds

pytestmark = pytest.mark.gui


class Emitter(QObject):
    emitted = Signal(int)


def test_thousands_of_signals_and_disconnections_leave_true_alive(qtbot):
    emitter = Emitter()
    received: list[int] = []
    for n in range(5_000):
        emitter.emitted.connect(received.append)
        emitter.emitted.emit(n)
        emitter.emitted.disconnect(received.append)
    assert len(received) == 5_000
    assert sys.getrefcount(True) > 1_000_000 or not qt_workarounds.signal_leaks_bool_references()


def test_applying_twice_pins_once():
    before = sys.getrefcount(True)
    qt_workarounds.apply()
    assert abs(sys.getrefcount(True) - before) < 1_000
