"""A back-test point is the forecast the app would have shown that day: `warroom backtest`'s P(challenger) is
`warroom forecast`'s (Scenario > Forecast over time) for the same day and polls.

The back-test simulated 4,000 races with its seed moved by the distance, where the app's odds model draws 2,000
with one seed: London 2012's last point said 18 % for Livingstone where the forecast over time and the panel said
19 % of the same 17 polls on 2 May. It now simulates with the app's model (core.pipeline.OddsModel's draws and
seed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import ok


def test_the_back_tests_chance_is_the_forecasts_on_the_same_day(tmp_path: Path) -> None:
    db = ["--data-dir", str(tmp_path), "--contest", "London Mayor 2012", "--json"]
    points = json.loads(ok(*db, "backtest"))["points"]
    forecast = {f["day"]: f for f in json.loads(ok(*db, "forecast"))["forecast"]}
    compared = 0
    for point in points:
        same = forecast.get(point["as_of"])
        if same is None:
            continue
        assert point["margin"] == pytest.approx(same["margin"])
        assert point["p_challenger_wins"] == pytest.approx(same["p_win"][point["challenger"]], abs=1e-9), point
        compared += 1
    assert compared >= 1  # (2 May 2012: the last day before polling day is a forecast date)
    last = points[-1]
    assert last["as_of"] == "2012-05-02" and last["p_challenger_wins"] == pytest.approx(
        forecast["2012-05-02"]["p_win"]["livingstone"]
    )
