"""The window's crash reports in the log never carry what an exception's message said.

An unexpected failure of background work, and an unhandled exception reaching the
window's excepthook, are each written to the real log file (the app's own logging
set-up, with its redaction) while the error dialog opens. The exception's message
holds a key (base64, as keys are kept) and a password: neither may reach the file,
which must still say what failed and where.
"""

from __future__ import annotations

import base64
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from workstation.logs import configure_logging
from workstation.ui.background import run_in_background
from workstation.ui.errors import install_excepthook, reporter

pytestmark = pytest.mark.gui

KEY = base64.b64encode(os.urandom(32)).decode("ascii")
PASSWORD = "Mật-khẩu-Bí-mật-4729-xyz"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The app's log, set up as the window sets it up, in the test's folder."""
    root = logging.getLogger()
    level = root.level
    path = configure_logging("DEBUG", tmp_path / "logs")
    yield path
    for handler in [h for h in root.handlers if getattr(h, "_workstation", False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def unwrap_with(key: str) -> None:
    raise ValueError(f"could not unwrap with {key} for {PASSWORD}")


def test_a_background_crash_report_in_the_log_has_no_key_or_password(qtbot, log_file):
    window = QWidget()
    qtbot.addWidget(window)
    with qtbot.waitSignal(reporter().error_shown) as shown:
        task = run_in_background(window, lambda: unwrap_with(KEY), lambda _: None)
    qtbot.addWidget(shown.args[0])
    written = log_file.read_text(encoding="utf-8")
    assert f"{task.name} failed" in written and "ValueError" in written
    assert "unwrap_with" in written, "the report says where it failed"
    assert KEY not in written and PASSWORD not in written


def test_an_unhandled_exception_report_in_the_log_has_no_key_or_password(qtbot, log_file):
    uninstall = install_excepthook()
    try:
        unwrap_with(KEY)
    except ValueError:
        with qtbot.waitSignal(reporter().error_shown) as shown:
            sys.excepthook(*sys.exc_info())
        qtbot.addWidget(shown.args[0])
    finally:
        uninstall()
    written = log_file.read_text(encoding="utf-8")
    assert "unhandled exception" in written and "unwrap_with" in written
    assert KEY not in written and PASSWORD not in written
