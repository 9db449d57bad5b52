from __future__ import annotations

import pytest

from warroom.core.count import Ballot, CountError, count_ballots
from warroom.core.types import EXHAUSTED


def B(prefs: str, n: int) -> Ballot:
    return Ballot(tuple(prefs.split(",")) if prefs else ("",), n)


def test_outright_majority_ends_after_round_one() -> None:
    result = count_ballots([B("a,b", 51), B("b,a", 49)], "sv")
    assert result.winner == "a"
    assert len(result.rounds) == 1


def test_sv_only_second_preference_counts() -> None:
    # c's voters: 10 put b second, 6 put d second and b third (lost under SV, counted under contingent).
    ballots = [B("a", 40), B("b", 35), B("c,b", 10), B("c,d,b", 6), B("d,a", 9)]
    sv = count_ballots(ballots, "sv")
    assert sv.rounds[1].tallies == {"a": 49, "b": 45}
    assert sv.rounds[1].exhausted == 6
    assert sv.winner == "a"
    cont = count_ballots(ballots, "contingent")
    assert cont.rounds[1].tallies == {"a": 49, "b": 51}
    assert cont.winner == "b"
    assert cont.rounds[1].exhausted == 0


def test_irv_eliminates_one_at_a_time_and_transfers_onward() -> None:
    ballots = [B("a", 40), B("b,c", 30), B("c,b", 20), B("d,c", 10)]
    result = count_ballots(ballots, "irv")
    # d out first -> c 30; then c and b tie at 30? b 30, c 30: backwards tie-break uses round 1 (b 30 > c 20): c out.
    assert [r.eliminated for r in result.rounds[1:]] == [("d",), ("c",)]
    assert result.rounds[-1].tallies == {"a": 40, "b": 50}
    assert result.rounds[-1].exhausted == 10  # d,c ballots had nowhere to go after c
    assert result.winner == "b"
    assert any("tied for last" in n for n in result.notes)


def test_irv_exhausted_ballots_accumulate() -> None:
    ballots = [B("a", 45), B("b", 40), B("c", 10), B("d,c", 5)]
    result = count_ballots(ballots, "irv")
    assert result.rounds[-1].exhausted == 15
    assert result.winner == "a"


def test_blank_first_preference_is_rejected_and_duplicate_marks_ignored() -> None:
    result = count_ballots([B("a,a", 10), B(",b", 3), B("b,b", 9), B("c,a", 2)], "sv")
    assert result.rejected == 3
    assert result.rounds[1].tallies == {"a": 12, "b": 9}
    transfers = {(t.from_candidate, t.to_candidate): t.votes for t in result.rounds[1].transfers}
    assert transfers == {("c", "a"): 2}


def test_unknown_candidate_and_empty_count_are_errors() -> None:
    with pytest.raises(CountError):
        count_ballots([B("a,z", 1)], "sv", candidates=["a", "b"])
    with pytest.raises(CountError):
        count_ballots([B(",a", 4)], "sv")


def test_exhausted_marker_in_transfers() -> None:
    result = count_ballots([B("a", 40), B("b", 39), B("c", 21)], "sv")
    assert [(t.to_candidate, t.votes) for t in result.rounds[1].transfers] == [(EXHAUSTED, 21)]


def test_sv_counts_only_the_first_two_columns_issue_16() -> None:
    # `25,C,,B`: C first, no second choice; B sits in a third column that the SV paper does not have.
    # Round 1: A 40, B 35, C 25; round 2 A keeps 40, B 35, C's 25 papers have no valid second preference.
    ballots = [B("A", 40), B("B", 35), B("C,,B", 25)]
    result = count_ballots(ballots, "sv")
    assert result.rounds[1].tallies == {"A": 40, "B": 35}
    assert result.rounds[1].exhausted == 25
    assert result.winner == "A"


def test_sv_repeated_first_choice_in_column_two_does_not_promote_column_three() -> None:
    result = count_ballots([B("A", 40), B("B", 35), B("C,C,B", 25)], "sv")
    assert result.rounds[1].tallies == {"A": 40, "B": 35}
    assert result.winner == "A"
