"""Pages under review: processed with the officer's turns and blank override, then assembled."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdf
import pytest
from PIL import Image

from workstation.scan.devices.demo import sample_pages
from workstation.scan.pdf import DocumentInfo
from workstation.scan.pipeline import DigitizeOptions
from workstation.scan.policy import policy_for
from workstation.scan.review import ReviewJob, assemble, process_for_review, sources_of
from workstation.scan.specimens import Specimen, add_seal, text_page

OPTIONS = DigitizeOptions(ocr=False)


def job(path: Path, **decisions: object) -> ReviewJob:
    return ReviewJob(sources_of(path)[0], OPTIONS, policy_for("component"), **decisions)  # type: ignore[arg-type]


def thumbnail_size(data: bytes) -> tuple[int, int]:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    return image.shape[1], image.shape[0]


def test_a_quarter_turn_gives_a_landscape_page_and_thumbnail() -> None:
    page = sample_pages()[0]
    upright = process_for_review(job(page))
    turned = process_for_review(job(page, quarter_turns=1))
    width, height = thumbnail_size(upright.thumbnail)
    assert height > width
    turned_width, turned_height = thumbnail_size(turned.thumbnail)
    assert turned_width > turned_height
    assert turned_width / turned_height == pytest.approx(height / width, rel=0.02)
    assert turned.encoded.pixel_width > turned.encoded.pixel_height


def test_blank_page_is_flagged_and_kept_when_the_officer_says_it_is_not_blank(
    tmp_path: Path,
) -> None:
    white = tmp_path / "white.png"
    Image.new("RGB", (1654, 2339), "white").save(white, dpi=(200, 200))
    flagged = process_for_review(job(white))
    kept = process_for_review(job(white, not_blank=True))
    assert flagged.report.blank and "blank" in flagged.report.warnings
    assert not kept.report.blank and "blank" not in kept.report.warnings


def page_file(tmp_path: Path, name: str, page: Specimen) -> Path:
    path = tmp_path / name
    Image.fromarray(page.image).save(path, dpi=(page.dpi, page.dpi))
    return path


def test_the_officers_colour_choice_sets_the_stored_mode_of_a_plain_page(tmp_path: Path) -> None:
    plain = page_file(tmp_path, "plain.png", text_page(1, dpi=200, lines=12))
    modes = {
        choice: process_for_review(job(plain, colour=choice)).report.colour
        for choice in (None, "color", "gray", "auto")
    }
    assert modes == {None: "colour", "color": "colour", "gray": "gray", "auto": "bw"}


def test_a_page_with_a_seal_stays_in_colour_whatever_the_officer_chose(tmp_path: Path) -> None:
    sealed = page_file(tmp_path, "sealed.png", add_seal(text_page(2, dpi=200, lines=12)))
    for choice in ("gray", "auto"):
        report = process_for_review(job(sealed, colour=choice)).report
        assert report.colour == "colour" and "seal" in report.colour_content


def test_assembled_pages_follow_the_order_given_and_are_renumbered(tmp_path: Path) -> None:
    first, second = (process_for_review(job(p)) for p in sample_pages()[:2])
    out = tmp_path / "out.pdf"
    report = assemble([second, first], out, DocumentInfo(title="t"))
    assert [p.index for p in report.pages] == [0, 1]
    assert report.pages[0].bytes == second.report.bytes
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 2
    assert float(reader.pages[0].mediabox.width) == pytest.approx(second.encoded.width_pt, abs=0.1)
