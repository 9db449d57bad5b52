"""Issue 16, hostile pass hK: an instant-runoff race of two candidates in the row editor. Failed before its fix."""

from __future__ import annotations

import dataclasses
from datetime import date

from tests.conftest import TOY
from tests.core.test_irv_scenario import TABLE
from warroom.core.forecast import ForecastErrors
from warroom.core.irv_pipeline import NO_ROW_COUNTED
from warroom.core.pipeline import compute_averages
from warroom.core.types import Candidate, CountingSystem, Poll
from warroom.services.irv_service import IrvController

DUO = dataclasses.replace(
    TOY,
    system=CountingSystem.IRV,
    candidates=(Candidate("ann", "Ann Able", "R", "#d62728"), Candidate("bob", "Bob Baker", "B", "#1f77b4")),
)


def test_a_two_candidate_race_offers_no_row_to_edit(qtbot) -> None:
    """With two candidates nobody is excluded before the final count: the panel opened on the winner's "Where
    Able's voters go next (%)" sliders, whose moves changed nothing, and worked out its break-evens. Now no row
    is selected, the row editor is disabled, and the panel says why (in its basis line since hM)."""
    from warroom.ui.irv_panel import IrvPanel

    ctl = IrvController(errors=ForecastErrors.load(TABLE))
    ctl.set_contest(DUO)
    polls = [Poll("X", date(2024, 4, 1), date(2024, 4, 2), 1000, {"ann": 55.0, "bob": 45.0}, id=1)]
    with qtbot.waitSignal(ctl.view_ready, timeout=5000):
        ctl.set_data(polls, compute_averages(polls, DUO))
    panel = IrvPanel(ctl)
    qtbot.addWidget(panel)
    assert ctl.row == ""
    ctl.select_row("ann")
    assert ctl.row == ""
    assert not panel.row_box.isEnabled() and not panel.picker.isEnabled()
    assert NO_ROW_COUNTED in panel.basis.text() and panel.break_even_label.text() == ""  # said once (hM)
