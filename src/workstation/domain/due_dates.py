"""Due dates (ngày hẹn trả kết quả): when a dossier's result is due, and why.

:func:`compute_due` turns the moment a dossier was received and the
procedure's time limit into the appointment the receipt prints, with the
rules that applied, so an officer can also answer a citizen's "when?".

The counting rules are data (``resources/calendar/rules.json``), one version
per effective date, and :class:`CountingRules` holds the one in force:

- **cut-off** (15:00): a dossier received after it, or on a day the counter
  does not work, counts as received on the next working day ("day 0"); a
  dossier submitted online has its own cut-off, the close of office hours
  (``online_cutoff``; DOMAIN.md: "outside office hours", to verify);
- **working days**: day 1 is the first working day after day 0; the live
  receipt "09:32 Fri 27/10/2023, 5 working days → Fri 03/11/2023" follows;
- **calendar days**: day 0 plus N days; a result due on a day off moves to the
  next working day;
- **same day** (trong ngày): day 0, by the end of office hours;
- **working hours**: counted inside office hours (07:00–11:30, 13:30–17:00)
  on working days only; every ``hours_per_day`` hours is one working day;
- **time of day** of the appointment (``appointment_time``): ``same_time``
  (default: the time the dossier was received, kept inside office hours; for
  a working-day limit this equals counting N × 8 office hours from receipt,
  which is how the live example reads), ``end_of_day`` (close of office
  hours), or a fixed ``HH:MM``;
- **pauses**: a request to supplement stops the clock until the supplement
  arrives; each pause moves the appointment on by the office time it covered
  (by the calendar days it covered for a calendar-day limit).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from workstation import i18n
from workstation.domain.calendar import WorkingCalendar
from workstation.domain.catalogue import TimeLimit, TimeUnit
from workstation.domain.clock import VIETNAM
from workstation.errors import BadInput
from workstation.paths import resources_dir

DAY_FORMAT = "%d/%m/%Y"


@dataclass(frozen=True)
class CountingRules:
    """One version of the rules for counting a time limit."""

    effective_from: date
    counter_cutoff: time
    office_hours: tuple[tuple[time, time], ...]
    hours_per_day: int
    appointment_time: str = "same_time"
    same_day_appointment_time: str = "end_of_day"
    source: str = ""
    online_cutoff: time | None = None

    @property
    def opening(self) -> time:
        return self.office_hours[0][0]

    @property
    def closing(self) -> time:
        return self.office_hours[-1][1]


def default_rules_path() -> Path:
    return resources_dir() / "calendar" / "rules.json"


def _clock_time(text: str) -> time:
    return time.fromisoformat(text)


def _check_appointment(value: str) -> str:
    if value not in ("same_time", "end_of_day"):
        _clock_time(value)
    return value


def load_rules(path: Path | None = None) -> list[CountingRules]:
    """Every version of the counting rules in ``path``, oldest first."""
    path = path or default_rules_path()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        versions = []
        for entry in document["versions"]:
            hours = tuple(
                (_clock_time(start), _clock_time(end)) for start, end in entry["office_hours"]
            )
            if (
                not hours
                or any(s >= e for s, e in hours)
                or any(a[1] > b[0] for a, b in itertools.pairwise(hours))
            ):
                raise ValueError("office_hours must be ordered, non-overlapping intervals")
            versions.append(
                CountingRules(
                    effective_from=date.fromisoformat(entry["effective_from"]),
                    counter_cutoff=_clock_time(entry["counter_cutoff"]),
                    office_hours=hours,
                    hours_per_day=int(entry["hours_per_day"]),
                    appointment_time=_check_appointment(entry.get("appointment_time", "same_time")),
                    same_day_appointment_time=_check_appointment(
                        entry.get("same_day_appointment_time", "end_of_day")
                    ),
                    source=str(entry.get("source", "")),
                    online_cutoff=_clock_time(entry["online_cutoff"])
                    if entry.get("online_cutoff")
                    else None,
                )
            )
        if not versions:
            raise ValueError("no versions")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            f"counting rules {path} cannot be read: {exc!r}",
            code="calendar.rules_unreadable",
            path=str(path),
        ) from exc
    return sorted(versions, key=lambda r: r.effective_from)


def rules_in_force(versions: list[CountingRules], day: date) -> CountingRules:
    """The version of the rules that applies to a dossier received on ``day``."""
    for rules in reversed(versions):
        if rules.effective_from <= day:
            return rules
    raise BadInput(
        f"no counting rules in force on {day.isoformat()}",
        code="calendar.no_rules",
        day=day.strftime(DAY_FORMAT),
    )


@dataclass(frozen=True)
class Pause:
    """The clock stopped: a supplement was requested at ``start`` and arrived at ``end``."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class AppliedRule:
    """A rule that shaped the due date, with what it needs to be explained."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str | None = None) -> str:
        return i18n.translate(f"due_rule.{self.code}", language, **self.params)


@dataclass(frozen=True)
class DueDate:
    """The appointment and how it was reached."""

    due: datetime
    received: datetime
    day_zero: date
    limit: TimeLimit
    rules: tuple[AppliedRule, ...]
    days_off: tuple[tuple[date, str], ...]
    make_up_days: tuple[tuple[date, str], ...]
    unverified_days: tuple[date, ...]


def _local(moment: datetime) -> datetime:
    """``moment`` as naive Vietnam time (a naive input is taken as Vietnam time already)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(VIETNAM).replace(tzinfo=None)


