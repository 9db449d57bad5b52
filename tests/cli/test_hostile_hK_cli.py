"""Issue 16, a fresh hostile pass on the command line and its exports (hK). Each test failed before its fix."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.cli._run import ok, run
from tests.conftest import TOY
from warroom.cli.irv import parse_row
from warroom.core.types import EXHAUSTED, Candidate, CountingSystem

ODD = dataclasses.replace(
    TOY,
    system=CountingSystem.IRV,
    candidates=(
        Candidate("lee", "Lee, Ann", "R", "#d62728"),  # a comma in a name, as "Surname, Given" lists write them
        Candidate("b=o", "Bo Moss", "B", "#1f77b4"),  # an '=' in a code
        Candidate("c:d", "Cy Dee", "G", "#2ca02c"),  # a ':' in a code
    ),
)
TWO_WAYS = dataclasses.replace(
    TOY,
    system=CountingSystem.IRV,
    candidates=(
        Candidate("a", "Ann Able", "R", "#d62728"),
        Candidate("a=b", "Bea Burr", "B", "#1f77b4"),
        Candidate("b=c", "Cal Cole", "G", "#2ca02c"),
        Candidate("c", "Dot Dale", "G", "#9467bd"),
    ),
)


def test_a_row_reads_names_and_codes_that_hold_its_separators() -> None:
    """`--row` split at the first '=', every ',' and the first ':', so a candidate called "Lee, Ann" or coded
    `b=o` or `c:d` could not be named (`'b' is not a candidate`). A row is now read every way its separators
    allow, and the one reading whose names are all the race's candidates is taken."""
    assert parse_row(ODD, "b=o=Lee, Ann:40,c:d:35,exhausted:25") == (
        "b=o",
        {"lee": 40.0, "c:d": 35.0, EXHAUSTED: 25.0},
    )
    assert parse_row(ODD, "c:d=b=o:60,lee:40") == ("c:d", {"b=o": 60.0, "lee": 40.0})
    assert parse_row(ODD, "Lee, Ann=Bo Moss:100") == ("lee", {"b=o": 100.0})
    with pytest.raises(ValueError, match="'zed' is not a candidate"):  # a plain mistake keeps its message
        parse_row(ODD, "lee=zed:100")
    for text in ("exhausted=lee:100", "none=lee:100"):  # (it said "__exhausted__ has no first-round share")
        with pytest.raises(ValueError, match="no row of its own: name the candidate whose voters these are"):
            parse_row(ODD, text)


def test_a_row_that_reads_two_ways_is_refused_naming_both() -> None:
    """`a=b=c:100` with candidates `a`, `a=b`, `b=c` and `c` is a's row (all to b=c) or a=b's (all to c): the
    first '=' had decided, without a word. Both readings are named and nothing is set."""
    with pytest.raises(ValueError) as info:
        parse_row(TWO_WAYS, "a=b=c:100")
    said = str(info.value)
    assert "reads two ways" in said and "a's row: b=c 100" in said and "a=b's row: c 100" in said, said


SV = """\
[contest]
name = "Eq SV"
election_date = 2024-05-02
system = "sv"

[[candidate]]
code = "ann"
name = "Ann Able"

[[candidate]]
code = "bob"
name = "Bob Baker"

[[candidate]]
code = "c=d"
name = "Cy Dee"
"""


def test_a_split_names_a_candidate_whose_code_holds_an_equals_sign(db: list[str], tmp_path: Path) -> None:
    """`--split c=d=10/80/10` split at the first '=' ("unknown candidate 'c'"): the figures after it hold no '=',
    so the candidate is everything before the last one."""
    (tmp_path / "sv.toml").write_text(SV, encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "sv.toml"), *db)
    (tmp_path / "p.csv").write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:c=d\n"
        "X,2024-04-01,2024-04-02,1000,45,40,15\n",
        encoding="utf-8",
    )
    ok("import", str(tmp_path / "p.csv"), "--contest", "Eq SV", *db)
    by_code = ok("scenario", "--contest", "Eq SV", "--split", "c=d=10/80/10", *db)
    assert "Dee's voters: 10 % to Able, 80 % to Baker" in by_code, by_code
    code, _out, err = run("scenario", "--contest", "Eq SV", "--split", "c=d=", *db)
    assert code != 0 and "use CANDIDATE=A/B/EXHAUSTED" in err, err
    # (and `backtest --contest` of a race with no result said "no contest in the store has an official result")
    code, _out, err = run("backtest", "--contest", "Eq SV", *db)
    assert code == 1 and "warroom backtest: Eq SV has no official result with a final round to test against" in err, err


