"""The two-round scenario: hand-worked runoffs, exact break-evens, defaults from matrices, the 2022 back-test."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from warroom.core.france import (
    ABSTAINERS,
    BLANK_NULL,
    TransferMatrix,
    TransferRow,
    final_week_first_round,
    final_week_matchup,
    name_key,
    parse_nsppolls_polls,
    parse_nsppolls_reports,
    parse_official_results,
)
from warroom.core.two_round import (
    ASSUMED_AS_IN_ROUND_ONE,
    ASSUMED_OWN_VOTERS,
    DESTINATIONS,
    QUALIFY_SD_SCALE,
    FirstRound,
    Message,
    RunoffSplit,
    TwoRoundError,
    TwoRoundScenario,
    break_even_message,
    break_even_share,
    break_even_turnout,
    defaults_from_matrices,
    margin_grid,
    project,
    qualify_probabilities,
    splits_for_first_round,
)
from warroom.core.types import Rules

DATA = Path(__file__).resolve().parents[2] / "resources" / "data" / "france_2022"
MACRON, LE_PEN, MELENCHON = "Emmanuel Macron", "Marine Le Pen", "Jean-Luc Mélenchon"

# A small race worked by hand: 1,000 registered, 700 valid votes, 20 blank or null, 280 abstainers.
FIRST = FirstRound({"A": 300.0, "B": 250.0, "C": 150.0}, registered=1000.0, blank_null=20.0)
SPLITS = {
    "A": RunoffSplit(95, 2, 1, 2),
    "B": RunoffSplit(3, 94, 1, 2),
    "C": RunoffSplit(40, 20, 15, 25),
    BLANK_NULL: RunoffSplit(10, 10, 50, 30),
    ABSTAINERS: RunoffSplit(10, 15, 5, 70),
}
SCENARIO = TwoRoundScenario("A", "B", SPLITS)


def hand_votes() -> tuple[float, float, float, float]:
    a = 300 * 0.95 + 250 * 0.03 + 150 * 0.40 + 20 * 0.10 + 280 * 0.10
    b = 300 * 0.02 + 250 * 0.94 + 150 * 0.20 + 20 * 0.10 + 280 * 0.15
    bn = 300 * 0.01 + 250 * 0.01 + 150 * 0.15 + 20 * 0.50 + 280 * 0.05
    ab = 300 * 0.02 + 250 * 0.02 + 150 * 0.25 + 20 * 0.30 + 280 * 0.70
    return a, b, bn, ab


def test_runoff_counts_every_electorate_and_shares_exclude_blank_and_null() -> None:
    p = project(FIRST, SCENARIO)
    a, b, bn, ab = hand_votes()
    assert (p.a_votes, p.b_votes, p.blank_null, p.abstention) == pytest.approx((a, b, bn, ab))
    assert p.a_votes + p.b_votes + p.blank_null + p.abstention == pytest.approx(1000.0)
    assert p.a_share == pytest.approx(100 * a / (a + b))  # valid votes only, as French law counts
    assert p.margin == pytest.approx(100 * (a - b) / (a + b))
    assert p.turnout == pytest.approx(100 * (a + b + bn) / 1000)
    assert p.blank_null_share == pytest.approx(100 * bn / (a + b + bn))
    assert p.flows[ABSTAINERS] == pytest.approx((28.0, 42.0, 14.0, 196.0))
    assert p.winner == "A" and FIRST.abstainers == 280.0


def test_first_round_from_shares_and_bad_inputs() -> None:
    first = FirstRound.from_shares({"A": 60, "B": 40}, registered=1000, turnout=80, blank_null=5)
    assert first.votes == pytest.approx({"A": 456.0, "B": 304.0})
    assert (first.blank_null, first.abstainers, first.turnout) == pytest.approx((40.0, 200.0, 80.0))
    with pytest.raises(ValueError, match="fewer than"):
        FirstRound({"A": 600.0, "B": 500.0}, registered=1000.0)
    with pytest.raises(ValueError, match="sum to 100"):
        RunoffSplit(50, 40, 5, 0)
    with pytest.raises(ValueError, match="0-100"):
        RunoffSplit(110, -10, 0, 0)
    with pytest.raises(ValueError, match="no runoff split for: C"):
        project(FIRST, replace(SCENARIO, splits={k: v for k, v in SPLITS.items() if k != "C"}))
    with pytest.raises(ValueError, match="finalist"):
        project(FIRST, TwoRoundScenario("A", "Z", SPLITS))
    with pytest.raises(ValueError, match="on a finalist"):
        TwoRoundScenario("A", "B", SPLITS, message=Message("C", 0.5))
    assert RunoffSplit.rescaled(41, 21, 0, 39).parts == pytest.approx((41 / 1.01, 21 / 1.01, 0, 39 / 1.01))


@pytest.mark.parametrize("destination", DESTINATIONS)
@pytest.mark.parametrize("electorate", ["C", "A", ABSTAINERS])
def test_break_even_share_is_exact(electorate: str, destination: str) -> None:
    scenario = replace(SCENARIO, turnout=0.3, message=Message("A", 0.2))
    be = break_even_share(FIRST, scenario, electorate, destination)
    if be is None:  # e.g. sending abstainers to abstention moves both finalists alike: checked below
        return
    # Put exactly that share there (the rest in the scenario's proportions) and the runoff ties.
    grid = margin_grid(FIRST, scenario, np.array([0.2]), electorate, destination, np.array([be.share]))
    assert abs(grid[0, 0]) < 1e-9
    above = margin_grid(FIRST, scenario, np.array([0.2]), electorate, destination, np.array([be.share + 1.0]))
    assert (above[0, 0] > 0) == (be.above_wins == "A")
    now = margin_grid(FIRST, scenario, np.array([0.2]), electorate, destination, np.array([be.current]))
    assert now[0, 0] == pytest.approx(project(FIRST, scenario).margin, abs=1e-9)


def test_break_even_answers_the_third_candidates_question() -> None:
    # A leads: a - b = 152 votes. C's 150 voters cannot undo that by abstaining (they give A only 20 net).
    a, b, _, _ = hand_votes()
    abstain = break_even_share(FIRST, SCENARIO, "C", "abstain")
    assert abstain is not None and not abstain.reachable and abstain.above_wins == "B"
    # With p of C going to B and the rest in C's other proportions (40 : 15 : 25 of 80), the gap is linear in p.
    to_b = break_even_share(FIRST, SCENARIO, "C", "b")
    assert to_b is not None and to_b.above_wins == "B" and to_b.current == pytest.approx(20.0)
    gap_without_c = (a - 60) - (b - 30)
    p = (gap_without_c + 150 * 0.5) / (150 * (1 + 0.5))  # a_C(p) = 150 (1 - p) 0.5, b_C(p) = 150 p
    assert to_b.share == pytest.approx(100 * p)


def test_message_works_on_either_finalist_and_its_break_even_is_exact() -> None:
    on_a = replace(SCENARIO, message=Message("A", 0.0, to_other=50, to_blank_null=25, to_abstain=25))
    m = break_even_message(FIRST, on_a)
    assert m is not None and 0 < m < 1
    tied = project(FIRST, replace(on_a, message=Message("A", m, to_other=50, to_blank_null=25, to_abstain=25)))
    assert abs(tied.margin) < 1e-9 and tied.message_break_even == pytest.approx(m)
    on_b = replace(SCENARIO, message=Message("B", 0.5, to_other=100, to_blank_null=0, to_abstain=0))
    assert project(FIRST, on_b).margin > project(FIRST, SCENARIO).margin
    closed = break_even_message(FIRST, on_b)
    assert closed is not None and closed < 0
    among = replace(SCENARIO, message=Message("A", 1.0, to_other=0, to_blank_null=0, to_abstain=100, among="C"))
    moved = project(FIRST, among)
    assert moved.flows["C"][0] == 0.0 and moved.flows["B"] == project(FIRST, SCENARIO).flows["B"]
    assert break_even_message(FIRST, SCENARIO) is None


def test_turnout_lever_moves_abstainers_and_keeps_each_electorates_lean() -> None:
    up = project(FIRST, replace(SCENARIO, turnout=1.0))
    for code in ("A", "B", "C", ABSTAINERS):
        flows = up.flows[code]
        assert flows[3] == pytest.approx(0.0)
        assert flows[0] / flows[1] == pytest.approx(SPLITS[code].to_a / SPLITS[code].to_b)
    down = project(FIRST, replace(SCENARIO, turnout=-0.5))
    assert down.a_votes + down.b_votes + down.blank_null == pytest.approx(0.5 * (sum(hand_votes()[:3])))
    assert down.a_share == pytest.approx(project(FIRST, SCENARIO).a_share)  # everyone halves alike
    # A close race where B's electorates stay home more: turning them out can tie it, exactly.
    first = FirstRound({"A": 400.0, "B": 300.0, "C": 100.0}, registered=1000.0)
    splits = {
        "A": RunoffSplit(90, 0, 0, 10),
        "B": RunoffSplit(0, 50, 0, 50),
        "C": RunoffSplit(10, 10, 0, 80),
        BLANK_NULL: RunoffSplit(0, 0, 0, 100),
        ABSTAINERS: RunoffSplit(0, 20, 0, 80),
    }
    scenario = TwoRoundScenario("A", "B", splits)
    t = break_even_turnout(first, scenario)
    assert t is not None and 0 < t <= 1
    assert abs(project(first, replace(scenario, turnout=t)).margin) < 1e-9
    assert break_even_turnout(FIRST, SCENARIO) is None  # A leads every electorate but the abstainers


def test_margin_grid_matches_project() -> None:
    strengths = np.array([0.0, 0.3, 1.0])
    grid = margin_grid(FIRST, SCENARIO, strengths, "C", "a", np.array([0.0, 40.0, 100.0]))
    assert grid.shape == (3, 3)
    for j, s in enumerate(strengths):  # row 1 is C's own share to A; the message acts on A's voters only
        moved = replace(SCENARIO, message=Message("A", float(s), among="A"))
        assert margin_grid(FIRST, moved, strengths, "C", "a", np.array([40.0]))[0, j] == pytest.approx(
            project(FIRST, moved).margin
        )
    assert grid[1, 0] == pytest.approx(project(FIRST, SCENARIO).margin)
    assert grid[0, 0] < grid[1, 0] < grid[2, 0]  # more of C to A, larger margin


def test_win_probability_uses_the_documented_sigma() -> None:
    p = project(FIRST, SCENARIO, error=TwoRoundError(polling_sd=6.0, transfer_sd={k: 0.0 for k in (*SPLITS,)}))
    assert p.sigma == pytest.approx(6.0)
    assert p.win_probability_a == pytest.approx(0.5 * (1 + math.erf(p.margin / 6.0 / math.sqrt(2))))
    p = project(FIRST, SCENARIO, error=TwoRoundError(polling_sd=0.0, transfer_sd={"C": 10.0}))
    finalist_c = 150 * 0.6
    valid = p.a_votes + p.b_votes
    others = sum((2 * (f[0] + f[1]) / valid * 8.0) ** 2 for k, f in p.flows.items() if k != "C")  # TRANSFER_SD
    assert p.sigma == pytest.approx(math.sqrt((2 * finalist_c / valid * 10.0) ** 2 + others))
    tie = FirstRound({"A": 100.0, "B": 100.0}, registered=200.0)
    even = {k: RunoffSplit(50, 50) for k in ("A", "B", ABSTAINERS, BLANK_NULL)}
    assert project(tie, TwoRoundScenario("A", "B", even)).win_probability_a == pytest.approx(0.5)


# --- defaults from matrices ---------------------------------------------------------------------------------


def matrix(institute: str, day: int, rows: dict[str, tuple[float, float, float]], flip: bool = False) -> TransferMatrix:
    a, b = (LE_PEN, MACRON) if flip else (MACRON, LE_PEN)
    built = {k: TransferRow(*((v[1], v[0], v[2]) if flip else v)) for k, v in rows.items()}
    return TransferMatrix(f"{institute}{day}", institute, date(2022, 4, day), date(2022, 4, day), a, b, built)


def test_defaults_weight_pollsters_equally_and_report_the_range() -> None:
    ms = [
        matrix("Ipsos", 12, {MELENCHON: (30, 20, 50)}),
        matrix("Ipsos", 20, {MELENCHON: (40, 20, 40)}),
        matrix("Opinion Way", 21, {MELENCHON: (54, 24, 22), ABSTAINERS: (25, 21, 54)}, flip=True),
        matrix("Other", 21, {"Somebody Else": (50, 50, 0)}),
    ]
    ms[3] = replace(ms[3], a="Éric Zemmour")  # another pair: left out
    d = defaults_from_matrices(ms, MACRON, LE_PEN)
    assert d.matrices == 3
    mel = d.ranges[MELENCHON]["a"]
    assert (mel.mean, mel.low, mel.low_by, mel.high, mel.high_by) == (44.5, 35.0, ("Ipsos",), 54.0, ("Opinion Way",))
    split = d.splits[MELENCHON]
    assert (split.to_a, split.to_b) == pytest.approx((44.5, 22.0))
    assert split.blank_null == pytest.approx(0.25 * 33.5) and split.abstain == pytest.approx(0.75 * 33.5)
    assert d.lookup("jean-luc melenchon") == MELENCHON and d.pollsters[ABSTAINERS] == ("Opinion Way",)
    assert defaults_from_matrices(ms, MACRON, LE_PEN, since=date(2022, 4, 15)).ranges[MELENCHON]["a"].low == 40.0
    last = defaults_from_matrices(ms, MACRON, LE_PEN, latest=True)
    assert last.matrices == 2 and last.ranges[MELENCHON]["a"].mean == 47.0  # Ipsos's 40 and OpinionWay's 54
    with pytest.raises(ValueError, match="no published matrix"):
        defaults_from_matrices(ms, MACRON, "Valérie Pécresse")


def test_splits_for_every_electorate_with_proxies_and_pooling() -> None:
    ms = [matrix("Ipsos", 20, {MELENCHON: (40, 20, 40), "Yannick Jadot": (60, 10, 30), MACRON: (98, 1, 1)})]
    d = defaults_from_matrices(ms, MACRON, LE_PEN, blank_share_of_neither=0)
    first = FirstRound({MACRON: 30.0, LE_PEN: 25.0, "Jean-Luc Melenchon": 20.0, "Poutou": 1.0, "X": 2.0}, 100.0)
    filled = splits_for_first_round(d, first, proxies={"Poutou": MELENCHON})
    assert filled.sources["Jean-Luc Melenchon"] == "published"  # matched without the accent
    assert filled.splits["Poutou"] == d.splits[MELENCHON] and filled.sources["Poutou"] == f"as {MELENCHON}"
    assert filled.splits["X"].parts == pytest.approx((50, 15, 0, 35))  # mean of the eliminated: not Macron's
    # a finalist with no published row keeps her voters (she is on the runoff ballot): not the eliminated's mean
    assert filled.splits[LE_PEN].parts == (0, 100, 0, 0) and filled.sources[LE_PEN] == ASSUMED_OWN_VOTERS
    # no published abstainers' row: they stay at home, blank and null voters vote blank again (as in round one)
    assert filled.splits[ABSTAINERS].parts == (0, 0, 0, 100) and filled.splits[BLANK_NULL].parts == (0, 0, 100, 0)
    assert filled.sources[ABSTAINERS] == filled.sources[BLANK_NULL] == ASSUMED_AS_IN_ROUND_ONE


def test_without_an_abstainers_row_first_round_abstainers_are_not_given_voters_splits() -> None:
    """Issue 16: matrices with no abstainers' row gave the first round's abstainers the pooled split of the
    eliminated candidates' voters (people who voted): most of them turned out for the runoff, a 4-candidate
    race's turnout went from 73.7 % to 92.5 %. They now do again what they did, and the source says so."""
    ms = [matrix("Ipsos", 20, {"C": (45, 25, 30), "D": (30, 40, 30)})]
    ms = [replace(m, a="A", b="B") for m in ms]
    first = FirstRound.from_shares({"A": 30, "B": 28, "C": 25, "D": 17}, registered=1000, turnout=73.7, blank_null=2)
    d = defaults_from_matrices(ms, "A", "B")
    filled = splits_for_first_round(d, first)
    got = project(first, TwoRoundScenario("A", "B", filled.splits))
    assert got.turnout <= first.turnout + 1e-9  # nobody who stayed at home is sent to vote without a published row
    assert filled.sources[ABSTAINERS] == ASSUMED_AS_IN_ROUND_ONE and "no published row" in ASSUMED_AS_IN_ROUND_ONE
    # nor are the finalists' own voters (A's went 37.5 % to A, 32.5 % to B: the eliminated candidates' mean)
    assert filled.splits["A"].parts == (100, 0, 0, 0) and filled.splits["B"].parts == (0, 100, 0, 0)
    assert got.a_share == pytest.approx(100 * (30 + 25 * 0.45 + 17 * 0.30) / (30 + 28 + 25 * 0.70 + 17 * 0.70))


