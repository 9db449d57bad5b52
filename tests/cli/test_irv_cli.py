"""`warroom scenario` on an instant-runoff contest: the chain, the chances and the break-evens, and clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import run
from tests.irv_fixture import IRV_CONTEST, add_irv_contest
from warroom.bootstrap import open_store


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    path = tmp_path / "store.sqlite3"
    store = open_store(path, backup_dir=None)  # with the London demo, a runoff contest
    add_irv_contest(store)
    store.close()
    return ["--db", str(path), "--data-dir", str(tmp_path / "state")]


def test_a_row_typed_on_the_command_line_flips_third_place_and_the_winner(db: list[str]) -> None:
    base = ["scenario", *db, "--contest", IRV_CONTEST.name, "--json"]
    code, out, err = run(*base)
    assert code == 0, err
    before = json.loads(out)
    assert before["winner"] == "grn" and before["eliminations"][-1]["eliminated"] == ["alp"]
    assert before["eliminations"][-1]["decisive"] and before["break_evens_of"] == "alp"
    assert sum(before["p_win"].values()) == pytest.approx(1, abs=1e-3)
    assert before["row_sources"]["ind"] == "polls"
    code, out, err = run(*base, "--row", "dale=nolan:30,reid:45,park:25", "--row-of", "Dale")
    assert code == 0, err
    after = json.loads(out)
    assert after["next_preferences"]["ind"]["grn"] == pytest.approx(30)
    assert after["winner"] == "alp" and after["eliminations"][-1]["eliminated"] == ["grn"]
    assert after["break_evens"][0]["text"].startswith("If ")
    assert "Nolan overtakes Reid" in after["break_evens"][0]["text"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--message", "50"], "--message: a runoff option"),
        (["--row", "dale=nolan:30,reid:45"], "must sum to 100"),
        (["--row", "dale=zed:100"], "'zed' is not a candidate"),
        (["--row", "dale"], "use CANDIDATE=OTHER:PCT"),
        (["--row-of", "zed"], "'zed' is not a candidate"),
    ],
)
def test_bad_options_are_refused_naming_what(db: list[str], extra: list[str], message: str) -> None:
    code, _out, err = run("scenario", *db, "--contest", IRV_CONTEST.name, *extra)
    assert code == 1 and message in err, err


def test_irv_options_on_a_runoff_contest_are_refused(db: list[str]) -> None:
    code, _out, err = run("scenario", *db, "--contest", "London Mayor 2012", "--row", "paddick=johnson:100")
    assert code == 1 and "instant-runoff contests" in err


def test_last_elections_ballots_give_the_rows_on_the_command_line(db: list[str], tmp_path: Path) -> None:
    path = tmp_path / "riverton_2022.csv"
    path.write_text("count,p1,p2\n60,Dee Moss,Park\n30,Dee Moss,Nolan\n10,Dee Moss,\n")
    base = ["scenario", *db, "--contest", IRV_CONTEST.name, "--json"]
    code, out, err = run(*base, "--prior-ballots", str(path))
    assert code == 0, err
    data = json.loads(out)
    assert data["next_preferences"]["dem"]["lnp"] == pytest.approx(60)
    assert data["row_sources"]["dem"] == "ballots in riverton_2022.csv"
    path.write_text("count,p1,p2\n5,Zed Zero,Park\n")
    code, _out, err = run(*base, "--prior-ballots", str(path))
    assert code == 1 and "riverton_2022.csv: 'Zed Zero' on the ballots match no single candidate" in err
    code, _out, err = run(*base, "--prior-ballots", str(tmp_path / "missing.csv"))
    assert code == 1 and "no such file" in err