DUO_IRV = """\
[contest]
name = "Duo IRV"
election_date = 2024-05-02
system = "irv"

[[candidate]]
code = "ann"
name = "Ann Able"

[[candidate]]
code = "bob"
name = "Bob Baker"
"""


def test_a_two_candidate_instant_runoff_offers_no_next_preference_row(db: list[str], tmp_path: Path) -> None:
    """With two candidates nobody is excluded before the final count, so nobody's next preferences are ever
    counted; `warroom scenario` printed "What would change the winner, from Able's voters' next preferences:" (the
    winner's row, `irv_pipeline.default_row`'s fallback), and took `--row-of` and `--row` to no effect."""
    from warroom.core.irv_pipeline import default_row
    from warroom.core.irv_scenario import irv_scenario

    assert default_row(irv_scenario({"ann": 55.0, "bob": 45.0}, {})) == ""
    assert default_row(irv_scenario({"ann": 50.0, "bob": 40.0, "cat": 10.0}, {})) == "cat"
    (tmp_path / "duo.toml").write_text(DUO_IRV, encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "duo.toml"), *db)
    (tmp_path / "p.csv").write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob\nX,2024-04-01,2024-04-02,1000,55,45\n",
        encoding="utf-8",
    )
    ok("import", str(tmp_path / "p.csv"), "--contest", "Duo IRV", *db)
    text = ok("scenario", "--contest", "Duo IRV", *db)
    assert "next preferences:" not in text and "Able wins" in text, text
    assert "Two candidates: nobody is excluded before the final count" in text, text
    for option in (["--row-of", "ann"], ["--row", "ann=bob:100"]):
        code, _out, err = run("scenario", "--contest", "Duo IRV", *option, *db)
        assert code != 0 and "Two candidates: nobody is excluded" in err, err


def test_scenario_and_average_say_the_runoff_shown_has_a_withdrawn_finalist(db: list[str], tmp_path: Path) -> None:
    """Every runoff the polls ask has Ada in it and Ada has withdrawn: `warroom scenario` and `warroom average`
    showed Ada v Bea as the race's runoff, without a word."""
    race = tmp_path / "race.toml"
    race.write_text(
        '[contest]\nname = "Race"\nelection_date = 2024-05-02\nsystem = "two_round"\n'
        "expected_turnout = 70.0\nexpected_blank_null = 2.0\nregistered = 1000000\n\n"
        '[[candidate]]\ncode = "ada"\nname = "Ada Lovelace"\nwithdrawn = true\n\n'
        '[[candidate]]\ncode = "bea"\nname = "Bea Smith"\n\n'
        '[[candidate]]\ncode = "cy"\nname = "Cy Young"\n',
        encoding="utf-8",
    )
    ok("contest", "new", "--from", str(race), *db)
    (tmp_path / "q.csv").write_text(
        "pollster,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:ada,first:bea,first:cy,"
        "second:ada,second:bea\n"
        "Ifop,f1,H1,2024-03-05,2024-03-07,1000,40,35,25,,\nIfop,f1,R1,2024-03-05,2024-03-07,1000,,,,52,48\n",
        encoding="utf-8",
    )
    ok("import", str(tmp_path / "q.csv"), "--contest", "Race", *db)
    said = "Note: Ada Lovelace has withdrawn: this runoff can no longer take place (every runoff the polls ask"
    assert said in ok("scenario", "--contest", "Race", *db)
    assert said in ok("average", "--contest", "Race", *db)


