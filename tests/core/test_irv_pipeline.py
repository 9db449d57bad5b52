"""The instant-runoff pipeline: the baseline from polls and a past count, evaluation, break-evens in words."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from tests.core.test_irv_scenario import brisbane_like
from tests.irv_fixture import IND_TO_GRN, IRV_CONTEST, irv_polls
from warroom.core.forecast import ForecastErrors
from warroom.core.irv_pipeline import (
    break_evens,
    default_row,
    evaluate_irv,
    irv_baseline,
    prior_rows_from_result,
)
from warroom.core.irv_scenario import IrvSimulator, irv_scenario, run_irv, without_exhaustion
from warroom.core.pipeline import OddsModel, PipelineError, compute_averages
from warroom.core.types import EXHAUSTED, OfficialResult, Rules

from .test_irv_scenario import TABLE

NAMES = {"lnp": "Park", "grn": "Nolan", "alp": "Reid", "uap": "Price", "ind": "Dale"}


def polls_with_ids(**kw: float) -> list:
    return [replace(p, id=i + 1) for i, p in enumerate(irv_polls(**kw))]


def test_baseline_takes_the_average_first_round_and_the_published_rows() -> None:
    polls = polls_with_ids()
    averages = compute_averages(polls, IRV_CONTEST)
    case = irv_baseline(IRV_CONTEST, polls, averages)
    s = case.scenario
    assert set(s.codes) == set(IRV_CONTEST.candidate_codes)
    assert s.first_round.sum() == pytest.approx(100)
    latest = averages.latest_first_round()
    ratio = s.share("grn") / s.share("alp")
    assert ratio == pytest.approx(latest["grn"] / latest["alp"])
    # The last poll's published figures set these rows exactly; the rest follow first-round shares.
    assert s.row("ind")["grn"] == pytest.approx(IND_TO_GRN)
    alp = s.row("alp")
    assert (alp["grn"], alp["lnp"], alp[EXHAUSTED]) == pytest.approx((80, 20, 0))
    assert {c for c, src in case.sources.items() if src == "polls"} == {"ind", "alp", "grn", "uap"}
    others = [c for c in s.codes if c not in ("lnp", "dem")]
    dem = s.row("dem")
    assert dem["lnp"] / dem["grn"] == pytest.approx(s.share("lnp") / s.share("grn"))
    assert sum(dem[c] for c in others) + dem["lnp"] == pytest.approx(100)
    assert case.label.startswith("Poll average on")


def test_a_past_count_gives_the_rows_no_poll_publishes() -> None:
    result = OfficialResult(
        first_round={"lnp": 100, "grn": 80, "alp": 70, "dem": 10, "gone": 5},
        final_round={"lnp": 130, "grn": 120},
        transfers=(
            ("dem", "lnp", 6),
            ("dem", "alp", 2),
            ("dem", EXHAUSTED, 2),
            ("gone", "lnp", 5),  # not standing now: left out
            ("alp", "grn", 60),
            ("alp", "gone", 10),  # to someone not standing now: left out, the rest rescaled
        ),
    )
    rows = prior_rows_from_result(result, IRV_CONTEST.candidate_codes)
    assert rows == {"dem": pytest.approx({"lnp": 60, "alp": 20, EXHAUSTED: 20}), "alp": pytest.approx({"grn": 100})}
    polls = polls_with_ids()
    case = irv_baseline(IRV_CONTEST, polls, compute_averages(polls, IRV_CONTEST), prior_rows=rows)
    assert case.scenario.row("dem")["lnp"] == pytest.approx(60)
    assert case.sources["dem"] == "past count"
    assert case.sources["alp"] == "polls"  # a poll's published figures win over the past count
    assert case.scenario.row("alp")["grn"] == pytest.approx(80)


def test_preference_limit_comes_from_the_contest_rules_and_no_average_is_refused() -> None:
    polls = polls_with_ids()
    limited = replace(IRV_CONTEST, rules=Rules(preferences=4, finalists="elimination"))
    assert irv_baseline(limited, polls, compute_averages(polls, limited)).scenario.max_rankings == 4
    with pytest.raises(PipelineError, match="no polls"):
        irv_baseline(IRV_CONTEST, [], None)


def test_the_same_case_gives_the_same_odds_with_a_kept_or_a_fresh_simulator() -> None:
    polls = polls_with_ids()
    case = irv_baseline(IRV_CONTEST, polls, compute_averages(polls, IRV_CONTEST))
    odds = OddsModel(ForecastErrors.load(TABLE), IRV_CONTEST.election_date, draws=500)
    kept = IrvSimulator(case.scenario.n, 500, odds.seed)
    evaluate_irv(case, odds=odds, simulator=kept)  # the simulator's caches now hold this case
    again = evaluate_irv(case, odds=odds, simulator=kept)
    fresh = evaluate_irv(case, odds=odds)
    assert again.odds is not None and fresh.odds is not None
    assert again.odds.p_win == fresh.odds.p_win
    assert sum(fresh.odds.p_win.values()) == pytest.approx(1)
    # Further from polling day the polling error is larger.
    assert case.as_of is not None
    assert fresh.share_sd == pytest.approx(float(odds.errors.share_scale((odds.election_date - case.as_of).days)))
    assert fresh.run.winner == run_irv(case.scenario).winner
    order = fresh.finishing_order
    assert order[:2] == fresh.run.final_pair and sorted(order) == sorted(case.scenario.codes)


def test_break_evens_are_exact_and_say_who_overtakes_whom() -> None:
    s = brisbane_like(45)
    found = break_evens(s, "ind", NAMES)
    assert found, "the independent's row decides who finishes third"
    first = found[0]
    g = 3.575 / 0.09  # the exact break-even of the independent's share to the Greens (test_irv_scenario)
    assert first.to == "alp" and first.source == "grn"
    assert first.points == pytest.approx(45 - g, abs=1e-4)
    assert first.winner == "alp" and first.overtaker == "alp" and first.overtaken == "grn"
    assert first.round == 3 and first.place == 3
    assert first.text == (
        f"If {45 - g:.1f} % of Dale's voters move from Nolan to Reid, Reid overtakes Nolan in round 3 "
        "(Nolan finishes third) and Reid wins."
    )
    # The move it names does change the winner, and a little less does not.
    row = s.row("ind")
    assert run_irv(s.with_row("ind", _row(s, row, grn=-first.points - 1e-3, alp=first.points + 1e-3))).winner == "alp"
    assert run_irv(s.with_row("ind", _row(s, row, grn=-first.points + 1e-3, alp=first.points - 1e-3))).winner == "grn"
    assert all(abs(b.points) >= abs(first.points) for b in found)


def _row(s, row: dict[str, float], **delta: float) -> np.ndarray:
    values = {**row}
    for k, d in delta.items():
        values[k] += d
    return np.array([values.get(c, 0.0) for c in s.codes] + [values[EXHAUSTED]])


def test_exhaustion_break_even_is_phrased_as_exhausting() -> None:
    s = brisbane_like(30)  # Labor finishes ahead of the Greens; more of the independent's votes to the Greens flip it
    row = s.row("ind")
    s = s.with_row("ind", _row(s, row, lnp=-20, **{EXHAUSTED: 20}))  # 20 % of the independent's voters exhaust
    found = break_evens(s, "ind", NAMES)
    via_exhaustion = [b for b in found if b.source == EXHAUSTED]
    assert via_exhaustion
    b = via_exhaustion[0]
    assert b.points > 0 and b.to == "grn"
    assert b.text.startswith(f"If {b.points:.1f} % more of Dale's voters go to Nolan rather than exhausting,")
    assert b.text.endswith("and Nolan wins.")


def test_a_row_never_counted_has_no_break_even_and_the_default_row_is_the_largest_excluded() -> None:
    s = brisbane_like(45)
    assert break_evens(s, "lnp", NAMES) == []  # the runner-up is never excluded: their row is never counted
    assert default_row(s) == "alp"  # excluded third, with the most votes of those excluded


def test_last_elections_ballots_give_the_rows_by_name() -> None:
    from warroom.core.count import Ballot
    from warroom.core.irv_pipeline import match_candidates, prior_rows_from_ballots

    ballots = [
        Ballot(("Ivan Dale", "Nolan", "Reid"), 45),
        Ballot(("Ivan Dale", "Reid"), 30),
        Ballot(("Ivan Dale",), 25),  # nothing after: exhausted
        Ballot(("Nolan", "Reid"), 300),
        Ballot(("Old Timer", "Nolan"), 50),  # someone not standing now
        Ballot(("Reid", "Old Timer", "Park"), 100),
    ]
    with pytest.raises(ValueError, match="'Old Timer' on the ballots match no single candidate"):
        prior_rows_from_ballots(ballots, IRV_CONTEST)
    assert match_candidates(["ivan dale", "NOLAN", "alp"], IRV_CONTEST) == {
        "ivan dale": "ind",
        "NOLAN": "grn",
        "alp": "alp",
    }
    ballots = [b for b in ballots if "Old Timer" not in b.preferences] + [Ballot(("Reid", "Park"), 100)]
    rows = prior_rows_from_ballots(ballots, IRV_CONTEST)
    assert {k: v for k, v in rows["ind"].items() if v} == pytest.approx({"grn": 45, "alp": 30, EXHAUSTED: 25})
    assert rows["grn"]["alp"] == pytest.approx(100)
    assert set(rows) == {"ind", "grn", "alp"}  # only candidates with first-preference voters give a row
    polls = polls_with_ids()
    case = irv_baseline(
        IRV_CONTEST, polls, compute_averages(polls, IRV_CONTEST), prior_rows=rows, prior_label="ballots in 2022.csv"
    )
    assert case.sources["ind"] == "polls"  # the latest poll still wins for the rows it publishes
    assert case.sources["lnp"] == "first-round shares"


def test_the_headline_follows_the_simulated_chance_and_never_says_wins() -> None:
    """The IRV headline said "Kiss wins, 3.4 points ahead" at a 53 % chance; the words now follow the verdict
    bands every other view uses (core.forecast), and a favourite under 50 % of a many-way race is a toss-up."""
    from dataclasses import replace

    from warroom.core.irv_pipeline import IrvView
    from warroom.core.irv_scenario import IrvOdds, irv_scenario, run_irv

    scenario = irv_scenario(
        {"a": 40.0, "b": 35.0, "c": 25.0},
        {"a": {"b": 60.0, "c": 40.0}, "b": {"a": 50.0, "c": 50.0}, "c": {"a": 30.0, "b": 70.0}},
    )
    run = run_irv(scenario)
    names = {"a": "Ames", "b": "Bell", "c": "Cole"}

    def view(p_win: dict[str, float]) -> IrvView:
        odds = IrvOdds(("a", "b", "c"), 2000, p_win, dict(p_win), dict(p_win), dict(p_win))
        return IrvView(scenario, run, odds, names)

    winner = names[run.final_pair[0]]
    assert view({"a": 0.53, "b": 0.45, "c": 0.02}).headline.startswith("Toss-up (Ames 53 %): ")
    assert view({"a": 0.80, "b": 0.19, "c": 0.01}).headline.startswith("Likely Ames (80 % chance): ")
    assert view({"a": 0.45, "b": 0.30, "c": 0.25}).headline.startswith("Toss-up (Ames 45 %): ")
    # 40 % against 35 % is within 2,000 draws' error (core.forecast.level_within_error): no favourite named
    level = view({"a": 0.40, "b": 0.35, "c": 0.25}).headline
    assert level.startswith("Toss-up (Ames and Bell level within the simulation's error): ")
    assert view({"a": 0.95, "b": 0.04, "c": 0.01}).headline.startswith("Safe Ames")
    for p in (0.53, 0.8, 0.4, 0.95):
        text = view({"a": p, "b": 1 - p, "c": 0.0}).headline
        assert " wins" not in text and f"{winner} ahead of" in text
        # the margin's base named: the rounds table beside it gives points of every ballot, exhausted ones too
        assert text.endswith(f"by {run.final_margin:.1f} points of their two votes in the final round")
    assert replace(view({"a": 1.0, "b": 0.0, "c": 0.0}), odds=None).headline.startswith("As projected: ")
    # the likeliest winner may be out in the projected count (he wins where he survives): the words say so
    # rather than seem to contradict the rounds beside them
    assert run.eliminations[0].eliminated == ("c",)
    assert view({"a": 0.3, "b": 0.3, "c": 0.4}).headline.startswith(
        "Toss-up (Cole 40 %), though excluded after round 1 as projected: "
    )
    assert ", though excluded" not in view({"a": 0.3, "b": 0.4, "c": 0.3}).headline


def test_full_preferential_contest_exhausts_no_vote_and_keeps_each_rows_ratios() -> None:
    # A past count with exhaustion (optional preferential then); this race is full preferential.
    result = OfficialResult(
        first_round={"lnp": 100, "grn": 80, "alp": 70, "dem": 10},
        final_round={"lnp": 130, "grn": 120},
        transfers=(
            ("dem", "lnp", 6),
            ("dem", "alp", 2),
            ("dem", EXHAUSTED, 2),
            ("alp", "grn", 42),
            ("alp", EXHAUSTED, 28),
        ),
    )
    rows = prior_rows_from_result(result, IRV_CONTEST.candidate_codes)
    polls = polls_with_ids()
    full = replace(IRV_CONTEST, rules=Rules(finalists="elimination", full_preferential=True))
    optional = irv_baseline(IRV_CONTEST, polls, compute_averages(polls, IRV_CONTEST), prior_rows=rows).scenario
    case = irv_baseline(full, polls, compute_averages(polls, full), prior_rows=rows)
    s = case.scenario
    assert s.full_preferential and s.max_rankings is None
    assert optional.row("dem")[EXHAUSTED] == pytest.approx(20)
    assert s.row("dem") == pytest.approx(
        {**{c: 0.0 for c in s.codes if c != "dem"}, "lnp": 75, "alp": 25, EXHAUSTED: 0}
    )
    assert all(s.row(c)[EXHAUSTED] == 0 for c in s.codes)  # the polls' published rows too
    run = run_irv(s)
    assert run.exhausted == 0
    assert run_irv(optional).exhausted > 0
    odds = OddsModel(ForecastErrors.load(TABLE), IRV_CONTEST.election_date, draws=300)
    view = evaluate_irv(case, odds=odds)
    assert view.odds is not None and sum(view.odds.p_win.values()) == pytest.approx(1)


def test_full_preferential_scenario_refuses_an_exhausted_share() -> None:
    first = {"a": 40.0, "b": 35.0, "c": 25.0}
    rows = {"c": {"a": 50.0, "b": 30.0, EXHAUSTED: 20.0}}
    with pytest.raises(ValueError, match="row 'c': under full preferential voting no ballot exhausts"):
        irv_scenario(first, rows, full_preferential=True)
    with pytest.raises(ValueError, match="no preference limit"):
        irv_scenario(first, {}, max_rankings=2, full_preferential=True)
    folded = without_exhaustion(irv_scenario(first, rows))
    assert folded.row("c") == pytest.approx({"a": 62.5, "b": 37.5, EXHAUSTED: 0})
    # c's fifth that exhausted under optional preferential now goes on: a 55.625 - b 44.375, not 52.5 - 42.5
    assert run_irv(folded).final_margin == pytest.approx(11.25)
    assert run_irv(irv_scenario(first, rows)).final_margin == pytest.approx(100 * 10 / 95)
    assert run_irv(folded).exhausted == 0


def test_full_preferential_rules_refuse_a_preference_limit_or_a_top_two_count() -> None:
    assert Rules(finalists="elimination", full_preferential=True).full_preferential
    with pytest.raises(ValueError, match="preferences must be all"):
        Rules(finalists="elimination", preferences=5, full_preferential=True)
    with pytest.raises(ValueError, match="only to instant runoff"):
        Rules(preferences=2, full_preferential=True)


def test_ballot_names_are_matched_by_one_function() -> None:
    from warroom.core.ballot_prior import ballot_codes
    from warroom.core.irv_pipeline import match_candidates

    names = ["Ivan Dale", "nolan", "ALP", "Park"]
    assert match_candidates(names, IRV_CONTEST) == ballot_codes(names, IRV_CONTEST)
    for call in (match_candidates, ballot_codes):  # the same refusal, unknown names listed in order
        with pytest.raises(ValueError, match=r"^'Old Timer', 'Zed' on the ballots match no single candidate"):
            call(["Zed", "Nolan", "Old Timer"], IRV_CONTEST)


def test_pair_leads_is_the_chains_final_margin_when_it_runs_to_the_last_two() -> None:
    from warroom.core.irv_scenario import pair_leads

    for s in (brisbane_like(45.0), brisbane_like(20.0), replace(brisbane_like(45.0), max_rankings=2)):
        run = run_irv(replace(s, stop_at_majority=False))
        a, b = run.final_pair
        assert pair_leads(s, s.first_round[None, :], a, b)[0] == pytest.approx(run.final_margin, abs=1e-9)
        assert pair_leads(s, s.first_round[None, :], b, a)[0] == pytest.approx(-run.final_margin, abs=1e-9)
    with pytest.raises(ValueError, match="two different candidates"):
        pair_leads(brisbane_like(45.0), np.ones((1, 5)), "lnp", "lnp")


def test_the_irv_runoff_chart_shows_the_chains_final_pair_not_the_first_round_top_two() -> None:
    from datetime import date

    from warroom.core.irv_pipeline import IrvCase, irv_pair_lead
    from warroom.core.irv_scenario import pair_leads
    from warroom.core.types import Poll

    s = brisbane_like(20.0)  # the Greens finish third: Labor meets the LNP, though the Greens ran second
    names = {"lnp": "Park", "grn": "Nolan", "alp": "Reid", "uap": "Price", "ind": "Dale"}
    case = IrvCase(s, "test baseline", None, names)
    polls = [
        Poll("A", date(2026, 5, 1), date(2026, 5, 3), 1000, {"lnp": 38, "alp": 26, "grn": 28, "uap": 4, "ind": 4}),
        Poll("B", date(2026, 5, 4), date(2026, 5, 6), 1000, {"lnp": 36, "alp": 29, "grn": 27}),  # no uap, ind
        Poll("C", date(2026, 5, 7), date(2026, 5, 9), 1000, {"uap": 5, "ind": 6}),  # neither of the pair: left out
    ]
    lead = irv_pair_lead(case, polls, None)
    assert lead.pair == run_irv(s).final_pair == ("alp", "lnp")
    assert "Reid minus Park" in lead.title and "2 polls" in lead.title
    assert "Not a top-two runoff: the first round's top two are Park and Nolan" in lead.tooltip
    assert list(lead.pollsters) == ["A", "B"] and list(lead.days) == [
        date(2026, 5, 2).toordinal(),
        date(2026, 5, 5).toordinal(),
    ]
    # poll B does not name uap and ind: they keep the baseline's 8.1 % and the rest is scaled to 91.9
    b_first = np.array([36, 29, 27, 0, 0]) * (100 - 8.1) / 92 + np.array([0, 0, 0, 4.0, 4.1])
    order = [s.codes.index(c) for c in ("lnp", "alp", "grn", "uap", "ind")]
    first = np.zeros((1, 5))
    first[0, order] = b_first
    assert lead.leads[1] == pytest.approx(pair_leads(s, first, "alp", "lnp")[0])
    assert lead.average.empty


def test_the_irv_chart_line_ends_on_the_panels_final_margin() -> None:
    from warroom.core.irv_pipeline import irv_pair_lead

    polls = polls_with_ids()
    averages = compute_averages(polls, IRV_CONTEST)
    case = irv_baseline(IRV_CONTEST, polls, averages)
    run = run_irv(case.scenario)
    assert len(run.rounds[-1].tallies) == 2  # the count runs to the last two here: one number, two places
    lead = irv_pair_lead(case, polls, averages)
    assert lead.pair == run.final_pair
    assert lead.average.mean[-1] == pytest.approx(run.final_margin, abs=1e-9)
    assert lead.average.days[-1] == averages.first_round["lnp"].days[-1]
    assert len(lead.leads) == len(polls)
    assert np.array_equal(lead.average.lower, lead.average.mean)  # no band is claimed


def test_full_preferential_votes_whose_row_names_nobody_left_go_on_by_the_first_round() -> None:
    from warroom.core.irv_scenario import pair_leads, simulate_irv

    # d's voters all go to c, but c is out first: optional preferential exhausts them; full preferential cannot,
    # every such paper names a or b too, so they go on in proportion to the first round (45 : 37).
    first = {"a": 45.0, "b": 37.0, "c": 8.0, "d": 10.0}
    rows = {"c": {"a": 50.0, "b": 50.0}, "d": {"c": 100.0}, "a": {"b": 100.0}, "b": {"a": 100.0}}
    optional = run_irv(irv_scenario(first, rows))
    assert optional.exhausted == pytest.approx(10.0)
    for batch in (False, True):
        full = irv_scenario(first, rows, full_preferential=True, batch_elimination=batch)
        run = run_irv(full)
        assert run.exhausted == 0
        assert run.rounds[-1].tallies == pytest.approx({"a": 49 + 10 * 45 / 82, "b": 41 + 10 * 37 / 82})
        odds = simulate_irv(full, draws=50, share_sd=0.0, concentration=math.inf)
        assert odds.p_win["a"] == 1.0
        assert pair_leads(full, full.first_round[None, :], "a", "b")[0] == pytest.approx(run.final_margin)
