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
