"""Words for pandas period codes, so captions say "week" or "month", not "W-SUN"."""

from __future__ import annotations

import pandas as pd

_NAMES = {"D": "day", "B": "working day", "W": "week", "M": "month", "Q": "quarter", "Y": "year", "A": "year", "h": "hour", "H": "hour"}
_SEASON = {"day": 7, "working day": 5, "week": 52, "month": 12, "quarter": 4, "hour": 24}


def period_name(freq: str | None) -> str:
    if not freq:
        return "period"
    code = freq.lstrip("0123456789").split("-")[0]
    return _NAMES.get(code[:1] if code[:1] not in ("h", "H") else code[:1], "period")


def infer_freq(index: pd.Index) -> str | None:
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 3:
        return None
    return index.freqstr if index.freq is not None else pd.infer_freq(index)


def seasonal_period(freq: str | None) -> int | None:
    return _SEASON.get(period_name(freq))


def label(value: object, freq: str | None = None) -> str:
    """A date as a reader would say it: 'week of 14 Apr 2024', 'Mar 2024'."""
    if not isinstance(value, pd.Timestamp):
        return str(value)
    name = period_name(freq)
    if name == "month":
        return value.strftime("%b %Y")
    if name == "week":
        return "week of " + value.strftime("%d %b %Y").lstrip("0")
    if name == "quarter":
        return f"Q{value.quarter} {value.year}"
    return value.strftime("%d %b %Y").lstrip("0")
