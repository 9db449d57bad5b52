"""Issue 16, fourteenth pass: the scenario panel says when its verdict cannot follow the contest's majority.
It failed before its fix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.conftest import TOY
from tests.ui.conftest import room_of
from warroom.core.types import CountingSystem, Rules


def test_the_panels_first_round_line_says_which_majority_it_goes_by(qtbot, tmp_path: Path) -> None:
    """A contest whose majority is 40 % of registered voters: the panel's first-round line said "Nobody passes
    50 %" with no word of the contest's own rule; it now says the verdict goes by 50 % of valid votes, and why."""
    rules = replace(Rules.default_for(CountingSystem.SV), majority=40.0, majority_base="registered")
    for room in room_of(qtbot, tmp_path, replace(TOY, rules=rules)):
        text = room.scenario_panel.first_round_label.text()
        assert "passes 50 %" in text
        assert "Majority: 50 % of valid votes, not the contest's 40 % of registered voters" in text
