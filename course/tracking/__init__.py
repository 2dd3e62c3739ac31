"""The tracking store: every learner from commencement to completion, and dashboard figures.

- :mod:`~course.tracking.models` the tables; :mod:`~course.tracking.db` engines and sessions;
  :mod:`~course.tracking.migrations` the versioned schema (``upgrade_to_head``);
- :mod:`~course.tracking.scope` who may see whom (:class:`Viewer`);
- :mod:`~course.tracking.metrics` the dashboard figures, always for a Viewer;
- :mod:`~course.tracking.ingest` ``record_event`` and ``record_result``;
- :mod:`~course.tracking.synthetic` a seeded made-up programme for demos and benchmarks.

See ``docs/tracking.md``.
"""

from course.tracking.db import make_engine, session_factory, session_scope
from course.tracking.errors import TrackingError
from course.tracking.ingest import record_event, record_result
from course.tracking.metrics import (
    AtRisk, FirstTimePassRate, Funnel, StatusCounts, TimeToComplete, at_risk,
    first_time_pass_rate, funnel, status_counts, time_to_complete,
)
from course.tracking.migrations import current_revision, upgrade_to_head
from course.tracking.models import Department, Learner, ProgressEvent, Result
from course.tracking.scope import Role, Viewer, visible_learners

__all__ = [
    "AtRisk", "Department", "FirstTimePassRate", "Funnel", "Learner", "ProgressEvent", "Result",
    "Role", "StatusCounts", "TimeToComplete", "TrackingError", "Viewer", "at_risk",
    "current_revision", "first_time_pass_rate", "funnel", "make_engine", "record_event",
    "record_result", "session_factory", "session_scope", "status_counts", "time_to_complete",
    "upgrade_to_head", "visible_learners",
]
