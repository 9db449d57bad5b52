"""Issue 16, fourteenth pass: the count engine follows a contest's own majority (`[rules] majority` of valid
votes), as the result check (core.validation.first_round_winner) and scenarios (core.pipeline.outright_majority)
already did. Each test failed before its fix: the engine always counted to more than half."""

from __future__ import annotations

from dataclasses import replace

import pytest

from warroom.core.count import Ballot, CountRules, count_ballots
from warroom.core.types import CountingSystem, Rules, passes_majority

# Ann leads with 45 % of valid votes; Cat's voters all give Bob their next preference.
PAPERS = [Ballot(("Ann",), 45), Ballot(("Bob",), 35), Ballot(("Cat", "Bob"), 20)]


def _rules(system: CountingSystem, majority: float, base: str = "valid") -> CountRules:
    return CountRules.for_contest(system, replace(Rules.default_for(system), majority=majority, majority_base=base))


@pytest.mark.parametrize("system", [CountingSystem.SV, CountingSystem.CONTINGENT, CountingSystem.IRV])
def test_a_contests_majority_below_half_elects_in_the_first_round(system: CountingSystem) -> None:
    """`majority = 40`: Ann's 45 % elects her in the first round under SV (2 preferences), the contingent vote
    and instant runoff, with no second count. The engine counted on to Bob's 55-45 win on transfers, a result
    the contest's own check then refused. Without a contest's rule the count still goes to more than half."""
    held = count_ballots(PAPERS, system, rules=_rules(system, 40.0))
    assert held.winner == "Ann" and len(held.rounds) == 1
    usual = count_ballots(PAPERS, system)
    assert usual.winner == "Bob" and usual.final_round.tallies == {"Ann": 45, "Bob": 55}
    assert count_ballots(PAPERS, system, rules=_rules(system, 50.0)) == usual
    # 45 is not more than 45 %: a majority of 45 % is not passed, and the count goes on.
    assert count_ballots(PAPERS, system, rules=_rules(system, 45.0)).winner == "Bob"


@pytest.mark.parametrize("system", [CountingSystem.SV, CountingSystem.CONTINGENT, CountingSystem.IRV])
def test_a_contests_majority_above_half_is_not_passed_by_a_bare_majority(system: CountingSystem) -> None:
    """`majority = 60`: Ann's 55 % no longer elects her in the first round; the top two go to a final round."""
    papers = [Ballot(("Ann",), 55), Ballot(("Bob",), 35), Ballot(("Cat", "Bob"), 10)]
    assert len(count_ballots(papers, system).rounds) == 1
    held = count_ballots(papers, system, rules=_rules(system, 60.0))
    assert held.rounds[-1].tallies == {"Ann": 55, "Bob": 45} and held.winner == "Ann" and len(held.rounds) == 2


def test_a_majority_of_votes_cast_or_the_electorate_is_said_not_followed() -> None:
    """The ballots give valid votes only: a majority of votes cast or registered voters keeps more than half of
    the valid votes, and `majority_unknown` says so (the command line adds it to the count's notes)."""
    for base in ("cast", "registered"):
        rules = _rules(CountingSystem.SV, 40.0, base)
        assert rules.majority == 50.0
        assert count_ballots(PAPERS, CountingSystem.SV, rules=rules).winner == "Bob"
        note = CountRules.majority_unknown(
            replace(Rules.default_for(CountingSystem.SV), majority=40.0, majority_base=base)
        )
        assert note is not None and "40 % of" in note and "more than half of the valid votes" in note
    assert CountRules.majority_unknown(Rules.default_for(CountingSystem.SV)) is None


def test_the_majority_is_a_counting_rule_read_and_checked_like_the_others() -> None:
    """`majority` is in `as_dict` (and `--json`'s rules) and read back by `from_mapping`; a value outside
    (0, 100) or of the wrong kind is refused naming it."""
    rules = _rules(CountingSystem.IRV, 40.0)
    assert rules.as_dict()["majority"] == 40.0 and CountRules.from_mapping(rules.as_dict()) == rules
    with pytest.raises(ValueError, match="majority"):
        CountRules.from_mapping({"majority": "forty"})
    with pytest.raises(ValueError, match="majority must lie strictly between 0 and 100"):
        CountRules(majority=100.0)


