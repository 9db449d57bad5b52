"""irv prior: a contest's instant-runoff transfer prior, from last election's ballots

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

A new table only (no change to `contest`, so no batch copy of a parent table; see 0003).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "irv_prior",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.Column("prior_json", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contest.id"], name=op.f("fk_irv_prior_contest_id_contest"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_irv_prior")),
        sa.UniqueConstraint("contest_id", name=op.f("uq_irv_prior_contest_id")),
    )


def downgrade() -> None:
    op.drop_table("irv_prior")
