"""Starting the window: :func:`run_gui`, called by ``workstation`` with no command.

Two options exist for tests and support that start the real window (under
Xvfb or offscreen): ``--screenshot PATH`` saves a picture of the window once
its first background loads are done, and ``--quit-after MS`` quits that long
after the window is shown (and after the screenshot, if one was asked for).

Settings that could not be used (a broken ``settings.toml``, a wrong
``WORKSTATION_*`` value) do not keep the window shut: ``__main__`` passes the
settings with defaults in their place and the problems, and the window opens
with a notice over it that says which setting is wrong and why, offering the
settings dialog or the defaults.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from workstation import __version__
from workstation.config import SettingProblem, Settings
from workstation.errors import ExitCode, WorkstationError
from workstation.i18n import tr
from workstation.logs import structural_traceback
from workstation.paths import APP_AUTHOR, APP_NAME, user_folders
from workstation.services import open_services
from workstation.ui import background
from workstation.ui.collector import UiThreadCollector
from workstation.ui.errors import ErrorDialog, install_excepthook, reporter

log = logging.getLogger(__name__)


def parse_gui_options(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="workstation", description="Open the workstation window.")
    parser.add_argument("--screenshot", type=Path, metavar="PATH", help="save the window as PNG")
    parser.add_argument("--quit-after", type=int, metavar="MS", help="quit MS ms after showing")
    parser.add_argument(
        "--section", type=int, default=0, metavar="N", help="open on the N-th section (from 0)"
    )
    return parser.parse_args(list(argv))


def application() -> QApplication:
    """The process's QApplication, created with the workstation's names if needed."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else APP_NAME])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName(tr("app.name"))
    return app


def run_gui(
    settings: Settings, argv: list[str], setting_problems: Sequence[SettingProblem] = ()
) -> int:
    """Open the services and the main window; return the process exit code.

    ``setting_problems`` are the settings that could not be used (``settings``
    holds the defaults in their place); the window opens and shows them.
    """
    try:
        options = parse_gui_options(argv)
    except SystemExit as exc:  # argparse has printed the usage
        return int(exc.code or ExitCode.USAGE)
    app = application()
    uninstall_hook = install_excepthook()
    collector = UiThreadCollector(app)
    collector.start()
    try:
        try:
            services = open_services(settings)
        except WorkstationError as exc:
            # By code and stack only: the detail names files (see workstation.logs).
            log.error("cannot open the services: [%s] %s", exc.code, structural_traceback(exc))
            dialog = ErrorDialog(exc)
            # A wrong store or catalogue path must not lock the officer out of the
            # one place where it can be corrected.
            dialog.add_action(tr("error.dialog.open_settings"), lambda: _open_settings(dialog))
            if setting_problems:  # they may be why: say so over the error once it is up
                QTimer.singleShot(
                    0, dialog, lambda: _show_setting_problems(setting_problems, dialog)
                )
            _finish_when_shown(dialog, options)
            reporter().error_shown.emit(dialog)  # as show_error would, for tests and logs
            dialog.exec()  # deletes itself on close
            _drop_leftover_quit(app)
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            return int(exc.exit_code)
        try:
            from workstation.ui.main_window import MainWindow

            window = MainWindow(services)
            window.navigation.setCurrentRow(min(max(options.section, 0), len(window.sections) - 1))
            window.show()
            if setting_problems:
                _show_setting_problems(setting_problems, window)
            _finish_when_shown(window, options)
            code = app.exec()
            _drop_leftover_quit(app)
            window.close()
            # A save the officer started is finished and reported; a list still
            # loading or a scanner that never answers is not waited for.
            background.wait_for_essential(5_000)
            # Delete the window now, while the services it shows are still open,
            # rather than whenever Python's collector gets to it.
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            return code
        finally:
            background.shutdown()
            services.close()
    finally:
        collector.stop()
        collector.deleteLater()
        uninstall_hook()


def _show_setting_problems(problems: Sequence[SettingProblem], parent: QWidget) -> None:
    from workstation.ui.settings_dialog import show_setting_problems

    show_setting_problems(problems, user_folders(), parent)


def _open_settings(parent: QWidget) -> None:
    from workstation.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(user_folders(), parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def _drop_leftover_quit(app: QApplication) -> None:
    """Forget a quit request still queued once the loop has ended.

    In Qt 6 both ``quit()`` and closing the last window post a Quit event; one
    handled after ``exec()`` has returned sets a flag that makes every later
    event loop of the process return at once (dialogs, tests).
    """
    QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)


def _finish_when_shown(window: QWidget, options: argparse.Namespace) -> None:
    """Arrange the screenshot and the timed quit asked for on the command line.

    Quitting is closing: the last window closed ends ``app.exec()``, and the
    error dialog's own loop ends when it closes.
    """

    def quit_later() -> None:
        if options.quit_after is not None:
            timer = QTimer(window)
            timer.setSingleShot(True)
            timer.timeout.connect(window.close)
            timer.start(max(0, options.quit_after))

    def screenshot() -> None:
        path: Path = options.screenshot
        path.parent.mkdir(parents=True, exist_ok=True)
        if window.grab().save(str(path), "PNG"):
            log.info("screenshot saved to %s", path)
        else:
            log.error("could not save the screenshot to %s", path)
        quit_later()

    def when_idle() -> None:
        # The first page of the list and the outbox count load in the background:
        # take the picture once they are on screen.
        # A zero timer lets the layouts those results asked for run before the grab.
        runner = background.runner()
        if runner.pending:
            runner.became_idle.connect(when_idle, type=Qt.ConnectionType.SingleShotConnection)
        else:
            QTimer.singleShot(0, window, screenshot)

    if options.screenshot is None:
        quit_later()
    else:
        QTimer.singleShot(0, window, when_idle)
