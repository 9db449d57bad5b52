from __future__ import annotations

import pytest

from warroom.core.count import Ballot, CountError, CountRules, Overvote, Transfer, count_ballots
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


# --- Every system's reading of a paper, against the law's wording (see warroom.core.count) ---------------


def test_sv_blank_or_overvoted_first_preference_rejects_the_paper_even_with_a_second() -> None:
    # SI 2017/67 Sch. 1 r. 55(2): a second preference counts "if, but only if, a valid first preference vote
    # has also been marked".
    result = count_ballots([B("A", 40), B("B", 35), B(",A", 7), B("overvote,A", 3), B("C,B", 20)], "sv")
    assert result.rejected == 10
    assert result.valid == 95
    assert result.rounds[1].tallies == {"A": 40, "B": 55}


def test_sv_overvoted_or_repeated_second_counts_the_first_preference_only() -> None:
    result = count_ballots([B("A", 40), B("B", 35), B("C,overvote", 10), B("C,C", 10), B("C,A", 5)], "sv")
    assert result.rejected == 0
    assert result.rounds[0].tallies == {"A": 40, "B": 35, "C": 25}
    assert result.rounds[1].tallies == {"A": 45, "B": 35}
    assert result.rounds[1].exhausted == 20


def test_contingent_counts_the_third_preference_when_the_second_is_not_counted() -> None:
    # Constitution of Sri Lanka, Art. 94(3)(b): the third preference of a voter "whose second preference is
    # not counted" (blank, for an eliminated candidate, a repeat, void) counts for a finalist.
    ballots = [
        B("A", 40),
        B("B", 35),
        B("C,,B", 6),  # blank second
        B("C,D,B", 5),  # second for an eliminated candidate
        B("D,D,B", 4),  # repeat of the first
        B("D,overvote,A", 3),  # void second
        B("C,D,E,B", 7),  # a fourth preference is not on the paper
    ]
    result = count_ballots(ballots, "contingent")
    assert result.rounds[1].tallies == {"A": 43, "B": 50}
    assert result.rounds[1].exhausted == 7
    assert result.winner == "B"
    # SV reads two columns only: none of those papers reaches a finalist.
    sv = count_ballots(ballots, "sv")
    assert sv.rounds[1].tallies == {"A": 40, "B": 35}


def test_contingent_with_three_candidates_reads_only_a_second_preference() -> None:
    # Art. 94(1)(a): with three candidates the voter may specify a second preference only.
    result = count_ballots([B("A", 45), B("B", 40), B("C,,B", 15)], "contingent")
    assert result.rounds[1].tallies == {"A": 45, "B": 40}
    assert result.winner == "A"
    result = count_ballots([B("A", 45), B("B", 40), B("C,,B", 15)], "contingent", candidates=["A", "B", "C", "D"])
    assert result.rounds[1].tallies == {"A": 45, "B": 55}


def test_irv_skipped_and_repeated_rankings_are_passed_over_by_default() -> None:
    ballots = [B("A", 40), B("B", 35), B("C,,,B", 15), B("C,C,A", 10)]
    result = count_ballots(ballots, "irv")
    assert result.rounds[1].tallies == {"A": 50, "B": 50}
    assert result.rounds[1].eliminated == ("C",)


def test_irv_consecutive_skips_exhaust_when_the_rules_say_so() -> None:
    # Maine and Alaska: two consecutive skipped rankings exhaust the ballot; one skip is passed over.
    ballots = [B("A", 40), B("B", 35), B("C,,,B", 15), B("C,,A", 10)]
    rules = CountRules(exhaust_after_skips=2)
    result = count_ballots(ballots, "irv", rules=rules)
    assert result.rounds[1].tallies == {"A": 50, "B": 35}
    assert result.rounds[1].exhausted == 15
    assert result.rules == rules


