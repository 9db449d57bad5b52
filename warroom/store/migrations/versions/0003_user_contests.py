"""user contests: office, area, second-round date, rules, notes and demo flag; candidate short name and
withdrawal; one official result per contest

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Existing stores keep every row: the new columns have defaults, and the demo race seeded by earlier versions is
marked as the demo and given its official 2012 result, so its back-test reads the result from the store as a
newly seeded store does. The figures are written out here, not imported from warroom.demo, so this migration
does the same thing whatever later versions change there.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_DEMO_NAME = "London Mayor 2012"
# London Elects' declared 2012 mayoral result (first preferences; the two finalists' totals after second
# preferences). valid first preferences 2,208,475; those that reached neither finalist: 2,208,475 - 1,054,811
# - 992,273 = 161,391. Same figures as resources/data/london_mayor_results.json.
_DEMO_RESULT = {
    "first_round": {
        "johnson": 971931,
        "livingstone": 889918,
        "jones": 98913,
        "paddick": 91774,
        "benita": 83914,
        "webb": 43274,
        "cortiglia": 28751,
    },
    "final_round": {"johnson": 1054811, "livingstone": 992273},
    "transfers": [],
    "exhausted": 161391,
    "source": "London Elects declared result, 3 May 2012 (as reported by Wikipedia, New Statesman and BBC News)",
}

_DEMO_CODES = frozenset(("johnson", "livingstone", "jones", "paddick", "benita", "webb", "cortiglia"))


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy-and-rename: the store runs SQLite with foreign keys on, and dropping
    # the old `contest` table in a batch rebuild would cascade-delete every candidate, poll and scenario.
    # SQLite adds a NOT NULL column in place when it has a constant default, as all of these do.
    op.add_column("contest", sa.Column("office", sa.String(length=200), nullable=False, server_default=""))
    op.add_column("contest", sa.Column("area", sa.String(length=200), nullable=False, server_default=""))
    op.add_column("contest", sa.Column("second_round_date", sa.Date(), nullable=True))
    op.add_column("contest", sa.Column("rules_json", sa.Text(), nullable=True))
    op.add_column("contest", sa.Column("notes", sa.Text(), nullable=False, server_default=""))
    op.add_column("contest", sa.Column("demo", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("candidate", sa.Column("short_name", sa.String(length=120), nullable=False, server_default=""))
    op.add_column("candidate", sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "official_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contest.id"], name=op.f("fk_official_result_contest_id_contest"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_result")),
        sa.UniqueConstraint("contest_id", name=op.f("uq_official_result_contest_id")),
    )
    _mark_demo()


def _mark_demo() -> None:
    """The demo race an earlier version seeded: recognised by name, date, system and its two finalists."""
    conn = op.get_bind()
    contest = sa.table(
        "contest", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("demo", sa.Boolean),
        sa.column("system", sa.String), sa.column("election_date", sa.Date),
    )  # fmt: skip
    candidate = sa.table("candidate", sa.column("contest_id", sa.Integer), sa.column("code", sa.String))
    result = sa.table("official_result", sa.column("contest_id", sa.Integer), sa.column("result_json", sa.Text))
    found = conn.execute(
        sa.select(contest.c.id).where(contest.c.name == _DEMO_NAME, contest.c.system == "sv")
    ).scalar_one_or_none()
    if found is None:
        return
    codes = set(conn.execute(sa.select(candidate.c.code).where(candidate.c.contest_id == found)).scalars())
    if not _DEMO_CODES.issubset(codes):
        return  # a user's own race that happens to share the name: left alone
    conn.execute(sa.update(contest).where(contest.c.id == found).values(demo=True))
    conn.execute(sa.insert(result).values(contest_id=found, result_json=json.dumps(_DEMO_RESULT)))


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+), for the same reason as above: no batch rebuild of a parent table.
    op.drop_table("official_result")
    for column in ("withdrawn", "short_name"):
        op.drop_column("candidate", column)
    for column in ("demo", "notes", "rules_json", "second_round_date", "area", "office"):
        op.drop_column("contest", column)
