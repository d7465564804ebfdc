"""The real window on a real X display (Xvfb), read back by Tesseract.

Starts ``workstation`` the way an officer does, on Qt's xcb platform under
Xvfb, with two dossiers in its store; the window saves a screenshot of itself
and quits. Tesseract (Vietnamese) then reads the picture: the menus, the status
of the dossiers and the applicants' names must come back with their diacritics,
which fails if a font lacks Vietnamese glyphs or the xcb libraries are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import cv2
import pytesseract
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.mark.skipif(sys.platform != "linux", reason="Xvfb is a Linux display server")
def test_window_shows_vietnamese_text_with_correct_diacritics(tmp_path, add_by_command) -> None:
    assert shutil.which("xvfb-run"), "xvfb-run missing: ./dev.sh installs the xvfb package"
    for name in ("Nguyễn Thị Hồng Nhung", "Trần Minh Đức"):
        assert add_by_command(name) == 0
    shot = tmp_path / "window.png"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1600x900x24",
            sys.executable,
            "-m",
            "workstation",
            "--screenshot",
            str(shot),
            "--quit-after",
            "200",
            "--section",
            "1",  # the dossier list (the first is the intake view)
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    image = cv2.imread(str(shot), cv2.IMREAD_GRAYSCALE)
    assert image is not None and image.shape[1] >= 800
    enlarged = cv2.resize(image, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    text = pytesseract.image_to_string(enlarged, lang="vie", timeout=120)
    for expected in (
        "Trợ giúp",
        "Tiếp nhận",
        "Đã tiếp nhận",
        "Người nộp",
        "Nguyễn Thị Hồng Nhung",
        "Trần Minh Đức",
    ):
        assert expected in text, f"{expected!r} not read from the window:\n{text}"
