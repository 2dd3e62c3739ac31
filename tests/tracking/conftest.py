"""A small cohort whose every dashboard figure is worked out by hand in test_metrics.py.

As at 2025-03-31 with a 4-week window (2025-03-04 00:00 to 2025-04-01 00:00):

    id  dept  manager qual level start       planned end status        completed_on
    A1  dwp   M1      L2   2     2024-01-01  2024-10-01  completed     2024-09-01 (244 days)
    A2  dwp   M1      L2   2     2024-02-01  2024-11-01  completed     2025-01-15 (349 days)
    A3  dwp   M1      L3   3     2024-06-01  2025-06-01  on_programme  active 2025-03-20
    A4  dwp   M1      L3   3     2024-03-01  2025-03-01  on_programme  active, past planned end
    A5  dwp   M1      L2   2     2024-09-01  2025-06-01  withdrawn
    B1  hmrc  M2      L2   2     2024-01-15  2024-10-15  completed     2024-11-14 (304 days)
    B2  hmrc  M2      L3   3     2024-05-01  2025-05-01  on_programme  no events at all
    B3  hmrc  M2      L3   3     2024-07-01  2025-03-15  on_programme  last 2025-01-10, past end
    B4  hmrc  M2      L2   2     2025-03-20  2025-12-20  on_programme  started inside the window
    C1  hmrc  M1      L3   3     2024-04-01  2025-04-01  on_programme  event at 2025-03-04 00:00
    F1  dwp   M1      L2   2     2025-05-01  2026-02-01  on_programme  not commenced: never counted

C1 works in HMRC but reports to M1, so a manager's team and a department differ.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from course.tracking.db import make_engine
from course.tracking.ingest import record_event, record_result
from course.tracking.migrations import upgrade_to_head
from course.tracking.models import Department, Learner

AS_OF = date(2025, 3, 31)
L2, L3 = "l2-od-principles", "l3-od-principles"

LEARNERS = [
    # id, dept, manager, qual, start, planned end, status, completed_on
    ("A1", "dwp", "M1", L2, "2024-01-01", "2024-10-01", "completed", "2024-09-01"),
    ("A2", "dwp", "M1", L2, "2024-02-01", "2024-11-01", "completed", "2025-01-15"),
    ("A3", "dwp", "M1", L3, "2024-06-01", "2025-06-01", "on_programme", None),
    ("A4", "dwp", "M1", L3, "2024-03-01", "2025-03-01", "on_programme", None),
    ("A5", "dwp", "M1", L2, "2024-09-01", "2025-06-01", "withdrawn", None),
    ("B1", "hmrc", "M2", L2, "2024-01-15", "2024-10-15", "completed", "2024-11-14"),
    ("B2", "hmrc", "M2", L3, "2024-05-01", "2025-05-01", "on_programme", None),
    ("B3", "hmrc", "M2", L3, "2024-07-01", "2025-03-15", "on_programme", None),
    ("B4", "hmrc", "M2", L2, "2025-03-20", "2025-12-20", "on_programme", None),
    ("C1", "hmrc", "M1", L3, "2024-04-01", "2025-04-01", "on_programme", None),
    ("F1", "dwp", "M1", L2, "2025-05-01", "2026-02-01", "on_programme", None),
]

EVENTS = [  # learner, unit, kind, at
    ("A1", "u201", "opened", "2024-01-02T10:00"), ("A1", "u201", "answered", "2024-01-05T10:00"),
    ("A1", "u201", "submitted", "2024-03-01T10:00"), ("A1", "u202", "opened", "2024-04-01T10:00"),
    ("A1", "u202", "submitted", "2024-07-01T10:00"),
    ("A2", "u201", "opened", "2024-02-02T10:00"), ("A2", "u201", "submitted", "2024-05-01T10:00"),
    ("A2", "u202", "submitted", "2024-12-01T10:00"),
    ("A3", "u301", "opened", "2024-06-02T10:00"), ("A3", "u301", "answered", "2025-03-20T12:00"),
    ("A4", "u301", "opened", "2024-03-02T10:00"), ("A4", "u301", "submitted", "2024-09-01T10:00"),
    ("A4", "u302", "answered", "2025-03-31T17:00"),
    ("A5", "u201", "opened", "2024-09-02T10:00"), ("A5", "u201", "answered", "2024-10-01T10:00"),
    ("B1", "u201", "opened", "2024-01-16T10:00"), ("B1", "u201", "submitted", "2024-04-01T10:00"),
    ("B1", "u202", "submitted", "2024-08-01T10:00"),
    ("B3", "u301", "opened", "2024-07-02T10:00"), ("B3", "u301", "answered", "2025-01-10T09:00"),
    ("B3", "u302", "opened", "2025-04-05T10:00"),  # after as_of: ignored by every figure
    ("C1", "u301", "opened", "2024-04-02T10:00"), ("C1", "u301", "submitted", "2024-10-01T10:00"),
    ("C1", "u302", "answered", "2025-03-04T00:00"),  # the first moment of the window
]

RESULTS = [  # learner, unit, attempt, score (of 20), passed, graded
    ("A1", "u201", 1, 16, True, "2024-03-05"),
    ("A1", "u202", 1, 10, False, "2024-07-05"), ("A1", "u202", 2, 15, True, "2024-08-05"),
    ("A2", "u201", 1, 17, True, "2024-05-05"), ("A2", "u202", 1, 18, True, "2024-12-05"),
    ("A4", "u301", 1, 9, False, "2024-09-05"), ("A4", "u301", 2, 14, True, "2024-10-05"),
    ("B1", "u201", 1, 11, False, "2024-04-05"), ("B1", "u201", 2, 16, True, "2024-05-05"),
    ("B1", "u202", 1, 19, True, "2024-08-05"),
    ("B3", "u301", 1, 8, False, "2025-01-20"),  # a result with no submitted event
    ("C1", "u301", 1, 15, True, "2024-10-05"),
]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def load_cohort(session: Session) -> None:
    session.add_all([Department(id="dwp", name="Department for Work and Pensions"),
                     Department(id="hmrc", name="HM Revenue and Customs")])
    for lid, dept, manager, qual, start, end, status, done in LEARNERS:
        session.add(Learner(
            id=lid, name=f"Learner {lid}", email=f"{lid.lower()}@example.org",
            department_id=dept, line_manager_id=manager, qualification_id=qual,
            level=2 if qual == L2 else 3, start_date=_day(start), planned_end_date=_day(end),
            status=status, completed_on=_day(done)))
    session.flush()
    for lid, unit, kind, at in EVENTS:
        record_event(session, lid, unit, kind, datetime.fromisoformat(at))
    for lid, unit, attempt, score, passed, graded in RESULTS:
        record_result(session, lid, unit, attempt, score, 20, passed,
                      datetime.fromisoformat(graded))


@pytest.fixture(scope="session")
def cohort_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cohort') / 'odp.sqlite'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        load_cohort(session)
    engine.dispose()
    return url


@pytest.fixture
def cohort(cohort_url):
    """A read-only session on the hand-worked cohort (rolled back after each test)."""
    engine = make_engine(cohort_url)
    with Session(engine) as session:
        yield session
        session.rollback()
    engine.dispose()


@pytest.fixture
def empty_store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'odp.sqlite'}"
    upgrade_to_head(url)
    return url


@pytest.fixture
def session(empty_store):
    """An empty store with one department and one learner, L1 (for ingest tests)."""
    engine = make_engine(empty_store)
    with Session(engine) as session:
        session.add(Department(id="dvla", name="Driver and Vehicle Licensing Agency"))
        session.add(Learner(id="L1", name="Pat", email="pat@example.org", department_id="dvla",
                            line_manager_id="M1", qualification_id="l2-od-principles", level=2,
                            start_date=date(2025, 1, 6), planned_end_date=date(2025, 10, 6)))
        session.commit()
        yield session
    engine.dispose()
