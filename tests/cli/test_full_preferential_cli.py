"""A contest's full or optional preferential rule, from its contest file to `warroom count --contest`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import run

RACE = """\
[contest]
name = "Division of Riverton 2028"
election_date = 2028-05-20
system = "irv"

[rules]
full_preferential = true

[[candidate]]
code = "park"
name = "Ada Park"

[[candidate]]
code = "nolan"
name = "Bo Nolan"

[[candidate]]
code = "reid"
name = "Cy Reid"

[[candidate]]
code = "dale"
name = "Di Dale"
"""

BALLOTS = """\
count,rank1,rank2,rank3,rank4
40,Ada Park,Cy Reid,Bo Nolan,
35,Bo Nolan,Cy Reid,Ada Park,Di Dale
12,Cy Reid,Bo Nolan,Ada Park,
9,Di Dale,Bo Nolan,,
4,Cy Reid,,Bo Nolan,Ada Park
"""


def test_count_for_a_full_preferential_contest_rejects_incomplete_papers(tmp_path: Path) -> None:
    (tmp_path / "race.toml").write_text(RACE, encoding="utf-8")
    ballots = tmp_path / "ballots.csv"
    ballots.write_text(BALLOTS, encoding="utf-8")
    db = ["--data-dir", str(tmp_path / "state")]
    assert run("contest", "new", "--from", str(tmp_path / "race.toml"), *db)[0] == 0
    code, out, err = run("contest", "show", "Division of Riverton 2028", "--json", *db)
    assert code == 0, err
    assert json.loads(out)["rules"]["full_preferential"] is True

    code, out, err = run(
        "count", str(ballots), "--system", "irv", "--contest", "Division of Riverton 2028", "--json", *db
    )
    assert code == 0, err
    full = json.loads(out)
    # Dale's 9 number two of four; the 4 skip number 2: informal. The rest number three or four: formal.
    assert (full["valid"], full["rejected"]) == (87, 13)
    assert full["rules"]["full_preferential"] is True
    assert all(r["exhausted"] == 0 for r in full["rounds"])

    code, out, err = run("count", str(ballots), "--system", "irv", "--json", *db)  # no contest: optional
    optional = json.loads(out)
    assert code == 0, err
    assert (optional["valid"], optional["rejected"]) == (100, 0)
    assert optional["rules"]["full_preferential"] is False


def test_contest_show_says_the_race_is_full_preferential(tmp_path: Path) -> None:
    (tmp_path / "race.toml").write_text(RACE, encoding="utf-8")
    db = ["--data-dir", str(tmp_path / "state")]
    assert run("contest", "new", "--from", str(tmp_path / "race.toml"), *db)[0] == 0
    code, out, err = run("contest", "show", "Division of Riverton 2028", *db)
    assert code == 0, err
    assert "full preferential (a paper must number every candidate)" in out
