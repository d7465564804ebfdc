"""Starting the real window: ``run_gui`` in process, and ``workstation --screenshot``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from workstation.config import Settings, load_settings, settings_file
from workstation.errors import ExitCode
from workstation.i18n import tr
from workstation.ui.background import run_in_background
from workstation.ui.errors import error_code, reporter
from workstation.ui.launch import run_gui
from workstation.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui


def test_run_gui_shows_the_window_saves_a_screenshot_and_quits(qtbot, settings, receive, tmp_path):
    receive("Nguyễn Thị Hồng Nhung")
    shot = tmp_path / "window.png"
    assert run_gui(settings, ["--screenshot", str(shot), "--quit-after", "0"]) == 0
    image = QImage(str(shot))
    assert not image.isNull()
    # The window fits the screen (offscreen: 800×800), as large as it may be.
    available = QApplication.primaryScreen().availableGeometry()
    assert image.width() == min(1280, int(available.width() * 0.9))
    assert image.height() == min(800, int(available.height() * 0.9))


def test_event_loops_still_run_after_the_window_quit(qtbot, settings, tmp_path):
    # Qt 6 posts a Quit event both for quit() and for the last window closed; one left
    # queued after exec() would make every later event loop return at once.
    assert run_gui(settings, ["--screenshot", str(tmp_path / "w.png"), "--quit-after", "0"]) == 0
    QApplication.processEvents()
    task = run_in_background(None, lambda: "still running", lambda _: None)
    with qtbot.waitSignal(task.succeeded, timeout=2_000) as blocker:
        pass
    assert blocker.args == ["still running"]


def test_run_gui_shows_the_error_when_the_store_cannot_open(qtbot, settings, tmp_path):
    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("x")
    broken = settings.replace(database=str(blocker_file / "store.sqlite3"))
    shown: list[tuple[str, str]] = []

    def record(dialog) -> None:  # the dialog deletes itself on close: keep what it said
        shown.append((error_code(dialog.error), dialog.message_label.text()))

    reporter().error_shown.connect(record)
    try:
        code = run_gui(broken, ["--quit-after", "0"])
    finally:
        reporter().error_shown.disconnect(record)
    assert code == ExitCode.EXTERNAL  # a StoreError: the disk is outside the program
    [(shown_code, message)] = shown  # one dialog, closed by --quit-after
    assert shown_code.startswith("store.")
    assert message == tr(f"error.{shown_code}", path=str(blocker_file))


def test_run_gui_refuses_unknown_options(qtbot, settings, capsys):
    assert run_gui(settings, ["--no-such-option"]) == ExitCode.USAGE


def run_program(tmp_path: Path, env: dict[str, str], prefix: list[str]) -> Path:
    shot = tmp_path / "program.png"
    command = [*prefix, sys.executable, "-m", "workstation", "--screenshot", str(shot)]
    result = subprocess.run(
        [*command, "--quit-after", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return shot


def program_environment(home: Path, platform: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSTATION_")}
    env.update(WORKSTATION_HOME=str(home), QT_QPA_PLATFORM=platform)
    return env


@pytest.mark.integration
def test_workstation_program_starts_offscreen_and_saves_a_screenshot(home, tmp_path):
    shot = run_program(tmp_path, program_environment(home, "offscreen"), [])
    assert not QImage(str(shot)).isNull()


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Xvfb is not installed")
def test_workstation_program_starts_under_xvfb(home, tmp_path):
    shot = run_program(tmp_path, program_environment(home, "xcb"), ["xvfb-run", "-a"])
    assert not QImage(str(shot)).isNull()


def test_start_up_error_offers_the_settings_where_the_path_can_be_corrected(
    qtbot, settings, tmp_path
):
    not_a_store = tmp_path / "ho-so.pdf"
    not_a_store.write_bytes(b"%PDF-1.4 chosen by mistake as the store" * 50)
    opened: list[str] = []

    def open_settings(dialog) -> None:
        [button] = [
            b for b in dialog.buttons.buttons() if b.text() == tr("error.dialog.open_settings")
        ]
        button.click()
        opened.extend(type(child).__name__ for child in dialog.findChildren(SettingsDialog))

    reporter().error_shown.connect(open_settings)
    try:
        code = run_gui(settings.replace(database=str(not_a_store)), ["--quit-after", "0"])
    finally:
        reporter().error_shown.disconnect(open_settings)
    assert code == ExitCode.EXTERNAL
    assert opened == ["SettingsDialog"]


@pytest.fixture
def log_handlers_restored():
    """``workstation.__main__.main`` opens the log in the test's home: close it afterwards."""
    import logging

    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    yield
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_broken_settings_open_the_window_with_a_notice_naming_each_setting(
    qtbot, folders, monkeypatch, log_handlers_restored
):
    from workstation.__main__ import main

    settings_path = settings_file(folders)
    settings_path.parent.mkdir(parents=True, exist_ok=True)
    settings_path.write_text('language = "fr"\n', encoding="utf-8")
    monkeypatch.setenv("WORKSTATION_LOG_LEVEL", "LOUD")
    notices: list[list[str]] = []
    opened: list[str] = []

    def answer(notice) -> None:
        notices.append([label.text() for label in notice.problem_labels])
        dialog = notice.open_settings()  # the officer chooses to correct them
        opened.append(type(dialog).__name__)
        assert dialog.isVisible()

    reporter().settings_problems_shown.connect(answer)
    try:
        code = main(["--quit-after", "0"])
    finally:
        reporter().settings_problems_shown.disconnect(answer)
    assert code == ExitCode.OK  # the window opened and closed, instead of exit 3
    [texts] = notices
    assert len(texts) == 2
    language, log_level = sorted(texts)  # "• Giá trị cấu hình "language"…", "…log_level…"
    assert '"language"' in language and "fr" in language
    assert str(settings_path) in language
    assert tr("settings.doc.language") in language
    assert '"log_level"' in log_level and "WORKSTATION_LOG_LEVEL" in log_level
    assert opened == ["SettingsDialog"]


