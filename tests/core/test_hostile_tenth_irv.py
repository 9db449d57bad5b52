"""Hostile pass 10 (issue 16), the leftover of pass 9: `warroom scenario` on an instant-runoff race of 200
candidates took 7 s and 1.3 GB, the win-chance simulator holding every draw's noise and rounds at once."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np
import pytest

from tests.core.test_hostile_ninth_left import _race
from tests.irv_fixture import FIRST
from tests.irv_fixture import many_candidates as many
from warroom.core import irv_scenario
from warroom.core.irv_scenario import (
    EXHAUSTED,
    IrvScenario,
    IrvSimulator,
    _Chain,
    _chain_draws,
    _contenders,
    _count_contenders,
    _first_round_draws,
    _normals32,
    _row_draws,
    _tally_odds,
    prior_from_ballots,
    row_break_even,
    run_irv,
)
from warroom.demo import burlington_ballots


def old_simulation(scenario: IrvScenario, draws: int, seed: int) -> irv_scenario.IrvOdds:
    """The simulator as it was before big races were streamed, written out: every row's noise drawn at once
    after the first round's, each row's lognormal gammas in float32, the whole field counted."""
    n = scenario.n
    rng = np.random.default_rng(seed)
    z_first = rng.standard_normal((draws, n))
    z_rows = rng.standard_normal((n, draws, n + 1))
    rows = np.empty((n, draws, n + 1), dtype=np.float32)
    for i in range(n):
        rows[i] = _row_draws(scenario.transfers[i], z_rows[i], irv_scenario.DEFAULT_CONCENTRATION)
    first = _first_round_draws(scenario.first_round, z_first, irv_scenario.DEFAULT_SHARE_SD)
    found = _chain_draws(first, rows, scenario.max_rankings, scenario.batch_elimination, scenario.full_preferential)
    return _tally_odds(scenario.codes, *found)


def test_an_ordinary_race_is_simulated_exactly_as_before() -> None:
    """Every race under the streaming limit (the 12-candidate fixture, Burlington 2009's ballots under each of
    the count's options) keeps the simulator it had: the same noise, the same count, the same figures to the
    last digit."""
    codes = tuple(FIRST)
    fixture = IrvScenario(
        codes,
        np.array(list(FIRST.values())),
        np.array([irv_scenario.proportional_row(np.array(list(FIRST.values())), i, 10.0) for i in range(len(codes))]),
    )
    burlington = prior_from_ballots(burlington_ballots())
    cases = [
        fixture,
        burlington,
        replace(burlington, max_rankings=3),
        replace(burlington, batch_elimination=True),
        irv_scenario.without_exhaustion(burlington),
    ]
    for scenario in cases:
        sim = IrvSimulator(scenario.n, 2000, 7)
        assert not sim.streamed
        assert sim.run(scenario) == old_simulation(scenario, 2000, 7)


def test_leaving_out_the_candidates_on_nothing_counts_as_the_whole_field_would() -> None:
    """A big race's simulation counts only the candidates with first-round votes: the others get no vote in any
    draw, so the count excludes them first, lowest index first, moving nothing. On random fields full of them
    (some with a single candidate on votes), the contenders' count gives the whole field's winner and runner-up,
    and without batch elimination its first excluded and third, bit for bit. Under a preference limit everyone
    is counted (a share sent to an excluded candidate uses up a ranking)."""
    rng = np.random.default_rng(3)
    for trial in range(300):
        n = int(rng.integers(2, 10))
        draws = 40
        on = rng.random(n) < 0.5
        if not on.any():
            on[rng.integers(n)] = True
        first = np.where(on[None, :], rng.uniform(0.1, 30, (draws, n)), 0.0)
        first[:, on] *= 100.0 / first[:, on].sum(axis=1, keepdims=True)
        rows = rng.uniform(0, 1, (n, draws, n + 1)).astype(np.float32)
        rows[rng.random(rows.shape) < 0.3] = 0.0
        limit = [None, None, 1, 3][trial % 4]
        batch = trial % 5 == 4
        full = trial % 7 == 3 and limit is None
        if full:
            rows[:, :, n] = 0.0
        mean_first = first.mean(axis=0)
        rules = _Rules(mean_first, limit, batch, full)
        kept = _contenders(rules)  # type: ignore[arg-type]
        if limit is not None:  # a share sent to a candidate on nothing still uses up a ranking: all are counted
            assert kept.tolist() == list(range(n))
            continue
        cols = np.append(kept, n)
        whole = _chain_draws(first, rows, limit, batch, full)
        part = _count_contenders(first, np.ascontiguousarray(rows[kept][:, :, cols]), kept, rules)  # type: ignore[arg-type]
        assert np.array_equal(whole[0], part[0]), (trial, batch, full)
        if not batch or on.sum() >= 2:  # (one on votes, under batch: which tied zero stays last is numpy's sort's)
            assert np.array_equal(whole[1], part[1]), (trial, batch, full)
        if not batch:
            assert np.array_equal(whole[2], part[2]) and np.array_equal(whole[3], part[3]), (trial, full)


class _Rules:
    """The fields `_contenders` and `_count_contenders` read, without a scenario's checks of its matrix."""

    def __init__(self, first_round: np.ndarray, max_rankings: int | None, batch: bool, full: bool) -> None:
        self.first_round = first_round
        self.n = len(first_round)
        self.max_rankings = max_rankings
        self.batch_elimination = batch
        self.full_preferential = full


def test_a_big_races_chances_sum_to_one_and_a_candidate_on_nothing_has_none() -> None:
    scenario = many(120)
    sim = IrvSimulator(scenario.n, 2000, 0)
    assert sim.streamed
    odds = sim.run(scenario)
    assert sum(odds.p_win.values()) == pytest.approx(1.0, abs=1e-12)
    assert sum(odds.p_final_pair.values()) == pytest.approx(2.0, abs=1e-12)
    assert sum(odds.p_third.values()) == pytest.approx(1.0, abs=1e-12)
    nothing = [c for c in scenario.codes if scenario.share(c) == 0]
    assert len(nothing) == 60
    assert all(odds.p_win[c] == 0 and odds.p_final_pair[c] == 0 and odds.p_third[c] == 0 for c in nothing)
    assert odds.p_first_out[nothing[0]] == 1.0  # the lowest-indexed candidate on nothing goes first, every draw
    assert sim.run(scenario) is odds  # asked again for the same case: the same figures, not re-simulated
    assert IrvSimulator(scenario.n, 2000, 0).run(scenario) == odds  # same seed, same figures
    assert IrvSimulator(scenario.n, 2000, 1).run(scenario) != odds
    row = np.array(scenario.transfers[0])
    row[[2, -1]] = row[[-1, 2]]  # a slider moved: c002 and exhaustion swap shares
    edited = scenario.with_row("c000", row)
    assert sim.run(edited) != odds
    assert sim.run(edited) == IrvSimulator(scenario.n, 2000, 0).run(edited)


def test_a_big_races_figures_do_not_depend_on_how_many_draws_are_counted_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Blocks of draws are a memory bound, not part of the model: one draw at a time, or all at once, the same
    figures (each candidate's noise is one stream read on from block to block), under every rule."""
    for scenario in (many(50), replace(many(50), batch_elimination=True), replace(many(50), max_rankings=3)):
        found = []
        for size in (4 * 50 * 51, 4 * 50 * 51 * 7, 1 << 40):  # 1 draw a block, 7, all 150
            monkeypatch.setattr(irv_scenario, "_CHUNK_BYTES", size)
            monkeypatch.setattr(irv_scenario, "_DENSE_LIMIT", 1000)
            found.append(IrvSimulator(50, 150, 3).run(scenario))
        assert found[0] == found[1] == found[2]


def test_a_big_races_noise_is_standard_normal_and_the_same_read_in_blocks() -> None:
    """The streamed simulator's Box-Muller normals: mean 0, sd 1, normal tails; a stream read a block of draws at
    a time gives the numbers it gives read at once, for odd and even widths."""
    z = np.empty((20000, 101), dtype=np.float32)
    _normals32(np.random.default_rng(4), z)
    flat = z.astype(float).ravel()
    assert abs(flat.mean()) < 0.002 and abs(flat.std() - 1.0) < 0.002
    assert abs(np.mean(np.abs(flat) > 1.96) - 0.05) < 0.001 and abs(np.mean(np.abs(flat) > 3) - 0.0027) < 0.0003
    assert abs(np.corrcoef(z[:, 0], z[:, 51])[0, 1]) < 0.03  # the cosine and sine halves of one pair
    for width in (100, 101):
        whole = np.empty((37, width), dtype=np.float32)
        _normals32(np.random.default_rng(9), whole)
        stream, parts = np.random.default_rng(9), np.empty_like(whole)
        for start in range(0, 37, 5):
            _normals32(stream, parts[start : start + 5])
        assert np.array_equal(whole, parts)


def test_a_big_race_with_no_error_elects_the_chains_winner_in_every_draw() -> None:
    """No polling error and no transfer error (concentration infinite): every streamed draw is the count at the
    scenario's values, so the chain's winner wins them all and its final pair is every draw's."""
    for scenario in (many(120), many(120, on_nothing=False, seed=3)):
        odds = IrvSimulator(120, 300, 0).run(scenario, share_sd=0.0, concentration=math.inf)
        run = run_irv(replace(scenario, stop_at_majority=False))
        assert odds.p_win[run.winner] == 1.0
        assert all(odds.p_final_pair[c] == 1.0 for c in run.final_pair)


def test_one_candidate_on_votes_in_a_big_field_wins_every_draw() -> None:
    scenario = many(80)
    first = np.zeros(80)
    first[40] = 3.0
    scenario = scenario.with_values(first_round=first)
    odds = IrvSimulator(80, 2000, 0).run(scenario)
    assert odds.p_win["c040"] == 1.0 and odds.p_final_pair["c079"] == 1.0  # beside the last one on nothing
    assert odds.p_first_out["c000"] == 1.0 and odds.p_third["c078"] == 1.0


def test_a_streamed_simulation_agrees_with_the_dense_one_within_simulation_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The streamed simulator draws other noise from the same model: every chance within five sd of the
    difference of two independent 4,000-draw estimates of it."""
    for scenario in (many(50), many(50, on_nothing=False, seed=4)):
        streamed = IrvSimulator(50, 4000, 0)
        assert streamed.streamed
        new = streamed.run(scenario)
        monkeypatch.setattr(irv_scenario, "_DENSE_LIMIT", 1 << 62)
        dense = IrvSimulator(50, 4000, 0)
        assert not dense.streamed
        old = dense.run(scenario)
        monkeypatch.undo()
        for c in scenario.codes:
            p = 0.5 * (new.p_win[c] + old.p_win[c])
            sd = np.sqrt(2 * max(p * (1 - p), 1 / 4000) / 4000)
            assert abs(new.p_win[c] - old.p_win[c]) <= 5 * sd, (c, new.p_win[c], old.p_win[c])
        assert (
            max(new.p_win, key=new.p_win.__getitem__) == max(old.p_win, key=old.p_win.__getitem__)
            or max(new.p_win.values()) < 0.5
        )


def _whole_break_even(scenario: IrvScenario, code: str, to: str, source: str, tol: float) -> float | None:
    """row_break_even as it was: every row tried plays the count from its first round."""
    i = scenario.index(code)
    a = scenario.n if to == EXHAUSTED else scenario.index(to)
    b = scenario.n if source == EXHAUSTED else scenario.index(source)
    base = scenario.transfers[i].tolist()

    def winner_at(x: float) -> int:
        row = list(base)
        row[a] += x
        row[b] -= x
        chain = _Chain(scenario)
        chain.rows = [*chain.rows[:i], row, *chain.rows[i + 1 :]]
        return chain.play_out()

    # (the same scan and bisection as row_break_even: only where each tried row's count starts differs)
    return irv_scenario.scan_for_change(winner_at, _Chain(scenario).play_out(), up=base[b], down=base[a], tol=tol)


def test_a_break_even_replays_only_from_the_rows_candidates_exclusion_with_the_same_answer() -> None:
    """Each row tried for a break-even had played the count from its first round (a race of 200: 144 play-outs
    of 200 rounds); the rounds before the row's candidate is excluded never read the row, so they are played
    once. Same answers as from the first round, on random races full of ties, zeros and every rule."""
    rng = random.Random(11)
    for _ in range(150):
        scenario = _race(rng, rng.randint(3, 8))
        if rng.random() < 0.2:
            scenario = replace(scenario, batch_elimination=True)
        code = rng.choice(scenario.codes)
        to, source = rng.sample([c for c in (*scenario.codes, EXHAUSTED) if c != code], 2)
        assert row_break_even(scenario, code, to, source, tol=1e-6) == _whole_break_even(
            scenario, code, to, source, 1e-6
        )


def test_a_break_evens_sentence_reads_the_same_rounds_without_the_decisive_replays() -> None:
    rng = random.Random(5)
    for _ in range(60):
        scenario = _race(rng, rng.randint(3, 9))
        full, quick = run_irv(scenario), run_irv(scenario, replays=False)
        assert quick.rounds == full.rounds and quick.winner == full.winner and quick.notes == full.notes
        assert [(e.round, e.eliminated, e.survivor, e.margin) for e in quick.eliminations] == [
            (e.round, e.eliminated, e.survivor, e.margin) for e in full.eliminations
        ]
        assert not quick.decisive
