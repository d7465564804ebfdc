"""The Debian package: control data, contents, and (as root in CI) install and clean removal."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from workstation import __version__

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.timeout(1800),  # the first test builds the bundle
]

REQUIRED_DEPENDS = {
    "tesseract-ocr",
    "tesseract-ocr-vie",
    "tesseract-ocr-osd",
    "sane-utils",
    "libsane1",
    "pcscd",
    "opensc",
    "fonts-noto-core",
    "libxcb-cursor0",
}


def dpkg_deb(*args: str) -> str:
    return subprocess.run(
        ["dpkg-deb", *args], capture_output=True, text=True, check=True, timeout=300
    ).stdout


def control_fields(deb: Path) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in dpkg_deb("-f", str(deb)).splitlines():
        if line and not line.startswith(" ") and ":" in line:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return fields


def package_names(relation: str) -> set[str]:
    """``a (>= 5), b | c`` → {a, b, c}."""
    return {
        choice.split("(")[0].strip() for part in relation.split(",") for choice in part.split("|")
    }


def test_deb_control_names_the_version_and_the_debian_parts_it_drives(deb: Path) -> None:
    fields = control_fields(deb)
    assert fields["Package"] == "workstation"
    assert fields["Version"] == __version__
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert fields["Architecture"] == arch
    assert deb.name == f"workstation_{__version__}_{arch}.deb"
    assert package_names(fields["Depends"]) >= REQUIRED_DEPENDS
    assert "sane-airscan" in package_names(fields["Recommends"])
    info = dpkg_deb("-I", str(deb))
    assert "postrm" in info and "postinst" in info


def test_deb_installs_under_opt_with_a_command_and_a_menu_entry(deb: Path) -> None:
    entries: dict[str, str] = {}
    for line in dpkg_deb("-c", str(deb)).splitlines():
        mode, owner, _size, _day, _time, name, *link = line.split()
        assert owner == "root/root", line
        entries[name.removeprefix(".")] = link[-1] if link else mode
    outside = {
        name
        for name in entries
        if not name.startswith(("/opt/workstation", "/usr/bin/", "/usr/share/"))
        and name not in {"/", "/opt/", "/usr/"}
    }
    assert not outside
    assert entries["/opt/workstation/workstation"].startswith("-rwx")
    assert entries["/usr/bin/workstation"] == "/opt/workstation/workstation"
    assert "/usr/share/applications/workstation.desktop" in entries
    assert "/usr/share/icons/hicolor/scalable/apps/workstation.svg" in entries
    assert "/opt/workstation/_internal/resources/catalogue/procedures.json" in entries


def test_deb_menu_entry_starts_the_installed_program(deb: Path, tmp_path: Path) -> None:
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True, timeout=300)
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(tmp_path / "usr/share/applications/workstation.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"].split()[0] == "/opt/workstation/workstation"
    assert desktop["Icon"] == "workstation"
    assert desktop["Name[vi]"]


def _installed(package: str) -> bool:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
    )
    return "install ok installed" in result.stdout


@pytest.mark.skipif(
    os.geteuid() != 0 or not (os.environ.get("CI") or os.environ.get("TEST_DPKG_INSTALL")),
    reason="installs a system package: only as root in CI (or with TEST_DPKG_INSTALL=1)",
)
def test_deb_installs_runs_and_removes_cleanly(deb: Path, tmp_path: Path) -> None:
    if _installed("workstation") or Path("/opt/workstation").exists():
        pytest.skip("a workstation is already installed on this machine: left alone")
    try:
        subprocess.run(["dpkg", "-i", str(deb)], check=True, capture_output=True, timeout=600)
        assert Path("/usr/bin/workstation").resolve() == Path("/opt/workstation/workstation")
        result = subprocess.run(
            ["workstation", "--version"], capture_output=True, text=True, check=True,
            timeout=120, cwd=tmp_path, env={**os.environ, "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        assert result.stdout.strip() == f"workstation {__version__}"
        assert Path("/usr/share/applications/workstation.desktop").is_file()
        # Something the program might leave behind, which the removal must take too.
        (Path("/opt/workstation") / "__pycache__").mkdir()
    finally:
        removed = subprocess.run(
            ["dpkg", "-r", "workstation"], capture_output=True, text=True, timeout=600,
            check=False,
        )  # fmt: skip
        subprocess.run(["dpkg", "--purge", "workstation"], capture_output=True, timeout=600)
    assert removed.returncode == 0, removed.stderr
    assert not _installed("workstation")
    assert not Path("/opt/workstation").exists()
    assert not Path("/usr/bin/workstation").is_symlink()
    assert not Path("/usr/share/applications/workstation.desktop").exists()
    assert shutil.which("workstation", path="/usr/bin") is None
