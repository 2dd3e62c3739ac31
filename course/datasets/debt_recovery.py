"""Debt recovery portfolio for a legal-aid-style agency, as at 31 March 2024.

One row per debt referred between April 2019 and March 2024: contribution orders, statutory
charges, overpayments and costs owed to the agency. For each debt: its team, how fast the
debtor was first contacted, any repayment plan, what has been recovered or written off, and
the balance still owed. The department is about 50 people in five teams.

Calibration (see shared/reference/domain-facts.md):

- Legal Aid Agency receivables at March 2024: £121.5m non-current + £51.1m current = £172.6m.
  At the default 100,000 debts the total outstanding balance comes out close to £172.6m, and
  the share due within 12 months (``due_within_12_months_gbp``) close to 30% (51.1 / 172.6).
  Larger ``rows`` scale the totals up in proportion.
- Referrals peak in March (year-end) and dip in August and December, with about 4% growth a
  year. The 14-day first-contact standard and its 90% target are illustrative, not published.
- An invented IT outage (October to mid-November 2022) slows first contact, so SPC has a real
  special cause to find.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course.datasets import _generate as g
from course.datasets.schema import Column, Schema

NAME = "debt_recovery"
SNAPSHOT = pd.Timestamp("2024-03-31")
START = "2019-04-01"
CONTACT_STANDARD_DAYS = 14
CONTACT_TARGET = 0.90  # illustrative internal target
OUTAGE = (pd.Timestamp("2022-10-03"), pd.Timestamp("2022-11-14"))

TYPES = ["Crown Court contribution order", "Crime overpayment", "Statutory charge (property)",
         "Statutory charge (cash)", "Civil overpayment", "Costs order"]
TYPE_SHARE = np.array([0.42, 0.05, 0.12, 0.10, 0.18, 0.13])
TYPE_MEDIAN = np.array([2050.0, 1150.0, 7100.0, 2300.0, 840.0, 1550.0])  # £, original balance
TYPE_PLAN = np.array([0.60, 0.55, 0.30, 0.50, 0.65, 0.55])
TEAMS = ["Crime contributions A", "Crime contributions B", "Civil statutory charge",
         "Civil overpayments and costs", "Vulnerable customers"]
TEAM_SIZE = {"Crime contributions A": 12, "Crime contributions B": 12, "Civil statutory charge": 10,
             "Civil overpayments and costs": 9, "Vulnerable customers": 7}
TEAM_CONTACT = np.array([1.0, 1.25, 0.9, 1.1, 1.4])  # multiplies days to first contact (invented)
TEAM_ADHERENCE = np.array([1.0, 0.93, 1.02, 0.97, 0.88])
WRITE_OFF_REASONS = ["Uneconomic to pursue", "Debtor untraceable", "Bankruptcy or insolvency",
                     "Debtor deceased", "Vulnerability or hardship", "Time-barred (limitation)",
                     "Administrative error"]
WRITE_OFF_SHARE = [0.35, 0.20, 0.15, 0.10, 0.10, 0.06, 0.04]
STATUSES = ["Active - on plan", "Active - plan defaulted", "Active - no plan", "Paid in full", "Written off"]
MONTH = [1.05, 1.1, 1.35, 1.0, 0.95, 1.0, 1.0, 0.85, 1.0, 1.05, 1.0, 0.75]  # Jan-Dec: March year-end peak
WEEKDAY = [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]  # referrals arrive on working days

SCHEMA = Schema(
    name=NAME,
    title="Debt recovery portfolio",
    description="One row per debt owed to a legal-aid-style agency, referred April 2019 to March 2024, "
    "as at 31 March 2024: balances, repayment plans, recoveries and write-offs.",
    calibration=[
        "Legal Aid Agency receivables, March 2024: £121.5m non-current + £51.1m current; at the "
        "default 100,000 debts the outstanding total is close to £172.6m, about 30% due within a year",
        "March year-end referral peak; about 4% growth a year",
        "14-day first-contact standard with a 90% target: illustrative, not a published figure",
    ],
    columns=[
        Column("debt_id", "integer", "Unique number of the debt"),
        Column("opened_date", "date", "Day the debt was referred to the department"),
        Column("team", "category", "Team that manages the debt"),
        Column("debt_type", "category", "What the debt arises from"),
        Column("original_balance_gbp", "number", "Amount owed when referred", "£"),
        Column("days_to_first_contact", "integer", "Days from referral to first contact with the debtor", "days"),
        Column("contact_within_standard", "boolean", "True if first contact was within 14 days"),
        Column("repayment_plan", "boolean", "True if a repayment plan was agreed"),
        Column("plan_start_date", "date", "Day the plan's first instalment was due (blank if no plan)", required=False),
        Column("plan_monthly_gbp", "number", "Monthly instalment agreed (blank if no plan)", "£", required=False),
        Column("recovered_to_date_gbp", "number", "Total paid by the debtor so far", "£"),
        Column("written_off_gbp", "number", "Amount written off as not recoverable", "£"),
        Column("balance_gbp", "number", "Still owed at 31 March 2024", "£"),
        Column("due_within_12_months_gbp", "number", "Part of the balance expected within a year (current receivable)", "£"),
        Column("status", "category", "On plan, plan defaulted, no plan, paid in full or written off"),
        Column("write_off_reason", "category", "Why it was written off (blank if not)", required=False),
        Column("closed_date", "date", "Day it was paid in full or written off (blank if still open)", required=False),
    ],
)


def generate(rows: int = g.DEFAULT_ROWS, seed: int | None = None) -> pd.DataFrame:
    """Generate ``rows`` debts; the same ``seed`` always gives the same frame."""
    n = g.check_rows(rows)
    r = g.rng(seed)
    days = pd.date_range(START, SNAPSHOT, freq="D")
    opened = days[g.draw_days(r, days, g.day_weights(days, MONTH, WEEKDAY, growth_per_year=0.04), n)]
    age_days = (SNAPSHOT - opened).days.to_numpy()

    dtype = r.choice(len(TYPES), size=n, p=TYPE_SHARE)
    team = np.select([dtype <= 1, (dtype == 2) | (dtype == 3)], [r.integers(0, 2, n), 2], 3)
    team = np.where(r.random(n) < 0.08, 4, team)  # vulnerable customers from any type
    original = np.round(TYPE_MEDIAN[dtype] * r.lognormal(0.0, 0.8, n), 2)

    outage = (opened >= OUTAGE[0]) & (opened < OUTAGE[1])
    contact = np.floor(r.gamma(2.2, 3.0, n) * TEAM_CONTACT[team] * np.where(outage, 1.9, 1.0)).astype(np.int64)

    plan = r.random(n) < TYPE_PLAN[dtype]
    plan_delay = contact + np.floor(r.gamma(2.0, 12.0, n)).astype(np.int64)
    plan_start = opened + pd.to_timedelta(plan_delay, unit="D")
    plan = plan & (plan_start <= SNAPSHOT)
    term = r.integers(12, 61, n)
    monthly = np.round(np.maximum(original / term, 10.0), 2)
    months_due = np.clip((SNAPSHOT - plan_start).days.to_numpy() / 30.44, 0, None)
    defaulted = plan & (r.random(n) < 0.22)
    adherence = np.clip(r.beta(9, 1.5, n) * TEAM_ADHERENCE[team], 0, 1)
    months_paid = np.where(defaulted, months_due * r.uniform(0.1, 0.6, n), months_due * adherence)
    plan_paid = np.minimum(original, monthly * np.floor(months_paid))

    # No plan: some pay in full, some part-pay, some pay nothing; newer debts have had less time.
    lump = r.random(n) / np.clip(age_days / 180.0, 1e-3, 1.0)
    no_plan_paid = np.select([lump < 0.22, lump < 0.45], [original, original * r.uniform(0.05, 0.6, n)], 0.0)
    recovered = np.round(np.where(plan, plan_paid, no_plan_paid), 2)

    remaining = original - recovered
    at_risk = (~plan | defaulted) & (remaining > 0.5)
    p_write_off = np.clip(0.05 + 0.07 * age_days / 365.25, 0, 0.6) * np.where(dtype == 2, 0.3, 1.0)
    written = at_risk & (r.random(n) < p_write_off)
    written_off = np.round(np.where(written, remaining, 0.0), 2)
    balance = np.round(np.maximum(original - recovered - written_off, 0.0), 2)
    paid_full = ~written & (balance <= 0.5)

    status = np.select([written, paid_full, plan & ~defaulted, defaulted], [4, 3, 0, 1], 2)
    due_12 = np.where(status == 0, np.minimum(balance, 12 * monthly), balance * np.where(status == 1, 0.2, 0.22))
    reason = np.where(written, r.choice(len(WRITE_OFF_REASONS), size=n, p=np.asarray(WRITE_OFF_SHARE)), -1)
    close_after = np.where(plan & paid_full, plan_delay + np.ceil(original / monthly) * 30.44,
                           contact + r.gamma(2.0, 60.0, n) + written * r.uniform(100, 700, n))
    # Debts that would close after the snapshot in fact closed earlier: spread them over their life.
    close_after = np.where(close_after > age_days, age_days * r.uniform(0.3, 1.0, n), close_after)
    closed = opened + pd.to_timedelta(close_after.astype(np.int64), unit="D")

    return pd.DataFrame({
        "debt_id": np.arange(1, n + 1, dtype=np.int64),
        "opened_date": opened,
        "team": pd.Categorical.from_codes(team, categories=TEAMS),
        "debt_type": pd.Categorical.from_codes(dtype, categories=TYPES),
        "original_balance_gbp": original,
        "days_to_first_contact": contact,
        "contact_within_standard": contact <= CONTACT_STANDARD_DAYS,
        "repayment_plan": plan,
        "plan_start_date": pd.DatetimeIndex(np.where(plan, plan_start, pd.NaT)),
        "plan_monthly_gbp": np.where(plan, monthly, np.nan),
        "recovered_to_date_gbp": recovered,
        "written_off_gbp": written_off,
        "balance_gbp": balance,
        "due_within_12_months_gbp": np.round(due_12, 2),
        "status": pd.Categorical.from_codes(status, categories=STATUSES),
        "write_off_reason": pd.Categorical.from_codes(reason, categories=WRITE_OFF_REASONS),
        "closed_date": pd.DatetimeIndex(np.where(written | paid_full, closed, pd.NaT)),
    })


def monthly_recoveries(frame: pd.DataFrame) -> pd.Series:
    """Cash recovered each month, April 2019 to March 2024 (£): an estimate for trend and forecasting.

    The portfolio holds a total per debt, not each payment, so each debt's recoveries are spread
    evenly: for a plan still running, from the plan's start to March 2024; for a plan paid off or
    defaulted, over the months its instalments cover; other payments fall in the month after
    first contact (or the month the debt was paid in full).
    """
    months = pd.period_range(START, SNAPSHOT, freq="M")
    first, last = months[0].ordinal, len(months)

    def month_of(dates: pd.Series) -> np.ndarray:
        return dates.dt.to_period("M").array.asi8 - first

    plan = frame["repayment_plan"].to_numpy()
    status = frame["status"].astype(str).to_numpy()
    amount = frame["recovered_to_date_gbp"].to_numpy()
    age = (SNAPSHOT - frame["opened_date"]).dt.days
    # A month after first contact, but never after the snapshot (the debt has already paid).
    lag = np.minimum(frame["days_to_first_contact"] + 30, age * 0.8)
    contact = frame["opened_date"] + pd.to_timedelta(lag, unit="D")
    lump_month = np.where(frame["closed_date"].notna() & ~plan, month_of(frame["closed_date"].fillna(SNAPSHOT)),
                          month_of(contact))
    start = np.where(plan, month_of(frame["plan_start_date"].fillna(SNAPSHOT)), lump_month)
    start = np.clip(start, 0, last - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        covered = np.ceil(amount / frame["plan_monthly_gbp"].to_numpy())
    covered = np.clip(np.nan_to_num(covered, nan=1.0), 1, None).astype(np.int64)
    running = plan & (status == "Active - on plan")
    end = np.where(running, last, np.where(plan, start + covered, start + 1))
    end = np.clip(end, start + 1, last)
    per_month = amount / (end - start)
    diff = np.zeros(last + 1)
    np.add.at(diff, start, per_month)
    np.add.at(diff, end, -per_month)
    return pd.Series(np.cumsum(diff)[:-1], index=months.to_timestamp(), name="recovered_gbp")


def portfolio_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Headline figures for the portfolio: debts, £ referred, recovered, written off and still owed.

    The collection rate is recovered ÷ (recovered + written off + still owed), the share of all
    money referred that has come back so far.
    """
    referred = frame["original_balance_gbp"].sum()
    recovered = frame["recovered_to_date_gbp"].sum()
    written = frame["written_off_gbp"].sum()
    balance = frame["balance_gbp"].sum()
    current = frame["due_within_12_months_gbp"].sum()
    rows = [
        ("Debts", f"{len(frame):,}"),
        ("Referred", f"£{referred / 1e6:,.1f}m"),
        ("Recovered so far", f"£{recovered / 1e6:,.1f}m"),
        ("Written off", f"£{written / 1e6:,.1f}m"),
        ("Still owed (receivables)", f"£{balance / 1e6:,.1f}m"),
        ("of which due within 12 months (current)", f"£{current / 1e6:,.1f}m"),
        ("of which due later (non-current)", f"£{(balance - current) / 1e6:,.1f}m"),
        ("Collection rate", f"{recovered / referred:.1%}"),
        ("Debts on a repayment plan", f"{frame['repayment_plan'].mean():.1%}"),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"]).set_index("measure")
