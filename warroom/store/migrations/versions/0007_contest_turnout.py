"""contest turnout: a two-round race's own expected turnout, blank/null rate and registered electorate

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Plain ADD COLUMNs, nullable (never a batch copy of `contest`: with SQLite's foreign keys on, dropping the old table
would cascade-delete its candidates, polls and scenarios; see 0003).

Issue 16: every two-round race without an official first round was given France 2022's first-round turnout,
blank/null rate and electorate. The races that are France's presidential ones keep those figures, now as their
own stated setting: the two-round races made from a French poll compilation (the France 2022 demo, and any race
`warroom import FOLDER --new-contest` made), recognised by the office and area that
core.compilations.contest_from_compilation gives them. Every other race is left unset, and its runoff view says
that nothing is counted from the poll average until the race's form sets them (no other country's or election's
figures are assumed for it). The figures are written out here, not imported from warroom.core.france, so this
migration does the same thing whatever later versions change there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_FRENCH_OFFICE = "President of the French Republic"
_FRENCH_AREA = "France"
# First round of 10 April 2022 (Conseil constitutionnel; resources/data/france_2022/turnout.csv): 48,747,876
# registered, 35,923,707 votes cast, 790,760 of them blank or null. Same figures as core.france.FRANCE_2022_TURNOUT.
_REGISTERED_2022 = 48_747_876
_TURNOUT_2022 = 100.0 * 35_923_707 / 48_747_876
_BLANK_NULL_2022 = 100.0 * 790_760 / 35_923_707


def upgrade() -> None:
    op.add_column("contest", sa.Column("expected_turnout", sa.Float(), nullable=True))
    op.add_column("contest", sa.Column("expected_blank_null", sa.Float(), nullable=True))
    op.add_column("contest", sa.Column("expected_registered", sa.Integer(), nullable=True))
    contest = sa.table(
        "contest", sa.column("system", sa.String), sa.column("office", sa.String), sa.column("area", sa.String),
        sa.column("expected_turnout", sa.Float), sa.column("expected_blank_null", sa.Float),
        sa.column("expected_registered", sa.Integer),
    )  # fmt: skip
    op.get_bind().execute(
        sa.update(contest)
        .where(contest.c.system == "two_round", contest.c.office == _FRENCH_OFFICE, contest.c.area == _FRENCH_AREA)
        .values(
            expected_turnout=_TURNOUT_2022, expected_blank_null=_BLANK_NULL_2022, expected_registered=_REGISTERED_2022
        )
    )


def downgrade() -> None:
    for column in ("expected_registered", "expected_blank_null", "expected_turnout"):
        op.drop_column("contest", column)  # in place (SQLite 3.35+): no batch rebuild of a parent table
