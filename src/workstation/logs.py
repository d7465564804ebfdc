"""Logging: a rotating file in the user's log folder, with secrets scrubbed.

Every record passes :class:`Redactor` before it is written, so a PIN, a
password or a citizen ID number never reaches a log file even when a library
or an exception message carries one. The mask aims at what looks like an ID
number (12-digit citizen IDs, 9-digit old IDs standing alone), never at
identifiers the program itself writes (dossier UUIDs, blob digests) or at
counts with a unit.

A log file that cannot be written (full disk, folder gone or read-only) never
stops work and never floods the console: :class:`QuietRotatingFileHandler`
says so once on stderr, drops records while the file stays unwritable, and
picks up again, noting how many records were lost, once it can write.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import re
import sys
import traceback
from pathlib import Path
from typing import TextIO

LOG_FILE = "workstation.log"
"""The window's log; each command-line run writes ``workstation-cli.log`` instead, so
two processes never rotate one file (Windows cannot rename a file another has open)."""
CLI_LOG_FILE = "workstation-cli.log"

_SECRET_WORD = (
    r"(?:pin|so_pin|user_pin|password|passwd|pwd|passphrase|secret|otp"
    r"|refresh_token|access_token|id_token|api_key|mật khẩu|mã pin)"
)
# "pin=1234", "PIN: 1234", '"pin": 1234', "'password': 'x'", "wrong PIN 123456"
_SECRET_ASSIGNMENT = re.compile(
    rf"(?i)(?<!\w)({_SECRET_WORD})(?!\w)"
    r"([\"']?\s*(?:[=:]|\bis\b)?\s*[\"']?)"
    r"([^\s,;'\"&}\])]+)"
)


def _mask_secret(match: re.Match[str]) -> str:
    word, separator, value = match.groups()
    explicit = any(mark in separator for mark in "=:") or "is" in separator.lower()
    if not explicit and not any(ch.isdigit() for ch in value):
        return match.group(0)  # "PIN locked", "password expired": no value to hide
    return f"{word}{separator}***"


# What the program writes itself and must stay readable: UUIDs (dossier ids) and
# long hex runs (blob digests). An ID number inside one is a coincidence.
_OWN_IDENTIFIER = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]{32,})(?![0-9A-Za-z])"
)
# A digit run is a whole number when no digit, and no decimal or thousands
# separator followed by a digit, touches it: "1,234,567,890" and "0.123456789"
# are numbers, not IDs.
_NUMBER_START = r"(?<!\d)(?<!\d[.,])"
_NUMBER_END = r"(?!\d)(?![.,]\d)"
# A count with its unit ("123456789 bytes") is a measure, not an ID.
_UNIT = r"(?!\s?(?:bytes?|[kKMG]?B|KiB|MiB|GiB|ms|µs|ns|pages?|pixels?|px|rows?)\b)"
# 12-digit citizen ID (CCCD), also inside a file name: "cccd001234567890.png".
_CITIZEN_ID = re.compile(rf"{_NUMBER_START}(\d{{3}})\d{{6}}(\d{{3}}){_NUMBER_END}{_UNIT}")
_CITIZEN_ID_SPACED = re.compile(
    rf"{_NUMBER_START}(\d{{3}})[ .-](\d{{3}})[ .-](\d{{3}})[ .-](\d{{3}}){_NUMBER_END}"
)
# 9-digit old ID (CMND), only standing alone as a word: not glued to letters.
_OLD_ID = re.compile(rf"(?<![\dA-Za-z])(?<!\d[.,])\d{{9}}(?![\dA-Za-z])(?![.,]\d){_UNIT}")


def _mask_numbers(text: str) -> str:
    text = _CITIZEN_ID_SPACED.sub(lambda m: f"{m.group(1)} *** *** {m.group(4)}", text)
    text = _CITIZEN_ID.sub(lambda m: f"{m.group(1)}******{m.group(2)}", text)
    return _OLD_ID.sub("*********", text)


def redact(text: str) -> str:
    """``text`` with secrets replaced: PINs and passwords by ``***``, ID numbers masked.

    Masked: the value after a PIN/password/token word; 12-digit citizen ID
    numbers (also spaced as 3+3+3+3, and inside file names such as
    ``cccd001234567890.png``); 9-digit old ID numbers standing alone. Kept:
    UUIDs and hex digests of 32 characters or more, numbers with decimal or
    thousands separators, and counts followed by a unit (``123456789 bytes``).
    """
    text = _SECRET_ASSIGNMENT.sub(_mask_secret, text)
    pieces, last = [], 0
    for own in _OWN_IDENTIFIER.finditer(text):
        pieces.append(_mask_numbers(text[last : own.start()]))
        pieces.append(own.group(0))
        last = own.end()
    pieces.append(_mask_numbers(text[last:]))
    return "".join(pieces)


def structural_traceback(exc: BaseException) -> str:
    """Where ``exc`` (and its causes) happened, without what their messages said.

    Exception messages can carry file names, names and ID numbers; the stack's
    file names, line numbers and code lines are the program's own. Used to log
    an unexpected failure without its data.
    """
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        code = getattr(current, "code", None) or getattr(current, "errno", None)
        if isinstance(code, str | int) and not isinstance(code, bool):
            kind += f" [{code}]"  # a WorkstationError's code or an OSError's errno
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"{kind}\n{frames}".rstrip())
        current = current.__cause__ or current.__context__
    return "\ncaused by ".join(parts)


class Redactor(logging.Filter):
    """Rewrites each record's final message through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.msg = redact(message)
        record.args = None
        return True


class QuietRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that, when it cannot be written, says so once and stays quiet.

    The standard handler prints a "Logging error" traceback on stderr for every
    record it fails to write: a thousand lines on a full disk. This one writes
    one warning to ``warnings`` (stderr) on the first failure, drops records
    while the file cannot be written, retries with each new record, and once
    writing works again records how many were lost.
    """

    def __init__(self, path: Path, *, warnings: TextIO | None = None, **kwargs: object) -> None:
        super().__init__(path, **kwargs)  # type: ignore[arg-type]
        self._warnings = warnings
        self.failing = False
        self.lost = 0
        self._failed_now = False

    def emit(self, record: logging.LogRecord) -> None:
        self._failed_now = False
        super().emit(record)
        if self._failed_now or not self.failing:
            return
        lost, self.lost, self.failing = self.lost, 0, False
        note = logging.makeLogRecord(
            {
                "name": __name__,
                "levelno": logging.WARNING,
                "levelname": "WARNING",
                "msg": f"the log could not be written for a while: {lost} record(s) lost",
            }
        )
        super().emit(note)

    def handleError(self, record: logging.LogRecord) -> None:
        self._failed_now = True
        self.lost += 1
        error = sys.exc_info()[1]
        if not self.failing:
            self.failing = True
            reason = getattr(error, "strerror", None) or type(error).__name__
            stream = self._warnings if self._warnings is not None else sys.stderr
            with contextlib.suppress(OSError, ValueError):  # no stderr either: nothing to do
                print(
                    f"warning: cannot write the log {self.baseFilename} ({reason}); "
                    "continuing without it until it can be written again",
                    file=stream,
                    flush=True,
                )
        self._drop_stream()

    def _drop_stream(self) -> None:
        """Forget the broken stream; the next record opens the file afresh."""
        stream, self.stream = self.stream, None  # type: ignore[assignment]
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.close()  # flushing what the disk refused fails again


def configure_logging(
    level: str = "INFO", folder: Path | None = None, name: str = LOG_FILE
) -> Path:
    """Send the root logger to a rotating file (5 × 2 MB) and return its path.

    Raises :class:`OSError` when the folder cannot be created or the file
    opened; a file that fails later is handled by :class:`QuietRotatingFileHandler`.
    """
    if folder is None:
        from workstation.paths import user_folders

        folder = user_folders().logs
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_workstation", False):
            root.removeHandler(handler)
            handler.close()
    handler = QuietRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler._workstation = True  # type: ignore[attr-defined]
    handler.addFilter(Redactor())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level.upper())
    return path
