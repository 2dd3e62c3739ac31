"""Benchmark: the Level 7 analysis toolkit on 1,000,000 rows, against plain pandas in the same run.

Generates each dataset at 1M rows, then times the charts a manager would actually draw from them:
weekly and monthly KPIs, a ranked benchmark, a Pareto, p-charts of weekly and monthly misses
(Laney p′ where over-dispersed) and XmR charts of daily or monthly totals, not of 1M raw
intervals (nobody reads a control chart of a million points; it flagged 56% of them). Target:
KPIs + SPC within 2 seconds on the project's 2-core machines.

Each step is timed twice: the toolkit call (aggregation, limits, run rules, caption text) and
plain pandas/numpy doing the same aggregation (the baseline). The ratio says what the toolkit's
checks and words cost over the aggregation itself. It prints figures and asserts nothing
(timings are never asserted in tests).

    python bench/bench_analysis.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from typing import Callable

import numpy as np
import pandas as pd

from course import analysis as ana
from course.datasets import generate, names
from course.datasets.debt_recovery import monthly_recoveries

TARGET_KPI_SPC_SECONDS = 2.0


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def weekly_share(frame: pd.DataFrame, date: str, flag: str, freq: str = "W") -> pd.DataFrame:
    """Plain pandas: cases and cases meeting the standard per period, and the share."""
    t = frame.groupby(pd.Grouper(key=date, freq=freq))[flag].agg(["size", "sum"])
    t = t[t["size"] > 0]
    t["share"] = t["sum"] / t["size"]
    return t


def p_limits_by_hand(t: pd.DataFrame) -> np.ndarray:
    missed, n = (t["size"] - t["sum"]).to_numpy(float), t["size"].to_numpy(float)
    p_bar = missed.sum() / n.sum()
    sigma = np.sqrt(p_bar * (1 - p_bar) / n)
    return np.abs(missed / n - p_bar) > 3 * sigma


def xmr_by_hand(values: np.ndarray) -> np.ndarray:
    mr = np.mean(np.abs(np.diff(values)))
    return np.abs(values - values.mean()) > 2.66 * mr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs per step")
    args = parser.parse_args()
    print(f"Generating {args.rows:,} rows of each dataset")
    data = {}
    for name in names():
        start = time.perf_counter()
        data[name] = generate(name, rows=args.rows, seed=1)
        print(f"  generate {name:<38} {time.perf_counter() - start:7.3f} s")
    apps, debts, claims, cc = (data[k] for k in ("passport_applications", "debt_recovery", "benefit_claims",
                                                 "contact_centre"))
    k_apps = ana.kpi_over_time(apps, "received_date", 0.985, met_column="within_standard")
    k_month = ana.kpi_over_time(debts, "opened_date", 0.90, met_column="contact_within_standard", freq="MS")

    steps: list[tuple[str, str, Callable[[], object], Callable[[], object]]] = [
        ("KPI", "weekly share within 3 weeks (passports)",
         lambda: ana.kpi_over_time(apps, "received_date", 0.985, met_column="within_standard"),
         lambda: weekly_share(apps, "received_date", "within_standard")),
        ("KPI", "weekly share contacted in 14 days (debts)",
         lambda: ana.kpi_over_time(debts, "opened_date", 0.90, met_column="contact_within_standard"),
         lambda: weekly_share(debts, "opened_date", "contact_within_standard")),
        ("KPI", "monthly contact KPI (debts)",
         lambda: ana.kpi_over_time(debts, "opened_date", 0.90, met_column="contact_within_standard", freq="MS"),
         lambda: weekly_share(debts, "opened_date", "contact_within_standard", "MS")),
        ("KPI", "weekly paid on time (benefit claims)",
         lambda: ana.kpi_over_time(claims, "claim_date", 0.89, met_column="paid_on_time"),
         lambda: weekly_share(claims, "claim_date", "paid_on_time")),
        ("KPI", "benchmark teams, ranked (debts)",
         lambda: ana.benchmark(debts, "team", "contact_within_standard"),
         lambda: debts.groupby("team", observed=True)["contact_within_standard"].agg(["mean", "size"])
         .sort_values("mean", ascending=False)),
        ("KPI", "pareto of write-offs by value (debts)",
         lambda: ana.pareto(debts, column="write_off_reason", weights="written_off_gbp"),
         lambda: debts.groupby("write_off_reason", observed=True)["written_off_gbp"].sum()
         .sort_values(ascending=False).cumsum()),
        ("SPC", "weekly misses + p-chart (passports)",
         lambda: ana.p_chart_of_misses(ana.kpi_over_time(apps, "received_date", 0.985, met_column="within_standard")),
         lambda: p_limits_by_hand(weekly_share(apps, "received_date", "within_standard"))),
        ("SPC", "monthly misses + p-chart / Laney p′ (debts)",
         lambda: ana.p_chart_of_misses(ana.kpi_over_time(debts, "opened_date", 0.90,
                                                         met_column="contact_within_standard", freq="MS")),
         lambda: p_limits_by_hand(weekly_share(debts, "opened_date", "contact_within_standard", "MS"))),
        ("SPC", "daily calls offered + XmR (contact centre)",
         lambda: ana.xmr(ana.totals_by_period(cc, "interval_start", "D", value_column="calls_offered")),
         lambda: xmr_by_hand(cc.groupby(pd.Grouper(key="interval_start", freq="D"))["calls_offered"].sum()
                             .to_numpy(float))),
        ("SPC", "daily referrals + XmR (debts)",
         lambda: ana.xmr(ana.totals_by_period(debts, "opened_date", "D")),
         lambda: xmr_by_hand(debts.groupby(pd.Grouper(key="opened_date", freq="D")).size()
                             .asfreq("D", fill_value=0).to_numpy(float))),
        ("SPC", "monthly recoveries + XmR (debts)",
         lambda: ana.xmr(monthly_recoveries(debts)),
         lambda: xmr_by_hand(monthly_recoveries(debts).to_numpy())),
    ]
    totals = {"KPI": [0.0, 0.0], "SPC": [0.0, 0.0]}
    print(f"\n  {'step (best of ' + str(args.repeat) + ')':<48} {'toolkit':>8} {'pandas':>8} {'ratio':>6}")
    for group, label, toolkit, baseline in steps:
        t, b = best_of(toolkit, args.repeat), best_of(baseline, args.repeat)
        totals[group][0] += t
        totals[group][1] += b
        print(f"  {group} {label:<44} {t:7.3f}s {b:7.3f}s {t / b:5.2f}x")

    p_month = ana.p_chart_of_misses(k_month)
    p_week = ana.p_chart_of_misses(k_apps)
    print(f"\n  monthly debts chart: {p_month.method}, sigma_z {p_month.sigma_z:.2f}, {len(p_month.signals)} signal(s)"
          f" (a standard p-chart: {p_month.p_chart_signals})")
    print(f"  weekly passports chart: {p_week.method}, sigma_z {p_week.sigma_z:.2f}, {len(p_week.signals)} signal(s)"
          f" (a standard p-chart: {p_week.p_chart_signals})")
    start = time.perf_counter()
    ana.control_chart(p_month, title="Monthly misses")._repr_html_()
    print(f"  drawing one chart as an accessible PNG figure       {time.perf_counter() - start:7.3f} s")

    print("\nForecast")
    for label, fn in [
        ("monthly referrals + Holt-Winters 12 months",
         lambda: ana.forecast(ana.totals_by_period(debts, "opened_date", freq="MS"), horizon=12)),
        ("monthly recoveries Holt-Winters 12 months", lambda: ana.forecast(monthly_recoveries(debts)["2021-04":], horizon=12)),
    ]:
        print(f"  {label:<48} {best_of(fn, 1):7.3f} s")

    kpi, spc = totals["KPI"], totals["SPC"]
    both, base = kpi[0] + spc[0], kpi[1] + spc[1]
    print()
    print(f"KPIs          toolkit {kpi[0]:7.3f} s   pandas {kpi[1]:7.3f} s   ratio {kpi[0] / kpi[1]:.2f}x")
    print(f"SPC           toolkit {spc[0]:7.3f} s   pandas {spc[1]:7.3f} s   ratio {spc[0] / spc[1]:.2f}x")
    print(f"KPIs + SPC    toolkit {both:7.3f} s   pandas {base:7.3f} s   ratio {both / base:.2f}x   "
          f"(target {TARGET_KPI_SPC_SECONDS:.1f} s: {'within' if both <= TARGET_KPI_SPC_SECONDS else 'OVER'} target)")


if __name__ == "__main__":
    main()
