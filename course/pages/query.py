"""Reading a page's query string (``{name: [values]}``, as tornado gives it): one value per
name, and the dashboards' filters checked against what exists, with a message for each
value that does not make sense."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.content import CourseContent
from course.pages.errors import PageError
from course.tracking.models import Department, Learner
from course.tracking.scope import Role, Viewer, visible_learners
from course.tracking.trends import Filters

FILTER_NAMES = ("qualification", "level", "department", "team", "from", "to")


def one(query: dict[str, list[str]], name: str, default: str = "") -> str:
    values = [v.decode() if isinstance(v, bytes) else v for v in query.get(name, [])]
    values = [v.strip() for v in values if v.strip()]
    if len(values) > 1:
        raise PageError(f"Give “{name}” once, not {len(values)} times.")
    return values[0] if values else default


def _day(text: str, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PageError(f"The {label} date “{text}” is not a date: use the date picker, or "
                        "write it as year-month-day, such as 2025-01-31.") from None


def filters(session: Session, course: CourseContent, viewer: Viewer,
            query: dict[str, list[str]]) -> Filters:
    """The filters asked for, each checked: a qualification in the catalogue, a level from 2
    to 7, a department and a team the viewer may see, and a date range in order."""
    qual = one(query, "qualification")
    known = {q.id for q in course.catalogue.qualifications} if course.catalogue else set()
    if qual and qual not in known:
        raise PageError(f"“{qual}” is not a qualification in the catalogue.")
    level_text = one(query, "level")
    level = None
    if level_text:
        if not level_text.isdigit() or not 2 <= int(level_text) <= 7:
            raise PageError(f"The level “{level_text}” is not one of the profession's levels: "
                            "choose a level from 2 to 7.")
        level = int(level_text)
    dept = one(query, "department")
    if dept:
        if viewer.role is Role.DEPARTMENT and dept != viewer.department_id:
            raise PageError("You can see your own department only: choose it or leave the "
                            "department filter empty.")
        if session.get(Department, dept) is None:
            raise PageError(f"“{dept}” is not a department in the tracking store.")
    team = one(query, "team")
    if team:
        seen = session.scalar(select(Learner.id).where(visible_learners(viewer),
                                                       Learner.line_manager_id == team).limit(1))
        if seen is None:
            raise PageError(f"“{team}” is not a team you can see: choose a team from the list.")
    start, end = _day(one(query, "from"), "from"), _day(one(query, "to"), "to")
    if start and end and start > end:
        raise PageError(f"The from date ({start.isoformat()}) is after the to date "
                        f"({end.isoformat()}): swap them, or clear one.")
    for name in query:
        if name not in FILTER_NAMES:
            raise PageError(f"“{name}” is not a filter on this page: use qualification, level, "
                            "department, team, from and to.")
    return Filters(qual or None, level, dept or None, team or None, start, end)
