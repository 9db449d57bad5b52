"""Issue 16, what the hK pass left on the command line (hM). Each test failed before its fix."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli._run import ok, run
from warroom.demo import FRANCE_2022_NAME

LONDON, BURLINGTON = "London Mayor 2012", "Burlington Mayor 2009"


def _stored(tmp_path: Path, name: str) -> tuple[str, str]:
    with sqlite3.connect(tmp_path / "state" / "data" / "polls.sqlite3") as conn:
        row = conn.execute("SELECT baseline_json, settings_json FROM scenario WHERE name = ?", (name,)).fetchone()
    conn.close()
    return row


CASES = (
    (LONDON, ("--message", "10"), ("--message", "40")),
    (FRANCE_2022_NAME, ("--turnout", "5"), ("--turnout", "-5")),
    (BURLINGTON, ("--row", "montroll=wright:60,kiss:30,exhausted:10"), ("--row", "montroll=kiss:90,wright:10")),
)  # a runoff (SV), a two-round and an instant-runoff race: each kind of case is saved its own way


def test_save_refuses_to_replace_a_saved_scenario_without_replace(db: list[str], tmp_path: Path) -> None:
    """`scenario --save NAME` replaced a saved scenario of that name without a word, and the command line has no
    undo. It is refused naming the case and the race, exit 1, nothing written, unless --replace is given."""
    for race, first, second in CASES:
        sc = ["scenario", "--contest", race, *db]
        ok(*sc, *first, "--save", f"Plan {race}")
        before = _stored(tmp_path, f"Plan {race}")
        code, out, err = run(*sc, *second, "--save", f" Plan {race} ")
        assert code == 1 and out == "" and "Traceback" not in err, err
        assert f"a scenario is already saved as 'Plan {race}' for {race}" in err and "--replace" in err, err
        assert _stored(tmp_path, f"Plan {race}") == before
        ok(*sc, *second, "--save", f"Plan {race}", "--replace")
        assert _stored(tmp_path, f"Plan {race}") != before


def test_replace_without_save_is_a_usage_error(db: list[str]) -> None:
    code, _out, err = run("scenario", *db, "--replace")
    assert code == 2 and "--replace goes with --save" in err, err
