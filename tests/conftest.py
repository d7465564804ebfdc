"""Fixtures every test shares: an isolated home folder, settings and real services.

Each test gets its own ``WORKSTATION_HOME`` (settings, data and logs under a
temporary folder) and a fresh real SQLite store, so no test sees another's
dossiers and none touches the developer's own data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt tests run offscreen, whatever the developer's shell says; set before any Qt
# import. The Xvfb test starts its own process on the xcb platform.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["OMP_THREAD_LIMIT"] = "1"

from tests import xdist_helpers
from workstation import i18n
from workstation.config import Settings, load_settings
from workstation.paths import Folders, resources_dir, user_folders
from workstation.services import Services, open_services

SAMPLES = resources_dir() / "samples"


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """Under ``--dist loadgroup``, keep the tests of each group of ``tests/xdist_helpers.py``
    on one worker."""
    if config.getvalue("dist") != "loadgroup":
        return None
    return xdist_helpers.make_scheduler(config, log)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh WORKSTATION_HOME for every test, with no WORKSTATION_* leaking in."""
    for name in list(os.environ):
        if name.startswith("WORKSTATION_"):
            monkeypatch.delenv(name)
    root = tmp_path / "home"
    monkeypatch.setenv("WORKSTATION_HOME", str(root))
    i18n.set_language("vi")
    yield root
    i18n.set_language("vi")


@pytest.fixture
def folders(home: Path) -> Folders:
    return user_folders()


@pytest.fixture
def settings(folders: Folders) -> Settings:
    return load_settings(folders)


@pytest.fixture
def services(settings: Settings, folders: Folders) -> Iterator[Services]:
    """Real services over a fresh SQLite store and blob folder."""
    opened = open_services(settings, folders)
    yield opened
    opened.close()


@pytest.fixture
def sample_page() -> Path:
    """A 200-dpi A4 greyscale form with Vietnamese text (resources/samples)."""
    return SAMPLES / "to-khai-khai-sinh.png"


@pytest.fixture
def add_by_command(sample_page: Path):
    """``add_by_command(name, procedure=…, file=…)`` runs ``workstation dossier add`` in-process."""
    from workstation.cli import main

    def add(name: str, procedure: str = "1.001193", file: Path | None = None) -> int:
        argv = ["dossier", "add", "--procedure", procedure, "--applicant-name", name]
        return main([*argv, "--file", str(file or sample_page)])

    return add
