"""two-round campaigns: poll notices with several questions (hypotheses, matchups), transfer matrices, and
official figures per round

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

New tables only: the poll, poll_figure and transfer_split tables of single-question polls (London) are not
touched, so their rows and their per-fieldwork duplicate check stay exactly as they were
(tests/store/test_questions.py upgrades a 0004 store with data and reads every row back).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "official_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("registered", sa.Integer(), nullable=False),
        sa.Column("voters", sa.Integer(), nullable=False),
        sa.Column("blank_null", sa.Integer(), nullable=False),
        sa.Column("votes_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contest.id"], name=op.f("fk_official_round_contest_id_contest"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_round")),
        sa.UniqueConstraint("contest_id", "round", name=op.f("uq_official_round_contest_id")),
    )
    op.create_index(op.f("ix_official_round_contest_id"), "official_round", ["contest_id"], unique=False)
    op.create_table(
        "poll_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=80), nullable=False),
        sa.Column("pollster", sa.String(length=120), nullable=False),
        sa.Column("client", sa.String(length=200), nullable=False),
        sa.Column("fieldwork_start", sa.Date(), nullable=False),
        sa.Column("fieldwork_end", sa.Date(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=True),
        sa.Column("population", sa.String(length=120), nullable=False),
        sa.Column("rolling", sa.Boolean(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contest.id"], name=op.f("fk_poll_notice_contest_id_contest"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_notice")),
        sa.UniqueConstraint(
            "contest_id",
            "source_key",
            "pollster",
            "fieldwork_start",
            "fieldwork_end",
            name=op.f("uq_poll_notice_contest_id"),
        ),
    )
    op.create_index(op.f("ix_poll_notice_contest_id"), "poll_notice", ["contest_id"], unique=False)
    op.create_index(op.f("ix_poll_notice_fieldwork_end"), "poll_notice", ["fieldwork_end"], unique=False)
    op.create_table(
        "transfer_matrix",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=80), nullable=False),
        sa.Column("pollster", sa.String(length=120), nullable=False),
        sa.Column("fieldwork_start", sa.Date(), nullable=False),
        sa.Column("fieldwork_end", sa.Date(), nullable=False),
        sa.Column("finalist_a", sa.String(length=120), nullable=False),
        sa.Column("finalist_b", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contest.id"], name=op.f("fk_transfer_matrix_contest_id_contest"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_matrix")),
        sa.UniqueConstraint(
            "contest_id",
            "source_key",
            "pollster",
            "fieldwork_start",
            "fieldwork_end",
            name=op.f("uq_transfer_matrix_contest_id"),
        ),
    )
    op.create_index(op.f("ix_transfer_matrix_contest_id"), "transfer_matrix", ["contest_id"], unique=False)
    op.create_table(
        "poll_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["poll_notice.id"], name=op.f("fk_poll_question_notice_id_poll_notice"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_question")),
        sa.UniqueConstraint("notice_id", "round", "label", name=op.f("uq_poll_question_notice_id")),
    )
    op.create_index(op.f("ix_poll_question_notice_id"), "poll_question", ["notice_id"], unique=False)
    op.create_table(
        "transfer_matrix_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matrix_id", sa.Integer(), nullable=False),
        sa.Column("electorate", sa.String(length=120), nullable=False),
        sa.Column("to_a", sa.Float(), nullable=False),
        sa.Column("to_b", sa.Float(), nullable=False),
        sa.Column("neither", sa.Float(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["matrix_id"],
            ["transfer_matrix.id"],
            name=op.f("fk_transfer_matrix_row_matrix_id_transfer_matrix"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_matrix_row")),
        sa.UniqueConstraint("matrix_id", "electorate", name=op.f("uq_transfer_matrix_row_matrix_id")),
    )
    op.create_index(op.f("ix_transfer_matrix_row_matrix_id"), "transfer_matrix_row", ["matrix_id"], unique=False)
    op.create_table(
        "question_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("candidate", sa.String(length=120), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["poll_question.id"],
            name=op.f("fk_question_share_question_id_poll_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_share")),
        sa.UniqueConstraint("question_id", "candidate", name=op.f("uq_question_share_question_id")),
    )
    op.create_index(op.f("ix_question_share_question_id"), "question_share", ["question_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_question_share_question_id"), table_name="question_share")
    op.drop_table("question_share")
    op.drop_index(op.f("ix_transfer_matrix_row_matrix_id"), table_name="transfer_matrix_row")
    op.drop_table("transfer_matrix_row")
    op.drop_index(op.f("ix_poll_question_notice_id"), table_name="poll_question")
    op.drop_table("poll_question")
    op.drop_index(op.f("ix_transfer_matrix_contest_id"), table_name="transfer_matrix")
    op.drop_table("transfer_matrix")
    op.drop_index(op.f("ix_poll_notice_fieldwork_end"), table_name="poll_notice")
    op.drop_index(op.f("ix_poll_notice_contest_id"), table_name="poll_notice")
    op.drop_table("poll_notice")
    op.drop_index(op.f("ix_official_round_contest_id"), table_name="official_round")
    op.drop_table("official_round")