def test_irv_overvote_exhausts_by_default_or_is_skipped() -> None:
    ballots = [B("A", 40), B("B", 35), B("C,overvote,B", 25)]
    assert count_ballots(ballots, "irv").winner == "A"
    assert count_ballots(ballots, "irv").rounds[1].exhausted == 25
    skip = count_ballots(ballots, "irv", rules=CountRules(overvote=Overvote.SKIP))
    assert skip.rounds[1].tallies == {"A": 40, "B": 60}


def test_irv_ranking_limit_ignores_later_columns() -> None:
    ballots = [B("A", 40), B("B", 35), B("C,D,B", 25)]
    assert count_ballots(ballots, "irv").winner == "B"
    limited = count_ballots(ballots, "irv", rules=CountRules(max_rankings=2))
    assert limited.winner == "A"
    assert limited.final_round.exhausted == 25


def test_irv_first_choice_optional_counts_from_the_first_valid_ranking() -> None:
    ballots = [B("A", 40), B("B", 35), B(",B", 30)]
    assert count_ballots(ballots, "irv").rejected == 30
    relaxed = count_ballots(ballots, "irv", rules=CountRules(first_choice_required=False))
    assert relaxed.rejected == 0
    assert relaxed.rounds[0].tallies == {"A": 40, "B": 65}


def test_full_preferential_rejects_papers_that_do_not_rank_all_but_one() -> None:
    ballots = [B("A,B,C", 10), B("B,A", 8), B("C", 5)]  # "B,A" leaves one square: formal; "C" alone is not
    result = count_ballots(ballots, "irv", rules=CountRules(full_preferential=True))
    assert result.rejected == 5
    assert result.valid == 18
    assert all(r.exhausted == 0 for r in result.rounds)  # a formal paper names everyone: none exhausts


def test_full_preferential_a_skipped_or_repeated_number_is_informal() -> None:
    # Four candidates: a formal paper numbers three of them in its first three columns, all different.
    ballots = [
        B("A,B,C", 10),  # the last square left blank: formal (the AEC's rule)
        B("A,,B,C", 4),  # number 2 skipped: informal, though three candidates follow
        B("B,A,A,C", 3),  # number 3 repeats A: informal
        B("C,overvote,A,B", 2),  # two marks for number 2: informal
        B("D,C,B,A", 6),
    ]
    full = count_ballots(ballots, "irv", rules=CountRules(full_preferential=True))
    assert (full.valid, full.rejected) == (16, 9)
    optional = count_ballots(ballots, "irv")  # optional preferential reads all of them
    assert (optional.valid, optional.rejected) == (25, 0)


def test_counts_all_zero_is_an_error_not_a_winner() -> None:
    with pytest.raises(CountError, match="every ballot count in the file is zero"):
        count_ballots([B("A,B", 0), B("B,A", 0)], "sv")
    with pytest.raises(CountError, match="all 7 ballots were rejected"):
        count_ballots([B(",A", 4), B("", 3), B("A", 0)], "irv")


def test_unknown_candidate_error_names_the_line() -> None:
    with pytest.raises(CountError, match=r"unknown candidate 'Z' on a ballot \(line 2\)"):
        count_ballots([B("A,B", 1), B("B,Z", 1)], "irv", candidates=["A", "B"])


# --- Batch elimination, worked by hand --------------------------------------------------------------------


BATCH = [B("A", 40), B("B,A", 30), B("C,B", 15), B("D,C", 8), B("E,D", 5), B("F,E", 2)]


