"""Issue 16: `warroom count --save-result` for a race with a standing candidate named on no ballot. The result
check asks a first-round figure of every standing candidate, but the count's result listed only the names on the
ballots, so a legitimate count was refused ("Cy Reid stands but has no first-round figure"). The count knows he
had no paper: he is stored with 0, the later rounds as the count gives them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import ok

RACE = """\
[contest]
name = "Riverton 2028"
election_date = 2028-05-20
system = "irv"
"""
NAMES = {"park": "Ada Park", "nolan": "Bo Nolan", "ott": "Di Ott", "reid": "Cy Reid"}


def test_a_standing_candidate_on_no_ballot_is_saved_with_no_votes(db: list[str], tmp_path: Path) -> None:
    race = tmp_path / "race.toml"
    race.write_text(
        RACE + "".join(f'\n[[candidate]]\ncode = "{c}"\nname = "{n}"\n' for c, n in NAMES.items()), encoding="utf-8"
    )
    ok("contest", "new", "--from", str(race), *db)
    ballots = tmp_path / "ballots.csv"
    ballots.write_text("count,rank1,rank2\n40,Ada Park,Bo Nolan\n35,Bo Nolan,Ada Park\n30,Di Ott,Bo Nolan\n")
    out = json.loads(
        ok("count", str(ballots), "--system", "irv", "--contest", "Riverton 2028", "--save-result", "--json", *db)
    )
    assert out["winner"] == "Bo Nolan" and out["saved_result_of"] == "Riverton 2028"
    result = json.loads(ok("contest", "show", "--contest", "Riverton 2028", "--json", *db))["result"]
    assert result["first_round"] == {"park": 40, "nolan": 35, "ott": 30, "reid": 0}
    assert result["final_round"] == {"park": 40, "nolan": 65}
    assert result["transfers"] == [{"from": "ott", "to": "nolan", "votes": 30}] and result["exhausted"] == 0
