"""Issue 16, fifteenth pass: `warroom count` shows all three finalists when two tie for second place under the
Supplementary Vote (Schedule 5B para 5(5)); it showed two and elected the wrong candidate."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import ok
from tests.cli.test_hostile_thirteenth_results_cli import TRIO

BALLOTS = "count,p1,p2\n40,Ann,\n30,Bob,\n30,Cat,\n20,Eve,Bob\n"


def test_the_count_table_shows_every_candidate_tied_for_second(tmp_path: Path) -> None:
    path = tmp_path / "tie.csv"
    path.write_text(BALLOTS)
    out = ok("count", str(path), "--system", "sv")
    round_two = out.split("\nRound 2\n", 1)[1].split("Excluded:", 1)[0]
    rows = [line.split() for line in round_two.splitlines()[2:] if line.strip()]
    assert rows == [
        ["Bob", "30", "+20", "50", "41.67%"],
        ["Ann", "40", "+0", "40", "33.33%"],
        ["Cat", "30", "+0", "30", "25.00%"],
    ]
    assert out.rstrip().endswith("Winner: Bob")
    assert "all remain in the contest with Ann (Schedule 5B para 5(5))" in out
    data = json.loads(ok("count", str(path), "--system", "sv", "--json"))
    assert data["winner"] == "Bob" and data["rounds"][-1]["tallies"] == {"Ann": 40, "Bob": 50, "Cat": 30}


def test_a_count_with_a_tie_for_second_is_saved_as_the_contests_result(db: list[str], tmp_path: Path) -> None:
    """`count --contest --save-result`: the three finalists and Bob's win are stored, and the result check (which
    refused any SV final round of three) accepts them. Before, Ann's 40-30 win over Cat was stored."""
    contest = TRIO + '\n[[candidate]]\ncode = "eve"\nname = "Eve Evans"\n'
    (tmp_path / "c.toml").write_text(contest, encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "c.toml"), *db)
    path = tmp_path / "tie.csv"
    path.write_text(BALLOTS.replace("Ann", "ann").replace("Bob", "bob").replace("Cat", "cat").replace("Eve", "eve"))
    out = json.loads(ok("count", str(path), "--contest", "Trio Mayor 2025", "--save-result", "--json", *db))
    assert out["winner"] == "bob" and out["saved_result_of"] == "Trio Mayor 2025"
    shown = json.loads(ok("contest", "show", "--contest", "Trio Mayor 2025", "--json", *db))
    assert shown["result"]["final_round"] == {"ann": 40, "bob": 50, "cat": 30}
