"""Initial schema: departments, learners, progress events and results.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
    )
    op.create_table(
        "learners",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("department_id", sa.String(40), nullable=False),
        sa.Column("line_manager_id", sa.String(64), nullable=True),
        sa.Column("qualification_id", sa.String(80), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("planned_end_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.CheckConstraint("status IN ('on_programme', 'completed', 'withdrawn')",
                           name=op.f("ck_learners_status")),
        sa.CheckConstraint("level BETWEEN 2 AND 7", name=op.f("ck_learners_level")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_learners_department_id_departments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learners")),
    )
    op.create_index(op.f("ix_learners_department_id_qualification_id_level"), "learners",
                    ["department_id", "qualification_id", "level"])
    op.create_index(op.f("ix_learners_line_manager_id"), "learners", ["line_manager_id"])
    op.create_index(op.f("ix_learners_qualification_id_level_status"), "learners",
                    ["qualification_id", "level", "status"])

    op.create_table(
        "progress_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("detail", sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE",
                                name=op.f("fk_progress_events_learner_id_learners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_events")),
        sa.UniqueConstraint("learner_id", "at", "unit_id", "kind",
                            name=op.f("uq_progress_events_learner_id_at_unit_id_kind")),
    )
    op.create_index(op.f("ix_progress_events_learner_id_kind"), "progress_events",
                    ["learner_id", "kind"])

    op.create_table(
        "results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("qualification_id", sa.String(80), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("graded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("attempt >= 1", name=op.f("ck_results_attempt")),
        sa.CheckConstraint("max_score > 0 AND score >= 0 AND score <= max_score",
                           name=op.f("ck_results_score")),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE",
                                name=op.f("fk_results_learner_id_learners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_results")),
        sa.UniqueConstraint("learner_id", "unit_id", "attempt",
                            name=op.f("uq_results_learner_id_unit_id_attempt")),
    )
    op.create_index(op.f("ix_results_attempt_learner_id_passed"), "results",
                    ["attempt", "learner_id", "passed"])


def downgrade() -> None:
    op.drop_table("results")
    op.drop_table("progress_events")
    op.drop_table("learners")
    op.drop_table("departments")
