"""The working-day calendar (lịch làm việc) of Viet Nam's state agencies.

A day is a working day, a weekend day, a day off (ngày nghỉ lễ, Tết, nghỉ bù,
nghỉ hoán đổi) or a make-up working day (ngày làm bù, usually a Saturday).
Two sources are laid one over the other:

1. the statutory holidays the ``holidays`` package computes for Viet Nam
   (lunar Tết and Hùng Kings' day, compensatory days for a holiday on a
   weekend, the swaps it knows and its ``weekend_workdays``);
2. the published days of ``resources/calendar/vn-days-off.json`` (each year's
   swaps and extra days off, with their source), which win where they differ,
   so a province corrects the calendar by editing data, not code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path

from workstation.errors import BadInput
from workstation.paths import resources_dir

WEEKEND = (5, 6)  # Saturday, Sunday
MAX_SEARCH_DAYS = 3660
"""A working day is always found within ten years; past that the data is wrong."""


class DayKind(StrEnum):
    WORKING_DAY = "working_day"  # ngày làm việc
    WEEKEND = "weekend"  # thứ Bảy, Chủ nhật
    DAY_OFF = "day_off"  # ngày nghỉ lễ, Tết, nghỉ bù, nghỉ hoán đổi
    MAKE_UP_DAY = "make_up_day"  # ngày làm bù (a weekend day worked)


@dataclass(frozen=True)
class PublishedDay:
    """One line of the published days: a day off or a make-up working day."""

    day: date
    works: bool
    name: str
    source: str = ""
    verify: bool = False


def default_days_off_path() -> Path:
    return resources_dir() / "calendar" / "vn-days-off.json"


def load_published_days(path: Path | None = None) -> list[PublishedDay]:
    """Read a published-days file; a malformed one is bad input naming the line at fault."""
    path = path or default_days_off_path()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        entries = document["days"]
        days = []
        for entry in entries:
            kind = entry["kind"]
            if kind not in ("day_off", "working_day"):
                raise ValueError(f"kind must be day_off or working_day, not {kind!r}")
            days.append(
                PublishedDay(
                    day=date.fromisoformat(entry["date"]),
                    works=kind == "working_day",
                    name=str(entry.get("name", "")),
                    source=str(entry.get("source", "")),
                    verify=bool(entry.get("verify", False)),
                )
            )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            f"calendar {path} cannot be read: {exc!r}", code="calendar.unreadable", path=str(path)
        ) from exc
    return days


@cache
def _statutory(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """The holidays package's days off and weekend working days for one year."""
    import holidays  # 30 ms; only commands that count days need it

    vn = holidays.country_holidays("VN", years=year, language="vi")
    days_off = {day: name for day, name in vn.items() if day.year == year}
    worked = frozenset(day for day in vn.weekend_workdays if day.year == year)
    return days_off, worked


class WorkingCalendar:
    """Which days the counter works, with the name of each day off."""

    def __init__(self, published: Iterable[PublishedDay] = (), *, statutory: bool = True) -> None:
        self._published = {p.day: p for p in published}
        self._statutory = statutory

    def kind(self, day: date) -> DayKind:
        """What kind of day ``day`` is."""
        weekend = day.weekday() in WEEKEND
        published = self._published.get(day)
        if published is not None:
            if published.works:
                return DayKind.MAKE_UP_DAY if weekend else DayKind.WORKING_DAY
            return DayKind.DAY_OFF
        if self._statutory:
            days_off, worked = _statutory(day.year)
            if day in worked:
                return DayKind.MAKE_UP_DAY
            if day in days_off:
                return DayKind.DAY_OFF
        return DayKind.WEEKEND if weekend else DayKind.WORKING_DAY

    def is_working_day(self, day: date) -> bool:
        return self.kind(day) in (DayKind.WORKING_DAY, DayKind.MAKE_UP_DAY)

    def name(self, day: date) -> str:
        """The published or statutory name of a day off or make-up day ('' for other days)."""
        published = self._published.get(day)
        if published is not None:
            return published.name
        if self._statutory:
            days_off, _worked = _statutory(day.year)
            return days_off.get(day, "")
        return ""

    def needs_verifying(self, day: date) -> bool:
        """Whether the day's published entry is marked as not checked against the official text."""
        published = self._published.get(day)
        return bool(published and published.verify)

    def on_or_after(self, day: date) -> date:
        """``day`` if the counter works then, otherwise the next working day."""
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise BadInput(
            f"no working day within ten years after {day.isoformat()}",
            code="calendar.no_working_day",
        )

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.on_or_after(day + timedelta(days=1))

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself is day 0)."""
        if count < 0:
            raise ValueError("count must not be negative")
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def days_off_between(self, first: date, last: date) -> list[tuple[date, str]]:
        """Days off (not plain weekends) from ``first`` to ``last`` inclusive, with names."""
        found = []
        day = first
        while day <= last:
            if self.kind(day) is DayKind.DAY_OFF:
                found.append((day, self.name(day)))
            day += timedelta(days=1)
        return found

    def make_up_days_between(self, first: date, last: date) -> list[tuple[date, str]]:
        """Weekend days worked from ``first`` to ``last`` inclusive, with names."""
        found = []
        day = first
        while day <= last:
            if self.kind(day) is DayKind.MAKE_UP_DAY:
                found.append((day, self.name(day)))
            day += timedelta(days=1)
        return found


def load_calendar(path: Path | None = None) -> WorkingCalendar:
    """The calendar: statutory holidays overlaid with the published days in ``path``."""
    return WorkingCalendar(load_published_days(path))
