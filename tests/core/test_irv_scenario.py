"""Instant-runoff scenario: hand-worked chains, the count engine reproduced, decisive eliminations, row editing,
ballot priors and the simulated win probabilities."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from warroom.core.count import Ballot, CountResult, CountRules, count_ballots
from warroom.core.forecast import ForecastErrors
from warroom.core.irv_scenario import (
    DEFAULT_CONCENTRATION,
    DEFAULT_SHARE_SD,
    Elimination,
    IrvRun,
    IrvScenario,
    IrvSimulator,
    _Chain,
    _chain_draws,
    _first_round_draws,
    _row_draws,
    elimination_lines,
    grouped_row,
    irv_scenario,
    minor_group,
    prior_from_ballots,
    row_break_even,
    run_irv,
    scenario_from_count,
    set_row,
    simulate_irv,
    with_published_rows,
)
from warroom.core.scenario import ErrorModel
from warroom.core.types import EXHAUSTED as X
from warroom.core.types import TransferObservation as T

TABLE = Path(__file__).resolve().parents[2] / "resources" / "data" / "forecast_errors.json"


def four() -> IrvScenario:
    return irv_scenario(
        {"a": 40, "b": 30, "c": 20, "d": 10},
        {
            "a": {"b": 50, "c": 50},
            "b": {"a": 50, "c": 50},
            "c": {"d": 40, "a": 30, "b": 10, X: 20},
            "d": {"c": 50, "b": 25, X: 25},
        },
    )


def brisbane_like(ind_to_grn: float) -> IrvScenario:
    """Shaped like Brisbane 2022 (illustrative numbers, not the official ones): the Liberal National leads the
    first round, Labor and the Greens are level for second, and whichever of them is excluded third elects the
    other on its preferences. `ind_to_grn` is the independent's share going to the Greens."""
    return irv_scenario(
        {"lnp": 37.7, "alp": 27.0, "grn": 27.2, "uap": 4.0, "ind": 4.1},
        {
            "lnp": {"alp": 40, "grn": 40, X: 20},
            "alp": {"grn": 80, "lnp": 20},
            "grn": {"alp": 85, "lnp": 15},
            "uap": {"lnp": 60, "alp": 20, "grn": 10, "ind": 10},
            "ind": {"grn": ind_to_grn, "alp": 75 - ind_to_grn, "lnp": 25},
        },
    )


# --- 1. the chain ----------------------------------------------------------------------------------------------


def test_hand_worked_chain_with_a_next_choice_already_excluded() -> None:
    run = run_irv(four())
    r2, r3 = run.rounds[1], run.rounds[2]
    assert r2.eliminated == ("d",)
    assert r2.tallies == pytest.approx({"a": 40, "b": 32.5, "c": 25})
    assert r2.exhausted == pytest.approx(2.5)
    # c's row sends 40 % to d, already out: those voters move on as the open part of the row (a 30, b 10,
    # exhausted 20 out of 60).
    assert r3.eliminated == ("c",)
    assert r3.tallies == pytest.approx({"a": 40 + 25 / 2, "b": 32.5 + 25 / 6})
    assert dict(((f, t), v) for f, t, v in r3.transfers) == pytest.approx(
        {("c", "a"): 12.5, ("c", "b"): 25 / 6, ("c", X): 25 / 3}
    )
    assert r3.exhausted == pytest.approx(2.5 + 25 / 3)
    assert sum(r3.tallies.values()) + r3.exhausted == pytest.approx(100)
    assert run.winner == "a"
    assert run.final_pair == ("a", "b")
    assert run.final_margin == pytest.approx(100 * (52.5 - (32.5 + 25 / 6)) / (52.5 + 32.5 + 25 / 6))


