"""Fresh hostile pass hE: a withdrawn candidate is never a finalist (README), so never the winner either: the
simulated odds, the forecast over time and the projection's words gave him the race."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from tests.conftest import TOY, make_poll
from warroom.core.forecast import ForecastErrors
from warroom.core.pipeline import (
    BaselineChoice,
    OddsModel,
    baseline_from_dict,
    baseline_to_dict,
    compute_averages,
    evaluate,
    forecast_days,
    forecast_last_day,
    forecast_over_time,
    make_case,
)
from warroom.resources import resource_path

ANN_OUT = dataclasses.replace(
    TOY, candidates=tuple(dataclasses.replace(c, withdrawn=c.code == "ann") for c in TOY.candidates)
)


def _odds() -> OddsModel:
    return OddsModel(ForecastErrors.load(resource_path("data", "forecast_errors.json")), ANN_OUT.election_date)


@pytest.mark.parametrize(("ann", "bob", "cat"), [(40.5, 37.5, 22.0), (55.0, 25.0, 20.0)])
def test_a_withdrawn_front_runner_has_no_chance_of_winning(ann: float, bob: float, cat: float) -> None:
    # Ann withdrawn at 40.5 %: the runoff was Bob v Cat, "Beta still ahead by 19.0 points: Toss-up (Alpha 59 %)",
    # the forecast "Alpha 59 %, Beta 41 %", and a note that Ann "passes Cat in the first round, so the real runoff
    # pair would differ". At 55 % she "passes 50 % in the first round" and was elected outright.
    polls = [make_poll(day, a=ann, b=bob, c=cat) for day in range(1, 20, 3)]
    base, scenario = make_case(BaselineChoice(), polls, ANN_OUT, compute_averages(polls, ANN_OUT))
    assert {base.a, base.b} == {"bob", "cat"}
    view = evaluate(base, scenario, heatmap=False, odds=_odds())
    assert view.odds is not None and view.odds.p_win["ann"] == 0.0
    assert view.odds.p_qualify["ann"] == 0.0
    assert view.odds.p_win["bob"] + view.odds.p_win["cat"] == pytest.approx(1.0)
    p = view.projection
    assert p.outright_winner != "ann" and "Red" not in p.verdict
    assert not any("Ann" in note for note in p.notes), p.notes
    points = forecast_over_time(polls, ANN_OUT, _odds(), forecast_days(polls, forecast_last_day(polls, ANN_OUT)))
    assert points and all(pt.p_win.get("ann", 0.0) == 0.0 for pt in points)


def test_a_saved_baseline_keeps_who_had_withdrawn() -> None:
    polls = [make_poll(day, a=40.5, b=37.5, c=22.0) for day in range(1, 20, 3)]
    base, _ = make_case(BaselineChoice(), polls, ANN_OUT, compute_averages(polls, ANN_OUT))
    again = baseline_from_dict(baseline_to_dict(base), ANN_OUT)
    assert again == base
    # a record saved before (no such key) reads as nobody withdrawn, as it was evaluated then
    old = {k: v for k, v in baseline_to_dict(base).items() if k != "withdrawn"}
    assert baseline_from_dict(old, ANN_OUT) == dataclasses.replace(base, withdrawn=frozenset())


def test_a_race_with_one_candidate_left_standing_projects_no_runoff_of_withdrawn_ones() -> None:
    # Ann and Bob withdrawn, Cat alone standing: the runoff was Ann v Bob, "Toss-up (Alpha 59 %)" (the instant
    # runoff said "fewer than two standing candidates"); now every system says so.
    from warroom.core.pipeline import PipelineError

    out = dataclasses.replace(
        TOY, candidates=tuple(dataclasses.replace(c, withdrawn=c.code != "cat") for c in TOY.candidates)
    )
    polls = [make_poll(day, a=40.5, b=37.5, c=22.0) for day in range(1, 20, 3)]
    with pytest.raises(PipelineError, match="fewer than two standing candidates"):
        make_case(BaselineChoice(), polls, out, compute_averages(polls, out))
    assert forecast_over_time(polls, out, _odds(), forecast_days(polls, forecast_last_day(polls, out))) == []


def test_a_one_poll_baseline_never_makes_a_withdrawn_candidate_a_finalist() -> None:
    # A poll chosen as the baseline that lacks the average's pair took its own top two: Ann, withdrawn, was a
    # finalist of a new baseline again.
    from warroom.core.types import Candidate, Poll

    four = dataclasses.replace(ANN_OUT, candidates=(*ANN_OUT.candidates, Candidate("dee", "Dee Grey", None, "#777777")))
    polls = [make_poll(day, a=40.0, b=30.0, c=20.0) for day in range(1, 20, 3)]
    lone = Poll(
        "Lone", date(2024, 3, 25), date(2024, 3, 26), 800, {"ann": 45.0, "bob": 30.0, "dee": 15.0, "other": 10.0}, id=99
    )
    polls = [*(dataclasses.replace(p, id=i + 1) for i, p in enumerate(polls)), lone]
    base, _ = make_case(BaselineChoice("poll", poll_id=99), polls, four, compute_averages(polls, four))
    assert {base.a, base.b} == {"bob", "dee"} and base.withdrawn == frozenset({"ann"})
