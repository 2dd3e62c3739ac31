"""Pareto analysis: which few causes account for most of the problem.

Example:
    >>> p = pareto({"Missing documents": 60, "Photo rejected": 25, "Other": 10, "Fee": 5})
    >>> p.vital_few
    ['Missing documents', 'Photo rejected']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from course.analysis import style
from course.analysis.display import Chart, HtmlResult
from course.analysis.errors import AnalysisError


@dataclass(frozen=True, eq=False)
class ParetoResult(HtmlResult):
    """Pareto of causes"""

    total: float
    threshold: float
    vital_few: list[str]
    vital_share: float
    table: pd.DataFrame  # count, share, cumulative_share, vital_few for each cause, largest first

    @property
    def summary(self) -> str:
        n = len(self.table)
        return (f"{len(self.vital_few)} of {n} causes ({', '.join(self.vital_few)}) account for "
                f"{self.vital_share:.0%} of the total of {self.total:,.0f}.")


def pareto(
    counts: Mapping[str, float] | pd.Series | pd.DataFrame, column: str | None = None, threshold: float = 0.8,
    weights: str | None = None,
) -> ParetoResult:
    """Sort causes largest first; the vital few are the fewest that reach ``threshold`` of the total.

    ``counts`` is a mapping or Series of cause → count, or a DataFrame with ``column`` naming the
    cause of each row (optionally summing the ``weights`` column, e.g. £ written off, not rows).
    """
    if isinstance(counts, pd.DataFrame):
        if column is None or column not in counts.columns:
            raise AnalysisError(f"column {column!r} is not in the data: name the column that holds the cause")
        data = counts.dropna(subset=[column])
        s = data.groupby(column, observed=True)[weights].sum() if weights else data[column].value_counts()
    else:
        s = pd.Series(counts, dtype=float)
    s = s.astype(float)
    if s.empty or s.sum() <= 0:
        raise AnalysisError("there is nothing to analyse: the counts are empty or all zero")
    if (s < 0).any():
        raise AnalysisError(f"counts cannot be negative (cause {s[s < 0].index[0]!r})")
    if not 0 < threshold <= 1:
        raise AnalysisError(f"threshold is a share between 0 and 1, e.g. 0.8 (got {threshold!r})")
    s = s[s > 0].sort_values(ascending=False, kind="stable")
    share = s / s.sum()
    cum = share.cumsum()
    n_vital = int(np.searchsorted(cum.to_numpy(), threshold - 1e-12) + 1)
    table = pd.DataFrame({"count": s, "share": share, "cumulative_share": cum})
    table.index = table.index.astype(str)
    table.index.name = "cause"
    table["vital_few"] = np.arange(len(table)) < n_vital
    return ParetoResult(total=float(s.sum()), threshold=threshold, vital_few=list(table.index[:n_vital]),
                        vital_share=float(cum.iloc[n_vital - 1]), table=table)


def pareto_chart(result: ParetoResult, title: str = "Pareto of causes", ylabel: str = "Count") -> Chart:
    """Bars (vital few solid, the rest hatched), cumulative share as a line with markers."""
    fig, (ax,) = style.new_figure()
    t = result.table
    x = np.arange(len(t))
    bars = ax.bar(x, t["count"], color=[style.MAIN if v else "#ffffff" for v in t["vital_few"]],
                  edgecolor=style.MAIN, hatch=None)
    for bar, vital in zip(bars, t["vital_few"]):
        if not vital:
            bar.set_hatch("//")
    ax.set_xticks(x, t.index, rotation=30, ha="right")
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax2 = ax.twinx()
    ax2.plot(x, t["cumulative_share"], color=style.ALERT, marker="s", linestyle="-", label="Cumulative share")
    ax2.axhline(result.threshold, color=style.TARGET, linestyle="--", label=f"{result.threshold:.0%} line")
    ax2.set_ylim(0, 1.05)
    ax2.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax2.set_ylabel("Cumulative share")
    ax2.spines[["top"]].set_visible(False)
    ax2.legend(loc="center right", fontsize=8, title="Solid bars: vital few", title_fontsize=8)
    ax.set_title(title)
    return Chart(fig, f"{title}: {result.summary}")