def test_preference_limit_exhausts_votes_that_run_out_of_rankings() -> None:
    s = four()
    limited = IrvScenario(s.codes, s.first_round, s.transfers, max_rankings=2)
    run = run_irv(limited)
    # d's 10 points: 5 to c and 2.5 to b on their second ranking, 2.5 exhausted.
    # c then holds 20 on ranking 1 and 5 on ranking 2. The ranking-2 votes have no ranking left: exhausted.
    # Of the 20: 40 % name d (out), and moving on past d would need a third ranking, so 8 exhaust; the open
    # 60 % split a 30, b 10, exhausted 20 -> a 6, b 2, exhausted 4.
    final = run.rounds[-1]
    assert final.tallies == pytest.approx({"a": 46, "b": 34.5})
    assert final.exhausted == pytest.approx(2.5 + 5 + 8 + 4)
    assert run_irv(IrvScenario(s.codes, s.first_round, s.transfers, max_rankings=1)).rounds[-1].tallies == (
        pytest.approx({"a": 40, "b": 30})
    )


def test_batch_elimination_excludes_the_mathematically_excluded_together() -> None:
    first = {"a": 45, "b": 30, "c": 14, "d": 6, "e": 5}
    one = run_irv(irv_scenario(first, {}))
    batch = run_irv(irv_scenario(first, {}, batch_elimination=True))
    assert [r.eliminated for r in one.rounds[1:]] == [("e",), ("d",), ("c",)][: len(one.rounds) - 1]
    assert batch.rounds[1].eliminated == ("e", "d", "c")  # 5 + 6 + 14 = 25 < 30
    assert any("excluded together" in n for n in batch.notes)


def test_majority_stops_the_count_unless_asked_to_run_to_the_last_two() -> None:
    first = {"a": 55, "b": 25, "c": 20}
    assert len(run_irv(irv_scenario(first, {})).rounds) == 1
    full = run_irv(irv_scenario(first, {}, stop_at_majority=False))
    assert len(full.rounds) == 2
    assert set(full.rounds[-1].tallies) == {"a", "b"}
    assert full.winner == "a"


def test_margin_at_every_elimination_and_which_ones_decide() -> None:
    run = run_irv(brisbane_like(45))
    assert [e.eliminated for e in run.eliminations] == [("uap",), ("ind",), ("alp",)]
    third = run.eliminations[-1]
    assert third.survivor == "grn"
    # round 3: grn 27.6 + 4.5 x 0.45, alp 27.8 + 4.5 x 0.30
    assert third.margin == pytest.approx(27.6 + 4.5 * 0.45 - (27.8 + 4.5 * 0.30))
    assert third.decisive and third.winner_if_swapped == "alp"
    assert run.winner == "grn"
    first_out = run.eliminations[0]
    assert not first_out.decisive and first_out.winner_if_swapped == "grn"
    assert first_out.margin == pytest.approx(0.1)
    assert run.decisive == tuple(e for e in run.eliminations if e.decisive)


def test_a_transfer_change_flips_who_finishes_third_and_so_who_wins() -> None:
    # Break-even: grn 27.6 + 0.045 g = alp 27.8 + 0.045 (75 - g)  =>  g = 3.575 / 0.09 = 39.72...
    g = 3.575 / 0.09
    below, above = run_irv(brisbane_like(g - 0.5)), run_irv(brisbane_like(g + 0.5))
    assert below.eliminations[-1].eliminated == ("grn",) and below.winner == "alp"
    assert above.eliminations[-1].eliminated == ("alp",) and above.winner == "grn"
    assert abs(below.eliminations[-1].margin) < 0.1 and abs(above.eliminations[-1].margin) < 0.1
    for run in (below, above):
        assert run.eliminations[-1].decisive


