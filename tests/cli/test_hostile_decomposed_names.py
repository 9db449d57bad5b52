"""A saved scenario whose stored name is not in composed form (stored before names were composed, or written into
the store by hand or another tool) is found by its name typed again: the command line and the window compose
what is typed (core.pipeline.name_as_saved), and the look-up compared that with the stored text as it was, so the
list named the case and `--name` said there was none."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

from tests.cli._run import ok, run
from warroom.core.pipeline import saved_name_in

COMPOSED = "Plan R\u00e9gion"  # é as one letter
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)  # e + combining acute


def test_the_stored_name_a_wanted_name_reads_as() -> None:
    assert DECOMPOSED != COMPOSED
    assert saved_name_in(COMPOSED, ["Other", DECOMPOSED]) == DECOMPOSED
    assert saved_name_in(f"  {DECOMPOSED} ", ["Other", COMPOSED]) == COMPOSED
    assert saved_name_in("Plan A", ["Plan A", " Plan A "]) == "Plan A"  # the name itself first
    assert saved_name_in("Plan B", ["Plan A", COMPOSED]) is None
    assert saved_name_in("plan a", ["Plan A"]) is None  # a look-alike is not the same name


def test_a_scenario_stored_decomposed_is_found_by_its_name_typed_again(db: list[str], tmp_path: Path) -> None:
    ok(*db, "scenario", "--message", "20", "--save", COMPOSED)
    with sqlite3.connect(tmp_path / "state" / "data" / "polls.sqlite3") as conn:
        changed = conn.execute("UPDATE scenario SET name = ? WHERE name = ?", (DECOMPOSED, COMPOSED)).rowcount
    assert changed == 1
    shown = ok(*db, "scenario", "--name", COMPOSED)
    assert "20 % of Johnson's personal vote" in shown, shown
    code, _out, err = run(*db, "scenario", "--name", "Plan Nowhere")
    assert code != 0 and "no saved scenario" in err, err


def test_a_percentage_just_over_100_is_refused_showing_what_was_typed(db: list[str]) -> None:
    """`--message 100.0000001` was refused as "(got 100)": the figure shown was within the range it named."""
    code, _out, err = run(*db, "scenario", "--message", "100.0000001")
    assert code == 1 and "within 0-100 (got 100.0000001)" in err, err