# --- the 2022 back-test -------------------------------------------------------------------------------------


Backtest = tuple[FirstRound, float, tuple[TransferMatrix, ...]]


@pytest.fixture(scope="module")
def france_2022() -> Backtest:
    results = parse_official_results(
        (DATA / "official_results.csv").read_text(encoding="utf-8"), (DATA / "turnout.csv").read_text()
    )
    one = results[1]
    matrices = parse_nsppolls_reports((DATA / "nsppolls_reports.csv").read_text(encoding="utf-8"))
    return FirstRound(dict(one.votes), one.registered, one.blank_null), results[2].share(MACRON), matrices


FAR_LEFT = {"Philippe Poutou": MELENCHON, "Nathalie Arthaud": MELENCHON}


def test_2022_eve_of_round_one_average_against_the_official_first_round() -> None:
    results = parse_official_results(
        (DATA / "official_results.csv").read_text(encoding="utf-8"), (DATA / "turnout.csv").read_text()
    )
    notices = parse_nsppolls_polls((DATA / "nsppolls_presidentielle.csv").read_text(encoding="utf-8"))
    average = final_week_first_round(notices, date(2022, 4, 10))
    official = {name_key(k): results[1].share(k) for k in results[1].votes}
    errors = {k: v - official[name_key(k)] for k, v in average.items()}
    assert len(errors) == 12
    assert list(average)[:2] == [MACRON, LE_PEN]  # the right runoff pair, in the right order
    assert average[MACRON] == pytest.approx(26.43, abs=0.01) and average[MELENCHON] == pytest.approx(17.31, abs=0.01)
    assert sum(abs(e) for e in errors.values()) / 12 == pytest.approx(1.15, abs=0.01)  # mean absolute error
    assert errors[MELENCHON] == pytest.approx(-4.64, abs=0.01)  # the largest miss: Mélenchon under-polled


