"""Contact centre: calls by 15-minute interval for each helpline.

One row per helpline per 15-minute interval, Monday to Friday 08:00-18:00, from 3 April 2023
(the start of the 2023-24 year) for as many working days as ``rows`` needs. Staffing falls
short of demand, as it did at HMRC in 2023-24, so many callers give up and waits are long.
Use :func:`course.analysis.erlang_c` on an interval's calls and handle time to see how many
advisers it would have needed.

Calibration (see shared/reference/domain-facts.md):

- HMRC contact centres took about 38m calls a year (2022-23): about 3,800 calls an interval
  across the eight helplines.
- 2023-24: average speed of answer 23.1 minutes (the generated handled-call-weighted average is
  set to 1,386 seconds), 66.4% of adviser attempts handled (target 85%), 70.7% of callers
  waited over 10 minutes. The generated figures land close to these.
- January peak (Self Assessment deadline, 31 January), a smaller July peak, Monday mornings busiest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course.datasets import _generate as g
from course.datasets.schema import Column, Schema

NAME = "contact_centre"
INTERVAL_MINUTES = 15
OPEN_HOUR, INTERVALS_PER_DAY = 8, 40
START = "2023-04-03"
ASA_SECONDS = 1386.0  # 23.1 minutes, HMRC 2023-24
HANDLED_TARGET = 0.85

LINES = ["Self Assessment", "PAYE and Income Tax", "Tax Credits", "Child Benefit", "VAT",
         "National Insurance", "Employers", "Customs and International Trade"]
LINE_SHARE = np.array([0.20, 0.30, 0.12, 0.08, 0.10, 0.08, 0.07, 0.05])
LINE_AHT = np.array([720.0, 600.0, 780.0, 540.0, 660.0, 480.0, 690.0, 840.0])  # seconds
CALLS_PER_INTERVAL = 3800.0
MONTH = np.array([1.45, 1.0, 0.95, 0.95, 0.95, 1.0, 1.15, 1.05, 0.95, 0.95, 0.9, 0.75])
WEEKDAY = np.array([1.3, 1.05, 1.0, 0.95, 0.8])
# Calls across the day: a mid-morning peak, a lunchtime dip, tailing off towards 6pm.
INTRADAY = np.interp(np.arange(INTERVALS_PER_DAY), [0, 4, 10, 16, 20, 28, 36, 39], [0.7, 1.35, 1.3, 1.0, 1.05, 0.95, 0.7, 0.5])

SCHEMA = Schema(
    name=NAME,
    title="Contact centre intervals",
    description="One row per helpline per 15-minute interval (Monday to Friday, 08:00-18:00): calls "
    "offered, handled and abandoned, handle time, speed of answer and advisers available.",
    calibration=[
        "HMRC: about 38m calls a year (2022-23), about 3,800 an interval across the helplines",
        "HMRC 2023-24: average speed of answer 23.1 minutes; 66.4% of adviser attempts handled "
        "(target 85%); 70.7% waited over 10 minutes",
        "January Self Assessment peak, smaller July peak, Mondays busiest",
    ],
    columns=[
        Column("interval_start", "datetime", "Start of the 15-minute interval"),
        Column("line", "category", "Helpline the calls came in on"),
        Column("calls_offered", "integer", "Calls that reached the queue for an adviser", "calls"),
        Column("calls_handled", "integer", "Calls answered by an adviser", "calls"),
        Column("calls_abandoned", "integer", "Calls where the caller hung up or was cut off before an answer", "calls"),
        Column("aht_seconds", "number", "Average handle time of handled calls (talk, hold and wrap-up)", "seconds"),
        Column("asa_seconds", "number", "Average speed of answer: mean wait of handled calls", "seconds"),
        Column("calls_waited_over_10_min", "integer", "Handled calls that waited more than 10 minutes", "calls"),
        Column("agents_available", "integer", "Advisers logged in and available for calls", "advisers"),
    ],
)


def generate(rows: int = g.DEFAULT_ROWS, seed: int | None = None) -> pd.DataFrame:
    """Generate ``rows`` helpline-intervals; the same ``seed`` always gives the same frame."""
    n = g.check_rows(rows)
    r = g.rng(seed)
    n_lines = len(LINES)
    per_day = INTERVALS_PER_DAY * n_lines
    days = pd.bdate_range(START, periods=-(-n // per_day))
    # Row order: day, then interval, then line.
    i = np.arange(n)
    day_i, rest = np.divmod(i, per_day)
    slot, line = np.divmod(rest, n_lines)
    day = days[day_i]
    season = MONTH[day.month - 1] * WEEKDAY[day.day_of_week]
    sa_january = np.where((line == 0) & (day.month == 1), 2.5, 1.0)  # the 31 January deadline
    mean_calls = CALLS_PER_INTERVAL * LINE_SHARE[line] * INTRADAY[slot] * season * sa_january
    offered = r.poisson(mean_calls)

    aht = LINE_AHT[line] * r.lognormal(0.0, 0.08, n) * np.where(day.month == 1, 1.05, 1.0)
    traffic = offered * aht / (INTERVAL_MINUTES * 60)  # Erlangs needed in the interval
    # Staffing plans follow the average day, so peaks are the most short-staffed.
    staffing = np.clip(r.normal(0.80, 0.08, n) / np.sqrt(season * sa_january), 0.3, 1.2)
    agents = np.maximum(1, np.round(traffic * staffing)).astype(np.int64)
    handled_share = np.clip(agents / np.maximum(traffic, 1e-9) * 0.86, 0.15, 0.99)
    handled = r.binomial(offered, handled_share)
    # Waits build through the morning and are worst when staffing is short.
    queue_build = np.interp(slot, [0, 6, 39], [0.35, 1.0, 1.1])
    raw_asa = queue_build * (1 / handled_share - 0.85) * r.lognormal(0.0, 0.15, n)
    asa = raw_asa * ASA_SECONDS / np.average(raw_asa, weights=np.maximum(handled, 1))
    p_over_10 = np.exp(-600.0 / np.maximum(asa * 1.5, 1.0))
    over_10 = r.binomial(handled, np.clip(p_over_10, 0, 1))

    return pd.DataFrame({
        "interval_start": day + pd.to_timedelta(OPEN_HOUR * 60 + slot * INTERVAL_MINUTES, unit="min"),
        "line": pd.Categorical.from_codes(line, categories=LINES),
        "calls_offered": offered.astype(np.int64),
        "calls_handled": handled.astype(np.int64),
        "calls_abandoned": (offered - handled).astype(np.int64),
        "aht_seconds": np.round(aht, 1),
        "asa_seconds": np.round(asa, 1),
        "calls_waited_over_10_min": over_10.astype(np.int64),
        "agents_available": agents,
    })
