"""`warroom import` of the French compilations and the extended poll CSV, `warroom average` / `qualify` on
two-round contests: counts against the files, all or nothing, and the same numbers as the core report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli._run import ok, run
from tests.core.test_two_round_pipeline import QUESTION_CSV
from warroom.core.two_round_pipeline import two_round_report
from warroom.demo import FAR_LEFT_2022, FRANCE_2022_NAME
from warroom.resources import resource_path

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FRANCE_2022 = resource_path("data", "france_2022")


def _polls(db: list[str], name: str) -> int:
    return next(c["polls"] for c in json.loads(ok("contests", "--json", *db)) if c["name"] == name)


def test_the_2022_files_import_into_a_new_contest_with_their_counts(db: list[str]) -> None:
    got = json.loads(
        ok(
            "import",
            str(FRANCE_2022 / "nsppolls_presidentielle.csv"),
            "--new-contest",
            "Présidentielle 2022 (copie)",
            "--election-date",
            "2022-04-10",
            "--json",
            *db,
        )
    )
    assert got["created"] and got["format"] == "nsppolls" and "NSPPolls" in got["credit"]
    assert got["in_file"] == {"polls": 409, "hypotheses": 558, "matchups": 767, "matrices": 0, "rows": 8863}
    assert got["imported"]["polls"] == 409 and got["imported"]["matchups"] == 767
    out = ok("import", str(FRANCE_2022 / "nsppolls_reports.csv"), "--contest", "Présidentielle 2022 (copie)", *db)
    assert "35 transfer matrices" in out and "35 matrices" in out
    shown = json.loads(ok("contest", "show", "Présidentielle 2022 (copie)", "--json", *db))
    assert shown["contest"]["system"] == "two_round" and shown["polls"] == 409 and "official_rounds" not in shown
    demo = json.loads(ok("contest", "show", FRANCE_2022_NAME, "--json", *db))
    assert [(r["round"], r["votes"]["Emmanuel Macron"]) for r in demo["official_rounds"]] == [
        (1, 9_783_058),
        (2, 18_768_639),
    ]
    assert "round 2 (2022-04-24): 48,752,339 registered" in ok("contest", "show", FRANCE_2022_NAME, *db)
    again = json.loads(ok("import", str(FRANCE_2022), "--contest", "Présidentielle 2022 (copie)", "--json", *db))
    assert again["imported"]["polls"] == 0 and again["imported"]["skipped_questions"] == 558 + 767
    assert again["imported"]["skipped_matrices"] == 35 and again["imported"]["official_rounds"] == 2


def test_the_2027_compilation_sets_up_a_contest_in_one_command(db: list[str]) -> None:
    folder = SHARED / "france-2027"
    if not folder.exists():
        pytest.skip(f"{folder} is not on this machine")
    got = json.loads(ok("import", str(folder), "--new-contest", "France 2027", "--json", *db))
    assert got["in_file"] == {"polls": 33, "hypotheses": 136, "matchups": 36, "matrices": 0, "rows": 1468}
    assert got["imported"]["polls"] == 33 and got["imported"]["hypotheses"] == 136
    shown = json.loads(ok("contest", "show", "France 2027", "--json", *db))
    assert (shown["contest"]["election_date"], shown["contest"]["second_round_date"]) == ("2027-04-11", "2027-04-25")
    odds = json.loads(ok("qualify", "--contest", "France 2027", "--json", *db))
    total = sum(c["qualify"] for c in odds["first_round"])
    assert total == pytest.approx(2.0) and odds["first_round"][0]["candidate"] == "Marine Le Pen"
    runoff = json.loads(ok("average", "--contest", "France 2027", "--matchup", "philippe/le-pen", "--json", *db))
    assert (runoff["runoff"]["a"], runoff["runoff"]["b"]) == ("Édouard Philippe", "Marine Le Pen")
    assert 0.0 < runoff["runoff"]["win_probability_a"] < 1.0 and "backtest" not in runoff


def test_a_broken_compilation_imports_nothing_and_names_its_lines(db: list[str], tmp_path: Path) -> None:
    before = _polls(db, FRANCE_2022_NAME)
    broken = tmp_path / "nsppolls_presidentielle.csv"
    lines = (FRANCE_2022 / "nsppolls_presidentielle.csv").read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("Premier tour", "Troisième tour")
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run("import", str(broken), "--contest", FRANCE_2022_NAME, *db)
    assert code == 1 and "nsppolls_presidentielle.csv:6: tour" in err and "nothing imported" in err
    code, out, _ = run("import", str(broken), "--contest", FRANCE_2022_NAME, "--json", *db)
    assert code == 1 and {"line": 6, "field": "tour"}.items() <= json.loads(out)["errors"][0].items()
    assert _polls(db, FRANCE_2022_NAME) == before


def test_a_mieuxvoter_file_without_its_companions_is_refused(db: list[str], tmp_path: Path) -> None:
    if not (SHARED / "france-2027").exists():
        pytest.skip(f"{SHARED / 'france-2027'} is not on this machine")
    alone = tmp_path / "candidats.csv"
    shutil.copy(SHARED / "france-2027" / "candidats.csv", alone)
    code, _, err = run("import", str(alone), "--new-contest", "X", *db)
    assert code == 1 and "polls.csv, hypotheses.csv, presidentielle2027.csv missing" in err
    assert "X" not in [c["name"] for c in json.loads(ok("contests", "--json", *db))]


def test_polls_lists_a_two_round_contests_notices(db: list[str]) -> None:
    listed = json.loads(ok("polls", "--contest", FRANCE_2022_NAME, "--json", *db))
    assert len(listed["polls"]) == 409 and listed["matrices"] == 35
    assert sum(len(p["matchups"]) for p in listed["polls"]) == 767
    text = ok("polls", "--contest", FRANCE_2022_NAME, *db)
    assert "409 polls (558 first-round hypotheses, 767 runoff matchups), 35 transfer matrices" in text
    assert "Macron 56.5-43.5 Le Pen" in text


def test_a_compilation_goes_only_into_a_two_round_contest(db: list[str]) -> None:
    code, _, err = run("import", str(FRANCE_2022 / "nsppolls_reports.csv"), "--contest", "London Mayor 2012", *db)
    assert code == 1 and "two-round contest" in err
    code, _, err = run("average", "--matchup", "a/b", *db)  # the London demo
    assert code == 2 and "two-round" in err


def test_the_extended_poll_csv_imports_into_a_two_round_contest(db: list[str], tmp_path: Path) -> None:
    path = tmp_path / "questions.csv"
    path.write_text(QUESTION_CSV, encoding="utf-8")
    before = _polls(db, FRANCE_2022_NAME)
    got = json.loads(ok("import", str(path), "--contest", FRANCE_2022_NAME, "--json", *db))
    assert got["format"] == "poll-csv"
    assert got["imported"] | {"official_rounds": 0} == {
        "polls": 2,
        "hypotheses": 3,
        "matchups": 1,
        "matrices": 1,
        "skipped_questions": 0,
        "skipped_matrices": 0,
        "official_rounds": 0,
        "replaced_questions": 0,
        "replaced_matrices": 0,
    }
    assert _polls(db, FRANCE_2022_NAME) == before + 2
    bad = tmp_path / "bad.csv"
    bad.write_text(QUESTION_CSV.replace("1500,33,27", "1500,33,2x7"), encoding="utf-8")
    code, _, err = run("import", str(bad), "--contest", FRANCE_2022_NAME, *db)
    assert code == 1 and "bad.csv:3: first:le-pen" in err and "nothing imported" in err


def test_average_prints_the_core_reports_numbers_for_the_2022_demo(db: list[str]) -> None:
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store.questions import load_campaign

    shown = json.loads(ok("average", "--contest", FRANCE_2022_NAME, "--json", *db))
    paths = AppPaths.under(Path(db[1]))
    store = open_store(paths.database, backup_dir=None)
    with store.sessions() as s:
        campaign = load_campaign(s, FRANCE_2022_NAME)
    store.close()
    report = two_round_report(campaign, proxies=FAR_LEFT_2022)
    assert report.matchup is not None and report.backtest is not None
    assert shown["runoff"]["a_share"] == report.matchup.latest()
    assert shown["runoff"]["win_probability_a"] == report.matchup.win_probability()
    assert [c["share"] for c in shown["first_round"]] == list(report.first.latest().values())
    bt = shown["backtest"]
    assert bt["runoff"]["official_a_share"] == pytest.approx(58.55, abs=0.005)
    assert bt["runoff_from_matrices"]["a_share"] == pytest.approx(54.61, abs=0.01)
    assert bt["runoff_head_to_head"]["a_share"] == pytest.approx(55.28, abs=0.01)
    assert bt["first_round_mean_abs_error"] == pytest.approx(1.23, abs=0.01)
    text = ok("average", "--contest", FRANCE_2022_NAME, "--matchup", "macron-melenchon", *db)
    assert "runoff Jean-Luc Mélenchon / Emmanuel Macron" not in text and "runoff Emmanuel Macron / Jean-Luc" in text
    hyp = json.loads(ok("qualify", "--contest", FRANCE_2022_NAME, "--hypothesis", "Hypothèse Pécresse", "--json", *db))
    assert hyp["hypothesis"] == "Hypothèse Pécresse" and len(hyp["first_round"]) == 15


def test_a_two_round_campaign_travels_whole_in_a_bundle(db: list[str], tmp_path: Path) -> None:
    bundle = tmp_path / "france.json"
    ok("export", "--contest", FRANCE_2022_NAME, "--bundle", str(bundle), *db)
    data = json.loads(bundle.read_text(encoding="utf-8"))
    # version 3: France 2022 carries its expected first round (store.contests.BUNDLE_VERSION)
    assert data["version"] == 3 and len(data["two_round"]["notices"]) == 409
    again = json.loads(ok("import", str(bundle), "--json", *db))  # the same contest: every question known
    assert again["two_round"]["polls"] == 0 and again["two_round"]["skipped_questions"] == 558 + 767
    data["contest"]["contest"]["name"] = "France 2022 (copy)"
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps(data), encoding="utf-8")
    got = json.loads(ok("import", str(copy), "--json", *db))
    assert got["created"] and got["two_round"] | {"official_rounds": 0} == {
        "polls": 409,
        "hypotheses": 558,
        "matchups": 767,
        "matrices": 35,
        "skipped_questions": 0,
        "skipped_matrices": 0,
        "official_rounds": 0,
        "replaced_questions": 0,
        "replaced_matrices": 0,
    }
    first = json.loads(ok("average", "--contest", FRANCE_2022_NAME, "--json", *db))
    second = json.loads(ok("average", "--contest", "France 2022 (copy)", "--json", *db))
    assert first["first_round"] == second["first_round"] and first["runoff"] == second["runoff"]
    assert second["backtest"]["runoff"]["official_a_share"] == pytest.approx(58.55, abs=0.005)
    code, _, err = run("export", str(tmp_path / "f.csv"), "--contest", FRANCE_2022_NAME, *db)
    assert code == 2 and "--bundle" in err
    data["two_round"]["notices"][3]["hypotheses"][0]["shares"] = {"X": "lots"}
    data["contest"]["contest"]["name"] = "France broken"
    copy.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("import", str(copy), *db)
    assert code == 1 and "two_round.notices[4]" in err
    assert "France broken" not in [c["name"] for c in json.loads(ok("contests", "--json", *db))]


def test_official_results_alone_go_into_a_two_round_contest(db: list[str], tmp_path: Path) -> None:
    ok(
        "import",
        str(FRANCE_2022 / "nsppolls_reports.csv"),
        "--new-contest",
        "Matrices only",
        "--election-date",
        "2022-04-10",
        *db,
    )
    folder = tmp_path / "results"
    folder.mkdir()
    shutil.copy(FRANCE_2022 / "official_results.csv", folder)
    code, _, err = run("import", str(folder / "official_results.csv"), "--contest", "Matrices only", *db)
    assert code == 1 and "turnout.csv missing" in err
    shutil.copy(FRANCE_2022 / "turnout.csv", folder)
    got = json.loads(ok("import", str(folder / "turnout.csv"), "--contest", "Matrices only", "--json", *db))
    assert got["format"] == "results" and got["imported"]["official_rounds"] == 2
    shown = json.loads(ok("contest", "show", "Matrices only", "--json", *db))
    assert len(shown["official_rounds"]) == 2


def test_dry_run_writes_nothing_and_bad_choices_are_named(db: list[str]) -> None:
    out = ok("import", str(FRANCE_2022), "--new-contest", "Dry", "--election-date", "2022-04-10", "--dry-run", *db)
    assert "checked (dry run, nothing written)" in out
    assert "Dry" not in [c["name"] for c in json.loads(ok("contests", "--json", *db))]
    code, _, err = run("average", "--contest", FRANCE_2022_NAME, "--hypothesis", "Hypothèse Nulle", *db)
    assert code == 1 and "no poll asks the first-round hypothesis 'Hypothèse Nulle'" in err
    code, _, err = run("qualify", *db)  # the London demo
    assert code == 2 and "two-round" in err
    code, _, err = run("import", str(FRANCE_2022 / "turnout.csv"), "--new-contest", "Results", *db)
    assert code == 2 and "existing contest" in err
    early = json.loads(ok("average", "--contest", FRANCE_2022_NAME, "--as-of", "2021-12-31", "--json", *db))
    assert early["runoff"]["polls"] < 355 and early["polls"] < 351


def test_backtest_covers_the_two_round_demo(db: list[str]) -> None:
    text = ok("backtest", *db)
    assert text.index("London Mayor 2012") < text.index("Back-test of France 2022 presidential (demo) (two rounds)")
    assert "transfer matrices on the official first round: Emmanuel Macron 54.61 % (-3.94)" in text
    only = json.loads(ok("backtest", "--contest", FRANCE_2022_NAME, "--json", *db))
    assert only["points"] == [] and only["brier"] is None
    (france,) = only["two_round"]
    assert france["contest"] == FRANCE_2022_NAME
    assert france["runoff_head_to_head"]["a_share"] == pytest.approx(55.28, abs=0.01)


def test_a_corrected_file_is_refused_unless_replace_is_asked(db: list[str], tmp_path: Path) -> None:
    """NSPPolls corrects transcription errors upstream: the newer download differs on a few figures."""
    folder = tmp_path / "newer"
    folder.mkdir()
    lines = (FRANCE_2022 / "nsppolls_reports.csv").read_text(encoding="utf-8").splitlines()
    assert ",41.0,20220422_0422b_ips," in lines[1]
    lines[1] = lines[1].replace(",41.0,", ",40.0,")  # Mélenchon -> Macron, Ipsos 22 April
    lines[3] = lines[3].replace(",38.0,", ",39.0,")  # the row still sums to 100
    (folder / "nsppolls_reports.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    polls = (FRANCE_2022 / "nsppolls_presidentielle.csv").read_text(encoding="utf-8").splitlines()
    assert polls[1].startswith("Marine Le Pen,Rassemblement national,16.0,") and "20220102_0105r_ow" in polls[1]
    polls[1] = polls[1].replace(",16.0,", ",16.5,", 1)  # Le Pen, OpinionWay 2-5 January
    (folder / "nsppolls_presidentielle.csv").write_text("\n".join(polls) + "\n", encoding="utf-8")
    code, _, err = run("import", str(folder), "--contest", FRANCE_2022_NAME, *db)
    assert code == 1 and "is stored with other figures" in err and "--replace" in err
    got = json.loads(ok("import", str(folder), "--contest", FRANCE_2022_NAME, "--replace", "--json", *db))
    assert (got["imported"]["replaced_questions"], got["imported"]["replaced_matrices"]) == (1, 1)
    assert got["imported"]["polls"] == 0 and got["imported"]["matrices"] == 0
    assert _polls(db, FRANCE_2022_NAME) == 409
    again = json.loads(ok("import", str(folder), "--contest", FRANCE_2022_NAME, "--json", *db))
    assert again["imported"]["skipped_questions"] == 558 + 767 and again["imported"]["skipped_matrices"] == 35
