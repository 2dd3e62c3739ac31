"""The same hand-worked figures on PostgreSQL, when a server is given.

Set ODP_TEST_POSTGRES_URL (for example postgresql+psycopg://odp@/odp?host=/tmp) to an empty
database you can throw away, with the psycopg driver installed. Skipped otherwise.
"""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from course.tracking import metrics
from course.tracking.db import make_engine
from course.tracking.ingest import record_event, record_result
from course.tracking.migrations import current_revision, head_revision, upgrade_to_head
from tests.tracking import test_metrics as hand
from tests.tracking.conftest import AS_OF, load_cohort

URL = os.environ.get("ODP_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="set ODP_TEST_POSTGRES_URL to run")


@pytest.fixture(scope="module")
def pg():
    engine = make_engine(URL)
    with engine.begin() as conn:  # start from nothing each run
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade_to_head(URL)
    with Session(engine) as session, session.begin():
        load_cohort(session)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_migrated(pg):
    assert current_revision(URL) == head_revision()


@pytest.mark.parametrize("who", hand.VIEWERS)
def test_every_figure_matches_the_hand_worked_values(pg, who):
    viewer = hand.VIEWERS[who]
    for make, expected in ((metrics.funnel, hand.FUNNEL), (metrics.status_counts, hand.STATUS),
                           (metrics.first_time_pass_rate, hand.PASS),
                           (metrics.time_to_complete, hand.TIME)):
        figure = make(pg, viewer, as_of=AS_OF)
        assert (hand.rows_of(figure), hand.total_of(figure)) == expected[who], make.__name__
    risk = metrics.at_risk(pg, viewer, as_of=AS_OF)
    listed = [(x.learner_id, x.last_activity, x.days_inactive, x.inactive, x.past_planned_end)
              for x in risk.learners]
    assert (hand.rows_of(risk), hand.total_of(risk), listed) == hand.RISK[who]


def test_ingest_is_idempotent_on_postgres(pg):
    at = datetime(2025, 3, 30, 8)
    assert record_event(pg, "A3", "u302", "opened", at) is True
    assert record_event(pg, "A3", "u302", "opened", at) is False
    record_result(pg, "A3", "u301", 1, 10, 20, False, at)
    record_result(pg, "A3", "u301", 1, 14, 20, True, at)
    assert pg.execute(text("SELECT score, passed FROM results WHERE learner_id = 'A3'")).all() == [
        (14.0, True)]
    pg.rollback()
