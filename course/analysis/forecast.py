"""Forecasting with Holt-Winters exponential smoothing and prediction intervals.

Uses statsmodels' state-space ETS model (additive errors, additive damped trend, additive
seasonality: the Holt-Winters method), which gives proper prediction intervals. With fewer
than two full seasons of history it drops the seasonal part and says so in ``method``.

Example:
    >>> import numpy as np, pandas as pd
    >>> idx = pd.date_range("2021-01-01", periods=48, freq="MS")
    >>> s = pd.Series(500 + 5 * np.arange(48) + 40 * np.sin(np.arange(48) * 2 * np.pi / 12), index=idx)
    >>> f = forecast(s, horizon=12)
    >>> len(f.table), f.level
    (12, 0.95)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from course.analysis import periods, style
from course.analysis.display import Chart, HtmlResult
from course.analysis.errors import AnalysisError


@dataclass(frozen=True, eq=False)
class Forecast(HtmlResult):
    """Forecast with prediction intervals"""

    method: str
    horizon: int
    level: float
    freq: str
    history: pd.Series
    table: pd.DataFrame  # forecast, lower, upper for each future period

    @property
    def summary(self) -> str:
        t = self.table
        unit = periods.period_name(self.freq)
        return (f"Forecast for the next {self.horizon} {unit}s ({self.method}): central values "
                f"{t['forecast'].min():,.0f} to {t['forecast'].max():,.0f} a {unit}; by "
                f"{periods.label(t.index[-1], self.freq)} the {self.level:.0%} prediction interval is "
                f"{t['lower'].iloc[-1]:,.0f} to {t['upper'].iloc[-1]:,.0f}.")


def forecast(series: pd.Series, horizon: int = 12, seasonal_periods: int | None = None,
             level: float = 0.95, damped_trend: bool = True) -> Forecast:
    """Fit Holt-Winters (ETS A,Ad,A) to a dated series and forecast ``horizon`` periods ahead."""
    if not isinstance(series, pd.Series) or not isinstance(series.index, pd.DatetimeIndex):
        raise AnalysisError("series must be a pandas Series with dates as its index (e.g. monthly totals)")
    if not isinstance(horizon, int) or horizon < 1:
        raise AnalysisError(f"horizon must be a whole number of periods, 1 or more (got {horizon!r})")
    if not 0 < level < 1:
        raise AnalysisError(f"level must be between 0 and 1, e.g. 0.95 for a 95% interval (got {level!r})")
    freq = periods.infer_freq(series.index)
    if freq is None:
        raise AnalysisError("the dates must be evenly spaced (every week or every month) to forecast")
    y = series.astype(float).asfreq(freq)
    if y.isna().any():
        raise AnalysisError("series has missing values or gaps in its dates: fill or drop them first")
    if len(y) < 8:
        raise AnalysisError(f"series is too short to forecast: it has {len(y)} points, at least 8 are needed")
    m = seasonal_periods or periods.seasonal_period(freq)
    seasonal = "add" if m and len(y) >= 2 * m + 2 else None
    model = ETSModel(y, error="add", trend="add", damped_trend=damped_trend,
                     seasonal=seasonal, seasonal_periods=m if seasonal else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter would alarm learners; the fit is still usable
        fit = model.fit(disp=False)
        pred = fit.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(alpha=1 - level)
    table = pd.DataFrame({"forecast": pred["mean"], "lower": pred["pi_lower"], "upper": pred["pi_upper"]})
    trend = "damped trend" if damped_trend else "trend"
    method = (f"Holt-Winters, additive {trend} and seasonality ({m} {periods.period_name(freq)}s)"
              if seasonal else f"Holt's method, additive {trend}, no seasonality (under two full seasons of history)")
    return Forecast(method=method, horizon=horizon, level=level, freq=freq, history=y, table=table)


def forecast_chart(result: Forecast, title: str = "Forecast", ylabel: str = "") -> Chart:
    """History as a solid line, forecast dashed, the prediction interval shaded and outlined."""
    fig, (ax,) = style.new_figure()
    ax.plot(result.history.index, result.history, color=style.MAIN, marker="o", markersize=3, linestyle="-", label="Actual")
    t = result.table
    ax.plot(t.index, t["forecast"], color=style.ALERT, marker="s", markersize=3, linestyle="--", label="Forecast")
    ax.fill_between(t.index, t["lower"], t["upper"], color=style.ALERT, alpha=0.15,
                    label=f"{result.level:.0%} prediction interval")
    ax.plot(t.index, t["lower"], color=style.ALERT, linestyle=":", linewidth=1)
    ax.plot(t.index, t["upper"], color=style.ALERT, linestyle=":", linewidth=1)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best", fontsize=8)
    return Chart(fig, f"{title}: {result.summary}")