def test_an_unreadable_settings_file_can_be_replaced_from_the_start_up_notice(qtbot, folders):
    from workstation.config import load_settings_or_defaults
    from workstation.ui.settings_dialog import SettingsProblemDialog

    path = settings_file(folders)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("language = [broken", encoding="utf-8")
    settings, problems = load_settings_or_defaults(folders)
    assert settings == Settings()
    notice = SettingsProblemDialog(problems, folders)
    qtbot.addWidget(notice)
    [line] = [label.text() for label in notice.problem_labels]
    assert tr("error.config.unreadable", path=str(path)) in line
    assert "line 1" in line  # where the file went wrong
    dialog = notice.open_settings()  # deletes itself once saved
    dialog.editor("central_url").setText("https://motcua.ninhbinh.gov.vn/api")
    with qtbot.waitSignal(dialog.settings_saved):
        dialog.save()
    assert load_settings(folders).central_url == "https://motcua.ninhbinh.gov.vn/api"
    kept = path.with_name("settings.toml.unreadable")
    assert kept.read_text(encoding="utf-8") == "language = [broken"


@pytest.mark.integration
def test_program_with_a_broken_settings_file_opens_the_window_instead_of_exiting(home, tmp_path):
    config = home / "config"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text("log_level = 3\n", encoding="utf-8")
    env = program_environment(home, "offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "workstation", "--quit-after", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == ExitCode.OK, result.stderr
    log_text = (home / "logs" / "workstation.log").read_text(encoding="utf-8")
    assert "setting log_level unusable (config.invalid_value)" in log_text


def test_unusable_settings_are_named_even_when_the_store_cannot_open(qtbot, settings, tmp_path):
    from workstation.config import SettingProblem
    from workstation.errors import ConfigError

    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("x")
    broken = settings.replace(database=str(blocker_file / "store.sqlite3"))
    problem = SettingProblem(
        "language",
        "",
        ConfigError("language must be vi or en", code="config.invalid_value", name="language",
                    value="fr"),
    )  # fmt: skip
    seen: list[str] = []

    def error_shown(dialog) -> None:
        seen.append("error")

    def notice_shown(notice) -> None:
        seen.append("settings")

    reporter().error_shown.connect(error_shown)
    reporter().settings_problems_shown.connect(notice_shown)
    try:
        code = run_gui(broken, ["--quit-after", "0"], [problem])
    finally:
        reporter().error_shown.disconnect(error_shown)
        reporter().settings_problems_shown.disconnect(notice_shown)
    assert code == ExitCode.EXTERNAL
    assert seen == ["error", "settings"]
