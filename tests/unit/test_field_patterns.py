"""A field's pattern read position by position, and the spans of a reading that break it."""

from __future__ import annotations

import pytest

from workstation.resultforms.patterns import misplaced_runs, position_classes

DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_a_serial_of_digits_letters_digits_gives_each_position_its_characters() -> None:
    classes = position_classes(r"^\d{2}[A-Z]{2}\d{6}$")
    assert classes == [DIGITS] * 2 + [LETTERS] * 2 + [DIGITS] * 6


def test_sets_literals_and_escaped_separators_are_read() -> None:
    assert position_classes(r"^[ABC0-2]X\-\d$") == ["ABC012", "X", "-", DIGITS]


@pytest.mark.parametrize(
    "pattern",
    [r"^[1-9]\d?$", r"^\d{1,4}$", r"^\d+$", r"^(AB|CD)\d{2}$", r"^[^0-9]{2}$", r"^\w{3}$"],
)
def test_a_pattern_of_no_fixed_length_or_of_other_parts_gives_none(pattern: str) -> None:
    assert position_classes(pattern) is None


def test_digits_where_letters_go_are_one_span_with_their_neighbours_of_the_same_kind() -> None:
    classes = position_classes(r"^\d{2}[A-Z]{2}\d{6}$")
    assert classes is not None
    assert misplaced_runs("2711696853", classes) == [(2, 4)]
    assert misplaced_runs("27T1696853", classes) == [(2, 4)]
    assert misplaced_runs("2ATT6968S3", classes) == [(0, 2), (4, 10)]


def test_a_reading_that_fits_or_is_not_of_the_patterns_length_has_no_span() -> None:
    classes = position_classes(r"^\d{2}[A-Z]{2}\d{6}$")
    assert classes is not None
    assert misplaced_runs("27TT696853", classes) == []
    assert misplaced_runs("27111696853", classes) == []
