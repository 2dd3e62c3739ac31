"""Our marking tables, kept in nbgrader's gradebook database beside nbgrader's own.

Why the same database: a criterion mark, the task score nbgrader exports and the audit row
that records the change are written in ONE transaction, so none can exist without the others
(a sibling SQLite file could not share that transaction). It also means one file to back up,
and ``ODP_GRADEBOOK_URL`` moves both to PostgreSQL together. The tables are prefixed ``odp_``;
nbgrader's migrations never touch tables they do not know. They are created after nbgrader has
made its own (an empty database would otherwise look like an existing gradebook to nbgrader).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Boolean, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

FIRST, SECOND, RESOLVED = "first", "second", "resolved"   # who made a criterion decision


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s",
                                           "pk": "pk_%(table_name)s"})


class CriterionMark(Base):
    """One decision on one criterion of one submission: the assessor's (first), the second
    marker's, or the resolution of a disagreement between them (the final mark)."""

    __tablename__ = "odp_criterion_mark"
    __table_args__ = (UniqueConstraint("assignment", "learner", "task", "criterion", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment: Mapped[str] = mapped_column(String(128))
    learner: Mapped[str] = mapped_column(String(128))
    task: Mapped[str] = mapped_column(String(80))
    criterion: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))
    met: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")     # for the learner
    note: Mapped[str] = mapped_column(Text, default="")        # internal: never shown to the learner
    marker: Mapped[str] = mapped_column(String(128))
    marked_at: Mapped[str] = mapped_column(String(40))

    def state(self) -> dict[str, Any]:
        return {"met": self.met, "comment": self.comment, "note": self.note, "marker": self.marker}


class SampleEntry(Base):
    """A submission drawn for second marking (internal quality assurance)."""

    __tablename__ = "odp_iqa_sample"
    __table_args__ = (UniqueConstraint("assignment", "learner"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment: Mapped[str] = mapped_column(String(128))
    learner: Mapped[str] = mapped_column(String(128))
    first_marker: Mapped[str] = mapped_column(String(128))
    second_marker: Mapped[str | None] = mapped_column(String(128), nullable=True)  # None: anyone else
    rate: Mapped[str] = mapped_column(String(16))
    drawn_by: Mapped[str] = mapped_column(String(128))
    drawn_at: Mapped[str] = mapped_column(String(40))


class BankComment(Base):
    """A comment an assessor saved to reuse on the same task for other learners."""

    __tablename__ = "odp_comment_bank"
    __table_args__ = (UniqueConstraint("unit", "task", "text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit: Mapped[str] = mapped_column(String(80))
    task: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[str] = mapped_column(String(40))


class AuditEntry(Base):
    """Every mark and every change: who, when, what it was before and after. Rows are only
    ever added."""

    __tablename__ = "odp_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    who: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(40))
    assignment: Mapped[str] = mapped_column(String(128), default="")
    learner: Mapped[str] = mapped_column(String(128), default="")
    task: Mapped[str] = mapped_column(String(80), default="")
    criterion: Mapped[str] = mapped_column(String(80), default="")
    before: Mapped[str] = mapped_column(Text, default="")   # JSON, "" when there was nothing
    after: Mapped[str] = mapped_column(Text, default="")    # JSON

    @staticmethod
    def dump(state: dict[str, Any] | None) -> str:
        return "" if state is None else json.dumps(state, sort_keys=True, ensure_ascii=False)


def create_tables(engine: Engine) -> None:
    Base.metadata.create_all(engine)
