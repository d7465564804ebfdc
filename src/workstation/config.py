"""Typed, versioned settings.

Settings live in ``settings.toml`` in the user's config folder (see
:mod:`workstation.paths`). Every field can be overridden for one process by an
environment variable ``WORKSTATION_<FIELD>`` (``WORKSTATION_LANGUAGE=en``),
which is how tests, kiosks and support sessions change behaviour without
touching the file. An administrator can lock settings for every officer of a
machine in a machine-wide file (:func:`workstation.paths.machine_settings_file`,
same shape): each setting it names wins over the officer's file and over the
variables. The file carries ``version``; older files are upgraded by
:func:`_upgrade` when read, and written back in the current shape on save.

Each field documents itself in its ``metadata["doc"]``; ``workstation doctor``
and the settings dialog show that text.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.errors import ConfigError
from workstation.i18n import LANGUAGES
from workstation.paths import (
    DEFAULT_TESSERACT,
    Folders,
    machine_settings_file,
    resolve_tesseract,
    resources_dir,
    user_folders,
)

log = logging.getLogger(__name__)

SETTINGS_VERSION = 2
NOTIFICATIONS = ("on", "off")
ENV_PREFIX = "WORKSTATION_"
FILE_NAME = "settings.toml"
SIGNATURE_LEVELS = ("", "B-B", "B-T", "B-LT")
"""The values of ``signature_level`` (workstation.sign.level); empty: as the settings allow."""
RETENTION_FIELDS = ("retention_scans_days", "retention_results_days", "retention_exports_days")
"""The retention periods, in days (0: kept until deleted by hand)."""
OFFICER_FIELDS = ("offline_signin_days", "session_hours", "lock_after_seconds")
"""Whole numbers of the officers' sign-in and the window's lock (workstation.signin)."""
CITIZEN_SCREEN_MODES = ("auto", "off")
"""The values of ``citizen_screen`` (workstation.onbehalf.screen_choice.CitizenScreenMode)."""


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


def _invalid(name: str, must: str, value: object) -> ConfigError:
    """The refusal of a setting's value (``config.invalid_value``)."""
    shown = repr(value) if isinstance(value, str) else str(value)
    return ConfigError(
        f"{name} must be {must}, not {shown}",
        code="config.invalid_value",
        name=name,
        value=str(value),
    )