def test_2022_head_to_head_final_week_against_the_official_runoff(france_2022: Backtest) -> None:
    notices = parse_nsppolls_polls((DATA / "nsppolls_presidentielle.csv").read_text(encoding="utf-8"))
    got = final_week_matchup(notices, MACRON, LE_PEN, date(2022, 4, 24))
    assert got is not None
    share, institutes = got
    assert institutes == 9 and share == pytest.approx(55.39, abs=0.01)
    assert france_2022[1] == pytest.approx(58.55, abs=0.005)
    assert 2 * (france_2022[1] - share) == pytest.approx(6.3, abs=0.05)  # the miss on the margin (POLLING_SD)


def test_2022_runoff_implied_by_the_matrices_on_the_official_first_round(france_2022: Backtest) -> None:
    first, official, matrices = france_2022
    defaults = defaults_from_matrices(matrices, MACRON, LE_PEN)
    assert defaults.matrices == 35
    filled = splits_for_first_round(defaults, first, proxies=FAR_LEFT)
    assert filled.sources[ABSTAINERS] == "published"
    scenario = TwoRoundScenario(MACRON, LE_PEN, filled.splits)
    full = project(first, scenario, error=TwoRoundError(transfer_sd=defaults.sd()))
    assert full.a_share == pytest.approx(54.61, abs=0.01)
    assert official - full.a_share == pytest.approx(3.94, abs=0.01)  # the matrices under-state Macron by 4 points
    assert full.turnout == pytest.approx(80.2, abs=0.1)  # against 72.0 % on the day: respondents over-state voting
    assert full.win_probability_a > 0.9
    # Leaving out first-round abstainers and blank voters changes almost nothing here: the published
    # abstainers' row (3 pollsters) splits 28 / 23, close to the runoff's own balance.
    nobody_else = {**filled.splits, ABSTAINERS: RunoffSplit(0, 0, 0, 100), BLANK_NULL: RunoffSplit(0, 0, 0, 100)}
    naive = project(first, replace(scenario, splits=nobody_else))
    assert abs(naive.a_share - full.a_share) < 0.05
    # Mélenchon's voters: Macron loses if fewer than 5.7 % of them vote for him, or 50.8 % for Le Pen.
    to_a = break_even_share(first, scenario, MELENCHON, "a")
    to_b = break_even_share(first, scenario, MELENCHON, "b")
    assert to_a is not None and to_b is not None
    assert (to_a.share, to_a.above_wins) == (pytest.approx(5.72, abs=0.01), MACRON)
    assert (to_b.share, to_b.above_wins) == (pytest.approx(50.78, abs=0.01), LE_PEN)
    abstain = break_even_share(first, scenario, MELENCHON, "abstain")
    assert abstain is not None and not abstain.reachable  # their abstaining alone cannot elect Le Pen


