"""Issue 16, what the hK pass left on the command line (hM). Each test failed before its fix."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli._run import ok, run
from warroom.demo import FRANCE_2022_NAME

LONDON, BURLINGTON = "London Mayor 2012", "Burlington Mayor 2009"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store for the module's tests (a new store seeds the demos, about a second): each test's names are its
    own."""
    return tmp_path_factory.mktemp("hM")


def _stored(home: Path, name: str) -> tuple[str, str]:
    with sqlite3.connect(home / "data" / "polls.sqlite3") as conn:
        row = conn.execute("SELECT baseline_json, settings_json FROM scenario WHERE name = ?", (name,)).fetchone()
    conn.close()
    return row


CASES = (
    (LONDON, ("--message", "10"), ("--message", "40")),
    (FRANCE_2022_NAME, ("--turnout", "5"), ("--turnout", "-5")),
    (BURLINGTON, ("--row", "montroll=wright:60,kiss:30,exhausted:10"), ("--row", "montroll=kiss:90,wright:10")),
)  # a runoff (SV), a two-round and an instant-runoff race: each kind of case is saved its own way


def test_save_refuses_to_replace_a_saved_scenario_without_replace(home: Path) -> None:
    """`scenario --save NAME` replaced a saved scenario of that name without a word, and the command line has no
    undo. It is refused naming the case and the race, exit 1, nothing written, unless --replace is given."""
    for race, first, second in CASES:
        sc = ["scenario", "--contest", race, "--data-dir", str(home)]
        ok(*sc, *first, "--save", f"Plan {race}")
        before = _stored(home, f"Plan {race}")
        code, out, err = run(*sc, *second, "--save", f" Plan {race} ")
        assert code == 1 and out == "" and "Traceback" not in err, err
        assert f"a scenario is already saved as 'Plan {race}' for {race}" in err and "--replace" in err, err
        assert _stored(home, f"Plan {race}") == before
        ok(*sc, *second, "--save", f"Plan {race}", "--replace")
        assert _stored(home, f"Plan {race}") != before


def test_replace_without_save_is_a_usage_error(db: list[str]) -> None:
    code, _out, err = run("scenario", *db, "--replace")
    assert code == 2 and "--replace goes with --save" in err, err


LONG = "x" * 180_000  # a 180 KB argument (a file's contents pasted by mistake, a runaway script variable)


def test_a_long_argument_is_echoed_cut_short_in_messages(home: Path) -> None:
    """A refused `--row`, `--split` or `--matchup` was repeated whole in its message (180 KB to the terminal,
    twice for some). It is quoted to its first 80 characters and its length."""
    import dataclasses

    from tests.conftest import TOY
    from warroom.cli.irv import parse_row
    from warroom.core.types import CountingSystem

    irv = dataclasses.replace(TOY, system=CountingSystem.IRV)
    for row in (LONG, f"{LONG}=x:100", f"{TOY.candidates[0].code}={LONG}:100", f"{TOY.candidates[0].code}=x:{LONG}"):
        with pytest.raises(ValueError) as info:
            parse_row(irv, row)
        assert len(str(info.value)) < 700 and "(180,000 characters)" in str(info.value), str(info.value)[:300]
    fr = ("--contest", FRANCE_2022_NAME)
    for args in (
        ("--split", f"{LONG}=10/80/10"),
        ("--split", f"paddick={LONG}"),
        ("--split", f"paddick=10/80/{LONG}"),
        (*fr, "--split", f"{LONG}=10/80/5/5"),
        (*fr, "--split", f"abstainers=10/80/5/{LONG}"),
        (*fr, "--matchup", LONG),
        (*fr, "--matchup", f"Macron/{LONG}"),
    ):
        code, _out, err = run("scenario", "--data-dir", str(home), *args)
        assert code != 0 and len(err) < 700 and "(180,0" in err, (args[:-1], err[:300])


def test_a_long_contest_name_or_size_is_echoed_cut_short(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--contest` and `render --width` were repeated whole when refused, as `--row` was."""
    for args in (("polls", "--contest", LONG), ("backtest", "--contest", LONG), ("contest", "show", LONG)):
        code, _out, err = run(*args, "--data-dir", str(home))
        assert code != 0 and len(err) < 700 and "(180,000 characters)" in err, (args[:-1], err[:300])
    with pytest.raises(SystemExit):  # (argparse's own refusal: usage, exit 2)
        run("render", "first", "--out", str(home / "x.png"), "--width", LONG, "--data-dir", str(home))
    err = capsys.readouterr().err
    assert len(err) < 1500 and "(180,000 characters) is not a whole number of pixels" in err, err[:300]
