"""Issue 16, one tie rule at the command line: `warroom count --contest C` orders tied candidates by C's names
(core.types.placing on core.types.tie_names), however the ballot file names them, so the count, the result it
saves and the result check name one winner. Failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import ok

# Codes and names that sort apart: code "b" is Ann Able, code "a" is Bob Baker.
APART = """\
[contest]
name = "Apart Mayor 2025"
election_date = 2025-05-01
system = "SYSTEM"

[[candidate]]
code = "b"
name = "Ann Able"
short_name = "Ann"

[[candidate]]
code = "a"
name = "Bob Baker"
short_name = "Bob"

[[candidate]]
code = "c"
name = "Cy Cole"
short_name = "Cy"

[rules]
majority = 40.0
"""


@pytest.mark.parametrize("system", ["sv", "contingent", "irv"])
@pytest.mark.parametrize("labels", [("b", "a", "c"), ("Ann Able", "Bob Baker", "Cy Cole")])
def test_a_count_by_codes_or_names_elects_the_tied_leader_the_result_check_names(
    db: list[str], tmp_path: Path, system: str, labels: tuple[str, str, str]
) -> None:
    """Ann ("b") and Bob ("a") tied on 45 % past the contest's 40 %: ballots naming them by code elected Ann (code
    "b" after "a"), ballots naming them by name Bob, and the back-test's check of the saved result said Ann. Both
    ballot files now elect Bob, the later name, and the saved result reads back as Bob's."""
    (tmp_path / "apart.toml").write_text(APART.replace("SYSTEM", system), encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "apart.toml"), *db)
    ballots = tmp_path / "ballots.csv"
    ann, bob, cy = labels
    ballots.write_text(f"count,pref1,pref2\n45000,{ann},\n45000,{bob},\n10000,{cy},{ann}\n", encoding="utf-8")
    out = json.loads(
        ok("count", str(ballots), "--system", system, "--contest", "Apart Mayor 2025", "--save-result", "--json", *db)
    )
    assert out["winner"] == bob and len(out["rounds"]) == 1
    assert any("tied past the majority" in note for note in out["notes"])
    shown = json.loads(ok("contest", "show", "--contest", "Apart Mayor 2025", "--json", *db))
    assert shown["result"]["first_round"] == {"b": 45000, "a": 45000, "c": 10000}