def test_row_break_even_finds_the_share_that_flips_third_place() -> None:
    # From ind_to_grn = 45 the race flips when the Greens' part falls to 39.72 (3.575 / 0.09): 5.28 points
    # must move from the Greens to Labor in the independent's row; from 30, 9.72 points the other way.
    g = 3.575 / 0.09
    assert row_break_even(brisbane_like(45), "ind", "grn", "alp") == pytest.approx(g - 45, abs=1e-6)
    assert row_break_even(brisbane_like(30), "ind", "grn", "alp") == pytest.approx(g - 30, abs=1e-6)
    # Labor trails the Greens by 0.475 points in round 3; the UAP's 4 points reach Labor at 4 % per point of
    # its row: 11.875 points moved from the LNP to Labor there put Labor ahead, and Labor wins.
    assert row_break_even(brisbane_like(45), "uap", "lnp", "alp") == pytest.approx(-0.475 / 0.04, abs=1e-6)
    # Sending the UAP's LNP-bound votes to nobody instead changes nothing (and there are none to send back).
    assert row_break_even(brisbane_like(45), "uap", X, "lnp") is None
    with pytest.raises(ValueError, match="themselves"):
        row_break_even(brisbane_like(45), "ind", "ind", "alp")


def test_ties_are_broken_as_the_count_engine_breaks_them() -> None:
    # b and c tie at 30 after d's transfer; the earlier round (b 30 > c 20) excludes c, as core.count does.
    s = irv_scenario({"a": 40, "b": 30, "c": 20, "d": 10}, {"d": {"c": 100}, "c": {"b": 100}, "b": {"c": 100}})
    run = run_irv(s)
    assert run.rounds[2].eliminated == ("c",)
    assert any("tied for last" in n for n in run.notes)


@pytest.mark.parametrize(
    ("first", "rows", "message"),
    [
        ({"a": 50}, {}, "at least two"),
        ({"a": 50, "b": -1}, {}, "must be numbers >= 0"),
        ({"a": 0, "b": 0}, {}, "all zero"),
        ({"a": 50, "b": 50}, {"a": {"b": 90}}, "transfer row 'a': shares must sum to 100"),
        ({"a": 50, "b": 50}, {"a": {"a": 10, "b": 90}}, "transfer row 'a': a candidate cannot transfer"),
        ({"a": 50, "b": 50}, {"a": {"z": 100}}, "transfer row 'a': unknown candidate 'z'"),
        ({"a": 50, "b": 50}, {"z": {"a": 100}}, "unknown candidates"),
        ({"a": 50, "b": 50}, {"a": {"b": 120, X: -20}}, "within 0-100"),
    ],
)
def test_bad_scenarios_are_refused_with_a_message_naming_what(first: dict, rows: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        irv_scenario(first, rows)


def test_scenario_is_immutable_and_rows_are_rescaled_to_exactly_100() -> None:
    s = irv_scenario({"a": 20, "b": 20}, {"a": {"b": 99.8}, "b": {X: 100.3}})
    assert s.first_round.tolist() == [50, 50]
    assert s.transfers[0].sum() == pytest.approx(100, abs=1e-12)
    with pytest.raises(ValueError):
        s.transfers[0, 1] = 5.0


# --- 2. against the count engine -------------------------------------------------------------------------------


def last_tally(run: IrvRun, elimination: Elimination, code: str) -> float:
    """A candidate's tally in the round whose tallies excluded them."""
    return run.rounds[elimination.round - 1].tallies[code]


def _random_ballots(rng: np.random.Generator, names: list[str], rows: int) -> list[Ballot]:
    out = []
    for _ in range(rows):
        length = int(rng.integers(1, len(names) + 1))
        prefs = [names[i] for i in rng.permutation(len(names))[:length]]
        out.append(Ballot(tuple(prefs), int(rng.integers(1, 5000))))
    return out


def _assert_reproduces(result: CountResult, run: IrvRun) -> None:
    valid = sum(result.rounds[0].tallies.values())
    scale = valid / 100.0
    assert len(run.rounds) == len(result.rounds)
    for official, ours in zip(result.rounds, run.rounds, strict=True):
        assert ours.eliminated == official.eliminated
        assert {c: v * scale for c, v in ours.tallies.items()} == pytest.approx(official.tallies, abs=1e-6)
        assert ours.exhausted * scale == pytest.approx(official.exhausted, abs=1e-6)
        moved = {(t.from_candidate, t.to_candidate): t.votes for t in official.transfers}
        assert {(f, t): v * scale for f, t, v in ours.transfers} == pytest.approx(moved, abs=1e-6)
    assert run.winner == result.winner


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    "rules",
    [CountRules(), CountRules(batch_elimination=True), CountRules(max_rankings=3)],
    ids=["plain", "batch", "top3"],
)
def test_real_transfers_reproduce_every_official_round(seed: int, rules: CountRules) -> None:
    rng = np.random.default_rng(seed)
    names = [f"c{i}" for i in range(7)]
    result = count_ballots(_random_ballots(rng, names, 400), "irv", names, rules=rules)
    assert len(result.rounds) >= 3  # a real chain, not a first-round majority
    _assert_reproduces(result, run_irv(scenario_from_count(result)))


