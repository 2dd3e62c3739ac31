"""Pages: line managers' names, the CPD log with every version, a summary of each learner's
events and results on their row (filled here from what is stored), indexes for trends by month.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "line_managers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department_id", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_managers")),
    )
    op.create_table(
        "cpd_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=False),
        sa.Column("item_id", sa.String(80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("entry_date", sa.String(40), nullable=False),
        sa.Column("plan", sa.String(4000), nullable=False),
        sa.Column("do", sa.String(4000), nullable=False),
        sa.Column("review", sa.String(4000), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE",
                                name=op.f("fk_cpd_entries_learner_id_learners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cpd_entries")),
        sa.UniqueConstraint("learner_id", "unit_id", "item_id", "position", "version",
                            name=op.f("uq_cpd_entries_learner_id_unit_id_item_id_position_version")),
    )
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("last_active_at", sa.DateTime(), nullable=True))
        for name in ("submitted_any", "passed_any"):
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default="0"))
        for name in ("first_attempts", "first_passes"):
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.create_index(op.f("ix_learners_start_date"), "learners", ["start_date"])
    op.create_index(op.f("ix_learners_completed_on"), "learners", ["completed_on"])
    op.create_index(op.f("ix_learners_last_active_at"), "learners", ["last_active_at"])
    op.create_index(op.f("ix_results_attempt_graded_at_passed_learner_id"), "results",
                    ["attempt", "graded_at", "passed", "learner_id"])
    from course.tracking.summary import refresh_learners  # the one definition of the summary

    refresh_learners(op.get_bind())


def downgrade() -> None:
    op.drop_index(op.f("ix_results_attempt_graded_at_passed_learner_id"), table_name="results")
    op.drop_index(op.f("ix_learners_last_active_at"), table_name="learners")
    op.drop_index(op.f("ix_learners_completed_on"), table_name="learners")
    op.drop_index(op.f("ix_learners_start_date"), table_name="learners")
    with op.batch_alter_table("learners") as batch:
        for name in ("last_active_at", "submitted_any", "passed_any", "first_attempts",
                     "first_passes"):
            batch.drop_column(name)
    op.drop_table("cpd_entries")
    op.drop_table("line_managers")
