"""A race of two candidates in the window (issue 16, one number, one place): the runoff is the first round."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.gui


def test_the_window_shows_a_two_candidate_runoff_as_its_first_round(qtbot, tmp_path: Path) -> None:
    """The lead charts said +29.3 (first round) and +29.9 (runoff) and the panel's runoff 64.9 % beside a first
    round of 64.5 %, from the same polls, the runoff chart titled "30 implied". The two lead lines are now one, the
    runoff chart says it is the first round, and the panel's runoff is the first round's share."""
    from tests.core.test_two_candidate_race import TWO, two_polls
    from tests.ui.conftest import room_of

    for room in room_of(qtbot, tmp_path, TWO, two_polls()):
        charts, panel = room.window.charts, room.scenario_panel
        qtbot.waitUntil(lambda c=charts, p=panel: len(c.curve_data("lead2")[1]) > 0 and bool(p.runoff_label.text()))
        days1, lead1 = charts.curve_data("lead1")
        days2, lead2 = charts.curve_data("lead2")
        np.testing.assert_allclose(days2, days1)
        np.testing.assert_allclose(lead2, lead1, atol=1e-3)
        ann = charts.curve_data("ann")[1][-1]
        assert f"Red {ann:.1f} %" in panel.runoff_label.text(), panel.runoff_label.text()
        assert f"margin {lead1[-1]:+.1f}" in panel.runoff_label.text(), panel.runoff_label.text()
        title = charts.plots["lead2"].titleLabel.text
        assert "implied" not in title and "two candidates" in title, title
