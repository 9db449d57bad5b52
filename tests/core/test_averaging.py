from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from tests.conftest import TOY, make_poll
from warroom.core.averaging import (
    Observation,
    average_polls,
    lead_variance,
    recency_weighted_mean,
    share_variance,
    smooth,
)
from warroom.core.runoff import Split


def test_variance_helpers_by_hand() -> None:
    assert share_variance(50, 1000) == pytest.approx(2.5)  # 0.25/1000 in percent^2
    assert lead_variance(50, 40, 1000) == pytest.approx(1e4 * (0.9 - 0.01) / 1000)
    assert share_variance(0, 100) == pytest.approx(1e4 * 0.01 * 0.99 / 100)


def _synthetic(seed: int, days: int = 240, houses: dict[str, float] | None = None):
    rng = np.random.default_rng(seed)
    houses = houses or {"Alpha": 2.0, "Beta": -1.5, "Gamma": 0.0, "Delta": -0.5}
    truth = 40 + np.cumsum(rng.normal(0, 0.3, days))
    obs = []
    for d in range(days):
        for name, bias in houses.items():
            if rng.random() < 0.12:
                n = int(rng.integers(500, 2000))
                p = (truth[d] + bias) / 100
                value = 100 * rng.binomial(n, p) / n
                obs.append(Observation(float(d), value, share_variance(value, n), name))
    return truth, obs, houses


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_smoother_is_at_least_as_close_to_the_truth_as_a_recency_mean(seed: int) -> None:
    truth, obs, _ = _synthetic(seed)
    series = smooth(obs, start_day=0, end_day=len(truth) - 1)
    smooth_err = series.mean[20:] - truth[20:]
    recency = np.array([recency_weighted_mean(obs, as_of_day=d) for d in range(len(truth))])
    recency_err = recency[20:] - truth[20:]
    rmse_smooth = math.sqrt(float(np.mean(smooth_err**2)))
    rmse_recency = math.sqrt(float(np.mean(recency_err**2)))
    assert rmse_smooth <= rmse_recency


def test_house_effects_are_recovered_and_the_band_covers_the_truth() -> None:
    coverage = []
    errors = []
    for seed in range(6):
        truth, obs, houses = _synthetic(seed, days=360)
        series = smooth(obs, start_day=0, end_day=len(truth) - 1)
        mean_house = sum(houses.values()) / len(houses)  # the model assumes the industry is unbiased
        for name, bias in houses.items():
            errors.append(series.house_effects[name] - (bias - mean_house))
        coverage.append(np.mean((series.lower <= truth + mean_house) & (truth + mean_house <= series.upper)))
    assert max(abs(e) for e in errors) < 0.8
    assert 0.75 <= float(np.mean(coverage)) <= 0.99


def test_no_look_ahead() -> None:
    polls = [replace(make_poll(d, a=45 + d / 10), id=d) for d in range(1, 20)]
    early = average_polls(polls[:11], TOY, as_of=date(2024, 3, 12))  # fieldwork of poll 11 ends on 12 March
    later = average_polls(polls, TOY, as_of=date(2024, 3, 12))
    assert np.allclose(early.first_round["ann"].mean, later.first_round["ann"].mean)
    assert later.first_round["ann"].days[-1] == date(2024, 3, 12).toordinal()


def test_edge_cases_single_none_same_day() -> None:
    assert smooth([]).empty
    one = smooth([Observation(10.0, 42.0, 2.0, "A")])
    assert one.at(10.0)[0] == pytest.approx(42.0, abs=1e-3)
    lo, hi = one.at(10.0)[1:]
    assert lo < 42 < hi
    same = smooth([Observation(5.0, 40.0, 2.0, "A"), Observation(5.0, 44.0, 2.0, "B")], estimate_house_effects=False)
    assert same.at(5.0)[0] == pytest.approx(42.0, abs=1e-3)


def test_single_poll_pollster_is_shrunk() -> None:
    _, obs, _ = _synthetic(7)
    outlier = Observation(100.0, 60.0, 2.0, "Once")
    series = smooth([*obs, outlier])
    assert abs(series.house_effects["Once"]) < 15  # pulled in hard from a 20-point miss
    assert abs(series.at(100.0)[0] - smooth(obs).at(100.0)[0]) < 3


def test_average_polls_pairs_and_second_round_sources() -> None:
    polls = [
        replace(make_poll(1, a=44, b=40, c=16, second_round={"ann": 52, "bob": 48}), id=1),
        replace(make_poll(3, pollster="Beta", a=45, b=39, c=16), id=2),
    ]
    avg = average_polls(polls, TOY, splits={"cat": Split(50, 20, 30)})
    assert (avg.a, avg.b) == ("ann", "bob")
    assert list(avg.second_lead_observed.poll_id) == [1]
    assert list(avg.second_lead_implied.poll_id) == [2]
    # implied: ann 45 + 16*0.5 = 53, bob 39 + 16*0.2 = 42.2 -> 55.67 vs 44.33
    assert avg.second_lead_implied.value[0] == pytest.approx(100 * (53 - 42.2) / 95.2)
    assert avg.second_lead_observed.value[0] == pytest.approx(4.0)
    assert not avg.second_lead.empty and not avg.first_lead.empty


def test_grid_extends_to_election_day() -> None:
    polls = [replace(make_poll(1), id=1)]
    avg = average_polls(polls, TOY, end=TOY.election_date)
    assert avg.first_round["ann"].days[-1] == TOY.election_date.toordinal()
    _ = timedelta


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scan_smoother_equals_the_day_by_day_kalman_smoother(seed: int) -> None:
    from warroom.core.averaging import _reference_rts, _rts

    rng = np.random.default_rng(seed)
    S, T = 4, 700
    precision = np.where(rng.random((S, T)) < 0.15, rng.uniform(0.05, 2.0, (S, T)), 0.0)
    precision[:, 0] = 0.0  # a series that starts without a poll on day 0
    weighted = precision * rng.normal(40, 3, (S, T))
    q = np.array([0.01, 0.0625, 0.125, 0.3])
    ms, vs = _rts(precision, weighted, q, want_var=True)
    ref_m, ref_v = _reference_rts(precision, weighted, q)
    # after the first poll (before it, the diffuse prior makes both numerically meaningless)
    first = max(int(np.argmax(precision[s] > 0)) for s in range(S))
    assert np.allclose(ms[:, first:], ref_m[:, first:], atol=1e-6)
    assert np.allclose(vs[:, first:], ref_v[:, first:], rtol=1e-6, atol=1e-6)


def test_three_house_effect_iterations_have_converged() -> None:
    from warroom.core.averaging import smooth_many

    for seed in range(3):
        _, obs, _ = _synthetic(seed, days=360)
        quick = smooth_many([obs])[0].house_effects
        long = smooth_many([obs], iterations=20)[0].house_effects
        assert max(abs(quick[k] - long[k]) for k in long) < 0.02
