"""The course service's record of truth: record heads and entries, test attempts, tokens,
role grants; results carry the learner's feedback.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.add_column(sa.Column("feedback_html", sa.Text(), nullable=True))
    op.create_table(
        "record_heads",
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=False),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("header_mac", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head_mac", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("learner_id", "unit_id", name=op.f("pk_record_heads")),
    )
    op.create_table(
        "record_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_entries")),
        sa.UniqueConstraint("learner_id", "unit_id", "seq",
                            name=op.f("uq_record_entries_learner_id_unit_id_seq")),
        sa.UniqueConstraint("learner_id", "request_id",
                            name=op.f("uq_record_entries_learner_id_request_id")),
    )
    op.create_table(
        "test_attempts",
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(20), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("head_mac", sa.String(64), nullable=True),
        sa.Column("provisional_score", sa.Float(), nullable=True),
        sa.Column("max_score", sa.Integer(), nullable=True),
        sa.Column("handed_in", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("learner_id", "unit_id", "attempt", name=op.f("pk_test_attempts")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_api_tokens")),
    )
    op.create_table(
        "role_grants",
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("scope", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "role", "scope", name=op.f("pk_role_grants")),
    )


def downgrade() -> None:
    for table in ("role_grants", "api_tokens", "test_attempts", "record_entries", "record_heads"):
        op.drop_table(table)
    with op.batch_alter_table("results") as batch:
        batch.drop_column("feedback_html")
