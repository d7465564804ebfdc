"""A missed separator after a plain sheet: a page inside a record that opens a new document.

Only our QR sheet states a record's page count, so a sheet left out after a
plain patch-T sheet merges two records and nothing else notices. Vietnamese
administrative documents open with the national heading (Quốc hiệu and Tiêu
ngữ, Decree 30/2020/ND-CP): "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" over "Độc lập -
Tự do - Hạnh phúc", at the top of the first page. A page after the record's
first one whose first text rows, in its top part, carry both lines (the Tiêu
ngữ below the Quốc hiệu) is reported as a possible missed separator, for the
clerk to look at; the batch is never split on it. Matching is on folded text
(no diacritics, no punctuation) over windows of the row's words, so OCR slips
and the agency's name beside the heading on one row still match.
Without OCR (``--no-ocr``) there is no text and nothing is reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from workstation.domain.text import fold
from workstation.scan.ocr import Word

PHRASES = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
TOP_FRACTION = 0.3
"""The part of the page, from its top, where the heading is looked for."""
MIN_RATIO = 0.8
"""How alike a window of a line and a phrase must be (difflib's ratio)."""
FIRST_ROWS = 4
"""The heading is looked for in the page's first text rows (the agency's name may sit beside
it, in rows of its own)."""


def _letters(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def _rows(words: Sequence[Word], height: int) -> list[str]:
    """The page's first text rows (folded), top to bottom, within its top part."""
    limit = height * TOP_FRACTION
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    rows = sorted(
        (
            (min(w.top for w in found), sorted(found, key=lambda w: w.left))
            for found in lines.values()
        ),
        key=lambda item: item[0],
    )
    return [
        _letters(" ".join(w.text for w in found))
        for top, found in rows[:FIRST_ROWS]
        if top <= limit
    ]


def matches_phrase(line: str, phrase: str) -> bool:
    """Does a folded line hold ``phrase`` (OCR slips and text beside it allowed)?"""
    words = line.split()
    size = len(phrase.split())
    for length in range(max(1, size - 2), size + 3):
        for start in range(0, max(1, len(words) - length + 1)):
            window = " ".join(words[start : start + length])
            if SequenceMatcher(None, phrase, window, autojunk=False).ratio() >= MIN_RATIO:
                return True
    return False


def has_national_heading(words: Sequence[Word], height: int) -> bool:
    """Does the page (its OCR ``words`` in page pixels, ``height`` pixels high) open with the
    national heading: the Quốc hiệu in one of its first rows and the Tiêu ngữ below it?"""
    rows = [row for row in _rows(words, height) if row]
    motto, heading = PHRASES[1], PHRASES[0]
    for index, row in enumerate(rows):
        if matches_phrase(row, heading):
            return any(matches_phrase(below, motto) for below in rows[index + 1 :])
    return False
