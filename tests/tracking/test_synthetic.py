"""The synthetic programme: deterministic for a seed, and roughly the right shape."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from course.tracking import metrics
from course.tracking.db import make_engine
from course.tracking.errors import TrackingError
from course.tracking.models import Learner, LineManager, Result
from course.tracking.scope import Viewer
from course.tracking.synthetic import DEFAULT_AS_OF, _read_catalogue, generate_programme

SMALL = 500


def fingerprint(url: str) -> str:
    digest = hashlib.sha256()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            for table in ("departments", "learners", "progress_events", "results"):
                for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")):
                    digest.update(repr(tuple(row)).encode())
    finally:
        engine.dispose()
    return digest.hexdigest()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('synthetic') / 'a.sqlite'}"
    return url, generate_programme(url, learners=SMALL, seed=11)


def test_same_seed_same_rows_other_seed_other_rows(small, tmp_path):
    url, summary = small
    again = f"sqlite:///{tmp_path / 'b.sqlite'}"
    other = f"sqlite:///{tmp_path / 'c.sqlite'}"
    assert generate_programme(again, learners=SMALL, seed=11).events == summary.events
    generate_programme(other, learners=SMALL, seed=12)
    assert fingerprint(url) == fingerprint(again)
    assert fingerprint(url) != fingerprint(other)


def test_shape(small):
    url, summary = small
    catalogue = _read_catalogue()
    # The real qualifications only, so every page shows their real titles.
    assert summary.qualifications == [q.id for q in catalogue.qualifications]
    assert summary.synthetic_qualifications == []

    share = {k: v / SMALL for k, v in summary.status.items()}
    assert 0.38 <= share["completed"] <= 0.58
    assert 0.05 <= share["withdrawn"] <= 0.18
    assert 70 <= summary.events / SMALL <= 130

    engine = make_engine(url)
    with Session(engine) as session:
        teams = Counter(session.scalars(select(Learner.line_manager_id)))
        in_range = sum(n for n in teams.values() if 8 <= n <= 12)
        assert in_range / SMALL >= 0.95, sorted(teams.values())  # tiny departments aside
        assert len(set(teams.values())) > 1
        # One department per manager.
        per_manager = session.execute(
            select(Learner.line_manager_id, func.count(func.distinct(Learner.department_id)))
            .group_by(Learner.line_manager_id)).all()
        assert {n for _, n in per_manager} == {1}
        starts = Counter(d.strftime("%Y-%m") for d in session.scalars(select(Learner.start_date)))
        assert len(starts) == 40  # learners start in each of the 40 months
        assert min(session.scalars(select(Learner.start_date))) >= date(2022, 1, 1)

        rate = metrics.first_time_pass_rate(session, Viewer.profession(), as_of=DEFAULT_AS_OF)
        assert 0.6 <= rate.total.rate <= 0.74
        risk = metrics.at_risk(session, Viewer.profession(), as_of=DEFAULT_AS_OF)
        assert 0 < risk.total.at_risk < risk.total.on_programme
        # A unit with content is stored under its own id, as real learners' are.
        units = set(session.scalars(select(Result.unit_id).distinct()))
        assert "working-in-od" in units and "l3-working-in-od" in units  # 301 has content now
        assert "l3-od-principles-301" not in units
        # Every line manager has a name.
        named = set(session.scalars(select(LineManager.id)))
        assert set(teams) <= named
    engine.dispose()


def test_departments_and_teams_add_up_to_the_profession(small):
    url, _ = small
    engine = make_engine(url)
    with Session(engine) as session:
        whole = metrics.status_counts(session, Viewer.profession(), as_of=DEFAULT_AS_OF).total
        departments = session.scalars(select(Learner.department_id).distinct()).all()
        managers = session.scalars(select(Learner.line_manager_id).distinct()).all()
        for viewers in ([Viewer.department(d) for d in departments],
                        [Viewer.line_manager(m) for m in managers]):
            parts = [metrics.status_counts(session, v, as_of=DEFAULT_AS_OF).total for v in viewers]
            assert sum(p.total for p in parts) == whole.total == SMALL
            assert sum(p.completed for p in parts) == whole.completed
    engine.dispose()


def test_refuses_a_store_that_already_has_learners(small):
    url, _ = small
    with pytest.raises(TrackingError, match="already has learners"):
        generate_programme(url, learners=10, seed=1)


def test_generates_into_a_session_the_caller_commits(empty_store):
    engine = make_engine(empty_store)
    with Session(engine) as session:
        summary = generate_programme(session, learners=40, seed=5)
        assert session.scalar(select(func.count()).select_from(Learner)) == 40
        session.rollback()
        assert session.scalar(select(func.count()).select_from(Learner)) == 0
    engine.dispose()
    assert summary.learners == 40
