"""Checks of what the machine provides: fonts, window libraries, the token library, keyring."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from workstation.config import Settings
from workstation.doctor.check import WINDIR, WINDOWS, Check, Status, apt

# Every letter Vietnamese writes beyond ASCII, both cases.

VIETNAMESE_LETTERS = (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)

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


def find_pkcs11_module(settings: Settings) -> str | None:
    """The module signing would load: the setting, else the first known CA module found.

    One search for both (``workstation.sign.tokens.candidate_modules``: the file
    names of ``resources/signing/modules.json`` in each system's folders), so
    Windows and Linux are searched alike and doctor names what signing uses.
    """
    if settings.pkcs11_module:
        return settings.pkcs11_module
    from workstation.sign.tokens import candidate_modules

    found = candidate_modules()
    return str(found[0]) if found else None


def check_pkcs11(settings: Settings) -> Check:
    fix = (
        "install the token driver from your certificate authority, then set 'pkcs11_module'"
        if WINDOWS
        else f"{apt('softhsm2')} (demo token) or install your token's driver and set "
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
        else apt("fonts-noto-core", "fonts-liberation2")
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
            apt(*missing),
            required=False,
            facts={"missing": missing},
        )
    return Check(
        "window libraries",
        Status.OK,
        "everything Qt's xcb platform needs is present",
        required=False,
    )


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
