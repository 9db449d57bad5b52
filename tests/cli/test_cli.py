from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.cli._run import run
from warroom.cli import main
from warroom.demo import DEMO_NAME
from warroom.resources import resource_path


def test_first_start_seeds_the_demo_races(db: list[str]) -> None:
    code, out, _ = run("contests", *db, "--json")
    assert code == 0
    france, contest, burlington = json.loads(out)  # newest election first
    assert contest["name"] == DEMO_NAME and contest["system"] == "sv" and contest["polls"] > 10
    assert (france["name"], france["system"], france["polls"]) == ("France 2022 presidential", "two_round", 409)
    assert (burlington["name"], burlington["system"], burlington["polls"]) == ("Burlington Mayor 2009", "irv", 0)
    code, out, _ = run("average", *db)  # a new store still opens on London 2012
    assert code == 0 and DEMO_NAME in out
    code, out, _ = run("polls", *db)
    assert code == 0 and "YouGov" in out


def test_count_reproduces_london_2012(db: list[str]) -> None:
    path = resource_path("data", "london_2012_ballots.csv")
    code, out, _ = run("count", str(path), "--system", "sv", *db)
    assert code == 0
    assert "1,054,811" in out and "992,273" in out and "Winner: Boris Johnson" in out
    code, out, _ = run("count", str(path), "--system", "sv", "--json", *db)
    data = json.loads(out)
    assert data["winner"] == "Boris Johnson"
    assert data["rounds"][1]["tallies"] == {"Boris Johnson": 1054811, "Ken Livingstone": 992273}
    exhausted = data["rounds"][1]["exhausted"]
    assert exhausted == 346626 - 82880 - 102355


def test_import_is_all_or_nothing_with_line_numbers(db: list[str], tmp_path: Path) -> None:
    _, before, _ = run("polls", *db, "--json")
    n_before = len(json.loads(before)["polls"])
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other\n"
        "Acme,2012-04-01,2012-04-02,1000,45,40,15\n"
        "Acme,2012-04-05,2012-04-03,1000,45,40,15\n"
        "Acme,2012-04-07,2012-04-08,-5,45,40,15\n"
        "Acme,2012-04-09,2012-04-10,1000,70,40,15\n"
    )
    code, _, err = run("import", str(bad), *db)
    assert code == 1
    assert "bad.csv:3: fieldwork_end" in err
    assert "bad.csv:4: sample_size" in err
    assert "bad.csv:5: first" in err
    assert "nothing imported" in err
    _, after, _ = run("polls", *db, "--json")
    assert len(json.loads(after)["polls"]) == n_before


def test_import_then_export_round_trip_escapes_formulas(db: list[str], tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "pollster,client,fieldwork_start,fieldwork_end,sample_size,notes,first:johnson,first:livingstone,first:other,second:johnson,second:livingstone\n"
        'Acme,"=HYPERLINK(""x"")",2012-04-01,2012-04-02,"1,000",@risky,45,40,15,53,47\n'
    )
    code, out, err = run("import", str(good), *db, "--json")
    assert code == 0, err
    assert json.loads(out)["imported"] == 1
    code, _, err = run("import", str(good), *db)
    assert code == 1 and "already stored" in err
    exported = tmp_path / "out.csv"
    code, _, _ = run("export", str(exported), *db)
    assert code == 0
    text = exported.read_text()
    assert "'=HYPERLINK" in text and "'@risky" in text
    assert "\n=" not in text and ",=" not in text and ",@" not in text


def test_store_errors_exit_3_with_the_path(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database at all")
    code, _, err = run("polls", "--db", str(junk))
    assert code == 3
    assert str(junk) in err and "not a warroom poll store" in err
    assert junk.read_text() == "not a database at all"


def test_missing_file_is_a_clear_error(db: list[str], tmp_path: Path) -> None:
    code, _, err = run("import", str(tmp_path / "nope.csv"), *db)
    assert code == 1 and "no such file" in err


def test_cli_on_any_store_url(store_url: str, tmp_path: Path) -> None:
    """The same verbs on a SQLite file and, when WARROOM_PG_URL is set, on a PostgreSQL team store."""
    db = ["--db", store_url]
    # made as the app makes it: a verb that only reads makes none, neither a SQLite file nor in an empty database
    from warroom.bootstrap import open_store

    open_store(store_url, backup_dir=None).close()
    code, out, err = run("polls", *db, "--json")
    assert code == 0, err
    n = len(json.loads(out)["polls"])
    assert n > 10  # seeded with the demo race on first use
    exported = tmp_path / "all.csv"
    assert run("export", str(exported), *db)[0] == 0
    code, _, err = run("import", str(exported), *db)
    assert code == 1 and "already stored" in err  # duplicates refused, nothing written
    new = tmp_path / "new.csv"
    new.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other\nTeam Poll,2012-04-01,2012-04-02,1000,45,40,15\n"
    )
    assert run("import", str(new), *db)[0] == 0
    code, out, _ = run("polls", *db, "--json")
    assert len(json.loads(out)["polls"]) == n + 1
    code, out, _ = run("scenario", *db, "--message", "50", "--json")
    assert code == 0 and "verdict" in json.loads(out)


def test_average_back_test_on_the_eve_of_the_2012_election(db: list[str]) -> None:
    code, out, err = run("average", "--as-of", "2012-05-02", *db, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["as_of"] == "2012-05-02" and data["front_runner"] == "johnson"
    errors = data["backtest"]["errors"]
    # The eve-of-poll average against the official first round (Johnson 44.0, Livingstone 40.3):
    assert abs(errors["johnson"]) < 2.0
    assert abs(errors["livingstone"]) < 4.0
    assert data["backtest"]["official_runoff_margin"] == pytest.approx(3.06, abs=0.01)
    assert abs(data["backtest"]["runoff_margin_error"]) < 5.0
    code, text, _ = run("average", "--as-of", "2012-05-02", *db)
    assert "Official runoff margin: +3.1" in text and "result %" in text


def test_gui_without_a_display_says_so(monkeypatch, tmp_path: Path) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["--data-dir", str(tmp_path / "state")])
    assert code == 2 and "no display found" in err.getvalue()


def test_import_of_dates_that_read_both_ways_needs_their_order(db: list[str], tmp_path: Path) -> None:
    """A US poll CSV whose days were all 12 or less was imported with days and months swapped, without a word."""
    us = tmp_path / "us.csv"
    us.write_text(
        "pollster,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other\n"
        "Acme,4/5/2012,1000,45,40,15\nAcme,4/12/2012,1000,44,41,15\n"
    )
    code, _, err = run("import", str(us), *db)
    assert code == 1 and "nothing imported" in err
    assert "us.csv:2: fieldwork_end: '4/5/2012' is 4 May 2012 read day first or 5 April 2012 read month first" in err
    code, _, err = run("import", str(us), "--dates", "mdy", *db)
    assert code == 0, err
    _, out, _ = run("polls", *db, "--json")
    ends = {p["fieldwork_end"] for p in json.loads(out)["polls"] if p["pollster"] == "Acme"}
    assert {"2012-04-05", "2012-04-12"} <= ends and "2012-05-04" not in ends
