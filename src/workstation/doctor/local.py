"""Checks of the workstation's own places: folders, store, catalogue, central system."""

from __future__ import annotations

import shutil
import tempfile

from workstation.config import SettingProblem, Settings, locked_settings, settings_file
from workstation.doctor.check import Check, Status
from workstation.errors import ConfigError
from workstation.paths import Folders, machine_settings_file


def check_machine_settings() -> Check | None:
    """The settings an administrator locked for every officer of the machine, if any.

    None on a machine without the machine-wide file. A file that cannot be used
    fails: the window then runs with nothing locked.
    """
    path = machine_settings_file()
    if not path.exists():
        return None
    try:
        locked = sorted(locked_settings(path))
    except ConfigError as exc:
        return Check(
            "machine-wide settings",
            Status.FAILED,
            f"{exc.detail}; nothing is locked until it is corrected",
            f"correct {path} (administrators only)",
            facts={"path": str(path), "code": exc.code},
        )
    names = ", ".join(locked) if locked else "none"
    return Check(
        "machine-wide settings",
        Status.OK,
        f"locked by {path}: {names}",
        facts={"path": str(path), "locked": locked},
    )


def check_settings(problems: list[SettingProblem], folders: Folders) -> list[Check]:
    """One check per setting that cannot be used (the others ran on its default),
    then the machine-wide settings when the machine has them."""
    machine = check_machine_settings()
    extra = [machine] if machine is not None else []
    path = settings_file(folders)
    if not problems:
        state = "" if path.exists() else " (not written yet: defaults)"
        return [Check("settings", Status.OK, f"{path}{state}", facts={"path": str(path)}), *extra]
    checks = []
    for problem in problems:
        if problem.variable:
            fix = f"correct or unset the environment variable {problem.variable}"
        elif problem.name:
            fix = f"correct '{problem.name}' in {path} (or in the window's Settings)"
        else:
            fix = f"correct {path}, or move it aside to start from the defaults"
        checks.append(
            Check(
                "settings",
                Status.FAILED,
                f"{problem.error.detail}; the checks below used the default",
                fix,
                facts={"path": str(path), "code": problem.error.code, "setting": problem.name},
            )
        )
    return [*checks, *extra]


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
        "store.read_only": "give the workstation write access to the file and its folder",
        "store.disk_full": "free disk space",
        "store.locked": "close the other program holding the database, then try again",
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

    from workstation.errors import WorkstationError
    from workstation.tls import require_secure_url, untrusted_certificate, verification

    try:  # the same rules as the sync client: https (http only to loopback), pinned CA
        require_secure_url(settings.central_url, "central system")
        verify = verification(settings.central_ca_file)
    except WorkstationError as exc:
        return Check(
            "central system",
            Status.FAILED,
            exc.detail,
            "check central_url and central_ca_file",
            required=False,
        )
    try:
        response = httpx.get(settings.central_url, timeout=5.0, verify=verify)
    except httpx.HTTPError as exc:
        if untrusted_certificate(exc):
            return Check(
                "central system",
                Status.FAILED,
                f"{settings.central_url}: certificate not trusted",
                "check central_ca_file and that the address is the province's system",
                required=False,
            )
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


def check_encryption(settings: Settings, folders: Folders) -> Check:
    """Whether the store is encrypted at rest and this PC's keyring holds its key."""
    from workstation.errors import StoreError
    from workstation.store.database import Database
    from workstation.store.keys import status

    path = settings.database_path(folders)
    off = Check(
        "encryption",
        Status.OK,
        "off: the store is not encrypted at rest (workstation key init switches it on)",
        required=False,
        facts={"encryption": "off"},
    )
    if not path.exists():
        return off
    database = Database(path)
    try:
        state = status(database)
    except StoreError:  # a store not yet upgraded has no key tables: encryption is off
        return off
    finally:
        database.close()
    facts: dict[str, object] = dict(state.as_json())
    if state.encryption == "off":
        return off
    if state.encryption == "unfinished":
        return Check(
            "encryption",
            Status.FAILED,
            "sealing the store under a new key stopped half-way; the store is refused",
            "run workstation key init (or workstation key rotate) again to finish it",
            facts=facts,
        )
    if state.keyring != "ok":
        return Check(
            "encryption",
            Status.FAILED,
            f"the store is encrypted but this PC's keyring does not hold its key ({state.keyring})",
            "run workstation key recover with the recovery passphrase or the province's key",
            facts=facts,
        )
    recovery = ", ".join(state.recovery) or "nothing"
    return Check(
        "encryption",
        Status.OK,
        f"on, key {state.current} in the keyring; recoverable by {recovery}",
        facts=facts,
    )
