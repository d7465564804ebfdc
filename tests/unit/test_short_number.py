"""The short number: how it is shown, and what counts as typing it whole."""

from __future__ import annotations

import pytest

from workstation.domain import parse_short_number, short_number


def test_a_short_number_is_shown_with_a_hash_and_six_digits() -> None:
    assert short_number(123) == "#000123"
    assert short_number(1_234_567) == "#1234567"
    assert short_number(None) == ""


@pytest.mark.parametrize(
    ("typed", "number"),
    [("#000123", 123), ("#123", 123), ("# 123", 123), ("000123", 123), (" #000123 ", 123)],
)
def test_the_whole_short_number_is_understood_with_or_without_its_hash(typed, number) -> None:
    assert parse_short_number(typed) == number


@pytest.mark.parametrize("typed", ["123", "00012", "#", "#0", "#12a", "nguyen", "9" * 13])
def test_anything_less_or_more_than_a_whole_short_number_is_not_one(typed) -> None:
    assert parse_short_number(typed) is None
