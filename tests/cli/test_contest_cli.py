"""`warroom contest ...`, `count --save-result`, back-tests of any contest, and campaign bundles, end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.cli._run import ok, run
from warroom.core.contestfile import parse_contest_file
from warroom.demo import DEMO_NAME, FRANCE_2022_NAME, IRV_DEMO_NAME
from warroom.resources import resource_path

MAYOR = """\
[contest]
name = "Cumbria Mayor 2027"
office = "Mayor of Cumbria"
area = "Cumbria Combined Authority"
election_date = 2027-05-06
system = "sv"

[[party]]
code = "LAB"
name = "Labour"
colour = "#D55E00"

[[candidate]]
code = "ada"
name = "Ada Lovelace"
party = "LAB"
colour = "#D55E00"

[[candidate]]
code = "bea"
name = "Bea Smith"
colour = "#0072B2"
"""


@pytest.fixture
def mayor(tmp_path: Path) -> Path:
    path = tmp_path / "mayor.toml"
    path.write_text(MAYOR, encoding="utf-8")
    return path


def _names(db: list[str]) -> list[str]:
    return [c["name"] for c in json.loads(ok("contest", "list", "--json", *db))]


def test_new_show_list_and_export(db: list[str], mayor: Path, tmp_path: Path) -> None:
    assert "created contest Cumbria Mayor 2027" in ok("contest", "new", "--from", str(mayor), *db)
    listed = {c["name"]: c for c in json.loads(ok("contest", "list", "--json", *db))}
    assert listed[DEMO_NAME]["demo"] is True and listed["Cumbria Mayor 2027"]["demo"] is False
    assert "London Mayor 2012 (demo)" in ok("contest", "list", *db)
    shown = json.loads(ok("contest", "show", "Cumbria Mayor 2027", "--json", *db))
    assert shown["contest"]["office"] == "Mayor of Cumbria" and [c["code"] for c in shown["candidate"]] == [
        "ada",
        "bea",
    ]
    text = ok("contest", "show", "Cumbria Mayor 2027", *db)
    assert "Ada Lovelace" in text and "Labour" in text and "independent" in text
    out = tmp_path / "out.toml"
    ok("contest", "export", "Cumbria Mayor 2027", "--out", str(out), *db)
    assert parse_contest_file(out.read_text(encoding="utf-8")).contest == parse_contest_file(MAYOR).contest
    # The same name again is refused; nothing is written.
    code, _, err = run("contest", "new", "--from", str(mayor), *db)
    assert code == 1 and "already in the store" in err and "nothing written" in err
    assert _names(db).count("Cumbria Mayor 2027") == 1


def test_a_bad_file_names_line_and_key_and_writes_nothing(db: list[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(MAYOR.replace('colour = "#0072B2"', 'colour = "navy"').replace("2027-05-06", "2027-13-06"))
    before = _names(db)
    code, _, err = run("contest", "new", "--from", str(bad), *db)
    assert code == 1
    assert f"{bad}:5: TOML syntax" in err  # tomllib stops at the impossible date
    bad.write_text(MAYOR.replace('colour = "#0072B2"', 'colour = "navy"').replace('party = "LAB"', 'party = "LD"'))
    code, _, err = run("contest", "new", "--from", str(bad), *db)
    assert code == 1
    assert f"{bad}:16: candidate[1].party: 'LD' is not one of the [[party]] codes" in err
    assert f"{bad}:22: candidate[2].colour: 'navy' is not #RRGGBB" in err
    assert "nothing written (2 problem(s))" in err
    assert _names(db) == before


def test_edit_renames_withdraws_and_refuses_deleting_a_polled_candidate(
    db: list[str], mayor: Path, tmp_path: Path
) -> None:
    ok("contest", "new", "--from", str(mayor), *db)
    polls = tmp_path / "polls.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:ada,first:bea\nAcme,2026-10-01,2026-10-02,1000,55,45\n"
    )
    ok("import", str(polls), "--contest", "Cumbria Mayor 2027", *db)
    edited = tmp_path / "edited.toml"
    edited.write_text(MAYOR.replace("Cumbria Mayor 2027", "Cumbria Mayor (May 2027)") + "withdrawn = true\n")
    assert "(was Cumbria Mayor 2027)" in ok("contest", "edit", "Cumbria Mayor 2027", "--from", str(edited), *db)
    shown = json.loads(ok("contest", "show", "Cumbria Mayor (May 2027)", "--json", *db))
    assert shown["candidate"][1]["withdrawn"] is True and shown["polls"] == 1
    dropped = tmp_path / "dropped.toml"
    dropped.write_text(MAYOR.split('[[candidate]]\ncode = "bea"')[0] + '[[candidate]]\ncode = "cal"\nname = "Cal Y"\n')
    code, _, err = run("contest", "edit", "Cumbria Mayor (May 2027)", "--from", str(dropped), *db)
    assert code == 1 and "'Bea Smith' (bea) appears in 1 poll(s)" in err and "withdrawn" in err
    assert (
        json.loads(ok("contest", "show", "Cumbria Mayor (May 2027)", "--json", *db))["candidate"] == shown["candidate"]
    )


def test_delete_asks_refuses_without_a_terminal_and_backs_up(
    db: list[str], mayor: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok("contest", "new", "--from", str(mayor), *db)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal, as in CI
    code, _, err = run("contest", "delete", "Cumbria Mayor 2027", *db)
    assert code == 1 and "no terminal" in err and "--yes" in err
    assert "Cumbria Mayor 2027" in _names(db)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal(""))
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    code, _, err = run("contest", "delete", "Cumbria Mayor 2027", *db)
    assert code == 1 and "not deleted" in err and "Cumbria Mayor 2027" in _names(db)
    monkeypatch.setattr("builtins.input", lambda _prompt: "y")
    done = json.loads(ok("contest", "delete", "Cumbria Mayor 2027", "--json", *db))
    assert Path(done["backup"]).is_file() and "before-delete" in done["backup"]
    assert _names(db) == [FRANCE_2022_NAME, DEMO_NAME, IRV_DEMO_NAME]
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    ok("contest", "new", "--from", str(mayor), *db)
    assert "deleted Cumbria Mayor 2027" in ok("contest", "delete", "Cumbria Mayor 2027", "--yes", *db)


def test_the_demo_back_test_reads_the_stored_result(db: list[str]) -> None:
    report = json.loads(ok("average", "--as-of", "2012-04-30", "--json", *db))
    back = report["backtest"]
    # London Elects 2012: Johnson 971,931 and Livingstone 889,918 of 2,208,475 first preferences; final round
    # 1,054,811 to 992,273.
    assert back["official_first_round"]["johnson"] == pytest.approx(100 * 971931 / 2208475, abs=0.001)
    assert back["official_first_round"]["livingstone"] == pytest.approx(100 * 889918 / 2208475, abs=0.001)
    assert back["official_runoff_margin"] == pytest.approx(100 * (1054811 - 992273) / (1054811 + 992273), abs=0.001)


def test_bundle_count_result_and_back_test_of_another_contest(db: list[str], tmp_path: Path) -> None:
    """The demo's polls moved to a new contest by bundle; its result counted from ballots; then back-tested."""
    bundle = tmp_path / "demo.json"
    ok("export", "--contest", DEMO_NAME, "--bundle", str(bundle), *db)
    data = json.loads(bundle.read_text(encoding="utf-8"))
    assert data["format"] == "warroom-campaign-bundle" and data["version"] == 1
    data["contest"]["contest"]["name"] = "London rerun"
    del data["contest"]["result"]
    renamed = tmp_path / "rerun.json"
    renamed.write_text(json.dumps(data), encoding="utf-8")
    assert "new contest London rerun" in ok("import", str(renamed), *db)
    before = json.loads(ok("average", "--as-of", "2012-04-30", "--contest", "London rerun", "--json", *db))
    assert "backtest" not in before  # no result stored for it yet

    ballots = str(resource_path("data", "london_2012_ballots.csv"))
    code, _, err = run("count", ballots, "--save-result", *db)
    assert code == 1 and "--save-result needs --contest" in err
    out = ok("count", ballots, "--contest", "London rerun", "--save-result", *db)
    assert "Saved as the official result of London rerun" in out
    shown = json.loads(ok("contest", "show", "London rerun", "--json", *db))
    assert shown["result"]["first_round"]["johnson"] == 971931
    assert shown["result"]["final_round"] == {"johnson": 1054811, "livingstone": 992273}
    demo = json.loads(ok("average", "--as-of", "2012-04-30", "--json", *db))
    rerun = json.loads(ok("average", "--as-of", "2012-04-30", "--contest", "London rerun", "--json", *db))
    assert rerun["backtest"] == demo["backtest"]

    # Importing it again adds nothing and lists every poll as a duplicate.
    again = json.loads(ok("import", str(renamed), "--json", *db))
    assert again["created"] is False and again["polls_added"] == 0 and len(again["duplicates"]) == len(data["polls"])


