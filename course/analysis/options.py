"""Options appraisal: a weighted criteria matrix.

Each option is scored against each criterion (by default 1 to 5, 5 best); weights say how much
each criterion matters. The weighted score is the sum of score × weight, with weights scaled
to add up to 1, so totals stay on the scoring scale.

Example:
    >>> a = score_options({"Do nothing": {"cost": 5, "impact": 1},
    ...                    "Automate reminders": {"cost": 4, "impact": 4}},
    ...                   weights={"cost": 1, "impact": 2})
    >>> a.best, round(float(a.table.loc["Automate reminders", "weighted_score"]), 2)
    ('Automate reminders', 4.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from course.analysis import style
from course.analysis.display import Chart, HtmlResult
from course.analysis.errors import AnalysisError

HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]


@dataclass(frozen=True, eq=False)
class OptionsAppraisal(HtmlResult):
    """Options appraisal (weighted criteria matrix)"""

    best: str
    margin: float  # best total minus the runner-up's
    weights: pd.Series  # scaled to add up to 1
    table: pd.DataFrame  # raw scores, weighted_score and rank for each option

    @property
    def summary(self) -> str:
        close = " (a narrow lead: test it against changes in the weights)" if self.margin < 0.25 else ""
        top = self.weights.idxmax()
        return (f"'{self.best}' scores highest ({self.table.loc[self.best, 'weighted_score']:.2f} out of "
                f"{self._scale_max:g}), {self.margin:.2f} ahead of the next option{close}; the heaviest "
                f"criterion is '{top}' ({self.weights.max():.0%} of the weight).")

    @property
    def _scale_max(self) -> float:
        return float(self.table.attrs.get("scale_max", 5))


def score_options(
    scores: Mapping[str, Mapping[str, float]] | pd.DataFrame,
    weights: Mapping[str, float],
    scale: tuple[float, float] = (1, 5),
) -> OptionsAppraisal:
    """Weighted scores for options (rows) against criteria (columns)."""
    table = scores.copy() if isinstance(scores, pd.DataFrame) else pd.DataFrame.from_dict(scores, orient="index")
    if table.empty:
        raise AnalysisError("scores is empty: give at least one option with a score for each criterion")
    w = pd.Series(weights, dtype=float)
    missing = [c for c in w.index if c not in table.columns]
    if missing:
        raise AnalysisError(f"no scores for criterion {missing[0]!r}: every weighted criterion needs a score for each option")
    unweighted = [c for c in table.columns if c not in w.index]
    if unweighted:
        raise AnalysisError(f"criterion {unweighted[0]!r} has scores but no weight: give it a weight (0 to leave it out)")
    if (w < 0).any() or not np.isfinite(w).all():
        raise AnalysisError(f"weights must be zero or more (criterion {w[~(w >= 0)].index[0]!r})")
    if w.sum() <= 0:
        raise AnalysisError("weights add up to zero: give at least one criterion a positive weight")
    table = table[list(w.index)].apply(pd.to_numeric, errors="coerce")
    if table.isna().any().any():
        opt, crit = table.isna().stack().loc[lambda s: s].index[0]
        raise AnalysisError(f"option {opt!r} has no numeric score for criterion {crit!r}")
    lo, hi = scale
    out = (table < lo) | (table > hi)
    if out.any().any():
        opt, crit = out.stack().loc[lambda s: s].index[0]
        raise AnalysisError(f"option {opt!r} scores {table.loc[opt, crit]:g} for {crit!r}, outside the {lo:g} to {hi:g} scale")
    w = w / w.sum()
    table["weighted_score"] = (table[list(w.index)] * w).sum(axis=1)
    table["rank"] = table["weighted_score"].rank(ascending=False, method="min").astype(int)
    table = table.sort_values("weighted_score", ascending=False)
    table.index.name = "option"
    table.attrs["scale_max"] = hi
    ordered = table["weighted_score"].to_numpy()
    margin = float(ordered[0] - ordered[1]) if len(ordered) > 1 else float("nan")
    return OptionsAppraisal(best=str(table.index[0]), margin=margin, weights=w.rename("weight"), table=table)


def options_chart(result: OptionsAppraisal, title: str = "Options appraisal") -> Chart:
    """Stacked horizontal bars of weighted contributions; each criterion has its own hatch and label."""
    fig, (ax,) = style.new_figure(8, 1.2 + 0.6 * len(result.table))
    t = result.table.iloc[::-1]
    left = np.zeros(len(t))
    for i, crit in enumerate(result.weights.index):
        part = (t[crit] * result.weights[crit]).to_numpy()
        ax.barh(t.index, part, left=left, color=style.SERIES_COLOURS[i % 7], edgecolor="black",
                hatch=HATCHES[i % len(HATCHES)], label=f"{crit} ({result.weights[crit]:.0%})")
        left += part
    for y, total in enumerate(t["weighted_score"]):
        ax.text(total + 0.05, y, f"{total:.2f}", va="center", fontsize=9)
    ax.set_xlim(0, result._scale_max * 1.1)
    ax.set_xlabel("Weighted score")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8, title="Criterion (weight)", title_fontsize=8)
    ranking = "; ".join(f"{i + 1}. {name} {s:.2f}" for i, (name, s) in enumerate(result.table["weighted_score"].items()))
    return Chart(fig, f"{title}: {result.summary} Ranking: {ranking}.")
