"""Issue 16, numbers that disagree or mislead: the count engine, the result check and the verdicts follow one
rule each, in one core function. Each test failed before its fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from warroom.core.backtest import no_final_round_reason
from warroom.core.count import Ballot, CountRules, count_ballots
from warroom.core.types import Candidate, Contest, CountingSystem, OfficialResult, Rules
from warroom.core.validation import first_round_winner


def _contest(system: CountingSystem, majority: float) -> Contest:
    rules = replace(Rules.default_for(system), majority=majority)
    people = tuple(Candidate(code, code.title()) for code in ("ann", "bob", "cat"))
    return Contest("Tied leaders", date(2025, 5, 1), system, people, rules=rules)


@pytest.mark.parametrize("system", [CountingSystem.SV, CountingSystem.CONTINGENT, CountingSystem.IRV])
@pytest.mark.parametrize("order", [("ann", "bob", "cat"), ("bob", "ann", "cat"), ("cat", "bob", "ann")])
def test_tied_leaders_past_the_majority_are_one_candidate_for_the_count_and_the_check(
    system: CountingSystem, order: tuple[str, ...]
) -> None:
    """`majority = 40`, Ann and Bob tied on 45 %: the count elects one by its tie rule (the later name: Bob);
    the result check (first_round_winner, and the back-test's reason that names who was elected) took whichever
    came first in the result's figures, Ann when the file listed her first. Both now follow core.types.placing."""
    contest = _contest(system, 40.0)
    votes = {"ann": 45_000, "bob": 45_000, "cat": 10_000}
    papers = [Ballot((code,), votes[code]) for code in order]
    counted = count_ballots(papers, system, rules=CountRules.for_contest(system, contest.counting_rules))
    assert counted.winner == "bob" and len(counted.rounds) == 1
    result = OfficialResult(first_round={code: votes[code] for code in order})
    won = first_round_winner(contest, result)
    assert won is not None and won[0] == counted.winner
    assert "Bob was elected in the first round" in no_final_round_reason(contest, result)