@dataclass(frozen=True)
class Settings:
    """Everything an administrator can set on one workstation."""

    version: int = field(default=SETTINGS_VERSION, metadata=_doc("Shape of this file."))
    language: str = field(default="vi", metadata=_doc("Interface language: vi or en."))
    database: str = field(
        default="",
        metadata=_doc("SQLite file of the local store; empty: store.sqlite3 in the data folder."),
    )
    blob_folder: str = field(
        default="",
        metadata=_doc("Folder of stored page images and PDFs; empty: blobs/ in the data folder."),
    )
    catalogue: str = field(
        default="",
        metadata=_doc("Procedure catalogue file; empty: the catalogue shipped in resources/."),
    )
    central_url: str = field(
        default="",
        metadata=_doc("Address of the province's central system; empty: not configured."),
    )
    agency_name: str = field(
        default="",
        metadata=_doc("Receiving unit printed on forms, e.g. Bộ phận Một cửa UBND phường Ba Đình."),
    )
    agency_parent: str = field(
        default="", metadata=_doc("Authority above the unit, printed above it on forms.")
    )
    agency_place: str = field(
        default="", metadata=_doc("Place name of the date line on forms, e.g. Hà Nội.")
    )
    status_lookup_url: str = field(
        default="",
        metadata=_doc("Status lookup address in the forms' QR code; the dossier code is appended."),
    )
    form_texts: str = field(
        default="",
        metadata=_doc(
            "Wording of forms 01-07 (a file shaped as resources/forms/forms.json, versions "
            "with effective dates), e.g. once checked against the circular's official text; "
            "empty: the shipped resources/forms/forms.json (docs/forms.md)."
        ),
    )
    tesseract: str = field(
        default=DEFAULT_TESSERACT,
        metadata=_doc(
            "Tesseract program to run; the default: the one installed beside the workstation "
            "(Windows installer), else tesseract on PATH."
        ),
    )
    ocr_languages: str = field(default="vie", metadata=_doc("Tesseract languages, e.g. vie+eng."))
    pkcs11_module: str = field(
        default="",
        metadata=_doc("PKCS#11 library of the signing token; empty: look in the usual places."),
    )
    trust_roots: str = field(
        default="",
        metadata=_doc(
            "Trusted root certificates for checking signatures (the national root CA, the "
            "Government CA): PEM files separated by the system's path separator."
        ),
    )
    tsa_url: str = field(
        default="",
        metadata=_doc("Time-stamp authority (RFC 3161) for PAdES B-T; empty: no time-stamp."),
    )
    signature_level: str = field(
        default="",
        metadata=_doc(
            "Signature policy: the PAdES level signed at when the command or the window does "
            "not say, B-B (no time-stamp), B-T (time-stamped by tsa_url) or B-LT (time-stamped, "
            "revocation data of trust_roots embedded); a level whose tsa_url or trust_roots is "
            "missing stops signing with a message. Empty: B-LT with tsa_url and trust_roots, "
            "B-T with tsa_url only, else B-B."
        ),
    )
    retention_scans_days: int = field(
        default=0,
        metadata=_doc(
            "Days a dossier's scanned pages are kept after it is closed (handed over or "
            "returned), for the retention purge; 0: kept until deleted by hand."
        ),
    )
    retention_results_days: int = field(
        default=0,
        metadata=_doc(
            "Days the results of a closed dossier (signed PDFs, result forms) are kept on this "
            "workstation, for the retention purge; 0: kept until deleted by hand."
        ),
    )
    retention_exports_days: int = field(
        default=0,
        metadata=_doc(
            "Days files the workstation exported (archive packages, statistics workbooks) are "
            "kept in its exports folder, for the retention purge; 0: kept until deleted by hand."
        ),
    )
    log_level: str = field(default="INFO", metadata=_doc("DEBUG, INFO, WARNING or ERROR."))
    agency_code: str = field(
        default="H99.001.01",
        metadata=_doc(
            "The receiving unit's e-ID code in the Circular 04/2025 shape (X99.999.99), "
            "the start of its dossier codes; the default is a demo value."
        ),
    )
    agency_code_classic: str = field(
        default="000.00.01.H99",
        metadata=_doc(
            "The unit's e-ID code in the classic shape (999.99.99.X99), for codes in the "
            "classic format; the default is a demo value."
        ),
    )
    system_code: str = field(
        default="01",
        metadata=_doc("Two digits of the system owner's code in Circular 04/2025 dossier codes."),
    )
    workstation_slot: int = field(
        default=1,
        metadata=_doc(
            "This workstation's slot within its unit (1, 2, …; unique per unit): which "
            "stripe of dossier-code numbers it may issue on its own while offline."
        ),
    )
    dossier_code_format: str = field(
        default="",
        metadata=_doc(
            "Dossier code format: tt04 or classic; empty: the latest format in force on the "
            "day of receipt (resources/codes/formats.json)."
        ),
    )

    collection_bank_bin: str = field(
        default="",
        metadata=_doc(
            "6-digit BIN of the bank holding the agency's fee collection account, for the "
            "VietQR payment code; empty: the agency's entry in "
            "resources/onbehalf/collection-accounts.json."
        ),
    )
    collection_account: str = field(
        default="",
        metadata=_doc("The agency's fee collection account number (with collection_bank_bin)."),
    )
    collection_account_name: str = field(
        default="",
        metadata=_doc("The collection account's holder, shown beside the payment code."),
    )
    smtp_server: str = field(
        default="",
        metadata=_doc(
            "SMTP server (host:port, port 25 if left out) that sends a signed electronic "
            "result to the citizen by e-mail; empty: results are not handed over by e-mail."
        ),
    )
    smtp_sender: str = field(
        default="",
        metadata=_doc("The agency's From address of e-mailed results (with smtp_server)."),
    )
    citizen_screen: str = field(
        default="auto",
        metadata=_doc(
            "The screen facing the citizen: auto (opens by itself, full screen on a second "
            "monitor when there is one, else as a window) or off (only when asked: F11)."
        ),
    )
    stats_targets: str = field(
        default="",
        metadata=_doc(
            "The agency's statistics targets file (rates by agency and effective date); "
            "empty: the illustrative resources/stats/targets.json."
        ),
    )

    allowed_devices: str = field(
        default="",
        metadata=_doc(
            "Capture devices officers may use: device ids as 'workstation devices' lists them, "
            "with * and ? (sane:fujitsu*, escl:https://10.0.5.*), comma-separated; empty: all."
        ),
    )
    notifications: str = field(
        default="on",
        metadata=_doc(
            "Notices of what needs the officer (messages needing attention, dossiers due "
            "soon or overdue, a token pulled out, the central system back online): on or off."
        ),
    )
    central_ca_file: str = field(
        default="",
        metadata=_doc(
            "The central system's certificate authority (a PEM file): when set, only it is "
            "trusted for central_url; empty: the usual public roots."
        ),
    )
    recovery_public_key_file: str = field(
        default="",
        metadata=_doc(
            "The province's recovery public key (an RSA PEM file): `workstation key init` "
            "wraps the store's keys for it; empty: a recovery passphrase is made instead."
        ),
    )
    offline_signin_days: int = field(
        default=3,
        metadata=_doc(
            "Days an officer may still sign in on this PC while the central system cannot be "
            "reached, checked against a verifier kept from their last sign-in (never the "
            "password); 0: only the central system signs officers in."
        ),
    )
    session_hours: int = field(
        default=12,
        metadata=_doc(
            "Hours a sign-in on this PC lasts for the command line and the window before the "
            "officer signs in again (workstation logout ends it sooner)."
        ),
    )
    lock_after_seconds: int = field(
        default=600,
        metadata=_doc(
            "Seconds without a key press or mouse move after which the window locks, hiding "
            "citizens' data until an officer signs in again; 0: only when asked (Ctrl+L)."
        ),
    )

    def trust_root_files(self) -> list[Path]:
        """The trusted root certificate files named by ``trust_roots``."""
        return [Path(p) for p in self.trust_roots.split(os.pathsep) if p.strip()]

    def __post_init__(self) -> None:
        for name, allowed, must in (
            ("language", LANGUAGES, f"one of {', '.join(LANGUAGES)}"),
            ("signature_level", SIGNATURE_LEVELS, "B-B, B-T, B-LT or empty"),
            ("citizen_screen", CITIZEN_SCREEN_MODES, "auto or off"),
            ("notifications", NOTIFICATIONS, "on or off"),
        ):
            if getattr(self, name) not in allowed:
                raise _invalid(name, must, getattr(self, name))
        for name in ("workstation_slot", *RETENTION_FIELDS, *OFFICER_FIELDS):
            value = getattr(self, name)
            if isinstance(value, str):  # typed in an editor or a variable
                object.__setattr__(self, name, _coerce(name, value))
        if self.workstation_slot < 1:
            raise _invalid("workstation_slot", "1 or more", self.workstation_slot)
        if self.session_hours < 1:
            raise _invalid("session_hours", "1 or more", self.session_hours)
        for name in RETENTION_FIELDS:
            if getattr(self, name) < 0:
                raise _invalid(name, "0 or more days", getattr(self, name))
        for name in ("offline_signin_days", "lock_after_seconds"):
            if getattr(self, name) < 0:
                raise _invalid(name, "0 or more", getattr(self, name))
        if self.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise _invalid("log_level", "DEBUG, INFO, WARNING or ERROR", self.log_level)

    # Resolved locations -------------------------------------------------

    def tesseract_program(self) -> str:
        """The Tesseract program to run (:func:`workstation.paths.choose_tesseract`)."""
        return resolve_tesseract(self.tesseract)

    def database_path(self, folders: Folders | None = None) -> Path:
        """The store's SQLite file."""
        folders = folders or user_folders()
        return Path(self.database) if self.database else folders.data / "store.sqlite3"

    def blob_path(self, folders: Folders | None = None) -> Path:
        """The folder of stored page images and PDFs."""
        folders = folders or user_folders()
        return Path(self.blob_folder) if self.blob_folder else folders.data / "blobs"

    def catalogue_path(self) -> Path:
        """The procedure catalogue file in use."""
        if self.catalogue:
            return Path(self.catalogue)
        return resources_dir() / "catalogue" / "procedures.json"

    def form_texts_path(self) -> Path:
        """The file the forms' wording is read from."""
        if self.form_texts:
            return Path(self.form_texts)
        return resources_dir() / "forms" / "forms.json"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def field_docs() -> dict[str, str]:
    """Field name → its documentation, in declaration order."""
    return {f.name: f.metadata.get("doc", "") for f in dataclasses.fields(Settings)}


