"""The checks of an archive split: a separator missed after a plain patch-T sheet is reported
from the national heading of the page that follows, never split on; ``archive split --json``
prints the documented shape; a bad batch gets a clear message and keeps every page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workstation.archive import specimens
from workstation.archive.batch import split
from workstation.archive.review import BatchReview
from workstation.cli import main
from workstation.scan.pipeline import DigitizeOptions

pytestmark = [pytest.mark.integration]

RECORD_KEYS = {"first_page", "last_page", "file", "metadata", "warnings"}


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


def test_split_json_prints_exactly_the_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = specimens.write_stack(tmp_path / "in", [1, 2], lines=3)
    capsys.readouterr()
    out = tmp_path / "out"
    code = main(["archive", "split", str(tmp_path / "in"), "-o", str(out), "--no-ocr", "--json"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"records", "separators", "warnings"}
    assert all(set(record) == RECORD_KEYS for record in printed["records"])
    assert printed["separators"] == stack.separators == [1, 3]
    assert [(r["first_page"], r["last_page"]) for r in printed["records"]] == stack.expected
    assert printed["records"][1]["file"].endswith(".pdf")
    assert printed["records"][1]["metadata"]["pages"] == 2
    assert printed["warnings"] == []


def test_a_separator_missed_after_a_plain_sheet_goes_unnoticed_without_a_national_heading(
    tmp_path: Path,
) -> None:
    # The documented limit (docs/archive.md): the same stack, but the hidden record's first page
    # is plain text without the national heading, so nothing tells the split a sheet was missed.
    stack = specimens.write_stack(
        tmp_path / "in", [2, 2, 1], dpi=150, lines=3, patch_only=(0,), missing=(1,)
    )
    report = split(stack.files, tmp_path / "out", DigitizeOptions(jobs=2, language="vie"))
    assert [(r.first_page, r.last_page) for r in report.records] == [(2, 5), (7, 7)]
    assert report.records[0].warnings == ["separator_without_metadata"]


def test_an_unreadable_sheet_and_a_batch_without_sheets_are_explained_and_keep_every_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = specimens.write_stack(tmp_path / "in", [1, 2], damaged=(1,), lines=3)
    capsys.readouterr()
    args = ["archive", "split", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--no-ocr"]
    assert main([*args, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert "separator_unreadable:page 3" in printed["warnings"]
    pages = sum(r["last_page"] - r["first_page"] + 1 for r in printed["records"])
    assert pages + len(printed["separators"]) == len(stack.files)
    assert main([*args, "--lang", "vie"]) == 0  # resumed: the same batch, told in words
    text = capsys.readouterr().out
    assert "không đọc được" in text.lower() or "cannot be read" in text.lower()

    alone = specimens.write_stack(tmp_path / "plain", [3], missing=(0,), lines=3)
    args = ["archive", "split", str(tmp_path / "plain"), "-o", str(tmp_path / "out2"), "--no-ocr"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "no_separators" in text and "tờ phân cách" in text
    assert main([*args, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [(r["first_page"], r["last_page"]) for r in printed["records"]] == [(1, 3)]
    assert len(alone.files) == 3
