"""The officer's signing profile: remote signing services offered, and where the signature goes.

A small JSON file, ``signing.json``, in the officer's own settings folder
(:class:`workstation.paths.Folders` ``config``), so each officer (each
account on the machine) keeps their own:

- ``remote_services``: the remote signing services (CSC API v1) offered in
  the signing section beside the tokens, each ``{"name", "url",
  "credential_id"}`` (the credential may be left empty and typed in the
  window). An administrator puts them there, as the command line takes
  ``--remote URL --credential ID``. No access token, PIN or OTP is ever
  written here: the officer types those for each batch.
- ``placements``: per document role (``result``, ``certified_copy``,
  ``seal``, ``file``), the last placement used: an anchor text, or the page
  and box dragged on the preview (PDF points), offered again next time.

A missing or unreadable file is an empty profile (logged by code only).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FILE_NAME = "signing.json"


@dataclass(frozen=True)
class RemoteService:
    """One remote signing service offered in the window."""

    name: str
    url: str  # ends in /csc/v1
    credential_id: str = ""


@dataclass(frozen=True)
class SavedPlacement:
    """Where the signature went last time for one role."""

    anchor: str = ""
    page: int | None = None
    box: tuple[float, float, float, float] | None = None


@dataclass
class SigningProfile:
    """The officer's signing profile as read from (and written to) ``signing.json``."""

    remote_services: list[RemoteService] = field(default_factory=list)
    placements: dict[str, SavedPlacement] = field(default_factory=dict)


def profile_file(config_folder: Path) -> Path:
    return config_folder / FILE_NAME


def _placement(raw: Any) -> SavedPlacement | None:
    if not isinstance(raw, dict):
        return None
    anchor = raw.get("anchor", "")
    page = raw.get("page")
    box = raw.get("box")
    if not isinstance(anchor, str) or not (page is None or isinstance(page, int)):
        return None
    if box is not None:
        if not (isinstance(box, list) and len(box) == 4):
            return None
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in box):
            return None
        box = tuple(float(v) for v in box)
    return SavedPlacement(anchor, page, box)


def load_profile(config_folder: Path) -> SigningProfile:
    """The officer's signing profile; an empty one when the file is missing or unreadable."""
    path = profile_file(config_folder)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return SigningProfile()
    except (OSError, ValueError) as exc:
        log.warning("signing profile unreadable (%s); using an empty one", exc.__class__.__name__)
        return SigningProfile()
    if not isinstance(raw, dict):
        return SigningProfile()
    services = []
    for item in raw.get("remote_services", []) or []:
        if isinstance(item, dict) and isinstance(item.get("url"), str) and item["url"]:
            services.append(
                RemoteService(
                    str(item.get("name") or item["url"]),
                    item["url"],
                    str(item.get("credential_id") or ""),
                )
            )
    placements = {}
    raw_placements = raw.get("placements", {})
    if isinstance(raw_placements, dict):
        for role, value in raw_placements.items():
            placement = _placement(value)
            if placement is not None:
                placements[str(role)] = placement
    return SigningProfile(services, placements)


def save_profile(config_folder: Path, profile: SigningProfile) -> Path:
    """Write the profile atomically; returns its path (OSError goes to the caller)."""
    path = profile_file(config_folder)
    data = {
        "remote_services": [
            {"name": s.name, "url": s.url, "credential_id": s.credential_id}
            for s in profile.remote_services
        ],
        "placements": {
            role: {"anchor": p.anchor, "page": p.page, "box": list(p.box) if p.box else None}
            for role, p in sorted(profile.placements.items())
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
    return path


def remember_placement(config_folder: Path, role: str, placement: SavedPlacement) -> None:
    """Keep ``placement`` as the one offered next time for ``role`` (the rest of the file kept)."""
    profile = load_profile(config_folder)
    profile.placements[role] = placement
    save_profile(config_folder, profile)
