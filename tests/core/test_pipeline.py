"""core.pipeline: typed baseline choices, the runoff anchor, saved scenarios that reproduce themselves."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime

import numpy as np
import pytest

from tests.conftest import TOY, make_poll
from warroom.core.pipeline import (
    BaselineChoice,
    PipelineError,
    SavedScenario,
    compute_averages,
    default_scenario,
    evaluate,
    freshness,
    make_baseline,
    reconcile,
    save_scenario,
)
from warroom.core.runoff import Split
from warroom.core.scenario import (
    Baseline,
    Scenario,
    break_even_curve,
    break_even_split,
    margin_grid,
    project,
)
from warroom.core.types import TransferObservation


def _polls() -> list:
    polls = [
        replace(make_poll(d, a=44 + (d % 3), b=40 - (d % 2), c=16 - (d % 3) + (d % 2)), id=d) for d in range(1, 20)
    ]
    polls[-1] = replace(polls[-1], second_round={"ann": 55, "bob": 45})
    polls[-2] = replace(polls[-2], second_round={"ann": 53, "bob": 47})
    return polls


def test_split_refuses_nan() -> None:
    with pytest.raises(ValueError, match="0-100"):
        Split(math.nan, 50, 50)


def test_choice_validates_and_round_trips_including_the_old_form() -> None:
    for choice in (
        BaselineChoice(),
        BaselineChoice("as_of", as_of=date(2024, 3, 5)),
        BaselineChoice("poll", poll_id=7),
    ):
        assert BaselineChoice.from_dict(choice.to_dict()) == choice
    assert BaselineChoice.from_dict({"mode": "poll", "value": 3}) == BaselineChoice("poll", poll_id=3)
    assert BaselineChoice.from_dict({"mode": "as_of", "value": "2024-03-01"}).as_of == date(2024, 3, 1)
    with pytest.raises(PipelineError):
        BaselineChoice("someday")
    with pytest.raises(PipelineError):
        BaselineChoice("poll")


def test_a_poll_baseline_reproduces_its_published_head_to_head() -> None:
    polls = _polls()
    avg = compute_averages(polls, TOY)
    choice = BaselineChoice("poll", poll_id=19)
    base = make_baseline(choice, polls, TOY, avg)
    defaults = default_scenario(base, polls, TOY, choice)
    p = project(base, defaults)
    assert p.runoff.a_share == pytest.approx(55.0) and p.margin == pytest.approx(10.0)
    assert base.runoff_adjustment != 0.0 and "published head-to-head" in base.runoff_source
    # a poll without a head-to-head: transfers alone, no adjustment
    plain = make_baseline(BaselineChoice("poll", poll_id=3), polls, TOY, avg)
    assert plain.runoff_adjustment == 0.0


def test_the_average_baseline_reproduces_the_runoff_average() -> None:
    polls = _polls()
    avg = compute_averages(polls, TOY)
    assert avg is not None
    base = make_baseline(BaselineChoice(), polls, TOY, avg)
    p = project(base, default_scenario(base, polls, TOY, BaselineChoice()))
    lead = avg.second_lead
    assert p.margin == pytest.approx(lead.at(lead.days[-1])[0], abs=1e-9)


@pytest.mark.parametrize("adjustment", [-6.0, 0.0, 3.5])
def test_break_evens_stay_exact_with_an_adjustment(adjustment: float) -> None:
    base = Baseline(
        {"A": 46, "B": 38, "C": 16}, {"R": 34, "B": 42}, {"A": "R", "B": "B"}, "A", "B", runoff_adjustment=adjustment
    )
    scenario = Scenario({"C": Split(40, 20, 40)})
    m = project(base, scenario).break_even_message
    assert m is not None and 0 < m < 1
    assert project(base, replace(scenario, message_strength=m)).margin == pytest.approx(0.0, abs=1e-9)
    y = break_even_split(base, replace(scenario, message_strength=0.3), "C")
    assert y is not None
    valid = 60.0
    moved = replace(scenario, message_strength=0.3, splits={"C": Split(valid * y / 100, valid * (1 - y / 100), 40)})
    if 0 <= y <= 100:
        assert project(base, moved).margin == pytest.approx(0.0, abs=1e-9)
    ys = np.linspace(0, 100, 11)
    curve = break_even_curve(base, scenario, ys, "C")
    for yv, mv in zip(ys, curve, strict=True):
        if 0 <= mv <= 1:
            row = margin_grid(base, scenario, np.array([mv]), np.array([yv]), "C")
            assert row[0, 0] == pytest.approx(0.0, abs=1e-9)


def test_reconcile_keeps_user_splits_and_fills_new_ones() -> None:
    base = Baseline({"A": 40, "B": 35, "C": 15, "D": 10}, {}, {}, "A", "B")
    user = Scenario({"C": Split(70, 20, 10), "E": Split(10, 10, 80)}, message_strength=0.4)
    defaults = Scenario({"C": Split(30, 30, 40), "D": Split(20, 20, 60)})
    out = reconcile(user, base, defaults)
    assert out.splits == {"C": Split(70, 20, 10), "D": Split(20, 20, 60)}
    assert out.message_strength == 0.4


def test_a_saved_scenario_reproduces_itself_after_the_polls_change() -> None:
    polls = _polls()
    avg = compute_averages(polls, TOY)
    choice = BaselineChoice()
    base = make_baseline(choice, polls, TOY, avg)
    scenario = replace(default_scenario(base, polls, TOY, choice), message_strength=0.5)
    saved = save_scenario(" Tie her ", choice, base, scenario, polls, datetime(2024, 3, 21, 9, 30))
    assert saved.name == "Tie her" and saved.saved_at == "2024-03-21T09:30:00" and saved.poll_ids == tuple(range(1, 20))
    records = saved.to_dicts()
    back = SavedScenario.from_dicts("Tie her", *records, TOY)
    assert back.view().projection.margin == saved.view().projection.margin
    assert back.baseline == saved.baseline and back.choice == choice
    assert not freshness(back, polls, TOY, avg).changed
    more = [*polls, replace(make_poll(22, a=35, b=50, c=15), id=40)]
    later = freshness(back, more, TOY, compute_averages(more, TOY))
    assert later.changed and later.new_polls == 1 and "1 new poll" in later.message
    assert later.today is not None and later.today.projection.margin < back.view().projection.margin
    assert back.view().projection.margin == saved.view().projection.margin  # the saved case itself never moves


def test_records_from_before_baselines_were_kept_whole_are_read() -> None:
    old = {
        "mode": "average",
        "value": None,
        "label": "Poll average on 01 Mar 2024",
        "a": "ann",
        "b": "bob",
        "first_round": {"ann": 45, "bob": 40, "cat": 15},
        "party_vi": {"R": 32},
    }
    settings = {"splits": {"cat": [30, 40, 30]}, "message_strength": 0.2}
    saved = SavedScenario.from_dicts("Old", old, settings, TOY)
    assert saved.baseline.names["ann"] == "Red" and saved.baseline.candidate_party["ann"] == "R"
    assert saved.scenario.message_strength == 0.2 and saved.saved_at == ""
    with pytest.raises(PipelineError, match="Broken"):
        SavedScenario.from_dicts("Broken", {"mode": "average"}, settings, TOY)
    with pytest.raises(PipelineError, match=r"NaN|0-100"):
        SavedScenario.from_dicts("Nan", old, {"splits": {"cat": [float("nan"), 50, 50]}}, TOY)


def test_evaluate_gives_heatmap_and_break_even_split() -> None:
    base = Baseline({"A": 46, "B": 38, "C": 16}, {"R": 34}, {"A": "R"}, "A", "B")
    view = evaluate(base, Scenario({"C": Split(40, 20, 40)}))
    assert view.heatmap_of == "C" and view.grid is not None and view.grid.shape == (41, 41)
    assert view.break_even_splits["C"] == break_even_split(base, view.scenario, "C")
    assert evaluate(base, view.scenario, heatmap=False).grid is None


def test_priors_fill_in_where_no_poll_publishes_a_split() -> None:
    polls = _polls()
    avg = compute_averages(polls, TOY)
    prior = Split(10.0, 70.0, 20.0)
    seen: list[tuple[str, str]] = []

    def priors(a: str, b: str) -> dict[str, Split]:
        seen.append((a, b))
        return {"cat": prior}

    base = make_baseline(BaselineChoice(), polls, TOY, avg, priors)
    assert default_scenario(base, polls, TOY, BaselineChoice(), priors).splits["cat"] == prior
    assert seen and seen[-1] == (base.a, base.b)
    published = [
        *polls[:-1],
        replace(polls[-1], transfers=(TransferObservation("cat", "ann", 30), TransferObservation("cat", "bob", 30))),
    ]
    assert default_scenario(base, published, TOY, BaselineChoice(), priors).splits["cat"] != prior
    with_priors = compute_averages(polls, TOY, priors=priors)
    assert with_priors is not None and avg is not None
    assert not np.allclose(with_priors.second_lead_implied.value, avg.second_lead_implied.value)


def test_a_race_with_no_poll_of_its_own_starts_from_party_voting_intention() -> None:
    vi_polls = [
        replace(make_poll(d), id=d, first_round={}, party_vi={"R": 30.0 + d / 10, "B": 38.0, "G": 12.0})
        for d in (1, 5, 9)
    ]
    assert compute_averages(vi_polls, TOY) is None
    choice = BaselineChoice("party_vi", personal=(("bob", 5.0), ("cat", -2.0)))
    base = make_baseline(choice, vi_polls, TOY, None)
    assert "no poll of this race yet" in base.label and "party voting intention" in base.runoff_source
    r = base.party_vi["R"]
    assert base.first_round["ann"] == pytest.approx(r)
    assert base.first_round["bob"] == pytest.approx(43.0)
    assert base.first_round["cat"] == pytest.approx(10.0)
    assert base.first_round["other"] == pytest.approx(100 - r - 43 - 10)
    assert (base.a, base.b) == ("bob", "ann")
    assert base.bounce == pytest.approx(5.0)  # the personal vote is the bounce the message lever works on
    assert BaselineChoice.from_dict(choice.to_dict()) == choice
    with pytest.raises(PipelineError, match="personal"):
        BaselineChoice("average", personal=(("ann", 1.0),))
    with pytest.raises(PipelineError, match="party voting intention"):
        make_baseline(BaselineChoice("party_vi"), [replace(p, party_vi={}) for p in vi_polls], TOY, None)


def test_simulated_odds_follow_the_case_not_the_order_it_was_stored_in() -> None:
    from warroom.core.forecast import ForecastErrors
    from warroom.core.pipeline import OddsModel
    from warroom.resources import resource_path

    errors = ForecastErrors.load(resource_path("data", "forecast_errors.json"))
    model = OddsModel(errors, date(2024, 5, 2))
    shares = {"A": 44.0, "B": 40.0, "C": 9.0, "D": 7.0}
    base = Baseline(shares, {}, {}, "A", "B", as_of=date(2024, 4, 2))
    shuffled = Baseline(dict(reversed(list(shares.items()))), {}, {}, "A", "B", as_of=date(2024, 4, 2))
    scenario = Scenario({"C": Split(40, 20, 40), "D": Split(10, 30, 60)})
    p1 = evaluate(base, scenario, odds=model).projection.win_probability_b
    p2 = evaluate(shuffled, Scenario(dict(reversed(list(scenario.splits.items())))), odds=model).projection
    assert p1 == p2.win_probability_b
    # nearer polling day the same lead is surer
    late = evaluate(replace(base, as_of=date(2024, 5, 1)), scenario, odds=model).projection.win_probability_b
    assert late < p1 < 0.5
    assert "wins" not in p2.verdict and "%" in p2.verdict


def test_forecast_bands_hold_the_poll_band_widen_with_distance_and_stay_shares() -> None:
    from warroom.core.forecast import ForecastErrors
    from warroom.core.pipeline import OddsModel
    from warroom.resources import resource_path

    errors = ForecastErrors.load(resource_path("data", "forecast_errors.json"))
    polls = [replace(p, first_round={"ann": 55.0, "bob": 44.0, "cat": 1.0}) for p in _polls()]
    avg = compute_averages(polls, TOY, odds=OddsModel(errors, TOY.election_date))
    assert avg is not None and set(avg.forecast) == {"first:ann", "first:bob", "first:cat", "lead1", "lead2"}
    for code, series in avg.first_round.items():
        lo, hi = avg.forecast[f"first:{code}"]
        assert np.all(lo >= 0) and np.all(hi <= 100)  # a 1 % candidate's band stays a share
        assert np.all(lo <= series.lower + 1e-9) and np.all(series.upper <= hi + 1e-9)  # wider than the polls'
    lo, hi = avg.forecast["lead2"]
    width = hi - lo
    assert width[0] > width[-1]  # further from polling day, wider (the first grid day is the furthest)
    assert np.all(lo >= -100) and np.all(hi <= 100)
    assert compute_averages(polls, TOY).forecast == {}  # without the error model, no forecast band


def test_an_uncertain_message_strength_is_allowed_for_in_the_odds() -> None:
    from warroom.core.baseline import scenario_from_dict, scenario_to_dict
    from warroom.core.forecast import ForecastErrors
    from warroom.core.pipeline import OddsModel
    from warroom.resources import resource_path

    errors = ForecastErrors.load(resource_path("data", "forecast_errors.json"))
    model = OddsModel(errors, date(2024, 5, 2))
    base = Baseline({"A": 46, "B": 38, "C": 16}, {"R": 34}, {"A": "R"}, "A", "B", as_of=date(2024, 5, 1))
    firm = Scenario({"C": Split(40, 20, 40)}, message_strength=0.0)
    guess = replace(firm, message_uncertainty=0.6)  # 0-60 %: the draws peel up to 7 points from A
    p_firm = evaluate(base, firm, odds=model).projection
    p_guess = evaluate(base, guess, odds=model).projection
    assert p_guess.margin == p_firm.margin  # the projection itself uses the set strength
    assert p_guess.win_probability_b > p_firm.win_probability_b + 0.05  # the odds allow for a stronger message
    assert guess.message_range == (0.0, 0.6)
    assert replace(firm, message_strength=0.9, message_uncertainty=0.3).message_range == pytest.approx((0.6, 1.0))
    assert scenario_from_dict(scenario_to_dict(guess)).message_uncertainty == 0.6
    with pytest.raises(ValueError, match="uncertainty"):
        Scenario({}, message_uncertainty=float("nan"))


def test_who_reaches_the_runoff_is_simulated_too() -> None:
    from warroom.core.forecast import ForecastErrors
    from warroom.core.pipeline import OddsModel
    from warroom.resources import resource_path

    errors = ForecastErrors.load(resource_path("data", "forecast_errors.json"))
    base = Baseline({"A": 36.0, "B": 33.0, "C": 31.0}, {}, {}, "A", "B", as_of=date(2024, 4, 1))
    view = evaluate(base, Scenario({"C": Split(30, 30, 40)}), odds=OddsModel(errors, date(2024, 5, 2)))
    assert view.odds is not None
    q = view.odds.p_qualify
    assert 0.1 < q["C"] < q["B"] < q["A"] <= 1.0
    assert sum(q.values()) == pytest.approx(2.0)  # two candidates reach it in every draw


@pytest.mark.parametrize("name", ["", "   ", "x" * 121, "tab\there", "nul\x00", "line\nbreak"])
def test_bad_scenario_names_are_refused_with_a_reason(name: str) -> None:
    polls = _polls()
    avg = compute_averages(polls, TOY)
    base = make_baseline(BaselineChoice(), polls, TOY, avg)
    with pytest.raises(PipelineError):
        save_scenario(
            name,
            BaselineChoice(),
            base,
            default_scenario(base, polls, TOY, BaselineChoice()),
            polls,
            datetime(2024, 3, 21),
        )


def test_party_average_is_the_recency_weighted_mean_of_each_partys_figures() -> None:
    """party_average (vectorised for 10,000-poll stores) gives recency_weighted_mean's answer, no look-ahead."""
    from datetime import timedelta

    from warroom.core.averaging import Observation, recency_weighted_mean, share_variance
    from warroom.core.baseline import party_average
    from warroom.core.types import Poll

    polls = [
        Poll(
            pollster=f"P{i % 3}",
            fieldwork_start=date(2024, 1, 1) + timedelta(days=2 * i),
            fieldwork_end=date(2024, 1, 1) + timedelta(days=2 * i + i % 4),
            sample_size=None if i % 5 == 0 else 400 + 37 * i,
            party_vi={"R": 30.0 + i % 7, "B": 0.5 + i % 3} if i % 6 else {"R": 99.7},
        )
        for i in range(40)
    ]
    as_of = float((date(2024, 1, 1) + timedelta(days=60)).toordinal())
    expected = {}
    for party in ("R", "B"):
        obs = [
            Observation(
                float(p.midpoint.toordinal()),
                p.party_vi[party],
                share_variance(p.party_vi[party], p.sample_size),
                p.pollster,
            )
            for p in polls
            if party in p.party_vi and p.fieldwork_end.toordinal() <= as_of
        ]
        expected[party] = recency_weighted_mean(obs, as_of_day=as_of, half_life_days=30.0)
    got = party_average(polls, as_of)
    assert got.keys() == expected.keys()
    for party, value in expected.items():
        assert math.isclose(got[party], value, rel_tol=1e-12)
    assert party_average(polls, float(date(2023, 1, 1).toordinal())) == {}
    # read from the polls' columns (the scenario's rebuild has them with the average): the same figures, the
    # parties in the same order; columns of other polls, or of a poll naming a party outside the contest's, are
    # not used
    from dataclasses import replace

    from warroom.core import baseline
    from warroom.core.averaging import ColumnBuilder

    stored = [replace(p, id=i + 1) for i, p in enumerate(polls)]
    columns = ColumnBuilder(TOY).build(stored)
    assert baseline._columns_of(stored, columns)
    read = party_average(stored, as_of, columns)
    assert list(read) == list(party_average(stored, as_of)) == ["R", "B"]
    for party, value in expected.items():
        assert math.isclose(read[party], value, rel_tol=1e-12)
    assert party_average(stored, float(date(2023, 1, 1).toordinal()), columns) == {}
    assert not baseline._columns_of([*stored[:-1], replace(stored[-1], id=999)], columns)
    odd = [*stored[:-1], replace(stored[-1], party_vi={"R": 30.0, "Z": 5.0})]
    assert not baseline._columns_of(odd, ColumnBuilder(TOY).build(odd))
    assert party_average(odd, as_of, ColumnBuilder(TOY).build(odd)) == party_average(odd, as_of)


