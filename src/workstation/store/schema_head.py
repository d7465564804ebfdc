"""The newest schema revision, read from the migration scripts without importing Alembic.

Importing Alembic costs a command about a third of a second (it pulls in every
SQL dialect and Mako's templates), yet on nearly every start the store is
already at the newest revision and there is nothing to migrate. The store
checks that case with :func:`head_revision` and a plain query, and imports
Alembic only when it has work to do or when this reading is unsure.
"""

from __future__ import annotations

import re
from pathlib import Path

_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*[\"']([^\"']+)[\"']\s*$", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def head_revision(versions: Path) -> str | None:
    """The one revision no script builds on, or None when unsure (Alembic then decides).

    Unsure: a script whose ``revision``/``down_revision`` is not a plain string
    (merges, branches), several heads, or no scripts at all.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in versions.glob("*.py"):
        if script.name.startswith("_"):
            continue
        text = script.read_text(encoding="utf-8")
        revision = _REVISION.search(text)
        down = _DOWN_REVISION.search(text)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        parent = down.group(1)
        if parent != "None":
            quoted = _QUOTED.fullmatch(parent)
            if quoted is None:
                return None
            parents.add(quoted.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None