def test_batch_elimination_excludes_every_candidate_who_cannot_overtake() -> None:
    # Round 1: A 40, B 30, C 15, D 8, E 5, F 2. F+E = 7 < D's 8, F+E+D = 15 is not < C's 15: F and E go.
    # Round 2: F's paper (F,E) has nothing left: 2 exhausted; E's 5 go to D. A 40, B 30, C 15, D 13.
    # D+C = 28 < B's 30, and D 13 < C 15: D and C go together. D's own 8 (D,C) exhaust, so do E's 5 (E,D);
    # C's 15 go to B. Round 3: A 40, B 45 of 85 continuing: B has a majority.
    result = count_ballots(BATCH, "irv", rules=CountRules(batch_elimination=True))
    assert [r.eliminated for r in result.rounds] == [(), ("F", "E"), ("D", "C")]
    assert result.rounds[1].tallies == {"A": 40, "B": 30, "C": 15, "D": 13}
    assert result.rounds[1].exhausted == 2
    assert result.rounds[2].tallies == {"A": 40, "B": 45}
    assert result.rounds[2].exhausted == 15
    flows = {(t.from_candidate, t.to_candidate): t.votes for t in result.rounds[2].transfers}
    assert flows == {("C", "B"): 15, ("D", EXHAUSTED): 13}
    assert result.winner == "B"
    assert any("excluded together" in n for n in result.notes)


def test_batch_elimination_reaches_the_same_final_round_as_one_at_a_time() -> None:
    single = count_ballots(BATCH, "irv")
    assert [r.eliminated for r in single.rounds[1:]] == [("F",), ("E",), ("D",), ("C",)]
    batch = count_ballots(BATCH, "irv", rules=CountRules(batch_elimination=True))
    assert single.final_round.tallies == batch.final_round.tallies
    assert single.final_round.exhausted == batch.final_round.exhausted
    assert single.winner == batch.winner


def test_batch_elimination_needs_strictly_fewer_votes() -> None:
    # E 7 + D 8 = 15 is not fewer than C's 15, so only E (7 < D's 8) goes; "<=" would take D too.
    ballots = [B("A", 45), B("B", 25), B("C,B", 15), B("D,C", 8), B("E,D", 7)]
    result = count_ballots(ballots, "irv", rules=CountRules(batch_elimination=True))
    assert result.rounds[1].eliminated == ("E",)
    assert result.rounds[1].tallies == {"A": 45, "B": 25, "C": 15, "D": 15}


def test_rules_per_system_and_their_limits() -> None:
    assert CountRules.for_system("sv") == CountRules(max_rankings=2)
    assert CountRules.for_system("contingent") == CountRules(max_rankings=3, overvote=Overvote.SKIP)
    assert CountRules.for_system("irv") == CountRules()
    assert count_ballots([B("A,B", 3), B("B", 2)], "irv").rules == CountRules()
    with pytest.raises(ValueError, match="max_rankings"):
        CountRules(max_rankings=0)
    with pytest.raises(ValueError, match="exhaust_after_skips"):
        CountRules(exhaust_after_skips=0)


def test_rules_as_contest_data_round_trip_and_name_bad_keys() -> None:
    rules = CountRules(max_rankings=5, exhaust_after_skips=2, overvote=Overvote.SKIP, batch_elimination=True)
    assert CountRules.from_mapping(rules.as_dict()) == rules
    assert CountRules.from_mapping({"max_rankings": 4}) == CountRules(max_rankings=4)
    assert CountRules.from_mapping({}, base=CountRules.for_system("sv")) == CountRules(max_rankings=2)
    with pytest.raises(ValueError, match="unknown counting rule 'rankings'"):
        CountRules.from_mapping({"rankings": 5})
    with pytest.raises(ValueError, match="'max_rankings' must be a whole number"):
        CountRules.from_mapping({"max_rankings": "5"})
    with pytest.raises(ValueError, match="'max_rankings' must be a whole number"):
        CountRules.from_mapping({"max_rankings": True})
    with pytest.raises(ValueError, match="'overvote' must be one of 'exhaust', 'skip', 'continuing'"):
        CountRules.from_mapping({"overvote": "ignore"})
    with pytest.raises(ValueError, match="'batch_elimination' must be true or false"):
        CountRules.from_mapping({"batch_elimination": 1})
    with pytest.raises(ValueError, match="at least 1"):
        CountRules.from_mapping({"max_rankings": 0})


