"""Hostile pass 9 (issue 16), the leftovers of pass 8 in the services: a big instant-runoff race's simulation and
break-evens off the GUI thread, superseded work dropped, the same figures as the synchronous path."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from tests.core.test_irv_scenario import TABLE
from tests.irv_fixture import IRV_CONTEST, irv_polls
from warroom.core.forecast import ForecastErrors
from warroom.core.irv_pipeline import IrvView, break_evens, evaluate_irv
from warroom.core.irv_scenario import IrvSimulator
from warroom.core.pipeline import OddsModel, compute_averages
from warroom.services import irv_service
from warroom.services.irv_service import IrvController


def test_a_big_races_chances_and_break_evens_are_worked_out_off_the_gui_thread_with_the_same_figures(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An instant-runoff race of 100-200 candidates froze the window for seconds at every new case and every rest
    of the sliders (2,000 simulated counts of 200 candidates, then about 200 runs of the chain for the
    break-evens, all on the GUI thread). From BIG_RACE candidates the chain is shown at once, the chances and the
    break-evens follow from a background thread: figures identical to the synchronous path's, and a slider drag's
    superseded work never shown. (BIG_RACE lowered here so that the toy race of the other tests is "big".)"""
    monkeypatch.setattr(irv_service, "BIG_RACE", 3)
    gui = threading.get_ident()
    ran_on: list[int] = []
    run = IrvSimulator.run

    def spy(self: IrvSimulator, *args: object, **kwargs: object) -> object:
        ran_on.append(threading.get_ident())
        return run(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(IrvSimulator, "run", spy)
    ctl = IrvController(errors=ForecastErrors.load(TABLE))
    ctl.set_contest(IRV_CONTEST)
    views: list[IrvView] = []
    stale: list[IrvView] = []  # chances shown for a case no longer the controller's when they were shown
    ctl.view_ready.connect(views.append)
    ctl.view_ready.connect(lambda v: stale.append(v) if v.odds is not None and v.scenario is not ctl.scenario else None)
    polls = [replace(p, id=i + 1) for i, p in enumerate(irv_polls())]
    ctl.set_data(polls, compute_averages(polls, IRV_CONTEST))
    qtbot.waitUntil(lambda: bool(views) and views[-1].odds is not None, timeout=10000)
    assert views[0].odds is None and views[0].run.winner == views[-1].run.winner  # the chain at once
    assert ran_on and gui not in ran_on, "the simulation ran on the GUI thread"
    ran_on.clear()  # (the test's own synchronous reference below runs here)
    assert ctl.case is not None
    direct = evaluate_irv(ctl.case, odds=OddsModel(ForecastErrors.load(TABLE), IRV_CONTEST.election_date))
    assert direct.odds is not None and views[-1].odds is not None
    assert views[-1].odds.p_win == direct.odds.p_win and views[-1].share_sd == direct.share_sd
    assert not ctl.working
    ran_on.clear()
    # a drag: three moves; whatever was superseded is dropped; the chances shown are the last scenario's
    views.clear()
    ctl.select_row("ind")
    for g in (44, 40, 30):
        ctl.set_row("ind", {"grn": g, "alp": 75 - g, "lnp": 25})
        qtbot.wait(5)
    with qtbot.waitSignal(ctl.break_evens_ready, timeout=10000) as said:
        pass
    qtbot.waitUntil(lambda: views[-1].odds is not None and views[-1].scenario is ctl.scenario, timeout=10000)
    assert not stale, "a superseded case's chances were shown"
    assert ran_on and gui not in ran_on, "the simulation ran on the GUI thread"
    monkeypatch.setattr(IrvSimulator, "run", run)
    scenario = ctl.scenario
    assert scenario is not None
    fresh = IrvSimulator(scenario.n, ctl.odds.draws, ctl.odds.seed).run(scenario, share_sd=views[-1].share_sd)  # type: ignore[union-attr]
    assert views[-1].odds is not None and views[-1].odds.p_win == fresh.p_win
    code, found = said.args
    assert code == "ind" and found == break_evens(scenario, "ind", ctl.case.names, run=views[-1].run)