def test_ballot_prior_reproduces_a_count_whose_transfers_follow_first_preference_voters() -> None:
    # d's voters split c 50 / a 50; those reaching c go on a 60 / b 40, as c's own voters do: the first-to-second
    # preference matrix then describes every transfer, and the share-level chain is the count.
    ballots = [
        Ballot(("a",), 400),
        Ballot(("b", "a"), 350),
        Ballot(("c", "a"), 60),
        Ballot(("c", "b"), 40),
        Ballot(("d", "c", "a"), 24),
        Ballot(("d", "c", "b"), 16),
        Ballot(("d", "a"), 40),
    ]
    ballots += [Ballot(("a", "b"), 0)]  # a's row (never used) from a zero count: proportional fallback
    result = count_ballots(ballots, "irv")
    prior = prior_from_ballots(ballots)
    assert prior.row("d") == pytest.approx({"a": 50, "b": 0, "c": 50, X: 0})
    assert prior.row("c") == pytest.approx({"a": 60, "b": 40, "d": 0, X: 0})
    _assert_reproduces(result, run_irv(prior))


def test_count_rows_for_candidates_never_excluded_come_from_the_fallback() -> None:
    rng = np.random.default_rng(11)
    names = ["a", "b", "c", "d", "e"]
    ballots = _random_ballots(rng, names, 200)
    result = count_ballots(ballots, "irv", names)
    prior = prior_from_ballots(ballots, names)
    s = scenario_from_count(result, fallback=prior)
    excluded = {c for r in result.rounds for c in r.eliminated}
    for code in set(names) - excluded:
        assert s.row(code) == pytest.approx(prior.row(code))
    # The first candidate out holds only their own first preferences: their real transfers are the prior's row.
    first_out = result.rounds[1].eliminated[0]
    assert s.row(first_out) == pytest.approx(prior.row(first_out))


def test_ballot_prior_reads_papers_as_the_count_does() -> None:
    ballots = [
        Ballot(("a", "", "b"), 10),  # blank passed over
        Ballot(("a", "a", "c"), 20),  # repeat passed over
        Ballot(("a", "overvote", "b"), 30),  # overvote: exhausted
        Ballot(("a",), 40),  # nothing after: exhausted
        Ballot(("", "a", "b"), 1000),  # no first preference: left out
        Ballot(("b", "a"), 100),
    ]
    prior = prior_from_ballots(ballots, ["a", "b", "c"])
    assert prior.row("a") == pytest.approx({"b": 10, "c": 20, X: 70})
    assert prior.share("a") == pytest.approx(50)
    assert prior.row("c") == pytest.approx({"a": 50, "b": 50, X: 0})  # no voters: by first-round share
    top2 = prior_from_ballots(ballots, ["a", "b", "c"], max_rankings=2)
    assert top2.row("a") == pytest.approx({"b": 0, "c": 0, X: 100})
    with pytest.raises(ValueError, match="not in the candidate list"):
        prior_from_ballots(ballots, ["a", "b"])


