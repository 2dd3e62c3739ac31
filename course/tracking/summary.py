"""Each learner's summary of their events and results, kept on their ``learners`` row:

- ``last_active_at``: their latest progress event;
- ``submitted_any``: a ``submitted`` event or a result; ``passed_any``: a passing result;
- ``first_attempts`` / ``first_passes``: units with a graded attempt 1, and how many passed.

:mod:`course.tracking.ingest` keeps it as events and results arrive; :func:`refresh_learners`
rebuilds it from the tables (the migration that added it, and the synthetic programme, call
it). Dashboards then aggregate learner rows only.
"""

from __future__ import annotations

from sqlalchemy import Connection, exists, func, or_, select, update

from course.tracking.models import Learner as L
from course.tracking.models import ProgressEvent as E
from course.tracking.models import Result as R


def refresh_learners(connection: Connection, learner_ids: list[str] | None = None) -> None:
    """Recompute the summary columns of ``learner_ids`` (default: everyone) from the tables."""
    firsts = select(func.count()).where(R.learner_id == L.id, R.attempt == 1)
    stmt = update(L).values(
        last_active_at=select(func.max(E.at)).where(E.learner_id == L.id).scalar_subquery(),
        submitted_any=or_(exists().where(E.learner_id == L.id, E.kind == "submitted"),
                          exists().where(R.learner_id == L.id)),
        passed_any=exists().where(R.learner_id == L.id, R.passed.is_(True)),
        first_attempts=firsts.scalar_subquery(),
        first_passes=firsts.where(R.passed.is_(True)).scalar_subquery(),
    )
    if learner_ids is not None:
        stmt = stmt.where(L.id.in_(learner_ids))
    connection.execute(stmt.execution_options(synchronize_session=False))


__all__ = ["refresh_learners"]
