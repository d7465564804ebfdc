"""The command line: one entry point, one subcommand per capability.

Every subcommand is a module in this package with ``register(subparsers)``
that adds its parser and sets ``handler`` to a function
``handler(args, context) -> Outcome``. The framework here does the rest the
same way for all of them: ``--json`` output, logging, the shared exit codes
(:class:`~workstation.errors.ExitCode`) and a one-line English message for a
failure. Handlers never print.

Start-up time matters (a counter's barcode hook may call a command many times),
so modules here import only argparse-level things at the top; what a handler
needs (the store, SQLAlchemy, image decoders) it imports when it runs. Errors
are logged by code, exit code and the names of their parameters, never by
their detail: a detail can hold a file path such as ``CCCD 079… Nguyễn….png``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workstation import __version__
from workstation.errors import ExitCode, WorkstationError
from workstation.logs import structural_traceback

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a subcommand produced: ``data`` for ``--json``, ``text`` for people.

    ``warnings`` are English lines printed on stderr as ``warning: …`` in text
    mode; a handler that has any also puts them in ``data`` for ``--json``.
    """

    data: Any
    text: str
    exit_code: ExitCode = ExitCode.OK
    warnings: list[str] = field(default_factory=list)


@dataclass
class Context:
    """Opens the services on first use, so commands that do not need the store never open it."""

    _services: Any = field(default=None, repr=False)

    def services(self):  # type: ignore[no-untyped-def]
        if self._services is None:
            from workstation.services import open_services

            self._services = open_services()
        return self._services

    def opened(self):  # type: ignore[no-untyped-def]
        """The services if a step before the handler opened them (the role gate), else None."""
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
    from workstation.cli import (
        archive,
        audit,
        cccd,
        demo,
        devices,
        digitize,
        doctor,
        dossier,
        dossier_code,
        due_date,
        form,
        key,
        officers,
        onbehalf,
        result_form,
        retention,
        scan,
        sign,
        signing_queue,
        stats,
        sync,
        tokens,
        verify,
    )

    parser = argparse.ArgumentParser(
        prog="workstation",
        description="Officer workstation for one-stop-shop counters. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"workstation {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    parent = reporting_parent()
    for module in (
        doctor,
        demo,
        dossier,
        dossier_code,
        due_date,
        cccd,
        digitize,
        devices,
        scan,
        tokens,
        sign,
        signing_queue,
        verify,
        form,
        sync,
        archive,
        result_form,
        onbehalf,
        stats,
        audit,
        retention,
        key,
        officers,
    ):
        module.register(subparsers, parent)
    return parser


def _check_role(args: argparse.Namespace, context: Context) -> None:
    """Refuse a command the officer acting on this PC has no role for
    (:data:`workstation.cli.roles.COMMAND_ACTIONS`), before it does anything."""
    from workstation.cli.roles import command_action
    from workstation.store.keys import KeyMissing, SealingUnfinished

    action = command_action(args)
    if action is None:
        return
    try:
        services = context.services()
    except (KeyMissing, SealingUnfinished):
        if args.command == "key":
            # The store is shut until this very command finishes sealing it: nobody's
            # sign-in or role can be read, and finishing needs the key anyway.
            return
        raise
    services.require(action)


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def main(
    argv: Sequence[str] | None = None,
    prepare: Callable[[argparse.Namespace], None] | None = None,
) -> int:
    """Run one subcommand and return its exit code.

    ``prepare`` (settings, language, logging) runs once the command line has
    been understood, so ``--version``, ``--help`` and usage errors answer
    without it; a :class:`WorkstationError` it raises is reported like any other.
    It receives the parsed arguments: a subcommand that reports unusable settings
    itself (``doctor``) sets ``reports_setting_problems`` in its defaults.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    as_json = getattr(args, "json", False)
    context = Context()
    try:
        if prepare is not None:
            prepare(args)
        _check_role(args, context)
        outcome = handler(args, context)
    except WorkstationError as exc:
        log.warning("%s", failure_line(args, exc))
        if as_json:
            print(to_json({"error": error_report(exc)}))
        else:
            print(f"error: {exc.detail}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # The traceback without the exception's message, which may carry a path or a name.
        log.error("%s failed unexpectedly: %s", command_name(args), structural_traceback(exc))
        message = f"unexpected failure: {exc.__class__.__name__}: {exc} (details in the log)"
        if as_json:
            print(to_json({"error": {"code": "internal.unexpected", "detail": message}}))
        else:
            print(f"error: {message}", file=sys.stderr)
        return ExitCode.UNEXPECTED
    finally:
        context.close()
    if not as_json:
        for warning in outcome.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    try:
        print(to_json(outcome.data) if as_json else outcome.text, flush=True)
    except BrokenPipeError:
        # The reader went away (``| head``): nothing more to say, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return int(outcome.exit_code)


def command_name(args: argparse.Namespace) -> str:
    """``dossier add``: the subcommand and its action, never its arguments."""
    action = getattr(args, "action", None)
    return f"{args.command} {action}" if action else str(args.command)


def failure_line(args: argparse.Namespace, exc: WorkstationError) -> str:
    """The log line for a failed command: what failed and how, without the data involved.

    Names the error code, exit code, the kind of low-level cause and the names
    (not the values) of the error's parameters; ``exc.detail`` is left out.
    """
    cause = exc.__cause__ or exc.__context__
    parts = [f"{command_name(args)} failed: {exc.code}", f"exit {int(exc.exit_code)}"]
    if cause is not None:
        errno = getattr(cause, "errno", None)
        kind = type(cause).__name__
        parts.append(f"cause {kind}" + (f" errno {errno}" if isinstance(errno, int) else ""))
    if exc.params:
        parts.append("params " + ",".join(sorted(exc.params)))
    return "; ".join(parts)


def error_report(exc: WorkstationError) -> dict[str, str]:
    return {
        "code": exc.code,
        "message": exc.user_message("vi"),
        "message_en": exc.user_message("en"),
        "detail": exc.detail,
    }
