"""Issue 16, fourteenth pass: `warroom count --contest C` counts to C's own majority (tests/core/
test_hostile_fourteenth_majority.py has the engine's). Each test failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import ok, run
from tests.cli.test_hostile_thirteenth_results_cli import TRIO

BALLOTS = "count,pref1,pref2\n45000,ann,\n35000,bob,\n20000,cat,bob\n"


def _trio(db: list[str], tmp_path: Path, system: str, rules: str) -> Path:
    contest = TRIO.replace('system = "sv"', f'system = "{system}"') + f"\n[rules]\n{rules}\n"
    (tmp_path / "trio.toml").write_text(contest, encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "trio.toml"), *db)
    ballots = tmp_path / "ballots.csv"
    ballots.write_text(BALLOTS, encoding="utf-8")
    return ballots


@pytest.mark.parametrize("system", ["sv", "contingent", "irv"])
def test_a_count_saved_to_a_contest_follows_its_own_majority(db: list[str], tmp_path: Path, system: str) -> None:
    """`majority = 40` and Ann at 45 %: `count --contest --save-result` counted on to Bob's win on transfers, and
    (SV, contingent) was then refused by the result check ("elected in the first round"). It now elects Ann in
    the first round and stores that result; the same ballots with no contest still go to a final round."""
    ballots = _trio(db, tmp_path, system, "majority = 40.0")
    out = json.loads(
        ok("count", str(ballots), "--system", system, "--contest", "Trio Mayor 2025", "--save-result", "--json", *db)
    )
    assert out["winner"] == "ann" and len(out["rounds"]) == 1 and out["rules"]["majority"] == 40.0
    assert out["saved_result_of"] == "Trio Mayor 2025"
    shown = json.loads(ok("contest", "show", "--contest", "Trio Mayor 2025", "--json", *db))
    assert shown["result"]["first_round"]["ann"] == 45000
    assert not shown["result"].get("final_round")
    plain = json.loads(ok("count", str(ballots), "--system", system, "--json", *db))
    assert plain["winner"] == "bob" and len(plain["rounds"]) == 2 and plain["rules"]["majority"] == 50.0


def test_a_majority_of_registered_voters_is_said_not_followed(db: list[str], tmp_path: Path) -> None:
    """A majority of registered voters, which a ballot file does not give: the count keeps more than half of the
    valid votes and says so in its notes, where it said nothing."""
    ballots = _trio(db, tmp_path, "sv", 'majority = 40.0\nmajority_base = "registered"')
    code, out, err = run("count", str(ballots), "--contest", "Trio Mayor 2025", *db)
    assert code == 0, err
    assert "Note: the contest's majority is 40 % of registered voters, which the ballots do not give" in out
    assert "Winner: bob" in out


def test_a_scenario_says_it_does_not_follow_a_majority_of_registered_voters(db: list[str], tmp_path: Path) -> None:
    """`warroom scenario` of a contest whose majority is 40 % of registered voters went by 50 % of valid votes
    ("Nobody passes") without a word; it now says which majority its verdict goes by, and why."""
    _trio(db, tmp_path, "sv", 'majority = 40.0\nmajority_base = "registered"')
    polls = tmp_path / "polls.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat\n"
        "P1,2025-04-20,2025-04-22,1000,45,40,15\n",
        encoding="utf-8",
    )
    ok("import", str(polls), "--contest", "Trio Mayor 2025", *db)
    out = ok("scenario", "--contest", "Trio Mayor 2025", *db)
    assert "Majority: 50 % of valid votes, not the contest's 40 % of registered voters" in out
    shown = json.loads(ok("scenario", "--contest", "Trio Mayor 2025", "--json", *db))
    assert any(line.startswith("Majority: 50 % of valid votes") for line in shown["assumptions"])
