"""Hostile pass 10 (issue 16), the leftover of pass 9 in the services: a big instant-runoff race's chances, now
simulated a block of draws at a time, reach the panel from the background thread with the figures the command
line gets from the same core function."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from tests.core.test_irv_scenario import TABLE
from warroom.core.forecast import ForecastErrors
from warroom.core.irv_pipeline import IrvView, evaluate_irv
from warroom.core.irv_scenario import IrvSimulator
from warroom.core.pipeline import OddsModel, compute_averages
from warroom.core.types import Candidate, Contest, CountingSystem, Poll
from warroom.services.irv_service import IrvController

N = 60  # 60 x 2,000 x 61 row-noise values: past the dense limit, so streamed


def big_race() -> tuple[Contest, list[Poll]]:
    contest = Contest(
        name="Many Mayor 2026",
        election_date=date(2026, 6, 6),
        system=CountingSystem.IRV,
        candidates=tuple(Candidate(f"c{i:02d}", f"Candidate {i:02d}", None, None) for i in range(N)),
    )
    rng = np.random.default_rng(2)
    base = rng.uniform(0.5, 20, N)
    polls = []
    for k in range(4):
        shares = base * rng.uniform(0.9, 1.1, N)
        shares = np.round(100 * shares / shares.sum(), 2)
        shares[0] = round(100 - shares[1:].sum(), 2)
        day = date(2026, 5, 1) + timedelta(days=3 * k)
        polls.append(
            Poll(
                pollster=f"P{k}",
                fieldwork_start=day,
                fieldwork_end=day + timedelta(days=2),
                sample_size=1500,
                first_round={f"c{i:02d}": float(v) for i, v in enumerate(shares)},
                id=k + 1,
            )
        )
    return contest, polls


def test_a_streamed_races_chances_reach_the_panel_as_the_command_line_computes_them(qtbot) -> None:
    contest, polls = big_race()
    ctl = IrvController(errors=ForecastErrors.load(TABLE))
    ctl.set_contest(contest)
    views: list[IrvView] = []
    ctl.view_ready.connect(views.append)
    ctl.set_data(polls, compute_averages(polls, contest))
    qtbot.waitUntil(lambda: bool(views) and views[-1].odds is not None, timeout=30000)
    assert ctl.case is not None and ctl.scenario is not None and ctl.scenario.n == N
    assert IrvSimulator(N, ctl.odds.draws, ctl.odds.seed).streamed  # type: ignore[union-attr]
    direct = evaluate_irv(ctl.case, odds=OddsModel(ForecastErrors.load(TABLE), contest.election_date))
    shown = views[-1].odds
    assert shown is not None and direct.odds is not None
    assert shown == direct.odds  # every figure, as `warroom scenario` gets them (evaluate_irv)
    assert abs(sum(shown.p_win.values()) - 1.0) < 1e-12
    # a slider move: the chances shown are the moved case's, as a fresh simulation computes them
    code = views[-1].run.eliminations[-1].eliminated[0]
    other = next(c for c in ctl.scenario.codes if c != code)
    ctl.select_row(code)
    views.clear()
    ctl.set_row(code, {other: 100.0})
    qtbot.waitUntil(
        lambda: bool(views) and views[-1].odds is not None and views[-1].scenario is ctl.scenario, timeout=30000
    )
    moved = ctl.scenario
    assert moved is not None and moved.row(code)[other] == 100.0
    fresh = IrvSimulator(N, ctl.odds.draws, ctl.odds.seed).run(moved, share_sd=views[-1].share_sd)  # type: ignore[union-attr]
    assert views[-1].odds == fresh
