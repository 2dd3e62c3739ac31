"""Benefit claims: new Universal Credit-style claims and whether the first payment was on time.

One row per new claim made in 2021-2022. The first payment is due about five weeks after the
claim (a one-month assessment period plus seven days; here 35 days). A claim counts as timely
if it was paid in full on or before that date.

Calibration (see shared/reference/domain-facts.md):

- DWP Universal Credit: new claims paid in full and on time rose from 55% (2017) to 90% (2020)
  and were 89% in 2021. The generated share paid in full and on time is about 89%.
- Claims peak in January, and self-employed claims and claims with housing costs are slower
  (they need more evidence). District differences are invented for benchmarking.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course.datasets import _generate as g
from course.datasets.schema import Column, Schema

NAME = "benefit_claims"
DUE_DAYS = 35
TARGET = 0.89
START, END = "2021-01-01", "2022-12-31"

DISTRICTS = ["Avon, Severn and Thames", "Central London", "Greater Manchester", "Kent", "Lancashire",
             "Mercia", "South Wales", "Tyne and Wear", "West of Scotland", "Yorkshire"]
DISTRICT_SHARE = [0.10, 0.12, 0.12, 0.08, 0.09, 0.11, 0.09, 0.08, 0.10, 0.11]
DISTRICT_LATE = np.array([1.0, 1.35, 1.1, 0.85, 0.9, 1.0, 0.95, 0.8, 1.15, 1.0])
HOUSEHOLDS = ["Single, no children", "Single with children", "Couple, no children", "Couple with children"]
HOUSEHOLD_SHARE = [0.55, 0.18, 0.09, 0.18]
ALLOWANCE = np.array([324.84, 324.84 + 282.50, 509.91, 509.91 + 282.50])  # 2021-22 monthly rates, £
REASONS = ["Identity not verified in time", "Housing costs evidence outstanding",
           "Self-employed earnings not reported", "Childcare costs evidence outstanding",
           "Bank account details wrong", "Claimant commitment not accepted", "Other processing delay"]
REASON_SHARE = [0.30, 0.22, 0.14, 0.09, 0.08, 0.10, 0.07]
MONTH = [1.35, 1.1, 1.05, 1.0, 0.95, 0.95, 1.0, 0.95, 1.05, 1.0, 0.95, 0.75]
WEEKDAY = [1.4, 1.15, 1.05, 1.0, 0.95, 0.3, 0.25]

SCHEMA = Schema(
    name=NAME,
    title="Benefit claims",
    description="One row per new benefit claim made in 2021-2022, with when the first payment was due "
    "and whether it was paid in full and on time.",
    calibration=[
        "DWP Universal Credit: 89% of new claims paid in full and on time (2021); 90% in 2020",
        "January peak in new claims; self-employed and housing-cost claims slower",
    ],
    columns=[
        Column("claim_id", "integer", "Unique number of the claim"),
        Column("claim_date", "date", "Day the claim was made"),
        Column("district", "category", "Jobcentre Plus district handling the claim"),
        Column("household", "category", "Household type the claim is for"),
        Column("housing_costs", "boolean", "True if the claim includes help with rent"),
        Column("self_employed", "boolean", "True if the claimant reports self-employed earnings"),
        Column("advance_paid", "boolean", "True if the claimant took an advance before the first payment"),
        Column("payment_due_date", "date", "Day the first payment was due (claim date + 35 days)"),
        Column("payment_date", "date", "Day the first payment was made in full"),
        Column("days_late", "integer", "Days after the due date the payment was made (0 if on time)", "days"),
        Column("paid_on_time", "boolean", "True if paid in full on or before the due date"),
        Column("delay_reason", "category", "Main reason a late payment was late (blank if on time)", required=False),
        Column("first_payment_gbp", "number", "Amount of the first monthly payment", "£"),
    ],
)


def generate(rows: int = g.DEFAULT_ROWS, seed: int | None = None) -> pd.DataFrame:
    """Generate ``rows`` claims; the same ``seed`` always gives the same frame."""
    n = g.check_rows(rows)
    r = g.rng(seed)
    days = pd.date_range(START, END, freq="D")
    claim_date = days[g.draw_days(r, days, g.day_weights(days, MONTH, WEEKDAY), n)]
    district = g.categorical(r, DISTRICTS, DISTRICT_SHARE, n)
    household = g.categorical(r, HOUSEHOLDS, HOUSEHOLD_SHARE, n)
    housing = r.random(n) < 0.55
    self_emp = r.random(n) < 0.08

    p_late = (0.07 + 0.04 * housing + 0.16 * self_emp) * DISTRICT_LATE[np.asarray(district.codes)]
    p_late *= np.where(claim_date.month == 1, 1.3, 1.0)
    late = r.random(n) < np.clip(p_late, 0, 0.9)
    days_late = np.where(late, 1 + np.floor(r.gamma(1.5, 6.0, n)), 0).astype(np.int64)

    reason_codes = r.choice(len(REASONS), size=n, p=np.asarray(REASON_SHARE))
    reason_codes = np.where(late & self_emp & (r.random(n) < 0.6), 2, reason_codes)  # self-employed: earnings
    due = claim_date + pd.Timedelta(days=DUE_DAYS)
    amount = ALLOWANCE[np.asarray(household.codes)] + housing * r.lognormal(np.log(420), 0.35, n)
    advance = r.random(n) < 0.42
    amount = amount - advance * np.minimum(amount * 0.25, 150)  # advances are repaid from payments

    return pd.DataFrame({
        "claim_id": np.arange(1, n + 1, dtype=np.int64),
        "claim_date": claim_date,
        "district": district,
        "household": household,
        "housing_costs": housing,
        "self_employed": self_emp,
        "advance_paid": advance,
        "payment_due_date": due,
        "payment_date": due + pd.to_timedelta(days_late, unit="D"),
        "days_late": days_late,
        "paid_on_time": ~late,
        "delay_reason": pd.Categorical.from_codes(np.where(late, reason_codes, -1), categories=REASONS),
        "first_payment_gbp": np.round(amount, 2),
    })
