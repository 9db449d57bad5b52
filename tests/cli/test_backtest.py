"""`warroom backtest`: every contest with a stored result, at 60/30/14/7/1 days out (issue 14)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.cli._run import run
from tests.conftest import TOY, make_poll
from warroom.core.types import OfficialResult


def test_backtest_of_the_demo_and_a_users_own_contest(tmp_path: Path) -> None:
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import contests as contests_repo
    from warroom.store import polls as repo

    state = ["--data-dir", str(tmp_path)]
    code, out, err = run("backtest", "--json", *state)
    assert code == 0, err
    data = json.loads(out)
    london = [p for p in data["points"] if p["contest"] == "London Mayor 2012"]
    assert [p["days_before"] for p in london] == [60, 30, 14, 7, 1]
    eve = london[-1]
    assert eve["official_margin"] == pytest.approx(100 * (1_054_811 - 992_273) / (1_054_811 + 992_273), abs=1e-3)
    assert eve["band90"][0] < eve["official_margin"] < eve["band90"][1]
    assert all(0 <= p["p_challenger_wins"] <= 1 for p in london)
    # the probability shrinks as polling day nears and Johnson's lead holds
    assert london[0]["p_challenger_wins"] > london[-1]["p_challenger_wins"]
    for point in london:
        for share in point["shares"].values():
            assert 0 <= share["band90"][0] <= share["average"] <= share["band90"][1] <= 100
    # a contest the user adds, with polls and a result, is back-tested too
    paths = AppPaths.under(tmp_path)
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    polls = [
        replace(
            make_poll(1),
            fieldwork_start=TOY.election_date - timedelta(days=d + 2),
            fieldwork_end=TOY.election_date - timedelta(days=d),
            first_round={"ann": 46, "bob": 38, "cat": 16},
        )
        for d in (40, 20, 9, 3)
    ]
    with store.sessions.begin() as s:
        cid = contests_repo.create_contest(s, TOY)
        repo.add_polls(s, cid, polls)
        contests_repo.set_official_result(
            s, cid, OfficialResult({"ann": 4500, "bob": 4000, "cat": 1500}, {"ann": 5000, "bob": 4700})
        )
    store.close()
    code, out, err = run("backtest", "--contest", TOY.name, *state)
    assert code == 0, err
    assert "Toyton Mayor" in out and "Margin bands held the result" in out and "Calibration" in out
    assert date(2024, 4, 2).isoformat() in out  # 30 days before 2 May 2024


def test_backtest_without_any_result_says_so(tmp_path: Path) -> None:
    code, _out, err = run("backtest", "--contest", "Nope", "--data-dir", str(tmp_path))
    assert code == 1 and "Nope" in err


def test_forecast_by_week_ends_on_the_scenario_verbs_chance(tmp_path: Path) -> None:
    state = ["--data-dir", str(tmp_path)]
    code, out, err = run("forecast", "--json", *state)
    assert code == 0, err
    weeks = json.loads(out)["forecast"]
    assert len(weeks) >= 5 and weeks[-1]["day"] == "2012-05-02"
    code, out, err = run("scenario", "--json", *state)
    assert code == 0, err
    scenario = json.loads(out)
    assert weeks[-1]["p_win"]["livingstone"] == scenario["win_probability_challenger"]
    assert weeks[-1]["margin"] == scenario["margin"]


def test_a_stored_race_with_a_result_refits_the_forecast_error_table(tmp_path: Path) -> None:
    """Issue 14: the forecast band is estimated from the races in the store that have results, not only the
    shipped London record."""
    from warroom.bootstrap import open_store
    from warroom.core.forecast import ForecastErrors
    from warroom.paths import AppPaths
    from warroom.resources import resource_path
    from warroom.store import contests as contests_repo
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    table = resource_path("data", "forecast_errors.json")
    shipped = ForecastErrors.load(table)
    with store.sessions() as s:
        assert contests_repo.forecast_errors(s, table).margin_sd(1) == pytest.approx(shipped.margin_sd(1))  # demo only
    polls = [
        replace(
            make_poll(1),
            fieldwork_start=TOY.election_date - timedelta(days=d + 2),
            fieldwork_end=TOY.election_date - timedelta(days=d),
            first_round={"ann": 50, "bob": 35, "cat": 15},
        )
        for d in (20, 9, 3)
    ]
    with store.sessions.begin() as s:
        cid = contests_repo.create_contest(s, TOY)
        repo.add_polls(s, cid, polls)
        # the polls said Ann by miles; Bob won: a big miss the table must learn from
        contests_repo.set_official_result(
            s, cid, OfficialResult({"ann": 4000, "bob": 4500, "cat": 1500}, {"ann": 4400, "bob": 5200})
        )
    with store.sessions() as s:
        refit = contests_repo.forecast_errors(s, table)
    store.close()
    assert refit.margin_sd(1) > shipped.margin_sd(1) + 0.5
    assert "Toyton Mayor" in refit.races


def test_copies_of_a_race_are_counted_once_in_the_refitted_error_table(tmp_path: Path) -> None:
    """Issue 16: the same race stored twice under two names (a copy of the demo, a race imported twice) was
    counted twice in the refitted error table: a copy of London moved London's chance from 81 % to 83 %. A race
    is told apart by its polling day and its official figures; each counts once, and a back-test leaving a race
    out leaves out its copies too (else the copy hands it its own result)."""
    from warroom.bootstrap import open_store
    from warroom.core.forecast import ForecastErrors
    from warroom.paths import AppPaths
    from warroom.resources import resource_path
    from warroom.store import contests as contests_repo
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    table = resource_path("data", "forecast_errors.json")
    shipped = ForecastErrors.load(table)
    polls = [
        replace(
            make_poll(1),
            fieldwork_start=TOY.election_date - timedelta(days=d + 2),
            fieldwork_end=TOY.election_date - timedelta(days=d),
            first_round={"ann": 50, "bob": 35, "cat": 15},
        )
        for d in (20, 9, 3)
    ]
    toy_result = OfficialResult({"ann": 4000, "bob": 4500, "cat": 1500}, {"ann": 4400, "bob": 5200})
    with store.sessions.begin() as s:
        london = next(c for c in contests_repo.list_contests(s) if c.name == "London Mayor 2012")
        assert london.id is not None
        london_result = contests_repo.get_official_result(s, london.id)
        assert london_result is not None
        copy_id = contests_repo.create_contest(s, replace(london, id=None, name="London copy", demo=False))
        repo.add_polls(s, copy_id, repo.list_polls(s, london.id))
        contests_repo.set_official_result(s, copy_id, london_result)
    with store.sessions() as s:
        # a copy of the demo race: the shipped table holds London 2012 already
        assert contests_repo.forecast_errors(s, table).margin_sd(1) == pytest.approx(shipped.margin_sd(1))
    with store.sessions.begin() as s:
        toy_id = contests_repo.create_contest(s, TOY)
        repo.add_polls(s, toy_id, polls)
        contests_repo.set_official_result(s, toy_id, toy_result)
    with store.sessions() as s:
        once = contests_repo.forecast_errors(s, table)
    with store.sessions.begin() as s:
        twin_id = contests_repo.create_contest(s, replace(TOY, name="Toyton Mayor (imported again)"))
        repo.add_polls(s, twin_id, polls)
        contests_repo.set_official_result(s, twin_id, toy_result)
    with store.sessions() as s:
        twice = contests_repo.forecast_errors(s, table)
        without = contests_repo.errors_without_each(s, table, [toy_id, twin_id])
    store.close()
    assert once.margin_sd(1) > shipped.margin_sd(1) + 0.5  # the race is learnt from ...
    assert twice.margin_sd(1) == pytest.approx(once.margin_sd(1))  # ... once
    assert twice.share_sd(1, 30.0) == pytest.approx(once.share_sd(1, 30.0))
    for left_out in (toy_id, twin_id):  # leaving one out leaves its copy out too
        assert without[left_out].margin_sd(1) == pytest.approx(shipped.margin_sd(1))


def test_contest_result_from_a_csv_file_all_or_nothing(tmp_path: Path) -> None:
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import contests as contests_repo

    state = ["--data-dir", str(tmp_path)]
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    with store.sessions.begin() as s:
        contests_repo.create_contest(s, TOY)
    store.close()
    bad = tmp_path / "bad.csv"
    bad.write_text("candidate,first_round,final_round\nAnn Red,4500,5000\nNobody,10,\n")
    code, _out, err = run("contest", "result", TOY.name, "--from", str(bad), *state)
    assert code == 1 and "bad.csv:3: candidate" in err and "nothing stored" in err
    good = tmp_path / "good.csv"
    good.write_text("candidate,first_round,final_round\nAnn Red,4500,5000\nbob,4000,4700\nGreen,1500,\n")
    code, out, err = run("contest", "result", TOY.name, "--from", str(good), *state)
    assert code == 0, err
    code, out, err = run("contest", "show", TOY.name, "--json", *state)
    assert code == 0 and "5000" in out


def test_a_copy_of_a_race_is_scored_once_in_the_back_test(tmp_path: Path) -> None:
    """Issue 16: `warroom backtest` scored London and its copy as two races: "Margin bands held the result 10 times
    of 10", a Brier score and calibration table of two identical races. The copy is named as not tested, saying
    which race it is the same as; the error table counts it once (core.backtest.race_key)."""
    state = ["--data-dir", str(tmp_path)]
    toml = tmp_path / "copy.toml"
    assert run("contest", "export", "London Mayor 2012", "--out", str(toml), *state)[0] == 0
    toml.write_text(toml.read_text("utf-8").replace('name = "London Mayor 2012"', 'name = "London copy"', 1))
    assert run("contest", "new", "--from", str(toml), *state)[0] == 0
    polls = tmp_path / "polls.csv"
    assert run("export", "--contest", "London Mayor 2012", str(polls), *state)[0] == 0
    assert run("import", "--contest", "London copy", str(polls), *state)[0] == 0
    code, out, err = run("backtest", "--json", *state)
    assert code == 0, err
    data = json.loads(out)
    assert {p["contest"] for p in data["points"]} == {"London Mayor 2012"}
    assert data["margin_band_coverage"]["of"] == 5
    (why,) = [u["reason"] for u in data["untested"] if u["contest"] == "London copy"]
    assert "the same race as London Mayor 2012" in why
