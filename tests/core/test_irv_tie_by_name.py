"""Issue 16, one tie rule, left over: the instant-runoff scenario ordered tied candidates by code, where the count
(`core.count`), the result check and the SV/contingent projection order them by the name shown
(`core.types.placing` on `core.types.tie_names`). Each test failed before its fix."""

from __future__ import annotations

from datetime import date

import numpy as np

from warroom.core.count import Ballot, CountRules, count_ballots
from warroom.core.irv_pipeline import evaluate_irv, irv_baseline
from warroom.core.irv_scenario import EXHAUSTED, IrvScenario, irv_scenario, run_irv
from warroom.core.saved_cases import SavedIrv, save_irv
from warroom.core.types import Candidate, Contest, CountingSystem, Rules, tie_names

# Codes and names sort apart: code "b" is Ann, code "a" is Bob.
APART = Contest(
    "Apart",
    date(2025, 5, 1),
    CountingSystem.IRV,
    (Candidate("b", "Ann"), Candidate("a", "Bob"), Candidate("c", "Cy")),
    rules=Rules.default_for(CountingSystem.IRV),
)
# Ann and Bob tied for last on 30; Ann's voters go on to Cy, Bob's to Ann.
FIRST = {"b": 30.0, "a": 30.0, "c": 40.0}
ROWS = {"b": {"c": 100.0}, "a": {"b": 100.0}, "c": {EXHAUSTED: 100.0}}


def _count_winner() -> str:
    """The count of the same papers: ballots written with the codes, ordered by the contest's names."""
    papers = [Ballot(("b", "c"), 30), Ballot(("a", "b"), 30), Ballot(("c",), 40)]
    rules = CountRules.for_contest(CountingSystem.IRV, APART.counting_rules)
    return count_ballots(papers, CountingSystem.IRV, rules=rules, tie_names=tie_names(APART)).winner


def test_the_irv_scenario_excludes_of_two_tied_for_last_the_one_the_count_excludes() -> None:
    """Tied for last, the count excludes the earlier name, Ann (code "b"): her voters elect Cy. The scenario
    excluded the earlier code, Bob ("a"), whose voters elected Ann: the panel and `warroom scenario` named Ann
    where the count of the very papers named Cy."""
    assert _count_winner() == "c"
    scenario = irv_scenario(FIRST, ROWS, tie_names=tuple(tie_names(APART)[c] for c in FIRST))
    run = run_irv(scenario)
    assert run.rounds[1].tallies.keys() == {"a", "c"} and run.winner == "c"
    assert run.notes and "Ann, Bob tied for last; Ann excluded on earlier rounds/name" in run.notes[0]


def test_the_contests_case_and_its_saved_record_break_the_tie_by_name() -> None:
    """The case the window and `warroom scenario` start from (`irv_baseline`) carries the contest's names to the
    chain, and so does a saved case read back."""
    ballots = irv_scenario(FIRST, ROWS)
    case = irv_baseline(APART, [], None, ballots=ballots)
    assert run_irv(case.scenario).winner == "c"
    saved = save_irv("Tie", case, case.scenario)
    again = SavedIrv.from_dicts("Tie", *saved.to_dicts())
    assert run_irv(again.case.scenario).winner == "c"
    assert evaluate_irv(again.case).run.winner == "c"


def test_a_final_round_tie_names_the_later_name_the_winner() -> None:
    """Two left, level: the count elects the later name (Bob, code "a"); the scenario elected the later code."""
    matrix = np.array([[0.0, 100.0, 0.0], [100.0, 0.0, 0.0]])
    scenario = IrvScenario(("b", "a"), np.array([50.0, 50.0]), matrix, tie_names=("Ann", "Bob"))
    run = run_irv(scenario)
    assert run.winner == "a" and run.final_pair == ("a", "b")
    papers = [Ballot(("Ann",), 50), Ballot(("Bob",), 50)]
    assert count_ballots(papers, CountingSystem.IRV).winner == "Bob"
