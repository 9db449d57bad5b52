"""Issue 16, numbers that disagree: `warroom count` on a New York City export with --contest follows the
contest's own majority, as the ballot CSV and BLT paths do (core.types.passes_majority). Failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import ok
from tests.cli.test_hostile_thirteenth_results_cli import TRIO
from tests.core.test_nyc_cvr import CANDIDACY, HEADER, write_xlsx

ADA, BEN, CY = 217430, 217431, 217432
_REST = ["undervote"] * 3 + [""] * 5


def _paper(n: int, first: int, second: int | str) -> list[object]:
    return [str(100000 + n), "AD 65 ED 001", "1", first, second, *_REST]


# Ada 4, Ben 3, Cy 2 whose papers go to Ben: Ada has 44.4 % of the first round, Ben wins on transfers.
PAPERS = [
    *(_paper(k, ADA, "undervote") for k in range(4)),
    *(_paper(10 + k, BEN, "undervote") for k in range(3)),
    *(_paper(20 + k, CY, BEN) for k in range(2)),
]


def test_a_new_york_count_follows_the_contests_majority(db: list[str], tmp_path: Path) -> None:
    """`count cvr.xlsx --contest C` where C's majority is 40 % of valid votes: the NYC path replaced the rules with
    the city's (50 %) and counted on to Ben's win on transfers; it now elects Ada (44.4 %) in the first round, as
    the same ballots as a CSV do. Without --contest the city's own rules still apply."""
    (tmp_path / "trio.toml").write_text(TRIO + "\n[rules]\nmajority = 40.0\n", encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "trio.toml"), *db)
    cvr = str(write_xlsx(tmp_path / "2025P1V1_ELE1.xlsx", [HEADER, *PAPERS]))
    names = str(write_xlsx(tmp_path / "CandidacyID_To_Name.xlsx", CANDIDACY))
    base = ["count", cvr, "--system", "irv", "--cvr-contest", "DEM Mayor", "--candidacy", names, "--json", *db]
    plain = json.loads(ok(*base))
    assert plain["winner"] == "Ben Brown" and plain["rules"]["majority"] == 50.0
    counted = json.loads(ok(*base, "--contest", "Trio Mayor 2025"))
    assert counted["rules"]["majority"] == 40.0
    assert counted["winner"] == "Ada Adams" and len(counted["rounds"]) == 1
    assert counted["rules"]["max_rankings"] == plain["rules"]["max_rankings"] == 5  # the city's rankings kept
    # the same papers as a ballot CSV, counted to the same contest: the same winner
    csv = tmp_path / "ballots.csv"
    csv.write_text("count,pref1,pref2\n4,Ada Adams,\n3,Ben Brown,\n2,Cy Cole,Ben Brown\n", encoding="utf-8")
    same = json.loads(ok("count", str(csv), "--system", "irv", "--contest", "Trio Mayor 2025", "--json", *db))
    assert same["winner"] == counted["winner"]


def test_warroom_scenario_says_when_it_cannot_follow_a_tie_for_second(db: list[str], tmp_path: Path) -> None:
    """A poll of 40-30-30: `warroom scenario` printed a runoff of Ann and Bob with no word that Bob and Cat tie
    for second (both stay in a Supplementary Vote count); the note (and any other of the projection's notes, which
    no front end printed) is now printed and in --json."""
    (tmp_path / "trio.toml").write_text(TRIO, encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "trio.toml"), *db)
    polls = tmp_path / "polls.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat\n"
        "P1,2025-04-20,2025-04-22,1000,40,30,30\n",
        encoding="utf-8",
    )
    ok("import", str(polls), "--contest", "Trio Mayor 2025", *db)
    out = ok("scenario", "--contest", "Trio Mayor 2025", *db)
    # The runoff is Ann against Cat, the pair the contingent count keeps (the later name: core.types.placing);
    # it ran Ann against Bob, the earlier code (core.runoff.front_pair)
    assert "Note: Cole and Baker are level for second on 30.0 %" in out
    assert "counts a runoff of Able and Cole only" in out
    shown = json.loads(ok("scenario", "--contest", "Trio Mayor 2025", "--json", *db))
    assert any("level for second" in note for note in shown["notes"])
    assert set(shown["runoff"]) == {"ann", "cat", "exhausted_pct_of_voters"}
