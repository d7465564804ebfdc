"""Texts that depend on a number: singular and plural forms from the catalogue.

Vietnamese has no plural form (``1 hồ sơ``, ``3 hồ sơ``) but English does
(``1 dossier``, ``3 dossiers``), so a counted text has two keys, ``<key>.one``
and ``<key>.other``; the Vietnamese catalogue simply gives both the same text.
"""

from __future__ import annotations

from typing import Any

from workstation.i18n import current_language, tr


def tr_count(key: str, number: int, /, **params: Any) -> str:
    """The text of ``key`` for ``number`` things: ``<key>.one`` for 1, ``<key>.other`` otherwise.

    ``params`` fill the text's fields; ``count`` defaults to ``number`` itself.
    """
    params.setdefault("count", number)
    return tr(f"{key}.one" if number == 1 else f"{key}.other", **params)


def thousands(number: int) -> str:
    """``12.345`` in Vietnamese, ``12,345`` in English."""
    text = f"{number:,}"
    return text.replace(",", ".") if current_language() == "vi" else text
