"""The message catalogue: every text the officer reads, in Vietnamese and English.

Catalogues live in ``resources/i18n/<language>/*.json``, flat ``key -> text``
maps merged in file-name order (one file per area: ``core.json``, ``ui.json``,
``doctor.json`` …); Vietnamese (``vi``) is the reference and English (``en``) must hold every
key too (a test checks). Texts use ``str.format`` fields: ``"Không tìm thấy {what}"``.

Both the core (error messages) and the interface use :func:`translate`, so one
catalogue serves the command line, the dialogs and the reports.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import Any

from workstation.paths import resources_dir

log = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_current = DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    """Choose the interface language for the rest of the process."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; choose one of {LANGUAGES}")
    _current = language


def current_language() -> str:
    return _current


@cache
def catalogue(language: str) -> dict[str, str]:
    """All messages of one language."""
    merged: dict[str, str] = {}
    for path in sorted((resources_dir() / "i18n" / language).glob("*.json")):
        with Path(path).open(encoding="utf-8") as f:
            merged.update(json.load(f))
    return merged


def translate(key: str, language: str | None = None, /, **params: Any) -> str:
    """The text for ``key`` in ``language``, formatted with ``params``.

    A key missing from the language falls back to Vietnamese, then to the key
    itself, so a gap in a catalogue shows up as a visible key, never a crash.
    """
    language = language or _current
    text = catalogue(language).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE).get(key)
        if text is None:
            log.warning("message %s missing from every catalogue", key)
            return key
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError):
        log.warning("message %s does not take parameters %s", key, sorted(params))
        return text


tr = translate
