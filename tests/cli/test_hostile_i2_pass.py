"""A fresh hostile pass (issue 16, helper i2): render targets, contest files and official results from the CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from tests.cli._run import run


def test_the_briefing_is_never_written_as_a_pdf_under_a_png_or_svg_name(db: list[str], tmp_path: Path) -> None:
    """`warroom render briefing --out b.svg` (or b.png) wrote the briefing's PDF bytes under that name, exit 0,
    "wrote b.svg": a file every SVG or PNG reader refuses. It is refused naming the file, nothing written."""
    for name in ("b.svg", "b.png", "b.PNG"):
        target = tmp_path / name
        code, _out, err = run(*db, "render", "briefing", "--out", str(target))
        assert code == 1, err
        assert str(target) in err and "PDF" in err, err
        assert not target.exists()


def _big_contest_file(path: Path, name: str, letters: int) -> None:
    """1,000 parties and candidates named in letters of four UTF-8 bytes each (CJK Extension B), `letters` each."""
    import random

    pick = random.Random(1)
    alphabet = [chr(c) for c in range(0x20000, 0x20000 + 3000)]

    def word() -> str:
        return "".join(pick.choice(alphabet) for _ in range(letters))

    lines = ["[contest]", f'name = "{name}"', "election_date = 2024-05-02", 'system = "sv"', ""]
    for i in range(1000):
        lines += ["[[party]]", f'code = "p{i:04d}"', f'name = "{word()}"', ""]
    for i in range(1000):
        lines += ["[[candidate]]", f'code = "c{i:04d}"', f'name = "{word()}"', f'party = "p{i:04d}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def test_contest_export_never_writes_a_file_contest_new_refuses(db: list[str], tmp_path: Path) -> None:
    """A contest made from a contest file of 1.04 MB (1,000 candidates and parties, long names in four-byte
    letters: within every limit) was exported as 1.11 MB, the export adding each candidate's empty short name,
    colour and withdrawn flag: `contest new` and `contest edit` refuse a file past 1 MB unread, so the race could
    not be read back from its own export. The export is refused naming the size and the bundle that carries the
    race, nothing written; the bundle reads back."""
    import json

    from warroom.core.contestfile import CONTEST_FILE_MAX_BYTES

    source = tmp_path / "big.toml"
    _big_contest_file(source, "Big race", 118)
    assert source.stat().st_size <= CONTEST_FILE_MAX_BYTES
    code, _out, err = run(*db, "contest", "new", "--from", str(source))
    assert code == 0, err
    out = tmp_path / "again.toml"
    code, _out, err = run(*db, "--contest", "Big race", "contest", "export", "--out", str(out))
    assert code == 1 and not out.exists(), err
    assert "Big race" in err and "--bundle" in err and "nothing written" in err, err
    bundle = tmp_path / "big.json"
    code, _out, err = run(*db, "export", "--contest", "Big race", "--bundle", str(bundle))
    assert code == 0, err
    data = json.loads(bundle.read_text("utf-8"))
    data["contest"]["contest"]["name"] = "Big race again"
    bundle.write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = run(*db, "import", str(bundle))
    assert code == 0, err


def test_a_contest_exported_within_the_limit_reads_back_as_it_was(db: list[str], tmp_path: Path) -> None:
    """The rule above refuses no contest file its readers take: 1,000 candidates and parties of shorter names
    export, and `contest new` reads the file back into the same contest."""
    import json

    source = tmp_path / "big.toml"
    _big_contest_file(source, "Wide race", 60)
    assert run(*db, "contest", "new", "--from", str(source))[0] == 0
    out = tmp_path / "again.toml"
    code, _out, err = run(*db, "--contest", "Wide race", "contest", "export", "--out", str(out))
    assert code == 0, err
    out.write_text(out.read_text("utf-8").replace('name = "Wide race"', 'name = "Wide race again"', 1), "utf-8")
    assert run(*db, "contest", "new", "--from", str(out))[0] == 0
    shown = [json.loads(run(*db, "--json", "contest", "show", name)[1]) for name in ("Wide race", "Wide race again")]
    assert len(shown[0]["candidate"]) == 1000
    assert (shown[0]["candidate"], shown[0]["party"]) == (shown[1]["candidate"], shown[1]["party"])


TIED_SV = """[contest]
name = "Tie SV"
election_date = 2024-05-02
system = "SYSTEM"

[[candidate]]
code = "a"
name = "Ann Alpha"

[[candidate]]
code = "b"
name = "Bob Beta"

[[candidate]]
code = "c"
name = "Cat Gamma"

