"""A two-round race's runoff chart marks the runoff's polling day, not the first round's.

France 2022's runoff-lead chart drew its red "Election day" line on 10 April, the first round, with two weeks of
runoff polls to the right of it and the runoff itself (24 April) unmarked: a reader took the runoff polls for
polls published after the vote.
"""

from __future__ import annotations

import pytest

from warroom.demo import FRANCE_2022_SECOND
from warroom.ui.charts import day_to_epoch

pytestmark = pytest.mark.gui


def _lines(room) -> dict[str, object]:
    charts = room.window.charts
    return dict(zip(charts.plots, charts._election_lines, strict=True))


def test_the_runoff_chart_marks_the_runoff_day(france_room) -> None:
    contest = france_room.window.charts._contest
    lines = _lines(france_room)
    assert lines["lead2"].value() == pytest.approx(day_to_epoch(FRANCE_2022_SECOND.toordinal()))
    assert lines["lead2"].label.toPlainText() == "Runoff day"
    assert "24 April 2022" in lines["lead2"].toolTip()
    for key in ("first", "lead1"):
        assert lines[key].value() == pytest.approx(day_to_epoch(contest.election_date.toordinal()))
        assert "First round" in lines[key].toolTip()
    assert lines["lead1"].label.toPlainText() == "First round"


def test_a_one_day_race_keeps_its_election_day(demo) -> None:
    lines = _lines(demo)
    contest = demo.window.charts._contest
    assert contest.second_round_date is None
    for key, line in lines.items():
        assert line.value() == pytest.approx(day_to_epoch(contest.election_date.toordinal()))
        assert line.toolTip().startswith("Election day"), key
    assert lines["lead2"].label.toPlainText() == "Election day"
