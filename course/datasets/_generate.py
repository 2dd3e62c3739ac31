"""Shared pieces for the dataset generators: the random source, sizes and dates.

Everything is vectorised numpy so a million rows take a second or two, and everything flows
from one ``numpy.random.Generator`` seeded by the caller, so the same seed gives the same data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course.datasets.errors import DataFileError

DEFAULT_ROWS = 100_000
MAX_ROWS = 2_000_000
DEFAULT_SEED = 2024


def check_rows(rows: int) -> int:
    if isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or not 1 <= rows <= MAX_ROWS:
        raise DataFileError(f"rows must be a whole number from 1 to {MAX_ROWS:,} (got {rows!r})")
    return int(rows)


def rng(seed: int | None) -> np.random.Generator:
    return np.random.default_rng(DEFAULT_SEED if seed is None else seed)


def categorical(r: np.random.Generator, labels: list[str], weights: list[float], size: int) -> pd.Categorical:
    """Labels drawn with the given weights, as a pandas Categorical (compact and fast)."""
    p = np.asarray(weights, dtype=float)
    codes = r.choice(len(labels), size=size, p=p / p.sum())
    return pd.Categorical.from_codes(codes, categories=labels)


def day_weights(days: pd.DatetimeIndex, by_month: list[float], by_weekday: list[float],
                growth_per_year: float = 0.0) -> np.ndarray:
    """Relative volume of each day: month-of-year × day-of-week × a gentle trend."""
    w = np.asarray(by_month)[days.month - 1] * np.asarray(by_weekday)[days.day_of_week]
    years = (days - days[0]).days.to_numpy() / 365.25
    return w * (1 + growth_per_year) ** years


def draw_days(r: np.random.Generator, days: pd.DatetimeIndex, weights: np.ndarray, size: int) -> np.ndarray:
    """Indices into ``days``, sorted, so rows come out in date order like a real extract."""
    p = weights / weights.sum()
    return np.sort(r.choice(len(days), size=size, p=p))
