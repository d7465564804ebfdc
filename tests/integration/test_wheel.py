"""The wheel carries resources/: a ``pip install`` finds its catalogue and messages.

The wheel is built from a copy of the checkout (pip builds in the source folder),
unpacked (a pure-Python wheel unpacked is an install) and imported from a
folder outside the checkout, where only the wheel's own copy can be found.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_INPUTS = ("src", "resources", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    checkout = work / "checkout"
    checkout.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=ignore)
        else:
            shutil.copy2(source, checkout / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(work / "out"), str(checkout)],
        check=True, cwd=work, capture_output=True, timeout=240,
    )  # fmt: skip
    (built,) = (work / "out").glob("workstation-*.whl")
    return built


def test_wheel_carries_every_resource_file_inside_the_package(wheel: Path) -> None:
    expected = {
        f"workstation/resources/{path.relative_to(ROOT / 'resources').as_posix()}"
        for path in (ROOT / "resources").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "workstation/resources/i18n/vi/core.json" in expected
    assert expected <= names
    assert "workstation/store/migrations/versions/0001_initial.py" in names


def test_installed_wheel_reads_its_own_resources(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    env = {k: v for k, v in os.environ.items() if k != "WORKSTATION_RESOURCES"}
    env["PYTHONPATH"] = str(site)
    probe = (
        "import json; from workstation.paths import resources_dir; "
        "from workstation.i18n import translate; from workstation.config import Settings; "
        "from workstation.domain.catalogue import load_catalogue; "
        "print(json.dumps([str(resources_dir()), translate('app.name', 'vi'), "
        "len(load_catalogue(Settings().catalogue_path()))]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    folder, app_name, procedures = json.loads(result.stdout)
    assert Path(folder) == site / "workstation" / "resources"
    assert app_name and app_name != "app.name"
    assert procedures > 0