[[candidate]]
code = "d"
name = "Dan Delta"
"""
TIED_RESULT = "candidate,first_round,final_round\na,400,420\nb,250,300\nc,250,280\nd,100,\n"


def test_a_result_csv_takes_the_finalists_the_store_takes(db: list[str], tmp_path: Path) -> None:
    """A Supplementary Vote count with two candidates tied for second takes both on (Schedule 5B para 5): the
    contest file, bundles and the store took that result, but the result CSV (`contest result`, File > Official
    result's table and its Read a CSV) refused it, "exactly two finalists, not 3". It is held to the store's rule:
    taken under SV, refused under the contingent vote (the top two only); a single final figure is still refused."""
    import json

    for system in ("sv", "contingent"):
        contest = tmp_path / f"{system}.toml"
        contest.write_text(TIED_SV.replace("SYSTEM", system).replace("Tie SV", f"Tie {system}"), encoding="utf-8")
        assert run(*db, "contest", "new", "--from", str(contest))[0] == 0
    result = tmp_path / "tie.csv"
    result.write_text(TIED_RESULT, encoding="utf-8")
    code, _out, err = run(*db, "contest", "result", "Tie sv", "--from", str(result))
    assert code == 0, err
    stored = json.loads(run(*db, "--json", "contest", "show", "Tie sv")[1])["result"]
    assert stored["final_round"] == {"a": 420, "b": 300, "c": 280}
    code, _out, err = run(*db, "contest", "result", "Tie contingent", "--from", str(result))
    assert code == 1 and "names 3 finalists; Contingent vote takes the top two" in err, err
    result.write_text("candidate,first_round,final_round\na,400,420\nb,250,\nc,250,\nd,100,\n", encoding="utf-8")
    code, _out, err = run(*db, "contest", "result", "Tie sv", "--from", str(result))
    assert code == 1 and "at least two finalists" in err, err


def test_a_race_whose_every_poll_ended_after_polling_day_says_so(db: list[str], tmp_path: Path) -> None:
    """A race held before every poll it holds (recall polls only, or an election day typed a week early) was
    projected from those polls without a word: "Baseline: Poll average on 11 May 2012" and "Likely Johnson (77 %
    chance)" for a race held on 3 May. The baseline now says every poll ended after polling day, naming it;
    a race with polls before polling day reads as before."""
    toml = tmp_path / "after.toml"
    assert run(*db, "--contest", "London Mayor 2012", "contest", "export", "--out", str(toml))[0] == 0
    text = toml.read_text("utf-8").replace('name = "London Mayor 2012"', 'name = "After"', 1)
    toml.write_text(text[: text.index("[result]")], encoding="utf-8")
    assert run(*db, "contest", "new", "--from", str(toml))[0] == 0
    polls = tmp_path / "after.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other\n"
        "Acme,2012-05-08,2012-05-10,1000,45,40,15\nBeta,2012-05-09,2012-05-11,1000,44,41,15\n",
        encoding="utf-8",
    )
    code, _out, err = run(*db, "--contest", "After", "import", str(polls))
    assert code == 0, err
    code, out, err = run(*db, "--contest", "After", "scenario")
    assert code == 0, err
    assert "(every poll ended after polling day, 03 May 2012)" in out.splitlines()[1], out
    code, out, err = run(*db, "--contest", "London Mayor 2012", "scenario")
    assert code == 0 and "after polling day" not in out, out


def test_the_forecast_of_a_race_whose_every_poll_ended_after_polling_day_says_so(
    qapp, db: list[str], tmp_path: Path
) -> None:
    """Issue 16: the scenario's baseline said every poll ended after polling day, but `warroom forecast` and
    Scenario > Forecast over time gave "Johnson 77 %" week by week for a race already held, without a word. Both
    say it now, in the same words (core.pipeline.forecast_after_polling_day); a race with polls before polling day
    reads as before."""
    from warroom.core.pipeline import ForecastPoint
    from warroom.demo import LONDON_2012
    from warroom.ui.forecast_dialog import ForecastDialog

    toml = tmp_path / "after.toml"
    assert run(*db, "--contest", "London Mayor 2012", "contest", "export", "--out", str(toml))[0] == 0
    text = toml.read_text("utf-8").replace('name = "London Mayor 2012"', 'name = "After"', 1)
    toml.write_text(text[: text.index("[result]")], encoding="utf-8")
    assert run(*db, "contest", "new", "--from", str(toml))[0] == 0
    polls = tmp_path / "after.csv"
    polls.write_text(
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other\n"
        "Acme,2012-05-08,2012-05-10,1000,45,40,15\nBeta,2012-05-09,2012-05-11,1000,44,41,15\n",
        encoding="utf-8",
    )
    assert run(*db, "--contest", "After", "import", str(polls))[0] == 0
    said = "every poll ended after polling day (03 May 2012)"
    code, out, _err = run(*db, "--contest", "After", "forecast")
    assert code == 0 and said in out, out
    code, out, _err = run(*db, "--contest", "After", "--json", "forecast")
    assert code == 0 and said in json.loads(out)["note"], out
    code, out, _err = run(*db, "--contest", "London Mayor 2012", "forecast")
    assert code == 0 and "after polling day" not in out, out
    point = ForecastPoint(
        day=date(2012, 5, 11), polls=2, a="johnson", b="livingstone", margin=4.0, band=(-8.0, 16.0),
        p_win={"johnson": 0.7, "livingstone": 0.3},
    )  # fmt: skip
    names = {c.code: c.display for c in LONDON_2012.candidates}
    dialog = ForecastDialog([point], names, {}, contest=LONDON_2012)
    assert said in dialog.summary.text(), dialog.summary.text()
    before = ForecastDialog([replace(point, day=date(2012, 5, 2))], names, {}, contest=LONDON_2012)
    assert "after polling day" not in before.summary.text()
    dialog.deleteLater()
    before.deleteLater()
