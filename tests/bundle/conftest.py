"""The bundle and its Debian package, built once per test run.

The first test that asks builds the PyInstaller one-folder bundle from the
checkout (``installer/workstation.spec``) into a temporary folder, then the
``.deb`` from it (gzip level 1: the package's contents are what is tested, not
its size). ``TEST_BUNDLE_DIST=dist`` tests what ``./dev.sh bundle`` left there
instead of building again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PREBUILT = os.environ.get("TEST_BUNDLE_DIST", "")


def _run_logged(argv: list[str], log: Path, env: dict[str, str], timeout: int) -> None:
    with log.open("w", encoding="utf-8") as out:
        result = subprocess.run(
            argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT, timeout=timeout,
            check=False,
        )  # fmt: skip
    if result.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        pytest.fail(f"{argv[2:4]} failed with exit code {result.returncode}:\n{tail}")


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``workstation/`` (the bundle) and ``workstation_*.deb``."""
    if PREBUILT:
        return Path(PREBUILT).resolve()
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("PyInstaller is not installed (pip install -e '.[dev]')")
    work = tmp_path_factory.mktemp("bundle")
    out = work / "dist"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSTATION_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    _run_logged(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(out),
         "--workpath", str(work / "build"), str(ROOT / "installer" / "workstation.spec")],
        work / "pyinstaller.log", env, timeout=1200,
    )  # fmt: skip
    _run_logged(
        [sys.executable, str(ROOT / "installer" / "linux" / "build_deb.py"),
         "--bundle", str(out / "workstation"), "--out", str(out), "--level", "1"],
        work / "deb.log", env, timeout=600,
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def bundle(dist: Path) -> Path:
    """The one-folder bundle: ``bundle / "workstation"`` is the program."""
    folder = dist / "workstation"
    assert (folder / "workstation").is_file(), f"no bundle in {dist}"
    return folder


@pytest.fixture(scope="session")
def deb(dist: Path) -> Path:
    (package,) = sorted(dist.glob("workstation_*.deb"))
    return package


@pytest.fixture
def run_bundle(bundle: Path, tmp_path: Path):
    """``run_bundle(*args)`` runs the bundled program as an officer would, outside the checkout."""

    def run(*args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
        return subprocess.run(
            [str(bundle / "workstation"), *args], capture_output=True, text=True, env=env,
            cwd=tmp_path, timeout=timeout, check=False,
        )  # fmt: skip

    return run