def _day_text(day: date) -> str:
    return day.strftime(DAY_FORMAT)


class _OfficeClock:
    """Office time on working days: moving through it and measuring it."""

    def __init__(self, calendar: WorkingCalendar, rules: CountingRules) -> None:
        self.calendar = calendar
        self.rules = rules

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.calendar.is_working_day(day):
            return []
        return [
            (datetime.combine(day, s), datetime.combine(day, e)) for s, e in self.rules.office_hours
        ]

    def clamp_time(self, day: date, moment: time) -> datetime:
        """``moment`` on ``day`` kept inside office hours (a break moves to its end)."""
        for start, end in self.rules.office_hours:
            if moment < start:
                return datetime.combine(day, start)
            if moment <= end:
                return datetime.combine(day, moment)
        return datetime.combine(day, self.rules.closing)

    def start_of_clock(self, moment: datetime) -> datetime:
        """The first office moment at or after ``moment``."""
        day = moment.date()
        if self.calendar.is_working_day(day):
            for start, end in self.intervals(day):
                if moment < end:
                    return max(moment, start)
        day = self.calendar.next_working_day(day)
        return datetime.combine(day, self.rules.opening)

    def add(self, moment: datetime, minutes: float) -> datetime:
        """``moment`` moved on by ``minutes`` of office time."""
        remaining = timedelta(minutes=minutes)
        if remaining <= timedelta(0):
            return moment
        day = moment.date()
        while True:
            for start, end in self.intervals(day):
                if moment >= end:
                    continue
                current = max(moment, start)
                if current + remaining <= end:
                    return current + remaining
                remaining -= end - current
            day = self.calendar.next_working_day(day)
            moment = datetime.combine(day, time(0))

    def between(self, first: datetime, last: datetime) -> float:
        """Minutes of office time from ``first`` to ``last``."""
        total = timedelta(0)
        day = first.date()
        while day <= last.date():
            for start, end in self.intervals(day):
                overlap = min(end, last) - max(start, first)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total.total_seconds() / 60


def _appointment(clock: _OfficeClock, day: date, received: time, setting: str) -> datetime:
    if setting == "same_time":
        return clock.clamp_time(day, received)
    if setting == "end_of_day":
        return datetime.combine(day, clock.rules.closing)
    return clock.clamp_time(day, _clock_time(setting))


