"""The count engine against the official London mayoral results, to the vote."""

from __future__ import annotations

import pytest

from warroom.core.count import Ballot, count_ballots
from warroom.core.csvformat import parse_ballot_table, parse_ballots_csv
from warroom.demo import ballots_csv, ballots_from_official, official_results
from warroom.resources import resource_path

YEARS = ["2004", "2008", "2012", "2016"]


@pytest.mark.parametrize("year", YEARS)
def test_count_reproduces_the_official_result_to_the_vote(year: str) -> None:
    official = official_results()[year]
    ballots = [Ballot(prefs, n) for prefs, n in ballots_from_official(year)]
    result = count_ballots(ballots, "sv")
    assert result.rounds[0].tallies == {c["name"]: c["first"] for c in official["candidates"]}
    finalists = [c for c in official["candidates"] if c.get("final")]
    assert len(finalists) == 2
    assert result.rounds[1].tallies == {c["name"]: c["final"] for c in finalists}
    for c in finalists:
        assert result.added(c["name"]) == c["second"]
        assert c["first"] + c["second"] == c["final"]
    assert result.winner == max(finalists, key=lambda c: c["final"])["name"]


def test_shipped_2012_ballot_file_is_the_official_profile() -> None:
    shipped = resource_path("data", "london_2012_ballots.csv").read_text(encoding="utf-8")
    assert shipped == ballots_csv("2012")
    ballots, errors = parse_ballots_csv(shipped)
    assert errors == []
    result = count_ballots(ballots, "sv")
    assert result.winner == "Boris Johnson"
    assert result.rounds[1].tallies == {"Boris Johnson": 1054811, "Ken Livingstone": 992273}


@pytest.mark.parametrize("year", YEARS)
def test_every_year_through_the_column_wise_reader_to_the_vote(year: str) -> None:
    official = official_results()[year]
    table, errors = parse_ballot_table(ballots_csv(year))
    assert errors == []
    assert table.lines is None  # the fast reader took it
    result = count_ballots(table, "sv")
    finalists = [c for c in official["candidates"] if c.get("final")]
    assert result.rounds[0].tallies == {c["name"]: c["first"] for c in official["candidates"]}
    assert result.rounds[1].tallies == {c["name"]: c["final"] for c in finalists}
    # Two-column papers: the contingent vote reads them exactly as SV does.
    assert count_ballots(table, "contingent").rounds == result.rounds
