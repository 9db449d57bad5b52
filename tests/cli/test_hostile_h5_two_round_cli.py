"""Issue 16, a fresh pass on two-round and instant-runoff races at the command line (h5). Failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import ok

FRANCE = "France 2022 presidential"


def test_scenario_name_says_a_two_round_finalist_was_renamed_or_withdrew_since(db: list[str], tmp_path: Path) -> None:
    """`warroom scenario --name` of a two-round case printed it as saved and said nothing of Le Pen renamed and
    withdrawn since (a runoff or instant-runoff case says "Since it was saved: ...")."""
    ok("scenario", "--contest", FRANCE, "--save", "Plan A", *db)
    toml = tmp_path / "france.toml"
    ok("contest", "export", FRANCE, "--out", str(toml), *db)
    text = toml.read_text(encoding="utf-8")
    head, _, tail = text.partition('code = "le-pen"')
    tail = tail.replace('name = "Marine Le Pen"', 'name = "Marine Le Pen-Aliot"', 1)
    tail = tail.replace("withdrawn = false", "withdrawn = true", 1)
    toml.write_text(head + 'code = "le-pen"' + tail, encoding="utf-8")
    ok("contest", "edit", FRANCE, "--from", str(toml), *db)
    out = ok("scenario", "--contest", FRANCE, "--name", "Plan A", *db)
    said = "Since it was saved: Marine Le Pen is now Marine Le Pen-Aliot; Marine Le Pen has withdrawn."
    assert f"Note: {said}" in out, out
    assert "Marine Le Pen                       45.4" in out  # the figures and names as saved
    assert json.loads(ok("scenario", "--contest", FRANCE, "--name", "Plan A", "--json", *db))["today"] == said


def _edited_france(db: list[str], tmp_path: Path, old: str, new: str) -> None:
    toml = tmp_path / "france.toml"
    ok("contest", "export", FRANCE, "--out", str(toml), *db)
    text = toml.read_text(encoding="utf-8")
    head, _, tail = text.partition('code = "le-pen"')
    toml.write_text(head + 'code = "le-pen"' + tail.replace(old, new, 1), encoding="utf-8")
    ok("contest", "edit", FRANCE, "--from", str(toml), *db)


def test_qualify_average_and_scenario_leave_a_withdrawn_candidate_out_of_the_runoff(
    db: list[str], tmp_path: Path
) -> None:
    """Le Pen marked withdrawn: `qualify` gave her 93 %, `average` and `scenario` started on her runoff."""
    _edited_france(db, tmp_path, "withdrawn = false", "withdrawn = true")
    out = ok("qualify", "--contest", FRANCE, *db)
    row = next(line for line in out.splitlines() if line.startswith("Marine Le Pen"))
    assert row.rstrip().endswith(" 0 %"), row
    scenario = ok("scenario", "--contest", FRANCE, *db)
    assert "Runoff: Emmanuel Macron v Jean-Luc Mélenchon" in scenario, scenario
    average = ok("average", "--contest", FRANCE, *db)
    assert "runoff Emmanuel Macron / Jean-Luc Mélenchon" in average, average
