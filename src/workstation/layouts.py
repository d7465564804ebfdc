"""The window's layout (size, splitters, column widths) kept per officer.

The window hands over an opaque mapping (:mod:`workstation.ui.layout_memory` fills
it from Qt's own saved states) and gets it back at the next start for the same
officer: the user signed in to the central system, else the operating system's
user, so officers sharing one account of a counter PC each keep their own. Files
live in ``<config>/layouts/``, named by a hash of the officer (no name in a file
name); one that cannot be read counts as none (the default layout is used).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from workstation.onbehalf.officer import Officer
from workstation.paths import Folders

log = logging.getLogger(__name__)


def layout_file(folders: Folders, officer: Officer) -> Path:
    """Where ``officer``'s window layout is kept."""
    key = hashlib.sha256(f"{officer.source}:{officer.user}".encode()).hexdigest()[:32]
    return folders.config / "layouts" / f"{key}.json"


def load_layout(folders: Folders, officer: Officer) -> dict[str, Any]:
    """``officer``'s saved layout; empty when there is none or it cannot be read."""
    path = layout_file(folders, officer)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("window layout unreadable (%s): the default one is used", type(exc).__name__)
        return {}
    return data if isinstance(data, dict) else {}


def save_layout(folders: Folders, officer: Officer, layout: dict[str, Any]) -> None:
    """Keep ``officer``'s layout (written whole, then renamed over the old one)."""
    path = layout_file(folders, officer)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(json.dumps(layout, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
