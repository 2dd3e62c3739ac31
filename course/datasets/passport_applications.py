"""Passport applications: processing times against the 3-week service standard.

One row per application received in 2023 and 2024, followed to completion. Volumes peak in
spring, as HM Passport Office's do; when a week's intake runs well above normal, more
applications miss 3 weeks, so the share within standard dips in the spring peak.

Calibration (see shared/reference/domain-facts.md):

- HM Passport Office KPI: 98.5% of straightforward applications within 3 weeks (2024). Outside
  the spring peak, straightforward applications come out close to 98.5-99% within 3 weeks.
- Seasonality peaks in spring (March to May), lowest in December.
- Volume is a sample: HMPO processed 6.9m applications in Jan-Sep 2022 (peak ~340k a week,
  NAO 2022); 100,000 rows is about 1 in 100 of two years' applications. Use ``rows=`` to scale.
- Office names are HMPO's real sites; differences between them are invented for benchmarking.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course.datasets import _generate as g
from course.datasets.schema import Column, Schema

NAME = "passport_applications"
STANDARD_DAYS = 21  # 3 weeks, in calendar days
TARGET = 0.985
START, END = "2023-01-01", "2024-12-31"

OFFICES = ["Belfast", "Durham", "Glasgow", "Liverpool", "Newport", "Peterborough", "Southport"]
OFFICE_SHARE = [0.08, 0.17, 0.14, 0.18, 0.13, 0.17, 0.13]
OFFICE_LATE_FACTOR = np.array([0.8, 1.0, 0.9, 1.5, 1.1, 0.85, 1.2])  # invented, so benchmarking shows a spread
TYPES = ["Adult renewal", "Adult first passport", "Child passport", "Replacement (lost or stolen)"]
TYPE_SHARE = [0.45, 0.12, 0.33, 0.10]
REASONS = [
    "Missing or wrong supporting documents", "Photo did not meet the rules",
    "Countersignatory could not be confirmed", "Identity check or interview needed",
    "Fee payment problem", "Name change evidence needed", "Lost or stolen passport checks",
]
REASON_SHARE = [0.38, 0.22, 0.14, 0.10, 0.06, 0.05, 0.05]
MONTH = [1.15, 1.2, 1.35, 1.45, 1.35, 1.1, 1.0, 0.85, 0.8, 0.75, 0.7, 0.55]  # spring peak
WEEKDAY = [1.25, 1.15, 1.1, 1.05, 1.0, 0.6, 0.5]

SCHEMA = Schema(
    name=NAME,
    title="Passport applications",
    description="One row per passport application received in 2023-2024, with how long it took "
    "against the 3-week (21 calendar day) service standard.",
    calibration=[
        "HM Passport Office KPI: 98.5% of straightforward applications within 3 weeks (2024); "
        "normal months come out at about 98.5-99%",
        "Spring peak (March-May), low in December, as HMPO reports",
        "A 1-in-100 sample of volumes like HMPO's 6.9m in Jan-Sep 2022 (NAO 2022)",
    ],
    columns=[
        Column("application_id", "integer", "Unique number of the application"),
        Column("received_date", "date", "Day the application and its documents were received"),
        Column("office", "category", "HM Passport Office site that processed it"),
        Column("channel", "category", "How it was made: Online or Paper"),
        Column("application_type", "category", "Adult renewal, adult first passport, child passport or replacement"),
        Column("straightforward", "boolean", "True if it needed no extra checks (the KPI counts only these)"),
        Column("needed_more_information", "boolean", "True if the office had to go back to the applicant"),
        Column("delay_reason", "category", "Why more information was needed (blank if it was not)", required=False),
        Column("processing_days", "integer", "Calendar days from receipt to passport dispatched", "days"),
        Column("completed_date", "date", "Day the passport was dispatched"),
        Column("within_standard", "boolean", "True if processing_days is 21 or fewer (3 weeks)"),
    ],
)


def generate(rows: int = g.DEFAULT_ROWS, seed: int | None = None) -> pd.DataFrame:
    """Generate ``rows`` applications; the same ``seed`` always gives the same frame."""
    n = g.check_rows(rows)
    r = g.rng(seed)
    days = pd.date_range(START, END, freq="D")
    weights = g.day_weights(days, MONTH, WEEKDAY, growth_per_year=0.03)
    day_idx = g.draw_days(r, days, weights, n)
    received = days[day_idx]
    # Load: this week's intake against the average week. Backlogs build when it passes ~1.2.
    week = (day_idx // 7).astype(int)
    per_week = np.bincount(week, minlength=week.max() + 1).astype(float)
    load = (per_week / per_week[per_week > 0].mean())[week]

    office = g.categorical(r, OFFICES, OFFICE_SHARE, n)
    channel = g.categorical(r, ["Online", "Paper"], [0.88, 0.12], n)
    app_type = g.categorical(r, TYPES, TYPE_SHARE, n)
    online = np.asarray(channel.codes) == 0
    p_simple = np.where(online, 0.92, 0.75) - np.where(np.asarray(app_type.codes) == 1, 0.25, 0.0)
    straightforward = r.random(n) < p_simple

    pressure = np.maximum(0.0, load - 1.2)
    p_late = np.where(straightforward, 0.009 + 0.15 * pressure, 0.22 + 0.5 * pressure)
    p_late = np.clip(p_late * OFFICE_LATE_FACTOR[np.asarray(office.codes)], 0, 0.95)
    late = r.random(n) < p_late
    on_time_days = 1 + np.minimum(r.gamma(2.5, 2.4, n) * np.where(straightforward, 1.0, 1.8), STANDARD_DAYS - 1)
    late_days = STANDARD_DAYS + 1 + r.exponential(np.where(straightforward, 8.0, 20.0), n)
    processing = np.floor(np.where(late, late_days, on_time_days)).astype(np.int64)

    needs_info = late | (r.random(n) < np.where(straightforward, 0.05, 0.35))
    reason_codes = r.choice(len(REASONS), size=n, p=np.asarray(REASON_SHARE))
    delay_reason = pd.Categorical.from_codes(np.where(needs_info, reason_codes, -1), categories=REASONS)

    frame = pd.DataFrame({
        "application_id": np.arange(1, n + 1, dtype=np.int64),
        "received_date": received,
        "office": office,
        "channel": channel,
        "application_type": app_type,
        "straightforward": straightforward,
        "needed_more_information": needs_info,
        "delay_reason": delay_reason,
        "processing_days": processing,
        "completed_date": received + pd.to_timedelta(processing, unit="D"),
        "within_standard": processing <= STANDARD_DAYS,
    })
    return frame
