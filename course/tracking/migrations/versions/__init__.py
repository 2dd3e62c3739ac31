"""Alembic revisions of the tracking store, oldest first."""
