"""Fourteenth hostile pass, counts: a .blt file's declared candidate with no mark on any ballot."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import run

# Four declared candidates; nobody marks Dee at all (a real file lists every candidate on the paper).
UNMARKED = '4 1\n4 1 2 0\n3 2 1 0\n2 3 1 0\n0\n"Ada" "Ben" "Cy" "Dee"\n"Toy"\n'


def test_count_of_a_blt_file_shows_a_declared_candidate_nobody_marked_with_0_excluded_first(tmp_path: Path) -> None:
    """Dee, declared but marked on no ballot, was missing from every round of `warroom count` (an official report
    lists every candidate, with 0). He is shown with 0 in round 1 and excluded first, the count otherwise as before."""
    path = tmp_path / "toy.blt"
    path.write_text(UNMARKED, encoding="utf-8")
    code, out, err = run("count", str(path), "--system", "irv", "--json")
    assert code == 0, err
    result = json.loads(out)
    rounds = result["rounds"]
    assert rounds[0]["tallies"] == {"Ada": 4, "Ben": 3, "Cy": 2, "Dee": 0}
    assert rounds[1]["eliminated"] == ["Dee"]  # excluded first: the lowest, with 0
    assert rounds[1]["tallies"] == {"Ada": 4, "Ben": 3, "Cy": 2} and rounds[1]["transfers"] == []
    assert rounds[2]["eliminated"] == ["Cy"] and rounds[2]["tallies"] == {"Ada": 6, "Ben": 3}
    assert result["winner"] == "Ada" and result["valid"] == 9
    assert result["official_rounds"]["candidates"] == ["Ada", "Ben", "Cy", "Dee"]
    code, out, err = run("count", str(path), "--system", "irv")
    assert code == 0, err
    assert "Excluded after round 1: Dee" in out
    assert any(line.split()[:3] == ["Dee", "0", "0.00"] for line in out.splitlines()), out


def test_count_of_a_blt_file_by_supplementary_vote_lists_the_unmarked_candidate_too(tmp_path: Path) -> None:
    path = tmp_path / "toy.blt"
    path.write_text(UNMARKED, encoding="utf-8")
    code, out, err = run("count", str(path), "--system", "sv", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["rounds"][0]["tallies"] == {"Ada": 4, "Ben": 3, "Cy": 2, "Dee": 0}
    assert sorted(result["rounds"][1]["eliminated"]) == ["Cy", "Dee"] and result["winner"] == "Ada"


def test_a_withdrawn_blt_candidate_is_still_left_out(tmp_path: Path) -> None:
    """A withdrawn candidate (a negative number before the ballots) does not stand: not shown, marked or not."""
    path = tmp_path / "toy.blt"
    path.write_text('4 1\n-4\n4 1 2 0\n3 2 1 0\n2 3 1 0\n0\n"Ada" "Ben" "Cy" "Dee"\n', encoding="utf-8")
    code, out, err = run("count", str(path), "--system", "irv", "--json")
    assert code == 0, err
    assert json.loads(out)["rounds"][0]["tallies"] == {"Ada": 4, "Ben": 3, "Cy": 2}
