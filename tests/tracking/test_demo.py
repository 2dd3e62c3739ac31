"""The embedded default store: created on first run at the newest schema, with a small seeded
cohort, the served learner, and a line manager whose team includes them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course.config import Settings
from course.content import require_course
from course.tracking.db import make_engine
from course.tracking.demo import TEAM_FROM_COHORT, prepare_store
from course.tracking.migrations import current_revision, head_revision
from course.tracking.models import Learner, ProgressEvent

AS_OF = date(2025, 4, 30)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    import shutil

    from tests.conftest import FIXTURES

    root = tmp_path_factory.mktemp("course") / "content"
    shutil.copytree(FIXTURES / "content", root)
    return require_course(root)


def settings(course, tmp_path, **kw) -> Settings:
    return Settings(**{"content_root": course.root, "data_dir": tmp_path / "data",
                       "demo_cohort": 30, **kw})


def learners(url: str) -> list[tuple]:
    engine = make_engine(url)
    with Session(engine) as s:
        rows = s.execute(select(Learner.id, Learner.name, Learner.line_manager_id,
                                Learner.qualification_id, Learner.start_date, Learner.status)
                         .order_by(Learner.id)).all()
    engine.dispose()
    return rows


def test_first_run_creates_the_store_with_cohort_learner_and_team(course, tmp_path):
    s = settings(course, tmp_path)
    ready = prepare_store(s, course, as_of=AS_OF)
    assert (ready.created_cohort, ready.enrolled_learner) == (30, True)
    assert (tmp_path / "data" / "odp.sqlite").is_file()
    assert current_revision(ready.url) == head_revision()
    engine = make_engine(ready.url)
    with Session(engine) as session:
        me = session.get(Learner, "demo-learner")
        assert (me.qualification_id, me.level, me.department_id, me.line_manager_id,
                me.status) == ("l2-sample", 2, "dwp", "demo-manager", "on_programme")
        team = session.scalars(select(Learner.id).where(
            Learner.line_manager_id == "demo-manager")).all()
        assert "demo-learner" in team and len(team) == 1 + TEAM_FROM_COHORT
        assert session.scalar(select(func.count()).select_from(ProgressEvent)) > 0
    engine.dispose()


def test_the_cohort_is_deterministic_and_a_second_run_changes_nothing(course, tmp_path):
    one = prepare_store(settings(course, tmp_path / "a"), course, as_of=AS_OF)
    two = prepare_store(settings(course, tmp_path / "b"), course, as_of=AS_OF)
    assert learners(one.url) == learners(two.url)
    again = prepare_store(settings(course, tmp_path / "a"), course, as_of=AS_OF)
    assert (again.created_cohort, again.enrolled_learner) == (0, False)
    assert learners(again.url) == learners(two.url)


def test_another_served_learner_is_enrolled_without_a_new_cohort(course, tmp_path):
    prepare_store(settings(course, tmp_path), course, as_of=AS_OF)
    later = prepare_store(settings(course, tmp_path, learner="sam", line_manager=""), course,
                          as_of=AS_OF)
    assert (later.created_cohort, later.enrolled_learner) == (0, True)
    rows = {r.id: r for r in learners(later.url)}
    assert len(rows) == 32 and rows["sam"].line_manager_id is None


def test_no_demo_cohort_when_turned_off(course, tmp_path):
    ready = prepare_store(settings(course, tmp_path, demo_cohort=0), course, as_of=AS_OF)
    assert [r.id for r in learners(ready.url)] == ["demo-learner"]
