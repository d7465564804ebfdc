"""Vietnamese text folding for search.

SQLite folds ASCII only (``lower('ĐỨC')`` is ``'ĐỨc'``) and Unicode
decomposition leaves ``đ`` alone, so search keys are made here: lower case,
diacritics removed, ``đ`` → ``d``, spaces collapsed. ``Nguyễn Văn Đức`` and
``nguyen van duc`` fold to the same key.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """The search key of ``text``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
