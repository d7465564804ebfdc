"""The binding's known defects stay worked around: many signals never crash the interpreter."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

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


def test_hundreds_of_thousands_of_void_calls_leave_none_alive(qtbot):
    # setText returns nothing; PySide6 6.12 on Python 3.11 loses a reference to None each time.
    label = QLabel()
    qtbot.addWidget(label)
    for n in range(200_000):
        label.setText("x" if n % 2 else "y")
    assert sys.getrefcount(None) > 1_000_000 or not qt_workarounds.void_call_leaks_none_references()


def test_applying_twice_pins_once():
    before = sys.getrefcount(True), sys.getrefcount(None)
    qt_workarounds.apply()
    assert abs(sys.getrefcount(True) - before[0]) < 1_000
    assert abs(sys.getrefcount(None) - before[1]) < 1_000
