"""`warroom scenario` on two-round and instant-runoff contests: --save and --name, the options of each kind with
clear messages for the wrong ones, and a saved case that travels in a campaign bundle giving the same figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import ok, run
from warroom.demo import FRANCE_2022_NAME

BURLINGTON = "Burlington Mayor 2009"


def test_a_two_round_case_from_options_saved_and_read_back(db: list[str]) -> None:
    fr = ["scenario", "--contest", FRANCE_2022_NAME, *db]
    start = json.loads(ok(*fr, "--json"))
    assert start["kind"] == "two_round" and start["matchup"] == ["Emmanuel Macron", "Marine Le Pen"]
    assert start["winner"] == "Emmanuel Macron" and start["scenario"] is None
    opts = ["--split", "melenchon=30/25/15/30", "--turnout", "-20", "--message", "10", "--message-to", "50,25,25"]
    made = json.loads(ok(*fr, *opts, "--save", "Mélenchon home", "--json"))
    assert made["scenario"] == "Mélenchon home" and made["settings"]["turnout"] == -0.2
    assert dict(made["settings"]["splits"])["Jean-Luc Mélenchon"] == [30.0, 25.0, 15.0, 30.0]
    assert made["settings"]["message"]["on"] == "Emmanuel Macron" and made["margin"] < start["margin"]
    back = json.loads(ok(*fr, "--name", "Mélenchon home", "--json"))
    for key in ("winner", "margin", "winner_chance", "a_share", "turnout", "break_evens", "settings", "headline"):
        assert back[key] == made[key], key
    assert back["today"] is None  # the same data: the same answer
    text = ok(*fr, "--name", "Mélenchon home")
    assert "runoff scenario Mélenchon home (saved " in text and made["headline"] in text
    # another pair, another hypothesis
    other = json.loads(ok(*fr, "--matchup", "Macron/Mélenchon", "--json"))
    assert other["matchup"] == ["Emmanuel Macron", "Jean-Luc Mélenchon"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--split", "melenchon=30/25/15"], "give 4 numbers"),
        (["--split", "nobody=25/25/25/25"], "'nobody' is not a first-round candidate"),
        (["--turnout", "150"], "--turnout: give a percentage within -100 to 100"),
        (["--drag", "20"], "--drag: not a two-round option"),
        (["--message-on", "zemmour"], "the message works on a finalist"),
        (["--matchup", "Macron/Nobody"], "no poll asks the matchup"),
        (["--name", "nothing"], "no saved scenario 'nothing'"),
    ],
)
def test_two_round_options_are_checked_with_messages(db: list[str], options: list[str], message: str) -> None:
    code, _out, err = run("scenario", "--contest", FRANCE_2022_NAME, *options, *db)
    assert code == 1 and message in err


def test_each_kind_refuses_the_others_options_and_names(db: list[str]) -> None:
    ok("scenario", "--contest", FRANCE_2022_NAME, "--save", "Plan", *db)
    code, _, err = run("scenario", "--contest", "London Mayor 2012", "--turnout", "10", *db)
    assert code == 1 and "are for two-round contests" in err
    code, _, err = run("scenario", "--contest", BURLINGTON, "--matchup", "a/b", *db)
    assert code == 1 and "--matchup: a runoff option" in err
    # a saved case of one contest is not another's
    code, _, err = run("scenario", "--contest", BURLINGTON, "--name", "Plan", *db)
    assert code == 1 and "no saved scenario 'Plan' for Burlington Mayor 2009" in err
    # a name holding another kind of case is not overwritten (a runoff record written into the contest)
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import polls as repo

    paths = AppPaths.under(Path(db[1]))
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    with store.sessions.begin() as s:
        cid = next(c.id for c in repo.list_contests(s) if c.name == FRANCE_2022_NAME)
        repo.save_scenario(s, cid, "Old runoff", {"choice": {}, "baseline": {}}, {})
    store.close()
    code, _, err = run("scenario", "--contest", FRANCE_2022_NAME, "--save", "Old runoff", *db)
    assert code == 1 and "a runoff (SV) scenario is already saved as 'Old runoff'" in err


def test_an_irv_case_is_saved_and_read_back_exactly(db: list[str]) -> None:
    bu = ["scenario", "--contest", BURLINGTON, *db]
    made = json.loads(
        ok(*bu, "--row", "montroll=wright:60,kiss:30,exhausted:10", "--save", "Montroll to Wright", "--json")
    )
    back = json.loads(ok(*bu, "--name", "Montroll to Wright", "--json"))
    for key in ("headline", "winner", "final_margin", "p_win", "rounds", "next_preferences", "winner_chance"):
        assert back[key] == made[key], key
    assert back["scenario"] == "Montroll to Wright" and back["winner"] == "wright"
    plain = json.loads(ok(*bu, "--json"))
    assert plain["winner"] == "kiss" and plain["scenario"] is None


def test_saved_two_round_and_irv_cases_travel_in_a_bundle(db: list[str], tmp_path: Path) -> None:
    ok("scenario", "--contest", FRANCE_2022_NAME, "--split", "melenchon=30/25/15/30", "--save", "Home", *db)
    before = json.loads(ok("scenario", "--contest", FRANCE_2022_NAME, "--name", "Home", "--json", *db))
    bundle = tmp_path / "france.json"
    ok("export", "--contest", FRANCE_2022_NAME, "--bundle", str(bundle), *db)
    data = json.loads(bundle.read_text(encoding="utf-8"))
    data["contest"]["contest"]["name"] = "France 2022 (copy)"
    bundle.write_text(json.dumps(data), encoding="utf-8")
    ok("import", str(bundle), *db)
    after = json.loads(ok("scenario", "--contest", "France 2022 (copy)", "--name", "Home", "--json", *db))
    for key in ("winner", "margin", "winner_chance", "settings", "headline", "saved_at"):
        assert after[key] == before[key], key


def test_split_names_blank_and_null_voters_in_each_spelling_the_code_lists() -> None:
    """'blank-null' was listed but never matched (name_key reads '-' as a space): refused as 'not a first-round
    candidate' (issue 16 hostile pass)."""
    from warroom.cli.cases import _electorate
    from warroom.core.france import ABSTAINERS, BLANK_NULL

    votes = {"Emmanuel Macron": 1.0, "Marine Le Pen": 1.0}
    for text in ("blank", "blank-null", "Blank null", "blanknull", "null", "blank and null"):
        assert _electorate(votes, text, "--split") == BLANK_NULL, text
    assert _electorate(votes, "abstainers", "--split") == ABSTAINERS
    assert _electorate(votes, "macron", "--split") == "Emmanuel Macron"
