"""The pinned Qt binding keeps its reference counts.

PySide6 6.12.0 returned ``None``, ``True`` and ``False`` to Python without
taking a reference: on Python 3.11 every signal emitted and every call of a
method returning nothing wore a reference away, and after a few thousand the
interpreter aborted ("Fatal Python error: none_dealloc"). The workstation pins
a binding without that defect; these tests fail if an upgrade brings it back
(they run the calls in a child process, since the failure is an abort).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui

PROBE = """
import sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel

class Probe(QObject):
    happened = Signal()

app = QApplication([])
label, probe = QLabel(), Probe()
before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
for _ in range(200):
    label.setText("Hồ sơ")          # returns nothing
    probe.happened.emit()           # returns True
    label.isHidden()                # returns False
after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
print(*(a - b for a, b in zip(after, before)))
"""


def test_calls_into_qt_do_not_wear_away_references_to_none_true_and_false() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lost = [int(n) for n in result.stdout.split()]
    assert all(n > -50 for n in lost), f"references lost to None, True, False: {lost}"
