"""KPIs over time, decomposition and forecasting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course.analysis import (AnalysisError, decompose, decomposition_chart, forecast, forecast_chart, kpi_chart,
                             kpi_over_time, totals_by_period)


@pytest.fixture
def cases() -> pd.DataFrame:
    # Two weeks (Mon 1 Jan 2024 and Mon 8 Jan 2024): 4 of 4 met, then 1 of 4 met.
    dates = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-07",
                            "2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11"])
    return pd.DataFrame({"received": dates, "on_time": [True] * 4 + [True, False, False, False],
                         "days": [5, 6, 7, 8, 20, 30, 25, 22]})


def test_weekly_share_against_target(cases):
    k = kpi_over_time(cases, "received", target=0.9, met_column="on_time", measure="share on time")
    assert k.table["value"].tolist() == [1.0, 0.25]
    assert k.table.index[0] == pd.Timestamp("2024-01-01")  # weeks are named by their Monday
    assert (k.periods, k.periods_missed, k.worst_value) == (2, 1, 0.25)
    assert k.overall == pytest.approx(5 / 8)
    assert k.summary == ("Weekly share on time was below the 90.0% target in 1 of 2 weeks, "
                         "lowest 25.0% in the week of 8 Jan 2024.")
    assert kpi_chart(k).caption == k.summary


def test_mean_value_kpi_where_lower_is_better(cases):
    k = kpi_over_time(cases, "received", target=21, value_column="days", agg="mean", higher_is_better=False,
                      measure="average days")
    assert k.table["value"].tolist() == [6.5, 24.25]
    assert "above the 21 target in 1 of 2 weeks, highest 24.25" in k.summary


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(target=0.9), "give exactly one of met_column"),
        (dict(target=0.9, met_column="on_time", value_column="days"), "give exactly one of met_column"),
        (dict(target=0.9, met_column="late"), "column 'late' is not in the data"),
        (dict(target=0.9, met_column="days"), "must be true/false"),
        (dict(target=98.5, met_column="on_time"), "target is a share between 0 and 1"),
    ],
)
def test_kpi_bad_inputs(cases, kwargs, message):
    with pytest.raises(AnalysisError, match=message):
        kpi_over_time(cases, "received", **kwargs)


def test_kpi_needs_dates(cases):
    with pytest.raises(AnalysisError, match="must hold dates"):
        kpi_over_time(cases.assign(received="x"), "received", target=0.9, met_column="on_time")


def monthly(n: int = 48) -> pd.Series:
    i = np.arange(n)
    return pd.Series(500 + 5 * i + 60 * np.cos((i - 2) * 2 * np.pi / 12),
                     index=pd.date_range("2020-01-01", periods=n, freq="MS"))


def test_decomposition_finds_trend_and_season():
    d = decompose(monthly())
    assert d.period == 12
    assert d.strength_of_seasonality > 0.9 and d.strength_of_trend > 0.9
    assert d.peak == "March" and d.trough == "September"
    assert d.trend_change > 0
    chart = decomposition_chart(d, title="Cases")
    assert "highest in March" in chart.caption and "rose" in chart.caption


@pytest.mark.parametrize(
    "series,message",
    [
        (pd.Series([1.0, 2, 3]), "must be a pandas Series with dates"),
        (monthly(20), "at least two full seasons \\(24 points\\)"),
        (monthly().where(lambda s: s.index != "2021-01-01"), "missing values"),
    ],
)
def test_decomposition_bad_inputs(series, message):
    with pytest.raises(AnalysisError, match=message):
        decompose(series)


def test_forecast_with_prediction_intervals():
    f = forecast(monthly(), horizon=12)
    assert len(f.table) == 12 and f.table.index[0] == pd.Timestamp("2024-01-01")
    assert (f.table["lower"] < f.table["forecast"]).all() and (f.table["forecast"] < f.table["upper"]).all()
    assert "Holt-Winters" in f.method
    # The seasonal peak carries forward: the March forecast beats September's.
    assert f.table.loc["2024-03-01", "forecast"] > f.table.loc["2024-09-01", "forecast"]
    assert "95% prediction interval" in forecast_chart(f).caption


def test_forecast_without_two_seasons_drops_seasonality():
    f = forecast(monthly(15), horizon=3)
    assert "no seasonality" in f.method


@pytest.mark.parametrize(
    "series,kwargs,message",
    [
        (monthly(), dict(horizon=0), "horizon must be a whole number"),
        (monthly(), dict(level=95), "level must be between 0 and 1"),
        (monthly(6), {}, "too short to forecast"),
        (monthly().drop(monthly().index[[5, 9]]), {}, "evenly spaced"),
        ([1, 2, 3], {}, "must be a pandas Series with dates"),
    ],
)
def test_forecast_bad_inputs(series, kwargs, message):
    with pytest.raises(AnalysisError, match=message):
        forecast(series, **kwargs)


def test_totals_by_period_fills_gaps():
    df = pd.DataFrame({"d": pd.to_datetime(["2024-01-05", "2024-03-02", "2024-03-09"]), "gbp": [10.0, 5, 5]})
    assert totals_by_period(df, "d").tolist() == [1, 0, 2]
    assert totals_by_period(df, "d", value_column="gbp").tolist() == [10, 0, 10]
    with pytest.raises(AnalysisError, match="column 'x' is not in the data"):
        totals_by_period(df, "x")
