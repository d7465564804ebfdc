"""The citizen's screen opens full screen on the screen the officer is not on, when there
are two; with one, as a window. Run in a process of its own: the offscreen platform is given
two screens there (a platform is chosen once per process). The offscreen platform cannot
unplug a monitor, so the handler Qt's ``screenRemoved`` calls is called for the citizen's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = """
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
officer = QWidget()
officer.show()
officer.activateWindow()
app.processEvents()
from workstation.ui.onbehalf.citizen_screen import CitizenScreen
screen = CitizenScreen()
screen.open()
app.processEvents()
print(officer.screen().name(), screen.screen().name(), screen.isFullScreen(), len(app.screens()))
if len(app.screens()) == 2:
    screen._screen_removed(screen.screen())  # the citizen's monitor pulled out
    app.processEvents()
    print(screen.screen().name(), screen.isFullScreen(), screen.isVisible(), screen.full_on)
"""


def _run(tmp_path: Path, screens: list[dict]) -> list[str]:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": screens}), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    env["PYTHONPATH"] = str(ROOT / "src")
    env["WORKSTATION_HOME"] = str(tmp_path / "home")
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def _screen(name: str, x: int) -> dict:
    return {"name": name, "x": x, "y": 0, "width": 1024, "height": 768, "logicalDpi": 96}


def test_with_two_screens_it_opens_full_screen_on_the_other_one(tmp_path: Path) -> None:
    officer, citizen, full, count, *_ = _run(tmp_path, [_screen("A", 0), _screen("B", 1024)])
    assert count == "2" and officer != citizen and full == "True"


def test_when_the_citizens_monitor_goes_its_view_becomes_a_window_on_the_officers(
    tmp_path: Path,
) -> None:
    officer, _citizen, _full, _count, *after = _run(tmp_path, [_screen("A", 0), _screen("B", 1024)])
    assert after == [officer, "False", "True", "None"]


def test_with_one_screen_it_opens_as_a_window(tmp_path: Path) -> None:
    officer, citizen, full, count = _run(tmp_path, [_screen("A", 0)])
    assert count == "1" and officer == citizen and full == "False"
