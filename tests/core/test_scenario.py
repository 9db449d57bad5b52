from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.core.runoff import Split
from warroom.core.scenario import (
    Baseline,
    Destination,
    DragSource,
    Scenario,
    break_even_message,
    break_even_split,
    default_splits,
    margin_grid,
    project,
)
from warroom.core.types import EXHAUSTED, TransferObservation

PARTY = {"A": "CON", "B": "LAB", "C": "LD"}


def base(a: float = 44, b: float = 40, c: float = 16, a_party: float = 32, b_party: float = 43) -> Baseline:
    return Baseline({"A": a, "B": b, "C": c}, {"CON": a_party, "LAB": b_party, "LD": 10}, PARTY, "A", "B")


ALL_TRANSFER = {"C": Split(50, 50, 0)}


def test_a_four_point_runoff_lead_by_hand() -> None:
    p = project(base(), Scenario(ALL_TRANSFER))
    assert p.runoff.a_share == pytest.approx(52.0) and p.margin == pytest.approx(4.0)
    assert not p.gap_closed and p.outright_winner is None
    assert "still wins the runoff by 4.0" in p.verdict


def test_seventy_thirty_transfers_by_hand() -> None:
    # 16 points of Lib Dems: 70/30 of the 53.4 % who transfer.
    split = Split.from_head_to_head(70, 50)
    p = project(base(), Scenario({"C": split}))
    a_votes, b_votes = 44 + 16 * 0.35, 40 + 16 * 0.15
    assert p.runoff.a_votes == pytest.approx(a_votes)
    assert p.runoff.exhausted == pytest.approx(8.0)
    assert p.margin == pytest.approx(100 * (a_votes - b_votes) / (a_votes + b_votes))


def test_bounce_and_drag() -> None:
    bl = base()
    assert bl.bounce == pytest.approx(12.0)
    assert bl.drag == pytest.approx(3.0)


def test_break_even_is_solved_exactly() -> None:
    bl = base()
    to_b = Scenario(ALL_TRANSFER, message_destination=Destination(100, 0, 0))
    be = break_even_message(bl, to_b)
    assert be == pytest.approx(1 / 6)  # 52 - 12m = 48 + 12m
    at = project(bl, Scenario(ALL_TRANSFER, message_strength=be, message_destination=Destination(100, 0, 0)))
    assert abs(at.margin) < 1e-9 and at.gap_closed
    abstain = Scenario(ALL_TRANSFER, message_destination=Destination(0, 0, 100))
    assert break_even_message(bl, abstain) == pytest.approx(1 / 3)  # 52 - 12m = 48
    # To others, who split 50/50: half the peeled votes come back to A in the runoff.
    others = Scenario(ALL_TRANSFER, message_destination=Destination(0, 100, 0))
    assert break_even_message(bl, others) == pytest.approx(1 / 3)  # 52 - 12m + 6m == 48 + 6m


def test_unreachable_break_even_is_reported_beyond_one() -> None:
    bl = base(a=50, b=34, c=16, a_party=44)  # bounce 6, runoff 58-42: even all of it is not enough
    be = break_even_message(bl, Scenario(ALL_TRANSFER, message_destination=Destination(0, 0, 100)))
    assert be is not None and be > 1


def test_no_bounce_means_no_lever() -> None:
    bl = base(a_party=50)
    assert bl.bounce == 0
    assert break_even_message(bl, Scenario(ALL_TRANSFER)) is None


def test_outright_first_round_win() -> None:
    p = project(base(a=55, b=30, c=15), Scenario(ALL_TRANSFER))
    assert p.outright_winner == "A" and "outright" in p.verdict


def test_abstention_renormalises_the_first_round() -> None:
    p = project(base(), Scenario(ALL_TRANSFER, message_strength=1.0, message_destination=Destination(0, 0, 100)))
    assert sum(p.first_round.values()) == pytest.approx(100.0)
    assert p.first_round["A"] == pytest.approx(100 * 32 / 88)


