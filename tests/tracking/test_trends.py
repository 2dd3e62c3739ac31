"""Trends by month, the breakdown by department or team, and filters, on the hand-worked
cohort (tests/tracking/conftest.py), each figure worked out by hand from its table."""

from __future__ import annotations

from datetime import date

from course.tracking.scope import Viewer
from course.tracking.trends import Filters, breakdown, monthly_trends
from tests.tracking.conftest import AS_OF

EVERYONE = Viewer.profession()


def month(rows, y, m):
    return next(r for r in rows if r.month == date(y, m, 1))


def test_trends_count_each_month_from_the_first_commencement(cohort):
    rows = monthly_trends(cohort, EVERYONE, Filters(), as_of=AS_OF)
    assert rows[0].month == date(2024, 1, 1) and rows[-1].month == date(2025, 3, 1)
    assert len(rows) == 15  # January 2024 to March 2025, months with nothing included
    jan = month(rows, 2024, 1)
    assert (jan.commenced, jan.completed) == (2, 0)  # A1, B1 (F1 starts after as_of: never)
    sep = month(rows, 2024, 9)
    assert (sep.commenced, sep.completed, sep.median_days) == (1, 1, 244)  # A5 in; A1 done
    # First attempts by month graded: A4 (Sep, fail) and C1 (Oct, pass) and A2 u202 (Dec).
    assert (sep.first_attempts, sep.passed_first_time) == (1, 0)
    assert (month(rows, 2024, 10).first_attempts, month(rows, 2024, 10).pass_rate) == (1, 1.0)
    assert month(rows, 2025, 1).completed == 1 and month(rows, 2025, 1).median_days == 349
    assert month(rows, 2025, 2).pass_rate is None  # nothing graded: no rate, not 0%


def test_filters_narrow_and_never_widen(cohort):
    everyone = monthly_trends(cohort, EVERYONE, Filters(), as_of=AS_OF)
    level3 = monthly_trends(cohort, EVERYONE, Filters(level=3), as_of=AS_OF)
    assert sum(r.commenced for r in everyone) == 10
    assert sum(r.commenced for r in level3) == 5  # A3 A4 B2 B3 C1
    team = monthly_trends(cohort, Viewer.department("hmrc"), Filters(line_manager_id="M1"),
                          as_of=AS_OF)
    assert sum(r.commenced for r in team) == 1  # C1: in HMRC and in M1's team
    dated = monthly_trends(cohort, EVERYONE, Filters(started_from=date(2024, 5, 1),
                                                     started_to=date(2024, 7, 31)), as_of=AS_OF)
    assert sum(r.commenced for r in dated) == 3  # A3 B2 B3


def test_breakdown_by_department_and_by_team(cohort):
    depts = breakdown(cohort, EVERYONE, Filters(), as_of=AS_OF)
    assert [(d.group_id, d.learners, d.completed, d.withdrawn) for d in depts] == [
        ("dwp", 5, 2, 1), ("hmrc", 5, 1, 0)]  # the same size: by name
    dwp = depts[0]  # first attempts: A1 u201 pass, u202 fail; A2 both pass; A4 u301 fail
    assert (dwp.first_attempts, dwp.passed_first_time, dwp.median_days) == (5, 3, 296.5)
    teams = breakdown(cohort, Viewer.department("hmrc"), Filters(), as_of=AS_OF, by="team")
    assert {t.group_id: t.learners for t in teams} == {"M2": 4, "M1": 1}
