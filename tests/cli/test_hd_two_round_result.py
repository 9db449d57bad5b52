"""Issue 16: `warroom contest result` refuses a two-round race, whose result is its official rounds.

It stored a first-and-final-round result beside France 2022's official rounds, read by none of the race's
figures (its back-test reads the rounds), and `contest show` listed both: two official results for one race."""

from __future__ import annotations

from pathlib import Path

from tests.cli._run import ok, run
from warroom.demo import FRANCE_2022_NAME


def test_contest_result_of_a_two_round_race_is_refused_naming_its_official_rounds(tmp_path: Path, db) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "result.csv"
    source.write_text(
        "candidate,first_round,final_round\nmacron,1000,600\nle-pen,900,400\nother,10,\nexhausted,0,910\n"
    )
    code, _out, err = run("contest", "result", FRANCE_2022_NAME, "--from", str(source), *db)
    assert code == 1, err
    assert "official_results.csv" in err and "two-round" in err, err
    shown = ok("contest", "show", FRANCE_2022_NAME, *db)
    assert "Official result. Source" not in shown
    assert "Official result, round 1" in shown
