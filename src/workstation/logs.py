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

_SECRET_ASSIGNMENT = re.compile(
    r"(?i)\b(pin|so_pin|user_pin|password|passwd|pwd|secret|token|refresh_token|access_token)"
    r"(\s*[=:]\s*|\"\s*:\s*\"|'\s*:\s*')([^\s,;'\"&}]+)"
)
# Lowercase hex letters count as part of a word so that SHA-256 digests stay readable.
_CITIZEN_ID = re.compile(r"(?<![0-9a-f])(\d{3})\d{6}(\d{3})(?![0-9a-f])")
_OLD_ID = re.compile(r"(?<![0-9a-f.])\d{9}(?![0-9a-f])")


def redact(text: str) -> str:
    """``text`` with secrets replaced: PINs and passwords by ``***``, ID numbers masked."""
    text = _SECRET_ASSIGNMENT.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    text = _CITIZEN_ID.sub(lambda m: f"{m.group(1)}******{m.group(2)}", text)
    return _OLD_ID.sub("*********", text)


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


def configure_logging(level: str = "INFO", folder: Path | None = None) -> Path:
    """Send the root logger to a rotating file (5 × 2 MB) and return its path."""
    folder = folder or user_folders().logs
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE
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
