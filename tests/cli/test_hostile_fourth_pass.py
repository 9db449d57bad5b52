"""Issue 16, a fourth hostile pass, through the command line: the leftovers of the third (a ranking limit that
makes every full-preferential paper informal, saved names with spaces around them) and what a fresh pass found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import ok, run
from warroom.demo import FRANCE_2022_NAME

BURLINGTON = "Burlington Mayor 2009"


def _ballots(tmp_path: Path) -> Path:
    path = tmp_path / "ballots.csv"
    path.write_text("pref1,pref2,pref3,count\nA,B,C,10\nB,A,C,8\nC,B,A,5\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("limit", ["1", "2"])  # three candidates: a formal paper numbers two
def test_a_ranking_limit_that_makes_every_full_preferential_paper_informal_is_refused_up_front(
    tmp_path: Path, db: list[str], limit: str
) -> None:
    """`--full-preferential --max-rankings 1` rejected all 23 ballots and then said only "no valid ballots":
    the rules themselves make every paper informal, which is what the message must say."""
    path = _ballots(tmp_path)
    args = ["count", str(path), "--system", "irv", "--full-preferential", "--max-rankings", limit, *db]
    code, out, err = run(*args)
    if limit == "1":
        assert code == 1 and out == ""
        assert "ranking limit is 1" in err and "full preferential" in err and "every ballot" in err, err
    else:
        assert code == 0, err  # two rankings are enough for three candidates: the paper is formal
        assert "23 valid ballots, 0 rejected" in out


def test_a_file_with_too_few_ranking_columns_for_full_preferential_is_refused_naming_them(
    tmp_path: Path, db: list[str]
) -> None:
    path = tmp_path / "short.csv"
    path.write_text("pref1,count\nA,10\nB,8\nC,5\n", encoding="utf-8")
    code, _, err = run("count", str(path), "--system", "irv", "--full-preferential", *db)
    assert code == 1 and "1 ranking column" in err and "3 candidates" in err, err


@pytest.mark.parametrize(
    ("contest", "options"),
    [
        ("London Mayor 2012", []),
        (FRANCE_2022_NAME, []),
        (BURLINGTON, []),
    ],
)
def test_a_saved_name_is_trimmed_when_saved_and_when_looked_up(db: list[str], contest: str, options: list[str]) -> None:
    """`--name " x "` did not find the saved scenario "x": a name is trimmed on save and on every look-up."""
    base = ["scenario", "--contest", contest, *options, *db]
    made = json.loads(ok(*base, "--save", "  Plan B \t", "--json"))
    for asked in ("Plan B", " Plan B ", "Plan B\u00a0"):
        back = json.loads(ok(*base, "--name", asked, "--json"))
        assert back.get("scenario", back.get("name")) == made.get("scenario", made.get("name"))
        assert back.get("margin", back.get("final_margin")) == made.get("margin", made.get("final_margin"))
    code, _, err = run(*base, "--name", " ", "--json")  # an unset variable: never the options' own case
    assert code == 1 and "--name: give the saved scenario's name" in err


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--message", "1_0"], "argument --message: '1_0' is not a number"),  # float() read 10
        (["--message", "\u0665\u0660"], "argument --message: '\u0665\u0660' is not a number"),  # Arabic-Indic 50
        (["--drag", "1e1"], "argument --drag: '1e1' is not a number"),
        (["--poll", "\u0663"], "argument --poll: '\u0663' is not a whole number"),  # poll 3 by int()
        (["--poll", "1_0"], "argument --poll: '1_0' is not a whole number"),
        (["--as-of", "20120401"], "argument --as-of: '20120401' is not a date (use YYYY-MM-DD)"),
        (["--as-of", "2012-W10-1"], "argument --as-of: '2012-W10-1' is not a date (use YYYY-MM-DD)"),
        (["--split", "paddick=1_0/45/45"], "--split paddick: '1_0/45/45' is not three numbers"),
    ],
)
def test_numbers_and_dates_on_the_command_line_follow_the_files_rules(
    db: list[str], options: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code, _, err = run("scenario", "--contest", "London Mayor 2012", *options, *db)
    except SystemExit as exc:  # argparse's usage error
        code, err = int(exc.code or 0), capsys.readouterr().err
    assert code in (1, 2) and words in err, err


def test_a_percentage_option_may_carry_its_sign(db: list[str]) -> None:
    with_sign = json.loads(ok("scenario", "--contest", "London Mayor 2012", "--message", "50%", "--json", *db))
    plain = json.loads(ok("scenario", "--contest", "London Mayor 2012", "--message", "50", "--json", *db))
    assert with_sign["margin"] == plain["margin"]


@pytest.mark.parametrize("name", [" London Mayor 2012 ", "london mayor 2012", "London  Mayor 2012"])
def test_a_contest_is_found_ignoring_case_and_spacing_as_its_names_are_unique(db: list[str], name: str) -> None:
    """Contest names are unique ignoring case, yet `--contest "london mayor 2012"` or a trailing space from a
    script said "no contest named ..."."""
    assert ok("polls", "--contest", name, *db).startswith("London Mayor 2012: 17 polls")
    code, _, err = run("polls", "--contest", "London Mayor 2012\u200b", *db)  # looks alike, is not the name
    assert code == 1 and "no contest named" in err
