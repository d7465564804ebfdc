"""Capture profiles: named settings per device and purpose, as data.

Bundled profiles are in ``resources/capture/profiles.json``; an officer's
own go in ``capture-profiles.json`` in the data folder (same shape) and
override bundled ones by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from workstation.errors import BadInput, NotFound
from workstation.paths import resources_dir
from workstation.scan.devices.base import PAGE_SIZES_MM, ColourMode, ScanSettings, Source
from workstation.scan.policy import CHOICES

USER_FILE = "capture-profiles.json"


@dataclass(frozen=True)
class Profile:
    """One named way of capturing."""

    name: str
    label_vi: str
    label_en: str
    purpose: str = "component"
    source: Source = Source.ADF
    dpi: int = 200
    colour: str = "policy"
    page_size: str = "a4"
    blank_threshold: float = 0.0002
    deskew: bool = True
    device: str | None = None

    @property
    def duplex(self) -> bool:
        return self.source is Source.ADF_DUPLEX

    def settings(self, source: Source | None = None, dpi: int | None = None) -> ScanSettings:
        """Scanner settings for this profile; what the officer overrides wins."""
        mode = ColourMode.GRAY if self.colour in ("gray", "auto") else ColourMode.COLOR
        return ScanSettings(
            source=source or self.source, dpi=dpi or self.dpi, mode=mode, page_size=self.page_size
        )

    def as_json(self) -> dict[str, object]:
        data = dict(self.__dict__)
        data["source"] = str(self.source)
        return data


def _parse(name: str, raw: dict[str, object], origin: str) -> Profile:
    try:
        profile = Profile(
            name=name,
            label_vi=str(raw.get("label_vi", name)),
            label_en=str(raw.get("label_en", name)),
            purpose=str(raw.get("purpose", "component")),
            source=Source(str(raw.get("source", "adf"))),
            dpi=int(raw.get("dpi", 200)),  # type: ignore[call-overload]
            colour=str(raw.get("colour", "policy")),
            page_size=str(raw.get("page_size", "a4")),
            blank_threshold=float(raw.get("blank_threshold", 0.0002)),  # type: ignore[arg-type]
            deskew=bool(raw.get("deskew", True)),
            device=str(raw["device"]) if raw.get("device") else None,
        )
    except (ValueError, TypeError) as exc:
        raise _invalid(f"{origin}: profile {name}: {exc}") from exc
    if profile.colour not in CHOICES:
        raise _invalid(f"{origin}: profile {name}: colour {profile.colour}")
    if profile.page_size != "max" and profile.page_size not in PAGE_SIZES_MM:
        raise _invalid(f"{origin}: profile {name}: page size {profile.page_size}")
    if not 50 <= profile.dpi <= 1200:
        raise _invalid(f"{origin}: profile {name}: dpi {profile.dpi}")
    return profile


def _invalid(reason: str) -> BadInput:
    return BadInput(reason, code="device.profiles_invalid", reason=reason)


def _read(path: Path, origin: str) -> dict[str, Profile]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["profiles"]
        return {name: _parse(name, raw, origin) for name, raw in entries.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _invalid(f"{origin}: {exc.__class__.__name__}") from exc


def load_profiles(data_folder: Path | None = None) -> dict[str, Profile]:
    """Every profile by name: bundled ones, then the user's (which override by name)."""
    profiles = _read(resources_dir() / "capture" / "profiles.json", "bundled profiles")
    if data_folder is not None and (data_folder / USER_FILE).is_file():
        profiles.update(_read(data_folder / USER_FILE, USER_FILE))
    return profiles


def profile(name: str, data_folder: Path | None = None) -> Profile:
    """The profile called ``name``, or :class:`NotFound`."""
    profiles = load_profiles(data_folder)
    if name not in profiles:
        raise NotFound(f"no capture profile {name}", code="device.unknown_profile", profile=name)
    return profiles[name]
