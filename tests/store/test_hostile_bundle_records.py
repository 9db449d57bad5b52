"""A campaign bundle's saved scenarios are held to the reader of their kind at import (f4's pass, issue 16).

The bundle's polls, events and names were checked; the scenario records themselves were stored as they came, so
a hand-edited bundle (a message strength of 5, a split naming nobody, a baseline share of -50, a two-round case
with no first round) was "imported ... 5 scenarios" and each one was then unreadable for good ("saved scenario
'msg5' is invalid: message strength must lie within 0-1, got 5") in the window, compare, the briefing and
`warroom scenario --name`. Now the bundle is refused naming the scenario and the problem, nothing imported.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tests.cli._run import run


@pytest.fixture
def bundle(tmp_path: Path) -> dict:
    home = ["--data-dir", str(tmp_path / "home")]
    assert run(*home, "scenario", "--message", "30", "--save", "Plan")[0] == 0
    out = tmp_path / "campaign.json"
    assert run(*home, "export", "--contest", "London Mayor 2012", "--bundle", str(out))[0] == 0
    data = json.loads(out.read_text("utf-8"))
    data["contest"]["contest"]["name"] = "Our Mayor 2012"
    return data


def _broken(data: dict, part: str, key: str, value: object) -> dict:
    out = copy.deepcopy(data)
    record = out["scenarios"][0][part]
    if key == "first_round":
        record["baseline"]["first_round"]["johnson"] = value
    else:
        record[key] = value
    return out


@pytest.mark.parametrize(
    ("part", "key", "value", "words"),
    [
        ("settings", "message_strength", 5, "message strength must lie within 0-1"),
        ("settings", "drag_recovery", -3, "drag recovery must lie within 0-1"),
        ("settings", "splits", {"nobody": [1, 2, 3]}, "split parts must sum to 100"),
        ("baseline", "first_round", -50, "must lie within 0-100"),
        ("baseline", "kind", "two_round", "record version"),
        ("baseline", "kind", "ranked", "ranked"),
    ],
)
def test_a_bundled_scenario_its_own_reader_refuses_is_refused_whole(
    bundle: dict, tmp_path: Path, part: str, key: str, value: object, words: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(_broken(bundle, part, key, value)), encoding="utf-8")
    team = ["--data-dir", str(tmp_path / "team")]
    code, out, err = run(*team, "import", str(path))
    assert code == 1 and "scenarios[1]" in err and "'Plan'" in err and words in err, err
    assert "nothing imported" in err
    code, out, _err = run(*team, "contests")
    assert "Our Mayor 2012" not in out


def test_a_bundled_scenario_that_reads_is_imported(bundle: dict, tmp_path: Path) -> None:
    path = tmp_path / "good.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    team = ["--data-dir", str(tmp_path / "team")]
    code, out, err = run(*team, "import", str(path))
    assert code == 0 and "1 scenarios" in out, err
    code, out, err = run(*team, "scenario", "--contest", "Our Mayor 2012", "--name", "Plan")
    assert code == 0 and "30 % of Johnson's personal vote" in out, err


def test_a_refused_bundle_says_nothing_imported_once(bundle: dict, tmp_path: Path) -> None:
    """A poll the checks refused said "...; nothing imported; nothing imported"."""
    bundle["polls"][0]["sample_size"] = 10**30
    path = tmp_path / "big.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    code, _out, err = run("--data-dir", str(tmp_path / "team"), "import", str(path))
    assert code == 1 and "sample_size" in err and err.count("nothing imported") == 1, err


@pytest.mark.parametrize(
    ("where", "text", "words"),
    [
        ("notes", "before\x00after", "NUL"),
        ("notes", "\u202eenilno", "direction"),
        ("notes", ["a list"], "must be text"),
        ("notes", "x" * 10_001, "at most 10,000"),
        ("source", "ballots\x00.csv", "control character"),
        ("source", "two\nlines", "control character"),
        ("source", "x" * 10_001, "at most 10,000"),
    ],
)
def test_a_bundles_scenario_notes_and_prior_source_follow_the_notes_rule_on_every_store(
    tmp_path: Path, store_url: str, where: str, text: object, words: str
) -> None:
    """A saved scenario's notes and an instant-runoff prior's source were stored as they came: a NUL in either was
    stored on SQLite and, on PostgreSQL, "the poll store failed: PostgreSQL text fields cannot contain NUL (0x00)
    bytes" naming no part of the bundle; a list of notes was stored as its Python text "['a list']"."""
    home = ["--data-dir", str(tmp_path / "home")]
    assert run(*home, "scenario", "--contest", "Burlington Mayor 2009", "--save", "Plan")[0] == 0
    path = tmp_path / "campaign.json"
    assert run(*home, "export", "--contest", "Burlington Mayor 2009", "--bundle", str(path))[0] == 0
    data = json.loads(path.read_text("utf-8"))
    data["contest"]["contest"]["name"] = "Our Burlington"
    if where == "notes":
        data["scenarios"][0]["notes"] = text
    else:
        data["irv_prior"]["source"] = text
    path.write_text(json.dumps(data), encoding="utf-8")
    team = ["--data-dir", str(tmp_path / "team"), "--db", store_url]
    code, _out, err = run(*team, "import", str(path))
    part = "scenarios[1]: notes" if where == "notes" else "irv_prior: source"
    assert code == 1 and part in err and words in err and "nothing imported" in err, err
    assert "store failed" not in err
    code, out, _err = run(*team, "contests")  # (refused before the store was opened: none made, exit 1)
    assert "Our Burlington" not in out


