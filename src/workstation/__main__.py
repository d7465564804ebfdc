"""Entry point: ``workstation`` opens the window; ``workstation COMMAND`` runs a command.

Kept light on purpose: ``workstation --version`` answers before settings,
logging or the store are imported, and each command imports what it uses
when it runs (``bench/startup.py`` measures it).

A broken ``settings.toml`` or ``WORKSTATION_*`` value does not keep the window
shut: it opens on the default for each unusable value and says which setting
is wrong and why, offering the settings dialog or the defaults (see
:func:`workstation.ui.launch.run_gui`).
A command, which has no one to ask, stops with exit code 3 and the reason.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

GUI_OPTIONS = {"--screenshot", "--quit-after"}


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()  # a frozen Windows build re-enters here in pool workers
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:
        from workstation import __version__

        print(f"workstation {__version__}")
        return 0
    gui = not argv or argv[0].split("=", 1)[0] in GUI_OPTIONS
    if gui:
        return _window(argv)
    import logging

    # Until the log file is open (or when it cannot be), records go nowhere rather
    # than to stderr, where the command prints its own one-line error.
    if not logging.getLogger().handlers:
        logging.getLogger().addHandler(logging.NullHandler())
    from workstation.cli import main as cli_main

    return cli_main(argv, prepare=_prepare_command)


def _prepare_command(args: argparse.Namespace) -> None:
    """Settings, language and the command log; a bad setting raises ConfigError (exit 3).

    ``doctor`` is the exception: it runs on the defaults and reports the setting.
    """
    from workstation.config import load_settings, load_settings_or_defaults
    from workstation.i18n import set_language
    from workstation.logs import CLI_LOG_FILE

    if getattr(args, "reports_setting_problems", False):
        settings, _ = load_settings_or_defaults()
    else:
        settings = load_settings()
    set_language(settings.language)
    _start_logging(settings.log_level, CLI_LOG_FILE)


def _window(argv: list[str]) -> int:
    from workstation.config import load_settings_or_defaults
    from workstation.i18n import set_language
    from workstation.logs import LOG_FILE

    # The window opens anyway, on the default for each unusable setting, and says what is wrong.
    settings, problems = load_settings_or_defaults()
    set_language(settings.language)
    _start_logging(settings.log_level, LOG_FILE)
    from workstation.ui.launch import run_gui

    return run_gui(settings, argv, problems)


def _start_logging(level: str, name: str) -> None:
    from workstation.logs import configure_logging

    try:
        configure_logging(level, name=name)
    except OSError as exc:
        # Work goes on without a log file rather than not at all; doctor reports the folder.
        print(f"warning: cannot write the log ({exc}); continuing without it", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
