"""Fresh hostile pass hE: a two-round break-even's "now" figure is the share after the levers; with the turnout
lever set it printed beside the split itself, two figures for one thing ("Cat Gamma: 38 % Ann Alpha" and "... if
under 12.1 % of Cat Gamma's voters vote Ann Alpha (now 18.8 %)")."""

from __future__ import annotations

from dataclasses import replace

from warroom.core.france import ABSTAINERS, BLANK_NULL
from warroom.core.two_round import FirstRound, RunoffSplit, TwoRoundScenario
from warroom.core.two_round_view import evaluate, question_text

FIRST = FirstRound({"A": 300.0, "B": 250.0, "C": 150.0}, registered=1000.0, blank_null=20.0)
SPLITS = {
    "A": RunoffSplit(95, 2, 1, 2),
    "B": RunoffSplit(3, 94, 1, 2),
    "C": RunoffSplit(40, 20, 15, 25),
    BLANK_NULL: RunoffSplit(10, 10, 50, 30),
    ABSTAINERS: RunoffSplit(10, 15, 5, 70),
}


def test_a_break_even_says_the_split_as_set_when_a_lever_moves_it() -> None:
    levered = evaluate(FIRST, TwoRoundScenario("A", "B", SPLITS, turnout=-0.5), electorate="C")
    lines = " ".join(question_text(levered))
    assert "vote B (now 10.0 % with the levers as set, 20.0 % in the split)" in lines, lines
    # without a lever the two are one figure, said once
    plain = " ".join(question_text(evaluate(FIRST, TwoRoundScenario("A", "B", SPLITS), electorate="C")))
    assert "vote A (now 40.0 %)" in plain and "levers" not in plain, plain
    assert replace(levered.scenario, turnout=0.0).splits["C"].to_a == 40


def test_a_break_even_at_the_edge_of_what_can_be_is_said_to_be_out_of_reach() -> None:
    # With the turnout lever at -50 % the break-even of C's votes for A is 0 %: "B wins if under -0.0 % of C's
    # voters vote A", a share no electorate can go under (and printed as a negative zero).
    lines = question_text(evaluate(FIRST, TwoRoundScenario("A", "B", SPLITS, turnout=-0.5), electorate="C"))
    assert not any("-0.0" in line or "under 0.0 %" in line for line in lines), lines
    assert "vote A" in lines[-1] and lines[-1].startswith("However many of them"), lines
