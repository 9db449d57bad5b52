"""Issue 16, hM: a two-candidate instant-runoff race in the panel's basis and picker. Failed before its fix."""

from __future__ import annotations

import dataclasses
from datetime import date

from tests.conftest import TOY
from tests.core.test_irv_scenario import TABLE
from tests.services.test_hostile_hK_irv_two import DUO
from warroom.core.forecast import ForecastErrors
from warroom.core.irv_pipeline import NO_ROW_COUNTED
from warroom.core.pipeline import compute_averages
from warroom.core.types import CountingSystem, Poll
from warroom.services.irv_service import IrvController

TRIO = dataclasses.replace(TOY, system=CountingSystem.IRV)


def _show(qtbot, ctl: IrvController, contest, shares: dict[str, float]) -> None:  # type: ignore[no-untyped-def]
    ctl.set_contest(contest)
    polls = [Poll("X", date(2024, 4, 1), date(2024, 4, 2), 1000, shares, id=1)]
    with qtbot.waitSignal(ctl.view_ready, timeout=5000):
        ctl.set_data(polls, compute_averages(polls, contest))


def test_a_two_candidate_race_says_no_row_is_counted_and_offers_no_one_in_the_picker(qtbot) -> None:
    """With two candidates the basis still said "the others' next preferences follow first-round shares until you
    set them", and the disabled picker showed the winner, as if his row could be set. The basis now says the core's
    sentence (the one `warroom scenario` prints), once in the panel, and the picker holds no one."""
    from warroom.ui.irv_panel import IrvPanel

    ctl = IrvController(errors=ForecastErrors.load(TABLE))
    _show(qtbot, ctl, DUO, {"ann": 55.0, "bob": 45.0})
    panel = IrvPanel(ctl)
    qtbot.addWidget(panel)
    basis = panel.basis.text()
    assert NO_ROW_COUNTED in basis and "until you set them" not in basis, basis
    assert NO_ROW_COUNTED not in panel.break_even_label.text()  # said once
    assert panel.picker.count() == 0 and panel.picker.currentText() == ""
    assert panel.picker.isHidden() and panel._who.isHidden()  # no "Voters of" beside an empty picker
    _show(qtbot, ctl, TRIO, dict.fromkeys((c.code for c in TRIO.candidates), 100.0 / len(TRIO.candidates)))
    assert "until you set them" in panel.basis.text() and NO_ROW_COUNTED not in panel.basis.text()
    assert panel.picker.count() >= 3 and panel.picker.isEnabled()
    assert not panel.picker.isHidden() and not panel._who.isHidden()
