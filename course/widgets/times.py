"""Dates and times as a UK learner reads them: UK time (GMT or BST, Europe/London) and the
GOV.UK style, "1 December 2026" and "14:03"."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk(moment: datetime | str | None = None) -> datetime:
    """``moment`` (an aware datetime, or the record's ISO text; now if None) in UK time."""
    if moment is None:
        return datetime.now(UK)
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # the record's times are UTC
    return moment.astimezone(UK)


def uk_date(value: date | datetime | str) -> str:
    """'1 December 2026'. A date-only ISO text ('2026-12-01') is a calendar date: no time zone."""
    if isinstance(value, str) and len(value) == 10:
        value = date.fromisoformat(value)
    elif not isinstance(value, date) or isinstance(value, datetime):
        value = uk(value)
    return f"{value.day} {value:%B %Y}"


def uk_time(moment: datetime | str | None = None) -> str:
    """'14:03' in UK time."""
    return f"{uk(moment):%H:%M}"


def uk_datetime(moment: datetime | str | None = None) -> str:
    """'1 December 2026 at 14:03' in UK time."""
    local = uk(moment)
    return f"{uk_date(local.date())} at {local:%H:%M}"


def saved_status(moment: datetime | str | None = None) -> str:
    return f"Saved at {uk_time(moment)}"
