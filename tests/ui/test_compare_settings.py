"""Compare shows what each saved runoff scenario assumes, not only its figures.

Two saved London scenarios, one with a 30 % message, were shown side by side with their verdicts, margins and
chances and nothing saying what differed between them (a two-round or instant-runoff comparison had a "Settings"
row; the runoff one had none). The runoff comparison now has it: core.pipeline.assumption_lines past the baseline,
the lines the briefing, meeting mode and `warroom scenario` print.
"""

from __future__ import annotations

from warroom.core.pipeline import assumption_lines
from warroom.ui.compare_dialog import ROWS, CompareDialog


def test_compare_has_each_scenarios_settings_as_the_briefing_words_them(demo, qtbot) -> None:
    room = demo
    room.scenarios.save("No message")
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=5000):
        room.scenarios.set_message_strength(0.3)
    room.scenarios.save("Strong message")
    dialog = CompareDialog(room.scenario_actions.columns(), room.window)
    qtbot.addWidget(dialog)
    row = ROWS.index("Settings")
    texts = {
        dialog.table.horizontalHeaderItem(c).text(): dialog.table.item(row, c).text()
        for c in range(dialog.table.columnCount())
    }
    assert "Message: none" in texts["No message"]
    assert "Message: 30 % of Johnson's personal vote" in texts["Strong message"]
    saved = room.scenarios.find_saved("Strong message")
    view = room.scenarios.saved_view(saved)
    assert texts["Strong message"] == "\n".join(assumption_lines(view.baseline, view.scenario)[2:])
