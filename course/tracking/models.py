"""The tracking store's tables as SQLAlchemy 2.0 typed models.

One row in ``learners`` is one person on one qualification programme, from commencement to
completion. Line managers are referred to by person id only (``line_manager_id``): a manager
need not be a learner, so it is not a foreign key. Qualification and unit ids come from
``catalogue.yaml``; the catalogue lives in YAML, not here, so they are plain strings.

Timestamps are naive UTC (SQLite has no time zones); :mod:`course.tracking.ingest` converts.
The schema is changed only through Alembic revisions in ``migrations/versions``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer,
    MetaData, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

STATUSES = ("on_programme", "completed", "withdrawn")
EVENT_KINDS = ("opened", "answered", "submitted")

# Named constraints so Alembic revisions can refer to them on every database.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Learner(Base):
    __tablename__ = "learners"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"))
    line_manager_id: Mapped[str | None] = mapped_column(String(64))
    qualification_id: Mapped[str] = mapped_column(String(80))
    # Copied from the catalogue at enrolment so dashboards group by level without the YAML.
    level: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    planned_end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="on_programme")
    completed_on: Mapped[date | None] = mapped_column(Date)
    # A summary of the learner's events and results, kept by course.tracking.ingest
    # (summary.refresh_learners rebuilds it), so dashboards aggregate 20,000 learner rows
    # and never scan two million events.
    last_active_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_any: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    passed_any: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    first_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_passes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        CheckConstraint(
            "status IN ('on_programme', 'completed', 'withdrawn')", name="status"),
        CheckConstraint("level BETWEEN 2 AND 7", name="level"),
        # Each index serves one viewer's scope or one breakdown.
        Index(None, "department_id", "qualification_id", "level"),
        Index(None, "line_manager_id"),
        Index(None, "qualification_id", "level", "status"),
        # Trends by month of commencement and of completion.
        Index(None, "start_date"),
        Index(None, "completed_on"),
        Index(None, "last_active_at"),
    )


class ProgressEvent(Base):
    """Something a learner did in a unit: fed from their response records."""

    __tablename__ = "progress_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime)
    # Stored as SQL NULL when absent, not the JSON text 'null'.
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    __table_args__ = (
        # Makes record_event idempotent; its (learner_id, at) prefix finds last activity.
        UniqueConstraint("learner_id", "at", "unit_id", "kind"),
        # "Has this learner submitted anything?" in one index probe.
        Index(None, "learner_id", "kind"),
    )


class Result(Base):
    """One graded attempt at a unit's test or assignment: fed from the nbgrader gradebook."""

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    qualification_id: Mapped[str] = mapped_column(String(80))
    unit_id: Mapped[str] = mapped_column(String(80))
    attempt: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    graded_at: Mapped[datetime] = mapped_column(DateTime)
    # What the learner reads: nbgrader's feedback (or the marking app's), published with the mark.
    feedback_html: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # One row per attempt; regrading updates it. Also the learner's index.
        UniqueConstraint("learner_id", "unit_id", "attempt"),
        # First-time pass rate reads attempt 1 rows only.
        Index(None, "attempt", "learner_id", "passed"),
        # First-time pass rate by month graded, read from the index alone.
        Index(None, "attempt", "graded_at", "passed", "learner_id"),
        CheckConstraint("attempt >= 1", name="attempt"),
        CheckConstraint("max_score > 0 AND score >= 0 AND score <= max_score", name="score"),
    )


class WithdrawnResult(Base):
    """A published result taken back because its regrade failed: kept here as history, while
    its row in ``results`` is removed, so no figure counts it as a pass (or a first attempt)
    until a good grade is published again. The learner reads "being checked again"."""

    __tablename__ = "withdrawn_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    qualification_id: Mapped[str] = mapped_column(String(80))
    unit_id: Mapped[str] = mapped_column(String(80))
    attempt: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    graded_at: Mapped[datetime] = mapped_column(DateTime)
    feedback_html: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(500), default="")  # for staff: why the regrade failed

    __table_args__ = (
        Index(None, "learner_id", "unit_id", "attempt"),
    )


class LineManager(Base):
    """A line manager's name, so pages show people by name and not by id. Optional: a manager
    with no row here is shown by their id."""

    __tablename__ = "line_managers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[str | None] = mapped_column(String(40))


class CpdEntry(Base):
    """One version of one entry in a learner's CPD plan-do-review log. Editing an entry adds
    a version; every version is kept, and pages show the latest of each entry."""

    __tablename__ = "cpd_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)  # the entry's place in the log, from 0
    version: Mapped[int] = mapped_column(Integer)  # 1 for the first save
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    entry_date: Mapped[str] = mapped_column(String(40))  # as the learner typed it
    plan: Mapped[str] = mapped_column(String(4000))
    do: Mapped[str] = mapped_column(String(4000))
    review: Mapped[str] = mapped_column(String(4000))

    __table_args__ = (
        UniqueConstraint("learner_id", "unit_id", "item_id", "position", "version"),
    )


# -- the course service's record of truth --------------------------------------------------------
# Each learner's answers live here, sealed and chained by the service with a key derived from
# the course secret (the same line format as a folder record, course.record.format), so the
# marking rule reads them unchanged. The copy in a learner's folder is only a cache.


class RecordHead(Base):
    """One learner's record for one unit: its sealed header and the mac of its last entry."""

    __tablename__ = "record_heads"

    learner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    created: Mapped[str] = mapped_column(String(40))  # the header's own ISO timestamp, as sealed
    header_mac: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    head_mac: Mapped[str] = mapped_column(String(64))


class RecordEntry(Base):
    __tablename__ = "record_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[str] = mapped_column(String(80))
    seq: Mapped[int] = mapped_column(Integer)
    # The client's id for this append: a retry after a dropped reply stores nothing twice.
    request_id: Mapped[str] = mapped_column(String(64))
    line: Mapped[str] = mapped_column(Text)  # the sealed entry, exactly as course.record writes it

    __table_args__ = (
        UniqueConstraint("learner_id", "unit_id", "seq"),
        UniqueConstraint("learner_id", "request_id"),
    )


class TestAttempt(Base):
    """One sitting of a unit's online test: the paper the service drew, and when it closed."""

    __tablename__ = "test_attempts"
    __test__ = False  # not a pytest test class

    learner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    attempt: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A paper's seed is 64 bits unsigned (course.exam.seed_for): more than an SQL INTEGER holds.
    seed: Mapped[str] = mapped_column(String(20))
    items: Mapped[list[str]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    head_mac: Mapped[str | None] = mapped_column(String(64))  # the record's head at submit
    provisional_score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[int | None] = mapped_column(Integer)
    handed_in: Mapped[str | None] = mapped_column(String(300))  # the nbgrader inbound folder


class ApiToken(Base):
    """A credential the service issued (embedded set-up; under JupyterHub the hub issues them).
    Only a hash is kept, so a copy of the store signs nobody in."""

    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64))
    roles: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(200), default="")
    created: Mapped[datetime] = mapped_column(DateTime)


class RoleGrant(Base):
    """A role beyond learner and line manager (which come from the learners table):
    department lead, profession, assessor."""

    __tablename__ = "role_grants"

    person_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    scope: Mapped[str] = mapped_column(String(80), primary_key=True, default="")  # a department id
