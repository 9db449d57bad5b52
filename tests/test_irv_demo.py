"""The instant-runoff demo race (Burlington, Vermont, mayor 2009): real ballots reproduce every official round."""

from __future__ import annotations

import pytest

from warroom.core.count import CountRules, Overvote, count_ballots
from warroom.core.irv_scenario import prior_from_ballots, row_break_even, run_irv, scenario_from_count, set_row
from warroom.core.types import CountingSystem
from warroom.demo import (
    BURLINGTON_2009,
    BURLINGTON_2009_FILE,
    BURLINGTON_2009_RULES,
    burlington_2009_result,
    burlington_ballots,
    burlington_count,
    burlington_official,
    burlington_scenario,
)
from warroom.resources import resource_path


def test_the_count_reproduces_every_official_round_to_the_vote() -> None:
    official = burlington_official()
    result = burlington_count()
    assert result.valid == official["valid_ballots"] == 8980
    assert result.rejected == official["invalid_ballots"] == 4  # the four blank papers
    assert result.valid + result.rejected == official["total_ballots"]
    assert len(result.rounds) == len(official["rounds"])
    for ours, theirs in zip(result.rounds, official["rounds"], strict=True):
        assert ours.number == theirs["round"]
        assert ours.tallies == theirs["tallies"]
        assert set(ours.eliminated) == set(theirs["eliminated"])
        assert ours.exhausted == theirs["exhausted"]
        assert ours.continuing_votes + ours.exhausted == result.valid
    assert result.winner == official["winner"] == "Bob Kiss"
    # The gains the report prints for round 2 ("THIS ROUND") are the transfers from the three dropped together.
    gained = {t.to_candidate: 0 for t in result.rounds[1].transfers}
    for t in result.rounds[1].transfers:
        gained[t.to_candidate] += t.votes
    assert gained == {"Kurt Wright": 343, "Bob Kiss": 396, "Andy Montroll": 491, "__exhausted__": 147}
    moved = {t.to_candidate: t.votes for t in result.rounds[2].transfers}
    assert moved == {"Bob Kiss": 1332, "Kurt Wright": 767, "__exhausted__": 455}


def test_the_city_rules_are_what_reproduces_it() -> None:
    # Any other reading of an overvote misses the official figures: the rule is data, and it matters here.
    for overvote in (Overvote.EXHAUST, Overvote.SKIP):
        rules = CountRules(overvote=overvote, first_choice_required=False, batch_elimination=True)
        other = count_ballots(burlington_ballots(), "irv", rules=rules)
        assert [r.tallies for r in other.rounds] != [r["tallies"] for r in burlington_official()["rounds"]]
    assert BURLINGTON_2009_RULES.batch_elimination
    one_at_a_time = count_ballots(burlington_ballots(), "irv", rules=CountRules(overvote=Overvote.CONTINUING))
    assert len(one_at_a_time.rounds) == 5  # without the simultaneous drop there are two more rounds
    assert one_at_a_time.winner == "Bob Kiss"


def test_the_scenario_at_the_real_transfers_reproduces_the_rounds_and_finds_the_decisive_exclusion() -> None:
    scenario = burlington_scenario()
    assert scenario.codes == BURLINGTON_2009.candidate_codes and scenario.batch_elimination
    run = run_irv(scenario)
    result = burlington_count()
    name = {c.code: c.name for c in BURLINGTON_2009.candidates}
    first_round_exhausted = result.rounds[0].exhausted  # the four first-ranking overvotes: outside the shares
    scale = sum(result.rounds[0].tallies.values()) / 100.0
    for official, ours in zip(burlington_official()["rounds"], run.rounds, strict=True):
        tallies = {name[c]: v * scale for c, v in ours.tallies.items()}
        assert tallies == pytest.approx(official["tallies"], abs=1e-6)
        assert ours.exhausted * scale + first_round_exhausted == pytest.approx(official["exhausted"], abs=1e-6)
    assert run.winner == "kiss"
    # Montroll, third by 427 votes, was excluded; had Kiss gone instead, Montroll would have won.
    decisive = run.decisive
    assert [e.eliminated for e in decisive] == [("montroll",)]
    assert decisive[0].winner_if_swapped == "montroll"
    assert decisive[0].margin * scale == pytest.approx(2981 - 2554)
    # The same from the count by name, with the ballots' next choices for the finalists' rows.
    names = [c.name for c in BURLINGTON_2009.candidates]
    by_name = run_irv(scenario_from_count(result, fallback=prior_from_ballots(burlington_ballots(), names)))
    assert [e.eliminated for e in by_name.decisive] == [("Andy Montroll",)]


def test_the_demo_contest_and_its_official_result() -> None:
    assert BURLINGTON_2009.system is CountingSystem.IRV
    assert BURLINGTON_2009.problems() == []
    result = burlington_2009_result()
    assert result.first_round["wright"] == 2951 and result.final_round == {"kiss": 4313, "wright": 4061}
    assert sum(result.first_round.values()) - sum(result.final_round.values()) == result.exhausted - 4
    assert {c.name for c in BURLINGTON_2009.candidates} == set(burlington_count().rounds[0].tallies)


def test_the_shipped_file_is_a_small_weighted_profile_of_every_paper() -> None:
    path = resource_path("data", BURLINGTON_2009_FILE)
    assert path.stat().st_size < 30_000
    table = burlington_ballots()
    assert table.rows == 385 and int(table.counts.sum()) == 8984
    assert len(table.overvote_marks) == 6  # the six papers with two candidates marked at one ranking


def test_a_transfer_change_that_flips_who_finishes_third_flips_the_winner() -> None:
    # Smith's voters split 36.1 % Montroll, 28.3 % Kiss. Moving 16.35 points of that row (214 of his 1,306
    # votes) from Kiss to Montroll puts Kiss third instead of Montroll, and Montroll then wins.
    scenario = burlington_scenario()
    move = row_break_even(scenario, "smith", "montroll", "kiss")
    assert move is not None and move == pytest.approx(427 / 2 / 1306 * 100, abs=0.01)
    for step, third, winner in ((move - 0.05, "montroll", "kiss"), (move + 0.05, "kiss", "montroll")):
        row = scenario.row("smith")
        row["montroll"] += step
        row["kiss"] -= step
        run = run_irv(set_row(scenario, "smith", row))
        assert run.eliminations[1].eliminated == (third,)
        assert run.winner == winner
