"""Fixtures for capture devices: a SANE configuration that lists SANE's own test scanner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def sane_test_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``SANE_CONFIG_DIR`` naming only the ``test`` backend (commented out in /etc/sane.d)."""
    if shutil.which("scanimage") is None:
        pytest.skip("sane-utils is not installed")
    folder = tmp_path / "sane"
    folder.mkdir()
    (folder / "dll.conf").write_text("test\n")
    shutil.copy("/etc/sane.d/test.conf", folder / "test.conf")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(folder))
    return folder
