"""Checks of every external part the workstation needs, each with the fix for a failure.

``workstation doctor`` prints these as a table (or ``--json``); support staff
run it first when something does not work at a counter. Each check is a small
function returning a :class:`Check`; a check never raises.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from workstation.config import Settings
from workstation.paths import Folders

WINDOWS = sys.platform == "win32"

# Every letter Vietnamese writes beyond ASCII, both cases.
VIETNAMESE_LETTERS = (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)

WINDIR = os.environ.get("WINDIR", r"C:\Windows")

FONT_CANDIDATES = {
    "interface and stamps (sans)": [
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        os.path.join(WINDIR, "Fonts", "arial.ttf"),
        os.path.join(WINDIR, "Fonts", "segoeui.ttf"),
    ],
    "Decree 30 copy mark (Times New Roman metrics)": [
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
        os.path.join(WINDIR, "Fonts", "times.ttf"),
    ],
}

PKCS11_CANDIDATES = (
    [
        os.path.join(WINDIR, "System32", name)
        for name in (
            "vnpt-ca_csp11.dll",
            "viettel-ca_v6.dll",
            "BkavCA.dll",
            "fptca_v6.dll",
            "CA2_csp11.dll",
            "misaca_csp11_v2.dll",
            "eTPKCS11.dll",
            "eps2003csp11.dll",
        )
    ]
    if WINDOWS
    else [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
        "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
    ]
)


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"  # works, but something should be looked at
    MISSING = "missing"  # not installed or not configured
    FAILED = "failed"  # installed, but does not work


@dataclass(frozen=True)
class Check:
    """The outcome of checking one external part."""

    part: str
    status: Status
    summary: str
    fix: str = ""
    required: bool = True
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.required and self.status in (Status.MISSING, Status.FAILED)

    def as_json(self) -> dict[str, object]:
        return asdict(self) | {"status": str(self.status), "blocking": self.blocking}


def _apt(*packages: str) -> str:
    return f"sudo apt-get install {' '.join(packages)}"


def _run(argv: list[str], timeout: float = 15) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)


def check_tesseract(settings: Settings) -> Check:
    fix = (
        "install Tesseract 5 for Windows and set 'tesseract' in the settings to tesseract.exe"
        if WINDOWS
        else _apt("tesseract-ocr")
    )
    program = shutil.which(settings.tesseract)
    if program is None:
        return Check("tesseract", Status.MISSING, f"{settings.tesseract!r} not found", fix)
    try:
        result = _run([program, "--version"])
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("tesseract", Status.FAILED, f"{program} does not run: {exc}", fix)
    first = (
        (result.stdout or result.stderr).splitlines()[0] if (result.stdout or result.stderr) else ""
    )
    if result.returncode != 0 or not first.startswith("tesseract"):
        return Check("tesseract", Status.FAILED, f"{program} --version failed", fix)
    version = first.split()[1] if len(first.split()) > 1 else "?"
    if not version.startswith(("5", "6")):
        return Check(
            "tesseract",
            Status.WARNING,
            f"Tesseract {version}; version 5 or later is expected",
            fix,
            facts={"path": program, "version": version},
        )
    return Check(
        "tesseract",
        Status.OK,
        f"Tesseract {version} at {program}",
        facts={"path": program, "version": version},
    )


def check_ocr_languages(settings: Settings) -> Check:
    wanted = [lang for lang in settings.ocr_languages.split("+") if lang]
    program = shutil.which(settings.tesseract)
    fix = (
        "copy vie.traineddata and osd.traineddata into Tesseract's tessdata folder"
        if WINDOWS
        else _apt(*(f"tesseract-ocr-{lang}" for lang in [*wanted, "osd"]))
    )
    if program is None:
        return Check("ocr languages", Status.MISSING, "Tesseract is not installed", fix)
    try:
        result = _run([program, "--list-langs"])
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("ocr languages", Status.FAILED, f"cannot list languages: {exc}", fix)
    have = {line.strip() for line in result.stdout.splitlines()[1:] if line.strip()}
    missing = [lang for lang in wanted if lang not in have]
    if missing:
        return Check(
            "ocr languages",
            Status.MISSING,
            f"missing: {', '.join(missing)}",
            fix,
            facts={"installed": sorted(have)},
        )
    if "osd" not in have:
        return Check(
            "ocr languages",
            Status.WARNING,
            f"{'+'.join(wanted)} present; 'osd' (page orientation) missing",
            fix,
            facts={"installed": sorted(have)},
        )
    return Check(
        "ocr languages",
        Status.OK,
        f"{'+'.join(wanted)} and osd present",
        facts={"installed": sorted(have)},
    )


def check_sane(settings: Settings) -> Check:
    if WINDOWS:
        return Check(
            "scanner (SANE)", Status.OK, "not used on Windows (TWAIN/WIA instead)", required=False
        )
    fix = _apt("sane-utils")
    program = shutil.which("scanimage")
    if program is None:
        return Check("scanner (SANE)", Status.MISSING, "scanimage not found", fix)
    try:
        result = _run([program, "--version"])
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("scanner (SANE)", Status.FAILED, f"scanimage does not run: {exc}", fix)
    if result.returncode != 0:
        return Check("scanner (SANE)", Status.FAILED, result.stderr.strip()[:200], fix)
    return Check("scanner (SANE)", Status.OK, result.stdout.strip(), facts={"path": program})


def find_pkcs11_module(settings: Settings) -> str | None:
    if settings.pkcs11_module:
        return settings.pkcs11_module
    return next((p for p in PKCS11_CANDIDATES if Path(p).exists()), None)


def check_pkcs11(settings: Settings) -> Check:
    fix = (
        "install the token driver from your certificate authority, then set 'pkcs11_module'"
        if WINDOWS
        else f"{_apt('softhsm2')} (demo token) or install your token's driver and set "
        "'pkcs11_module'"
    )
    path = find_pkcs11_module(settings)
    if path is None:
        return Check(
            "pkcs11 module", Status.MISSING, "no PKCS#11 library found", fix, required=False
        )
    if not Path(path).exists():
        return Check("pkcs11 module", Status.MISSING, f"{path} does not exist", fix, required=False)
    try:
        import pkcs11

        library = pkcs11.lib(path)
        description = f"{library.manufacturer_id.strip()} {library.library_description.strip()}"
        version = ".".join(str(v) for v in library.library_version)
    except Exception as exc:  # a broken vendor library can raise anything
        return Check(
            "pkcs11 module", Status.FAILED, f"{path} does not load: {exc}", fix, required=False
        )
    return Check(
        "pkcs11 module",
        Status.OK,
        f"{description} {version} ({path})",
        required=False,
        facts={"path": path},
    )


def font_covers_vietnamese(path: str) -> bool:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        cmap = font.getBestCmap() or {}
    return all(ord(ch) in cmap for ch in VIETNAMESE_LETTERS)


def check_fonts(settings: Settings) -> Check:
    fix = (
        "install Arial and Times New Roman"
        if WINDOWS
        else _apt("fonts-noto-core", "fonts-liberation2")
    )
    found: dict[str, str] = {}
    lacking: list[str] = []
    for use, candidates in FONT_CANDIDATES.items():
        for candidate in candidates:
            try:
                if Path(candidate).exists() and font_covers_vietnamese(candidate):
                    found[use] = candidate
                    break
            except Exception:  # an unreadable font file is the same as no font
                continue
        else:
            lacking.append(use)
    if lacking:
        return Check(
            "fonts",
            Status.MISSING,
            f"no font with every Vietnamese letter for: {', '.join(lacking)}",
            fix,
            facts=found,
        )
    return Check(
        "fonts",
        Status.OK,
        "; ".join(f"{use}: {Path(p).name}" for use, p in found.items()),
        facts=found,
    )


# Libraries Qt's xcb platform loads on Linux, with the Debian package that ships each.
QT_XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
}


def check_window_libraries(settings: Settings) -> Check:
    if not sys.platform.startswith("linux"):
        return Check("window libraries", Status.OK, "provided by the system", required=False)
    import ctypes.util

    missing = [
        pkg for lib, pkg in QT_XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None
    ]
    if missing:
        return Check(
            "window libraries",
            Status.MISSING,
            "the window cannot open on X11 (Qt's xcb platform)",
            _apt(*missing),
            required=False,
            facts={"missing": missing},
        )
    return Check(
        "window libraries",
        Status.OK,
        "everything Qt's xcb platform needs is present",
        required=False,
    )


def check_data_folder(settings: Settings, folders: Folders) -> Check:
    folder = settings.database_path(folders).parent
    fix = f"make {folder} writable, or set 'database' and 'blob_folder' to a writable place"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        return Check("data folder", Status.FAILED, f"{folder} is not writable: {exc.strerror}", fix)
    facts = {"path": str(folder), "free_bytes": free}
    if free < 1 << 30:
        return Check(
            "data folder",
            Status.WARNING,
            f"{folder}: only {free // 2**20} MB free",
            "free disk space",
            facts=facts,
        )
    return Check("data folder", Status.OK, f"{folder} ({free // 2**30} GB free)", facts=facts)


def check_database(settings: Settings, folders: Folders) -> Check:
    from workstation.errors import StoreError
    from workstation.store.database import Database

    path = settings.database_path(folders)
    if not path.exists():
        return Check(
            "database",
            Status.OK,
            f"{path} will be created at first start",
            facts={"path": str(path)},
        )
    fixes = {
        "store.too_new": "update the workstation to the version that wrote this store",
        "store.corrupt": "restore the file from a backup, or move it aside to start afresh",
    }
    try:
        database = Database(path)
        try:
            current, head = database.checked_revision(), database.head_revision()
        finally:
            database.close()
    except StoreError as exc:
        return Check(
            "database",
            Status.FAILED,
            exc.detail,
            fixes.get(exc.code, "check the disk and the file's permissions"),
            facts={"path": str(path)},
        )
    facts = {"path": str(path), "revision": current, "latest": head}
    if current != head:
        return Check(
            "database",
            Status.OK,
            f"{path} at revision {current}; upgrades to {head} at next start",
            facts=facts,
        )
    return Check("database", Status.OK, f"{path} at revision {current} (latest)", facts=facts)


def check_log_folder(settings: Settings, folders: Folders) -> Check:
    fix = f"make {folders.logs} writable (or set WORKSTATION_HOME to a writable folder)"
    try:
        folders.logs.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folders.logs, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(
            "log folder",
            Status.FAILED,
            f"{folders.logs} is not writable: {exc.strerror}",
            fix,
            required=False,
        )
    return Check(
        "log folder",
        Status.OK,
        str(folders.logs),
        required=False,
        facts={"path": str(folders.logs)},
    )


def check_catalogue(settings: Settings) -> Check:
    from workstation.domain.catalogue import load_catalogue
    from workstation.errors import WorkstationError

    path = settings.catalogue_path()
    try:
        catalogue = load_catalogue(path)
    except WorkstationError as exc:
        return Check(
            "procedure catalogue",
            Status.FAILED,
            exc.detail,
            "fix the file or set 'catalogue' to a valid one",
        )
    in_force = len(catalogue.in_force())
    return Check(
        "procedure catalogue",
        Status.OK,
        f"{in_force} procedure(s) in force today, from {path}",
        facts={"path": str(path), "in_force": in_force},
    )


def check_central(settings: Settings) -> Check:
    fix = "set 'central_url' to the address of the province's central system"
    if not settings.central_url:
        return Check(
            "central system",
            Status.MISSING,
            "not configured; work stays queued locally",
            fix,
            required=False,
        )
    import httpx

    try:
        response = httpx.get(settings.central_url, timeout=5.0, follow_redirects=True)
    except httpx.HTTPError as exc:
        return Check(
            "central system",
            Status.FAILED,
            f"{settings.central_url} unreachable: {exc.__class__.__name__}",
            "check the network and the address; work stays queued locally",
            required=False,
        )
    if response.status_code >= 500:
        return Check(
            "central system",
            Status.FAILED,
            f"{settings.central_url} answered {response.status_code}",
            "the central system is failing; work stays queued locally",
            required=False,
        )
    return Check(
        "central system",
        Status.OK,
        f"{settings.central_url} answered {response.status_code}",
        required=False,
    )


def check_ghostscript(settings: Settings) -> Check:
    program = shutil.which("gswin64c" if WINDOWS else "gs")
    fix = "install Ghostscript" if WINDOWS else _apt("ghostscript")
    if program is None:
        return Check("ghostscript", Status.MISSING, "needed for PDF/A output", fix, required=False)
    try:
        version = _run([program, "--version"]).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("ghostscript", Status.FAILED, str(exc), fix, required=False)
    return Check("ghostscript", Status.OK, f"Ghostscript {version}", required=False)


def check_keyring(settings: Settings) -> Check:
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as exc:
        return Check("keyring", Status.FAILED, str(exc), required=False)
    name = f"{backend.__class__.__module__}.{backend.__class__.__name__}"
    if "fail" in name.lower():
        return Check(
            "keyring",
            Status.MISSING,
            "no secret store: the officer will log in at every start",
            "run inside a desktop session with a Secret Service (GNOME Keyring, KWallet)",
            required=False,
            facts={"backend": name},
        )
    if "plaintext" in name.lower():
        return Check(
            "keyring",
            Status.WARNING,
            f"{name} stores secrets unencrypted",
            "use the desktop's Secret Service instead",
            required=False,
            facts={"backend": name},
        )
    return Check("keyring", Status.OK, name, required=False, facts={"backend": name})


def run_checks(settings: Settings, folders: Folders) -> list[Check]:
    """Run every check; none raises."""
    checks: list[tuple[str, Callable[[], Check]]] = [
        ("tesseract", lambda: check_tesseract(settings)),
        ("ocr languages", lambda: check_ocr_languages(settings)),
        ("scanner (SANE)", lambda: check_sane(settings)),
        ("pkcs11 module", lambda: check_pkcs11(settings)),
        ("fonts", lambda: check_fonts(settings)),
        ("window libraries", lambda: check_window_libraries(settings)),
        ("data folder", lambda: check_data_folder(settings, folders)),
        ("log folder", lambda: check_log_folder(settings, folders)),
        ("database", lambda: check_database(settings, folders)),
        ("procedure catalogue", lambda: check_catalogue(settings)),
        ("central system", lambda: check_central(settings)),
        ("ghostscript", lambda: check_ghostscript(settings)),
        ("keyring", lambda: check_keyring(settings)),
    ]
    results = []
    for part, check in checks:
        try:
            results.append(check())
        except Exception as exc:  # a check that crashes is reported, not raised
            results.append(
                Check(
                    part,
                    Status.FAILED,
                    f"the check itself failed: {exc!r}",
                    "send this report to technical support",
                )
            )
    return results


def environment_facts() -> dict[str, str]:
    """Where the checks ran, for support reports."""
    return {"platform": sys.platform, "python": sys.version.split()[0], "cwd": os.getcwd()}
