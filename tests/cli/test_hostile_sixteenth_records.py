"""Sixteenth hostile pass (issue 16): a saved scenario whose stored record is not JSON (edited outside warroom).

The promise: an unreadable saved record is reported by name and left out. A record whose text was not JSON at all
(`not json`), or JSON nested deeper than the reader's recursion limit, broke every saved scenario of its race
instead: `warroom scenario --name GOOD` said only "Expecting value: line 1 column 1 (char 0)" (or was a
RecursionError traceback), and `warroom render window` could not draw the race at all. A record that is JSON but
not an object (`[1]`) was an AttributeError in the window's scenario list. Each is now that scenario's message.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli._run import ok, run

BROKEN = {
    "text": ("settings_json", "not json"),
    "nested": ("settings_json", "[" * 100_000),
    "nested object": ("baseline_json", '{"a":' * 100_000),
    "a list": ("baseline_json", "[1]"),
}


def _store_with(db: list[str], tmp_path: Path, column: str, text: str) -> None:
    ok(*db, "scenario", "--save", "good")
    ok(*db, "scenario", "--save", "bad", "--drag", "40")
    with sqlite3.connect(tmp_path / "state" / "data" / "polls.sqlite3") as conn:
        conn.execute(f"UPDATE scenario SET {column} = ? WHERE name = 'bad'", (text,))
    conn.close()


@pytest.mark.parametrize("broken", BROKEN, ids=list(BROKEN))
def test_a_saved_record_that_is_not_json_is_named_and_the_others_still_read(
    db: list[str], tmp_path: Path, broken: str
) -> None:
    _store_with(db, tmp_path, *BROKEN[broken])
    assert "good" in ok(*db, "scenario", "--name", "good")
    code, _out, err = run(*db, "scenario", "--name", "bad")
    assert code == 1, err
    assert "Traceback" not in err and "saved scenario 'bad' cannot be read" in err, err


@pytest.mark.parametrize("broken", ["text", "a list"])
def test_the_window_of_a_race_with_an_unreadable_saved_record_is_drawn(
    db: list[str], tmp_path: Path, qapp, broken: str
) -> None:
    _store_with(db, tmp_path, *BROKEN[broken])
    code, _out, err = run(*db, "render", "window", "--out", str(tmp_path / "w.png"), "--width", "1200")
    assert code == 0, err
    assert (tmp_path / "w.png").stat().st_size > 0


@pytest.mark.parametrize("broken", ["text", "nested"])
def test_a_bundle_export_names_the_unreadable_saved_record_and_writes_nothing(
    db: list[str], tmp_path: Path, broken: str
) -> None:
    """`warroom export --bundle` said "Expecting value: line 1 column 1 (char 0)" (or a RecursionError traceback)."""
    _store_with(db, tmp_path, *BROKEN[broken])
    target = tmp_path / "race.json"
    code, _out, err = run(*db, "--contest", "London Mayor 2012", "export", "--bundle", str(target))
    assert code == 1, err
    assert "Traceback" not in err and "saved scenario 'bad'" in err and "not a JSON object" in err, err
    assert not target.exists()


@pytest.mark.parametrize("race", ["France 2022 presidential", "Burlington Mayor 2009"])
def test_an_unreadable_saved_case_of_another_system_is_named_as_unreadable_not_missing(
    db: list[str], tmp_path: Path, race: str
) -> None:
    """On a two-round or instant-runoff race, `scenario --name bad` said "no saved scenario 'bad'" of a case that
    is saved, its record unreadable."""
    ok(*db, "--contest", race, "scenario", "--save", "bad")
    with sqlite3.connect(tmp_path / "state" / "data" / "polls.sqlite3") as conn:
        conn.execute("UPDATE scenario SET baseline_json = 'not json' WHERE name = 'bad'")
    conn.close()
    code, _out, err = run(*db, "--contest", race, "scenario", "--name", "bad")
    assert code == 1, err
    assert "saved scenario 'bad' cannot be read" in err and "no saved scenario" not in err, err
