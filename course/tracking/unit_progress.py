"""Progress unit by unit for the learners a Viewer may see: the learner's own dashboard.

One row per (learner, unit) with any activity up to ``as_of`` or any graded attempt: when the
unit was first and last worked on, how many answers and submissions, how many attempts were
graded, and whether the unit is passed. Scoped like every figure (``metrics._in_scope``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from course.tracking.metrics import _as_datetime, _count_if, _Figure, _in_scope, _window
from course.tracking.models import Learner as L
from course.tracking.models import ProgressEvent as E
from course.tracking.models import Result as R
from course.tracking.scope import Viewer


@dataclass(frozen=True)
class UnitProgressRow:
    learner_id: str
    unit_id: str
    first_activity: datetime | None
    last_activity: datetime | None
    answers: int
    submissions: int
    graded_attempts: int
    passed: bool | None  # None until an attempt is graded
    passed_first_time: bool | None  # None until attempt 1 is graded

    @property
    def state(self) -> str:
        """Plain words for where the learner is with this unit."""
        if self.passed:
            return "passed" if self.passed_first_time else "passed at a resit"
        if self.submissions > self.graded_attempts:
            return "submitted: awaiting result"
        if self.graded_attempts:
            return "not passed yet: resit"
        return "in progress"


@dataclass(frozen=True)
class UnitProgress(_Figure):
    viewer: Viewer
    as_of: date
    rows: list[UnitProgressRow] = field(default_factory=list)
    title = "Progress by unit"

    def to_frame(self) -> pd.DataFrame:
        names = [f.name for f in fields(UnitProgressRow)]
        frame = pd.DataFrame.from_records([asdict(r) for r in self.rows], columns=names)
        frame["state"] = [r.state for r in self.rows]
        return frame


def unit_progress(session: Session, viewer: Viewer, *, as_of: date | None = None) -> UnitProgress:
    window = _window(as_of, 1)
    scope = _in_scope(viewer, window.as_of)
    events = (select(E.learner_id, E.unit_id, func.min(E.at), func.max(E.at),
                     _count_if(E.kind == "answered"), _count_if(E.kind == "submitted"))
              .join(L, L.id == E.learner_id)
              .where(scope, E.at < window.end)
              .group_by(E.learner_id, E.unit_id))
    results = (select(R.learner_id, R.unit_id, func.count(), _count_if(R.passed.is_(True)),
                      _count_if(and_(R.attempt == 1, R.passed.is_(True))),
                      _count_if(R.attempt == 1))
               .join(L, L.id == R.learner_id)
               .where(scope)
               .group_by(R.learner_id, R.unit_id))
    found: dict[tuple[str, str], list] = {}
    for learner, unit, first, last, answers, submitted in session.execute(events):
        found[(learner, unit)] = [_as_datetime(first), _as_datetime(last), int(answers),
                                  int(submitted), 0, None, None]
    for learner, unit, graded, passes, first_passes, firsts in session.execute(results):
        row = found.setdefault((learner, unit), [None, None, 0, 0, 0, None, None])
        row[4:] = [int(graded), bool(passes), bool(first_passes) if firsts else None]
    rows = [UnitProgressRow(*key, *values) for key, values in sorted(found.items())]
    return UnitProgress(viewer, window.as_of, rows)
