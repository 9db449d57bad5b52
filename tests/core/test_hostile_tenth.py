"""Hostile pass 10 (issue 16): what the ninth pass left (the turnout lever at -100 %)."""

from __future__ import annotations

import math

import pytest

from tests.core.test_two_round import FIRST, SCENARIO
from warroom.core.two_round import TURNOUT_LEVER_MIN, TwoRoundScenario, project


@pytest.mark.parametrize("lever", [-1.0, -1.5, math.nan, 1.01])
def test_a_turnout_lever_with_nobody_voting_or_out_of_range_is_refused_saying_why(lever: float) -> None:
    """At -100 % every runoff voter stays at home: no votes, so no share, margin or chance (the projection printed
    50.0 % and a 50 % chance, made up). Refused, naming the range; below 0 saying why."""
    with pytest.raises(ValueError, match=r"-99\.9 % and \+100 %") as caught:
        TwoRoundScenario(SCENARIO.a, SCENARIO.b, SCENARIO.splits, turnout=lever)
    assert ("nobody votes" in str(caught.value)) == (lever < 0)


def test_the_lowest_turnout_lever_keeps_the_shares_and_the_chance() -> None:
    """Down to its floor the lever only scales every electorate's runoff voters alike: the same shares and chance,
    far fewer voters (typed as -99.9, it is accepted: -99.9 / 100 rounds a hair below -0.999)."""
    rest = project(FIRST, SCENARIO)
    low = project(FIRST, TwoRoundScenario(SCENARIO.a, SCENARIO.b, SCENARIO.splits, turnout=-99.9 / 100))
    assert pytest.approx(-0.999) == TURNOUT_LEVER_MIN
    assert low.a_share == pytest.approx(rest.a_share) and low.margin == pytest.approx(rest.margin)
    assert low.win_probability_a == pytest.approx(rest.win_probability_a)
    assert low.turnout == pytest.approx(rest.turnout * 0.001, rel=1e-6)


def test_a_runoff_nobody_votes_in_is_refused_not_called_50_50() -> None:
    """Every electorate's split to blank, null or abstention: no valid vote, so no share, margin or chance (the
    projection said 50.0 % each and a 50 % chance). Refused naming the finalists; one valid vote is enough."""
    from warroom.core.two_round import RunoffSplit

    nobody = {code: RunoffSplit(0, 0, 40, 60) for code in SCENARIO.splits}
    with pytest.raises(ValueError, match=r"nobody votes for A or B .*no result to project"):
        project(FIRST, TwoRoundScenario("A", "B", nobody))
    some = {**nobody, "C": RunoffSplit(1, 0, 39, 60)}
    assert project(FIRST, TwoRoundScenario("A", "B", some)).a_share == pytest.approx(100.0)
