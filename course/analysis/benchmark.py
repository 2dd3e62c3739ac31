"""Benchmarking the same measure across teams, sites or offices.

Example:
    >>> b = benchmark({"North": 0.97, "South": 0.91, "East": 0.95}, measure="share on time")
    >>> b.best, b.worst
    ('North', 'South')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping

import numpy as np
import pandas as pd

from course.analysis import style
from course.analysis.display import Chart, HtmlResult, number
from course.analysis.errors import AnalysisError


@dataclass(frozen=True, eq=False)
class Benchmark(HtmlResult):
    """Benchmark across groups"""

    measure: str
    higher_is_better: bool
    best: str
    worst: str
    median: float
    upper_quartile_value: float  # the "good practice" level: 75th percentile in the good direction
    as_share: bool
    table: pd.DataFrame  # value, cases, rank, gap_to_median, gap_to_best for each group

    def fmt(self, v: float) -> str:
        return f"{v:.1%}" if self.as_share else number(v)

    @property
    def summary(self) -> str:
        t = self.table
        gap = abs(t.loc[self.best, "value"] - t.loc[self.worst, "value"])
        behind = int((t["gap_to_median"] < 0).sum())
        return (f"{self.best} is best on {self.measure} ({self.fmt(t.loc[self.best, 'value'])}) and "
                f"{self.worst} is weakest ({self.fmt(t.loc[self.worst, 'value'])}), a gap of "
                f"{self.fmt(gap) if not self.as_share else f'{gap * 100:.1f} percentage points'}; "
                f"{behind} of {len(t)} are worse than the median ({self.fmt(self.median)}).")


def benchmark(
    data: Mapping[str, float] | pd.Series | pd.DataFrame,
    group_column: str | None = None,
    value_column: str | None = None,
    agg: Literal["mean", "sum", "median"] = "mean",
    higher_is_better: bool = True,
    measure: str | None = None,
) -> Benchmark:
    """Rank groups on one measure and show each one's gap to the median and to the best.

    Pass a mapping/Series of group → value, or a DataFrame with ``group_column`` and
    ``value_column`` (a true/false column gives each group's share true).
    """
    cases = None
    if isinstance(data, pd.DataFrame):
        for col in (group_column, value_column):
            if col is None or col not in data.columns:
                raise AnalysisError(f"column {col!r} is not in the data; the columns are {', '.join(map(str, data.columns))}")
        as_share = pd.api.types.is_bool_dtype(data[value_column])
        grouped = data.groupby(group_column, observed=True)[value_column]
        values = grouped.mean() if as_share else grouped.agg(agg)
        cases = grouped.size()
        measure = measure or value_column.replace("_", " ")
    else:
        values = pd.Series(data, dtype=float)
        as_share = bool(len(values)) and values.between(0, 1).all()
        measure = measure or "value"
    values = values.astype(float).dropna()
    if len(values) < 2:
        raise AnalysisError(f"benchmarking needs at least two groups to compare (got {len(values)})")
    sign = 1 if higher_is_better else -1
    table = pd.DataFrame({"value": values})
    table.index = table.index.astype(str)
    if cases is not None:
        table["cases"] = cases.to_numpy()
    table["rank"] = (sign * table["value"]).rank(ascending=False, method="min").astype(int)
    median = float(table["value"].median())
    best_value = float(table["value"].max() if higher_is_better else table["value"].min())
    table["gap_to_median"] = sign * (table["value"] - median)
    table["gap_to_best"] = sign * (table["value"] - best_value)
    table = table.sort_values("rank")
    uq = float(np.percentile(table["value"], 75 if higher_is_better else 25))
    return Benchmark(measure=measure, higher_is_better=higher_is_better, best=str(table.index[0]),
                     worst=str(table.index[-1]), median=median, upper_quartile_value=uq,
                     as_share=as_share, table=table)


def benchmark_chart(result: Benchmark, title: str | None = None) -> Chart:
    """Dot plot ranked best at the top, each value and rank labelled; median and good-practice
    lines named in the legend. Positions are explicit, so the order is the ranking (matplotlib
    would otherwise place category labels in the order they were first plotted)."""
    t = result.table.iloc[::-1]
    fig, (ax,) = style.new_figure(8, 1.2 + 0.45 * len(t))
    y = np.arange(len(t))
    below = (t["gap_to_median"] < 0).to_numpy()
    values = t["value"].to_numpy()
    ax.plot(values[~below], y[~below], linestyle="none", marker="o", color=style.MAIN, label="At or better than median")
    ax.plot(values[below], y[below], linestyle="none", marker="v", color=style.ALERT, label="Worse than median")
    ax.set_yticks(y, [f"{rank}. {name}" for name, rank in t["rank"].items()])
    ax.set_ylim(-0.6, len(t) - 0.4)
    ax.axvline(result.median, color=style.TARGET, linestyle="--", label=f"Median {result.fmt(result.median)}")
    ax.axvline(result.upper_quartile_value, color=style.GOOD, linestyle=":",
               label=f"Good practice (top quartile) {result.fmt(result.upper_quartile_value)}")
    for pos, v in zip(y, values):
        ax.annotate(result.fmt(v), (v, pos), textcoords="offset points", xytext=(6, 3), fontsize=8)
    if result.as_share:
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:.1%}")
    ax.set_xlabel(result.measure)
    ax.set_title(title or f"{result.measure.capitalize()} by group, ranked")
    ax.legend(loc="best", fontsize=8)
    ranking = "; ".join(f"{r}. {name} {result.fmt(v)}" for name, r, v in
                        zip(result.table.index, result.table["rank"], result.table["value"]))
    return Chart(fig, f"{title or result.measure.capitalize()}: {result.summary} Ranking: {ranking}.")
