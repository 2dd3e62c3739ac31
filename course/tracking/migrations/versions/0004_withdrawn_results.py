"""Withdrawn results: a published result whose regrade failed moves here (history), out of
``results``, so no figure counts it until a good grade is published again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "withdrawn_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("qualification_id", sa.String(80), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("graded_at", sa.DateTime(), nullable=False),
        sa.Column("feedback_html", sa.Text(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE",
                                name=op.f("fk_withdrawn_results_learner_id_learners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawn_results")),
    )
    op.create_index(op.f("ix_withdrawn_results_learner_id_unit_id_attempt"), "withdrawn_results",
                    ["learner_id", "unit_id", "attempt"])


def downgrade() -> None:
    op.drop_index(op.f("ix_withdrawn_results_learner_id_unit_id_attempt"), table_name="withdrawn_results")
    op.drop_table("withdrawn_results")
