"""The embedded default store: created on first run, with a small made-up cohort.

``odp serve`` calls :func:`prepare_store` before starting Voila. On an empty store it writes a
seeded synthetic cohort (``Settings.demo_cohort`` learners, as at the day of first run), then
makes sure the served learner is enrolled, reporting to the demo line manager, together with
a few cohort learners from the same department, so the team dashboard has a team. Running it
again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from course.config import Settings
from course.content import CourseContent
from course.tracking.db import make_engine, session_factory
from course.tracking.errors import TrackingError
from course.tracking.migrations import upgrade_to_head
from course.tracking.models import Department, Learner, LineManager
from course.tracking.synthetic import DEPARTMENTS, PLANNED_MONTHS, generate_programme

TEAM_FROM_COHORT = 5  # cohort learners moved into the demo line manager's team
DEMO_SEED = 7


@dataclass(frozen=True)
class StoreReady:
    url: str
    created_cohort: int  # learners generated this time (0 if the store had some)
    enrolled_learner: bool  # the served learner was added this time


def prepare_store(settings: Settings, course: CourseContent, *,
                  as_of: date | None = None) -> StoreReady:
    """Migrate the store to the newest schema, fill an empty one with the demo cohort, and
    enrol the served learner if they are not in it yet."""
    url = settings.db_url
    upgrade_to_head(url)
    as_of = as_of or date.today()
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session, session.begin():
            cohort = 0
            empty = session.scalar(select(Learner.id).limit(1)) is None
            if empty and settings.demo_cohort > 0:
                summary = generate_programme(session, settings.demo_cohort, DEMO_SEED,
                                             as_of=as_of, catalogue=course.catalogue)
                cohort = summary.learners
            enrolled = enrol_learner(session, settings, course, as_of)
    finally:
        engine.dispose()
    return StoreReady(url, cohort, enrolled)


def first_qualification(course: CourseContent):
    """The qualification a new learner is put on: the lowest level one with a unit app."""
    with_apps = [e.qualification for e in course.entries if e.notebook is not None]
    if not with_apps:
        raise TrackingError("the course has no unit with a notebook to enrol a learner on")
    return min(with_apps, key=lambda q: (q.level, q.id))


def enrol_learner(session: Session, settings: Settings, course: CourseContent,
                  as_of: date) -> bool:
    """Add the served learner (and their line manager's team) if missing. True if added."""
    if session.get(Learner, settings.learner) is not None:
        return False
    department = settings.department or DEPARTMENTS[0][0]
    if session.get(Department, department) is None:
        names = {d: n for d, n, _ in DEPARTMENTS}
        session.add(Department(id=department, name=names.get(department, department)))
    qual = first_qualification(course)
    start = as_of - timedelta(days=42)
    manager = settings.line_manager or None
    session.add(Learner(
        id=settings.learner, name=_display_name(settings.learner),
        email=f"{settings.learner}@example.org", department_id=department,
        line_manager_id=manager, qualification_id=qual.id, level=qual.level,
        start_date=start,
        planned_end_date=start + timedelta(days=round(PLANNED_MONTHS.get(qual.level, 12) * 30.4)),
        status="on_programme"))
    if manager and session.get(LineManager, manager) is None:
        session.add(LineManager(id=manager, name=_display_name(manager), department_id=department))
    if manager:
        # A team of one is a poor demo: move a few cohort learners over (same department).
        mates = session.scalars(
            select(Learner.id).where(Learner.department_id == department,
                                     Learner.id != settings.learner,
                                     Learner.line_manager_id != manager)
            .order_by(Learner.id).limit(TEAM_FROM_COHORT)).all()
        if mates:
            session.execute(update(Learner).where(Learner.id.in_(mates))
                            .values(line_manager_id=manager))
    session.flush()
    return True


def _display_name(learner_id: str) -> str:
    return learner_id.replace("-", " ").replace("_", " ").title()
