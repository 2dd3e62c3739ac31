"""Each learner's summary columns (course.tracking.summary) agree with the events and results
they summarise, as ingest keeps them; and the figures read from them equal the figures read
from the events."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from course.tracking import metrics
from course.tracking.ingest import record_event, record_result
from course.tracking.models import Learner
from course.tracking.scope import Viewer
from course.tracking.summary import refresh_learners


def summaries(session):
    return {r.id: (r.last_active_at, r.submitted_any, r.passed_any, r.first_attempts,
                   r.first_passes)
            for r in session.scalars(select(Learner).execution_options(populate_existing=True))}


def test_ingest_keeps_the_summary_as_a_rebuild_would(cohort):
    kept = summaries(cohort)
    assert kept["A1"] == (datetime(2024, 7, 1, 10), True, True, 2, 1)
    assert kept["B2"] == (None, False, False, 0, 0)
    assert kept["B3"][1:] == (True, False, 1, 0)  # a result with no submitted event
    refresh_learners(cohort.connection())
    assert summaries(cohort) == kept


def test_a_regrade_and_a_new_event_update_the_summary(session):
    record_event(session, "L1", "u1", "submitted", datetime(2025, 2, 1, 10), {"attempt": 1})
    record_result(session, "L1", "u1", 1, 5, 10, False, datetime(2025, 2, 3))
    assert summaries(session)["L1"] == (datetime(2025, 2, 1, 10), True, False, 1, 0)
    record_result(session, "L1", "u1", 1, 8, 10, True, datetime(2025, 2, 4))  # regraded
    assert summaries(session)["L1"][2:] == (True, 1, 1)


def test_figures_from_the_summary_equal_figures_from_the_events(cohort, monkeypatch):
    late = date(2025, 4, 30)  # after every event: the summary path is taken
    everyone = Viewer.profession()
    fast = (metrics.funnel(cohort, everyone, as_of=late),
            metrics.at_risk(cohort, everyone, as_of=late))
    monkeypatch.setattr(metrics, "_nothing_after", lambda *a: False)
    slow = (metrics.funnel(cohort, everyone, as_of=late),
            metrics.at_risk(cohort, everyone, as_of=late))
    assert fast == slow
    assert fast[0].total.active > 0 and fast[1].total.at_risk > 0
