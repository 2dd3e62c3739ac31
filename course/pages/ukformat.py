"""Dates, times and durations as people in the UK write them, in UK time (Europe/London).

The store keeps naive UTC; every time shown goes through :func:`uk_datetime`, so a learner
who worked at 9am in British Summer Time reads "9:00am", not "08:00 UTC".
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAYS_PER_MONTH = 30.44


def uk_date(day: date | datetime | None, *, empty: str = "–") -> str:
    """1 December 2026."""
    if day is None:
        return empty
    if isinstance(day, datetime):
        day = to_london(day).date()
    return f"{day.day} {day:%B %Y}"


def uk_short_date(day: date | None, *, empty: str = "–") -> str:
    """1 Dec 2026: for tables."""
    return empty if day is None else f"{day.day} {day:%b %Y}"


def uk_month(day: date) -> str:
    """December 2026."""
    return f"{day:%B %Y}"


def uk_short_month(day: date) -> str:
    """Dec 2026."""
    return f"{day:%b %Y}"


def to_london(at: datetime) -> datetime:
    aware = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    return aware.astimezone(LONDON)


def uk_time(at: datetime) -> str:
    """2:05pm."""
    local = to_london(at)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def uk_datetime(at: datetime | None, *, empty: str = "–") -> str:
    """1 December 2026 at 2:05pm (UK time)."""
    if at is None:
        return empty
    return f"{uk_date(at)} at {uk_time(at)}"


def duration(days: float | None, *, empty: str = "–") -> str:
    """Days in words: "13 months", "3 weeks", "5 days"."""
    if days is None:
        return empty
    if days >= 61:
        months = round(days / DAYS_PER_MONTH)
        return f"{months} months"
    if days >= 14:
        weeks = round(days / 7)
        return f"{weeks} weeks"
    n = round(days)
    return f"{n} day" if n == 1 else f"{n} days"
