"""Orientation where clean-up's cheap check is unsure: Tesseract's detection decides (real OSD).

Pages of one line of Vietnamese are too few lines for the cheap check, so each
goes to ``tesseract --psm 0`` (Debian's tesseract-ocr-osd) and must come out
upright: the OCR text reads right and the report says how far it was turned.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import pytest

from workstation.scan import specimens
from workstation.scan.ocr import OSD_MIN_CONFIDENCE, languages, parse_osd
from workstation.scan.pipeline import DigitizeOptions, process_image
from workstation.scan.policy import policy_for

pytestmark = pytest.mark.skipif(
    "osd" not in languages(), reason="Tesseract's orientation data is missing (tesseract-ocr-osd)"
)

TURNED = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
"""How to lay an upright page so that it needs ``key`` degrees clockwise to stand up again."""


@cache
def one_line() -> specimens.Specimen:
    return specimens.text_page(3, size_mm=(150.0, 100.0), lines=1, margin_mm=15, first_line=14)


def digitised(image: np.ndarray, **options: object):  # type: ignore[no-untyped-def]
    report, _ = process_image(image, 300, DigitizeOptions(**options), policy_for(None))
    return report


@pytest.mark.parametrize("needed", [90, 180, 270])
def test_a_page_the_cheap_check_cannot_judge_comes_out_upright(needed: int) -> None:
    lying = np.ascontiguousarray(cv2.rotate(one_line().image, TURNED[needed]))
    report = digitised(lying)
    assert report.rotation == needed
    assert "orientation" in report.ms
    assert "Ủy ban nhân dân" in report.text


def test_an_upright_page_the_cheap_check_cannot_judge_is_not_turned() -> None:
    report = digitised(one_line().image)
    assert report.rotation == 0
    assert "Ủy ban nhân dân" in report.text


def test_without_orientation_detection_an_unsure_page_is_left_as_it_lies() -> None:
    lying = np.ascontiguousarray(cv2.rotate(one_line().image, cv2.ROTATE_180))
    report = digitised(lying, orientation=False)
    assert report.rotation == 0 and "orientation" not in report.ms


def test_a_page_the_cheap_check_is_sure_of_never_asks_tesseract() -> None:
    page = specimens.text_page(4, size_mm=(120.0, 150.0), margin_mm=12)
    report = digitised(np.ascontiguousarray(page.image[::-1, ::-1]))
    assert report.rotation == 180 and "orientation" not in report.ms


def test_osd_report_is_read_and_a_weak_answer_is_ignored() -> None:
    report = "Page number: 0\nOrientation in degrees: 90\nRotate: 270\n"
    assert parse_osd(report + "Orientation confidence: 16.04\nScript: Latin\n") == 270
    weak = OSD_MIN_CONFIDENCE / 2
    assert parse_osd(report + f"Orientation confidence: {weak}\n") == 0
    assert parse_osd("Too few characters. Skipping this page") == 0
    assert parse_osd("Rotate: 45\nOrientation confidence: 30\n") == 0
