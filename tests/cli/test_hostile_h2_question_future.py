"""Issue 16, hostile pass h2: the "fieldwork in the future" rule of the poll CSV (a poll whose fieldwork starts
after today anywhere on Earth, `core.validation.today_somewhere`) holds for the two-round imports too: the poll
CSV with question columns and the French compilations. Both stored a notice dated next week (or 2099, within
the race's window) without a word, and it was averaged as the latest poll. Now the import is refused naming the
line (or the notice) and the field, and nothing is written. Failed before its fix.

Dates are relative to today_somewhere() (as tests/cli/test_hostile_eleventh_env.py's): the day that has begun
in UTC+14 is today, the day after it the future."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from tests.cli._run import ok, run
from warroom.core.validation import today_somewhere
from warroom.resources import resource_path

FRANCE_2022 = resource_path("data", "france_2022")
HEAD = "pollster,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:ada,first:bea,first:cy,second:ada,second:bea\n"


def _contests(db: list[str]) -> dict[str, int]:
    return {c["name"]: c["polls"] for c in json.loads(ok("contests", "--json", *db))}


def two_round_race(db: list[str], tmp_path: Path, name: str = "Race") -> None:
    """A two-round race whose polling day is 200 days after today: next week is inside its polls' window."""
    race = tmp_path / f"{name}.toml"
    race.write_text(
        f'[contest]\nname = "{name}"\nelection_date = {today_somewhere() + timedelta(days=200)}\n'
        'system = "two_round"\n\n'
        '[[candidate]]\ncode = "ada"\nname = "Ada Lovelace"\ncolour = "#D55E00"\n\n'
        '[[candidate]]\ncode = "bea"\nname = "Bea Smith"\ncolour = "#0072B2"\n\n'
        '[[candidate]]\ncode = "cy"\nname = "Cy Young"\ncolour = "#009E73"\n',
        encoding="utf-8",
    )
    ok("contest", "new", "--from", str(race), *db)


def _rows(day: date, pid: str = "f1") -> str:
    return f"Ifop,{pid},H1,{day},{day},1000,40,35,25,,\nIfop,{pid},R1,{day},{day},1000,,,,52,48\n"


def test_a_question_csv_row_dated_after_today_anywhere_is_refused_naming_the_line(
    db: list[str], tmp_path: Path
) -> None:
    two_round_race(db, tmp_path)
    begun = today_somewhere()
    path = tmp_path / "questions.csv"
    path.write_text(HEAD + _rows(begun) + _rows(begun + timedelta(days=7), "f2"), encoding="utf-8")
    code, out, err = run("import", str(path), "--contest", "Race", *db)
    assert code == 1 and "Traceback" not in err, err
    assert f"questions.csv:4: fieldwork_start: {begun + timedelta(days=7)} is in the future" in err, err
    assert "nothing imported" in err and "imported into" not in out
    assert _contests(db)["Race"] == 0  # all or nothing: the row dated today was not written either
    # today, where the day has begun, is not the future
    path.write_text(HEAD + _rows(begun), encoding="utf-8")
    assert "imported into Race: 1 polls" in ok("import", str(path), "--contest", "Race", *db)


def _nsppolls(tmp_path: Path, day: date) -> Path:
    """The first poll of the 2022 NSPPolls file (its rows), dated `day`."""
    source = (FRANCE_2022 / "nsppolls_presidentielle.csv").read_text(encoding="utf-8").splitlines()
    first = source[1].split(",")[5]
    rows = [line.replace("2022-01-02", day.isoformat()).replace("2022-01-05", day.isoformat()) for line in source[1:]]
    folder = tmp_path / f"nsp-{day}"
    folder.mkdir()
    path = folder / "nsppolls_presidentielle.csv"
    path.write_text("\n".join([source[0], *(r for r in rows if r.split(",")[5] == first)]) + "\n", encoding="utf-8")
    return path


def test_a_compilation_notice_dated_after_today_anywhere_is_refused(db: list[str], tmp_path: Path) -> None:
    begun = today_somewhere()
    election = str(begun + timedelta(days=120))
    new = ["--new-contest", "France 2027", "--election-date", election, *db]
    code, out, err = run("import", str(_nsppolls(tmp_path, begun + timedelta(days=3))), *new)
    assert code == 1 and out == "" and "Traceback" not in err, err
    assert f"fieldwork_start {begun + timedelta(days=3)} is in the future" in err and "Opinion Way" in err, err
    assert "France 2027" not in _contests(db)  # nor the contest made for it
    got = json.loads(ok("import", str(_nsppolls(tmp_path, begun)), *new, "--json"))
    assert got["created"] and got["imported"]["polls"] == 1
