"""Hostile pass 10 (issue 16), command line: what the ninth pass left (--turnout -100 on a two-round race)."""

from __future__ import annotations

from tests.cli._run import ok, run

FRANCE = "France 2022 presidential"


def test_turnout_minus_100_is_refused_saying_nobody_would_vote_and_minus_99_9_projects(db: list[str]) -> None:
    """`--turnout -100` printed "50.0 % of valid votes" and a 50 % chance, of no votes at all."""
    code, out, err = run(*db, "scenario", "--contest", FRANCE, "--turnout", "-100")
    assert code == 1 and out == "" and "nobody votes" in err and "-99.9 %" in err, (out, err)
    low = ok(*db, "scenario", "--contest", FRANCE, "--turnout", "-99.9")
    rest = ok(*db, "scenario", "--contest", FRANCE)
    assert "(lever -99.9 %)" in low and "(lever +0 %)" in rest
    share = [line for line in rest.splitlines() if "% of valid votes against" in line]
    assert share and share == [line for line in low.splitlines() if "% of valid votes against" in line]
    assert "50.0 % of valid votes" not in low
