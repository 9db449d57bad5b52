"""Scenario projection: hand-worked cases, break-even round trips, the heatmap and properties."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.core.runoff import Split
from warroom.core.scenario import (
    DEFAULT_TRANSFER_RATE,
    NEUTRAL_SPLIT,
    Baseline,
    Destination,
    DragSource,
    ErrorModel,
    Scenario,
    baseline_from_shares,
    break_even_curve,
    break_even_message,
    break_even_split,
    challenger_win_probability,
    default_splits,
    margin_grid,
    project,
)
from warroom.core.types import EXHAUSTED, TransferObservation

PARTY = {"A": "CON", "B": "LAB", "C": "LD"}
ALL_TRANSFER = {"C": Split(50, 50, 0)}
TO_B = Destination(100, 0, 0)
TO_OTHERS = Destination(0, 100, 0)
TO_HOME = Destination(0, 0, 100)


def base(a: float = 44, b: float = 40, c: float = 16, a_party: float = 32, b_party: float = 43) -> Baseline:
    """A 44, B 40, C 16; A's party on 32 (bounce 12), B's on 43 (drag 3)."""
    return Baseline({"A": a, "B": b, "C": c}, {"CON": a_party, "LAB": b_party, "LD": 10}, PARTY, "A", "B")


# --- hand-worked projections -----------------------------------------------------------------------------------


def test_a_four_point_runoff_lead_by_hand() -> None:
    # Everyone transfers, evenly: 44 + 8 = 52 against 40 + 8 = 48.
    p = project(base(), Scenario(ALL_TRANSFER))
    assert p.runoff.a_share == pytest.approx(52.0) and p.margin == pytest.approx(4.0)
    assert not p.gap_closed and p.outright_winner is None and p.notes == ()
    assert p.verdict.startswith("Gap not closed: A still ahead in the runoff by 4.0 points: ")


def test_lib_dems_seventy_thirty_of_valid_by_hand() -> None:
    # All transfer, 70/30: A 44 + 11.2 = 55.2, B 40 + 4.8 = 44.8.
    p = project(base(), Scenario({"C": Split.from_head_to_head(70, 100)}))
    assert p.margin == pytest.approx(10.4)
    # Half transfer, 70/30: A 44 + 5.6, B 40 + 2.4, 8 exhaust; margin 100 x 7.2 / 92.
    p = project(base(), Scenario({"C": Split.from_head_to_head(70, 50)}))
    assert p.runoff.a_votes == pytest.approx(49.6) and p.runoff.b_votes == pytest.approx(42.4)
    assert p.runoff.exhausted == pytest.approx(8.0)
    assert p.margin == pytest.approx(100 * 7.2 / 92)


def test_official_2012_count_is_reproduced() -> None:
    # London 2012: first preferences and the transfers of all eliminated candidates (London Elects).
    johnson, livingstone, rest = 971_931, 889_918, 346_626
    split = Split(100 * 82_880 / rest, 100 * 102_355 / rest, 100 * 161_391 / rest)
    bl = Baseline({"J": johnson, "L": livingstone, "X": rest}, {}, {}, "J", "L")
    p = project(bl, Scenario({"X": split}))
    assert p.runoff.a_share == pytest.approx(100 * 1_054_811 / (1_054_811 + 992_273))
    assert p.margin == pytest.approx(3.055, abs=0.001)
    assert bl.bounce == 0 and bl.drag == 0 and p.break_even_message is None


def test_bounce_and_drag() -> None:
    bl = base()
    assert bl.bounce == pytest.approx(12.0)
    assert bl.drag == pytest.approx(3.0)
    assert base(a_party=50).bounce == 0  # A below his party: no personal vote to peel
    unknown = Baseline({"A": 44, "B": 40, "C": 16}, {"LAB": 43}, {"A": None, "B": "LAB"}, "A", "B")
    assert unknown.bounce == 0 and unknown.drag == pytest.approx(3.0)


def test_message_destinations_by_hand() -> None:
    # m = 0.5 peels 6 points from A (44 -> 38).
    to_b = project(base(), Scenario(ALL_TRANSFER, message_strength=0.5, message_destination=TO_B))
    assert to_b.first_round["A"] == pytest.approx(38) and to_b.first_round["B"] == pytest.approx(46)
    # To the others, who split 50/50: C 22, and the runoff is 38 + 11 = 49 against 40 + 11 = 51.
    to_c = project(base(), Scenario(ALL_TRANSFER, message_strength=0.5, message_destination=TO_OTHERS))
    assert to_c.first_round["C"] == pytest.approx(22) and to_c.margin == pytest.approx(-2.0)
    assert to_c.verdict.startswith("Gap closed: B ahead in the runoff by 2.0 points: ") and to_c.gap_closed


def test_abstention_renormalises_the_first_round() -> None:
    p = project(base(), Scenario(ALL_TRANSFER, message_strength=1.0, message_destination=TO_HOME))
    assert sum(p.first_round.values()) == pytest.approx(100.0)
    assert p.first_round["A"] == pytest.approx(100 * 32 / 88)
    assert p.runoff.a_votes + p.runoff.b_votes + p.runoff.exhausted == pytest.approx(100.0)
    # 52 - 12 = 40 against 48: in runoff points 100 x (40 - 48) / 88.
    assert p.margin == pytest.approx(100 * -8 / 88)


def test_drag_recovery_by_hand() -> None:
    # r = 1 wins back all 3 points: 1.2 from A, 1.2 from C, 0.6 new voters. Valid vote 100.6.
    p = project(base(), Scenario(ALL_TRANSFER, drag_recovery=1.0))
    assert p.first_round["B"] == pytest.approx(100 * 43 / 100.6)
    assert p.first_round["A"] == pytest.approx(100 * 42.8 / 100.6)
    assert p.first_round["C"] == pytest.approx(100 * 14.8 / 100.6)
    assert p.margin == pytest.approx(100 * (50.2 - 50.4) / 100.6)  # B by 0.2
    assert p.gap_closed and "B ahead in the runoff by 0.2 points" in p.verdict and "Toss-up" in p.verdict


def test_drag_recovery_from_abstention_adds_voters() -> None:
    p = project(base(), Scenario(ALL_TRANSFER, drag_recovery=1.0, drag_source=DragSource(0, 0, 100)))
    assert p.first_round["B"] == pytest.approx(100 * 43 / 103)


def test_drag_takes_no_more_than_is_there() -> None:
    # A's party is on 1, so A gives up at most 1 point; the other 9 of B's drag of 10 are new voters.
    bl = base(a=44, b=40, c=16, a_party=1, b_party=50)
    s = Scenario(ALL_TRANSFER, 1.0, TO_HOME, drag_recovery=1.0, drag_source=DragSource(100, 0, 0))
    p = project(bl, s)
    assert min(p.first_round.values()) >= 0
    assert p.first_round["A"] == pytest.approx(0.0, abs=1e-9)  # 44 - 43 (message) - 1 (drag)
    assert p.first_round["B"] == pytest.approx(100 * 50 / 66)  # 40 + 10, of 44 - 43 - 1 + 50 + 16 = 66
    # And the others give up at most what they have.
    tiny = Baseline({"A": 59, "B": 40, "C": 1}, {"LAB": 60}, {"B": "LAB"}, "A", "B")
    q = project(tiny, Scenario(ALL_TRANSFER, drag_recovery=1.0, drag_source=DragSource(0, 100, 0)))
    assert q.first_round["C"] == pytest.approx(0.0, abs=1e-9)
    assert q.first_round["B"] == pytest.approx(100 * 60 / 119)  # drag 20: 1 from C, 19 new; 59 + 60 + 0


def test_outright_first_round_win() -> None:
    p = project(base(a=55, b=30, c=15), Scenario(ALL_TRANSFER))
    assert p.outright_winner == "A" and p.verdict.startswith("A passes 50 % in the first round with 55.0 %: ")
    assert not p.gap_closed
    # The message can take the challenger over 50 % on the first round: 44 - 12 = 32 against 40 + 12 = 52.
    q = project(base(), Scenario(ALL_TRANSFER, message_strength=1.0, message_destination=TO_B))
    assert q.outright_winner == "B" and q.gap_closed and "passes 50 % in the first round" in q.verdict
    # Exactly 50 % is not a majority.
    assert project(base(a=50, b=30, c=20), Scenario(ALL_TRANSFER)).outright_winner is None


def test_eliminated_candidate_passing_a_finalist_is_noted() -> None:
    bl = base(a=44, b=20, c=36)
    assert project(bl, Scenario(ALL_TRANSFER)).notes
    assert "passes B" in project(bl, Scenario(ALL_TRANSFER)).notes[0]


def test_missing_splits_use_the_neutral_default() -> None:
    assert project(base(), Scenario({})).margin == pytest.approx(project(base(), Scenario({"C": NEUTRAL_SPLIT})).margin)
    assert NEUTRAL_SPLIT.a_of_valid == pytest.approx(50)
    assert NEUTRAL_SPLIT.exhausted == pytest.approx(100 - 100 * (124_977 + 135_089) / 478_320)


# --- break-even --------------------------------------------------------------------------------------------------


def test_break_even_is_solved_exactly() -> None:
    bl = base()
    # Default destination 50/30/20: A 52 - 12m + 1.8m, B 48 + 6m + 1.8m: equal at m = 4 / 18.
    be = break_even_message(bl, Scenario(ALL_TRANSFER))
    assert be is not None and be == pytest.approx(2 / 9)
    at = project(bl, Scenario(ALL_TRANSFER, message_strength=be))
    assert abs(at.margin) < 1e-9 and at.gap_closed and "dead heat" in at.verdict
    assert at.win_probability_b == pytest.approx(0.5)
    assert break_even_message(bl, Scenario(ALL_TRANSFER, message_destination=TO_B)) == pytest.approx(1 / 6)
    assert break_even_message(bl, Scenario(ALL_TRANSFER, message_destination=TO_HOME)) == pytest.approx(1 / 3)
    # To others, who split 50/50: half the peeled votes come back to A. 52 - 6m == 48 + 6m.
    assert break_even_message(bl, Scenario(ALL_TRANSFER, message_destination=TO_OTHERS)) == pytest.approx(1 / 3)


def test_break_even_beyond_reach_or_already_passed() -> None:
    bl = base(a=50, b=34, c=16, a_party=44)  # bounce 6, runoff 58-42: even all of it is not enough
    be = break_even_message(bl, Scenario(ALL_TRANSFER, message_destination=TO_HOME))
    assert be is not None and be > 1
    assert not project(bl, Scenario(ALL_TRANSFER, message_destination=TO_HOME)).break_even_reachable
    closed = base(a=40, b=44, c=16, a_party=30)  # B already ahead
    be = break_even_message(closed, Scenario(ALL_TRANSFER))
    assert be is not None and be < 0


def test_no_lever_means_no_break_even() -> None:
    assert break_even_message(base(a_party=50), Scenario(ALL_TRANSFER)) is None
    # Every peeled voter goes to C, who gives them all back to A.
    assert break_even_message(base(), Scenario({"C": Split(100, 0, 0)}, message_destination=TO_OTHERS)) is None


def test_break_even_with_both_levers_and_capped_drag() -> None:
    bl = base(a=46, b=36, c=18, a_party=1, b_party=47)  # drag 11; A would give 0.3 x 11 x 70 % but has 1
    s = Scenario({"C": Split(30, 40, 30)}, drag_recovery=0.3, drag_source=DragSource(70, 20, 10))
    be = break_even_message(bl, s)
    assert be is not None and 0 < be < 1
    assert abs(project(bl, replace(s, message_strength=be)).margin) < 1e-9


def test_break_even_split() -> None:
    y = break_even_split(base(), Scenario(ALL_TRANSFER), "C")
    assert y == pytest.approx(37.5)  # 44 + 16 y/100 == 40 + 16 (1 - y/100)  ->  32 y/100 == 12
    at = project(base(), Scenario({"C": Split.from_head_to_head(37.5, 100)}))
    assert abs(at.margin) < 1e-9
    assert break_even_split(base(), Scenario({"C": Split(0, 0, 100)}), "C") is None  # nobody transfers


# --- uncertainty ----------------------------------------------------------------------------------------------


def test_win_probability_by_hand() -> None:
    # Margin 4; one more point of C's transfers to A moves the margin 2 x 16 / 100 = 0.32.
    p = project(base(), Scenario(ALL_TRANSFER))
    nudged = project(base(), Scenario({"C": Split(51, 49, 0)}))
    assert nudged.margin - p.margin == pytest.approx(0.32)
    sigma = math.hypot(5.5, 0.32 * 10)
    assert p.sigma == pytest.approx(sigma)
    assert p.win_probability_b == pytest.approx(0.5 * math.erfc(4 / sigma / math.sqrt(2)))
    certain = project(base(), Scenario(ALL_TRANSFER), error=ErrorModel(0, 0))
    assert certain.win_probability_b == 0.0
    assert challenger_win_probability(0.0, 0.0) == 1.0  # a tie counts as the gap closed


def test_win_probability_is_half_at_a_dead_heat_and_monotone() -> None:
    s = Scenario(ALL_TRANSFER, message_destination=TO_B)
    be = break_even_message(base(), s)
    assert be is not None
    heat = project(base(), Scenario(ALL_TRANSFER, message_strength=be, message_destination=TO_B))
    assert heat.win_probability_b == pytest.approx(0.5)
    probs = [
        project(base(), Scenario(ALL_TRANSFER, message_strength=m, message_destination=TO_B)).win_probability_b
        for m in np.linspace(0, 1, 11)
    ]
    assert all(x < y for x, y in itertools.pairwise(probs))


# --- validation ---------------------------------------------------------------------------------------------------


def test_splits_and_levers_are_checked() -> None:
    with pytest.raises(ValueError, match="sum to 100"):
        Split(70, 20, 0)
    with pytest.raises(ValueError, match="sum to 100"):
        Destination(50, 50, 50)
    with pytest.raises(ValueError, match="sum to 100"):
        DragSource(10, 10, 10)
    with pytest.raises(ValueError, match="within 0-100"):
        Destination(120, -10, -10)
    with pytest.raises(ValueError, match="within 0-1"):
        Scenario(ALL_TRANSFER, message_strength=1.5)
    with pytest.raises(ValueError, match="within 0-1"):
        Scenario(ALL_TRANSFER, drag_recovery=float("nan"))
    with pytest.raises(ValueError, match=">= 0"):
        ErrorModel(polling_sd=-1)
    with pytest.raises(ValueError, match="finalists"):
        Baseline({"A": 50, "C": 50}, {}, {}, "A", "B")
    with pytest.raises(ValueError, match="all zero"):
        Baseline({"A": 0, "B": 0}, {}, {}, "A", "B")


def test_baseline_from_shares_picks_the_front_pair() -> None:
    bl = baseline_from_shares({"C": 16, "B": 40, "A": 44}, {"CON": 32}, PARTY, label="test")
    assert (bl.a, bl.b, bl.label) == ("A", "B", "test")
    assert bl.bounce == pytest.approx(12)
    assert baseline_from_shares({"C": 16, "B": 40, "A": 44}, {}, {}, b="C").a == "A"


# --- default splits ---------------------------------------------------------------------------------------------


def test_default_splits_use_the_latest_publication() -> None:
    obs = [
        TransferObservation("C", "A", 60),
        TransferObservation("C", "B", 40),
        TransferObservation("C", "A", 70),
        TransferObservation("C", "B", 30),
        TransferObservation("D", "A", 20),
        TransferObservation("D", "B", 30),
        TransferObservation("D", EXHAUSTED, 50),
    ]
    splits = default_splits(obs, ["C", "D", "E"], "A", "B")
    assert splits["C"].a_of_valid == pytest.approx(70)
    assert splits["C"].exhausted == pytest.approx(100 - DEFAULT_TRANSFER_RATE)
    assert splits["D"] == Split(20, 30, 50)
    assert splits["E"] == NEUTRAL_SPLIT


def test_default_splits_never_mix_publications() -> None:
    obs = [
        TransferObservation("C", "A", 20),
        TransferObservation("C", "B", 30),
        TransferObservation("C", EXHAUSTED, 50),
        TransferObservation("C", "A", 70),  # a later head-to-head "70/30": no exhausted figure of its own
        TransferObservation("C", "B", 30),
    ]
    assert default_splits(obs, ["C"], "A", "B")["C"].a_of_valid == pytest.approx(70)
    assert default_splits(obs, ["C"], "A", "B")["C"].exhausted == pytest.approx(100 - DEFAULT_TRANSFER_RATE)


def test_default_splits_fill_in_and_skip_bad_figures() -> None:
    obs = [
        TransferObservation("D", "A", 20),
        TransferObservation("D", EXHAUSTED, 50),  # B is what is left: 30
        TransferObservation("E", "A", 20),
        TransferObservation("E", "B", 30),  # shares of all voters: 50 exhaust
        TransferObservation("F", "A", 20),
        TransferObservation("F", "B", 30),
        TransferObservation("F", "A", 150),  # a later, broken publication is passed over
        TransferObservation("F", "B", 30),
    ]
    splits = default_splits(obs, ["D", "E", "F"], "A", "B")
    assert splits["D"] == Split(20, 30, 50)
    assert splits["E"] == Split(20, 30, 50)
    assert splits["F"] == Split(20, 30, 50)


# --- the heatmap ------------------------------------------------------------------------------------------------


def test_grid_matches_project_cell_by_cell() -> None:
    bl = base(a=46, b=36, c=18, a_party=3, b_party=47)  # with the drag cap in play
    s = Scenario(
        {"C": Split(30, 40, 30)},
        message_destination=Destination(40, 40, 20),
        drag_recovery=0.7,
        drag_source=DragSource(80, 10, 10),
    )
    strengths = np.linspace(0, 1, 41)
    ys = np.linspace(0, 100, 41)
    grid = margin_grid(bl, s, strengths, ys, "C")
    assert grid.shape == (41, 41)
    assert np.array_equal(grid, margin_grid(bl, s, strengths, ys))  # C is the largest eliminated
    rng = np.random.default_rng(0)
    for _ in range(40):
        i, j = int(rng.integers(41)), int(rng.integers(41))
        cell = Scenario(
            {"C": Split.from_head_to_head(ys[i], 70)}, strengths[j], s.message_destination, 0.7, s.drag_source
        )
        assert grid[i, j] == pytest.approx(project(bl, cell).margin, abs=1e-9)


def test_break_even_curve_is_the_zero_contour() -> None:
    bl = base()
    s = Scenario({"C": Split(30, 40, 30)})
    ys = np.linspace(0, 100, 11)
    curve = break_even_curve(bl, s, ys, "C")
    for y, m in zip(ys, curve, strict=True):
        row = Scenario({"C": Split.from_head_to_head(y, 70)})
        assert m == pytest.approx(break_even_message(bl, row))
    assert np.isnan(break_even_curve(base(a_party=50), s, ys, "C")).all()


def test_grid_needs_an_eliminated_candidate() -> None:
    with pytest.raises(ValueError, match="not an eliminated"):
        margin_grid(base(), Scenario(ALL_TRANSFER), np.linspace(0, 1, 3), np.linspace(0, 100, 3), "A")
    two = Baseline({"A": 55, "B": 45}, {}, {}, "A", "B")
    with pytest.raises(ValueError, match="no eliminated"):
        margin_grid(two, Scenario({}), np.linspace(0, 1, 3), np.linspace(0, 100, 3))


# --- properties --------------------------------------------------------------------------------------------------

pct = st.floats(0, 100)
T = TypeVar("T")


@st.composite
def cases(draw: st.DrawFn) -> tuple[Baseline, Scenario]:
    a = draw(st.floats(20, 60))
    b = draw(st.floats(10, 50))
    c = draw(st.floats(0, 30))
    d = draw(st.floats(0, 15))
    bl = Baseline(
        {"A": a, "B": b, "C": c, "D": d},
        {"CON": draw(st.floats(0, 60)), "LAB": draw(st.floats(0, 60))},
        {"A": "CON", "B": "LAB", "C": None, "D": None},
        "A",
        "B",
    )

    def three(kind: Callable[[float, float, float], T]) -> T:
        """Three random parts summing to 100."""
        x, y = draw(pct), draw(pct)
        lo, hi = min(x, y), max(x, y)
        return kind(lo, hi - lo, 100 - hi)

    scenario = Scenario(
        {"C": three(Split), "D": three(Split)},
        draw(st.floats(0, 1)),
        three(Destination),
        draw(st.floats(0, 1)),
        three(DragSource),
    )
    return bl, scenario


@settings(max_examples=300, deadline=None)
@given(cases())
def test_shares_always_renormalise(case: tuple[Baseline, Scenario]) -> None:
    bl, s = case
    p = project(bl, s)
    assert sum(p.first_round.values()) == pytest.approx(100.0)
    assert min(p.first_round.values()) >= 0
    assert p.runoff.a_votes + p.runoff.b_votes + p.runoff.exhausted == pytest.approx(100.0)
    assert 0.0 <= p.win_probability_b <= 1.0
    assert p.gap_closed == (p.margin <= 1e-9 if p.outright_winner is None else p.outright_winner == "B")


@settings(max_examples=300, deadline=None)
@given(cases(), st.floats(0, 1), st.floats(0, 1))
def test_margin_never_rises_with_either_lever(case: tuple[Baseline, Scenario], m2: float, r2: float) -> None:
    bl, s = case
    lo_m, hi_m = sorted((s.message_strength, m2))
    assert (
        project(bl, replace(s, message_strength=hi_m)).margin
        <= project(bl, replace(s, message_strength=lo_m)).margin + 1e-9
    )
    lo_r, hi_r = sorted((s.drag_recovery, r2))
    assert (
        project(bl, replace(s, drag_recovery=hi_r)).margin <= project(bl, replace(s, drag_recovery=lo_r)).margin + 1e-9
    )


@settings(max_examples=300, deadline=None)
@given(cases())
def test_break_even_round_trips(case: tuple[Baseline, Scenario]) -> None:
    bl, s = case
    be = break_even_message(bl, s)
    if be is not None and 0.0 <= be <= 1.0:
        at = project(bl, replace(s, message_strength=be))
        assert abs(at.margin) < 1e-9
        assert at.win_probability_b == pytest.approx(0.5)


@settings(max_examples=100, deadline=None)
@given(cases(), st.floats(0, 100))
def test_grid_agrees_with_project(case: tuple[Baseline, Scenario], y: float) -> None:
    bl, s = case
    c = s.splits["C"]
    valid = c.to_a + c.to_b
    grid = margin_grid(bl, s, np.array([s.message_strength]), np.array([y]), "C")
    cell = replace(s, splits={**s.splits, "C": Split.from_head_to_head(y, valid)})
    assert grid[0, 0] == pytest.approx(project(bl, cell).margin, abs=1e-9)


def test_the_verdict_never_says_more_than_the_odds() -> None:
    """Issue 14: a verdict said "Livingstone wins" at a 54 % chance; the words now follow the probability."""
    for a_share in (40.5, 41.0, 42.0, 44.0, 48.0):
        bl = Baseline({"A": a_share, "B": 40.0, "C": 100 - a_share - 40}, {}, {}, "A", "B")
        p = project(bl, Scenario({"C": Split(30, 30, 40)}))
        fav = max(p.win_probability_b, 1 - p.win_probability_b)
        assert "wins" not in p.verdict
        if fav < 0.6:
            assert "Toss-up" in p.verdict
        else:
            assert ("Lean" in p.verdict) == (fav < 0.75)


def test_the_break_even_in_points_and_voters() -> None:
    from warroom.core.scenario import break_even_text

    text = break_even_text(0.359, 10.7, valid_votes=2_208_475)
    assert "35.9 % of the personal vote" in text and "3.8 points of the first round" in text
    assert "about 85,000 voters" in text  # 0.359 x 10.7 points of 2,208,475, to two figures
    assert "voters" not in break_even_text(0.359, 10.7)
    assert break_even_text(1.5, 10.7, valid_votes=1000).startswith("break-even out of reach")
