"""Trend and seasonality: splitting a series into trend + seasonal pattern + what is left.

Uses STL (Seasonal-Trend decomposition using Loess, Cleveland et al. 1990) from statsmodels,
which copes with outliers better than classical decomposition. Strength of trend and of
seasonality follow Hyndman and Athanasopoulos, *Forecasting: Principles and Practice*
(3rd ed., section 4.2): 0 means none, 1 means the component explains nearly everything.

Example:
    >>> import pandas as pd, numpy as np
    >>> idx = pd.date_range("2021-01-01", periods=36, freq="MS")
    >>> s = pd.Series(100 + np.arange(36) + 10 * np.sin(np.arange(36) * 2 * np.pi / 12), index=idx)
    >>> d = decompose(s)
    >>> d.period, d.strength_of_seasonality > 0.9
    (12, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from course.analysis import periods, style
from course.analysis.display import Chart, HtmlResult
from course.analysis.errors import AnalysisError


@dataclass(frozen=True, eq=False)
class Decomposition(HtmlResult):
    """Trend and seasonality of a series"""

    period: int
    strength_of_trend: float
    strength_of_seasonality: float
    trend_change: float  # last trend value minus the first, as a share of the first
    peak: str
    trough: str
    table: pd.DataFrame  # observed, trend, seasonal, residual

    @property
    def summary(self) -> str:
        def word(s: float) -> str:
            return "strong" if s >= 0.6 else "moderate" if s >= 0.3 else "weak"
        direction = "rose" if self.trend_change > 0 else "fell"
        return (f"The trend {direction} by {abs(self.trend_change):.1%} over the series "
                f"({word(self.strength_of_trend)} trend, strength {self.strength_of_trend:.2f}); "
                f"seasonality is {word(self.strength_of_seasonality)} "
                f"(strength {self.strength_of_seasonality:.2f}), highest in {self.peak} and lowest in {self.trough}.")


def _season_name(index: pd.DatetimeIndex, seasonal: pd.Series, period: int, freq: str | None) -> tuple[str, str]:
    name = periods.period_name(freq)
    if name == "month":
        key, fmt = index.month, lambda k: pd.Timestamp(2000, k, 1).strftime("%B")
    elif name == "week":
        key, fmt = index.isocalendar().week.to_numpy(), lambda k: f"week {k} of the year"
    elif name == "day":
        key, fmt = index.day_of_week, lambda k: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][k]
    else:
        key, fmt = np.arange(len(index)) % period, lambda k: f"position {k + 1} of each cycle"
    means = seasonal.groupby(np.asarray(key)).mean()
    return fmt(means.idxmax()), fmt(means.idxmin())


def decompose(series: pd.Series, period: int | None = None, robust: bool = True) -> Decomposition:
    """STL decomposition of a dated series (e.g. monthly totals). ``period``: 12 for months, 52 for weeks."""
    if not isinstance(series, pd.Series) or not isinstance(series.index, pd.DatetimeIndex):
        raise AnalysisError("series must be a pandas Series with dates as its index (e.g. monthly totals)")
    freq = periods.infer_freq(series.index)
    period = period or periods.seasonal_period(freq)
    if not period:
        raise AnalysisError("could not tell the season length from the dates: pass period= (12 for months, 52 for weeks)")
    values = series.astype(float)
    if values.isna().any():
        raise AnalysisError("series has missing values: fill or drop them before decomposing")
    if len(values) < 2 * period:
        raise AnalysisError(f"series needs at least two full seasons ({2 * period} points) to find seasonality; it has {len(values)}")
    fit = STL(values.to_numpy(), period=period, robust=robust).fit()
    table = pd.DataFrame({"observed": values.to_numpy(), "trend": fit.trend, "seasonal": fit.seasonal,
                          "residual": fit.resid}, index=series.index)
    resid_var = np.var(fit.resid)
    s_trend = max(0.0, 1 - resid_var / np.var(fit.trend + fit.resid))
    s_season = max(0.0, 1 - resid_var / np.var(fit.seasonal + fit.resid))
    first = fit.trend[0] if fit.trend[0] != 0 else np.nan
    peak, trough = _season_name(series.index, table["seasonal"], period, freq)
    return Decomposition(
        period=period, strength_of_trend=float(s_trend), strength_of_seasonality=float(s_season),
        trend_change=float((fit.trend[-1] - fit.trend[0]) / abs(first)), peak=peak, trough=trough, table=table,
    )


def decomposition_chart(result: Decomposition, title: str = "Trend and seasonality") -> Chart:
    """Four labelled panels: observed, trend, seasonal pattern and residual."""
    fig, axes = style.new_figure(8, 7, nrows=4, sharex=True)
    names = [("observed", "Observed"), ("trend", "Trend"), ("seasonal", "Seasonal pattern"), ("residual", "Residual")]
    for i, (ax, (col, label)) in enumerate(zip(axes, names)):
        st = style.series_style(i)
        ax.plot(result.table.index, result.table[col], color=st["color"], linestyle=st["linestyle"], marker=st["marker"], markersize=2)
        ax.set_ylabel(label)
    axes[0].set_title(title)
    return Chart(fig, f"{title}: {result.summary}")
