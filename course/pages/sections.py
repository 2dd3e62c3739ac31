"""One dashboard section per figure: a heading, a chart whose caption states the finding, and
the same figures as a table. Pure functions of the figures."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from course.pages.charts import (
    PALETTE, Bar, bar_chart, percent, plural, table,
)
from course.pages.ukformat import duration, uk_short_date
from course.tracking.metrics import (
    ALL, AtRisk, FirstTimePassRate, Funnel, TimeToComplete,
)

Label = Callable[[str, int | None], str]  # (qualification id, level) -> words
AT_RISK_SHOWN = 50  # learners listed on the page; the CSV has them all


def section(key: str, heading: str, body: str) -> str:
    """A figure's section (the page offers one CSV with every figure)."""
    return (f'<section class="odp-section" aria-labelledby="odp-h-{key}">'
            f'<h2 id="odp-h-{key}">{escape(heading)}</h2>{body}</section>')


def funnel_section(f: Funnel, label: Label) -> str:
    t = f.total
    share = (lambda n: f" ({n / t.started:.0%})") if t.started else (lambda n: "")
    if t.started == 0:
        caption = "Nobody in view has started yet."
    else:
        caption = (f"Of {plural(t.started, 'learner')} who started, {t.completed} "
                   f"({t.completed / t.started:.0%}) have completed and {t.active} "
                   f"({t.active / t.started:.0%}) were active in the last {f.weeks} weeks; "
                   f"{t.submitted} have submitted a test or assignment and {t.passed} have "
                   "passed at least one unit.")
    stages = [("Started", t.started), (f"Active in the last {f.weeks} weeks", t.active),
              ("Submitted a test or assignment", t.submitted), ("Passed a unit", t.passed),
              ("Completed", t.completed)]
    chart = bar_chart("odp-chart-funnel", [Bar(s, n, f"{n}{share(n)}") for s, n in stages],
                      caption + " Percentages are of those who started.")
    rows = [(label(r.qualification_id, r.level), r.started, r.active, r.submitted, r.passed,
             r.completed) for r in (*f.rows, t)]
    tab = table("Commencement to completion by qualification and level",
                ["Qualification", "Started", f"Active (last {f.weeks} weeks)", "Submitted",
                 "Passed a unit", "Completed"], rows)
    return section("funnel", "Commencement to completion", chart + tab)


def pass_rate_section(p: FirstTimePassRate, label: Label) -> str:
    t = p.total
    if not t.first_attempts:
        caption = "No first attempts have been graded yet."
    else:
        caption = (f"{percent(t.rate)} of first attempts passed ({t.passed_first_time} of "
                   f"{t.first_attempts}).")
        rated = [r for r in p.rows if r.rate is not None]
        if len(rated) > 1:
            hi = max(rated, key=lambda r: r.rate)
            lo = min(rated, key=lambda r: r.rate)
            caption += (f" Highest: {label(hi.qualification_id, hi.level)} "
                        f"({percent(hi.rate)}); lowest: {label(lo.qualification_id, lo.level)} "
                        f"({percent(lo.rate)}).")
    bars = [Bar(label(r.qualification_id, r.level), (r.rate or 0) * 100,
                f"{percent(r.rate)} ({r.passed_first_time} of {r.first_attempts})"
                if r.first_attempts else "no first attempts graded") for r in p.rows]
    chart = bar_chart("odp-chart-pass", bars, caption, scale=100)
    rows = [(label(r.qualification_id, r.level), r.first_attempts, r.passed_first_time,
             percent(r.rate)) for r in (*p.rows, t)]
    tab = table("First-time pass rate by qualification and level",
                ["Qualification", "First attempts graded", "Passed first time", "Rate"], rows)
    return section("pass", "First-time pass rate", chart + tab)


def time_section(c: TimeToComplete, label: Label) -> str:
    t = c.total
    if not t.completed:
        caption = "Nobody in view has completed yet, so there is no median time."
    else:
        caption = (f"Half of the {plural(t.completed, 'learner')} who completed took "
                   f"{duration(t.median_days)} or less (the median).")
    bars = [Bar(label(r.qualification_id, r.level), r.median_days or 0,
                f"{duration(r.median_days)} ({r.completed} completed)" if r.completed
                else "nobody completed yet") for r in c.rows]
    chart = bar_chart("odp-chart-time", bars, caption)
    rows = [(label(r.qualification_id, r.level), r.completed,
             duration(r.median_days, empty="nobody completed")) for r in (*c.rows, t)]
    tab = table("Median time to complete by qualification and level",
                ["Qualification", "Completed", "Median time"], rows)
    return section("time", "Median time to complete", chart + tab)


def risk_section(r: AtRisk, label: Label) -> str:
    t = r.total
    if not t.on_programme:
        caption = "Nobody in view is on programme, so nobody is at risk."
    else:
        caption = (f"{t.at_risk} of {plural(t.on_programme, 'learner')} on programme "
                   f"({t.at_risk / t.on_programme:.0%}) at risk: {t.inactive} with no "
                   f"activity in the last {r.weeks} weeks and {t.past_planned_end} past their "
                   "planned end date.")
    bars = [Bar(f"No activity in {r.weeks} weeks", t.inactive, str(t.inactive)),
            Bar("Past planned end date", t.past_planned_end, str(t.past_planned_end)),
            Bar("At risk (either reason)", t.at_risk, str(t.at_risk))]
    chart = bar_chart("odp-chart-risk", bars, caption, colours=PALETTE[1:4])
    summary = table("Learners at risk by qualification and level",
                    ["Qualification", "On programme", "At risk", "No recent activity",
                     "Past planned end"],
                    [(label(x.qualification_id, x.level), x.on_programme, x.at_risk,
                      x.inactive, x.past_planned_end) for x in (*r.rows, t)])
    shown = r.learners[:AT_RISK_SHOWN]
    listing = table(
        f"Learners at risk, oldest start first ({len(shown)} of {len(r.learners)} shown)",
        ["Name", "Qualification", "Started", "Planned end", "Last activity", "Why"],
        [(x.name, label(x.qualification_id, x.level), uk_short_date(x.start_date),
          uk_short_date(x.planned_end_date),
          uk_short_date(x.last_activity.date()) if x.last_activity else "never",
          x.reasons) for x in shown])
    more = len(r.learners) - len(shown)
    note = (f"<p>{more} more are in the CSV download.</p>" if more > 0 else "")
    return section("risk", "Learners at risk", chart + summary + listing + note)


def group_label(titles: dict[str, str]) -> Label:
    """(qualification id, level) in words; the total row is 'All qualifications'."""

    def label(qual: str, level: int | None) -> str:
        if qual == ALL:
            return "All qualifications"
        return f"{titles.get(qual, qual)} (Level {level})"

    return label
