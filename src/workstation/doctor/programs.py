"""Checks of the programs the workstation runs: Tesseract, SANE, Ghostscript."""

from __future__ import annotations

import shutil
import subprocess

from workstation.config import Settings
from workstation.doctor.check import WINDOWS, Check, Status, apt, run_program


def check_tesseract(settings: Settings) -> Check:
    fix = (
        "reinstall the workstation (its installer puts Tesseract in tesseract\\ beside "
        "workstation.exe), or set 'tesseract' in the settings to a tesseract.exe"
        if WINDOWS
        else apt("tesseract-ocr")
    )
    program = shutil.which(settings.tesseract_program())
    if program is None:
        return Check(
            "tesseract", Status.MISSING, f"{settings.tesseract_program()!r} not found", fix
        )
    try:
        result = run_program([program, "--version"])
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
    program = shutil.which(settings.tesseract_program())
    fix = (
        "copy vie.traineddata and osd.traineddata into Tesseract's tessdata folder"
        if WINDOWS
        else apt(*(f"tesseract-ocr-{lang}" for lang in [*wanted, "osd"]))
    )
    if program is None:
        return Check("ocr languages", Status.MISSING, "Tesseract is not installed", fix)
    try:
        result = run_program([program, "--list-langs"])
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


WINDOWS_SCANNERS = (
    "no TWAIN/WIA support on Windows yet: a USB scanner works only through its "
    "network address (eSCL) or a hot folder its own software saves into"
)


def check_sane(settings: Settings, *, windows: bool = WINDOWS) -> Check:
    if windows:
        # SANE does not run on Windows and there is no TWAIN/WIA backend: say so plainly
        # rather than let a USB scanner's absence from the device list look like a fault.
        return Check(
            "scanner (SANE)",
            Status.WARNING,
            WINDOWS_SCANNERS,
            "configure the scanner's eSCL address or a hot folder (docs/install-windows.md, "
            "Scanners)",
            required=False,
        )
    fix = apt("sane-utils")
    program = shutil.which("scanimage")
    if program is None:
        return Check("scanner (SANE)", Status.MISSING, "scanimage not found", fix)
    try:
        result = run_program([program, "--version"])
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("scanner (SANE)", Status.FAILED, f"scanimage does not run: {exc}", fix)
    if result.returncode != 0:
        return Check("scanner (SANE)", Status.FAILED, result.stderr.strip()[:200], fix)
    return Check("scanner (SANE)", Status.OK, result.stdout.strip(), facts={"path": program})


def check_ghostscript(settings: Settings) -> Check:
    program = shutil.which("gswin64c" if WINDOWS else "gs")
    fix = "install Ghostscript" if WINDOWS else apt("ghostscript")
    if program is None:
        return Check("ghostscript", Status.MISSING, "needed for PDF/A output", fix, required=False)
    try:
        version = run_program([program, "--version"]).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("ghostscript", Status.FAILED, str(exc), fix, required=False)
    return Check("ghostscript", Status.OK, f"Ghostscript {version}", required=False)
