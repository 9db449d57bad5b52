"""core.forecast: historical error table, shares that stay shares, runoff odds, verdict words, calibration."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest

from warroom.core.forecast import (
    REFERENCE_DAYS,
    CurvePrior,
    ErrorCurve,
    FirstRoundDraws,
    ForecastErrors,
    LeverRange,
    calibration,
    fit_curve,
    interval_coverage,
    margin_interval,
    share_interval,
    share_scale,
    simulate_first_round,
    simulate_runoff,
    student_t_quantile,
    verdict_sentence,
    verdict_words,
)
from warroom.core.runoff import Split, implied_runoff

DATA = Path(__file__).resolve().parents[2] / "resources" / "data"
TABLE = DATA / "forecast_errors.json"
Z90 = NormalDist().inv_cdf(0.95)


def _table() -> dict:
    return json.loads(TABLE.read_text(encoding="utf-8"))


# --- 1. historical error by days to polling day -------------------------------------------------------------


@pytest.mark.parametrize(
    ("prob", "dof", "expected"),
    [(0.95, 1, 6.313752), (0.95, 5, 2.015048), (0.95, 6, 1.943180), (0.975, 10, 2.228139), (0.95, 30, 1.697261)],
)
def test_t_quantile_matches_published_tables(prob: float, dof: float, expected: float) -> None:
    assert student_t_quantile(prob, dof) == pytest.approx(expected, abs=2e-5)
    assert student_t_quantile(1 - prob, dof) == pytest.approx(-expected, abs=2e-5)


def test_t_quantile_infinite_dof_is_normal_and_bad_input_refused() -> None:
    assert student_t_quantile(0.95, math.inf) == pytest.approx(Z90)
    with pytest.raises(ValueError, match="degrees of freedom"):
        student_t_quantile(0.95, 0.5)
    with pytest.raises(ValueError, match="probability"):
        student_t_quantile(1.0, 5)


def test_fit_with_no_data_returns_the_prior() -> None:
    curve = fit_curve([], [], [], CurvePrior(6.0, 0.1, weight_s0=2, weight_k=1))
    assert curve.s0 == pytest.approx(6.0)
    assert curve.k == pytest.approx(0.1)
    assert curve.dof == 2
    # Two pseudo-races only: the t widening is large (t(2) 90 % = 2.92 vs 1.645).
    assert curve.widening == pytest.approx(2.919986 / Z90, rel=1e-4)


def test_fit_follows_the_data_as_races_accumulate_and_widening_fades() -> None:
    prior = CurvePrior(6.0, 0.1)
    few = fit_curve([16.0] * 3, [], [], prior)
    many = fit_curve([16.0] * 2000, [0.5 * 30] * 2000, [30.0] * 2000, prior)
    assert 4.0 < few.s0 < 6.0
    assert many.s0 == pytest.approx(4.0, abs=0.01)
    assert many.k == pytest.approx(0.5, abs=0.01)
    assert few.widening > many.widening > 1.0
    assert many.widening == pytest.approx(1.0, abs=0.01)


def test_fit_never_gives_a_negative_slope() -> None:
    curve = fit_curve([9.0], [-500.0], [30.0], CurvePrior(5.0, 0.1))
    assert curve.k == 0.0


def test_error_curve_grows_with_distance_and_ignores_negative_days() -> None:
    curve = ErrorCurve(5.0, 0.2, dof=6)
    sds = curve.sd(np.array([0.0, 1.0, 7.0, 30.0, 60.0]))
    assert np.all(np.diff(sds) > 0)
    assert curve.sd(-5.0) == pytest.approx(curve.sd(0.0))
    assert curve.sd(60.0) == pytest.approx(math.sqrt(25 + 12) * curve.widening)
    with pytest.raises(ValueError, match="days"):
        curve.sd(math.nan)


def test_shipped_table_loads_and_its_fitted_figures_match_its_records() -> None:
    errors = ForecastErrors.load(TABLE)
    stored = _table()["types"]["london_mayor"]
    for name, curve in (("margin", errors.margin), ("share", errors.share)):
        assert curve.s0 == pytest.approx(stored[name]["fitted"]["s0"], abs=1e-4)
        assert curve.k == pytest.approx(stored[name]["fitted"]["k"], abs=1e-5)
    assert errors.races == ("2004", "2008", "2012", "2016")
    assert errors.margin.dof == 6  # two prior races + four London races
    assert errors.share.dof == 5  # 2004 has no sourced first-round final poll


def test_shipped_margin_sd_is_wider_far_out_and_covers_the_eve_of_poll_record() -> None:
    errors = ForecastErrors.load(TABLE)
    sds = [errors.margin_sd(d) for d in REFERENCE_DAYS]  # 60, 30, 14, 7, 1
    assert sds == sorted(sds, reverse=True)
    finals = _table()["types"]["london_mayor"]["margin"]["final_errors"]
    errs = np.array([f["average"] - f["result"] for f in finals])
    # Thin data widen the sd beyond the raw root mean square of the four misses.
    assert errors.margin_sd(1) > math.sqrt(np.mean(errs**2))
    assert np.all(np.abs(errs) <= Z90 * errors.margin_sd(1))


def test_tampered_table_is_refused_naming_the_figure() -> None:
    data = _table()
    data["types"]["london_mayor"]["margin"]["fitted"]["s0"] = 3.0
    with pytest.raises(ValueError, match=r"margin: stored s0 3.0 does not match"):
        ForecastErrors.from_dict(data)
    broken = _table()
    del broken["types"]["london_mayor"]["share"]["final_errors"][1]["result"]
    with pytest.raises(ValueError, match=r"share: final_errors\[1\] needs race, average and result"):
        ForecastErrors.fit(broken)
    with pytest.raises(ValueError, match="no such election type"):
        ForecastErrors.from_dict(_table(), "france_president")


def test_unreadable_table_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "t.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read the forecast error table"):
        ForecastErrors.load(bad)


def test_share_sd_has_the_binomial_shape() -> None:
    errors = ForecastErrors.load(TABLE)
    assert errors.share_sd(14, 50.0) == pytest.approx(errors.share_scale(14))
    assert errors.share_sd(14, 2.0) == pytest.approx(errors.share_scale(14) * 2 * math.sqrt(0.02 * 0.98))
    assert share_scale(np.array([0.0, 50.0, 100.0])).tolist() == [0.0, 1.0, 0.0]


def test_table_results_are_the_official_counts() -> None:
    results = json.loads((DATA / "london_mayor_results.json").read_text(encoding="utf-8"))
    block = _table()["types"]["london_mayor"]
    for rec in block["margin"]["final_errors"]:
        fin = [c["final"] for c in results[rec["race"]]["candidates"] if "final" in c]
        assert rec["result"] == pytest.approx(100 * (fin[0] - fin[1]) / sum(fin), abs=1e-3)
    for rec in block["share"]["final_errors"]:
        cands = results[rec["race"]]["candidates"]
        total = sum(c["first"] for c in cands)
        (cand,) = [c for c in cands if c["name"].split()[-1].lower() == rec["candidate"]]
        assert rec["result"] == pytest.approx(100 * cand["first"] / total, abs=1e-3)


def test_table_2012_records_are_the_apps_own_average_at_each_distance() -> None:
    from warroom.core.pipeline import compute_averages
    from warroom.demo import LONDON_2012, demo_polls

    polls = demo_polls()
    block = _table()["types"]["london_mayor"]
    averages = {
        d: compute_averages(polls, LONDON_2012, as_of=date(2012, 5, 3) - timedelta(days=d)) for d in (60, 30, 14, 7, 1)
    }

    def figure(d: int, code: str | None) -> float:
        avg = averages[d]
        assert avg is not None
        series = avg.second_lead if code is None else avg.first_round[code]
        return series.at(series.days[-1])[0]

    for rec in block["margin"]["final_errors"] + block["share"]["final_errors"]:
        if rec["race"] == "2012":
            assert rec["average"] == pytest.approx(figure(1, rec.get("candidate")), abs=2e-3)
    moves = [m for m in block["margin"]["movements"] + block["share"]["movements"] if m["race"] == "2012"]
    assert {m["from_days"] for m in moves} == {60, 30, 14, 7}
    for m in moves:
        assert m["from"] == pytest.approx(figure(m["from_days"], m.get("candidate")), abs=2e-3)


# --- 2. shares that stay shares ----------------------------------------------------------------------------


def test_small_candidate_band_never_leaves_zero_to_hundred() -> None:
    lo, hi = share_interval(2.0, 3.0, 0.9)
    assert 0.0 < lo < 2.0 < hi < 100.0
    lo, hi = share_interval(98.0, 3.0, 0.9)
    assert 0.0 < lo < 98.0 < hi < 100.0
    lows, highs = share_interval(np.array([0.0, 0.5, 2.0, 50.0, 100.0]), np.array([5.0, 5.0, 5.0, 5.0, 5.0]), 0.99)
    assert isinstance(lows, np.ndarray) and isinstance(highs, np.ndarray)
    assert np.all(lows >= 0) and np.all(highs <= 100) and np.all(lows <= highs)


def test_share_interval_is_the_normal_one_when_narrow_and_away_from_the_edges() -> None:
    lo, hi = share_interval(40.0, 0.5, 0.9)
    assert lo == pytest.approx(40.0 - Z90 * 0.5, abs=0.01)
    assert hi == pytest.approx(40.0 + Z90 * 0.5, abs=0.01)


@pytest.mark.parametrize(("mean", "sd"), [(120.0, 1.0), (-1.0, 1.0), (math.nan, 1.0), (40.0, -1.0), (40.0, math.inf)])
def test_share_interval_refuses_bad_input(mean: float, sd: float) -> None:
    with pytest.raises(ValueError, match="share interval"):
        share_interval(mean, sd)


def test_margin_interval_stays_within_plus_minus_hundred() -> None:
    lo, hi = margin_interval(95.0, 10.0)
    assert lo < 95.0 < hi < 100.0
    lo, hi = margin_interval(0.0, 1.0)
    assert lo == pytest.approx(-hi) and hi == pytest.approx(Z90, abs=0.01)


SHARES_2012 = {"johnson": 44.1, "livingstone": 37.7, "paddick": 6.7, "jones": 4.2, "benita": 3.5, "webb": 3.0,
               "cortiglia": 1.1, "other": 0.0}  # fmt: skip


def test_first_round_draws_are_positive_and_sum_to_hundred() -> None:
    draws = simulate_first_round(SHARES_2012, 6.0, 20_000, np.random.default_rng(1), 0.5, leader_bias=1.0)
    alive = draws.shares[:, :-1]
    assert np.all(alive > 0)
    assert np.all(draws.column("other") == 0)  # a 0 % candidate stays at 0
    assert np.allclose(draws.shares.sum(axis=1), 100.0, atol=1e-9)
    assert draws.n == 20_000 and draws.lever is None


def test_first_round_spread_matches_share_sd() -> None:
    sd50 = 3.0
    draws = simulate_first_round(SHARES_2012, sd50, 40_000, np.random.default_rng(2))
    for code, p in SHARES_2012.items():
        if p == 0:
            continue
        col = draws.column(code)
        expected = sd50 * float(share_scale(p))
        assert col.std() == pytest.approx(expected, rel=0.08), code
        assert col.mean() == pytest.approx(p, abs=0.15), code


def test_first_round_is_deterministic_with_a_seed() -> None:
    one = simulate_first_round(SHARES_2012, 3.0, 1000, np.random.default_rng(7), 0.3)
    two = simulate_first_round(SHARES_2012, 3.0, 1000, np.random.default_rng(7), 0.3)
    other = simulate_first_round(SHARES_2012, 3.0, 1000, np.random.default_rng(8), 0.3)
    assert np.array_equal(one.shares, two.shares)
    assert not np.array_equal(one.shares, other.shares)


def test_front_runner_factor_correlates_the_field() -> None:
    def corr(rho: float) -> tuple[float, float]:
        d = simulate_first_round(SHARES_2012, 3.0, 30_000, np.random.default_rng(3), rho)
        field_total = d.shares[:, 1:].sum(axis=1)
        return (
            float(np.corrcoef(d.column("paddick"), d.column("jones"))[0, 1]),
            float(np.corrcoef(d.column("johnson"), field_total)[0, 1]),
        )

    independent, correlated = corr(0.0), corr(0.8)
    assert correlated[0] > independent[0] + 0.3  # two small candidates now move together
    assert correlated[1] < -0.99 and independent[1] < -0.99  # leader vs field: shares always sum to 100


def test_leader_bias_lowers_the_front_runner_by_about_that_much() -> None:
    base = simulate_first_round(SHARES_2012, 2.0, 20_000, np.random.default_rng(4))
    biased = simulate_first_round(SHARES_2012, 2.0, 20_000, np.random.default_rng(4), leader_bias=2.0)
    drop = base.column("johnson").mean() - biased.column("johnson").mean()
    assert drop == pytest.approx(2.0, abs=0.2)


def test_lever_range_is_drawn_uniformly_and_moves_the_shares() -> None:
    lever = LeverRange(0.2, 0.6, {"johnson": -10.0, "livingstone": 5.0})
    draws = simulate_first_round(SHARES_2012, 0.0, 20_000, np.random.default_rng(5), lever=lever)
    assert draws.lever is not None
    assert draws.lever.min() >= 0.2 and draws.lever.max() <= 0.6
    assert draws.lever.mean() == pytest.approx(0.4, abs=0.01)
    # sd 0: each draw is exactly the renormalised lever-moved baseline
    m = draws.lever
    johnson = (44.1 - 10 * m) / (100.3 - 5 * m) * 100
    assert np.allclose(draws.column("johnson"), johnson)


def test_lever_and_input_checks_name_the_problem() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"at lever 1 the shares of \['cortiglia'\] go below zero"):
        simulate_first_round(SHARES_2012, 1.0, 10, rng, lever=LeverRange(0.0, 1.0, {"cortiglia": -2.0}))
    with pytest.raises(ValueError, match="unknown candidates"):
        simulate_first_round(SHARES_2012, 1.0, 10, rng, lever=LeverRange(0.0, 1.0, {"nobody": 1.0}))
    with pytest.raises(ValueError, match="low <= high"):
        LeverRange(0.6, 0.2, {})
    with pytest.raises(ValueError, match="correlation"):
        simulate_first_round(SHARES_2012, 1.0, 10, rng, 1.5)
    with pytest.raises(ValueError, match="number of draws"):
        simulate_first_round(SHARES_2012, 1.0, 0, rng)
    with pytest.raises(ValueError, match=r"shares of \['jones'\]"):
        simulate_first_round({**SHARES_2012, "jones": -1.0}, 1.0, 10, rng)


# --- 3. runoff odds ----------------------------------------------------------------------------------------

SPLITS_2012 = {
    "paddick": Split.from_head_to_head(60.0, 60.0),
    "jones": Split.from_head_to_head(25.0, 70.0),
    "benita": Split.from_head_to_head(50.0, 50.0),
    "webb": Split.from_head_to_head(75.0, 45.0),
    "cortiglia": Split.from_head_to_head(50.0, 40.0),
}


def _fixed(shares: dict[str, float], n: int = 4) -> FirstRoundDraws:
    codes = tuple(shares)
    row = np.array([shares[c] for c in codes]) * 100.0 / sum(shares.values())
    return FirstRoundDraws(codes, np.tile(row, (n, 1)))


@pytest.mark.parametrize("adjustment", [0.0, 2.5, -7.0])
def test_without_noise_the_margin_is_the_implied_runoff(adjustment: float) -> None:
    shares = {k: v for k, v in SHARES_2012.items() if v > 0}
    odds = simulate_runoff(
        _fixed(shares), "johnson", "livingstone", SPLITS_2012, np.random.default_rng(0), transfer_sd=0.0,
        runoff_adjustment=adjustment,
    )  # fmt: skip
    expected = implied_runoff(shares, "johnson", "livingstone", SPLITS_2012, adjustment=adjustment).margin
    assert all(q == pytest.approx(expected) for q in odds.margin_quantiles.values())
    assert odds.p_b_wins == (1.0 if expected <= 0 else 0.0)
    assert odds.p_final_pair == 1.0
    assert odds.p_qualify["johnson"] == odds.p_qualify["livingstone"] == 1.0


def test_target_margin_sd_gives_the_normal_probability() -> None:
    shares = {"a": 42.0, "b": 40.0, "c": 18.0}
    splits = {"c": Split.from_head_to_head(50.0, 50.0)}
    margin = implied_runoff(shares, "a", "b", splits).margin
    odds = simulate_runoff(
        _fixed(shares, 60_000), "a", "b", splits, np.random.default_rng(1), transfer_sd=0.0, target_margin_sd=5.5
    )
    assert odds.margin_sd == pytest.approx(5.5, rel=0.02)
    assert odds.p_b_wins == pytest.approx(NormalDist().cdf(-margin / 5.5), abs=0.01)
    assert odds.margin_quantiles[0.5] == pytest.approx(margin, abs=0.1)


def test_even_race_is_even_and_probabilities_add_up() -> None:
    shares = {"a": 38.0, "b": 38.0, "c": 12.0, "d": 12.0}
    rng = np.random.default_rng(2)
    draws = simulate_first_round(shares, 3.0, 40_000, rng)
    even = {k: Split.from_head_to_head(50.0, 60.0) for k in ("c", "d")}
    odds = simulate_runoff(draws, "a", "b", even, rng)
    assert odds.p_b_wins == pytest.approx(0.5, abs=0.015)
    assert sum(odds.p_win.values()) == pytest.approx(1.0)
    assert sum(odds.p_qualify.values()) == pytest.approx(2.0)
    assert odds.p_a_wins + odds.p_b_wins <= 1.0


def test_a_close_third_candidate_can_qualify_and_win_then() -> None:
    shares = {"a": 40.0, "b": 26.0, "c": 25.0, "d": 9.0}
    rng = np.random.default_rng(3)
    odds = simulate_runoff(simulate_first_round(shares, 4.0, 20_000, rng), "a", "b", {}, rng)
    assert 0.3 < odds.p_qualify["c"] < 0.7
    assert odds.p_qualify["a"] > 0.99
    assert odds.p_final_pair < 0.7
    # With no split for an unexpected final, the pair's first-round leader wins: here almost always A.
    assert odds.p_win["a"] > 0.95 and odds.p_win["c"] < 0.05


def test_outright_majority_wins_in_the_first_round() -> None:
    odds = simulate_runoff(
        _fixed({"a": 30.0, "b": 60.0, "c": 10.0}), "a", "b", {}, np.random.default_rng(0), transfer_sd=0.0
    )
    assert odds.p_outright == 1.0 and odds.p_b_wins == 1.0 and odds.p_final_pair == 0.0


def test_transfer_uncertainty_and_an_uncertain_lever_widen_the_margin() -> None:
    shares = {k: v for k, v in SHARES_2012.items() if v > 0}

    def spread(transfer_sd: float, lever: LeverRange | None) -> float:
        rng = np.random.default_rng(4)
        draws = simulate_first_round(shares, 0.0, 20_000, rng, lever=lever)
        return simulate_runoff(draws, "johnson", "livingstone", SPLITS_2012, rng, transfer_sd=transfer_sd).margin_sd

    assert spread(0.0, None) == pytest.approx(0.0, abs=1e-9)
    assert spread(10.0, None) > 0.5
    assert spread(0.0, LeverRange(0.0, 1.0, {"johnson": -6.0, "livingstone": 3.0})) > 2.0


def test_runoff_simulation_is_deterministic_with_a_seed() -> None:
    def run(seed: int) -> tuple[float, dict[float, float]]:
        rng = np.random.default_rng(seed)
        draws = simulate_first_round(SHARES_2012, 3.0, 5000, rng, 0.3)
        odds = simulate_runoff(draws, "johnson", "livingstone", SPLITS_2012, rng, target_margin_sd=7.0)
        return odds.p_b_wins, dict(odds.margin_quantiles)

    assert run(11) == run(11)
    assert run(11) != run(12)


def test_runoff_input_checks() -> None:
    draws = _fixed({"a": 50.0, "b": 50.0})
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="finalists"):
        simulate_runoff(draws, "a", "z", {}, rng)
    with pytest.raises(ValueError, match="finalists"):
        simulate_runoff(draws, "a", "a", {}, rng)
    with pytest.raises(ValueError, match="transfer sd"):
        simulate_runoff(draws, "a", "b", {}, rng, transfer_sd=-1.0)
    with pytest.raises(ValueError, match="quantiles"):
        simulate_runoff(draws, "a", "b", {}, rng, quantiles=(0.5, 1.5))


# --- 4. verdict words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p_b", "words"),
    [
        (0.5, "Toss-up"),
        (0.54, "Toss-up"),
        (0.5999, "Toss-up"),
        (0.4001, "Toss-up"),
        (0.60, "Lean Livingstone"),
        (0.40, "Lean Johnson"),
        (0.7499, "Lean Livingstone"),
        (0.75, "Likely Livingstone"),
        (0.25, "Likely Johnson"),
        (0.90, "Likely Livingstone"),
        (0.10, "Likely Johnson"),
        (0.9001, "Safe Livingstone"),
        (0.0999, "Safe Johnson"),
        (1.0, "Safe Livingstone"),
        (0.0, "Safe Johnson"),
    ],
)
def test_verdict_words_at_the_edges(p_b: float, words: str) -> None:
    assert verdict_words(p_b, "Johnson", "Livingstone") == words


def test_verdict_never_says_wins_or_names_a_favourite_under_sixty_percent() -> None:
    for p_b in np.linspace(0.0, 1.0, 2001):
        words = verdict_words(float(p_b), "Johnson", "Livingstone")
        sentence = verdict_sentence(float(p_b), "Johnson", "Livingstone")
        assert "win" not in words.lower() and "win" not in sentence.lower()
        if 0.4 < p_b < 0.6:
            assert words == "Toss-up" and sentence.startswith("Toss-up")


def test_verdict_sentence_never_rounds_up_past_the_band() -> None:
    assert verdict_sentence(0.8996, "A", "B") == "Likely B (89 % chance)"
    assert verdict_sentence(0.54, "Johnson", "Livingstone") == "Toss-up (Livingstone 54 %)"
    assert verdict_sentence(0.5, "A", "B") == "Toss-up (A and B 50 % each)"
    assert verdict_sentence(0.0, "A", "B") == "Safe A (100 % chance)"


def test_a_two_way_race_s_printed_chances_add_up_to_one_hundred() -> None:
    # The London window showed "Likely Johnson (81 % chance)" beside "Chance Livingstone wins: 18 %" (P = 0.815):
    # each side was rounded down on its own.
    from warroom.core.forecast import chance_text

    for p in [0.815, 0.185, 0.5, 0.4999, 0.5001, 0.8996, 0.1004, 0.003, 0.997, 0.0, 1.0] + [
        k / 1000 for k in range(1001)
    ]:
        a, b = int(chance_text(p).rstrip(" %")), int(chance_text(1.0 - p).rstrip(" %"))
        assert a + b == 100, (p, a, b)
    assert chance_text(0.815) == "81 %" and chance_text(0.185) == "19 %"
    assert chance_text(0.003) == "1 %" and chance_text(0.0) == "0 %" and chance_text(1.0) == "100 %"


def test_a_whole_percentage_prints_as_itself_not_one_less() -> None:
    # 0.57 is a hair under 57 % in binary floating point: it printed as "56 %" (and 0.29, 0.58 likewise).
    from warroom.core.forecast import chance_text

    for k in range(101):
        assert chance_text(k / 100) == f"{k} %"
    assert verdict_sentence(0.57, "A", "B") == "Toss-up (B 57 %)"
    assert verdict_sentence(1 - 0.58, "A", "B") == "Toss-up (A 58 %)"


@pytest.mark.parametrize("bad", [-0.01, 1.01, math.nan, math.inf])
def test_verdict_refuses_a_non_probability(bad: float) -> None:
    with pytest.raises(ValueError, match="P\\(B wins\\)"):
        verdict_words(bad, "A", "B")


# --- 5. calibration --------------------------------------------------------------------------------------


def test_calibration_table_by_bin_and_brier() -> None:
    forecasts = [(0.05, False), (0.15, False), (0.15, True), (0.55, True), (0.95, True), (1.0, True), (0.0, False)]
    cal = calibration(forecasts, edges=(0.0, 0.5, 1.0))
    low, high = cal.bins
    assert (low.low, low.high, low.count) == (0.0, 0.5, 4)
    assert low.mean_forecast == pytest.approx((0.05 + 0.15 + 0.15 + 0.0) / 4)
    assert low.observed_rate == pytest.approx(0.25)
    assert high.count == 3 and high.observed_rate == 1.0  # 1.0 falls in the last bin
    probs = np.array([p for p, _ in forecasts])
    hits = np.array([o for _, o in forecasts], dtype=float)
    assert cal.brier == pytest.approx(float(np.mean((probs - hits) ** 2)))
    assert cal.n == 7 and math.isnan(cal.coverage)


def test_calibration_empty_bins_are_nan_and_coverage_counts_end_points() -> None:
    cal = calibration([(0.95, True)], [((1.0, 3.0), 3.0), ((1.0, 3.0), 3.5), ((-2.0, 2.0), 0.0)])
    assert cal.bins[0].count == 0 and math.isnan(cal.bins[0].observed_rate)
    assert (cal.intervals, cal.covered) == (3, 2)
    assert cal.coverage == pytest.approx(2 / 3)
    assert interval_coverage([]) == (0, 0)


def test_calibration_of_a_calibrated_forecaster_is_close() -> None:
    rng = np.random.default_rng(9)
    p = rng.uniform(0, 1, 50_000)
    outcomes = rng.uniform(0, 1, 50_000) < p
    cal = calibration(zip(p.tolist(), outcomes.tolist(), strict=True))
    for b in cal.bins:
        assert b.observed_rate == pytest.approx(b.mean_forecast, abs=0.02)


def test_calibration_input_checks_name_the_position() -> None:
    with pytest.raises(ValueError, match="forecast 1 is not a probability"):
        calibration([(0.2, True), (1.2, False)])
    with pytest.raises(ValueError, match="interval 1"):
        calibration([], [((0.0, 1.0), 0.5), ((2.0, 1.0), 1.5)])
    with pytest.raises(ValueError, match="bin edges"):
        calibration([], edges=(0.1, 0.5, 1.0))


def test_margin_quantiles_are_numpys_default_quantiles_of_the_per_draw_runoffs() -> None:
    draws = simulate_first_round(SHARES_2012, 3.0, 1001, np.random.default_rng(6))
    qs = (0.0, 0.05, 0.5, 0.9, 1.0)
    odds = simulate_runoff(
        draws, "johnson", "livingstone", SPLITS_2012, np.random.default_rng(1), transfer_sd=0.0, quantiles=qs
    )
    per_draw = [
        implied_runoff(dict(zip(draws.codes, row, strict=True)), "johnson", "livingstone", SPLITS_2012).margin
        for row in draws.shares
    ]
    for q, expected in zip(qs, np.quantile(per_draw, qs), strict=True):
        assert odds.margin_quantiles[q] == pytest.approx(expected, abs=1e-9)
    assert odds.margin_mean == pytest.approx(float(np.mean(per_draw)))


def test_transfer_uncertainty_matches_independent_draws_per_split() -> None:
    shares = {k: v for k, v in SHARES_2012.items() if v > 0}
    odds = simulate_runoff(
        _fixed(shares, 80_000), "johnson", "livingstone", SPLITS_2012, np.random.default_rng(8), transfer_sd=10.0
    )
    # Brute force: every split's share to A drawn on its own (sd 10 points), the runoff counted per draw.
    rng = np.random.default_rng(9)
    total = sum(shares.values())
    a_votes = shares["johnson"] / total * 100
    b_votes = shares["livingstone"] / total * 100
    to_a = np.zeros(20_000)
    moving = 0.0
    for code, split in SPLITS_2012.items():
        votes = shares[code] / total * 100 * (split.to_a + split.to_b) / 100
        moving += votes
        to_a += votes * (split.a_of_valid / 100 + 0.1 * rng.standard_normal(20_000))
    margins = 100 * (a_votes + to_a - (b_votes + moving - to_a)) / (a_votes + b_votes + moving)
    assert odds.margin_sd == pytest.approx(float(margins.std()), rel=0.03)
    assert odds.margin_mean == pytest.approx(float(margins.mean()), abs=0.02)


def test_module_docstring_table_is_the_shipped_tables_figures() -> None:
    import warroom.core.forecast as forecast

    doc = forecast.__doc__ or ""
    errors = ForecastErrors.load(TABLE)
    margin_row = next(line for line in doc.splitlines() if line.strip().startswith("runoff margin sd"))
    share_row = next(line for line in doc.splitlines() if line.strip().startswith("50 % candidate's share sd"))
    assert [float(v) for v in margin_row.split()[-5:]] == [round(errors.margin_sd(d), 2) for d in REFERENCE_DAYS]
    assert [float(v) for v in share_row.split()[-5:]] == [round(errors.share_scale(d), 2) for d in REFERENCE_DAYS]


def test_target_margin_sd_also_narrows_draws_that_spread_too_far() -> None:
    shares = {k: v for k, v in SHARES_2012.items() if v > 0}

    def run(target: float | None) -> tuple[float, float, float]:
        rng = np.random.default_rng(10)
        draws = simulate_first_round(shares, 5.0, 20_000, rng)
        odds = simulate_runoff(draws, "johnson", "livingstone", SPLITS_2012, rng, target_margin_sd=target)
        return odds.margin_sd, odds.margin_mean, odds.p_qualify["paddick"]

    free, narrowed = run(None), run(4.0)
    assert free[0] > 8.0
    assert narrowed[0] == pytest.approx(4.0, rel=1e-9)
    assert narrowed[1] == pytest.approx(free[1], abs=1e-9)  # the centre is kept
    assert narrowed[2] == free[2]  # qualification still from the first-round draws
