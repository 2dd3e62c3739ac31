"""Filters, trends by month and the breakdown by department, for the department and
profession pages. Everything is one SQL aggregate over the viewer's scope (indexes from
revision 0002), so a page stays well under 100 ms on 20,000 learners.

- **Filters** narrow the learners counted: qualification, level, department, team (line
  manager) and a commencement date range. They never widen a viewer's scope.
- **Trends by month**: learners who commenced that month, who completed that month, first
  attempts graded that month and how many passed, and the median time to complete of those who
  completed that month.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, literal_column, select, true
from sqlalchemy.orm import Session

from course.tracking.metrics import _in_scope, days_between
from course.tracking.models import Department, Learner, LineManager, Result
from course.tracking.scope import Viewer

L, R = Learner, Result


@dataclass(frozen=True)
class Filters:
    qualification_id: str | None = None
    level: int | None = None
    department_id: str | None = None
    line_manager_id: str | None = None
    started_from: date | None = None
    started_to: date | None = None

    def where(self) -> ColumnElement[bool]:
        parts = []
        if self.qualification_id:
            parts.append(L.qualification_id == self.qualification_id)
        if self.level is not None:
            parts.append(L.level == self.level)
        if self.department_id:
            parts.append(L.department_id == self.department_id)
        if self.line_manager_id:
            parts.append(L.line_manager_id == self.line_manager_id)
        if self.started_from:
            parts.append(L.start_date >= self.started_from)
        if self.started_to:
            parts.append(L.start_date <= self.started_to)
        return and_(true(), *parts)

    @property
    def any(self) -> bool:
        return any(v is not None and v != "" for v in self.__dict__.values())


@dataclass(frozen=True)
class MonthRow:
    month: date  # the first day of the month
    commenced: int
    completed: int
    first_attempts: int
    passed_first_time: int
    median_days: float | None  # of those who completed this month

    @property
    def pass_rate(self) -> float | None:
        return self.passed_first_time / self.first_attempts if self.first_attempts else None


@dataclass(frozen=True)
class GroupRow:
    """One department (or one team) of the breakdown."""

    group_id: str
    name: str
    learners: int
    on_programme: int
    completed: int
    withdrawn: int
    first_attempts: int
    passed_first_time: int
    median_days: float | None

    @property
    def pass_rate(self) -> float | None:
        return self.passed_first_time / self.first_attempts if self.first_attempts else None


def _month(session: Session, column):
    # The format is written into the SQL, not bound: PostgreSQL sees the SELECT's and the GROUP
    # BY's to_char(x, $1) and to_char(x, $2) as different expressions (GroupingError).
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, literal_column("'YYYY-MM'"))
    return func.strftime("%Y-%m", column)


def _day_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time())


def _first_of(text: str) -> date:
    year, month = text.split("-")[:2]
    return date(int(year), int(month), 1)


def monthly_trends(session: Session, viewer: Viewer, filters: Filters, *,
                   as_of: date) -> list[MonthRow]:
    """One row per month from the first commencement in scope to ``as_of``'s month."""
    scope = _in_scope(viewer, as_of, filters.where())
    started = dict(session.execute(
        select(_month(session, L.start_date), func.count()).where(scope)
        .group_by(_month(session, L.start_date))).all())
    done_month = _month(session, L.completed_on)
    days: dict[str, list[int]] = defaultdict(list)
    for month, n in session.execute(
            select(done_month, days_between(session, L.start_date, L.completed_on))
            .where(scope, L.status == "completed", L.completed_on.is_not(None),
                   L.completed_on <= as_of)):
        days[month].append(int(n))
    graded = {m: (int(n), int(p)) for m, n, p in session.execute(
        select(_month(session, R.graded_at), func.count(),
               func.coalesce(func.sum(case((R.passed.is_(True), 1), else_=0)), 0))
        .select_from(R).join(L, L.id == R.learner_id)
        .where(scope, R.attempt == 1, R.graded_at < _day_after(as_of))
        .group_by(_month(session, R.graded_at)))}
    months = sorted(set(started) | set(days) | set(graded))
    if not months:
        return []
    out = []
    first, last = _first_of(months[0]), date(as_of.year, as_of.month, 1)
    month = first
    while month <= last:
        key = f"{month.year:04d}-{month.month:02d}"
        n, p = graded.get(key, (0, 0))
        values = days.get(key, [])
        out.append(MonthRow(month, int(started.get(key, 0)), len(values), n, p,
                            float(statistics.median(values)) if values else None))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def breakdown(session: Session, viewer: Viewer, filters: Filters, *, as_of: date,
              by: str = "department") -> list[GroupRow]:
    """One row per department (``by="department"``) or per team (``by="team"``, named by
    the line manager) with a learner in scope, largest first."""
    scope = _in_scope(viewer, as_of, filters.where())
    column = {"department": L.department_id, "team": L.line_manager_id}[by]

    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    counts = session.execute(
        select(column, func.count(), count_if(L.status == "on_programme"),
               count_if(L.status == "completed"), count_if(L.status == "withdrawn"))
        .where(scope).group_by(column)).all()
    firsts = {d: (int(n), int(p)) for d, n, p in session.execute(
        select(column, func.coalesce(func.sum(L.first_attempts), 0),
               func.coalesce(func.sum(L.first_passes), 0))
        .where(scope).group_by(column))}
    days: dict[str, list[int]] = defaultdict(list)
    for dept, n in session.execute(
            select(column, days_between(session, L.start_date, L.completed_on))
            .where(scope, L.status == "completed", L.completed_on.is_not(None))):
        days[dept].append(int(n))
    table = Department if by == "department" else LineManager
    names = dict(session.execute(select(table.id, table.name)).all())
    rows = []
    for dept, n, on, done, gone in counts:
        a, p = firsts.get(dept, (0, 0))
        values = days.get(dept, [])
        if dept is None:
            continue  # no line manager on record: not a team
        rows.append(GroupRow(dept, names.get(dept, dept), int(n), int(on), int(done),
                                  int(gone), a, p,
                                  float(statistics.median(values)) if values else None))
    return sorted(rows, key=lambda r: (-r.learners, r.name))
