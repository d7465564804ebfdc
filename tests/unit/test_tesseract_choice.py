"""Which Tesseract program runs: the setting, the one installed beside a frozen
workstation (the Windows installer's), then the one on PATH; and what doctor says
about scanners on Windows."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.config import Settings
from workstation.doctor.check import Status
from workstation.doctor.programs import check_sane
from workstation.paths import choose_tesseract


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """An installed workstation: workstation.exe with tesseract\\tesseract.exe beside it."""
    (tmp_path / "tesseract").mkdir()
    (tmp_path / "tesseract" / "tesseract.exe").write_bytes(b"MZ")
    (tmp_path / "workstation.exe").write_bytes(b"MZ")
    return tmp_path / "workstation.exe"


def test_a_frozen_workstation_runs_the_tesseract_installed_beside_it(installed: Path):
    chosen = choose_tesseract("tesseract", frozen=True, executable=installed)
    assert chosen == str(installed.parent / "tesseract" / "tesseract.exe")


def test_the_administrators_setting_wins_over_the_bundled_tesseract(installed: Path):
    own = r"D:\Tesseract-OCR\tesseract.exe"
    assert choose_tesseract(own, frozen=True, executable=installed) == own


def test_from_the_checkout_tesseract_is_looked_up_on_path(installed: Path):
    assert choose_tesseract("tesseract", frozen=False, executable=installed) == "tesseract"


def test_a_frozen_workstation_without_a_bundled_tesseract_looks_on_path(tmp_path: Path):
    executable = tmp_path / "workstation"
    assert choose_tesseract("tesseract", frozen=True, executable=executable) == "tesseract"


def test_settings_resolve_their_tesseract_through_the_choice():
    assert Settings(tesseract="/opt/ocr/tesseract").tesseract_program() == "/opt/ocr/tesseract"
    assert Settings().tesseract_program() == "tesseract"  # tests run from the checkout


def test_doctor_says_usb_scanners_on_windows_need_escl_or_a_hot_folder():
    check = check_sane(Settings(), windows=True)
    assert check.status == Status.WARNING and not check.blocking
    assert "TWAIN/WIA" in check.summary
    assert "eSCL" in check.summary and "hot folder" in check.summary
