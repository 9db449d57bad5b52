"""A saved scenario moved in a campaign bundle keeps pointing at its own polls (f4's pass, issue 16).

A saved runoff scenario records the polls it was made on by their store ids (its one-poll baseline's poll, and
every poll of its average, for "N new polls since it was saved"). A bundle carried those ids as they were, and
the store it went into gives the same polls other ids: a teammate's import of "One poll" (made on ComRes's poll,
#22 at home) said "Today's polls (1 new poll, 1 poll removed since it was saved) give -5.2 with the same
settings, against -2.0 when saved", rebuilding it on YouGov's poll, #22 there; in a store where #22 was another
race's poll it said the poll "is not in the race any more".
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import run

ZETA = (
    "pollster,fieldwork_start,fieldwork_end,first:johnson,first:livingstone,first:other\n"
    "Zeta Polling,2012-04-01,2012-04-02,44,40,16\n"
)


def _ids(db: list[str], race: str) -> dict[tuple[str, str], int]:
    code, out, err = run(*db, "polls", "--contest", race, "--json")
    assert code == 0, err
    return {(p["pollster"], p["fieldwork_end"]): p["id"] for p in json.loads(out)["polls"]}


def test_a_bundled_scenario_points_at_its_own_polls_in_the_store_it_goes_into(tmp_path: Path) -> None:
    home = ["--data-dir", str(tmp_path / "home")]
    bundle = tmp_path / "campaign.json"
    assert run(*home, "export", "--contest", "London Mayor 2012", "--bundle", str(bundle))[0] == 0
    bundle.write_text(bundle.read_text("utf-8").replace('"name": "London Mayor 2012"', '"name": "Our Mayor 2012"', 1))
    assert run(*home, "import", str(bundle))[0] == 0
    comres = _ids(home, "Our Mayor 2012")[("ComRes", "2012-01-21")]
    code, _out, err = run(*home, "scenario", "--contest", "Our Mayor 2012", "--poll", str(comres), "--message", "20", "--save", "One poll")  # fmt: skip
    assert code == 0, err
    assert run(*home, "scenario", "--contest", "Our Mayor 2012", "--message", "30", "--save", "Average")[0] == 0
    moved = tmp_path / "ours.json"
    assert run(*home, "export", "--contest", "Our Mayor 2012", "--bundle", str(moved))[0] == 0

    # the teammate's store: one poll of their own first, so the bundle's polls get other ids there
    team = ["--data-dir", str(tmp_path / "team")]
    csv = tmp_path / "zeta.csv"
    csv.write_text(ZETA, encoding="utf-8")
    assert run(*team, "import", str(csv), "--contest", "London Mayor 2012")[0] == 0
    code, _out, err = run(*team, "import", str(moved))
    assert code == 0, err
    assert _ids(team, "Our Mayor 2012")[("ComRes", "2012-01-21")] != comres  # (else this test shows nothing)
    for name in ("One poll", "Average"):
        code, out, err = run(*team, "scenario", "--contest", "Our Mayor 2012", "--name", name, "--json")
        assert code == 0, err
        today = json.loads(out)["today"]
        assert today["changed"] is False and today["message"] == "", (name, today)

    # and a second import of the same bundle there finds the scenarios it already holds the same, not "kept"
    code, out, err = run(*team, "import", str(moved))
    assert code == 0 and "differs and was kept" not in out, out + err


def test_a_misspelt_key_of_a_bundled_scenario_is_refused_not_dropped(tmp_path: Path) -> None:
    """A bundle's unknown parts and poll keys were refused, a saved scenario's were not: "note" for "notes" (or a
    "poll_keys" that names no poll) was dropped without a word."""
    home = ["--data-dir", str(tmp_path / "home")]
    assert run(*home, "scenario", "--message", "30", "--save", "Plan")[0] == 0
    bundle = tmp_path / "campaign.json"
    assert run(*home, "export", "--contest", "London Mayor 2012", "--bundle", str(bundle))[0] == 0
    data = json.loads(bundle.read_text("utf-8"))
    data["contest"]["contest"]["name"] = "Our Mayor 2012"
    entry = {k: v for k, v in data["scenarios"][0].items() if k != "poll_keys"}
    for bad, words in (
        ({"note": "the plan for the debate"}, "unknown key 'note'"),
        ({"poll_keys": {"1": ["ComRes", "21 Jan 2012", "2012-01-21"]}}, "YYYY-MM-DD"),
        ({"poll_keys": {"one": ["ComRes", "2012-01-19", "2012-01-21"]}}, "not a poll id"),
    ):
        data["scenarios"][0] = entry | bad
        bundle.write_text(json.dumps(data), encoding="utf-8")
        code, out, err = run(*home, "import", str(bundle))
        assert code == 1 and "scenarios[1]" in err and words in err and "nothing imported" in err, (bad, err)
    code, out, err = run(*home, "contests")
    assert "Our Mayor 2012" not in out
