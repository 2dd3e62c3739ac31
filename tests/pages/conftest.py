"""A store for the pages: the hand-worked cohort (tests/tracking/conftest.py) plus Priya
Patel, a Level 2 learner in M1's team whose history covers every status a unit can have.

As at 2025-03-31 (UK time is BST from 30 March 2025):

    unit 201 working-in-od       attempt 1 provisional 6/10, failed 6/10 on 12 Feb;
                                 attempt 2 passed 9/10 on 5 Mar; two misconceptions shown
    unit 207 data-security       attempt 1 submitted 28 Mar 14:30 UTC, provisional 8/10: awaiting
    unit 208 equality-diversity  attempt 1 failed 4/10 on 27 Mar: resit from 3 April 2025
    unit 202                     not started (no app yet)

Her CPD log has one entry saved twice (the review written later).
"""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from course.content import load_course
from course.tracking.db import make_engine
from course.tracking.ingest import (
    record_cpd_log, record_event, record_line_manager, record_result,
)
from course.tracking.models import Learner, ProgressEvent, Result
from tests.conftest import REPO
from tests.tracking.conftest import AS_OF, cohort_url  # noqa: F401

PRIYA = "P1"
MISTAKE_1 = "Loyalty to your manager or minister is a Code value"
MISTAKE_2 = "The Civil Service Code comes from human rights law"


# The cohort's unit ids as the store names real units (tracking.activity.unit_key), so the
# pages find them in the catalogue.
UNIT_IDS = {"u201": "working-in-od", "u202": "l2-od-principles-202",
            "u301": "l3-od-principles-301", "u302": "l3-od-principles-302"}


def catalogue_units(session: Session) -> None:
    for table in (ProgressEvent, Result):
        for old, new in UNIT_IDS.items():
            session.execute(update(table).where(table.unit_id == old).values(unit_id=new))


def add_priya(session: Session) -> None:
    session.add(Learner(id=PRIYA, name="Priya Patel", email="priya@example.org",
                        department_id="dwp", line_manager_id="M1",
                        qualification_id="l2-od-principles", level=2,
                        start_date=date(2025, 1, 6), planned_end_date=date(2025, 10, 6)))
    session.flush()
    record_line_manager(session, "M1", "Gareth Evans", "dwp")
    record_line_manager(session, "M2", "Niamh Quinn", "hmrc")

    def event(unit, kind, at, **detail):
        record_event(session, PRIYA, unit, kind, datetime.fromisoformat(at), detail or None)

    event("working-in-od", "opened", "2025-01-07T09:00")
    event("working-in-od", "answered", "2025-01-07T09:10", item="wod-rv-q1", attempt=1,
          correct=False, misconception=MISTAKE_1)
    event("working-in-od", "answered", "2025-01-07T09:12", item="wod-rv-q1", attempt=1,
          correct=True)
    event("working-in-od", "answered", "2025-01-08T10:00", item="wod-rv-q2", attempt=1,
          correct=False, misconception=MISTAKE_2)
    event("working-in-od", "submitted", "2025-02-10T14:30", attempt=1, score=6, max_score=10)
    record_result(session, PRIYA, "working-in-od", 1, 6, 10, False, datetime(2025, 2, 12, 10))
    event("working-in-od", "submitted", "2025-03-03T11:00", attempt=2)
    record_result(session, PRIYA, "working-in-od", 2, 9, 10, True, datetime(2025, 3, 5, 10))
    event("data-security", "opened", "2025-03-10T09:00")
    event("data-security", "answered", "2025-03-10T09:05", item="x", attempt=1, correct=True)
    event("data-security", "submitted", "2025-03-28T14:30", attempt=1, score=8, max_score=10)
    event("equality-diversity", "opened", "2025-03-12T09:00")
    event("equality-diversity", "submitted", "2025-03-24T16:00", attempt=1, score=4,
          max_score=10)
    record_result(session, PRIYA, "equality-diversity", 1, 4, 10, False,
                  datetime(2025, 3, 27, 12))
    record_cpd_log(session, PRIYA, "working-in-od", "cpd", [
        {"date": "2025-01-10", "plan": "Read the Civil Service Code again", "do": "", "review": ""}
    ], datetime(2025, 1, 10, 12))
    record_cpd_log(session, PRIYA, "working-in-od", "cpd", [
        {"date": "2025-01-10", "plan": "Read the Civil Service Code again",
         "do": "Read it and talked it through with Gareth",
         "review": "=I now check the four values before I reply to a complaint"}
    ], datetime(2025, 2, 20, 12))


@pytest.fixture(scope="session")
def course():
    return load_course(REPO, with_banks=False)


@pytest.fixture(scope="session")
def pages_url(cohort_url, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("pages") / "odp.sqlite"
    shutil.copyfile(cohort_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        catalogue_units(session)
        add_priya(session)
    engine.dispose()
    return url


@pytest.fixture
def store(pages_url, tmp_path) -> str:
    """A private copy, for a test that writes (a result arriving)."""
    path = tmp_path / "odp.sqlite"
    shutil.copyfile(pages_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def session(pages_url):
    engine = make_engine(pages_url)
    with Session(engine) as session:
        yield session
        session.rollback()
    engine.dispose()


__all__ = ["AS_OF", "MISTAKE_1", "MISTAKE_2", "PRIYA"]
