"""The checks of an archive split: a separator missed after a plain patch-T sheet is reported
from the national heading of the page that follows, never split on."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.archive import specimens
from workstation.archive.batch import split
from workstation.archive.review import BatchReview
from workstation.scan.pipeline import DigitizeOptions

pytestmark = [pytest.mark.integration]


def test_a_separator_missed_after_a_plain_sheet_is_reported_at_the_page_that_opens_a_document(
    tmp_path: Path,
) -> None:
    # Record 1 behind a plain patch-T sheet (no page count); record 2's sheet left out; each
    # record's first page opens a document with the national heading.
    stack = specimens.write_stack(
        tmp_path / "in", [2, 2, 1], dpi=150, lines=3, headed=True, patch_only=(0,), missing=(1,)
    )
    report = split(stack.files, tmp_path / "out", DigitizeOptions(jobs=2, language="vie"))
    assert (
        [(r.first_page, r.last_page) for r in report.records]
        == stack.expected
        == [
            (2, 5),
            (7, 7),
        ]
    )
    merged = report.records[0]
    assert merged.warnings == ["separator_without_metadata", "possible_missed_separator:page 4"]
    assert report.records[1].warnings == []  # a record's own first page is no warning
    assert "record 2-5: possible_missed_separator:page 4" in report.warnings
    assert sum(r.pages for r in report.records) + len(report.separators) == len(stack.files)
    review = BatchReview(tmp_path / "out")
    assert "possible_missed_separator:page 4" in review.problems(1)
