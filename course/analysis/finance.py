"""Net present value and payback for options appraisal, on HM Treasury Green Book terms.

Cash flows are one a year; ``cash_flows[0]`` is year 0 (today, not discounted). Costs are
negative, benefits positive. The default is the Green Book's declining long-term discount rate
(HM Treasury, The Green Book: appraisal and evaluation in central government, 2022, Annex A6,
"the declining long-term discount rate"): 3.5% a year for years 1 to 30, 3.0% for 31 to 75,
2.5% for 76 to 125, 2.0% for 126 to 200, 1.5% for 201 to 300 and 1.0% after. Year 31 is
therefore discounted by 1/1.035^30 × 1/1.03, not by 1/1.035^31. Pass ``rate=0.035`` (or any
number) for one constant rate.

Example:
    >>> round(npv([-1000, 400, 400, 400]), 2)
    120.65
    >>> payback_period([-1000, 400, 400, 400])
    2.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from course.analysis.display import HtmlResult
from course.analysis.errors import AnalysisError

GREEN_BOOK_RATE = 0.035  # the standard rate, years 1 to 30
# (last year, rate): the Green Book's declining long-term discount rate schedule (Annex A6)
GREEN_BOOK_SCHEDULE: tuple[tuple[float, float], ...] = (
    (30, 0.035), (75, 0.030), (125, 0.025), (200, 0.020), (300, 0.015), (math.inf, 0.010))
GREEN_BOOK = "green_book"
Rate = float | Literal["green_book"]


def yearly_rates(years: int, rate: Rate = GREEN_BOOK) -> np.ndarray:
    """The discount rate applying in each year 1..``years`` (Green Book schedule, or constant)."""
    if rate == GREEN_BOOK:
        t = np.arange(1, years + 1)
        out = np.empty(years)
        first = 0
        for last, r in GREEN_BOOK_SCHEDULE:
            out[(t > first) & (t <= last)] = r
            first = last
        return out
    if isinstance(rate, str) or rate is None or not math.isfinite(rate) or rate <= -1:
        raise AnalysisError(f"rate must be a yearly rate above -100%, e.g. 0.035 for 3.5%, or 'green_book' "
                            f"(got {rate!r})")
    return np.full(years, float(rate))


def discount_factors(years: int, rate: Rate = GREEN_BOOK) -> np.ndarray:
    """Factors for years 0..``years``: year t's is the product of 1/(1 + r) over years 1..t.

    Example (Green Book: year 30 is 1/1.035^30, year 31 a further 1/1.03):
        >>> f = discount_factors(31)
        >>> round(float(f[30]), 4), round(float(f[31]), 4)
        (0.3563, 0.3459)
    """
    return np.concatenate([[1.0], np.cumprod(1 / (1 + yearly_rates(years, rate)))])


def rate_words(rate: Rate, years: int) -> str:
    """'a 3.5% discount rate' or the Green Book schedule as it applied to these years."""
    if rate != GREEN_BOOK:
        return f"a {rate:.1%} discount rate"
    if years <= 30:
        return "the Green Book 3.5% discount rate"
    used, first = [], 0
    for last, r in GREEN_BOOK_SCHEDULE:
        if years > first:
            used.append(f"{r:.1%} in years {first + 1} to {min(last, years):g}")
        first = last
    return "Green Book declining discount rates (" + ", ".join(used) + ")"


def _flows(cash_flows: Sequence[float]) -> np.ndarray:
    try:
        flows = np.asarray(list(cash_flows), dtype=float)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"cash_flows must be numbers, one a year ({exc})") from None
    if flows.ndim != 1 or flows.size == 0:
        raise AnalysisError("cash_flows is empty: give at least year 0's cash flow")
    if not np.isfinite(flows).all():
        bad = int(np.flatnonzero(~np.isfinite(flows))[0])
        raise AnalysisError(f"cash_flows has a missing or infinite value in year {bad}")
    return flows


def npv(cash_flows: Sequence[float], rate: Rate = GREEN_BOOK) -> float:
    """Net present value: the sum of each year's cash flow times its discount factor.

    ``rate`` is ``"green_book"`` (3.5%, falling after year 30) or one constant yearly rate.
    """
    flows = _flows(cash_flows)
    return float(np.sum(flows * discount_factors(flows.size - 1, rate)))


def payback_period(cash_flows: Sequence[float]) -> float | None:
    """Years until the running total of (undiscounted) cash flows first reaches zero.

    Fractional: within the year it turns positive, cash is assumed to arrive evenly. Returns
    ``None`` if the total never reaches zero, and 0.0 if year 0 is not a cost.
    """
    flows = _flows(cash_flows)
    running = np.cumsum(flows)
    if running[0] >= 0:
        return 0.0
    reached = np.flatnonzero(running >= 0)
    if reached.size == 0:
        return None
    year = int(reached[0])
    shortfall = -running[year - 1]  # still to recover at the start of that year
    return float(year - 1 + shortfall / flows[year])


@dataclass(frozen=True, eq=False)
class InvestmentComparison(HtmlResult):
    """Options compared by net present value and payback"""

    rate: Rate
    best: str
    table: pd.DataFrame

    @property
    def summary(self) -> str:
        row = self.table.loc[self.best]
        pay = "never pays back" if pd.isna(row["payback_years"]) else f"pays back in {row['payback_years']:.1f} years"
        return (
            f"At {rate_words(self.rate, int(self.table['years'].max()))}, '{self.best}' has the highest net present value "
            f"(£{row['npv_gbp']:,.0f}) and {pay}."
        )


def compare_investments(
    options: Mapping[str, Sequence[float]], rate: Rate = GREEN_BOOK
) -> InvestmentComparison:
    """NPV, payback and total cost and benefit for each option's yearly cash flows."""
    if not options:
        raise AnalysisError("options is empty: give at least one option's cash flows")
    rows = []
    for name, flows in options.items():
        values = _flows(flows)
        rows.append({
            "option": name,
            "npv_gbp": npv(values, rate),
            "payback_years": payback_period(values),
            "total_cost_gbp": float(-values[values < 0].sum()),
            "total_benefit_gbp": float(values[values > 0].sum()),
            "years": int(values.size - 1),
        })
    table = pd.DataFrame(rows).set_index("option").astype({"payback_years": float})
    return InvestmentComparison(rate=rate, best=str(table["npv_gbp"].idxmax()), table=table)
