"""Net present value and payback for options appraisal, on HM Treasury Green Book terms.

Cash flows are one a year; ``cash_flows[0]`` is year 0 (today, not discounted). Costs are
negative, benefits positive. The default discount rate is the Green Book's 3.5% a year.

Example:
    >>> round(npv([-1000, 400, 400, 400]), 2)
    120.65
    >>> payback_period([-1000, 400, 400, 400])
    2.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from course.analysis.display import HtmlResult
from course.analysis.errors import AnalysisError

GREEN_BOOK_RATE = 0.035


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


def npv(cash_flows: Sequence[float], rate: float = GREEN_BOOK_RATE) -> float:
    """Net present value: the sum of each year's cash flow divided by (1 + rate) ** year."""
    flows = _flows(cash_flows)
    if rate is None or not math.isfinite(rate) or rate <= -1:
        raise AnalysisError(f"rate must be a yearly rate above -100%, e.g. 0.035 for 3.5% (got {rate!r})")
    years = np.arange(flows.size)
    return float(np.sum(flows / (1 + rate) ** years))


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

    rate: float
    best: str
    table: pd.DataFrame

    @property
    def summary(self) -> str:
        row = self.table.loc[self.best]
        pay = "never pays back" if pd.isna(row["payback_years"]) else f"pays back in {row['payback_years']:.1f} years"
        return (
            f"At a {self.rate:.1%} discount rate, '{self.best}' has the highest net present value "
            f"(£{row['npv_gbp']:,.0f}) and {pay}."
        )


def compare_investments(
    options: Mapping[str, Sequence[float]], rate: float = GREEN_BOOK_RATE
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
