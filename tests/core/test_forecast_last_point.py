"""One number, one place: the forecast over time's last point is the panel's own figure.

The window's panel (the "latest average" baseline) read the average where its grid ends, the last poll's
fieldwork midpoint; `warroom forecast` and Scenario > Forecast over time read their last point on the latest
poll's fieldwork end, a day or more later, with the average run on and one day less to polling day: "Likely Alpha
(81 %)" in the panel beside "Alpha 82 %" in the forecast for the same polls."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.conftest import TOY, make_poll
from warroom.core.forecast import ForecastErrors
from warroom.core.pipeline import (
    BaselineChoice,
    OddsModel,
    compute_averages,
    evaluate,
    forecast_days,
    forecast_last_day,
    forecast_over_time,
    make_case,
)
from warroom.demo import LONDON_2012, demo_polls
from warroom.resources import resource_path


def _panel_and_forecast(polls, contest):  # type: ignore[no-untyped-def]
    odds = OddsModel(ForecastErrors.load(resource_path("data", "forecast_errors.json")), contest.election_date)
    base, scenario = make_case(BaselineChoice(), polls, contest, compute_averages(polls, contest), None)
    panel = evaluate(base, scenario, heatmap=False, odds=odds)
    points = forecast_over_time(polls, contest, odds, forecast_days(polls, forecast_last_day(polls, contest)))
    return panel, points[-1]


def _toy_polls(spans: list[int]) -> list:  # type: ignore[type-arg]
    polls = []
    for i, span in enumerate(spans):
        start = date(2024, 3, 1) + timedelta(days=5 * i)
        poll = make_poll(1, a=44 + i % 3, b=40 - i % 2, c=16 - i % 3 + i % 2)
        polls.append(replace(poll, id=i + 1, fieldwork_start=start, fieldwork_end=start + timedelta(days=span)))
    return polls


@pytest.mark.parametrize("spans", [[2] * 8, [3, 1, 4, 2, 6, 3, 5, 4], [0] * 6, [2, 2, 2, 9]])
def test_the_forecasts_last_point_is_the_panels_figure(spans: list[int]) -> None:
    polls = _toy_polls(spans)
    panel, last = _panel_and_forecast(polls, TOY)
    assert panel.odds is not None
    assert last.margin == pytest.approx(panel.projection.margin, abs=1e-9)
    assert last.p_win == pytest.approx(dict(panel.odds.p_win), abs=1e-9)


def test_the_demo_forecasts_last_point_is_the_panels_figure() -> None:
    polls = demo_polls()
    panel, last = _panel_and_forecast(polls, LONDON_2012)
    assert panel.odds is not None
    assert last.margin == pytest.approx(panel.projection.margin, abs=1e-9)
    assert last.p_win == pytest.approx(dict(panel.odds.p_win), abs=1e-9)
