"""Manual duplex interleaving: fronts, then backs in reverse, into reading order."""

from __future__ import annotations

import pytest

from workstation.errors import BadInput
from workstation.scan.duplex import interleave, interleave_batch


def test_backs_fed_last_sheet_first_pair_with_their_fronts() -> None:
    assert interleave(["1", "3", "5"], ["6", "4", "2"]) == ["1", "2", "3", "4", "5", "6"]


def test_backs_in_sheet_order_when_the_feeder_kept_the_order() -> None:
    assert interleave(["1", "3"], ["2", "4"], backs_reversed=False) == ["1", "2", "3", "4"]


def test_one_list_of_both_passes_is_split_in_half() -> None:
    assert interleave_batch(["f1", "f2", "f3", "b3", "b2", "b1"]) == [
        "f1", "b1", "f2", "b2", "f3", "b3",
    ]  # fmt: skip


def test_empty_batch_stays_empty() -> None:
    assert interleave_batch([]) == []


@pytest.mark.parametrize("pages", [["f1"], ["f1", "f2", "b2"]])
def test_odd_page_count_is_refused_as_uneven(pages: list[str]) -> None:
    with pytest.raises(BadInput) as caught:
        interleave_batch(pages)
    assert caught.value.code == "capture.duplex_uneven"


def test_passes_of_different_lengths_are_refused() -> None:
    with pytest.raises(BadInput) as caught:
        interleave(["f1", "f2"], ["b1"])
    assert caught.value.params == {"fronts": 2, "backs": 1}
