"""The apps' way into the tracking store: open it, bring the served learner's records in,
and read what a Viewer may see. Every read goes through the scoped queries."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from course.apps.pathway import Graded
from course.config import Settings
from course.tracking.db import make_engine, session_factory
from course.tracking.models import Learner
from course.tracking.records import RecordsIngested, ingest_learner_records
from course.tracking.scope import Viewer, scoped_learners
from course.tracking.unit_progress import unit_progress


def store_exists(settings: Settings) -> bool:
    url = make_url(settings.db_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return True
    return os.path.exists(url.database)


@contextmanager
def open_store(settings: Settings) -> Iterator[Session | None]:
    """A session on the store that commits at the end, or None where there is no store yet
    (a unit opened in JupyterLab before the course server ever ran)."""
    if not store_exists(settings):
        yield None
        return
    engine = make_engine(settings.db_url)
    try:
        with session_factory(engine)() as session, session.begin():
            yield session
    finally:
        engine.dispose()


def record_key() -> bytes | None:
    """The served learner's record key, which the course server gives each kernel."""
    given = os.environ.get("ODP_RECORD_KEY")
    return bytes.fromhex(given) if given else None


def sync_served_learner(session: Session, settings: Settings) -> RecordsIngested:
    """Bring the served learner's response records into the store (idempotent)."""
    return ingest_learner_records(session, settings.learner, settings.learner_path, record_key())


def learner_row(session: Session, viewer: Viewer) -> Learner | None:
    return session.scalars(scoped_learners(viewer)).first()


def graded_units(session: Session, viewer: Viewer, as_of: date | None = None) -> dict[str, Graded]:
    """Graded attempts per unit for the one learner ``viewer`` is."""
    rows = unit_progress(session, viewer, as_of=as_of).rows
    return {r.unit_id: Graded(r.graded_attempts, bool(r.passed)) for r in rows if r.graded_attempts}
