"""The officer overrides the rotation, colour and blank flag of any page capture decided."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from PIL import Image

from workstation.errors import BadInput
from workstation.scan import specimens
from workstation.scan.pdf import DocumentInfo
from workstation.scan.pipeline import DigitizeOptions, PageOverride, digitize

SIZE = (120.0, 150.0)


def save(page: specimens.Specimen, path: Path) -> Path:
    Image.fromarray(page.image).save(path, dpi=(page.dpi, page.dpi))
    return path


@pytest.fixture
def pages(tmp_path: Path) -> list[Path]:
    """A text page, a page with a red seal, an empty page."""
    text = specimens.text_page(31, size_mm=SIZE, margin_mm=12, first_line=4)
    return [
        save(text, tmp_path / "text.png"),
        save(specimens.add_seal(specimens.text_page(32, size_mm=SIZE)), tmp_path / "seal.png"),
        save(specimens.text_page(33, size_mm=SIZE, lines=0), tmp_path / "empty.png"),
    ]


def run(pages: list[Path], tmp_path: Path, **options: object):  # type: ignore[no-untyped-def]
    out = tmp_path / "out.pdf"
    report = digitize(pages, out, DigitizeOptions(jobs=1, **options), DocumentInfo("x"))
    return report, out


def test_without_overrides_capture_decides(pages: list[Path], tmp_path: Path) -> None:
    report, _ = run(pages, tmp_path, ocr=False, purpose="archive_text", colour="auto")
    assert [p.rotation for p in report.pages] == [0, 0, 0]
    assert [p.colour for p in report.pages] == ["bw", "colour", "bw"]
    assert [p.blank for p in report.pages] == [False, False, True]


def test_a_page_the_officer_turns_is_turned_and_reported(pages: list[Path], tmp_path: Path) -> None:
    overrides = ((0, PageOverride(rotation=90)),)
    report, out = run(pages, tmp_path, ocr=False, overrides=overrides)
    assert [p.rotation for p in report.pages] == [90, 0, 0]
    box = pypdf.PdfReader(out).pages[0].mediabox
    assert box.width > box.height  # the portrait page now lies landscape


def test_the_officer_s_colour_wins_but_a_seal_keeps_its_page_in_colour(
    pages: list[Path], tmp_path: Path
) -> None:
    overrides = ((0, PageOverride(colour="color")), (1, PageOverride(colour="gray")))
    report, _ = run(
        pages, tmp_path, ocr=False, purpose="archive_text", colour="auto", overrides=overrides
    )
    assert [p.colour for p in report.pages] == ["colour", "colour", "bw"]


def test_the_officer_clears_or_sets_the_blank_flag(pages: list[Path], tmp_path: Path) -> None:
    overrides = ((0, PageOverride(blank=True)), (2, PageOverride(blank=False)))
    report, _ = run(pages, tmp_path, overrides=overrides)
    text, _, empty = report.pages
    assert text.blank and "blank" in text.warnings and text.ocr_confidence is None
    assert not empty.blank and "blank" not in empty.warnings


def test_a_turn_that_is_not_a_quarter_turn_is_refused(pages: list[Path], tmp_path: Path) -> None:
    with pytest.raises(BadInput) as caught:
        run(pages, tmp_path, ocr=False, overrides=((0, PageOverride(rotation=45)),))
    assert caught.value.code == "capture.bad_rotation"
    assert not (tmp_path / "out.pdf").exists()
