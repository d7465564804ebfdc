"""Logging: a rotating file in the user's log folder, with secrets scrubbed.

Every record passes :class:`Redactor` before it is written, so a PIN, a
password or a citizen ID number (12 digits) never reaches a log file even when
a library or an exception message carries one.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from workstation.paths import user_folders

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


# Long hex runs are digests (blob names), never ID numbers: leave them alone.
_DIGEST = re.compile(r"[0-9a-fA-F]{32,}")
_CITIZEN_ID = re.compile(r"(?<!\d)(\d{3})\d{6}(\d{3})(?!\d)")
_CITIZEN_ID_SPACED = re.compile(r"(?<!\d)(\d{3})[ .-](\d{3})[ .-](\d{3})[ .-](\d{3})(?!\d)")
_OLD_ID = re.compile(r"(?<![\d.])\d{9}(?!\d)")


def _mask_numbers(text: str) -> str:
    text = _CITIZEN_ID_SPACED.sub(lambda m: f"{m.group(1)} *** *** {m.group(4)}", text)
    text = _CITIZEN_ID.sub(lambda m: f"{m.group(1)}******{m.group(2)}", text)
    return _OLD_ID.sub("*********", text)


def redact(text: str) -> str:
    """``text`` with secrets replaced: PINs and passwords by ``***``, ID numbers masked.

    Masked: the value after a PIN/password/token word; 12-digit citizen ID
    numbers (also spaced as 3+3+3+3, and inside file names such as
    ``cccd001234567890.png``); 9-digit old ID numbers. Hex digests of 32
    characters or more are left as they are.
    """
    text = _SECRET_ASSIGNMENT.sub(_mask_secret, text)
    pieces, last = [], 0
    for digest in _DIGEST.finditer(text):
        pieces.append(_mask_numbers(text[last : digest.start()]))
        pieces.append(digest.group(0))
        last = digest.end()
    pieces.append(_mask_numbers(text[last:]))
    return "".join(pieces)


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


def configure_logging(
    level: str = "INFO", folder: Path | None = None, name: str = LOG_FILE
) -> Path:
    """Send the root logger to a rotating file (5 × 2 MB) and return its path.

    Raises :class:`OSError` when the folder cannot be written.
    """
    folder = folder or user_folders().logs
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_workstation", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler._workstation = True  # type: ignore[attr-defined]
    handler.addFilter(Redactor())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level.upper())
    return path
