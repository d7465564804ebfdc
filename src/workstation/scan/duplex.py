"""Manual duplex: putting the pages of a stack scanned twice (fronts, then backs) in order.

A simplex feeder scans a two-sided stack in two passes: the officer feeds
the fronts (1, 3, 5 …), turns the stack over and feeds it again, which gives
the backs last sheet first. :func:`interleave` turns the pages of both passes,
as captured, into reading order. Pure functions over any items (page ids,
files, reports), so the capture view and the command line share them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from workstation.errors import BadInput

T = TypeVar("T")


def interleave(fronts: Sequence[T], backs: Sequence[T], *, backs_reversed: bool = True) -> list[T]:
    """Front 1, back 1, front 2, back 2 …; ``backs`` as captured (last sheet first by default).

    Both passes must hold one page per sheet; otherwise :class:`BadInput`
    (``capture.duplex_uneven``), since a missed sheet would pair every later
    front with the wrong back.
    """
    if len(fronts) != len(backs):
        raise BadInput(
            f"{len(fronts)} fronts and {len(backs)} backs",
            code="capture.duplex_uneven",
            fronts=len(fronts),
            backs=len(backs),
        )
    ordered_backs = list(reversed(backs)) if backs_reversed else list(backs)
    pages: list[T] = []
    for front, back in zip(fronts, ordered_backs, strict=True):
        pages += [front, back]
    return pages


def interleave_batch(pages: Sequence[T], *, backs_reversed: bool = True) -> list[T]:
    """:func:`interleave` for one list holding the fronts' pass followed by the backs' pass."""
    if len(pages) % 2:
        raise BadInput(
            f"{len(pages)} pages cannot be two equal passes",
            code="capture.duplex_uneven",
            fronts=(len(pages) + 1) // 2,
            backs=len(pages) // 2,
        )
    half = len(pages) // 2
    return interleave(pages[:half], pages[half:], backs_reversed=backs_reversed)