# --- 4. rows edited one at a time --------------------------------------------------------------------------------


def test_set_row_spreads_a_group_by_first_round_share_and_reads_back() -> None:
    s = irv_scenario({"a": 40, "b": 30, "c": 20, "d": 6, "e": 3, "f": 1}, {})
    minors = minor_group(s, below=10)
    assert minors == ("d", "e", "f")
    groups = {"minor": minors}
    edited = set_row(s, "c", {"a": 30, "b": 40, "minor": 20, X: 10}, groups)
    assert edited.row("c") == pytest.approx({"a": 30, "b": 40, "d": 12, "e": 6, "f": 2, X: 10})
    assert grouped_row(edited, "c", groups) == pytest.approx({"a": 30, "b": 40, "minor": 20, X: 10})
    # A group member's own row: the group's share goes to the other members only.
    own = set_row(s, "d", {"minor": 100}, groups)
    assert own.row("d") == pytest.approx({"a": 0, "b": 0, "c": 0, "e": 75, "f": 25, X: 0})
    assert s.row("c") != edited.row("c")  # the original is untouched


@pytest.mark.parametrize(
    ("shares", "groups", "message"),
    [
        ({"a": 50, "b": 40}, {}, "sum to 100"),
        ({"c": 50, "a": 50}, {}, "cannot transfer to themselves"),
        ({"a": 50, "zz": 50}, {}, "unknown candidate 'zz'"),
        ({"a": 150, "b": -50}, {}, "within 0-100"),
        ({"a": 50, "g": 50}, {"g": ["b"], "h": ["b"]}, "already in group"),
        ({"a": 50, "a2": 50}, {"a": ["b"]}, "also a candidate code"),
        ({"b": 50, "g": 50}, {"g": ["b", "d"]}, "both alone and in group"),
    ],
)
def test_set_row_refuses_bad_slider_values(shares: dict, groups: dict, message: str) -> None:
    s = irv_scenario({"a": 40, "b": 30, "c": 20, "d": 10}, {})
    with pytest.raises((ValueError, KeyError), match=message):
        set_row(s, "c", shares, groups)


def test_published_figures_set_rows_latest_usable_publication_first() -> None:
    s = four()  # c's prior row: d 40, a 30, b 10, exhausted 20
    # Two publications for c (the repeated c->a starts the second); the second names an unknown candidate,
    # so the first is used: a 50, b 30 named, the other 20 spread as the prior spreads d and exhausted (40:20).
    out = with_published_rows(s, [T("c", "a", 50), T("c", "b", 30), T("c", "a", 60), T("c", "zz", 40)])
    assert out.row("c") == pytest.approx({"a": 50, "b": 30, "d": 20 * 40 / 60, X: 20 * 20 / 60})
    # A full publication (exhausted named) is rescaled to 100 and leaves nothing to the prior.
    full = with_published_rows(s, [T("d", "a", 40), T("d", "b", 40), T("d", X, 20.4)])
    assert full.row("d") == pytest.approx({"a": 4000 / 100.4, "b": 4000 / 100.4, "c": 0, X: 2040 / 100.4})
    # A figure outside 0-100, or a candidate transferring to themselves, is passed over: the prior stays.
    for bad in ([T("d", "a", 140)], [T("d", "d", 10)], [T("d", "a", 80), T("d", "b", 30)]):
        assert with_published_rows(s, bad).row("d") == pytest.approx(s.row("d"))
    assert with_published_rows(s, [T("zz", "a", 50)]).row("a") == pytest.approx(s.row("a"))


def test_the_chain_in_words_says_which_eliminations_decide() -> None:
    lines = elimination_lines(run_irv(brisbane_like(45)), {"grn": "Greens", "alp": "Labor", "lnp": "LNP"})
    assert lines[0] == "Round 1: uap out, 0.1 points behind ind."
    assert lines[2] == "Round 3: Labor out, 0.5 points behind Greens. Decisive: with Greens out instead, Labor wins."
    assert lines[-1].startswith("Greens wins, 5.9 points ahead of LNP in the final round")
    assert len(lines) == 4


