"""Issue 16, one projection, one set of notes: every surface that shows a runoff projection's figures shows what
its runoff of two cannot show (core.scenario.note_lines, the one function making the lines). The panel and
`warroom scenario` printed the notes; Scenario > Compare, the briefing (and `warroom render briefing`, which
builds the same briefing) and meeting mode's answer page showed the figures without them. Failed before its fix."""

from __future__ import annotations

from dataclasses import replace
from html import escape
from pathlib import Path

from tests.conftest import TOY, make_poll
from tests.ui.conftest import room_of
from warroom.core.scenario import note_lines
from warroom.ui.compare_dialog import ROWS, CompareDialog


def test_every_surface_showing_a_projection_shows_its_notes_in_the_same_words(qtbot, tmp_path: Path) -> None:
    """Polls of Red 40, Blue 30, Green 30: Blue and Green are level for second. The panel, compare (saved case),
    the briefing's cases and meeting mode's answer page all carry the same lines."""
    polls = [replace(make_poll(d, a=40, b=30, c=30), id=d) for d in (1, 5, 9)]
    for room in room_of(qtbot, tmp_path, TOY, polls):
        view = room.scenarios.view
        lines = note_lines(view.projection)
        assert len(lines) == 1 and "Green and Blue are level for second on 30.0 %" in lines[0], lines
        assert f" {lines[0]}." in room.scenario_panel.first_round_label.text()
        assert escape(lines[0], quote=False) in room.answer_view.details.text()
        room.scenarios.save("Level")
        dialog = CompareDialog(room.scenario_actions.columns(), room.window)
        qtbot.addWidget(dialog)
        assert dialog.table.item(ROWS.index("Notes"), 0).text() == "\n".join(lines)
        briefing = room.briefing()
        assert [s.name for s in briefing.scenarios] == ["Level"]  # (the current settings are the saved case's)
        for scenario in briefing.scenarios:
            assert scenario.details[: len(lines)] == lines


def test_a_case_with_nothing_to_note_says_none(qtbot, tmp_path: Path) -> None:
    """A clear second: no note on the answer page or in the briefing, and compare's Notes row says "none"."""
    polls = [replace(make_poll(d, a=45, b=35, c=20), id=d) for d in (1, 5, 9)]
    for room in room_of(qtbot, tmp_path, TOY, polls):
        assert note_lines(room.scenarios.view.projection) == []
        assert "Note:" not in room.answer_view.details.text()
        room.scenarios.save("Clear")
        dialog = CompareDialog(room.scenario_actions.columns(), room.window)
        qtbot.addWidget(dialog)
        assert dialog.table.item(ROWS.index("Notes"), 0).text() == "none"
        assert not any(line.startswith("Note:") for s in room.briefing().scenarios for line in s.details)
