"""The apps' way into the tracking store: open it, bring the served learner's records in,
and read what a Viewer may see. Every read goes through the scoped queries."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from course.config import Settings
from course.tracking.db import make_engine, session_factory
from course.tracking.records import RecordsIngested, ingest_learner_records


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
