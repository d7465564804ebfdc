"""A receipt printer that records what it was asked to print (the print dialog cannot run
offscreen); the same interface as ``workstation.ui.intake.receipt_step.DialogPrinter``."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class FakePrinter:
    """Remembers every PDF handed to it, in order, and says it printed."""

    def __init__(self) -> None:
        self.printed: list[Path] = []

    def print_pdf(self, path: Path, parent: Any) -> bool:
        self.printed.append(path)
        return True
