"""Role scoping happens in the data layer: every query a figure runs is limited to the
learners its viewer may see."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from course.tracking import metrics
from course.tracking.errors import TrackingError
from course.tracking.models import Learner
from course.tracking.scope import Role, Viewer, scoped_learners, visible_learner_ids
from course.tracking.unit_progress import unit_progress
from tests.tracking.conftest import AS_OF

FIGURES = [metrics.funnel, metrics.status_counts, metrics.first_time_pass_rate,
           metrics.time_to_complete, metrics.at_risk, unit_progress]


def ids(session, viewer) -> set[str]:
    return set(session.scalars(visible_learner_ids(viewer)))


def test_each_role_sees_exactly_its_learners(cohort):
    everyone = {"A1", "A2", "A3", "A4", "A5", "B1", "B2", "B3", "B4", "C1", "F1"}
    assert ids(cohort, Viewer.profession()) == everyone
    assert ids(cohort, Viewer.department("dwp")) == {"A1", "A2", "A3", "A4", "A5", "F1"}
    assert ids(cohort, Viewer.department("hmrc")) == {"B1", "B2", "B3", "B4", "C1"}
    assert ids(cohort, Viewer.line_manager("M1")) == {"A1", "A2", "A3", "A4", "A5", "C1", "F1"}
    assert ids(cohort, Viewer.line_manager("M2")) == {"B1", "B2", "B3", "B4"}
    assert ids(cohort, Viewer.learner("B3")) == {"B3"}
    # A manager is not a learner: their person id does not make them visible to themself.
    assert ids(cohort, Viewer.learner("M1")) == set()
    rows = cohort.scalars(scoped_learners(Viewer.line_manager("M2"))).all()
    assert {r.line_manager_id for r in rows} == {"M2"}


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("viewer, clause, value", [
    (Viewer.line_manager("M1"), "learners.line_manager_id = ?", "M1"),
    (Viewer.department("hmrc"), "learners.department_id = ?", "hmrc"),
    (Viewer.learner("A4"), "learners.id = ?", "A4"),
])
def test_every_query_carries_the_scope(cohort, figure, viewer, clause, value):
    """Captures the SQL a figure sends: each statement filters by the viewer's scope."""
    sent: list[tuple[str, tuple]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    engine = cohort.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        figure(cohort, viewer, as_of=AS_OF)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert sent
    for statement, parameters in sent:
        assert clause in statement, statement
        assert value in parameters


def test_a_managers_figures_never_include_another_team(cohort):
    m1 = Viewer.line_manager("M1")
    m2 = Viewer.line_manager("M2")
    risk1 = metrics.at_risk(cohort, m1, as_of=AS_OF)
    assert {x.line_manager_id for x in risk1.learners} == {"M1"}
    assert {x.learner_id for x in metrics.at_risk(cohort, m2, as_of=AS_OF).learners} == {"B2", "B3"}
    # The two teams partition the commenced learners, so their figures add up to everyone's.
    whole = metrics.funnel(cohort, Viewer.profession(), as_of=AS_OF).total
    one = metrics.funnel(cohort, m1, as_of=AS_OF).total
    two = metrics.funnel(cohort, m2, as_of=AS_OF).total
    for stage in ("started", "active", "submitted", "passed", "completed"):
        assert getattr(one, stage) + getattr(two, stage) == getattr(whole, stage)


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.__name__)
def test_figures_cannot_be_called_without_a_viewer(cohort, figure):
    with pytest.raises(TypeError):
        figure(cohort)  # no viewer argument
    with pytest.raises(TypeError):
        figure(cohort, None, as_of=AS_OF)
    with pytest.raises(TypeError):
        figure(cohort, "profession", as_of=AS_OF)


def test_a_viewer_must_say_who_they_are():
    with pytest.raises(TrackingError, match="person_id"):
        Viewer(Role.LINE_MANAGER)
    with pytest.raises(TrackingError, match="person_id"):
        Viewer("learner")
    with pytest.raises(TrackingError, match="department_id"):
        Viewer(Role.DEPARTMENT, person_id="x")
    with pytest.raises(TrackingError, match="unknown role"):
        Viewer("admin")
    assert Viewer("line_manager", person_id="M1").role is Role.LINE_MANAGER


def test_scoped_select_can_be_extended(cohort):
    stmt = scoped_learners(Viewer.department("dwp")).where(Learner.status == "completed")
    assert sorted(r.id for r in cohort.scalars(stmt)) == ["A1", "A2"]
    assert cohort.scalar(select(Learner.id).where(Learner.id == "F1")) == "F1"
