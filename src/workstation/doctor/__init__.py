"""Checks of every external part the workstation needs, each with the fix for a failure.

``workstation doctor`` prints these as a table (or ``--json``); support staff
run it first when something does not work at a counter. Each check is a small
function returning a :class:`Check`; a check never raises. The checks live by
what they look at: :mod:`.programs` (Tesseract, SANE, Ghostscript),
:mod:`.machine` (fonts, window libraries, token library, keyring) and
:mod:`.local` (folders, store, catalogue, central system).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from workstation.config import Settings
from workstation.doctor.check import Check, Status
from workstation.doctor.local import (
    check_catalogue,
    check_central,
    check_data_folder,
    check_database,
    check_encryption,
    check_log_folder,
    check_settings,
)
from workstation.doctor.machine import (
    FONT_CANDIDATES,
    check_fonts,
    check_keyring,
    check_pkcs11,
    check_window_libraries,
    find_pkcs11_module,
    font_covers_vietnamese,
)
from workstation.doctor.programs import (
    check_ghostscript,
    check_ocr_languages,
    check_sane,
    check_tesseract,
)
from workstation.paths import Folders

__all__ = [
    "FONT_CANDIDATES",
    "Check",
    "Status",
    "check_settings",
    "environment_facts",
    "find_pkcs11_module",
    "font_covers_vietnamese",
    "run_checks",
]


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
        ("encryption", lambda: check_encryption(settings, folders)),
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
