"""Issue 16, a fresh pass on saved cases: a saved runoff case read back named its eliminated candidates in another
order than the case it was saved from. The store writes a record's keys sorted, and the order of a baseline's
eliminated candidates was its first round's key order: `warroom scenario` printed "Voters of Jones, Benita, Webb
and Cortiglia" for London's live case and "Voters of Benita, Cortiglia, Jones and Webb" (after Paddick's line,
not before it) for the same case saved; the panel's transfer rows and Compare's rows followed. The order is now a
rule of its own: largest first round first, ties by the one tie rule (core.types.placing). Failed before."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from warroom.core.pipeline import BaselineChoice, SavedScenario, assumption_lines
from warroom.core.runoff import Split
from warroom.core.scenario import Baseline, Scenario
from warroom.core.types import Candidate, Contest, CountingSystem

NAMES = {"j": "Johnson", "l": "Livingstone", "p": "Paddick", "g": "Jones", "b": "Benita", "w": "Webb", "c": "Cortiglia"}
SHARES = {"j": 44.0, "l": 38.0, "p": 6.7, "g": 4.2, "b": 3.5, "w": 3.0, "c": 0.6}


def test_a_saved_case_read_back_names_its_eliminated_candidates_in_the_order_of_the_live_one() -> None:
    base = Baseline(dict(SHARES), {}, {}, "j", "l", names=NAMES)
    assert base.eliminated == ["p", "g", "b", "w", "c"]
    same = {"c": Split(27, 27, 46), "b": Split(27, 27, 46), "g": Split(27, 27, 46), "w": Split(27, 27, 46)}
    scenario = Scenario({"p": Split(70, 10, 20), **same})
    contest = Contest("Race", date(2012, 5, 3), CountingSystem.SV, tuple(Candidate(k, v) for k, v in NAMES.items()))
    saved = SavedScenario.from_dicts("Plan", *_stored(SavedScenario("Plan", BaselineChoice(), base, scenario)), contest)
    assert saved.baseline.eliminated == base.eliminated
    assert assumption_lines(saved.baseline, saved.scenario) == assumption_lines(base, scenario)
    assert "Voters of Jones, Benita, Webb and Cortiglia" in " ".join(assumption_lines(base, scenario))


def test_eliminated_candidates_are_ordered_by_share_whatever_order_the_first_round_comes_in() -> None:
    """A one-poll baseline takes the poll's columns' order; the same shares in any order give one order."""
    backwards = dict(reversed(list(SHARES.items())))
    assert Baseline(backwards, {}, {}, "j", "l", names=NAMES).eliminated == ["p", "g", "b", "w", "c"]
    tied = {"j": 50.0, "l": 40.0, "b": 5.0, "a": 5.0}  # level: the later name ahead, as the count
    assert Baseline(tied, {}, {}, "j", "l", names={"b": "Ann", "a": "Bob"}).eliminated == ["a", "b"]


def _stored(saved: SavedScenario) -> list[Any]:
    """The records as the store keeps them: JSON with its keys sorted (store.polls.save_scenario)."""
    return [json.loads(json.dumps(part, sort_keys=True)) for part in saved.to_dicts()]