def test_the_majority_test_is_exact_past_float_precision() -> None:
    """One test for the engine and the result check, exact in whole numbers below the engine's 2**52 ballots:
    1,772,116,787,873,488 votes of 3,894,762,171,150,523 are more than 45.5 %, which `100.0 * votes > 45.5 *
    base` in floats (the result check's test before) says they are not."""
    votes, base = 1_772_116_787_873_488, 3_894_762_171_150_523
    assert not 100.0 * votes > 45.5 * base  # the float test's rounding
    assert passes_majority(votes, base, 45.5) and not passes_majority(votes - 1, base, 45.5)
    assert passes_majority(41, 100, 40.0) and not passes_majority(40, 100, 40.0)
    assert passes_majority(51, 100, 50.0) and not passes_majority(50, 100, 50.0)
    assert not passes_majority(1, 0, 40.0)


def test_a_scenario_says_when_it_cannot_follow_the_contests_majority() -> None:
    """`majority = 40` of registered voters (or of votes cast): a baseline has shares of valid votes and no
    turnout, so the verdict goes by 50 % of valid votes, and it said nothing of the contest's rule. The baseline
    now carries the rule it does not follow (`majority_unapplied`, kept in a saved record) and the assumption
    lines (the command line, briefing, meeting mode) and the panel's first-round line say so; a majority of
    valid votes is followed and says nothing."""
    from tests.conftest import TOY, make_poll
    from warroom.core.pipeline import (
        BaselineChoice,
        assumption_lines,
        baseline_from_dict,
        baseline_to_dict,
        compute_averages,
        make_baseline,
    )
    from warroom.core.scenario import Scenario

    polls = [replace(make_poll(day, f"P{day}", a=45, b=40, c=15), id=day) for day in (1, 8, 15)]
    for base_of, words in (("registered", "40 % of registered voters"), ("cast", "40 % of votes cast")):
        contest = replace(
            TOY, rules=replace(Rules.default_for(CountingSystem.SV), majority=40.0, majority_base=base_of)
        )
        base = make_baseline(BaselineChoice(), polls, contest, compute_averages(polls, contest))
        assert base.majority == 50.0 and base.majority_unapplied == words
        note = f"Majority: 50 % of valid votes, not the contest's {words} (a baseline has shares of valid votes, no turnout)"
        assert base.majority_note == note
        assert note in assumption_lines(base, Scenario({}))
        assert baseline_from_dict(baseline_to_dict(base), contest).majority_note == note
    followed = replace(TOY, rules=replace(Rules.default_for(CountingSystem.SV), majority=40.0))
    base = make_baseline(BaselineChoice(), polls, followed, compute_averages(polls, followed))
    assert base.majority == 40.0 and base.majority_note is None
    assert not any(line.startswith("Majority:") for line in assumption_lines(base, Scenario({})))
    assert "majority_unapplied" not in baseline_to_dict(base)


def test_two_leaders_tied_past_a_majority_below_half_are_decided_and_said_so() -> None:
    """Under `majority = 40`, Ann and Bob at 45 % each both pass it: one is elected in the first round (by name
    here, the later name ahead, as every other tie in the engine), and the count's notes say the law draws lots."""
    papers = [Ballot(("Ann",), 45), Ballot(("Bob",), 45), Ballot(("Cat", "Ann"), 10)]
    for system in (CountingSystem.SV, CountingSystem.CONTINGENT, CountingSystem.IRV):
        held = count_ballots(papers, system, rules=_rules(system, 40.0))
        assert held.winner == "Bob" and len(held.rounds) == 1
        assert held.notes == ("Ann, Bob tied past the majority: decided by name here; the law decides by lot",)
        assert count_ballots(papers, system).winner == "Ann"  # at 50 %: Cat's voter's transfers decide
