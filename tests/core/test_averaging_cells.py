"""The house effects summed by (grid day, pollster) cell equal the poll-by-poll definition, and so does every
average built on them (core.averaging._house_effects against _reference_house_effects)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.core import averaging
from warroom.core.averaging import SeriesData, _house_effects, _reference_house_effects, smooth_many


def _series(rng: np.random.Generator, n: int, names: int, days: int, used: int) -> SeriesData:
    """n polls over `days` by the first `used` of `names` pollsters (the others publish nothing in this series)."""
    pollster = rng.integers(0, max(used, 1), n).astype(np.int64)
    return SeriesData(
        day=rng.uniform(0, days, n),
        value=rng.normal(40, 2, n) + 1.5 * (pollster % 4),  # pollsters reading high and low
        variance=rng.uniform(0.5, 8.0, n),
        pollster=pollster,
        names=[f"P{k}" for k in range(names)],
    )


def _inputs(
    seed: int, sizes: list[int], names: int, days: int, used: int | None = None
) -> tuple[list[SeriesData], list[np.ndarray], int]:
    rng = np.random.default_rng(seed)
    data = [_series(rng, n, names, days, used or int(rng.integers(1, names + 1))) for n in sizes]
    weeks = [np.floor(d.day + 0.5).astype(np.int64) // 7 for d in data]
    return data, weeks, days // 7 + 1


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    sizes=st.lists(st.integers(0, 300), min_size=1, max_size=6),
    names=st.integers(1, 12),
    days=st.integers(1, 400),
    iterations=st.integers(1, 6),
    prior_sd=st.floats(0.5, 5.0),
)
def test_cell_sums_equal_the_poll_by_poll_house_effects(
    seed: int, sizes: list[int], names: int, days: int, iterations: int, prior_sd: float
) -> None:
    data, weeks, T = _inputs(seed, sizes, names, days)
    weights = [1.0 / (d.variance + averaging.NONSAMPLING_VAR) for d in data]
    q = np.full(len(data), 0.0625 * 7)
    fast = _house_effects(data, weeks, T, weights, q, prior_sd, iterations)
    slow = _reference_house_effects(data, weeks, T, weights, q, prior_sd, iterations)
    assert len(fast) == len(slow)
    for f, s in zip(fast, slow, strict=True):
        assert f.shape == s.shape
        np.testing.assert_allclose(f, s, rtol=0, atol=1e-12)


def test_a_series_without_polls_and_a_pollster_absent_from_a_series_match_too() -> None:
    data, weeks, T = _inputs(3, [0, 40, 1], 5, 90, used=3)
    weights = [1.0 / (d.variance + averaging.NONSAMPLING_VAR) for d in data]
    q = np.full(3, 0.4)
    fast = _house_effects(data, weeks, T, weights, q, 2.0, 3)
    slow = _reference_house_effects(data, weeks, T, weights, q, 2.0, 3)
    assert not fast[0].any() and not slow[0].any()  # nothing to estimate from
    for f, s in zip(fast, slow, strict=True):
        np.testing.assert_allclose(f, s, rtol=0, atol=1e-12)
    assert np.ptp(fast[1][:3]) > 0.3  # effects that are not all zero were compared
    assert fast[1][3] == fast[1][4] != 0.0  # the two pollsters absent from it: zero, then the centring's shift


def test_past_the_cell_limit_the_poll_by_poll_sums_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table of cells too big for memory (years of weeks by thousands of pollsters) is never made: the same
    effects come from the poll-by-poll sums."""
    data, weeks, T = _inputs(5, [200, 150], 9, 300)
    weights = [1.0 / (d.variance + averaging.NONSAMPLING_VAR) for d in data]
    q = np.full(2, 0.4)
    by_cell = _house_effects(data, weeks, T, weights, q, 2.0, 3)
    monkeypatch.setattr(averaging, "CELLS_AT_MOST", 10)
    made: list[int] = []
    real_zeros = np.zeros
    monkeypatch.setattr(
        averaging.np, "zeros", lambda shape, *a, **k: made.append(np.prod(shape)) or real_zeros(shape, *a, **k)
    )
    by_poll = _house_effects(data, weeks, T, weights, q, 2.0, 3)
    assert max(made) < 2 * T * 9  # no (series, weeks, pollsters) table
    for f, s in zip(by_cell, by_poll, strict=True):
        np.testing.assert_allclose(f, s, rtol=0, atol=1e-12)


def test_smooth_many_reads_the_same_averages_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    data, _, _ = _inputs(11, [500, 300, 80], 7, 360)
    fast = smooth_many(data)
    monkeypatch.setattr(averaging, "_house_effects", _reference_house_effects)
    slow = smooth_many(data)
    for f, s in zip(fast, slow, strict=True):
        np.testing.assert_allclose(f.mean, s.mean, rtol=0, atol=1e-10)
        np.testing.assert_allclose(f.upper, s.upper, rtol=0, atol=1e-10)
        assert f.house_effects == pytest.approx(s.house_effects, abs=1e-12)
