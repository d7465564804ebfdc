"""Build the Debian package from the one-folder bundle: ``dist/workstation_<version>_<arch>.deb``.

Usage (from the checkout, after PyInstaller has left ``dist/workstation/``)::

    python3 installer/linux/build_deb.py [--bundle dist/workstation] [--out dist]

The package installs the bundle under ``/opt/workstation``, a ``workstation``
command in ``/usr/bin``, a menu entry and its icon; it declares the Debian
packages the workstation drives (Tesseract with Vietnamese data, SANE, the
smart-card stack and PKCS#11 tools for tokens, fonts with Vietnamese glyphs, the
libraries Qt's xcb platform needs). Built with ``dpkg-deb --root-owner-group``,
so no fakeroot is needed. Standard library only: any ``python3`` runs it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = "workstation"
PREFIX = Path("opt") / PACKAGE

# What the workstation runs or loads from the system (doctor checks each at start).
DEPENDS = [
    "tesseract-ocr (>= 5)",
    "tesseract-ocr-vie",
    "tesseract-ocr-osd",
    "sane-utils",
    "libsane1",
    # USB tokens: the PC/SC daemon reaches the card; OpenSC is the generic PKCS#11 module
    # (each CA's own driver is installed from the CA, see resources/signing/modules.json).
    "pcscd",
    "opensc",
    "fonts-noto-core",
    "fonts-liberation2",
    "fontconfig",
    # Qt's xcb platform (PITFALLS: without these, "Could not load the Qt platform plugin").
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
    "libglib2.0-0",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-xinerama0",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-image0",
    "libxcb-shape0",
]
RECOMMENDS = [
    "sane-airscan",  # network scanners (eSCL/WSD) without a vendor driver
    "ghostscript",  # PDF/A checks of incoming PDFs
    "poppler-utils",
    "gnome-keyring | kwalletmanager",  # a Secret Service keeps the sign-in between starts
    "p11-kit-modules",
]
DESCRIPTION = """\
Officer workstation for Vietnam's one-stop-shop counters
 Receives dossiers at the counter (Bo phan Mot cua): scans and digitises the
 citizen's papers, computes due dates and fees, signs with the officer's USB
 token and sends everything to the province's central system, working on when
 the network is down.
"""


def bundle_version(bundle: Path) -> str:
    """The version the bundle reports (``workstation --version``): proves it starts, too."""
    result = subprocess.run(
        [str(bundle / PACKAGE), "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    name, version = result.stdout.split()
    if name != PACKAGE:
        raise SystemExit(f"unexpected --version answer: {result.stdout!r}")
    return version


def architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def installed_size_kib(root: Path) -> int:
    return sum(p.lstat().st_size for p in root.rglob("*") if not p.is_dir()) // 1024 + 1


def control(version: str, arch: str, size_kib: int) -> str:
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        "Maintainer: Mot Cua workstation project <workstation@localhost>\n"
        "Section: misc\n"
        "Priority: optional\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {', '.join(DEPENDS)}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        f"Description: {DESCRIPTION}"
    )


def stage(bundle: Path, root: Path, version: str, arch: str) -> None:
    """Lay out the package's files and control data under ``root``."""
    shutil.copytree(bundle, root / PREFIX, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / PACKAGE).symlink_to(Path("/") / PREFIX / PACKAGE)
    applications = root / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy2(HERE / "workstation.desktop", applications / f"{PACKAGE}.desktop")
    icons = root / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    icons.mkdir(parents=True)
    shutil.copy2(HERE / "workstation.svg", icons / f"{PACKAGE}.svg")
    for folder in root.rglob("*"):
        if folder.is_dir() and not folder.is_symlink():
            folder.chmod(0o755)
    debian = root / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(
        control(version, arch, installed_size_kib(root)), encoding="utf-8"
    )
    for script in ("postinst", "postrm"):
        shutil.copy2(HERE / script, debian / script)
        (debian / script).chmod(0o755)


def build(bundle: Path, out: Path, level: int = 6) -> Path:
    """Build the package from ``bundle`` into ``out``; return its path."""
    version = bundle_version(bundle)
    arch = architecture()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="workstation-deb-", dir=out) as tmp:
        root = Path(tmp) / "root"
        stage(bundle, root, version, arch)
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zgzip", f"-z{level}", "--build", str(root),
             str(target)],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=Path("dist") / PACKAGE)
    parser.add_argument("--out", type=Path, default=Path("dist"))
    parser.add_argument(
        "--level",
        type=int,
        default=6,
        choices=range(10),
        metavar="0-9",
        help="gzip level: 6 by default, 1 for test builds (fastest)",
    )
    args = parser.parse_args(argv)
    if not (args.bundle / PACKAGE).is_file():
        print(f"no bundle at {args.bundle}: run ./dev.sh bundle", file=sys.stderr)
        return 2
    print(build(args.bundle, args.out, args.level))
    return 0


if __name__ == "__main__":
    sys.exit(main())
