"""Doctor checks that can be driven without touching the machine."""

from __future__ import annotations

import pytest

from workstation import doctor
from workstation.doctor import Status, check_window_libraries, run_checks


def test_missing_window_library_names_its_debian_package(settings, monkeypatch) -> None:
    import ctypes.util

    real = ctypes.util.find_library
    monkeypatch.setattr(
        ctypes.util, "find_library", lambda name: None if name == "xcb-cursor" else real(name)
    )
    check = check_window_libraries(settings)
    assert check.status == Status.MISSING
    assert "libxcb-cursor0" in check.fix


def test_a_check_that_crashes_is_reported_under_its_part(settings, folders, monkeypatch) -> None:
    def broken(_settings):
        raise RuntimeError("boom")

    monkeypatch.setattr(doctor, "check_fonts", broken)
    fonts = next(c for c in run_checks(settings, folders) if c.part == "fonts")
    assert fonts.status == Status.FAILED and "boom" in fonts.summary
    assert fonts.fix


@pytest.mark.integration
def test_vietnamese_coverage_is_read_from_the_font_itself(tmp_path) -> None:
    from fontTools import subset

    full = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
    latin_only = tmp_path / "latin-only.ttf"
    subset.main([full, "--unicodes=U+0020-007E", f"--output-file={latin_only}"])
    assert doctor.font_covers_vietnamese(full)
    assert not doctor.font_covers_vietnamese(str(latin_only))
