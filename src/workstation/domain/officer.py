"""Officers (cán bộ): the people who receive, digitise and sign at the counter."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Officer:
    """An officer of a receiving unit; ``unit_code`` is the unit's e-ID code."""

    username: str
    full_name: str
    unit_code: str = ""
    id: int | None = None
