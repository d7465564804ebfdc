"""Capture devices behind one interface (:mod:`.base`): SANE, eSCL, hot folders, files, demo.

:func:`list_devices` lists every device reachable now with the id
``workstation scan --device`` takes; :func:`open_device` opens one by id:
``sane:<SANE name>``, ``escl:<eSCL root URL>``, ``hotfolder:<path>``,
``files`` or ``demo``. :func:`allowed_only` and :func:`check_allowed` apply the
administrator's ``allowed_devices`` setting.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

from workstation.errors import BadInput, NotFound
from workstation.scan.devices.base import Device, DeviceInfo


def list_devices(
    escl_addresses: tuple[str, ...] = (),
    hot_folders: tuple[Path, ...] = (),
    discovery_s: float = 0.0,
) -> list[DeviceInfo]:
    """Every device: SANE's, the eSCL and hot folders given, files and the demo feeder.

    ``discovery_s`` > 0 also looks that long for eSCL scanners announcing
    themselves on the network (DNS-SD).
    """
    from workstation.scan.devices.demo import DemoBackend
    from workstation.scan.devices.escl import EsclBackend
    from workstation.scan.devices.files import FilesBackend
    from workstation.scan.devices.hotfolder import HotFolderBackend
    from workstation.scan.devices.sane import SaneBackend

    found: list[DeviceInfo] = []
    found += SaneBackend().list_devices()
    found += EsclBackend(escl_addresses, discovery_s).list_devices()
    found += HotFolderBackend(hot_folders).list_devices()
    found += FilesBackend().list_devices()
    found += DemoBackend().list_devices()
    return found


def open_device(device_id: str, files: list[Path] | None = None) -> Device:
    """The device with ``device_id``; ``files`` are the paths for the ``files`` device."""
    from workstation.scan.devices.demo import DemoFeeder
    from workstation.scan.devices.escl import EsclBackend
    from workstation.scan.devices.files import FileImport
    from workstation.scan.devices.hotfolder import HotFolderBackend
    from workstation.scan.devices.sane import SaneBackend

    if device_id == "demo":
        return DemoFeeder()
    if device_id == "files":
        return FileImport(list(files or []))
    if device_id.startswith("sane:"):
        return SaneBackend().open(device_id)
    if device_id.startswith("escl:"):
        return EsclBackend().open(device_id)
    if device_id.startswith("hotfolder:"):
        return HotFolderBackend().open(device_id)
    raise NotFound(f"no device {device_id}", code="device.unknown", device=device_id)


ALWAYS_ALLOWED = frozenset({"files"})
"""Importing files the officer already has uses no device: never restricted."""


def device_allowed(device_id: str, allowed: str) -> bool:
    """Whether ``allowed`` (the ``allowed_devices`` setting: device id patterns with ``*``
    and ``?``, comma-separated; empty: every device) lets ``device_id`` be used."""
    patterns = [p.strip() for p in allowed.split(",") if p.strip()]
    if not patterns or device_id in ALWAYS_ALLOWED:
        return True
    return any(fnmatchcase(device_id, pattern) for pattern in patterns)


def allowed_only(devices: list[DeviceInfo], allowed: str) -> list[DeviceInfo]:
    """The devices of ``devices`` that ``allowed`` lets be used."""
    return [d for d in devices if device_allowed(d.id, allowed)]


def check_allowed(device_id: str, allowed: str) -> None:
    """Refuse a device the administrator did not allow (``device.not_allowed``)."""
    if not device_allowed(device_id, allowed):
        raise BadInput(
            f"device {device_id} is not among the allowed devices",
            code="device.not_allowed",
            device=device_id,
        )
