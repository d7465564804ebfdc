"""What every check shares: the outcome types and small helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from enum import StrEnum

WINDOWS = sys.platform == "win32"
WINDIR = os.environ.get("WINDIR", r"C:\Windows")


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"  # works, but something should be looked at
    MISSING = "missing"  # not installed or not configured
    FAILED = "failed"  # installed, but does not work


@dataclass(frozen=True)
class Check:
    """The outcome of checking one external part."""

    part: str
    status: Status
    summary: str
    fix: str = ""
    required: bool = True
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.required and self.status in (Status.MISSING, Status.FAILED)

    def as_json(self) -> dict[str, object]:
        return asdict(self) | {"status": str(self.status), "blocking": self.blocking}


def apt(*packages: str) -> str:
    return f"sudo apt-get install {' '.join(packages)}"


def run_program(argv: list[str], timeout: float = 15) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
