"""transfer prior: the past contest whose count gives a contest's default transfer splits

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

A plain ADD COLUMN with a constant default (never a batch copy of `contest`: with SQLite's foreign keys on,
dropping the old table would cascade-delete its candidates, polls and scenarios; see 0003).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contest", sa.Column("transfer_prior", sa.String(length=200), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("contest", "transfer_prior")  # in place (SQLite 3.35+): no batch rebuild of a parent table