def test_a_bundles_event_is_held_to_the_stored_races_dates_not_the_bundles_copy(tmp_path: Path) -> None:
    """Events were checked against the election date in the bundle's copy of the race only (its polls against the
    stored race's too): a bundle dated 2012 put a 2011 marker on a stored race of the same name and candidates
    whose election is in 2030, outside the dates a marker may have there (never seen on its charts)."""
    home = ["--data-dir", str(tmp_path / "home")]
    race = tmp_path / "race.toml"
    assert run(*home, "contest", "export", "London Mayor 2012", "--out", str(race))[0] == 0
    text = race.read_text("utf-8").replace("election_date = 2012-05-03", "election_date = 2030-05-02")
    text = text.replace('name = "London Mayor 2012"', 'name = "Twin Mayor"').split("\n[result]")[0] + "\n"
    race.write_text(text, encoding="utf-8")
    code, _out, err = run(*home, "contest", "new", "--from", str(race))
    assert code == 0, err
    path = tmp_path / "campaign.json"
    assert run(*home, "export", "--contest", "London Mayor 2012", "--bundle", str(path))[0] == 0
    data = json.loads(path.read_text("utf-8"))
    data["contest"]["contest"]["name"] = "Twin Mayor"
    data["contest"].pop("result", None)
    data["polls"] = []
    data["events"] = [{"date": "2011-06-01", "text": "Old debate"}]
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = run(*home, "import", str(path))
    assert code == 1 and "events[1]" in err and "2011-06-01" in err and "nothing imported" in err, err
    data["contest"]["contest"]["election_date"] = "2030-05-02"  # (the bundle's own copy is held to its date too)
    data["events"] = [{"date": "2030-04-01", "text": "Debate"}]  # inside the stored race's dates: imported
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(*home, "import", str(path))
    assert code == 0 and "1 events" in out, err


def _race_file(tmp_path: Path, home: list[str], race: str, name: str, system: str) -> Path:
    """The race `race` as a contest file named `name` and counted by `system` (its rules and result left out)."""
    import re

    path = tmp_path / f"{name}.toml"
    assert run(*home, "contest", "export", race, "--out", str(path))[0] == 0
    text = path.read_text("utf-8").split("\n[result]")[0]
    text = re.sub(r'\nsystem = "[a-z_]+"', f'\nsystem = "{system}"', text)
    text = re.sub(r"\nsecond_round_date = [0-9-]+", "", text)
    text = re.sub(r"\n(expected_turnout|expected_blank_null|registered) = [0-9.e+-]+", "", text)  # (two-round only)
    text = re.sub(r"\n\[rules\].*?(?=\n\[)", "\n", text, flags=re.S)
    text = re.sub(r'\nname = "' + re.escape(race) + '"', f'\nname = "{name}"', text, count=1)
    path.write_text(text + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("race", "stored_as"), [("London Mayor 2012", "two_round"), ("France 2022 presidential", "sv")]
)
def test_a_bundle_into_a_stored_race_counted_another_way_is_refused_not_stored_unseen(
    tmp_path: Path, race: str, stored_as: str
) -> None:
    """A stored race of the bundle's name and candidates counted another way took the bundle's polls where no view
    reads them: France 2022's 409 notices went into a Supplementary Vote race ("contests" counting 409 polls,
    `polls` "0 polls", `average` "no polls with first-round figures"), and London's 17 polls into a two-round race
    ("has no two-round polls"). Refused naming both ways of counting, nothing imported."""
    home = ["--data-dir", str(tmp_path / "home")]
    contest_file = _race_file(tmp_path, home, race, "Twin", stored_as)
    code, _out, err = run(*home, "contest", "new", "--from", str(contest_file))
    assert code == 0, err
    path = tmp_path / "campaign.json"
    assert run(*home, "export", "--contest", race, "--bundle", str(path))[0] == 0
    data = json.loads(path.read_text("utf-8"))
    data["contest"]["contest"]["name"] = "Twin"
    data["contest"].pop("result", None)
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = run(*home, "import", str(path))
    assert code == 1 and "Twin" in err and "Two-round" in err and "nothing imported" in err, err
    code, out, err = run(*home, "contests", "--json")
    assert [c["polls"] for c in json.loads(out) if c["name"] == "Twin"] == [0], out


@pytest.mark.parametrize(("race", "system"), [("London Mayor 2012", "two_round"), ("France 2022 presidential", "sv")])
def test_an_edit_that_would_hide_a_races_polls_by_counting_it_the_other_way_is_refused(
    tmp_path: Path, race: str, system: str
) -> None:
    """`contest edit` of London 2012 to `system = "two_round"` was "updated contest", and its 17 polls were then
    read by no view (`average`: "has no two-round polls"; `contests` still counting 17); France 2022 to the
    Supplementary Vote hid its 409 notices the same way. Refused naming the polls, nothing changed."""
    home = ["--data-dir", str(tmp_path / "home")]
    edited = _race_file(tmp_path, home, race, race, system)
    code, _out, err = run(*home, "contest", "edit", race, "--from", str(edited))
    assert code != 0 and "polls" in err and "Two-round" in err, err
    code, out, err = run(*home, "contests", "--json")
    assert [c["system"] for c in json.loads(out) if c["name"] == race] != [system], out
