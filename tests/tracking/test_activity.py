"""A learner's units from the store (attempts, provisional and final results, misconceptions)
and the CPD log with every version kept."""

from __future__ import annotations

from datetime import datetime

from course.tracking.activity import cpd_log, learners, unit_activity
from course.tracking.ingest import record_cpd_log, record_event, record_result
from course.tracking.scope import Viewer
from tests.tracking.conftest import AS_OF


def test_attempts_join_the_submit_and_its_result(session):
    record_event(session, "L1", "u1", "submitted", datetime(2025, 2, 1, 10),
                 {"attempt": 1, "score": 6, "max_score": 10})
    record_event(session, "L1", "u1", "answered", datetime(2025, 1, 20, 10),
                 {"item": "q1", "attempt": 1, "correct": False, "misconception": "m-loyalty"})
    record_result(session, "L1", "u1", 1, 5, 10, False, datetime(2025, 2, 3))
    record_event(session, "L1", "u1", "submitted", datetime(2025, 2, 20, 10), {"attempt": 2})
    u = unit_activity(session, ["L1"], as_of=AS_OF)["L1"]["u1"]
    first, second = u.attempts
    assert (first.provisional_score, first.score, first.passed) == (6, 5, False)
    assert second.graded is False and second.submitted_at == datetime(2025, 2, 20, 10)
    assert u.misconceptions == {"m-loyalty": 1} and u.practice_items == {"q1"}
    assert u.passed is False


def test_a_viewer_only_gets_the_learners_in_scope(cohort):
    assert [x.id for x in learners(cohort, Viewer.learner("A4"))] == ["A4"]
    assert {x.id for x in learners(cohort, Viewer.line_manager("M2"))} == {"B1", "B2", "B3", "B4"}
    assert learners(cohort, Viewer.learner("A4"), "B1") == []


def test_an_edited_cpd_entry_keeps_every_version(session):
    entry = {"date": "2025-01-10", "plan": "Shadow a colleague", "do": "", "review": ""}
    assert record_cpd_log(session, "L1", "u1", "cpd", [entry], datetime(2025, 1, 10)) == 1
    assert record_cpd_log(session, "L1", "u1", "cpd", [entry], datetime(2025, 1, 11)) == 0
    reviewed = {**entry, "review": "I now ask open questions first"}
    assert record_cpd_log(session, "L1", "u1", "cpd", [reviewed], datetime(2025, 2, 10)) == 1
    versions = cpd_log(session, "L1")
    assert [(v.version, v.review) for v in versions] == [
        (1, ""), (2, "I now ask open questions first")]
