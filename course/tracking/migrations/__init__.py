"""Alembic migrations for the tracking store, run from Python (no alembic.ini needed).

The schema is versioned from the first table: every change is a revision in ``versions/``.
To write a new one after changing ``models.py``::

    python -c "from course.tracking.migrations import revision; revision('add x', 'sqlite:///tmp.db')"

The version is kept in ``tracking_alembic_version`` (not the default ``alembic_version``) so the
store can share a PostgreSQL database with nbgrader's gradebook, which also uses Alembic.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from course.tracking.db import make_engine

HERE = Path(__file__).resolve().parent
VERSION_TABLE = "tracking_alembic_version"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    # ConfigParser treats % as interpolation; URLs with encoded passwords contain it.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(url: str | None = None) -> str:
    """Bring the store at ``url`` (default: the configured one) to the newest schema.

    Safe to run on every start: an up-to-date store is left alone. Returns the revision.
    """
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(engine.url.render_as_string(hide_password=False))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return current_revision(engine.url.render_as_string(hide_password=False)) or ""
    finally:
        engine.dispose()


def current_revision(url: str | None = None) -> str | None:
    """The revision the store is at, or None if it has never been migrated."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"version_table": VERSION_TABLE})
            return context.get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def revision(message: str, url: str) -> None:
    """Autogenerate a new revision by comparing ``models.py`` with the store at ``url``."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
