"""The error hierarchy: every failure an officer can meet, with a stable code.

Each error carries
- ``code``: a stable identifier (``store.database_refused``) used as the key of its
  message in the catalogue, in logs, in ``--json`` output and in support reports;
- a message for the officer, looked up in the catalogue in the interface language
  (Vietnamese first), formatted with ``params``;
- ``detail``: English for logs and the command line;
- ``exit_code``: what the command line returns (see :class:`ExitCode`);
- the low-level cause, chained with ``raise ... from``.

Never put a PIN, a password or a citizen ID number into ``params`` or ``detail``.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from workstation import i18n


class ExitCode(IntEnum):
    """Exit codes shared by every subcommand."""

    OK = 0
    UNEXPECTED = 1
    USAGE = 2
    BAD_INPUT = 3
    EXTERNAL = 4
    NOT_VALID = 5  # ``verify``: a signature is not intact, not trusted, or its revocation unknown


class WorkstationError(Exception):
    """Base of every error the workstation raises on purpose."""

    code: str = "internal.unexpected"
    exit_code: ExitCode = ExitCode.UNEXPECTED

    def __init__(self, detail: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(detail)
        if code is not None:
            self.code = code
        self.detail = detail
        self.params = params

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled whole (class, code, detail, params), so an error raised in a
        # process-pool worker reaches the caller as the same typed error.
        return (_rebuild, (type(self), self.detail, self.code, self.params))

    def user_message(self, language: str | None = None) -> str:
        """The message for the officer, in ``language`` (default: the interface language)."""
        return i18n.translate(f"error.{self.code}", language, **self.params)

    def __str__(self) -> str:
        return self.detail


def _rebuild(
    cls: type[WorkstationError], detail: str, code: str, params: dict[str, Any]
) -> WorkstationError:
    return cls(detail, code=code, **params)


class BadInput(WorkstationError):
    """The officer or a file gave something we cannot use (corrupt PDF, unknown procedure)."""

    code = "input.invalid"
    exit_code = ExitCode.BAD_INPUT


class NotFound(BadInput):
    """Something asked for by its identifier does not exist."""

    code = "input.not_found"


class ExternalPartError(WorkstationError):
    """A program, device, token or server the workstation needs is missing or failing."""

    code = "external.unavailable"
    exit_code = ExitCode.EXTERNAL


class StoreError(WorkstationError):
    """The local store could not read or write (disk full, database locked, refused write).

    The disk and the database file are parts outside the program, so the command
    line exits with :attr:`ExitCode.EXTERNAL`.
    """

    code = "store.failed"
    exit_code = ExitCode.EXTERNAL


class ConfigError(BadInput):
    """The settings file or an environment override cannot be understood."""

    code = "config.invalid"


class Cancelled(Exception):
    """The officer cancelled the action. Never shown as an error."""
