"""Words for pandas period codes, so captions say "week" or "month", not "W-SUN"."""

from __future__ import annotations

import pandas as pd

_NAMES = {"D": "day", "B": "working day", "W": "week", "M": "month", "Q": "quarter", "Y": "year", "A": "year", "h": "hour", "H": "hour"}
_ADJECTIVES = {"day": "daily", "working day": "working-daily", "week": "weekly", "month": "monthly",
               "quarter": "quarterly", "year": "yearly", "hour": "hourly", "period": "per-period"}
_SEASON = {"day": 7, "working day": 5, "week": 52, "month": 12, "quarter": 4, "hour": 24}


def period_name(freq: str | None) -> str:
    """'week' for "W" or "W-SUN", 'month' for "MS" or "ME", and so on."""
    if not freq:
        return "period"
    code = freq.lstrip("0123456789").split("-")[0]
    return _NAMES.get(code[:1], "period")


def period_adjective(freq: str | None) -> str:
    """'weekly', 'monthly', ... for captions."""
    return _ADJECTIVES[period_name(freq)]


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


def totals_by_period(frame: pd.DataFrame, date_column: str, freq: str = "MS",
                     value_column: str | None = None, agg: str = "sum") -> pd.Series:
    """Rows per period (or ``agg`` of ``value_column``), as an evenly spaced dated series.

    ``freq``: ``"MS"`` months, ``"W-MON"`` weeks starting Monday, ``"D"`` days. Periods with
    no rows count as 0, so the series has no gaps (forecasting needs that).

    Example:
        >>> df = pd.DataFrame({"d": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-03-02"])})
        >>> totals_by_period(df, "d").tolist()
        [2, 0, 1]
    """
    from course.analysis.errors import AnalysisError

    for col in (date_column, value_column):
        if col is not None and col not in frame.columns:
            raise AnalysisError(f"column {col!r} is not in the data; the columns are {', '.join(map(str, frame.columns))}")
    grouped = frame.groupby(pd.Grouper(key=date_column, freq=freq))
    out = grouped.size() if value_column is None else grouped[value_column].agg(agg)
    out = out.asfreq(freq, fill_value=0)
    out.name = value_column or "count"
    return out