def test_a_two_candidate_instant_runoffs_settings_in_words_list_no_row() -> None:
    """The briefing and Compare printed "Able's voters next: Baker 100 %" and "Baker's voters next: Able 100 %" for
    a race of two, rows no count ever reads (`saved_cases.irv_lines`)."""
    from warroom.core.irv_pipeline import evaluate_irv
    from warroom.core.irv_scenario import irv_scenario
    from warroom.core.saved_cases import irv_lines

    lines = irv_lines(evaluate_irv(irv_scenario({"ann": 55.0, "bob": 45.0}, {}), names={"ann": "Able", "bob": "Baker"}))
    assert lines[0] == "First round: Able 55.0 %, Baker 45.0 %"
    assert not [line for line in lines if "voters next" in line], lines
    three = irv_lines(evaluate_irv(irv_scenario({"ann": 50.0, "bob": 40.0, "cat": 10.0}, {})))
    assert sum("voters next" in line for line in three) == 3


TRIO_IRV = DUO_IRV.replace('name = "Duo IRV"', 'name = "Trio IRV"') + '\n[[candidate]]\ncode = "cy"\nname = "Cy Cole"\n'


def test_average_of_an_instant_runoff_race_prints_the_chains_final_pair_lead(db: list[str], tmp_path: Path) -> None:
    """`warroom average` printed an instant-runoff race's "Runoff lead" as the Supplementary Vote's ("+5.6 points;
    average of 1 runoff implied by transfers"), a figure the window never shows for it: its runoff-lead chart and
    poll table give the elimination chain's final pair (`irv_pair_lead`, +6.7 here), as `warroom scenario` does."""
    import json

    (tmp_path / "trio.toml").write_text(TRIO_IRV, encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "trio.toml"), *db)
    (tmp_path / "p.csv").write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cy\n"
        "X,2024-04-01,2024-04-02,1000,40,35,25\n",
        encoding="utf-8",
    )
    ok("import", str(tmp_path / "p.csv"), "--contest", "Trio IRV", *db)
    scenario = json.loads(ok("scenario", "--contest", "Trio IRV", "--json", *db))
    average = json.loads(ok("average", "--contest", "Trio IRV", "--json", *db))
    assert average["runoff_pair"] == scenario["final_pair"] == ["ann", "bob"]
    assert average["second_round_lead"]["mean"] == pytest.approx(scenario["final_margin"], abs=0.002)
    text = ok("average", "--contest", "Trio IRV", *db)
    assert "Runoff lead, Ann Able minus Bob Baker: +6.7 points" in text and "elimination chain" in text, text


def test_contest_show_indents_a_notes_later_lines_under_it(db: list[str], tmp_path: Path) -> None:
    """A contest's notes (free text, several lines) were printed with their later lines at the margin of the
    fields, so a note reading "a\\n  election: 1999-01-01" showed a second, false polling day."""
    race = tmp_path / "nl.toml"
    race.write_text(
        SV.replace('name = "Eq SV"', 'name = "NL"\nnotes = "a\\n  election: 1999-01-01\\n  polls: 999"'),
        encoding="utf-8",
    )
    ok("contest", "new", "--from", str(race), *db)
    lines = ok("contest", "show", "NL", *db).splitlines()
    assert [line for line in lines if line.startswith("  election:")] == ["  election: 2024-05-02"], lines
    assert [line for line in lines if line.startswith("  polls:")] == ["  polls: 0"], lines
    at = lines.index("  notes: a")
    assert lines[at + 1 : at + 3] == ["           election: 1999-01-01", "           polls: 999"], lines


