"""Time at the counter: Vietnam's time zone (UTC+07:00, no daylight saving)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> datetime:
    """The current time in Vietnam, time-zone aware."""
    return datetime.now(VIETNAM)


def local(moment: datetime) -> datetime:
    """``moment`` expressed in Vietnam's time zone."""
    return moment.astimezone(VIETNAM)
