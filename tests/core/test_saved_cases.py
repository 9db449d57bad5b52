"""core.saved_cases: two-round and instant-runoff cases saved as data, read back exactly, never misread as a runoff
(SV) case, and the headline compare, the briefing and the CLI print."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import numpy as np
import pytest

from tests.irv_fixture import IRV_CONTEST, irv_polls
from warroom.core.irv_pipeline import evaluate_irv, irv_baseline
from warroom.core.irv_scenario import set_row, without_exhaustion
from warroom.core.pipeline import PipelineError, SavedScenario, compute_averages
from warroom.core.saved_cases import (
    IRV,
    TWO_ROUND,
    NotFinalists,
    SavedIrv,
    SavedTwoRound,
    carry_over,
    compare_cells,
    edited_rows,
    irv_freshness,
    irv_with_edits,
    record_kind,
    runoff_first_round,
    runoff_leader,
    save_irv,
    save_two_round,
    two_round_case,
    two_round_freshness,
)
from warroom.core.two_round import FirstRound, Message, RunoffSplit
from warroom.core.two_round_pipeline import Campaign
from warroom.demo import FAR_LEFT_2022, france_2022_compilation

NOW = datetime(2026, 11, 29, 17, 0, 0)
MACRON, LE_PEN, MELENCHON = "Emmanuel Macron", "Marine Le Pen", "Jean-Luc Mélenchon"


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    c = france_2022_compilation()
    return Campaign(tuple(c.notices), tuple(c.matrices), dict(c.results))


def _round_trip(saved):
    baseline, settings = saved.to_dicts()
    # through JSON as the store writes it (sorted keys): the ballot order must survive it
    return json.loads(json.dumps(baseline, sort_keys=True)), json.loads(json.dumps(settings, sort_keys=True))


def test_a_two_round_case_round_trips_exactly_and_gives_the_saved_numbers(campaign: Campaign) -> None:
    case = two_round_case(campaign, proxies=FAR_LEFT_2022)
    assert case.pair == (MACRON, LE_PEN) and case.first_source.startswith("Official first round")
    s = case.defaults.scenario
    s = replace(
        s,
        splits={**s.splits, MELENCHON: RunoffSplit(30.0, 25.0, 15.0, 30.0)},
        turnout=-0.25,
        message=Message(MACRON, 0.1, 50, 25, 25, among=MELENCHON),
    )
    saved = save_two_round("  Mélenchon stays home ", case, s, now=NOW)
    assert saved.name == "Mélenchon stays home" and saved.saved_at == "2026-11-29T17:00:00"
    baseline, settings = _round_trip(saved)
    assert record_kind(baseline) == TWO_ROUND
    back = SavedTwoRound.from_dicts(saved.name, baseline, settings)
    assert back.scenario == replace(s, name=saved.name)
    assert back.first == case.first and back.error == case.defaults.error and back.hypothesis is None
    assert list(back.first.votes) == list(case.first.votes) and list(back.scenario.splits) == list(s.splits)
    # the saved case's numbers are the panel's function on the same inputs, to the digit
    live = case.view(s)
    assert back.view().projection == live.projection
    summary = back.summary()
    leader, chance = runoff_leader(live)
    assert summary.winner == leader == MACRON and summary.chance == chance
    assert summary.margin == pytest.approx(abs(live.projection.margin), abs=0)
    cells = compare_cells(summary)
    assert cells[3] == MACRON and cells[4].startswith(f"{abs(live.projection.margin):.1f} points")
    assert any("Message against Emmanuel Macron: 10 %" in line for line in summary.details)
    assert any(line.startswith("Jean-Luc Mélenchon: 30 % Emmanuel Macron, 25 %") for line in summary.details)


def test_a_saved_two_round_case_is_never_read_as_a_runoff_case_and_the_reverse(campaign: Campaign) -> None:
    case = two_round_case(campaign, proxies=FAR_LEFT_2022)
    baseline, settings = save_two_round("X", case, case.defaults.scenario, now=NOW).to_dicts()
    with pytest.raises(PipelineError, match="two_round case, not a runoff"):
        SavedScenario.from_dicts("X", baseline, settings, None)  # type: ignore[arg-type]
    with pytest.raises(PipelineError, match="is for two-round contests, not instant-runoff ones"):
        SavedIrv.from_dicts("X", baseline, settings)
    with pytest.raises(PipelineError, match="is for SV runoff contests, not two-round ones"):
        SavedTwoRound.from_dicts("X", {"choice": {}, "baseline": {}}, {})
    with pytest.raises(PipelineError, match="record version 9"):
        SavedTwoRound.from_dicts("X", {**baseline, "version": 9}, settings)


def test_a_broken_two_round_record_is_refused_naming_the_case_and_the_part(campaign: Campaign) -> None:
    case = two_round_case(campaign, proxies=FAR_LEFT_2022)
    baseline, settings = save_two_round("Plan", case, case.defaults.scenario, now=NOW).to_dicts()
    splits = [p for p in settings["splits"] if p[0] != MELENCHON]
    with pytest.raises(PipelineError, match=f"'Plan': no split for {MELENCHON}"):
        SavedTwoRound.from_dicts("Plan", baseline, {**settings, "splits": splits})
    with pytest.raises(PipelineError, match=r"'Plan'.*split of"):
        SavedTwoRound.from_dicts("Plan", baseline, {**settings, "splits": [*splits, ["Ghost", [1, 2]]]})
    with pytest.raises(PipelineError, match=r"'Plan': splits: a list of \[name, value\] pairs"):
        SavedTwoRound.from_dicts("Plan", baseline, {**settings, "splits": "all to Macron"})
    with pytest.raises(PipelineError, match="a saved scenario needs a name"):
        save_two_round("   ", case, case.defaults.scenario)


def test_another_matchup_and_hypothesis_and_todays_answer(campaign: Campaign) -> None:
    case = two_round_case(campaign, matchup=(MELENCHON, MACRON), proxies=FAR_LEFT_2022)
    assert case.pair == (MACRON, MELENCHON)  # A is the one the head-to-heads put ahead
    with pytest.raises(PipelineError, match="no poll asks the runoff"):
        two_round_case(campaign, matchup=("Nobody", MACRON))
    saved = save_two_round("M v M", case, case.defaults.scenario, now=NOW)
    assert two_round_freshness(saved, case) == ""
    moved = replace(case, first=replace(case.first, votes={**case.first.votes, MACRON: 6_000_000.0}))
    note = two_round_freshness(saved, moved)
    assert note.startswith("Today's first round") and "when saved" in note
    assert carry_over(saved.scenario, case.defaults.scenario) == saved.scenario


def test_an_irv_case_round_trips_with_its_edited_rows_and_the_panels_headline() -> None:
    polls = [replace(p, id=i + 1) for i, p in enumerate(irv_polls())]
    case = irv_baseline(IRV_CONTEST, polls, compute_averages(polls, IRV_CONTEST))
    edited = set_row(case.scenario, "ind", {"grn": 10.0, "alp": 70.0, "lnp": 10.0, "uap": 10.0})
    assert edited_rows(edited, case.scenario) == ("ind",)
    saved = save_irv("Dale to Reid", case, edited, row="ind", now=NOW)
    baseline, settings = _round_trip(saved)
    assert record_kind(baseline) == IRV
    back = SavedIrv.from_dicts(saved.name, baseline, settings)
    assert back.scenario.codes == edited.codes and back.edited == ("ind",) and back.row == "ind"
    assert np.array_equal(back.scenario.transfers, edited.transfers)
    assert np.array_equal(back.scenario.first_round, edited.first_round)
    live = evaluate_irv(replace(case, scenario=edited))
    summary = back.summary()
    assert summary.headline == live.headline and summary.winner == live.name(live.run.winner)
    assert summary.margin == live.run.final_margin
    assert any(line.startswith("Dale's voters next: Reid 70 %") for line in summary.details)
    # restoring on today's baseline brings back exactly the edited rows
    assert np.array_equal(irv_with_edits(back, case.scenario).transfers, edited.transfers)
    assert irv_freshness(back, case) == "" or "when saved" in irv_freshness(back, case)
    with pytest.raises(PipelineError, match="is for instant-runoff contests"):
        SavedTwoRound.from_dicts("x", baseline, settings)
    with pytest.raises(PipelineError, match="must name exactly"):
        SavedIrv.from_dicts("x", baseline, {**settings, "rows": {}})


def test_a_full_preferential_irv_case_keeps_its_rule() -> None:
    polls = [replace(p, id=i + 1) for i, p in enumerate(irv_polls())]
    case = irv_baseline(IRV_CONTEST, polls, compute_averages(polls, IRV_CONTEST))
    full = without_exhaustion(case.scenario)
    assert full.full_preferential
    saved = save_irv("Full", replace(case, scenario=full), full, now=NOW)
    back = SavedIrv.from_dicts(saved.name, *_round_trip(saved))
    assert back.scenario.full_preferential and back.scenario.max_rankings is None
    assert back.summary().headline == evaluate_irv(replace(case, scenario=full)).headline
    # a record saved before the rule existed reads as optional preferential
    baseline, settings = _round_trip(save_irv("Old", case, case.scenario, now=NOW))
    baseline.pop("full_preferential", None)
    assert not SavedIrv.from_dicts("Old", baseline, settings).scenario.full_preferential


def test_carrying_a_case_over_follows_the_finalists_when_todays_polls_swap_a_and_b(campaign: Campaign) -> None:
    case = two_round_case(campaign, proxies=FAR_LEFT_2022)
    s = case.defaults.scenario
    saved = replace(s, splits={**s.splits, MELENCHON: RunoffSplit(30.0, 25.0, 15.0, 30.0)}, turnout=0.2)
    swapped = replace(
        s, a=s.b, b=s.a, splits={k: RunoffSplit(v.to_b, v.to_a, v.blank_null, v.abstain) for k, v in s.splits.items()}
    )
    got = carry_over(saved, swapped)
    assert (got.a, got.b) == (s.b, s.a) and got.turnout == 0.2
    assert got.splits[MELENCHON] == RunoffSplit(25.0, 30.0, 15.0, 30.0)  # still 30 % to Macron, now B
    # the same runoff either way round
    assert case.view(got).projection.margin == pytest.approx(-case.view(saved).projection.margin, abs=1e-9)


def test_the_first_round_of_a_runoff_case_spells_the_finalists_as_the_results_do(campaign: Campaign) -> None:
    first, said, a, b = runoff_first_round(campaign, {}, ("emmanuel macron", "MARINE LE PEN"))
    assert (a, b) == (MACRON, LE_PEN) and a in first.votes and said
    with pytest.raises(NotFinalists, match="Nobody v Emmanuel Macron: both must be first-round candidates"):
        runoff_first_round(campaign, {}, ("Nobody", MACRON))
    with pytest.raises(PipelineError):
        runoff_first_round(Campaign((), (), {}), {}, (MACRON, LE_PEN))  # no first round at all


# --- hostile pass (issue 16): hand-edited saved-case records --------------------------------------------------


def _irv_records() -> tuple[dict, dict]:
    polls = [replace(p, id=i + 1) for i, p in enumerate(irv_polls())]
    case = irv_baseline(IRV_CONTEST, polls, compute_averages(polls, IRV_CONTEST))
    return _round_trip(save_irv("Edited", case, case.scenario, row="ind", now=NOW))


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("as_of", "2024-13-45", "as_of"),
        ("names", [1, 2], "names"),
        ("names", 5, "names"),
        ("sources", "abc", "sources"),
        ("max_rankings", 2.7, "max_rankings"),
        ("max_rankings", float("inf"), "max_rankings"),
        pytest.param("max_rankings", 10**400, "max_rankings", id="max_rankings-10**400"),
        ("stop_at_majority", "false", "stop_at_majority"),
        ("batch_elimination", "no", "batch_elimination"),
        ("full_preferential", 1, "full_preferential"),
        # shares each finite whose sum overflows: the count looped for ever on NaN shares
        ("first_round", [1e308] * 12, "first-round shares"),
    ],
)
def test_a_hand_edited_irv_record_is_refused_naming_the_case_and_the_field(key: str, value, words: str) -> None:
    baseline, settings = _irv_records()
    baseline[key] = value
    with pytest.raises(PipelineError, match=f"saved scenario 'Edited': .*{words}"):
        SavedIrv.from_dicts("Edited", baseline, settings)


def _two_round_records(campaign: Campaign) -> tuple[dict, dict]:
    case = two_round_case(campaign, proxies=FAR_LEFT_2022)
    return _round_trip(save_two_round("Edited", case, case.defaults.scenario, now=NOW))


def test_a_hand_edited_two_round_record_is_refused_naming_the_case_and_the_field(campaign: Campaign) -> None:
    baseline, settings = _two_round_records(campaign)
    a = settings["a"]
    bad = [
        ({}, {"message": {"on": a, "strength": 0.5, "among": "Zed"}}, "among 'Zed'"),
        ({"error": {"polling_sd": 1e300}}, {}, "polling sd"),
        ({"error": {"polling_sd": -3}}, {}, "polling sd"),
        ({"error": {"polling_sd": 2.0, "transfer_sd": {a: float("-1")}}}, {}, "transfer sd"),
        ({"first_round": {**baseline["first_round"], "registered": 1e308}}, {}, "registered voters"),
        # a name twice: one of its two figures was silently dropped
        ({}, {"splits": [*settings["splits"], settings["splits"][0]]}, f"{settings['splits'][0][0]} appears twice"),
        (
            {"first_round": {**baseline["first_round"], "votes": [*baseline["first_round"]["votes"], [a, 1.0]]}},
            {},
            f"{a} appears twice",
        ),
    ]
    for record_change, settings_change, words in bad:
        with pytest.raises(PipelineError, match=f"saved scenario 'Edited': .*{words}"):
            SavedTwoRound.from_dicts("Edited", {**baseline, **record_change}, {**settings, **settings_change})


def test_a_saved_message_among_voters_todays_first_round_lacks_is_said_not_raised(campaign: Campaign) -> None:
    """A case saved on a hypothesis whose message targets a candidate's voters, and today's first round (the
    official one, say) has no such candidate: compare, the briefing and load raised a ValueError from the
    projection; now today's answer says it cannot be rebuilt, and carry_over refuses it naming the electorate."""
    case = two_round_case(campaign, proxies=FAR_LEFT_2022)
    s = case.defaults.scenario
    first = FirstRound({**case.first.votes, "Zed": 100_000.0}, case.first.registered, case.first.blank_null)
    with_zed = replace(
        s, splits={**s.splits, "Zed": RunoffSplit(25, 25, 25, 25)}, message=Message(s.a, 0.2, 40, 30, 30, among="Zed")
    )
    saved = SavedTwoRound("Zed's voters", None, first, "a hypothesis", with_zed)
    assert saved.summary().winner  # the case itself stands on its own saved first round
    assert "cannot rebuild" in two_round_freshness(saved, case) and "'Zed'" in two_round_freshness(saved, case)
    with pytest.raises(PipelineError, match="among 'Zed'"):
        carry_over(saved.scenario, case.defaults.scenario)
