"""The same hand-worked figures on PostgreSQL, which `odp hub` keeps the store in.

The tests start a throwaway cluster of their own (``course.hub.postgres``: Debian's PostgreSQL,
run as its own OS user, so as root, as CI runs them), or use the empty database named by
ODP_TEST_POSTGRES_URL (for example postgresql+psycopg://odp@/odp?host=/tmp). Skipped only when
neither can be had.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from course.tracking import metrics
from course.tracking.db import make_engine
from course.tracking.ingest import record_event, record_result
from course.tracking.migrations import current_revision, head_revision, upgrade_to_head
from tests.browser import free_port
from tests.tracking import test_metrics as hand
from tests.tracking import test_trends as trends
from tests.tracking.conftest import AS_OF, load_cohort


def _can_run_a_cluster() -> bool:
    from course.hub.postgres import PostgresError, binary

    try:
        binary("initdb")
    except PostgresError:
        return False
    return os.geteuid() == 0  # it runs as its own OS user, which only root can make


pytestmark = pytest.mark.skipif(not (os.environ.get("ODP_TEST_POSTGRES_URL") or _can_run_a_cluster()),
                                reason="needs Debian's PostgreSQL and root, or ODP_TEST_POSTGRES_URL")


@pytest.fixture(scope="module")
def pg_url():
    given = os.environ.get("ODP_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    from course.hub.postgres import Cluster

    folder = Path(tempfile.mkdtemp(prefix="odp-test-pg-", dir="/tmp"))
    folder.chmod(0o755)  # its OS user passes through to its own 0700 folders
    cluster = Cluster(folder / "data", folder / "run", free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster.ensure_database("odp_test", "odp_test", secrets.token_urlsafe(16))
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def pg(pg_url):
    engine = make_engine(pg_url)
    with engine.begin() as conn:  # start from nothing each run
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade_to_head(pg_url)
    with Session(engine) as session, session.begin():
        load_cohort(session)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_migrated(pg, pg_url):
    assert current_revision(pg_url) == head_revision()


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


@pytest.mark.parametrize("check", [trends.test_trends_count_each_month_from_the_first_commencement,
                                   trends.test_filters_narrow_and_never_widen,
                                   trends.test_breakdown_by_department_and_by_team],
                         ids=lambda f: f.__name__.removeprefix("test_"))
def test_trends_match_the_hand_worked_values(pg, check):
    check(pg)  # months are grouped in SQL: PostgreSQL once refused it (GroupingError)
