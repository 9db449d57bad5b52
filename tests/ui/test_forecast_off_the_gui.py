"""Scenario > Forecast over time is worked out on a worker thread, with a progress dialog that cancels it.

It ran on the GUI thread under a wait cursor: each of up to 40 weekly dates takes an average of every poll known
by then and simulates the race, and at 10,000 polls the window froze for 5.3 s (36 dates; load 2.5). Now
`show_forecast` returns at once, the window keeps answering, a progress dialog counts the dates and cancels them,
and the charts open when the points land, the same points as worked out on the spot.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QApplication, QProgressDialog

from warroom.core.pipeline import ForecastCancelled, forecast_days, forecast_over_time
from warroom.ui.forecast_dialog import ForecastDialog


def _dialogs() -> list[ForecastDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ForecastDialog) and w.isVisible()]


def test_the_forecast_lands_in_its_dialog_with_the_same_points(demo, qtbot) -> None:
    room = demo
    expected = room.scenarios.forecast_over_time()
    room.scenario_actions.show_forecast()
    qtbot.waitUntil(lambda: bool(_dialogs()), timeout=20000)
    dialog = _dialogs()[0]
    got = dialog.curves[expected[-1].a].getData()[1]
    assert list(got) == pytest.approx([100.0 * p.p_win[expected[-1].a] for p in expected])
    dialog.close()


def test_the_menu_returns_before_the_work_is_done_and_cancel_stops_it(demo, qtbot, monkeypatch) -> None:
    room = demo
    release = threading.Event()
    seen: list[tuple[int, int]] = []

    def slow_job(progress):  # type: ignore[no-untyped-def]
        for i in range(1000):
            seen.append((i, 1000))
            if progress is not None and not progress(i, 1000):
                raise ForecastCancelled("stopped")
            release.wait(0.01)
        return []

    monkeypatch.setattr(room.scenarios, "forecast_job", lambda: slow_job)
    room.scenario_actions.show_forecast()  # returns at once: the work runs on
    progress = room.window.findChild(QProgressDialog, "forecast_progress")
    assert progress is not None
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=5000)
    qtbot.waitUntil(lambda: progress.maximum() == 1000 and progress.value() > 0, timeout=5000)
    progress.cancel()
    qtbot.waitUntil(lambda: "cancelled" in room.window.statusBar().currentMessage(), timeout=5000)
    stopped = len(seen)
    qtbot.wait(100)
    assert len(seen) == stopped < 1000  # the worker stopped at its next date
    assert not _dialogs()
    release.set()


def test_the_core_reports_each_date_and_stops_when_told() -> None:
    from warroom.core.forecast import ForecastErrors
    from warroom.core.pipeline import OddsModel
    from warroom.demo import LONDON_2012, demo_polls
    from warroom.resources import resource_path

    contest, polls = LONDON_2012, demo_polls()
    odds = OddsModel(ForecastErrors.load(resource_path("data", "forecast_errors.json")), contest.election_date)
    days = forecast_days(polls, max(p.fieldwork_end for p in polls))
    calls: list[tuple[int, int]] = []
    with_progress = forecast_over_time(polls, contest, odds, days, progress=lambda d, t: calls.append((d, t)) or True)
    assert with_progress == forecast_over_time(polls, contest, odds, days)
    assert calls == [(i, len(days)) for i in range(len(days) + 1)]
    with pytest.raises(ForecastCancelled):
        forecast_over_time(polls, contest, odds, days, progress=lambda d, _t: d < 1)