def test_the_final_margin_says_its_base_and_its_shares_give_it() -> None:
    """The final margin is of the two finalists' votes, not of every ballot as the rounds table's figures are
    (Burlington's demo: "by 3.4 points" beside 48.9 against 45.7 in the table, 5.3 exhausted). The words say so,
    and the two shares they give are the table's final figures over their sum, their difference the margin."""
    run = run_irv(four())  # c's and d's voters partly exhaust
    winner, runner = run.final_pair
    last = run.rounds[-1].tallies
    assert abs((last[winner] - last[runner]) - run.final_margin) > 0.05  # the two bases differ here
    lines = elimination_lines(run, {c: c.upper() for c in "abcd"})
    w, r = (100 * last[c] / (last[winner] + last[runner]) for c in (winner, runner))
    assert f"({w:.1f} % to {r:.1f} % of their two votes;" in lines[-1]
    assert w - r == pytest.approx(run.final_margin)


# --- 3. win probabilities ------------------------------------------------------------------------------------


def test_documented_constants_follow_their_sources() -> None:
    assert ForecastErrors.load(TABLE).share.s0 == pytest.approx(DEFAULT_SHARE_SD, abs=0.005)
    # A Dirichlet component at an even split has sd sqrt(0.25 / (alpha + 1)): the scenario's transfer sd.
    assert 100 * math.sqrt(0.25 / (DEFAULT_CONCENTRATION + 1)) == pytest.approx(ErrorModel().transfer_sd)


def test_without_noise_every_draw_is_the_single_run() -> None:
    rng = np.random.default_rng(5)
    for trial in range(40):
        n = int(rng.integers(3, 9))
        codes = [f"k{i}" for i in range(n)]
        first = dict(zip(codes, rng.dirichlet(np.ones(n)) * 100, strict=True))
        matrix = rng.dirichlet(np.ones(n + 1), size=n) * 100
        matrix[np.arange(n), np.arange(n)] = 0
        matrix = 100 * matrix / matrix.sum(axis=1, keepdims=True)
        rows = {c: {**dict(zip(codes, matrix[i, :n], strict=True)), X: matrix[i, n]} for i, c in enumerate(codes)}
        limit = [None, 2, 3][trial % 3]
        s = irv_scenario(
            first, rows, max_rankings=limit, batch_elimination=trial % 2 == 1, stop_at_majority=trial % 5 != 0
        )
        run = run_irv(s)
        assert s.codes[_Chain(s).play_out()] == run.winner  # the replays' quick path agrees with the recorded run
        for before, after in zip(run.rounds, run.rounds[1:], strict=False):  # no vote is made or lost
            assert sum(after.tallies.values()) + after.exhausted == pytest.approx(100.0)
            assert after.exhausted >= before.exhausted
            moved = sum(v for f, _, v in after.transfers)
            assert moved == pytest.approx(sum(before.tallies[c] for c in after.eliminated))
        odds = simulate_irv(s, draws=3, share_sd=0.0, concentration=math.inf)
        assert odds.p_win[run.winner] == 1.0, (trial, run.winner, odds.p_win)
        to_the_end = run_irv(IrvScenario(s.codes, s.first_round, s.transfers, limit, s.batch_elimination, False))
        assert to_the_end.winner == run.winner
        assert odds.p_final_pair[to_the_end.final_pair[1]] == 1.0
        last = to_the_end.eliminations[-1]
        assert odds.p_third[max(last.eliminated, key=lambda c: last_tally(to_the_end, last, c))] == 1.0
        assert odds.p_first_out[run.eliminations[0].eliminated[0]] == 1.0 if run.eliminations else True