def settings_file(folders: Folders | None = None) -> Path:
    """Where the settings file lives."""
    return (folders or user_folders()).config / FILE_NAME


def _upgrade(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring a settings mapping from any earlier version to :data:`SETTINGS_VERSION`."""
    version = raw.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ConfigError(
            f"settings 'version' must be a whole number, not {version!r}",
            code="config.invalid_value",
            name="version",
            value=repr(version),
        )
    if version > SETTINGS_VERSION:
        raise ConfigError(
            f"settings file version {version} is newer than this workstation "
            f"understands ({SETTINGS_VERSION}); update the workstation",
            code="config.too_new",
            version=version,
        )
    if version < 2:
        # Version 1 called the central system "server_url".
        if "server_url" in raw:
            raw["central_url"] = raw.pop("server_url")
        version = 2
    raw["version"] = version
    return raw


def _coerce(name: str, value: str) -> Any:
    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    if kind in ("int", int):
        try:
            return int(value)
        except ValueError as exc:
            raise ConfigError(
                f"{ENV_PREFIX}{name.upper()} must be a whole number, not {value!r}",
                code="config.invalid_value",
                name=name,
                value=value,
            ) from exc
    return value


def locked_settings(path: Path | None = None) -> dict[str, Any]:
    """The settings an administrator locked in the machine-wide file; empty without one.

    Every setting the file names is locked. Raises :class:`ConfigError`
    (``config.machine_unreadable``, ``config.invalid_value``) for a file that
    cannot be read or a value of the wrong type.
    """
    path = path or machine_settings_file()
    try:
        if not path.is_file():
            return {}
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(
            f"machine-wide settings file {path} cannot be read: {exc}",
            code="config.machine_unreadable",
            path=str(path),
        ) from exc
    raw = _upgrade(raw)
    raw.pop("version")
    known = {f.name for f in dataclasses.fields(Settings)}
    for unknown in sorted(set(raw) - known):
        log.warning("ignoring unknown setting %r in the machine-wide settings", unknown)
        raw.pop(unknown)
    _check_types(raw)
    return raw


def load_settings(
    folders: Folders | None = None,
    environ: dict[str, str] | None = None,
    locked: Mapping[str, Any] | None = None,
) -> Settings:
    """Read the settings file (if any), upgrade it, apply environment overrides, then locks.

    ``locked`` defaults to :func:`locked_settings` (pass ``{}`` for the
    officer's own values). Raises :class:`ConfigError` for the first setting
    that cannot be used.
    """
    settings, _ = _load(folders, environ, lenient=False, locked=locked)
    return settings


@dataclass(frozen=True)
class SettingProblem:
    """One setting that could not be used, where it came from, and why.

    ``name`` is the field (empty when the whole file could not be used);
    ``variable`` the ``WORKSTATION_<NAME>`` variable that set it, or empty when
    the value came from the settings file.
    """

    name: str
    variable: str
    error: ConfigError


def load_settings_or_defaults(
    folders: Folders | None = None,
    environ: dict[str, str] | None = None,
    locked: Mapping[str, Any] | None = None,
) -> tuple[Settings, list[SettingProblem]]:
    """The settings with every unusable value replaced by its default, and the problems.

    For the window, which opens anyway and tells the officer what is wrong: a
    file that cannot be read at all counts as empty (defaults, environment
    overrides still applied); a single wrong value falls back to its default.
    A machine-wide file that cannot be used locks nothing (logged).
    """
    return _load(folders, environ, lenient=True, locked=locked)


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(
            f"settings file {path} cannot be read: {exc}",
            code="config.unreadable",
            path=str(path),
        ) from exc
    return _upgrade(raw)


def _locks(locked: Mapping[str, Any] | None, *, lenient: bool) -> dict[str, Any]:
    if locked is not None:
        return dict(locked)
    try:
        return locked_settings()
    except ConfigError as exc:
        if not lenient:
            raise
        log.error("machine-wide settings not applied: [%s] %s", exc.code, exc.detail)
        return {}


def _load(
    folders: Folders | None,
    environ: dict[str, str] | None,
    *,
    lenient: bool,
    locked: Mapping[str, Any] | None = None,
) -> tuple[Settings, list[SettingProblem]]:
    environ = dict(os.environ if environ is None else environ)
    locks = _locks(locked, lenient=lenient)
    path = settings_file(folders)
    problems: list[SettingProblem] = []
    try:
        raw = _read_file(path)
    except ConfigError as exc:
        if not lenient:
            raise
        problems.append(SettingProblem("", "", exc))
        raw = {}
    known = {f.name for f in dataclasses.fields(Settings)}
    for unknown in sorted(set(raw) - known):
        log.warning("ignoring unknown setting %r in %s", unknown, path)
        raw.pop(unknown)
    set_aside: set[str] = set()  # fields whose wrong value gives way to the default
    while True:
        try:
            return _build(raw, environ, set_aside, locks), problems
        except ConfigError as exc:
            name = exc.params.get("name", "")
            if not lenient or name not in known or name in set_aside:
                raise
            variable = ENV_PREFIX + name.upper()
            problems.append(SettingProblem(name, variable if variable in environ else "", exc))
            set_aside.add(name)


def _build(
    raw: dict[str, Any], environ: dict[str, str], set_aside: set[str], locks: dict[str, Any]
) -> Settings:
    values = {name: value for name, value in raw.items() if name not in set_aside}
    for f in dataclasses.fields(Settings):
        if f.name == "version" or f.name in set_aside:
            continue
        value = environ.get(ENV_PREFIX + f.name.upper())
        if value is not None:
            values[f.name] = _coerce(f.name, value)
    # The administrator's locks win over the officer's file and variables.
    values.update({name: value for name, value in locks.items() if name not in set_aside})
    values["version"] = SETTINGS_VERSION
    _check_types(values)
    return Settings(**values)


def _check_types(raw: dict[str, Any]) -> None:
    kinds = {f.name: f.type for f in dataclasses.fields(Settings)}
    for name, value in raw.items():
        wanted = int if kinds[name] in ("int", int) else str
        if not isinstance(value, wanted) or isinstance(value, bool):
            noun = "a whole number" if wanted is int else "text (in quotes)"
            raise ConfigError(
                f"setting {name!r} must be {noun}, not {value!r}",
                code="config.invalid_value",
                name=name,
                value=repr(value),
            )


def save_settings(settings: Settings, folders: Folders | None = None) -> Path:
    """Write the settings file atomically and return its path."""
    import tomli_w  # only saving needs it: keep start-up light

    path = settings_file(folders)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(tomli_w.dumps(dataclasses.asdict(settings)), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(
            f"cannot write the settings file {path}: {exc.strerror or exc}",
            code="config.unwritable",
            path=str(path),
        ) from exc
    return path
