"""Benchmark: the Level 7 analysis toolkit on 1,000,000 rows.

Generates each dataset at 1M rows, then times the KPI and SPC steps a learner runs (target: KPIs
+ SPC within 2 seconds on the project's 2-core machines) and the forecast. Prints figures; it
asserts nothing (timings are never asserted in tests).

    python bench/bench_analysis.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager

from course import analysis as ana
from course.datasets import generate, names
from course.datasets.debt_recovery import monthly_recoveries

TARGET_KPI_SPC_SECONDS = 2.0
timings: dict[str, float] = {}


@contextmanager
def timed(label: str):
    start = time.perf_counter()
    yield
    timings[label] = time.perf_counter() - start
    print(f"  {label:<48} {timings[label]:7.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    rows = args.rows
    print(f"Generating {rows:,} rows of each dataset")
    data = {}
    for name in names():
        with timed(f"generate {name}"):
            data[name] = generate(name, rows=rows, seed=1)

    print("KPIs")
    apps, debts = data["passport_applications"], data["debt_recovery"]
    with timed("weekly share within 3 weeks (passports)"):
        k_apps = ana.kpi_over_time(apps, "received_date", 0.985, met_column="within_standard")
    with timed("weekly share contacted in 14 days (debts)"):
        ana.kpi_over_time(debts, "opened_date", 0.90, met_column="contact_within_standard")
    with timed("monthly contact KPI (debts)"):
        k_month = ana.kpi_over_time(debts, "opened_date", 0.90, met_column="contact_within_standard", freq="MS")
    with timed("weekly paid on time (benefit claims)"):
        ana.kpi_over_time(data["benefit_claims"], "claim_date", 0.89, met_column="paid_on_time")
    with timed("benchmark teams (debts)"):
        ana.benchmark(debts, "team", "contact_within_standard")
    with timed("pareto of write-offs by value (debts)"):
        ana.pareto(debts, column="write_off_reason", weights="written_off_gbp")

    print("SPC")
    with timed("p-chart of weekly misses (passports)"):
        ana.p_chart_of_misses(k_apps)
    with timed("p-chart of monthly misses (debts)"):
        ana.p_chart_of_misses(k_month)
    with timed("monthly recoveries + XmR (debts)"):
        recoveries = monthly_recoveries(debts)
        ana.xmr(recoveries)
    cc = data["contact_centre"]
    with timed("XmR of every interval's ASA (contact centre)"):
        ana.xmr(cc["asa_seconds"].to_numpy())

    print("Forecast")
    with timed("monthly referrals + Holt-Winters 12 months"):
        ana.forecast(ana.totals_by_period(debts, "opened_date", freq="MS"), horizon=12)
    with timed("monthly recoveries Holt-Winters 12 months"):
        ana.forecast(recoveries["2021-04":], horizon=12)

    kpi = sum(v for k, v in timings.items() if k.startswith(("weekly", "monthly contact", "benchmark", "pareto")))
    spc = sum(v for k, v in timings.items() if k.startswith(("p-chart", "monthly recoveries +", "XmR")))
    fc = sum(v for k, v in timings.items() if "Holt-Winters" in k)
    gen = sum(v for k, v in timings.items() if k.startswith("generate"))
    print()
    print(f"generate (4 datasets)  {gen:7.3f} s")
    print(f"KPIs                   {kpi:7.3f} s")
    print(f"SPC                    {spc:7.3f} s")
    print(f"KPIs + SPC             {kpi + spc:7.3f} s   (target {TARGET_KPI_SPC_SECONDS:.1f} s: "
          f"{'within' if kpi + spc <= TARGET_KPI_SPC_SECONDS else 'OVER'} target)")
    print(f"forecast               {fc:7.3f} s")
    print(f"total                  {sum(timings.values()):7.3f} s")


if __name__ == "__main__":
    main()