@pytest.mark.parametrize(("limit", "batch"), [(None, False), (None, True), (2, False), (3, True)])
def test_every_simulated_draw_is_the_single_run_at_that_draw(limit: int | None, batch: bool) -> None:
    # With noise, each draw is a scenario of its own (its first round, its rows): the vectorised chain must
    # elect whom run_irv elects there, with preference limits and batch elimination too.
    rng = np.random.default_rng(21)
    n, d = 8, 60
    codes = tuple(f"k{i}" for i in range(n))
    first = np.array([24.0, 21.0, 18.0, 12.0, 10.0, 7.0, 5.0, 3.0])
    matrix = rng.dirichlet(np.ones(n + 1), size=n) * 100
    matrix[np.arange(n), np.arange(n)] = 0
    matrix = 100 * matrix / matrix.sum(axis=1, keepdims=True)
    draws = _first_round_draws(first, rng.standard_normal((d, n)), 6.0)
    rows = np.stack([_row_draws(matrix[i], rng.standard_normal((d, n + 1)), 8.0) for i in range(n)])
    winner, runner, first_out, third = _chain_draws(draws, rows, limit, batch)
    for k in range(d):
        own = 100 * rows[:, k, :] / rows[:, k, :].sum(axis=1, keepdims=True)
        run = run_irv(IrvScenario(codes, draws[k], own, limit, batch, stop_at_majority=False))
        assert codes[winner[k]] == run.winner
        assert {codes[winner[k]], codes[runner[k]]} == set(run.final_pair)
        assert codes[first_out[k]] in run.eliminations[0].eliminated
        last = run.eliminations[-1]
        assert codes[third[k]] == max(last.eliminated, key=lambda c: last_tally(run, last, c))


def test_probabilities_are_seeded_sum_to_one_and_follow_the_race() -> None:
    s = brisbane_like(45)
    odds = simulate_irv(s, draws=2000, seed=3)
    assert sum(odds.p_win.values()) == pytest.approx(1.0)
    assert sum(odds.p_final_pair.values()) == pytest.approx(2.0)
    assert sum(odds.p_third.values()) == pytest.approx(1.0)
    assert odds.p_third["grn"] + odds.p_third["alp"] > 0.95  # the race for third is between these two
    assert simulate_irv(s, draws=2000, seed=3) == odds
    assert simulate_irv(s, draws=2000, seed=4) != odds
    assert odds.p_win["uap"] == 0 and odds.p_win["ind"] == 0
    assert 0.3 < odds.p_win["grn"] < 0.6 and 0.3 < odds.p_win["alp"] < 0.6  # a toss-up between the two
    assert odds.p_win["grn"] > simulate_irv(brisbane_like(20), draws=2000, seed=3).p_win["grn"]
    assert odds.simulation_sd("grn") == pytest.approx(math.sqrt(odds.p_win["grn"] * (1 - odds.p_win["grn"]) / 2000))


def test_a_reused_simulator_gives_what_a_fresh_one_gives() -> None:
    sim = IrvSimulator(5, draws=500, seed=9)
    a, b = brisbane_like(45), brisbane_like(30)
    first = sim.run(a)
    sim.run(b)  # a slider move: one row recomputed
    assert sim.run(a) == first
    assert IrvSimulator(5, draws=500, seed=9).run(b) == sim.run(b)
    with pytest.raises(ValueError, match="for 5 candidates"):
        sim.run(four())
    with pytest.raises(ValueError, match="concentration"):
        sim.run(a, concentration=0)
    with pytest.raises(ValueError, match="draws"):
        IrvSimulator(5, draws=0)


