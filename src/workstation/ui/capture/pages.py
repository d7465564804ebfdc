"""The pages of the capture view as plain values: what was captured and what the officer decided.

A :class:`CapturedPage` is one page in the strip, from its arrival (its
:class:`~workstation.scan.inputs.PageSource`) through processing (its
:class:`~workstation.scan.review.ReviewedPage`, or the message of a failure)
and the officer's decisions (quarter turns, "not blank", colour). Each time the page
is sent to be processed again its ``generation`` grows, so a result that
arrives for an older version (the officer turned it twice quickly) is dropped.
No Qt here: the view keeps these and draws them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import StrEnum

from workstation.scan.inputs import PageSource
from workstation.scan.pipeline import DigitizeOptions
from workstation.scan.policy import ColourPolicy
from workstation.scan.review import ReviewedPage, ReviewJob

_ids = itertools.count(1)

COLOUR_CHOICES: tuple[str | None, ...] = (None, "color", "gray", "auto")
"""The officer's colour choices for one page, in the order C cycles through them: the
profile's, colour, grey, black-and-white (``auto``: a seal, signature, photo or handwriting found
on the page keeps it in colour whatever the choice)."""


class PageState(StrEnum):
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


@dataclass
class CapturedPage:
    """One page of the capture view."""

    source: PageSource
    options: DigitizeOptions
    policy: ColourPolicy
    device_id: str
    id: int = 0
    quarter_turns: int = 0
    not_blank: bool = False
    colour: str | None = None
    """The officer's colour choice for this page (:data:`COLOUR_CHOICES`); None: the profile's."""
    generation: int = 0
    state: PageState = PageState.PROCESSING
    result: ReviewedPage | None = None
    error: str = ""
    """The officer's message when processing failed (already translated)."""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = next(_ids)

    def job(self) -> ReviewJob:
        """What to send to the worker for this page as it now stands."""
        return ReviewJob(
            self.source, self.options, self.policy, self.quarter_turns, self.not_blank, self.colour
        )

    def next_colour(self) -> str | None:
        """The colour choice after this page's in the officer's cycle (profile, colour, grey,
        black-and-white, back to the profile)."""
        return COLOUR_CHOICES[(COLOUR_CHOICES.index(self.colour) + 1) % len(COLOUR_CHOICES)]

    @property
    def flagged_blank(self) -> bool:
        """Processed, flagged blank and not yet looked at by the officer."""
        return self.result is not None and self.result.report.blank and not self.not_blank

    @property
    def warnings(self) -> list[str]:
        """Quality reasons (codes of ``capture.warning.*``), blank included."""
        if self.result is None:
            return []
        found = list(self.result.report.warnings)
        if self.flagged_blank and "blank" not in found:
            found.append("blank")
        return found
