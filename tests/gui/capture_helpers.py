"""Helpers for the capture view's GUI tests: SANE's own test scanner set up, the view opened."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workstation.services import Services

SANE_TEST = "sane:test:0"


def sane_test_scanner(
    folder: Path, picture: str = "Grid", read_delay_us: int | None = None
) -> Path:
    """A ``SANE_CONFIG_DIR`` listing only SANE's ``test`` backend, drawing ``picture``.

    Its defaults scan solid black (see PITFALLS.md); ``read_delay_us`` slows each read,
    so a batch can be stopped half-way.
    """
    if shutil.which("scanimage") is None:
        pytest.skip("sane-utils is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dll.conf").write_text("test\n")
    lines = []
    for line in Path("/etc/sane.d/test.conf").read_text().splitlines():
        if line.startswith("test-picture"):
            line = f'test-picture "{picture}"'
        elif line.startswith("read-delay ") and read_delay_us is not None:
            line = "read-delay true"
        elif line.startswith("read-delay-duration") and read_delay_us is not None:
            line = f"read-delay-duration {read_delay_us}"
        lines.append(line)
    (folder / "test.conf").write_text("\n".join(lines) + "\n")
    return folder


def write_profiles(services: Services, **profiles: dict[str, object]) -> None:
    """The officer's own capture profiles (they override the bundled ones by name)."""
    data = services.folders.data
    data.mkdir(parents=True, exist_ok=True)
    entries = {
        name: {"label_vi": name, "label_en": name, "purpose": "component", **profile}
        for name, profile in profiles.items()
    }
    (data / "capture-profiles.json").write_text(json.dumps({"profiles": entries}))
