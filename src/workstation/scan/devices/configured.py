"""The capture devices the officer configured: eSCL scanners by address, and hot folders.

They are kept in ``capture-devices.json`` in the data folder
(``{"escl": ["http://…/eSCL"], "hot_folders": ["/srv/scans"]}``), which both
``workstation devices`` and the window's capture view list, and to which the
capture view adds an eSCL address the officer types.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from workstation.errors import BadInput
from workstation.scan.devices.base import DeviceInfo
from workstation.scan.devices.escl import PREFIX, EsclDevice, parse_address

USER_FILE = "capture-devices.json"


@dataclass(frozen=True)
class Configured:
    """eSCL root URLs and hot folders, as configured."""

    escl: tuple[str, ...] = ()
    hot_folders: tuple[Path, ...] = ()


def _read(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise TypeError("not an object")
    except (OSError, ValueError, TypeError) as exc:
        raise BadInput(
            f"{USER_FILE} cannot be read", code="device.profiles_invalid", reason=USER_FILE
        ) from exc
    return data


def configured_devices(data_folder: Path) -> Configured:
    """The eSCL addresses and hot folders configured in ``data_folder`` (none if no file)."""
    data = _read(data_folder / USER_FILE)
    try:
        escl = tuple(str(a) for a in data.get("escl", []))  # type: ignore[attr-defined]
        folders = tuple(Path(str(f)) for f in data.get("hot_folders", []))  # type: ignore[attr-defined]
    except TypeError as exc:
        raise BadInput(
            f"{USER_FILE} cannot be read", code="device.profiles_invalid", reason=USER_FILE
        ) from exc
    return Configured(escl, folders)


def add_escl_address(data_folder: Path, address: str) -> str:
    """Keep the eSCL scanner at ``address`` (``http://host:port/eSCL``, ``escl:`` optional)
    among the configured devices, once; return its device id (``escl:<root>``).

    Raises :class:`BadInput` (``device.bad_address``) for anything but an http(s)
    URL with a host. The file is replaced whole, never left half-written.
    """
    root = parse_address(address.strip())
    path = data_folder / USER_FILE
    data = _read(path)
    known = [str(a) for a in data.get("escl", [])]  # type: ignore[attr-defined]
    if all(parse_address(a) != root for a in known if a):
        data["escl"] = [*known, root]
        data_folder.mkdir(parents=True, exist_ok=True)
        staged = path.with_suffix(".json.tmp")
        staged.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(staged, path)
    return PREFIX + root


def add_escl_scanner(data_folder: Path, address: str) -> DeviceInfo:
    """Ask the eSCL scanner at ``address`` for its capabilities, then keep its address
    (:func:`add_escl_address`); return it as a listed device.

    A mistyped or unreachable address raises (``device.bad_address``,
    ``device.gone``, ``device.bad_reply``) and is not kept.
    """
    device = EsclDevice(parse_address(address.strip()))
    try:
        device.options()
    finally:
        device.close()
    device_id = add_escl_address(data_folder, device.root)
    return DeviceInfo(device_id, device.root, device.info.backend)
