"""Page clean-up on generated pages whose skew, content and faults are known."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import pytest

from workstation.scan import specimens
from workstation.scan.clean import clean_page
from workstation.scan.policy import BW, COLOUR, GRAY, page_mode, policy_for

# Small pages keep the suite fast; the rules scale with the page, not its size.
SIZE = (120.0, 150.0)


@cache
def good() -> specimens.Specimen:
    return specimens.text_page(1, size_mm=SIZE, margin_mm=12)


def cleaned(page: specimens.Specimen):  # type: ignore[no-untyped-def]
    return clean_page(page.image, page.dpi)


def test_a_good_page_raises_no_warning_and_keeps_its_size() -> None:
    page = cleaned(good())
    assert page.warnings == []
    assert not page.blank
    assert not page.colour.any
    assert page.image.shape == good().image.shape
    assert abs(page.skew_deg) < 0.1


@pytest.mark.parametrize("degrees", [3.0, -1.5, 0.7])
def test_skew_is_measured_to_a_tenth_of_a_degree_and_undone(degrees: float) -> None:
    page = cleaned(specimens.skew(good(), degrees))
    assert page.skew_deg == pytest.approx(degrees, abs=0.1)
    again = clean_page(page.image, page.dpi)
    assert abs(again.skew_deg) < 0.15


def test_a_noisy_skewed_page_is_still_deskewed() -> None:
    page = cleaned(specimens.add_noise(specimens.skew(good(), 2.0)))
    assert page.skew_deg == pytest.approx(2.0, abs=0.15)
    assert "blurred" not in page.warnings


@pytest.mark.parametrize("noisy", [False, True])
def test_an_upside_down_page_is_turned_the_right_way_up(noisy: bool) -> None:
    page = specimens.skew(good(), 1.0)
    if noisy:
        page = specimens.add_noise(page)
    turned = specimens.Specimen(np.ascontiguousarray(page.image[::-1, ::-1]), page.dpi)
    result = cleaned(turned)
    assert result.rotation == 180
    assert result.skew_deg == pytest.approx(1.0, abs=0.15)
    upright = cleaned(page)
    assert upright.rotation == 0


def test_a_page_with_too_few_lines_to_judge_is_left_as_it_is_and_marked_unsure() -> None:
    page = specimens.text_page(6, size_mm=SIZE, lines=1)
    turned = specimens.Specimen(np.ascontiguousarray(page.image[::-1, ::-1]), page.dpi)
    result = cleaned(turned)
    assert result.rotation == 0 and not result.orientation_sure


TURNED = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
"""How to lay an upright page so that it needs ``key`` degrees clockwise to stand up again."""


@pytest.mark.parametrize("skewed", [False, True])
@pytest.mark.parametrize("needed", [90, 180, 270])
def test_a_page_lying_any_way_round_is_turned_upright_by_the_cheap_check(
    needed: int, skewed: bool
) -> None:
    page = specimens.skew(good(), 1.5) if skewed else good()
    lying = np.ascontiguousarray(cv2.rotate(page.image, TURNED[needed]))
    result = clean_page(lying, page.dpi)
    assert result.rotation == needed and result.orientation_sure
    assert result.image.shape == page.image.shape  # portrait again
    straight = clean_page(page.image, page.dpi)
    difference = np.abs(result.image.astype(int) - straight.image.astype(int)).mean()
    assert difference < 3  # the same upright page, not a mirror or a quarter turn of it


def test_an_upright_page_is_not_turned_and_the_check_is_sure() -> None:
    result = cleaned(good())
    assert result.rotation == 0 and result.orientation_sure


def test_an_empty_page_is_flagged_blank_not_dropped() -> None:
    page = cleaned(specimens.text_page(2, size_mm=SIZE, lines=0))
    assert page.blank
    assert page.warnings == ["blank"]
    assert page.image.size  # the page is still there for the officer to decide


def test_a_page_with_one_line_of_text_is_not_blank() -> None:
    page = cleaned(specimens.text_page(3, lines=1))  # A4: one line is ~0.1 % ink
    assert page.ink_fraction < 0.002
    assert not page.blank
    assert "blank" not in page.warnings


def test_the_dark_scanner_lid_around_the_paper_is_cropped_away() -> None:
    on_lid = specimens.on_dark_lid(good())
    page = cleaned(on_lid)
    assert page.cropped
    h, w = good().image.shape[:2]
    assert abs(page.image.shape[0] - h) < h * 0.02
    assert abs(page.image.shape[1] - w) < w * 0.02
    assert page.warnings == []


def test_a_page_filling_the_image_is_not_cropped() -> None:
    assert not cleaned(good()).cropped


@pytest.mark.parametrize(
    ("name", "make", "warning"),
    [
        ("150 dpi", lambda: specimens.text_page(4, dpi=150, size_mm=SIZE), "low_resolution"),
        ("out of focus", lambda: specimens.blur(good(), 3.5), "blurred"),
        ("underexposed", lambda: specimens.tone(good(), 0.5, 0), "too_dark"),
        ("faded", lambda: specimens.tone(good(), 0.3, 178), "too_light"),
        ("shifted on the glass", lambda: specimens.shifted_off(good(), 0.15), "cut_off"),
    ],
)
def test_each_quality_fault_gives_its_own_reason(name: str, make, warning: str) -> None:  # type: ignore[no-untyped-def]
    page = cleaned(make())
    assert page.warnings == [warning], name


def test_a_200_dpi_page_meets_the_resolution_rule() -> None:
    page = cleaned(specimens.text_page(5, dpi=200, size_mm=SIZE))
    assert page.warnings == []


def test_a_red_seal_is_detected() -> None:
    page = cleaned(specimens.add_seal(good()))
    assert page.colour.as_list() == ["seal"]


def test_a_blue_signature_is_detected() -> None:
    page = cleaned(specimens.add_signature(good()))
    assert page.colour.as_list() == ["signature"]


def test_a_photo_is_detected_and_its_own_colours_are_not_taken_for_ink() -> None:
    page = cleaned(specimens.add_photo(good()))
    assert page.colour.as_list() == ["photo"]


@cache
def typed() -> specimens.Specimen:
    """A typed page with room below its text for a signature or notes."""
    return specimens.text_page(2, size_mm=SIZE, margin_mm=12, lines=10)


@pytest.mark.parametrize(
    "make",
    [
        lambda: typed(),
        lambda: good(),
        lambda: specimens.add_noise(good(), 20),
        lambda: specimens.blur(good(), 2.5),
        lambda: specimens.text_page(3, dpi=200, size_mm=SIZE, margin_mm=12),
        lambda: specimens.text_page(4, size_mm=SIZE, margin_mm=12, point_size=20),
    ],
    ids=["typed", "full", "noisy", "blurred", "200dpi", "large-print"],
)
def test_typed_text_is_not_taken_for_handwriting_and_may_go_black_and_white(make) -> None:  # type: ignore[no-untyped-def]
    page = cleaned(make())
    assert page.colour.as_list() == []
    assert page_mode("auto", policy_for("archive_text"), page.colour.any) == BW


@pytest.mark.parametrize("seed", range(4))
def test_a_black_pen_signature_is_found_and_keeps_the_page_in_colour(seed: int) -> None:
    page = cleaned(specimens.add_pen_signature(typed(), at=(0.3, 0.85), seed=seed))
    assert page.colour.as_list() == ["handwriting"]
    for choice in ("auto", "gray", "policy"):
        assert page_mode(choice, policy_for("archive_text"), page.colour.any) == COLOUR


@pytest.mark.parametrize("dpi", [300, 200])
def test_handwritten_notes_in_black_ink_are_found_and_keep_the_page_in_colour(dpi: int) -> None:
    page = specimens.text_page(2, dpi=dpi, size_mm=SIZE, margin_mm=12, lines=10)
    result = cleaned(specimens.add_handwritten_notes(page, seed=dpi))
    assert result.colour.as_list() == ["handwriting"]
    assert page_mode("auto", policy_for("archive_text"), result.colour.any) == COLOUR


def test_components_are_kept_in_colour_by_policy() -> None:
    component = policy_for("component")
    assert component.mode == COLOUR and component.min_dpi == 200 and component.scale == 1.0
    assert page_mode("policy", component, has_colour_content=False) == COLOUR


def test_plain_archive_pages_may_be_black_and_white() -> None:
    archive = policy_for("archive_text")
    assert page_mode("policy", archive, has_colour_content=False) == BW


@pytest.mark.parametrize("choice", ["policy", "auto", "gray", "color"])
def test_a_page_with_a_seal_stays_colour_whatever_was_asked(choice: str) -> None:
    assert page_mode(choice, policy_for("archive_text"), has_colour_content=True) == COLOUR


def test_auto_and_gray_reduce_plain_pages() -> None:
    component = policy_for("component")
    assert page_mode("auto", component, has_colour_content=False) == BW
    assert page_mode("gray", component, has_colour_content=False) == GRAY


@pytest.mark.parametrize("needed", [0, 90, 180, 270])
def test_a_200_dpi_page_is_judged_as_surely_as_a_300_dpi_one(needed: int) -> None:
    page = specimens.text_page(1, dpi=200, size_mm=SIZE, margin_mm=12)
    lying = (
        page.image if not needed else np.ascontiguousarray(cv2.rotate(page.image, TURNED[needed]))
    )
    result = clean_page(lying, 200)
    assert result.rotation == needed and result.orientation_sure


def test_the_demo_feeder_s_sample_pages_are_surely_upright() -> None:
    from PIL import Image

    from workstation.scan.devices.demo import sample_pages

    for path in sample_pages():
        with Image.open(path) as image:
            result = clean_page(np.asarray(image.convert("RGB")), 200)
        assert result.rotation == 0 and result.orientation_sure, path.name
