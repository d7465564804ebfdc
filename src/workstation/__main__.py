"""Entry point: ``workstation`` opens the window; ``workstation COMMAND`` runs a command."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen Windows build re-enters here in pool workers
    argv = list(sys.argv[1:] if argv is None else argv)
    from workstation.config import load_settings
    from workstation.errors import WorkstationError
    from workstation.i18n import set_language
    from workstation.logs import CLI_LOG_FILE, LOG_FILE, configure_logging

    try:
        settings = load_settings()
    except WorkstationError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return int(exc.exit_code)
    set_language(settings.language)
    gui_options = {"--screenshot", "--quit-after"}
    gui = not argv or argv[0] in gui_options
    try:
        configure_logging(settings.log_level, name=LOG_FILE if gui else CLI_LOG_FILE)
    except OSError as exc:
        # Work goes on without a log file rather than not at all; doctor reports the folder.
        print(f"warning: cannot write the log ({exc}); continuing without it", file=sys.stderr)
    if gui:
        from workstation.ui.launch import run_gui

        return run_gui(settings, argv)
    from workstation.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
