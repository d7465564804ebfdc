"""The ``tesseract`` setting names the Tesseract that OCR runs, in the worker processes too.

The configured program is a small real wrapper script that records each call
and then runs the real Tesseract, so recognition still works and the record
proves which program ran.
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from PIL import Image

from workstation.cli import main
from workstation.scan import specimens
from workstation.scan.pdf import DocumentInfo
from workstation.scan.pipeline import DigitizeOptions, digitize

pytestmark = pytest.mark.integration


@pytest.fixture
def wrapper(tmp_path: Path) -> tuple[Path, Path]:
    """A Tesseract wrapper (outside PATH) and the file where it records its calls."""
    real = shutil.which("tesseract")
    if real is None:
        pytest.skip("tesseract is not installed")
    record = tmp_path / "calls.txt"
    program = tmp_path / "bin" / "my-tesseract"
    program.parent.mkdir()
    program.write_text(f'#!/bin/sh\necho "$@" >> "{record}"\nexec "{real}" "$@"\n')
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program, record


@pytest.fixture
def page(tmp_path: Path) -> Path:
    specimen = specimens.text_page(3, size_mm=(105.0, 148.0), margin_mm=10, lines=6)
    path = tmp_path / "page.png"
    Image.fromarray(specimen.image).save(path, dpi=(specimen.dpi, specimen.dpi))
    return path


def test_the_configured_tesseract_is_the_one_the_worker_processes_run(
    wrapper: tuple[Path, Path], page: Path, tmp_path: Path
) -> None:
    program, record = wrapper
    options = DigitizeOptions(jobs=1, tesseract=str(program))
    report = digitize([page], tmp_path / "out.pdf", options, DocumentInfo("t"))
    calls = record.read_text().splitlines()
    assert any(call.endswith(" tsv") and "-l vie" in call for call in calls)
    assert report.pages[0].ocr_confidence is not None


def test_workstation_digitize_runs_the_tesseract_the_setting_names(
    wrapper: tuple[Path, Path],
    page: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    program, record = wrapper
    monkeypatch.setenv("WORKSTATION_TESSERACT", str(program))
    out = tmp_path / "cli.pdf"
    assert main(["digitize", str(page), "-o", str(out), "--jobs", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["pages"][0]["ocr_confidence"] is not None
    calls = record.read_text().splitlines()
    assert calls[0] == "--list-langs"
    assert any(call.endswith(" tsv") for call in calls)


def test_a_configured_tesseract_that_does_not_exist_is_told_not_replaced_by_path(
    page: Path, tmp_path: Path
) -> None:
    from workstation.errors import ExternalPartError

    options = DigitizeOptions(jobs=1, tesseract=str(tmp_path / "nowhere" / "tesseract"))
    with pytest.raises(ExternalPartError) as caught:
        digitize([page], tmp_path / "out.pdf", options, DocumentInfo("t"))
    assert caught.value.code == "capture.tesseract_missing"
