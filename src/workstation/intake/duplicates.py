"""A file added twice to one dossier: a warning for the officer, not a refusal.

The same file chosen twice (the same path, or a link to it) or two files with
the same content (a page scanned once and saved under two names) would store
one paper twice in the dossier. :func:`duplicate_files` names each repeat and
the earlier file it repeats. It reads as little as it can: files are compared
by identity first, and only files of equal size are hashed (SHA-256, streamed).
Anything that is not a regular file, or cannot be read, is left to
:func:`~workstation.intake.files.inspect_file` to refuse with its own reason.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from workstation.domain.field_warning import FieldWarning

FIELD = "files"
_CHUNK = 1024 * 1024


def duplicate_files(paths: Sequence[Path | str]) -> list[FieldWarning]:
    """A warning for each of ``paths`` that repeats an earlier one, in the order given.

    Each warning's parameters are the repeat's ``name`` and 1-based ``position``
    in ``paths``, and the ``first`` file's name.
    """
    files = [Path(p) for p in paths]
    first_of: dict[int, int] = {}  # position -> position of the file it repeats
    same_file: dict[tuple[int, int], int] = {}
    by_size: dict[int, list[int]] = {}
    for position, path in enumerate(files):
        try:
            status = os.stat(path)
        except (OSError, ValueError):
            continue
        if not stat.S_ISREG(status.st_mode):
            continue  # a FIFO or a device is never opened here: it could block or never end
        identity = (status.st_dev, status.st_ino)
        if identity in same_file:
            first_of[position] = same_file[identity]
            continue
        same_file[identity] = position
        by_size.setdefault(status.st_size, []).append(position)

    same_content: set[int] = set()
    for positions in by_size.values():
        if len(positions) < 2:
            continue
        first_with: dict[str, int] = {}
        for position in positions:
            digest = _sha256(files[position])
            if digest is None:
                continue
            if digest in first_with:
                first_of[position] = first_with[digest]
                same_content.add(position)
            else:
                first_with[digest] = position

    return [
        FieldWarning(
            FIELD,
            "dossier.file_same_content" if position in same_content else "dossier.file_added_twice",
            (
                ("name", files[position].name),
                ("position", str(position + 1)),
                ("first", files[first_of[position]].name),
            ),
        )
        for position in sorted(first_of)
    ]


def _sha256(path: Path) -> str | None:
    """The file's digest, or ``None`` if it cannot be read or is no longer a regular file."""
    digest = hashlib.sha256()
    try:
        # Non-blocking open and a second check on the open file: a FIFO swapped in
        # after the stat above must not block the caller.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        try:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
        except OSError:
            return None
    return digest.hexdigest()
