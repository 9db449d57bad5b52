"""Issue 16, a fresh pass on two-round and instant-runoff races at the command line (h5). Failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import ok, run

FRANCE = "France 2022 presidential"


def _rename_as_an_older_version_did(db: list[str], code: str, name: str) -> None:
    """Rename a candidate in the store directly, as `contest edit` of an older version did (the edit now refuses a
    rename that leaves a two-round race's polls naming no candidate: test below)."""
    from sqlalchemy import select, update

    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store.schema import CandidateRow, ContestRow

    paths = AppPaths.under(Path(db[1]))
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    try:
        with store.sessions.begin() as s:
            cid = s.scalar(select(ContestRow.id).where(ContestRow.name == FRANCE))
            s.execute(
                update(CandidateRow).where(CandidateRow.contest_id == cid, CandidateRow.code == code).values(name=name)
            )
    finally:
        store.close()


def test_scenario_name_says_a_two_round_finalist_was_renamed_or_withdrew_since(db: list[str], tmp_path: Path) -> None:
    """`warroom scenario --name` of a two-round case printed it as saved and said nothing of Le Pen renamed and
    withdrawn since (a runoff or instant-runoff case says "Since it was saved: ...")."""
    ok("scenario", "--contest", FRANCE, "--save", "Plan A", *db)
    _edited_france(db, tmp_path, "withdrawn = false", "withdrawn = true")
    _rename_as_an_older_version_did(db, "le-pen", "Marine Le Pen-Aliot")
    out = ok("scenario", "--contest", FRANCE, "--name", "Plan A", *db)
    said = "Since it was saved: Marine Le Pen is now Marine Le Pen-Aliot; Marine Le Pen has withdrawn."
    assert f"Note: {said}" in out, out
    assert "Marine Le Pen                       45.4" in out  # the figures and names as saved
    assert json.loads(ok("scenario", "--contest", FRANCE, "--name", "Plan A", "--json", *db))["today"] == said


def test_a_two_round_candidate_the_polls_name_is_neither_renamed_away_nor_deleted(
    db: list[str], tmp_path: Path
) -> None:
    """A two-round race ties its polls to its candidates by name (france.name_key). `contest edit` renaming Marine
    Le Pen to "Marine Le Pen-Aliot" was "updated contest", and her series left the first-round chart (the
    briefing's showed Macron, Mélenchon, Zemmour...) and her column the poll table; deleting her was accepted too
    (only plain polls were looked at). Both are refused naming the polls, nothing written; a respelling that reads
    alike and a new short name are still edits."""
    before = ok("contest", "show", FRANCE, "--json", *db)
    toml = tmp_path / "france.toml"
    ok("contest", "export", FRANCE, "--out", str(toml), *db)
    text = toml.read_text(encoding="utf-8")
    renamed = tmp_path / "renamed.toml"
    renamed.write_text(text.replace('name = "Marine Le Pen"', 'name = "Marine Le Pen-Aliot"', 1), encoding="utf-8")
    code, _out, err = run("contest", "edit", FRANCE, "--from", str(renamed), *db)
    assert code != 0 and "candidate 'Marine Le Pen' (le-pen) is named so in 408 poll(s)" in err, err
    head, _, tail = text.partition('[[candidate]]\ncode = "le-pen"')
    deleted = tmp_path / "deleted.toml"
    deleted.write_text(head + tail[tail.index("[[candidate]]") :], encoding="utf-8")
    code, _out, err = run("contest", "edit", FRANCE, "--from", str(deleted), *db)
    assert code != 0 and "'Marine Le Pen' (le-pen) is named in 408 poll(s) and cannot be deleted" in err, err
    assert ok("contest", "show", FRANCE, "--json", *db) == before
    alike = tmp_path / "alike.toml"
    alike.write_text(
        text.replace('name = "Marine Le Pen"', 'name = "MARINE LE-PEN"', 1).replace(
            'short_name = "Le Pen"', 'short_name = "MLP"', 1
        ),
        encoding="utf-8",
    )
    ok("contest", "edit", FRANCE, "--from", str(alike), *db)
    assert "MLP" in ok("contest", "show", FRANCE, *db)


def _edited_france(db: list[str], tmp_path: Path, old: str, new: str) -> None:
    toml = tmp_path / "france.toml"
    ok("contest", "export", FRANCE, "--out", str(toml), *db)
    text = toml.read_text(encoding="utf-8")
    head, _, tail = text.partition('code = "le-pen"')
    toml.write_text(head + 'code = "le-pen"' + tail.replace(old, new, 1), encoding="utf-8")
    ok("contest", "edit", FRANCE, "--from", str(toml), *db)


def test_qualify_average_and_scenario_leave_a_withdrawn_candidate_out_of_the_runoff(
    db: list[str], tmp_path: Path
) -> None:
    """Le Pen marked withdrawn: `qualify` gave her 93 %, `average` and `scenario` started on her runoff."""
    _edited_france(db, tmp_path, "withdrawn = false", "withdrawn = true")
    out = ok("qualify", "--contest", FRANCE, *db)
    row = next(line for line in out.splitlines() if line.startswith("Marine Le Pen"))
    assert row.rstrip().endswith(" 0 %"), row
    scenario = ok("scenario", "--contest", FRANCE, *db)
    assert "Runoff: Emmanuel Macron v Jean-Luc Mélenchon" in scenario, scenario
    average = ok("average", "--contest", FRANCE, *db)
    assert "runoff Emmanuel Macron / Jean-Luc Mélenchon" in average, average


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["scenario", "--contest", FRANCE, "--turnout", "5", "--turnout", "10"], "--turnout is given twice"),
        (["scenario", "--contest", FRANCE, "--matchup", "macron/le-pen", "--matchup", "macron/zemmour"], "--matchup"),
        (["scenario", "--contest", "Burlington Mayor 2009", "--save", "A", "--save", "B"], "--save is given twice"),
        (["scenario", "--contest", FRANCE, "--contest", "London Mayor 2012"], "--contest is given twice"),
        (["count", "BALLOTS", "--system", "irv", "--system=sv"], "--system is given twice (--system irv, then"),
    ],
)
def test_an_option_of_one_value_given_twice_is_a_usage_error(
    db: list[str], argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse kept the later value without a word: `--turnout 5 --turnout 10` ran the case at 10, `--system irv
    ... --system=sv` counted by the Supplementary Vote, `--save A --save B` saved B only. Nothing is run or saved."""
    from warroom.demo import data_dir

    argv = [str(data_dir() / "london_2012_ballots.csv") if a == "BALLOTS" else a for a in argv]
    with pytest.raises(SystemExit) as info:
        run(*argv, *db)
    assert info.value.code == 2
    assert said in capsys.readouterr().err
    for name in ("A", "B"):  # nothing saved
        assert run("scenario", "--contest", "Burlington Mayor 2009", "--name", name, *db)[0] != 0


def test_a_two_round_split_or_message_that_does_not_add_up_names_its_option(db: list[str]) -> None:
    """`--split Mélenchon=60/60/0/0` said only "runoff split parts must sum to 100, got 120", naming neither the
    option nor whose split (with several --split options, which one?); `--message-to` alike."""
    code, _out, err = run(
        "scenario", "--contest", FRANCE, "--split", "Macron=50/0/0/50", "--split", "Mélenchon=60/60/0/0", *db
    )
    assert code == 1 and "--split 'Mélenchon=60/60/0/0': runoff split parts must sum to 100, got 120" in err, err
    code, _out, err = run("scenario", "--contest", FRANCE, "--message", "10", "--message-to", "50,60,0", *db)
    assert code == 1 and "--message-to '50,60,0': message destination parts must sum to 100, got 110" in err, err


BLT = """4 1
10 1 2 3 0
8 2 1 0
6 3 2 0
3 4 0
0
"Kiss"
"Wright"
"Montroll"
"Smith"
"Burlington 2006"
"""


def test_scenario_prior_ballots_reads_a_blt_file_as_count_and_the_panel_do(db: list[str], tmp_path: Path) -> None:
    """`warroom scenario --prior-ballots FILE.blt` read the .blt as a ballot CSV and refused it ("line 1: missing
    column 'count'"), where `warroom count` and the panel's "From last election's ballots…" read it
    (core.irv_pipeline.read_prior_ballots, now the one reader of both)."""
    path = tmp_path / "burlington_2006.blt"
    path.write_text(BLT, encoding="utf-8")
    out = json.loads(ok("scenario", "--contest", "Burlington Mayor 2009", "--prior-ballots", str(path), "--json", *db))
    assert out["row_sources"]["montroll"] == "ballots in burlington_2006.blt", out["row_sources"]
    # Montroll's 6 voters: all to Wright next (the file's third line), as the panel reads the same file
    assert out["next_preferences"]["montroll"]["wright"] == 100.0
    assert out["next_preferences"]["smith"]["exhausted"] == 100.0


def test_ballots_naming_one_candidate_two_ways_are_refused_not_read_as_one_row(db: list[str], tmp_path: Path) -> None:
    """A ballot file writing one candidate two ways ("Kiss" and "kiss", "Bob Kiss" and "Kiss"): read into the
    race's codes, the later name's figures replaced the earlier's. `scenario --prior-ballots` (and the panel's
    "From last election's ballots…", one reader) gave Kiss's voters "100 % to Montroll" from the 2 "kiss" ballots,
    the 10 "Kiss" ballots to Wright gone, and Montroll's row all zeros (silently the 2009 row instead). `count
    --save-result` was refused for "votes from nowhere" (one name's first-round votes kept), and `--save-prior`
    merged the names while the count it printed split the candidate in two. Now refused naming both, nothing
    saved (`core.ballot_prior.ballot_codes`, the one matcher)."""
    race = "Burlington Mayor 2009"
    two = tmp_path / "two_ways.csv"
    two.write_text("count,r1,r2\n10,Kiss,Wright\n4,Montroll,Kiss\n2,kiss,montroll\n", encoding="utf-8")
    code, _out, err = run("scenario", "--contest", race, "--prior-ballots", str(two), *db)
    assert code == 1 and "'Kiss' and 'kiss' on the ballots both name Bob Kiss (kiss)" in err, err
    names = tmp_path / "names.csv"
    names.write_text("count,r1,r2\n3,Bob Kiss,Wright\n2,Kiss,Wright\n10,Wright,\n9,Montroll,\n", encoding="utf-8")
    before = ok("contest", "show", race, *db)
    for option in ("--save-result", "--save-prior"):
        code, _out, err = run("count", str(names), "--system", "irv", "--contest", race, option, *db)
        assert code != 0 and "'Bob Kiss' and 'Kiss' on the ballots both name Bob Kiss (kiss)" in err, err
    assert ok("contest", "show", race, *db) == before
    one = tmp_path / "one_way.csv"
    one.write_text("count,r1,r2\n10,Kiss,Wright\n4,Montroll,Kiss\n2,Kiss,Montroll\n", encoding="utf-8")
    out = json.loads(ok("scenario", "--contest", race, "--prior-ballots", str(one), "--json", *db))
    assert out["next_preferences"]["kiss"]["wright"] == pytest.approx(100 * 10 / 12, abs=1e-3)
    assert out["next_preferences"]["montroll"]["kiss"] == 100.0


def test_a_first_round_named_mid_sentence_keeps_its_months_capital(db: list[str]) -> None:
    """ "both must be first-round candidates (official first round of 10 april 2022)": the whole source was put
    in lower case to sit inside the sentence, the month with it."""
    code, _out, err = run("scenario", "--contest", FRANCE, "--matchup", "macron/bertrand", *db)
    assert code == 1 and "(official first round of 10 April 2022)" in err, err


def test_split_and_message_on_name_a_two_round_candidate_as_the_poll_csv_does(db: list[str]) -> None:
    """`--split` and `--message-on` on a two-round race matched only a first-round name or its last word: Marine
    Le Pen, whose code is `le-pen` and short name "Le Pen", was "not a first-round candidate" by either (only
    "Marine Le Pen" or "Pen" named her). They now take the race's spellings by the poll CSV's one rule (code, full
    name, short name, surname), as the Supplementary Vote's `--split` does."""

    def settings(*options: str) -> dict:
        return json.loads(ok("scenario", "--contest", FRANCE, *options, "--json", *db))["settings"]

    by_name = settings("--split", "Marine Le Pen=10/80/5/5", "--message-on", "Marine Le Pen", "--message", "5")
    for who in ("le-pen", "Le Pen", "LE PEN"):
        assert settings("--split", f"{who}=10/80/5/5", "--message-on", who, "--message", "5") == by_name, who
    assert settings("--split", "melenchon=0/100/0/0") == settings("--split", "Jean-Luc Mélenchon=0/100/0/0")
    assert settings("--split", "abstainers=0/0/0/100") != settings()


def test_the_message_line_names_the_finalist_not_his_voters(db: list[str]) -> None:
    """Every saved or printed two-round case said "Message against Marine Le Pen: 5 % of his voters leave him"
    (CLI, Compare, the briefing: `saved_cases.two_round_lines`); the finalist is named, whoever it is."""
    out = ok("scenario", "--contest", FRANCE, "--message-on", "Marine Le Pen", "--message", "5", *db)
    assert "Message against Marine Le Pen: 5 % of Marine Le Pen's runoff voters leave (40 % to" in out, out
    assert " his " not in out and " him " not in out


def test_a_count_for_a_race_refuses_ballots_naming_one_candidate_two_ways(db: list[str], tmp_path: Path) -> None:
    """`count --contest` (nothing saved) counted "Kiss" and "Bob Kiss", one candidate of Burlington's race, as two:
    5 papers for "Kiss" and 3 for "Bob Kiss" against Wright's 6 declared "Winner: Wright", where Bob Kiss has 8.
    Now refused naming both and the file, exit 1, as the saving paths refuse them; without --contest (no race to
    say they are one) the file is counted as it is written."""
    path = tmp_path / "two_ways.csv"
    path.write_text("count,pref1,pref2\n5,Kiss,Wright\n3,Bob Kiss,Wright\n6,Wright,Kiss\n", encoding="utf-8")
    code, out, err = run("count", str(path), "--system", "irv", "--contest", "Burlington Mayor 2009", *db)
    assert code == 1 and "Winner" not in out, out
    assert "two_ways.csv" in err and "'Kiss' and 'Bob Kiss' on the ballots both name Bob Kiss (kiss)" in err, err
    plain = ok("count", str(path), "--system", "irv", *db)
    assert "Bob Kiss" in plain and "Winner: Wright" in plain


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--contest", FRANCE, "scenario", "--contest", "London Mayor 2012"], "--contest is given twice"),
        (["--db", "OTHER", "polls", "--db", "OTHER2"], "--db is given twice"),
        (["--data-dir", "D1", "contests", "--data-dir", "D2"], "--data-dir is given twice"),
        (["--contest", FRANCE, "contest", "show", "--contest", "London Mayor 2012"], "--contest is given twice"),
    ],
)
def test_an_option_given_before_and_after_the_verb_is_a_usage_error(
    tmp_path: Path, argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16: `warroom --db X polls --db Y` read Y without a word (the verb's value replaced the one given before
    it), and `--contest A scenario --contest B` ran B: a script's two sources of the option silently disagreed.
    Refused as an option given twice is, naming both places; nothing is run."""
    argv = [
        str(tmp_path / a) if a in ("OTHER", "OTHER2", "D1", "D2") else a for a in argv
    ]  # (stores never made: the usage error comes first)
    with pytest.raises(SystemExit) as info:
        run(*argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "before the verb" in err and "after it" in err, err
    assert not any(p.exists() for p in tmp_path.iterdir()), list(tmp_path.iterdir())