@pytest.mark.parametrize(("n", "full"), [(12, False), (12, True), (6, False), (3, False), (2, False)])
def test_a_row_edit_reruns_only_later_rounds_and_gives_exactly_what_a_fresh_count_gives(n: int, full: bool) -> None:
    """The reused simulator re-runs each draw from the round the edited row is first read (`_FastChain`); every
    draw's winner, runner-up, first out and third must be exactly a fresh simulator's, edit after edit: one row,
    several rows, a row back to its old values, the first round moved."""
    rng = np.random.default_rng(n)
    codes = tuple(f"k{i}" for i in range(n))
    first = {c: float(v) for c, v in zip(codes, sorted(rng.dirichlet(np.ones(n)) * 100, reverse=True), strict=True)}

    def random_row(i: int) -> dict[str, float]:
        w = rng.dirichlet(np.ones(n + 1)) * 100
        w[i] = 0.0
        if full:
            w[n] = 0.0
        if rng.random() < 0.3:  # rows that name few others: full preferential then falls back on first round
            w[rng.permutation(n)[: n // 2]] = 0.0
        if w.sum() <= 0:
            w[(i + 1) % n] = 1.0
        w = 100.0 * w / w.sum()
        row = {c: float(w[j]) for j, c in enumerate(codes) if j != i}
        row[X] = float(w[n])
        return row

    rows = {c: random_row(i) for i, c in enumerate(codes)}
    s = irv_scenario(first, rows, full_preferential=full)
    sim = IrvSimulator(n, draws=400, seed=2)
    sim.run(s)
    edits: list[IrvScenario] = []
    for step in range(12):
        i = int(rng.integers(n))
        s = set_row(s, codes[i], random_row(i))
        if step % 4 == 3:  # two rows at once (a reset, a new prior)
            j = int(rng.integers(n))
            s = set_row(s, codes[j], random_row(j))
        edits.append(s)
    edits.append(edits[0])  # back to an earlier matrix
    moved = dict(first)
    moved[codes[0]] += 3.0
    edits.append(irv_scenario(moved, {c: edits[-1].row(c) for c in codes}, full_preferential=full))
    for scenario in edits:
        assert sim.run(scenario) == IrvSimulator(n, draws=400, seed=2).run(scenario)
        chain = sim._chain
        assert chain is not None
        fresh = _chain_draws(sim._first, sim._rows, None, False, full)
        for kept, new in zip(chain.results(), fresh, strict=True):
            np.testing.assert_array_equal(kept, new)


def test_fast_rows_have_the_dirichlet_moments_and_agree_with_exact_draws() -> None:
    row = np.array([0.0, 50.0, 30.0, 15.0, 5.0])
    z = np.random.default_rng(0).standard_normal((200_000, 5))
    w = _row_draws(row, z, DEFAULT_CONCENTRATION)
    p = 100 * w / w.sum(axis=1, keepdims=True)
    assert p[:, 0].max() == 0
    assert p.mean(axis=0) == pytest.approx(row, abs=0.3)
    dirichlet_sd = 100 * np.sqrt(row / 100 * (1 - row / 100) / (DEFAULT_CONCENTRATION + 1))
    assert p.std(axis=0)[1:] == pytest.approx(dirichlet_sd[1:], rel=0.1)
    s = brisbane_like(42)
    fast = simulate_irv(s, draws=4000, seed=1)
    exact = simulate_irv(s, draws=4000, seed=1, exact=True)
    for code in s.codes:
        assert abs(fast.p_win[code] - exact.p_win[code]) < 4 * math.sqrt(0.25 * 2 / 4000)


def test_first_round_draws_stay_shares_with_the_forecast_spread() -> None:
    z = np.random.default_rng(2).standard_normal((100_000, 4))
    p = np.array([44.0, 30.0, 20.0, 6.0])
    draws = _first_round_draws(p, z, DEFAULT_SHARE_SD)
    assert np.all(draws > 0)
    assert draws.sum(axis=1) == pytest.approx(100)
    assert draws.mean(axis=0) == pytest.approx(p, abs=0.1)
    assert draws.std(axis=0) == pytest.approx(DEFAULT_SHARE_SD * 2 * np.sqrt(p / 100 * (1 - p / 100)), rel=0.1)
