"""Issue 16, fifteenth pass: a tie for second place under the Supplementary Vote keeps every tied candidate.

Local Democracy, Economic Development and Construction Act 2009, Schedule 5B, para 5(5) (resources/data/SOURCES.md):
when one candidate is first and two or more are tied for second, all of them remain in the contest, and the
second preferences of the others' voters go to any of them. The engine kept two, decided by name, with a note
that "the law decides by lot", so a tie for second could name the wrong winner. The contingent vote's law
(Constitution of Sri Lanka, Article 94(3) and (4)) keeps only two and settles that tie by lot: unchanged.
Each SV test failed before the fix."""

from __future__ import annotations

import pytest

from warroom.core.count import Ballot, count_ballots

# Ann first; Bob and Cat tied for second; Eve's voters all give Bob their second preference.
TIED_SECOND = [Ballot(("Ann",), 40), Ballot(("Bob",), 30), Ballot(("Cat",), 30), Ballot(("Eve", "Bob"), 20)]


def test_every_candidate_tied_for_second_stays_in_the_supplementary_vote() -> None:
    """Bob and Cat both stay with Ann; Eve's 20 second preferences reach Bob, who wins 50-40-30. The engine kept
    Ann and Cat (the later name), sent Eve's papers to nobody and elected Ann 40-30."""
    result = count_ballots(TIED_SECOND, "sv")
    assert result.final_round.tallies == {"Ann": 40, "Bob": 50, "Cat": 30}
    assert result.final_round.eliminated == ("Eve",)
    assert result.winner == "Bob"
    assert result.notes == (
        "Bob, Cat tied for second place on 30 first preferences: all remain in the contest with Ann "
        "(Schedule 5B para 5(5))",
    )


def test_the_winner_of_a_tie_for_second_does_not_depend_on_the_names() -> None:
    """Renaming Bob so that his name sorts last (where the old name rule kept him) or first gives one count."""
    for bob in ("Aaron", "Zed"):
        papers = [Ballot(tuple(bob if n == "Bob" else n for n in b.preferences), b.count) for b in TIED_SECOND]
        result = count_ballots(papers, "sv")
        assert result.winner == bob and result.final_round.tallies[bob] == 50, bob


def test_three_tied_for_first_all_stay_in_the_supplementary_vote() -> None:
    """Three tied for first: all remain (Schedule 5B para 5); none is dropped by name before the second preferences."""
    papers = [Ballot(("Ann",), 30), Ballot(("Bob",), 30), Ballot(("Cat",), 30), Ballot(("Eve", "Ann"), 20)]
    result = count_ballots(papers, "sv")
    assert result.final_round.tallies == {"Ann": 50, "Bob": 30, "Cat": 30}
    assert result.winner == "Ann"


def test_a_tie_among_three_finalists_is_noted_as_the_laws_lot() -> None:
    """Three finalists tied at the end: decided on first preferences here, and said to be the law's lot."""
    papers = [Ballot(("Ann",), 40), Ballot(("Bob",), 30), Ballot(("Cat",), 30), Ballot(("Eve", "Bob"), 10)]
    result = count_ballots(papers, "sv")
    assert result.final_round.tallies == {"Ann": 40, "Bob": 40, "Cat": 30}
    assert result.winner == "Ann"
    assert "final round tied: decided on first preferences here; the law decides by lot" in result.notes


def test_a_clear_second_still_keeps_exactly_two() -> None:
    """No tie for second: the top two only, as before (Cat is out and her paper goes to Bob)."""
    papers = [Ballot(("Ann",), 40), Ballot(("Bob",), 31), Ballot(("Cat", "Bob"), 30)]
    result = count_ballots(papers, "sv")
    assert result.final_round.tallies == {"Ann": 40, "Bob": 61} and result.notes == ()


def test_the_contingent_vote_keeps_two_as_its_law_says() -> None:
    """Article 94(3) keeps "the highest and second highest"; 94(4) decides which is not eliminated by lot. The
    engine keeps two (by name, later name ahead) and says the law decides by lot."""
    result = count_ballots(TIED_SECOND, "contingent")
    assert set(result.final_round.tallies) == {"Ann", "Cat"}
    assert result.winner == "Ann"
    assert result.notes == ("tie for second place between Cat and Bob: decided by name here; the law decides by lot",)


def _tied_result(system: str) -> str:
    candidates = "".join(f'\n[[candidate]]\ncode = "{c}"\nname = "{c.title()}"\n' for c in ("ann", "bob", "cat", "eve"))
    return (
        f'[contest]\nname = "Tied second"\nelection_date = 2024-05-02\nsystem = "{system}"\n{candidates}\n'
        "[result]\nfirst_round = { ann = 40, bob = 30, cat = 30, eve = 20 }\n"
        "final_round = { ann = 40, bob = 50, cat = 30 }\n"
        'transfers = [{ from = "eve", to = "bob", votes = 20 }]\nexhausted = 0\n'
    )


def test_a_declared_sv_result_with_everyone_tied_for_second_is_accepted() -> None:
    """The result check refused any SV final round of three ("takes the top two"), so the count above could not
    be stored as the contest's result. A tie for second may name three; the contingent vote still may not, nor
    may SV a third finalist who was not tied."""
    from warroom.core.contestfile import ContestFileError, parse_contest_file

    result = parse_contest_file(_tied_result("sv")).result
    assert result is not None and result.final_round == {"ann": 40, "bob": 50, "cat": 30}
    with pytest.raises(ContestFileError, match=r"result\.final_round: names 3 finalists; Contingent vote takes"):
        parse_contest_file(_tied_result("contingent"))
    untied = _tied_result("sv").replace("cat = 30, eve", "cat = 29, eve").replace("cat = 30 }", "cat = 29 }")
    with pytest.raises(ContestFileError, match=r"names 3 finalists; Supplementary Vote takes the top two"):
        parse_contest_file(untied.replace("eve = 20", "eve = 21"))
