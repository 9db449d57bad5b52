"""`warroom scenario` of a past race with polls after its polling day (issue 16, one number, one place)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import ok
from tests.cli.test_hostile_thirteenth_results_cli import HEADER, TRIO


def test_warroom_scenario_reads_a_past_race_on_polling_day(tmp_path: Path) -> None:
    """`warroom scenario` of a race held on 1 May 2025 with recall polls in June and July printed "Baseline: Poll
    average on 11 Jul 2025" and "Safe Able (99 % chance)"; it now reads polling day's average and says so."""
    db = ["--data-dir", str(tmp_path / "state")]
    (tmp_path / "trio.toml").write_text(TRIO, encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "trio.toml"), *db)
    rows = [
        "P1,2025-04-10,2025-04-12,1000,40,38,22",
        "P2,2025-04-20,2025-04-22,1000,39,40,21",
        "P1,2025-06-10,2025-06-12,1000,55,30,15",
        "P2,2025-07-10,2025-07-12,1000,56,29,15",
    ]
    (tmp_path / "polls.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    ok("import", str(tmp_path / "polls.csv"), "--contest", "Trio Mayor 2025", *db)
    text = ok("scenario", "--contest", "Trio Mayor 2025", *db)
    assert "Baseline: Poll average on 01 May 2025 (polling day; 2 polls after it left out)" in text, text
    assert "Safe" not in text
    shown = json.loads(ok("scenario", "--contest", "Trio Mayor 2025", "--json", *db))
    assert shown["baseline_figures"]["as_of"] == "2025-05-01" and "left out" in shown["baseline"]


def test_warroom_forecast_of_a_past_race_ends_on_polling_day_at_the_scenarios_forecast(tmp_path: Path) -> None:
    """`warroom forecast` (and the window's Forecast over time, the same days) went on past polling day to the
    recall polls, its last chance that of a race already held; it now ends on polling day, its last point the
    scenario's own forecast."""
    db = ["--data-dir", str(tmp_path / "state")]
    (tmp_path / "trio.toml").write_text(TRIO, encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "trio.toml"), *db)
    rows = [
        f"P{i % 2 + 1},2025-0{m}-{d:02d},2025-0{m}-{d + 2:02d},1000,{40 - i % 2},{38 + i % 2},22"
        for i, (m, d) in enumerate([(3, 1), (3, 15), (4, 1), (4, 15)])
    ]
    rows += ["P1,2025-06-10,2025-06-12,1000,55,30,15", "P2,2025-07-10,2025-07-12,1000,56,29,15"]
    (tmp_path / "polls.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    ok("import", str(tmp_path / "polls.csv"), "--contest", "Trio Mayor 2025", *db)
    points = json.loads(ok("forecast", "--contest", "Trio Mayor 2025", "--json", *db))["forecast"]
    assert points[-1]["day"] == "2025-05-01", [p["day"] for p in points]
    shown = json.loads(ok("scenario", "--contest", "Trio Mayor 2025", "--json", *db))
    assert points[-1]["margin"] == shown["margin"]