def test_overvote_that_names_its_candidates_counts_for_the_one_still_continuing() -> None:
    # Burlington 2009's rule: "c=d" counts for whichever of c and d is still in the count when it is reached.
    ballots = [B("a", 40), B("b", 30), B("c", 12), B("d", 11), B("e,c=d,b", 6), B("c=d,a", 1)]
    rules = CountRules(overvote=Overvote.CONTINUING, first_choice_required=False)
    result = count_ballots(ballots, "irv", rules=rules)
    # Round 1: "c=d,a" marks two continuing candidates at its first ranking: valid, and exhausted at once.
    assert result.valid == 100 and result.rejected == 0
    assert result.rounds[0].exhausted == 1
    # e out: c and d are both continuing, so the "e,c=d,b" papers exhaust at the overvote (b is never reached).
    assert result.rounds[1].eliminated == ("e",)
    assert result.rounds[1].transfers == (Transfer("e", EXHAUSTED, 6),)
    assert result.rounds[1].exhausted == 7
    # The same papers with d already out: the overvote now counts for c alone.
    early = count_ballots([B("a", 40), B("b", 30), B("c", 12), B("d", 5), B("e,c=d,b", 6)], "irv", rules=rules)
    assert early.rounds[1].eliminated == ("d",)
    assert early.rounds[2].eliminated == ("e",)
    assert early.rounds[2].transfers == (Transfer("e", "c", 6),)
    # Neither marked candidate continuing: passed over to the next ranking.
    both_out = count_ballots([B("a", 40), B("b", 38), B("c", 3), B("d", 2), B("e,c=d,b", 4)], "irv", rules=rules)
    assert [r.eliminated for r in both_out.rounds[1:4]] == [("d",), ("c",), ("e",)]
    assert both_out.rounds[3].transfers == (Transfer("e", "b", 4),)


def test_overvote_rule_reads_marked_overvotes_as_plain_ones_otherwise() -> None:
    ballots = [B("a", 40), B("b", 30), B("c", 20), B("e,c=d,b", 6), B("c=d", 1)]
    exhaust = count_ballots(ballots, "irv", rules=CountRules(overvote=Overvote.EXHAUST))
    assert exhaust.rejected == 1  # a first ranking overvoted: no valid first choice
    assert "d" not in exhaust.rounds[0].tallies  # d is named only inside an overvote
    skip = count_ballots(ballots, "irv", rules=CountRules(overvote=Overvote.SKIP))
    assert skip.rounds[1].transfers == (Transfer("e", "b", 6),)
    # Under CONTINUING an overvote that does not say who was marked exhausts, as it does under EXHAUST.
    plain = count_ballots([B("a", 5), B("b", 4), B("c,overvote,b", 2)], "irv", rules=CountRules(overvote="continuing"))
    assert plain.rounds[1].transfers == (Transfer("c", EXHAUSTED, 2),)


def test_a_malformed_overvote_cell_is_a_count_error() -> None:
    with pytest.raises(CountError, match="a ballot cell 'a=': an overvote names its candidates"):
        count_ballots([B("a=,b", 3), B("b", 2)], "irv")


def test_many_different_overvotes_that_name_their_candidates() -> None:
    # More distinct marked overvotes than candidates: each keeps its own code through cleaning and grouping.
    names = "abcde"
    ballots = [B("a", 30), B("b", 28), B("c", 20), B("d", 16), B("e", 5)]
    pairs = [f"{x}={y}" for i, x in enumerate(names) for y in names[i + 1 :]]  # ten different overvotes
    ballots += [B(f"e,{pair}", 1) for pair in pairs]
    result = count_ballots(ballots, "irv", rules=CountRules(overvote=Overvote.CONTINUING))
    # e (15) goes first. The six overvotes that do not mark e mark two continuing candidates and exhaust
    # (with e's five plain papers); the four that mark e and one other count for that other.
    assert result.rounds[1].eliminated == ("e",)
    assert result.rounds[1].transfers == (Transfer("e", EXHAUSTED, 11), *(Transfer("e", c, 1) for c in "abcd"))
    assert result.valid == 109
