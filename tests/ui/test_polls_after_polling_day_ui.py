"""A past race with polls after its polling day, in the window (issue 16, one number, one place)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.gui


def test_the_panel_reads_a_past_race_on_polling_day_and_says_so(qtbot, tmp_path: Path) -> None:
    """The scenario panel's baseline was "Poll average on 11 Jul 2024" and its verdict "Safe Red", from two recall
    polls taken after the 2 May vote; it is now polling day's average, the later polls named as left out."""
    from tests.conftest import TOY
    from tests.core.test_polls_after_polling_day import AFTER, BEFORE
    from tests.ui.conftest import room_of

    for room in room_of(qtbot, tmp_path, TOY, [*BEFORE, *AFTER]):
        panel = room.scenario_panel
        qtbot.waitUntil(lambda p=panel: "Poll average" in p.baseline_label.text())
        text = panel.baseline_label.text()
        assert "02 May 2024 (polling day; 2 polls after it left out)" in text, text
        assert "Safe" not in panel.verdict.text(), panel.verdict.text()
