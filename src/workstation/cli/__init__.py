"""The command line: one entry point, one subcommand per capability.

Every subcommand is a module in this package with ``register(subparsers)``
that adds its parser and sets ``handler`` to a function
``handler(args, context) -> Outcome``. The framework here does the rest the
same way for all of them: ``--json`` output, logging, the shared exit codes
(:class:`~workstation.errors.ExitCode`) and a one-line English message for a
failure. Handlers never print.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workstation import __version__
from workstation.errors import ExitCode, WorkstationError

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a subcommand produced: ``data`` for ``--json``, ``text`` for people."""

    data: Any
    text: str
    exit_code: ExitCode = ExitCode.OK


@dataclass
class Context:
    """Opens the services on first use, so commands that do not need the store never open it."""

    _services: Any = field(default=None, repr=False)

    def services(self):  # type: ignore[no-untyped-def]
        if self._services is None:
            from workstation.services import open_services

            self._services = open_services()
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


Handler = Callable[[argparse.Namespace, Context], Outcome]


def reporting_parent() -> argparse.ArgumentParser:
    """Options every reporting subcommand takes."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--json", action="store_true", help="print machine-readable JSON instead of text"
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    from workstation.cli import demo, digitize, doctor, dossier

    parser = argparse.ArgumentParser(
        prog="workstation",
        description="Officer workstation for one-stop-shop counters. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"workstation {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    parent = reporting_parent()
    for module in (doctor, demo, dossier, digitize):
        module.register(subparsers, parent)
    return parser


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    as_json = getattr(args, "json", False)
    context = Context()
    try:
        outcome = handler(args, context)
    except WorkstationError as exc:
        log.warning("%s failed: %s (%s)", args.command, exc.detail, exc.code)
        if as_json:
            print(to_json({"error": error_report(exc)}))
        else:
            print(f"error: {exc.detail}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        log.exception("%s failed unexpectedly", args.command)
        message = f"unexpected failure: {exc.__class__.__name__}: {exc} (details in the log)"
        if as_json:
            print(to_json({"error": {"code": "internal.unexpected", "detail": message}}))
        else:
            print(f"error: {message}", file=sys.stderr)
        return ExitCode.UNEXPECTED
    finally:
        context.close()
    print(to_json(outcome.data) if as_json else outcome.text)
    return int(outcome.exit_code)


def error_report(exc: WorkstationError) -> dict[str, str]:
    return {
        "code": exc.code,
        "message": exc.user_message("vi"),
        "message_en": exc.user_message("en"),
        "detail": exc.detail,
    }
