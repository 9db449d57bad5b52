"""Sixteenth hostile pass (issue 16): an empty option value (a shell variable that was not set) is a usage error.

`--db ""`, `--contest ""`, `--new-contest ""`, `--save ""` and an empty file to write were already refused: each
would otherwise act on something the user did not ask for. The other options took an empty value as if the option
were not given, without a word: `--matchup "$PAIR"` printed the default matchup's runoff, `--hypothesis ""` the
pooled hypotheses, `--message-on ""` worked on finalist A, `--row-of ""` moved the largest excluded candidate's
row, `--message-to ""` sent the message's voters the default way, and `--cvr-contest ""` or `--candidacy ""` were
ignored; an empty file to read (`import ""`, `count ""`, `--prior-ballots ""`, `contest new --from ""`) was
read as the current folder ("'.': cannot read (is a folder, not a file)"). Each is now exit 2 naming the option.
"""

from __future__ import annotations

import pytest

from tests.cli._run import run

FRANCE = ["--contest", "France 2022 presidential"]
BURLINGTON = ["--contest", "Burlington Mayor 2009"]
CASES = {
    "matchup": [*FRANCE, "scenario", "--matchup", ""],
    "average matchup": [*FRANCE, "average", "--matchup", ""],
    "hypothesis": [*FRANCE, "average", "--hypothesis", ""],
    "qualify hypothesis": [*FRANCE, "qualify", "--hypothesis", "  "],
    "message-on": [*FRANCE, "scenario", "--message-on", ""],
    "row-of": [*BURLINGTON, "scenario", "--row-of", ""],
    "message-to": ["scenario", "--message-to", ""],
    "cvr-contest": ["count", "ballots.csv", "--cvr-contest", ""],
    "candidacy": ["count", "ballots.csv", "--candidacy", ""],
    "prior-ballots": [*BURLINGTON, "scenario", "--prior-ballots", ""],
    "import": ["import", ""],
    "count": ["count", ""],
    "contest new": ["contest", "new", "--from", ""],
    "contest edit": ["contest", "edit", "London Mayor 2012", "--from", ""],
    "contest result": ["contest", "result", "London Mayor 2012", "--from", ""],
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_an_empty_option_value_is_a_usage_error_naming_the_option(
    db: list[str], tmp_path, monkeypatch, capsys, case: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ballots.csv").write_text("first,second,count\nA,B,10\nB,A,5\n")
    with pytest.raises(SystemExit) as info:  # (argparse's usage errors end the program, exit 2)
        run(*db, *CASES[case])
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    last = captured.err.strip().splitlines()[-1]
    assert "empty" in last and "'.'" not in last, last
    option = next((a for a in reversed(CASES[case]) if a.startswith("--")), None)
    if option is not None and CASES[case][-1] in ("", "  "):
        assert f"argument {option}" in last, last


@pytest.mark.parametrize("option", [["--cvr-contest", "Mayor"], ["--candidacy", "names.csv"]], ids=lambda o: o[0])
@pytest.mark.parametrize("kind", ["csv", "blt"])
def test_a_new_york_option_on_a_file_that_is_not_new_yorks_is_a_usage_error(
    tmp_path, monkeypatch, option: list[str], kind: str
) -> None:
    """`count ballots.csv --cvr-contest Mayor` counted the whole file as if the option were not there (exit 0),
    the same with --candidacy: options that do nothing are usage errors, as `import --replace` is."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "names.csv").write_text("CandidacyID,DefaultBallotName\n1,A\n")
    ballots = tmp_path / f"ballots.{kind}"
    if kind == "csv":
        ballots.write_text("first,second,count\nA,B,10\nB,A,5\n")
    else:
        ballots.write_text('2 1\n10 1 2 0\n5 2 1 0\n0\n"A"\n"B"\n"Race"\n')
    code, out, err = run("count", str(ballots), *option)
    assert code == 2, (code, out, err)
    assert out == "" and option[0] in err and "New York City" in err, err