def compute_due(
    received: datetime,
    limit: TimeLimit,
    calendar: WorkingCalendar,
    rules: CountingRules,
    pauses: Sequence[Pause] = (),
    *,
    online: bool = False,
) -> DueDate:
    """The appointment for a dossier received at ``received`` with time limit ``limit``.

    ``online``: submitted online rather than at the counter, so the online
    cut-off applies (the close of office hours unless the rules say otherwise).
    """
    if limit.amount < 0:
        raise BadInput(
            f"a time limit cannot be negative ({limit.amount})",
            code="due.negative_limit",
            amount=limit.amount,
        )
    at = _local(received)
    clock = _OfficeClock(calendar, rules)
    applied: list[AppliedRule] = []

    # Day 0: the day the dossier counts as received.
    cutoff_time = (rules.online_cutoff or rules.closing) if online else rules.counter_cutoff
    cutoff = cutoff_time.strftime("%H:%M")
    if not calendar.is_working_day(at.date()):
        day_zero = calendar.next_working_day(at.date())
        applied.append(
            AppliedRule(
                "received_on_day_off", {"day": _day_text(at.date()), "next": _day_text(day_zero)}
            )
        )
    elif at.time() > cutoff_time:
        day_zero = calendar.next_working_day(at.date())
        applied.append(
            AppliedRule(
                "after_cutoff",
                {"time": at.strftime("%H:%M"), "cutoff": cutoff, "next": _day_text(day_zero)},
            )
        )
    else:
        day_zero = at.date()
        applied.append(
            AppliedRule("before_cutoff", {"time": at.strftime("%H:%M"), "cutoff": cutoff})
        )
    clock_start = (
        clock.start_of_clock(at)
        if day_zero == at.date()
        else datetime.combine(day_zero, rules.opening)
    )

    unit = limit.unit
    if unit is TimeUnit.WORKING_DAYS:
        due_day = calendar.add_working_days(day_zero, limit.amount)
        due = _appointment(clock, due_day, at.time(), rules.appointment_time)
        applied.append(
            AppliedRule("working_days", {"days": limit.amount, "day": _day_text(due_day)})
        )
        applied.append(_time_rule(rules.appointment_time))
    elif unit is TimeUnit.CALENDAR_DAYS:
        paused_days = sum((_local(p.end).date() - _local(p.start).date()).days for p in pauses)
        raw = day_zero + timedelta(days=limit.amount + paused_days)
        due_day = calendar.on_or_after(raw)
        applied.append(AppliedRule("calendar_days", {"days": limit.amount, "day": _day_text(raw)}))
        if due_day != raw:
            applied.append(
                AppliedRule(
                    "moved_to_working_day", {"day": _day_text(raw), "next": _day_text(due_day)}
                )
            )
        due = _appointment(clock, due_day, at.time(), rules.appointment_time)
        applied.append(_time_rule(rules.appointment_time))
    elif unit is TimeUnit.SAME_DAY:
        due = _appointment(clock, day_zero, at.time(), rules.same_day_appointment_time)
        applied.append(AppliedRule("same_day", {"day": _day_text(day_zero)}))
        applied.append(_time_rule(rules.same_day_appointment_time))
    elif unit is TimeUnit.WORKING_HOURS:
        whole_days, hours = divmod(limit.amount, rules.hours_per_day)
        due = clock_start
        if whole_days:
            due_day = calendar.add_working_days(clock_start.date(), whole_days)
            due = datetime.combine(due_day, clock_start.time())
        due = clock.add(due, hours * 60)
        applied.append(
            AppliedRule(
                "working_hours",
                {
                    "hours": limit.amount,
                    "hours_per_day": rules.hours_per_day,
                    "start": clock_start.strftime("%H:%M ") + _day_text(clock_start.date()),
                },
            )
        )
    else:  # pragma: no cover - TimeUnit is closed
        raise AssertionError(unit)

    due = _apply_pauses(clock, at, clock_start, due, limit, pauses, applied)
    days_off = calendar.days_off_between(at.date(), due.date())
    make_up = calendar.make_up_days_between(at.date(), due.date())
    for day, name in days_off:
        applied.append(AppliedRule("day_off_skipped", {"day": _day_text(day), "name": name}))
    for day, name in make_up:
        applied.append(AppliedRule("make_up_day_counted", {"day": _day_text(day), "name": name}))
    unverified = tuple(d for d, _ in (*days_off, *make_up) if calendar.needs_verifying(d))
    return DueDate(
        due=due.replace(tzinfo=VIETNAM),
        received=at.replace(tzinfo=VIETNAM),
        day_zero=day_zero,
        limit=limit,
        rules=tuple(applied),
        days_off=tuple(days_off),
        make_up_days=tuple(make_up),
        unverified_days=unverified,
    )


def _time_rule(setting: str) -> AppliedRule:
    if setting in ("same_time", "end_of_day"):
        return AppliedRule(f"appointment_{setting}")
    return AppliedRule("appointment_fixed", {"time": setting})


def _apply_pauses(
    clock: _OfficeClock,
    received: datetime,
    clock_start: datetime,
    due: datetime,
    limit: TimeLimit,
    pauses: Sequence[Pause],
    applied: list[AppliedRule],
) -> datetime:
    """Move ``due`` on by the time each request to supplement stopped the clock."""
    for pause in sorted(pauses, key=lambda p: _local(p.start)):
        start, end = _local(pause.start), _local(pause.end)
        if end <= start or start < received:
            raise BadInput(
                "a pause must end after it starts and start after the dossier was received",
                code="due.bad_pause",
                start=start.strftime("%H:%M ") + _day_text(start.date()),
                end=end.strftime("%H:%M ") + _day_text(end.date()),
            )
        if start >= due:
            raise BadInput(
                "a pause starts after the result was already due",
                code="due.pause_after_due",
                start=start.strftime("%H:%M ") + _day_text(start.date()),
            )
        params = {
            "start": start.strftime("%H:%M ") + _day_text(start.date()),
            "end": end.strftime("%H:%M ") + _day_text(end.date()),
        }
        if limit.unit is TimeUnit.CALENDAR_DAYS:
            applied.append(
                AppliedRule("paused_days", params | {"days": (end.date() - start.date()).days})
            )
            continue
        minutes = clock.between(max(start, clock_start), end)
        due = clock.add(due, minutes)
        hours, rest = divmod(round(minutes), 60)
        applied.append(AppliedRule("paused_hours", params | {"duration": f"{hours}:{rest:02d}"}))
    return due
