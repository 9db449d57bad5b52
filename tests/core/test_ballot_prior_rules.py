"""Last election's ballots as a prior under the contest's rules: on a full preferential contest (Australian
House), the papers the count would reject as informal feed no row, and no row has an exhausted share."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from warroom.core.ballot_prior import contest_prior
from warroom.core.count import CountRules, count_ballots, formal_full_preferential
from warroom.core.csvformat import parse_ballot_table
from warroom.core.irv_pipeline import prior_rows_from_ballots
from warroom.core.types import EXHAUSTED, Candidate, Contest, CountingSystem, Rules

OPTIONAL = Contest(
    name="Bayside 2028",
    election_date=date(2028, 5, 20),
    system=CountingSystem.IRV,
    candidates=(Candidate("ann", "Ann Aye"), Candidate("bob", "Bob Bee"), Candidate("cat", "Cat Cee")),
)
FULL = replace(OPTIONAL, rules=Rules(preferences=None, finalists="elimination", full_preferential=True))

# Three candidates: a formal paper numbers at least two of them (the third is implied).
BALLOTS = """count,p1,p2,p3
50,Ann Aye,Bob Bee,Cat Cee
20,Ann Aye,Cat Cee,
15,Ann Aye,,
30,Ann Aye,,Bob Bee
40,Bob Bee,Ann Aye,Cat Cee
10,Cat Cee,,
25,Cat Cee,Bob Bee,
"""


def _table():
    table, errors = parse_ballot_table(BALLOTS)
    assert errors == []
    return table


def test_the_formality_test_is_the_count_engines() -> None:
    table = _table()
    formal = formal_full_preferential(table)
    assert formal.tolist() == [True, True, False, False, True, False, True]
    rejected = int(table.counts[~formal].sum())
    result = count_ballots(table, CountingSystem.IRV, rules=CountRules(full_preferential=True))
    assert result.rejected == rejected == 15 + 30 + 10


def test_full_preferential_ballots_give_rows_without_informal_papers_or_exhaustion() -> None:
    table = _table()
    rows = prior_rows_from_ballots(table, FULL)
    assert all(row.get(EXHAUSTED, 0.0) == 0.0 for row in rows.values()), rows
    # Ann's formal papers: 50 to Bob, 20 to Cat (the 15 with Ann alone and the 30 with a blank second number are informal).
    assert rows["ann"]["bob"] == pytest.approx(100 * 50 / 70)
    assert rows["ann"]["cat"] == pytest.approx(100 * 20 / 70)
    assert rows["cat"] == pytest.approx({"ann": 0.0, "bob": 100.0, EXHAUSTED: 0.0})
    # The same papers on an optional preferential contest: every paper counts and some exhaust.
    optional = prior_rows_from_ballots(table, OPTIONAL)
    assert optional["ann"][EXHAUSTED] == pytest.approx(100 * 15 / 115)
    assert optional["cat"][EXHAUSTED] == pytest.approx(100 * 10 / 35)


def test_the_stored_prior_of_a_full_preferential_contest_counts_formal_papers_only() -> None:
    prior = contest_prior(_table(), FULL)
    assert prior.full_preferential
    assert prior.transfers[:, -1].tolist() == [0.0, 0.0, 0.0]
    # First preferences of the formal papers: Ann 70, Bob 40, Cat 25.
    assert prior.share("ann") == pytest.approx(100 * 70 / 135)
    assert prior.share("cat") == pytest.approx(100 * 25 / 135)
    assert contest_prior(_table(), OPTIONAL).share("ann") == pytest.approx(100 * 115 / 190)


def test_a_two_candidate_formal_paper_goes_to_the_implied_candidate() -> None:
    two = replace(FULL, candidates=FULL.candidates[:2])
    table, errors = parse_ballot_table("count,p1,p2\n30,Ann Aye,\n10,Bob Bee,Ann Aye\n")
    assert errors == []
    rows = prior_rows_from_ballots(table, two)
    assert rows["ann"] == pytest.approx({"bob": 100.0, EXHAUSTED: 0.0})


def test_no_formal_paper_is_refused_naming_why() -> None:
    table, errors = parse_ballot_table("count,p1,p2,p3\n5,Ann Aye,,\n5,Bob Bee,,\n5,Cat Cee,,\n")
    assert errors == []
    with pytest.raises(ValueError, match="no formal ballot"):
        prior_rows_from_ballots(table, FULL)
