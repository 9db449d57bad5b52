"""Hostile pass 9 (issue 16): command-line inputs no earlier pass tried (one-respondent polls, repeated and
ambiguous --split, an empty --save)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import ok, run

ONE_RESPONDENT = (
    "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:paddick,first:other,"
    "second:johnson,second:livingstone\nZed,2012-04-20,2012-04-21,1,100,0,0,0,100,0\n"
)


def _leads(db: list[str]) -> tuple[float, float]:
    data = json.loads(ok(*db, "average", "--json"))
    return data["first_round_lead"]["mean"], data["second_round_lead"]["mean"]


def test_a_one_respondent_poll_is_refused_at_100_to_0_and_barely_moves_the_average_below_it(
    db: list[str], tmp_path: Path
) -> None:
    """A poll of one respondent always shows 100-0; its lead's variance was taken at that share, p(1-p)/n at the
    floor, so it weighed more than five ordinary polls: the demo's first-round lead went from +6.6 to +25 points
    on one such line. A share of exactly 100 beside other figures is now refused (core.validation), and below it
    a small poll's variance is taken at a share kept two respondents from either edge
    (core.averaging.variance_fraction), so it weighs about as much as its respondents."""
    before = _leads(db)
    source = tmp_path / "one.csv"
    source.write_text(ONE_RESPONDENT, encoding="utf-8")
    code, _out, err = run(*db, "import", str(source))
    assert code == 1 and "first:johnson" in err and "100 %" in err, err
    source.write_text(ONE_RESPONDENT.replace(",1,100,0,0,0,100,0", ",1,99.8,0.1,0.1,0,99.9,0.1"), encoding="utf-8")
    ok(*db, "import", str(source))
    after = _leads(db)
    assert abs(after[0] - before[0]) < 0.5, (before, after)
    assert abs(after[1] - before[1]) < 0.5, (before, after)


def test_a_one_respondent_poll_is_never_more_precise_than_a_thousand() -> None:
    from warroom.core.averaging import lead_variance, share_variance

    ordinary_lead, ordinary_share = lead_variance(46, 44, 1000), share_variance(46, 1000)
    for a, b in ((100, 0), (0, 100), (50, 50), (100, 100)):
        assert lead_variance(a, b, 1) > 50 * ordinary_lead, (a, b)
    for share in (0, 100, 50):
        assert share_variance(share, 1) > 50 * ordinary_share, share
    assert share_variance(46, 1000) == 1e4 * 0.46 * 0.54 / 1000  # an ordinary poll: exactly as before
    assert lead_variance(46, 44, 1000) == 1e4 * (0.9 - 0.02**2) / 1000


def test_a_split_given_twice_for_one_candidate_is_refused(db: list[str]) -> None:
    """`--split paddick=49/21/30 --split paddick=10/10/80` (a line left in a script, a shell history edit) took
    the second without a word; instant runoff's --row already refused a candidate named twice. The
    Supplementary Vote's and the two-round --split, and instant runoff's --row given twice for one candidate, now
    refuse it, naming the first."""
    code, _out, err = run(*db, "scenario", "--split", "paddick=49/21/30", "--split", "Paddick=10/10/80")
    assert code != 0 and "paddick=49/21/30" in err and "already" in err, err
    assert "Traceback" not in err
    code, _out, err = run(
        *db,
        "scenario",
        "--contest",
        "France 2022 presidential",
        "--split",
        "melenchon=30/20/20/30",
        "--split",
        "mélenchon=40/10/20/30",
    )
    assert code != 0 and "already" in err and "melenchon=30/20/20/30" in err, err
    code, _out, err = run(
        *db,
        "scenario",
        "--contest",
        "Burlington Mayor 2009",
        "--row",
        "montroll=kiss:60,wright:40",
        "--row",
        "Andy Montroll=kiss:10,wright:90",
    )
    assert code != 0 and "already" in err and "montroll=kiss:60,wright:40" in err, err


def test_a_split_names_candidates_by_the_poll_csvs_rule(db: list[str], tmp_path: Path) -> None:
    """--split read a surname over a code: in a race with Boris Johnson (code `johnson`) and Jo Johnson (code
    `jo`), `--split johnson=...` went to Jo Johnson. Now a code wins over a full name over a surname, as in every
    other reader (core.csvformat.candidate_spellings), and a surname two candidates share is refused naming
    both."""
    contest = tmp_path / "r.toml"
    contest.write_text(
        '[contest]\nname = "Two Johnsons"\nelection_date = 2012-05-03\nsystem = "sv"\n'
        '[[candidate]]\ncode = "livingstone"\nname = "Ken Livingstone"\n'
        '[[candidate]]\ncode = "jo"\nname = "Jo Johnson"\n'
        '[[candidate]]\ncode = "johnson"\nname = "Boris Johnson"\n'
        '[[candidate]]\ncode = "asmith"\nname = "Ann Smith"\n'
        '[[candidate]]\ncode = "bsmith"\nname = "Bob Smith"\n',
        encoding="utf-8",
    )
    ok(*db, "contest", "new", "--from", str(contest))
    polls = tmp_path / "p.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:livingstone,first:jo,first:johnson,first:asmith,"
        "first:bsmith\nAcme,2012-04-01,2012-04-02,1000,40,30,20,6,4\n",
        encoding="utf-8",
    )
    ok(*db, "import", str(polls), "--contest", "Two Johnsons")
    code, out, err = run(*db, "scenario", "--contest", "Two Johnsons", "--split", "johnson=10/10/80")
    # Boris Johnson (code johnson) is third, so eliminated: his split, not Jo Johnson's (a finalist)
    assert code == 0, err
    assert "Johnson's voters: 10 % to" in out or "Boris Johnson" in out, out
    code, _out, err = run(*db, "scenario", "--contest", "Two Johnsons", "--split", "smith=10/10/80")
    assert code != 0 and "Ann Smith" in err and "Bob Smith" in err, err


def test_an_empty_save_name_is_a_usage_error_not_a_silent_skip(db: list[str], capsys: pytest.CaptureFixture) -> None:
    """`warroom scenario --save "$NAME"` with NAME unset printed the scenario and saved nothing, exit 0; `--save " "`
    already said a name is needed. Now a usage error, as --contest "" and --db "" are."""
    with pytest.raises(SystemExit) as info:
        run(*db, "scenario", "--message", "10", "--save", "")
    err = capsys.readouterr().err
    assert info.value.code == 2 and "--save" in err and "empty" in err, err


def test_a_scenario_name_that_looks_like_a_saved_one_is_refused(db: list[str]) -> None:
    """`--save "Plan А"` (a Cyrillic А) beside a saved "Plan A" made a second scenario drawn exactly alike in
    every list (`saved: Plan A, Plan А, plan a`), the one picked showing the other's figures; so did a name
    differing only in case. A new name that looks like a saved one is refused naming it, nothing saved; the same
    name saves over it (given --replace since hM). Exit 1, bad input (it was 3, a store problem; the store was
    fine)."""
    ok(*db, "scenario", "--message", "10", "--save", "Plan A")
    for twin in ("Plan \u0410", "plan a", "PLAN  A", "Ｐlan A"):
        code, _out, err = run(*db, "scenario", "--message", "40", "--save", twin)
        assert code == 1 and "looks like the saved scenario 'Plan A'" in err and "nothing was saved" in err, err
    ok(*db, "scenario", "--message", "20", "--save", "Plan A", "--replace")
    code, _out, err = run(*db, "scenario", "--name", "Plan \u0410")
    assert code != 0 and "saved: Plan A)" in err, err
    assert "20 % of Johnson's personal vote" in ok(*db, "scenario", "--name", "Plan A")


def test_a_bundle_holding_two_scenarios_drawn_alike_is_refused(db: list[str], tmp_path: Path) -> None:
    ok(*db, "scenario", "--message", "10", "--save", "Plan A")
    bundle = tmp_path / "b.json"
    ok(*db, "export", "--contest", "London Mayor 2012", "--bundle", str(bundle))
    data = json.loads(bundle.read_text(encoding="utf-8"))
    twin = dict(data["scenarios"][0], name="Plan \u0410")
    data["scenarios"].append(twin)
    bundle.write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = run(*db, "import", str(bundle))
    assert code != 0 and "looks like 'Plan A'" in err, err


def test_a_text_option_holding_undecodable_bytes_is_a_usage_error_naming_it(
    db: list[str], capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    """A name typed in a Latin-1 terminal reaches Python as escapes (U+DCxx); `--save`, `--contest` and a
    contest's name went on to the store's encoder, which said only "'utf-8' codec can't encode character
    '\\udcff' ... surrogates not allowed". A usage error naming the option now; a store path with such bytes (a
    folder named on an older system) still works."""
    for argv in (
        ("scenario", "--message", "10", "--save", "n\udcff"),
        ("--contest", "x\udcff", "polls"),
        ("contest", "show", "x\udcff"),
    ):
        with pytest.raises(SystemExit) as info:
            run(*db, *argv)
        err = capsys.readouterr().err
        assert info.value.code == 2 and "not text in this terminal's encoding" in err, err
        assert ("--save" in err) or ("--contest" in err) or ("name:" in err), err
    folder = tmp_path / "d\udce9j\udce0"
    from warroom.bootstrap import open_store

    folder.mkdir()
    open_store(folder / "x.sqlite3", backup_dir=None).close()  # (a verb that only reads makes no store: --db)
    assert "London Mayor 2012" in ok("--db", str(folder / "x.sqlite3"), "contests")


RACE = '[contest]\nname = "{name}"\nelection_date = 2024-05-02\nsystem = "sv"\n'
RACE += '[[candidate]]\ncode = "ann"\nname = "Ann Red"\n[[candidate]]\ncode = "bob"\nname = "Bob Blue"\n'


def test_a_contest_named_like_another_is_refused_and_a_decomposed_bundle_is_the_same_race(
    db: list[str], tmp_path: Path
) -> None:
    """ "Zoë Race" typed decomposed (e + combining diaeresis, a Mac's), with a Cyrillic о, or with two spaces was a
    second contest beside "Zoë Race", drawn alike in every picker. A new or renamed contest that looks like a
    stored one is refused naming it; a bundle of the same race exported with decomposed letters merges into it."""
    race = tmp_path / "r.toml"
    race.write_text(RACE.format(name="Zo\u00eb Race"), encoding="utf-8")
    ok(*db, "contest", "new", "--from", str(race))
    for twin in ("Zoe\u0308 Race", "Z\u043e\u00eb Race", "Zo\u00eb  Race"):
        race.write_text(RACE.format(name=twin), encoding="utf-8")
        code, _out, err = run(*db, "contest", "new", "--from", str(race))
        assert code != 0 and "looks like the contest 'Zo\\xeb Race'" in err, err
    race.write_text(RACE.format(name="Other Race"), encoding="utf-8")
    ok(*db, "contest", "new", "--from", str(race))
    race.write_text(RACE.format(name="Z\u043e\u00eb Race"), encoding="utf-8")
    code, _out, err = run(*db, "contest", "edit", "Other Race", "--from", str(race))
    assert code != 0 and "looks like the contest" in err, err
    bundle = tmp_path / "b.json"
    ok(*db, "export", "--contest", "Zo\u00eb Race", "--bundle", str(bundle))
    text = (
        bundle.read_text(encoding="utf-8")
        .replace("Zo\\u00eb Race", "Zoe\\u0308 Race")
        .replace("Zoë Race", "Zoe\u0308 Race")
    )
    assert "Zoe" in text
    bundle.write_text(text, encoding="utf-8")
    ok(*db, "import", str(bundle))
    listed = ok(*db, "contests")
    assert listed.count("Race") == 2, listed  # Zoë Race and Other Race: the bundle merged, no third race


def test_an_export_name_windows_reads_as_another_file_or_a_device_is_refused(db: list[str], tmp_path: Path) -> None:
    """On Windows (or a Windows share) a trailing dot or space is dropped, so `export polls.sqlite3.` wrote over
    the store itself and `polls.csv.` over polls.csv, and `NUL.csv` or `CON.toml` is a device. Every export, from
    the command line and the window (paths.unportable_name, in the one all-or-nothing writer), refuses them on
    every system; a name merely containing such a word is fine."""
    for name in ("polls.csv.", "polls.csv ", "NUL.csv", "con", "Com1.txt"):
        target = tmp_path / name
        code, _out, err = run(*db, "export", str(target))
        assert code != 0 and "nothing written" in err and ("Windows" in err), (name, err)
        assert not target.exists()
    code, _out, err = run(*db, "contest", "export", "London Mayor 2012", "--out", str(tmp_path / "prn.toml"))
    assert code != 0 and "PRN is a device on Windows" in err, err
    ok(*db, "export", str(tmp_path / "console.csv"))
    assert (tmp_path / "console.csv").exists()


def test_the_windows_save_dialogs_writer_refuses_such_names_too(tmp_path: Path) -> None:
    from warroom.paths import atomic_target, write_private_atomic

    with pytest.raises(OSError, match="device on Windows"):
        write_private_atomic(tmp_path / "aux.csv", "x")
    with pytest.raises(OSError, match="ends in a dot"), atomic_target(tmp_path / "chart.png."):
        pass
    assert list(tmp_path.iterdir()) == []


def _png_size(path: Path) -> tuple[int, int]:
    import struct

    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


@pytest.mark.parametrize("target", ["charts", "scenario", "briefing"])
def test_a_render_whose_height_follows_from_its_width_refuses_a_height(
    db: list[str], tmp_path: Path, target: str
) -> None:
    """Issue 16: `render charts|scenario|briefing --height H` ignored H without a word (the picture's height follows
    from its width and the view's shape; the briefing is an A4 page). A height given there is refused, naming the
    option and the targets that take one, nothing written; without it the render is as before."""
    out = tmp_path / ("b.pdf" if target == "briefing" else f"{target}.png")
    code, _out, err = run(*db, "render", target, "--out", str(out), "--width", "1000", "--height", "400")
    assert code == 1 and "--height" in err and "first, lead1, lead2 or window" in err and not out.exists(), err
    ok(*db, "render", target, "--out", str(out), "--width", "1000")
    assert out.exists()


def test_render_of_one_chart_gives_the_size_asked(db: list[str], tmp_path: Path) -> None:
    """`warroom render first --width 800 --height 400` wrote an 800 x 48 strip (1600 x 900 asked: 1600 x 294): a
    single chart was exported at the height the window's layout gave it, --height ignored. It is now laid out at
    the size asked (as a slide is); a size too small for a chart is refused, nothing written."""
    out = tmp_path / "first.png"
    ok(*db, "render", "first", "--out", str(out), "--width", "800", "--height", "400")
    assert _png_size(out) == (800, 400)
    small = tmp_path / "small.png"
    code, _out, err = run(*db, "render", "lead1", "--out", str(small), "--width", "100", "--height", "16")
    assert code != 0 and "at least 320 x 180" in err and not small.exists(), err
