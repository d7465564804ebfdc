"""The font the forms embed draws every Vietnamese letter, so no printed word loses a glyph.

Read from the font files themselves (fontTools, the character map of each of
the four styles the forms use), not from a rendered page: a missing glyph in
the bold or italic file would otherwise only show on the form that happens to
use it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont

from workstation.forms.texts import font_files, shipped_forms_file

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
"""No tone, huyền, sắc, hỏi, ngã, nặng."""


def vietnamese_letters() -> set[str]:
    """Every vowel of Vietnamese with each tone, and đ, lower and upper case.

    146 letters: the 12 vowels under 6 tones in both cases and đ/Đ; 134 of them
    are outside ASCII.
    """
    letters = {"đ", "Đ"}
    for vowel in VOWELS:
        for tone in TONES:
            letter = unicodedata.normalize("NFC", vowel + tone)
            assert len(letter) == 1, f"{vowel}+{tone!r} has no precomposed form"
            letters |= {letter, letter.upper()}
    return letters


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _printed_characters() -> set[str]:
    """Every character of every text the shipped versions print (not the font paths)."""
    document = json.loads(shipped_forms_file().read_text(encoding="utf-8"))
    characters: set[str] = set()
    for version in document["versions"]:
        wording = {k: v for k, v in version.items() if k not in ("fonts", "effective_from")}
        for text in _strings(wording):
            characters |= set(unicodedata.normalize("NFC", text))
    return {c for c in characters if not c.isspace()}


def _mapped(path: Path) -> set[str]:
    with TTFont(str(path), lazy=True) as font:
        return {chr(point) for point in font.getBestCmap()}


@pytest.fixture(scope="module")
def files() -> tuple[Path, ...]:
    return font_files(date.today())


def test_the_letter_list_covers_all_134_precomposed_vietnamese_letters() -> None:
    letters = vietnamese_letters()
    assert len(letters) == 146
    assert len({c for c in letters if not c.isascii()}) == 134
    assert {"ặ", "Ặ", "ỹ", "Ỹ", "ữ", "Ữ", "đ", "Đ"} <= letters


@pytest.mark.parametrize("style", range(4), ids=["regular", "bold", "italic", "bold-italic"])
def test_the_forms_font_maps_every_vietnamese_letter_in_both_cases(files, style) -> None:
    missing = vietnamese_letters() - _mapped(files[style])
    assert not missing, f"{files[style].name} lacks {''.join(sorted(missing))}"


@pytest.mark.parametrize("style", range(4), ids=["regular", "bold", "italic", "bold-italic"])
def test_the_forms_font_maps_every_character_of_the_forms_texts(files, style) -> None:
    missing = _printed_characters() - _mapped(files[style])
    assert not missing, f"{files[style].name} lacks {''.join(sorted(missing))}"


def test_the_forms_texts_use_vietnamese_letters_the_check_covers() -> None:
    """The texts do hold accented letters, so the check above is not vacuous."""
    assert {"ư", "ơ", "đ", "ệ", "Ộ", "Ò"} <= _printed_characters()
