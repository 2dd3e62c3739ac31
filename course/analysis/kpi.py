"""A key performance indicator over time against its target.

Example (share of passport applications done within 3 weeks, each week, against 98.5%):
    >>> from course.datasets import generate
    >>> apps = generate("passport_applications", rows=20_000, seed=1)
    >>> k = kpi_over_time(apps, "received_date", target=0.985, met_column="within_standard",
    ...                   measure="share within 3 weeks")
    >>> k.periods > 50
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from course.analysis import periods, style
from course.analysis.display import Chart, HtmlResult, number
from course.analysis.errors import AnalysisError


@dataclass(frozen=True, eq=False)
class KpiResult(HtmlResult):
    """A KPI over time against its target"""

    measure: str
    target: float
    higher_is_better: bool
    freq: str
    periods: int
    periods_missed: int
    overall: float
    worst_value: float
    worst_period: str
    table: pd.DataFrame  # value, cases, met (or total) and missed_target for each period
    as_share: bool = True

    def fmt(self, v: float) -> str:
        return f"{v:.1%}" if self.as_share else number(v)

    @property
    def summary(self) -> str:
        unit = periods.period_name(self.freq)
        side = "below" if self.higher_is_better else "above"
        if self.periods_missed == 0:
            return (f"{periods.period_adjective(self.freq).capitalize()} {self.measure} met the {self.fmt(self.target)} target in all "
                    f"{self.periods} {unit}s; {'lowest' if self.higher_is_better else 'highest'} "
                    f"{self.fmt(self.worst_value)} in the {self.worst_period}.")
        return (f"{periods.period_adjective(self.freq).capitalize()} {self.measure} was {side} the {self.fmt(self.target)} target in "
                f"{self.periods_missed} of {self.periods} {unit}s, "
                f"{'lowest' if self.higher_is_better else 'highest'} {self.fmt(self.worst_value)} "
                f"in the {self.worst_period}.")


def kpi_over_time(
    frame: pd.DataFrame,
    date_column: str,
    target: float,
    met_column: str | None = None,
    value_column: str | None = None,
    agg: Literal["sum", "mean", "median", "count"] = "mean",
    freq: str = "W",
    higher_is_better: bool = True,
    measure: str | None = None,
) -> KpiResult:
    """Group rows by ``freq`` (``"W"`` weeks, ``"MS"`` months) on ``date_column`` and compare with ``target``.

    Either ``met_column`` (true/false: the KPI is the share true) or ``value_column`` with
    ``agg`` (the KPI is, say, the mean of processing days). Periods with no rows are left out.
    """
    if (met_column is None) == (value_column is None):
        raise AnalysisError("give exactly one of met_column (a true/false column) or value_column")
    column = met_column or value_column
    for col in (date_column, column):
        if col not in frame.columns:
            raise AnalysisError(f"column {col!r} is not in the data; the columns are {', '.join(map(str, frame.columns))}")
    dates = frame[date_column]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        raise AnalysisError(f"column {date_column!r} must hold dates (it holds {dates.dtype})")
    if met_column and not pd.api.types.is_bool_dtype(frame[met_column]):
        raise AnalysisError(f"column {met_column!r} must be true/false to count a share (it holds {frame[met_column].dtype})")
    if met_column and not 0 <= target <= 1:
        raise AnalysisError(f"target is a share between 0 and 1 for a true/false KPI, e.g. 0.985 (got {target!r})")
    grouped = frame.groupby(pd.Grouper(key=date_column, freq=freq))[column]
    if met_column:
        table = grouped.agg(["size", "sum"]).rename(columns={"size": "cases", "sum": "met"})
        table = table[table["cases"] > 0]
        table["value"] = table["met"] / table["cases"]
    else:
        table = grouped.agg(["size", agg]).rename(columns={"size": "cases", agg: "value"})
        table = table[table["cases"] > 0]
    if table.empty:
        raise AnalysisError("there are no dated rows to measure")
    if periods.period_name(freq) == "week":  # pandas labels weeks by their last day; people say "week of <Monday>"
        table.index = table.index.to_period(freq).start_time
    value = table["value"].to_numpy(dtype=float)
    missed = value < target if higher_is_better else value > target
    table["missed_target"] = missed
    worst = int(np.nanargmin(value) if higher_is_better else np.nanargmax(value))
    if met_column:
        overall = float(table["met"].sum() / table["cases"].sum())
    else:
        overall = float(getattr(frame[column], agg)()) if agg != "count" else float(len(frame))
    return KpiResult(
        measure=measure or column.replace("_", " "), target=float(target),
        higher_is_better=higher_is_better, freq=freq, periods=len(table),
        periods_missed=int(missed.sum()), overall=overall, worst_value=float(value[worst]),
        worst_period=periods.label(table.index[worst], freq), table=table,
        as_share=met_column is not None,
    )


def kpi_chart(result: KpiResult, title: str | None = None) -> Chart:
    """The KPI as a line with markers, the target as a dashed line, misses as labelled crosses."""
    fig, (ax,) = style.new_figure()
    t = result.table
    ax.plot(t.index, t["value"], color=style.MAIN, marker="o", markersize=3, linestyle="-", label=result.measure)
    ax.axhline(result.target, color=style.TARGET, linestyle="--", label=f"Target {result.fmt(result.target)}")
    miss = t[t["missed_target"]]
    if len(miss):
        ax.plot(miss.index, miss["value"], linestyle="none", marker="X", markersize=8, color=style.ALERT,
                label="Missed target")
    worst = t["value"].idxmin() if result.higher_is_better else t["value"].idxmax()
    ax.annotate(f"{'Lowest' if result.higher_is_better else 'Highest'} {result.fmt(result.worst_value)}",
                (worst, result.worst_value), textcoords="offset points", xytext=(6, -12), fontsize=8)
    if result.as_share:
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}" if abs(v * 100 - round(v * 100)) < 1e-9 else f"{v:.1%}")
    ax.set_ylabel(result.measure)
    ax.set_title(title or f"{result.measure.capitalize()} by {periods.period_name(result.freq)}")
    ax.legend(loc="best", fontsize=8)
    return Chart(fig, result.summary)
