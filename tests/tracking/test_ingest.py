"""record_event and record_result: validated, idempotent, timestamps stored as naive UTC."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from course.tracking.errors import TrackingError
from course.tracking.ingest import record_event, record_result
from course.tracking.models import ProgressEvent, Result


AT = datetime(2025, 2, 3, 14, 30)


def test_record_event_is_idempotent(session):
    assert record_event(session, "L1", "u201", "answered", AT, {"question": "q1"}) is True
    assert record_event(session, "L1", "u201", "answered", AT, {"question": "q1"}) is False
    assert record_event(session, "L1", "u201", "submitted", AT) is True
    session.commit()
    rows = session.execute(select(ProgressEvent.kind, ProgressEvent.detail)
                           .order_by(ProgressEvent.kind)).all()
    assert rows == [("answered", {"question": "q1"}), ("submitted", None)]


def test_aware_times_are_stored_as_utc(session):
    bst = timezone(timedelta(hours=1))
    record_event(session, "L1", "u201", "opened", datetime(2025, 6, 1, 10, 0, tzinfo=bst))
    assert session.scalar(select(ProgressEvent.at)) == datetime(2025, 6, 1, 9, 0)
    # The same moment written naively in UTC is the same event.
    assert record_event(session, "L1", "u201", "opened", datetime(2025, 6, 1, 9, 0)) is False


def test_record_event_refuses_bad_input(session):
    with pytest.raises(TrackingError, match="unknown event kind"):
        record_event(session, "L1", "u201", "clicked", AT)
    with pytest.raises(TrackingError, match="no learner"):
        record_event(session, "nobody", "u201", "opened", AT)


def test_record_result_replaces_a_regraded_attempt(session):
    record_result(session, "L1", "u201", 1, 12, 20, False, AT)
    record_result(session, "L1", "u201", 1, 15, 20, True, AT + timedelta(days=1))
    record_result(session, "L1", "u201", 2, 18, 20, True, AT + timedelta(days=30))
    session.commit()
    rows = session.execute(select(Result.attempt, Result.score, Result.passed,
                                  Result.qualification_id).order_by(Result.attempt)).all()
    assert rows == [(1, 15.0, True, "l2-od-principles"), (2, 18.0, True, "l2-od-principles")]


def test_record_result_refuses_bad_marks(session):
    for attempt, score, most in ((0, 1, 20), (1, 21, 20), (1, -1, 20), (1, 0, 0)):
        with pytest.raises(TrackingError):
            record_result(session, "L1", "u201", attempt, score, most, False, AT)
    with pytest.raises(TrackingError, match="no learner"):
        record_result(session, "ghost", "u201", 1, 10, 20, True, AT)
    assert session.scalar(select(func.count()).select_from(Result)) == 0
