"""The schema is versioned from the start: Alembic creates it and records the revision."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from course.tracking.db import make_engine
from course.tracking.migrations import (
    VERSION_TABLE, alembic_config, current_revision, head_revision, upgrade_to_head,
)
from course.tracking.models import Base

TABLES = {"departments", "learners", "progress_events", "results", "line_managers", "cpd_entries",
          "record_heads", "record_entries", "test_attempts", "api_tokens", "role_grants",
          "withdrawn_results"}


def test_upgrade_on_an_empty_sqlite_file_creates_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'odp.sqlite'}"  # the folder does not exist yet
    assert current_revision(url) is None
    assert upgrade_to_head(url) == head_revision() == "0004"
    engine = make_engine(url)
    try:
        found = inspect(engine)
        assert set(found.get_table_names()) == TABLES | {VERSION_TABLE}
        indexes = {i["name"] for i in found.get_indexes("progress_events")}
        assert "ix_progress_events_learner_id_kind" in indexes
        with engine.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").all() == [
                (head_revision(),)]
    finally:
        engine.dispose()
    assert current_revision(url) == head_revision()


def test_upgrade_twice_is_harmless_and_models_match_the_revisions(empty_store):
    assert upgrade_to_head(empty_store) == head_revision()
    engine = make_engine(empty_store)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "version_table": VERSION_TABLE})
            drift = [d for d in compare_metadata(context, Base.metadata)
                     if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)]
    finally:
        engine.dispose()
    assert drift == [], "models.py changed without a new Alembic revision"


def test_downgrade_to_base_removes_the_tables(empty_store):
    command.downgrade(alembic_config(empty_store), "base")
    engine = make_engine(empty_store)
    try:
        assert set(inspect(engine).get_table_names()) == {VERSION_TABLE}
    finally:
        engine.dispose()
    assert current_revision(empty_store) is None
