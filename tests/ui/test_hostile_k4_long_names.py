"""A fresh hostile pass (issue 16, helper k4): a race name of the 200 characters the store keeps, at start."""

from __future__ import annotations

from dataclasses import replace

from tests.ui.test_start_first_stage import _toy_frame


def test_a_long_race_name_never_widens_the_start_past_a_laptop_screen(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The start's first stage showed the last race's name in a toolbar box as wide as the name: a 200-character
    name (the longest a store keeps) made the first stage 1,309 px wide at least, and the real window, which opens
    in the first stage's place, opened that wide too: past the right edge of a 1366x768 laptop at 150 % (911 px of
    Qt's), the scenario sliders off the screen. The box keeps the real window's limits now
    (dock_layout.PICKER_MAX_WIDTH; the name elided, whole in the list): the first stage is no wider for a long name than for a short one."""
    from warroom.ui.start_shell import StartShell

    widths = []
    for name in ("Toy", ("The Greater Metropolitan Borough of Long Place Names Mayoral Election " * 4)[:200]):
        shell = StartShell(replace(_toy_frame([]), contest=name), "/tmp/polls.sqlite3")
        qtbot.addWidget(shell)
        assert shell.picker.itemText(0) == name  # the name kept whole
        widths.append(shell.minimumSizeHint().width())
    assert widths[1] <= max(widths[0], 900), widths
