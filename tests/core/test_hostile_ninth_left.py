"""Hostile pass 9 (issue 16), the leftovers of pass 8 in the core: an instant-runoff scenario of 100-200 candidates."""

from __future__ import annotations

import random

import numpy as np
import pytest

from warroom.core.irv_scenario import EXHAUSTED, IrvScenario, _Chain, row_break_even, run_irv


def _literal_winner(scenario: IrvScenario, rows: list[list[float]] | None = None) -> int:
    """The rule read literally: one exclusion a round, the tie-broken lowest, until the count stops."""
    chain = _Chain(scenario)
    if rows is not None:
        chain.rows = rows
    while (winner := chain.outcome()) is None:
        chain.eliminate(chain.losers()[0], record=False)
    return winner


def _race(rng: random.Random, n: int) -> IrvScenario:
    """A race full of candidates on nothing (and some tied, and one a hair above nothing), any counting rule."""
    first = np.array([rng.choice([0.0, 0.0, 0.0, 1e-10, 5.0, 10.0, 10.0, rng.uniform(0, 30)]) for _ in range(n)])
    if not first.sum():
        first[0] = 1.0
    rows = np.array([[rng.choice([0, 0, 1, 1, 2]) for _ in range(n + 1)] for _ in range(n)], dtype=float)
    options: dict[str, object] = {}
    pick = rng.random()
    if pick < 0.25:
        options["max_rankings"] = rng.randint(1, 4)
    elif pick < 0.4:
        options["stop_at_majority"] = False
    elif pick < 0.5:
        options["full_preferential"] = True
        rows[:, n] = 0.0
    for i in range(n):
        rows[i, i] = 0.0
        if not rows[i].sum():
            rows[i, (i + 1) % n] = 1.0
        rows[i] *= 100.0 / rows[i].sum()
    return IrvScenario(tuple(f"k{j}" for j in range(n)), first, rows, **options)  # type: ignore[arg-type]


def test_a_race_with_many_candidates_on_nothing_plays_out_as_the_rule_read_literally() -> None:
    """The decisive replays and the break-evens play the count out for its winner only; the candidates on exactly
    nothing are now excluded together there (each exclusion moved no vote, but ran a tie-broken sort of every
    candidate). The winner is the literal rule's on scenarios full of zeros, ties and near-zeros, under every
    counting option, also with a row edited as the break-evens edit it, and each elimination's replay names the
    winner a literal replay names."""
    rng = random.Random(9)
    for _ in range(300):
        scenario = _race(rng, rng.randint(3, 11))
        assert _Chain(scenario).play_out() == _literal_winner(scenario)
        i = rng.randrange(scenario.n)
        row = scenario.transfers[i].tolist()
        j, k = rng.sample([c for c in range(scenario.n + 1) if c != i], 2)
        moved = row[k] * rng.random()
        row[j], row[k] = row[j] + moved, row[k] - moved
        rows = [*scenario.transfers.tolist()[:i], row, *scenario.transfers.tolist()[i + 1 :]]
        edited = _Chain(scenario)
        edited.rows = rows
        assert edited.play_out() == _literal_winner(scenario, rows)
        for e in run_irv(scenario).eliminations:
            before = _Chain(scenario)
            while len(before.history) < e.round:
                before.eliminate(before.losers()[0], record=False)
            up = before.ascending()
            out = [scenario.index(c) for c in e.eliminated]
            swapped = [c for c in out if c != max(out, key=up.index)] + [scenario.index(e.survivor)]
            before.eliminate(swapped, record=False)
            while (other := before.outcome()) is None:
                before.eliminate(before.losers()[0], record=False)
            assert scenario.codes[other] == e.winner_if_swapped


def test_the_replays_of_a_race_of_200_candidates_with_100_on_nothing_sort_the_field_a_few_times_not_thousands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`warroom scenario` of an instant-runoff race of 200 candidates, 100 of them on nothing, took 11-44 s: every
    decisive replay and every step of the break-evens' scan excluded the hundred one a round, each a tie broken
    by a sort of the whole field (30,000 sorts for one break-even). Counted, not timed: the tie-broken sorts a
    replay makes (the work that grew), with the winner the literal rule's."""
    n = 200
    rng = np.random.default_rng(1)
    first = np.where(np.arange(n) % 2 == 0, rng.uniform(0.5, 20, n), 0.0)
    rows = np.full((n, n + 1), 0.0)
    rows[:, :n] = np.where(first > 0, first, 1e-3)[None, :]
    rows[:, n] = rows[:, :n].sum(axis=1) / 4
    np.fill_diagonal(rows, 0.0)
    rows *= 100.0 / rows.sum(axis=1)[:, None]
    scenario = IrvScenario(tuple(f"c{i:03d}" for i in range(n)), first, rows)
    sorts = 0
    losers = _Chain.losers

    def counted(self: _Chain) -> tuple[list[int], str | None]:
        nonlocal sorts
        sorts += 1
        return losers(self)

    monkeypatch.setattr(_Chain, "losers", counted)
    winner = _Chain(scenario).play_out()
    assert sorts <= 2, sorts
    monkeypatch.setattr(_Chain, "losers", losers)
    assert winner == _literal_winner(scenario)
    code = scenario.codes[int(np.argmax(first))]
    other = scenario.codes[int(np.argsort(first)[-2])]
    monkeypatch.setattr(_Chain, "losers", counted)
    sorts = 0
    row_break_even(scenario, code, other, EXHAUSTED, tol=1e-3)
    assert sorts <= 2 * 64 + 40, sorts  # one sort at most per play-out (64 grid points a side and the bisection)