def test_bundle_moves_a_campaign_to_another_laptop(tmp_path: Path, mayor: Path) -> None:
    a, b = ["--data-dir", str(tmp_path / "a")], ["--data-dir", str(tmp_path / "b")]
    ok("contest", "new", "--from", str(mayor), *a)
    polls = tmp_path / "polls.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:ada,first:bea\n"
        "Acme,2026-10-01,2026-10-02,1000,55,45\nBeta,2026-10-04,2026-10-05,800,52,48\n"
    )
    ok("import", str(polls), "--contest", "Cumbria Mayor 2027", *a)
    bundle = tmp_path / "campaign.bundle"
    ok("export", "--contest", "Cumbria Mayor 2027", "--bundle", str(bundle), *a)
    assert bundle.stat().st_mode & 0o077 == 0
    got = json.loads(ok("import", str(bundle), "--json", *b))
    assert got["created"] is True and got["polls_added"] == 2
    assert json.loads(ok("polls", "--contest", "Cumbria Mayor 2027", "--json", *b))["polls"][0]["pollster"] == "Acme"
    # A laptop whose contest of that name has other candidates refuses the whole bundle, saying what differs.
    c = ["--data-dir", str(tmp_path / "c")]
    other = tmp_path / "other.toml"
    other.write_text(MAYOR.replace("Bea Smith", "Beatrice Smith"))
    ok("contest", "new", "--from", str(other), *c)
    code, _, err = run("import", str(bundle), *c)
    assert code == 1 and "candidate bea: Beatrice Smith (independent) in the store, Bea Smith" in err
    assert "nothing imported" in err
    assert json.loads(ok("polls", "--contest", "Cumbria Mayor 2027", "--json", *c))["polls"] == []


def test_bundle_dry_run_writes_nothing(db: list[str], tmp_path: Path, mayor: Path) -> None:
    other = ["--data-dir", str(tmp_path / "other")]
    ok("contest", "new", "--from", str(mayor), *other)
    bundle = tmp_path / "b.json"
    ok("export", "--contest", "Cumbria Mayor 2027", "--bundle", str(bundle), *other)
    got = json.loads(ok("import", str(bundle), "--dry-run", "--json", *db))
    assert got["dry_run"] is True and got["created"] is True
    assert "Cumbria Mayor 2027" not in _names(db)
    code, _, err = run("export", *db)
    assert code == 1 and "--bundle" in err


def test_show_prints_the_demo_with_its_result(db: list[str]) -> None:
    text = ok("contest", "show", DEMO_NAME, *db)
    assert text.startswith(f"{DEMO_NAME} (demo)\n")
    row = next(line for line in text.splitlines() if line.startswith("Boris Johnson"))
    assert row.split()[2:] == ["971,931", "44.0%", "1,054,811"]
    assert "Reached neither finalist (exhausted, blank or null): 161,391" in text
