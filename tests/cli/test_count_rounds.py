"""`warroom count` prints every round as the officials publish it (votes, %, net transfers, exhausted, who is
excluded after each round), and `--json` gives the same figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import run
from warroom.core.count import count_ballots
from warroom.core.csvformat import parse_ballot_file

# Five candidates, four rounds: E, then D, then B are excluded; E's and D's ballots partly exhaust.
BALLOTS = "count,p1,p2,p3\n40,A,,\n30,B,A,\n20,C,B,\n8,C,,\n12,D,C,B\n9,E,D,\n2,E,,\n"


def test_every_round_is_printed_as_the_officials_publish_it(tmp_path: Path) -> None:
    path = tmp_path / "ballots.csv"
    path.write_text(BALLOTS)
    code, out, err = run("count", str(path), "--system", "irv")
    assert code == 0, err
    table = out.split("Round by round (as the officials publish it)\n", 1)[1].split("\n\n", 1)[0]
    lines = table.splitlines()
    header = lines[0].split()
    assert header[:4] == ["candidate", "R1", "votes", "%"]
    assert "R2" in header and "+/-" in header
    rows = {line.split()[0]: line.split() for line in lines[2:] if line and not line.startswith("Excluded")}
    # A leads the first round: its votes and share of the continuing vote.
    assert rows["A"][1:3] == ["40", "33.06"]
    # E's 11 votes leave in round 2 (-11): 9 to D, 2 exhausted.
    assert rows["E"][1:4] == ["11", "9.09", "-11"]
    assert rows["D"][1:4] == ["12", "9.92", "+9"]
    assert rows["exhausted"][1:3] == ["0", "+2"]
    assert rows["continuing"][1] == "121"
    assert "Excluded after round 1: E" in table
    assert "Excluded after round 2: D" in table
    assert "Excluded after round 3: B" in table
    assert "Winner: A" in out  # B's 30 go to A
    assert "Excluded: E" in out  # and each round's detail says who left


def test_json_gives_the_same_rounds_as_the_count(tmp_path: Path) -> None:
    path = tmp_path / "ballots.csv"
    path.write_text(BALLOTS)
    code, out, err = run("count", str(path), "--system", "irv", "--json")
    assert code == 0, err
    data = json.loads(out)
    ballots, errors = parse_ballot_file(path)
    assert not errors
    result = count_ballots(ballots, "irv")
    official = data["official_rounds"]
    assert official["candidates"] == ["A", "B", "C", "D", "E"]
    assert len(official["rounds"]) == len(result.rounds) == len(data["rounds"])
    for mine, theirs, r in zip(official["rounds"], data["rounds"], result.rounds, strict=True):
        assert mine["votes"] == theirs["tallies"] == r.tallies
        assert mine["exhausted"] == r.exhausted
        assert mine["continuing"] + mine["exhausted"] == result.valid
        # Net transfers balance: what the excluded lose, the others and the exhausted pile gain.
        assert sum(mine["transfer"].values()) + mine["exhausted_transfer"] == 0
        assert sum(mine["percent"].values()) == pytest.approx(100, abs=0.05)
    assert [r["excluded_after"] for r in official["rounds"]] == [["E"], ["D"], ["B"], []]