def test_drag_recovery_from_abstention_adds_voters() -> None:
    s = Scenario(ALL_TRANSFER, drag_recovery=1.0, drag_source=DragSource(0, 0, 100))
    p = project(base(), s)
    assert p.first_round["B"] == pytest.approx(100 * 43 / 103)


def test_splits_and_levers_are_checked() -> None:
    with pytest.raises(ValueError, match="sum to 100"):
        Split(70, 20, 0)
    with pytest.raises(ValueError, match="sum to 100"):
        Destination(50, 50, 50)
    with pytest.raises(ValueError, match="within 0-1"):
        Scenario(ALL_TRANSFER, message_strength=1.5)


def test_win_probability_half_at_a_dead_heat_and_monotone() -> None:
    bl = base()
    s = Scenario(ALL_TRANSFER, message_destination=Destination(100, 0, 0))
    be = break_even_message(bl, s)
    assert be is not None
    heat = project(bl, Scenario(ALL_TRANSFER, message_strength=be, message_destination=Destination(100, 0, 0)))
    assert heat.win_probability_b == pytest.approx(0.5)
    probs = [
        project(
            bl, Scenario(ALL_TRANSFER, message_strength=m, message_destination=Destination(100, 0, 0))
        ).win_probability_b
        for m in np.linspace(0, 1, 11)
    ]
    assert all(x < y for x, y in itertools.pairwise(probs))


def test_grid_matches_project_cell_by_cell() -> None:
    bl = base()
    s = Scenario({"C": Split(30, 40, 30)}, message_destination=Destination(40, 40, 20), drag_recovery=0.3)
    strengths = np.linspace(0, 1, 9)
    ys = np.linspace(0, 100, 7)
    grid = margin_grid(bl, s, strengths, ys, "C")
    assert grid.shape == (7, 9)
    rng = np.random.default_rng(0)
    for _ in range(20):
        i, j = int(rng.integers(7)), int(rng.integers(9))
        split = Split.from_head_to_head(ys[i], 70)
        p = project(
            bl,
            Scenario(
                {"C": split},
                message_strength=strengths[j],
                message_destination=s.message_destination,
                drag_recovery=0.3,
            ),
        )
        assert grid[i, j] == pytest.approx(p.margin, abs=1e-9)


def test_break_even_split() -> None:
    bl = base()
    y = break_even_split(bl, Scenario({"C": Split(50, 50, 0)}), "C")
    assert y == pytest.approx(37.5)  # 44 + 16 y/100 == 40 + 16 (1 - y/100)  ->  32 y/100 == 12


def test_default_splits_use_the_latest_published() -> None:
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
    assert splits["D"] == Split(20, 30, 50)
    assert splits["E"].a_of_valid == pytest.approx(50)
    assert splits["E"].exhausted == pytest.approx(100 - 100 * (124977 + 135089) / 478320)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(30, 48),
    st.floats(25, 45),
    st.floats(0, 100),
    st.floats(0, 100),
    st.floats(0, 1),
)
def test_properties(a: float, b: float, to_b: float, valid: float, m: float) -> None:
    c = 100 - a - b
    if c < 0:
        return
    bl = base(a=a, b=b, c=c, a_party=a - 8)
    split = Split.from_head_to_head(60, valid)
    dest = Destination(to_b, (100 - to_b) / 2, (100 - to_b) / 2)
    p = project(bl, Scenario({"C": split}, message_strength=m, message_destination=dest))
    assert sum(p.first_round.values()) == pytest.approx(100.0)
    assert p.runoff.a_votes + p.runoff.b_votes + p.runoff.exhausted == pytest.approx(100.0)
    if to_b > 0:
        more = project(bl, Scenario({"C": split}, message_strength=min(1.0, m + 0.1), message_destination=dest))
        assert more.margin <= p.margin + 1e-9