def test_2022_melenchon_to_macron_across_pollsters(france_2022: Backtest) -> None:
    matrices = france_2022[2]
    cell = defaults_from_matrices(matrices, MACRON, LE_PEN).ranges[MELENCHON]["a"]
    assert (cell.low, cell.low_by, cell.high, cell.high_by) == (30.0, ("BVA",), 51.0, ("Kantar Public",))
    assert cell.mean == pytest.approx(37.5, abs=0.05)
    last = {m.institute: m.rows[MELENCHON].to_a for m in matrices if MELENCHON in m.rows}  # oldest first
    assert (last["Ipsos"], last["Ifop"], last["Opinion Way"]) == (41.0, 34.0, 54.0)
    latest = defaults_from_matrices(matrices, MACRON, LE_PEN, latest=True).ranges[MELENCHON]["a"]
    assert (latest.low, latest.low_by, latest.high, latest.high_by) == (30.0, ("BVA",), 54.0, ("Opinion Way",))


# --- who qualifies ------------------------------------------------------------------------------------------


def test_qualify_probabilities_top_two_and_threshold() -> None:
    clear = qualify_probabilities({"A": 40, "B": 35, "C": 10, "D": 15})
    assert clear["A"] > 0.999 and clear["B"] > 0.99 and clear["C"] < 0.001
    assert sum(clear.values()) == pytest.approx(2.0)  # two finalists in every draw
    tied = qualify_probabilities({"A": 40, "B": 20, "C": 20, "D": 20}, draws=40_000)
    assert tied["B"] == pytest.approx(1 / 3, abs=0.02) and tied["A"] > 0.999
    # French legislative rule: 12.5 % of registered; at 50 % turnout a candidate needs 25 % of valid votes.
    rules = Rules(finalists="threshold", qualify_threshold=12.5, qualify_base="registered", preferences=1)
    three = qualify_probabilities({"A": 35, "B": 30, "C": 30, "D": 5}, rules=rules, valid_of_base=70.0)
    assert min(three["A"], three["B"], three["C"]) > 0.99 and sum(three.values()) > 2.9  # a three-way runoff
    low = qualify_probabilities({"A": 35, "B": 30, "C": 30, "D": 5}, rules=rules, valid_of_base=40.0)
    assert sum(low.values()) == pytest.approx(2.0, abs=0.05)  # a third rarely clears 31 % of valid too
    assert qualify_probabilities({"A": 40, "B": 35, "C": 25}) == qualify_probabilities({"A": 40, "B": 35, "C": 25})
    with pytest.raises(ValueError, match="two candidates"):
        qualify_probabilities({"A": 100})


def test_2022_qualification_from_the_eve_of_round_one_average() -> None:
    notices = parse_nsppolls_polls((DATA / "nsppolls_presidentielle.csv").read_text(encoding="utf-8"))
    average = final_week_first_round(notices, date(2022, 4, 10))
    results = parse_official_results(
        (DATA / "official_results.csv").read_text(encoding="utf-8"), (DATA / "turnout.csv").read_text()
    )
    # QUALIFY_SD_SCALE is these errors' root mean square, each over the root of the official share.
    official = {name_key(k): results[1].share(k) for k in results[1].votes}
    ratios = [(v - official[name_key(k)]) / math.sqrt(official[name_key(k)]) for k, v in average.items()]
    assert math.sqrt(sum(r * r for r in ratios) / len(ratios)) == pytest.approx(QUALIFY_SD_SCALE, abs=0.01)
    p = qualify_probabilities(average)
    assert p[MACRON] > 0.98 and 0.9 < p[LE_PEN] < 0.96 and 0.05 < p[MELENCHON] < 0.1  # 1.2 points short in fact
