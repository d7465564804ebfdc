"""Timestamps in the store are naive UTC; the rest of the workstation sees aware datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def to_stored(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("refusing to store a datetime without a time zone")
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_stored(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)
