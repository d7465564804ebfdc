"""Where the workstation keeps things: settings, data, logs, and its own resources.

Folders follow the platform's conventions (platformdirs): on Windows
``%LOCALAPPDATA%\\MotCua\\Workstation``, on Linux the XDG folders. Setting
``WORKSTATION_HOME`` puts all three under one folder, which tests and portable
installs use.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Workstation"
APP_AUTHOR = "MotCua"
HOME_ENV = "WORKSTATION_HOME"
MACHINE_SETTINGS_ENV = "WORKSTATION_MACHINE_SETTINGS"


@dataclass(frozen=True)
class Folders:
    config: Path
    data: Path
    logs: Path


def user_folders() -> Folders:
    """The settings, data and log folders for this user (not created here)."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home)
        return Folders(config=root / "config", data=root / "data", logs=root / "logs")
    dirs = platformdirs.PlatformDirs(APP_NAME, APP_AUTHOR)
    return Folders(
        config=Path(dirs.user_config_dir),
        data=Path(dirs.user_data_dir),
        logs=Path(dirs.user_log_dir),
    )


def machine_settings_file() -> Path:
    """The machine-wide settings an administrator locks for every officer of this PC.

    ``%ProgramData%\\MotCua\\Workstation\\settings.toml`` on Windows,
    ``/etc/workstation/settings.toml`` elsewhere; officers cannot write there.
    ``WORKSTATION_MACHINE_SETTINGS`` names another file only on a machine that
    has no machine-wide file (tests, trying it out), so an officer's own
    variable cannot escape an administrator's locks.
    """
    if sys.platform.startswith("win"):
        base = os.environ.get("PROGRAMDATA", r"C:\ProgramData")
        standard = Path(base) / APP_AUTHOR / APP_NAME / "settings.toml"
    else:
        standard = Path("/etc/workstation/settings.toml")
    override = os.environ.get(MACHINE_SETTINGS_ENV)
    if override and not standard.exists():
        return Path(override)
    return standard


def resources_dir() -> Path:
    """The read-only ``resources/`` folder: catalogue, messages, samples, templates.

    The one place every module finds its resources, wherever the workstation
    runs from: a PyInstaller bundle (``sys._MEIPASS/resources``), a wheel
    install (``workstation/resources``, copied into the package when the wheel
    is built: see ``setup.py``), or the checkout (``resources/`` beside
    ``src/``, which an editable install uses too). ``WORKSTATION_RESOURCES``
    points elsewhere (a province's own catalogue and messages, tests).
    """
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller bundle
    if frozen:
        return Path(frozen) / "resources"
    override = os.environ.get("WORKSTATION_RESOURCES")
    if override:
        return Path(override)
    package = Path(__file__).resolve().parent
    installed = package / "resources"
    if installed.is_dir():
        return installed
    return package.parents[1] / "resources"


DEFAULT_TESSERACT = "tesseract"
"""The ``tesseract`` setting's default: the program of that name, bundled or on ``PATH``."""
BUNDLED_TESSERACT = ("tesseract.exe", "tesseract")
"""The program's file names in the ``tesseract`` folder beside a frozen executable."""


def choose_tesseract(setting: str, *, frozen: bool, executable: Path) -> str:
    """The Tesseract program to run.

    In order: the ``tesseract`` setting when the administrator set it (anything
    but the default name); then, in a frozen bundle, ``tesseract/tesseract.exe``
    beside the executable (where the Windows installer puts it, so OCR and
    ``doctor`` work right after installing, before a new ``PATH`` reaches
    anyone); then the name itself, looked up on ``PATH``.
    """
    if setting and setting != DEFAULT_TESSERACT:
        return setting
    if frozen:
        for name in BUNDLED_TESSERACT:
            bundled = executable.parent / "tesseract" / name
            if bundled.is_file():
                return str(bundled)
    return DEFAULT_TESSERACT


def resolve_tesseract(setting: str) -> str:
    """:func:`choose_tesseract` for this process (frozen or not, its executable)."""
    return choose_tesseract(
        setting, frozen=bool(getattr(sys, "frozen", False)), executable=Path(sys.executable)
    )