def test_freshness_of_many_cases_builds_each_baseline_once_and_agrees_with_one_by_one(monkeypatch) -> None:
    """Compare and the briefing ask the freshness of every saved case: each one rebuilt its baseline and default
    settings from every poll (20 cases on one choice at 100,000 polls: 20 rebuilds, 5 s). freshness_all builds
    each distinct choice's once and gives what freshness gives case by case."""
    import warroom.core.pipeline as pipeline
    from warroom.core.pipeline import FreshnessCancelled, freshness_all

    polls = _polls()
    avg = compute_averages(polls, TOY)
    average, first_poll = BaselineChoice(), BaselineChoice(mode="poll", poll_id=polls[0].id)
    cases = []
    for i, choice in enumerate([average, average, first_poll, average]):
        base = make_baseline(choice, polls, TOY, avg)
        scenario = replace(default_scenario(base, polls, TOY, choice), message_strength=0.1 * i)
        cases.append(save_scenario(f"Case {i}", choice, base, scenario, polls[:-2], datetime(2024, 3, 21)))
    more = [*polls, replace(make_poll(22, a=35, b=50, c=15), id=40)]
    one_by_one = [freshness(c, more, TOY, compute_averages(more, TOY)) for c in cases]
    built: list[BaselineChoice] = []
    made = pipeline.make_case
    monkeypatch.setattr(pipeline, "make_case", lambda choice, *a, **k: (built.append(choice), made(choice, *a, **k))[1])
    steps: list[tuple[int, int]] = []
    together = freshness_all(
        cases, more, TOY, compute_averages(more, TOY), progress=lambda d, t: steps.append((d, t)) or True
    )

    def seen(f):  # type: ignore[no-untyped-def]  # (a ProjectionView is not compared whole: see its eq)
        return (f.changed, f.new_polls, f.gone_polls, f.message, f.today.projection if f.today else None)

    assert [seen(f) for f in together] == [seen(f) for f in one_by_one]
    assert any(f.changed for f in together)
    assert built == [average, first_poll]
    assert steps == [(i, 4) for i in range(5)]
    # A case already made from these polls (the live one, when a saved case is loaded) is taken, not made again:
    # the same figures, as it is what make_case gives
    built.clear()
    live = {average: made(average, more, TOY, compute_averages(more, TOY))}
    reused = [freshness(c, more, TOY, compute_averages(more, TOY), made=live) for c in cases if c.choice == average]
    assert built == []
    assert [seen(f) for f in reused] == [seen(f) for f, c in zip(one_by_one, cases, strict=True) if c.choice == average]
    with pytest.raises(FreshnessCancelled):
        freshness_all(cases, more, TOY, avg, progress=lambda d, _t: d < 2)
