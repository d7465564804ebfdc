"""The one-folder bundle works on its own: version, doctor, window, a dossier received.

Each test runs the bundled program outside the checkout, with no PYTHONPATH, on
the test's own temporary home; the figures it computes are compared with the
checkout's own (same machine, same data), so a library, data file or native
part the bundle left behind shows up as a difference or a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from workstation import __version__
from workstation.paths import resources_dir

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.timeout(1800),  # the first test builds the bundle
]

SAMPLES = resources_dir() / "samples"


def checkout(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The same command run from the checkout's code, for comparison."""
    return subprocess.run(
        [sys.executable, "-m", "workstation", *args], capture_output=True, text=True,
        env=os.environ, cwd=cwd, timeout=180, check=False,
    )  # fmt: skip


def test_bundle_answers_its_version(run_bundle) -> None:
    result = run_bundle("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"workstation {__version__}"


def test_bundle_doctor_sees_the_machine_as_the_checkout_does(run_bundle, bundle, tmp_path) -> None:
    frozen = run_bundle("doctor", "--json")
    assert frozen.returncode == 0, frozen.stdout + frozen.stderr
    report = json.loads(frozen.stdout)
    assert report["ok"] is True
    source = json.loads(checkout("doctor", "--json", cwd=tmp_path).stdout)
    assert {c["part"]: c["status"] for c in report["checks"]} == {
        c["part"]: c["status"] for c in source["checks"]
    }
    catalogue = next(c for c in report["checks"] if c["part"] == "procedure catalogue")
    assert Path(catalogue["facts"]["path"]).is_relative_to(bundle)
    assert catalogue["facts"]["in_force"] > 0


def test_bundle_carries_resources_holidays_keyring_and_native_parts(bundle: Path) -> None:
    internal = bundle / "_internal"
    for path in resources_dir().rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert (internal / "resources" / path.relative_to(resources_dir())).is_file(), path
    assert (internal / "workstation" / "store" / "migrations" / "env.py").is_file()
    assert list((internal / "holidays" / "locale" / "vi").rglob("*.mo"))
    assert list(internal.glob("keyring-*.dist-info"))
    assert list(internal.glob("bagit-*.dist-info"))
    native = (
        "pikepdf/_core.*.so",
        "pypdfium2_raw/libpdfium.so",
        "zxingcpp/zxingcpp*.so",
        "cv2/cv2*.so",
    )
    for library in native:
        assert list(internal.glob(library)), library


def test_bundle_counts_working_days_over_tet_like_the_checkout(run_bundle, tmp_path) -> None:
    # 2027's Tết falls on 6 February: ten working days from 1 February cross it.
    args = ("due-date", "--days", "10", "--received", "2027-02-01T09:00", "--json")
    frozen = run_bundle(*args)
    assert frozen.returncode == 0, frozen.stderr
    source = checkout(*args, cwd=tmp_path)
    assert json.loads(frozen.stdout) == json.loads(source.stdout)


def test_bundle_opens_its_window_offscreen_and_paints_it(run_bundle, tmp_path) -> None:
    shot = tmp_path / "window.png"
    result = run_bundle("--screenshot", str(shot), "--quit-after", "0")
    assert result.returncode == 0, result.stderr
    with Image.open(shot) as image:
        assert image.width >= 600 and image.height >= 400
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 20  # drawn, not a blank surface


def test_bundle_receives_a_dossier_the_checkout_then_lists(run_bundle, tmp_path) -> None:
    added = run_bundle(
        "dossier", "add", "--procedure", "1.001193", "--applicant-name", "Khuất Lưu Huy Nhật",
        "--file", str(SAMPLES / "giay-de-nghi-ho-kinh-doanh.pdf"), "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    dossier = json.loads(added.stdout)
    assert dossier["page_count"] == 2 and dossier["outbox_pending"] == 1

    listed = checkout("dossier", "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    (only,) = json.loads(listed.stdout)["dossiers"]
    assert only["id"] == dossier["id"] and only["code"] == dossier["code"]


def test_bundle_digitizes_a_page_with_opencv_tesseract_and_pikepdf(run_bundle, tmp_path) -> None:
    out = tmp_path / "page.pdf"
    result = run_bundle("digitize", str(SAMPLES / "to-khai-khai-sinh.png"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    import pypdfium2

    document = pypdfium2.PdfDocument(out)
    try:
        text = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    assert "khai sinh" in text.lower()
