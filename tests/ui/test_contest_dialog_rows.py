"""Edit contest on a 1366x768 laptop shows the candidates, not the greyed-out counting rules.

The dialog (760x720, what such a screen has room for) laid out the five counting-rule fields, greyed out while
"Counting rules" is unticked, and left London 2012's seven candidates a table two rows high. The fields now show
only while the box is ticked; the candidates' table shows five whole rows.
"""

from __future__ import annotations


def test_the_candidates_table_shows_five_rows_while_the_rules_are_the_usual_ones(demo, qtbot) -> None:
    from warroom.ui.contest_dialog import ContestDialog

    room = demo
    dialog = ContestDialog(room.poll_service.contest, [], [], room.window)
    qtbot.addWidget(dialog)
    dialog.resize(760, 720)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.candidates
    row = table.rowHeight(0)
    assert table.viewport().height() >= 5 * row, (table.viewport().height(), row)
    assert not dialog.rules_fields.isVisible() and not dialog.majority.isVisible()
    dialog.rules_box.setChecked(True)  # the user's own rules: the fields come, the tables give room
    qtbot.waitUntil(dialog.majority.isVisible)
    assert dialog.majority.isEnabled()
    dialog.rules_box.setChecked(False)
    qtbot.waitUntil(lambda: not dialog.majority.isVisible())
