"""Issue 16, numbers that disagree or mislead: the scenario panel says what its runoff of two cannot show. It
failed before its fix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.conftest import TOY, make_poll
from tests.ui.conftest import room_of


def test_the_panel_says_a_tie_for_second_is_not_followed(qtbot, tmp_path: Path) -> None:
    """Polls of Ann 40, Bob 30, Cat 30: the panel showed a runoff of Ann and Bob with no word that Bob and Cat tie
    for second (both stay in a Supplementary Vote count, Schedule 5B para 5(5)); its first-round line now says so
    (core.scenario.project's notes, as `warroom scenario` prints them)."""
    polls = [replace(make_poll(d, a=40, b=30, c=30), id=d) for d in (1, 5, 9)]
    for room in room_of(qtbot, tmp_path, TOY, polls):
        text = room.scenario_panel.first_round_label.text()
        assert "are level for second on 30.0 %" in text and "Schedule 5B para 5(5)" in text