@pytest.mark.parametrize("option", [["--split", "paddick=49//21/30"], ["--message", "10", "--message-to", ",50,30,20"]])
def test_a_figure_list_with_an_empty_part_is_refused(db: list[str], option: list[str]) -> None:
    """`--split paddick=49//21/30` and `--message-to ,50,30,20` dropped the empty part and read the rest (a slot
    left out by mistake moved every later figure one place, without a word); two-round's `--split
    Zemmour=10,,60,20,10` was read as 10/60/20/10."""
    from warroom.cli.cases import _parts

    code, _out, err = run("scenario", *option, *db)
    assert code != 0 and "an empty part" in err, err
    with pytest.raises(ValueError, match="an empty part"):
        _parts("10,,60,20,10", 4, "--split Zemmour")
    assert _parts(" 10 / 60 / 20 / 10 ", 4, "--split Zemmour") == (10.0, 60.0, 20.0, 10.0)


def test_export_given_a_file_and_a_bundle_is_a_usage_error(db: list[str], tmp_path: Path) -> None:
    """`warroom export polls.csv --bundle campaign.json` wrote the bundle, left polls.csv unwritten and said
    success (exit 0): a script reading polls.csv next read an old one or none."""
    code, _out, err = run("export", str(tmp_path / "polls.csv"), "--bundle", str(tmp_path / "b.json"), *db)
    assert code == 2 and "give FILE or --bundle FILE, not both" in err, err
    assert not (tmp_path / "polls.csv").exists() and not (tmp_path / "b.json").exists()


QUAD = """\
[contest]
name = "Quad"
election_date = 2024-05-02
system = "irv"
[[candidate]]
code = "a"
name = "Al Aa"
[[candidate]]
code = "b"
name = "Bo Bb"
[[candidate]]
code = "c"
name = "Cy Cc"
[[candidate]]
code = "d"
name = "Di Dd"
"""


def test_a_row_the_count_cannot_take_is_refused_naming_the_option(db: list[str], tmp_path: Path) -> None:
    """`--row c=d:100` with d a candidate no poll gives a first-round share printed a KeyError traceback; a share
    out of range or a row not adding to 100 gave the core's words alone, naming '__exhausted__' and no option."""
    (tmp_path / "quad.toml").write_text(QUAD, encoding="utf-8")
    ok("contest", "new", "--from", str(tmp_path / "quad.toml"), *db)
    (tmp_path / "p.csv").write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:a,first:b,first:c\nX,2024-04-01,2024-04-02,1000,40,35,25\n",
        encoding="utf-8",
    )
    ok("import", str(tmp_path / "p.csv"), "--contest", "Quad", *db)
    for row, said in (
        ("c=d:100", "--row 'c=d:100': d has no first-round share in the polls"),
        ("c=exhausted:-5,b:105", "--row 'c=exhausted:-5,b:105': transfer row 'c': share to 'exhausted' must lie"),
        ("c=b:0", "--row 'c=b:0': transfer row 'c': shares must sum to 100, got 0"),
    ):
        code, _out, err = run("scenario", "--contest", "Quad", "--row", row, *db)
        assert code == 1 and "Traceback" not in err and said in err and "__exhausted__" not in err, err


def test_a_bundle_imported_with_another_contest_named_is_a_usage_error(db: list[str], tmp_path: Path) -> None:
    """`warroom import london.json --contest "Burlington Mayor 2009"` imported into London (the bundle's own race)
    and said success: the race named was silently not the one written. Refused, nothing imported; the bundle's
    own race named (in any case or spacing) is fine."""
    bundle = tmp_path / "london.json"
    ok("export", "--contest", "London Mayor 2012", "--bundle", str(bundle), *db)
    code, _out, err = run("import", str(bundle), "--contest", "Burlington Mayor 2009", *db)
    assert code == 2 and "is a bundle of 'London Mayor 2012'" in err, err
    assert "imported into" in ok("import", str(bundle), "--contest", " london mayor 2012", *db)


def test_scenario_poll_of_no_poll_of_the_race_says_so(db: list[str]) -> None:
    """`warroom scenario --poll 0` (or another race's poll) said "poll #0 is not in London Mayor 2012 any more", as
    if it had been: the words of a saved case whose poll was deleted since."""
    code, _out, err = run("scenario", "--contest", "London Mayor 2012", "--poll", "0", *db)
    assert code == 1 and "--poll 0: London Mayor 2012 has no poll #0 (warroom polls lists its polls)" in err, err
