"""IrvController: the live instant-runoff case, edits through it, signals up, numbers from the core pipeline."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import TOY
from tests.core.test_irv_scenario import TABLE
from tests.irv_fixture import IRV_CONTEST, irv_polls
from warroom.core.forecast import ForecastErrors
from warroom.core.irv_pipeline import evaluate_irv, irv_baseline
from warroom.core.pipeline import OddsModel, compute_averages
from warroom.core.types import EXHAUSTED
from warroom.services.irv_service import IrvController


@pytest.fixture
def controller(qtbot) -> IrvController:
    ctl = IrvController(errors=ForecastErrors.load(TABLE))
    ctl.set_contest(IRV_CONTEST)
    polls = [replace(p, id=i + 1) for i, p in enumerate(irv_polls())]
    with qtbot.waitSignal(ctl.view_ready, timeout=5000):
        ctl.set_data(polls, compute_averages(polls, IRV_CONTEST))
    return ctl


def test_the_view_is_the_core_pipeline_on_the_same_case(controller: IrvController) -> None:
    view = controller.view
    assert view is not None and view.odds is not None
    case = irv_baseline(IRV_CONTEST, controller.polls, controller.averages)
    direct = evaluate_irv(case, odds=OddsModel(ForecastErrors.load(TABLE), IRV_CONTEST.election_date))
    assert direct.odds is not None
    assert view.odds.p_win == direct.odds.p_win
    assert [r.tallies for r in view.run.rounds] == [r.tallies for r in direct.run.rounds]
    assert controller.row == "alp"  # the largest candidate excluded


def test_editing_a_row_reruns_the_chain_once_per_event_loop_turn(qtbot, controller: IrvController) -> None:
    before = controller.view
    assert before is not None and before.run.winner == "grn"
    seen: list[object] = []
    controller.view_ready.connect(seen.append)
    controller.select_row("ind")
    row = controller.scenario.row("ind") if controller.scenario else {}
    assert row["grn"] == pytest.approx(45)
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        for g in (44, 40, 30):  # a drag: three moves, one evaluation
            controller.set_row("ind", {"grn": g, "alp": 75 - g, "lnp": 25})
    assert len(seen) == 1
    after = controller.view
    assert after is not None and after.run.winner == "alp"
    assert after.run.eliminations[-1].eliminated == ("grn",)


def test_break_evens_follow_once_the_sliders_rest(qtbot, controller: IrvController) -> None:
    controller.select_row("ind")
    with qtbot.waitSignal(controller.break_evens_ready, timeout=3000) as blocker:
        controller.set_row("ind", {"grn": 44, "alp": 31, "lnp": 25})
    code, found = blocker.args
    assert code == "ind" and found
    assert found[0].to == "alp" and found[0].winner == "alp"
    assert "Reid overtakes Nolan" in found[0].text


def test_bad_rows_are_refused_with_a_message_and_change_nothing(qtbot, controller: IrvController) -> None:
    scenario = controller.scenario
    with qtbot.waitSignal(controller.scenario_failed, timeout=1000) as blocker:
        controller.set_row("ind", {"grn": 80, "alp": 30})
    assert "sum to 100" in blocker.args[0]
    assert controller.scenario is scenario


def test_edits_survive_new_polls_and_reset_returns_to_the_baseline(qtbot, controller: IrvController) -> None:
    controller.set_row("ind", {"grn": 10, "alp": 65, EXHAUSTED: 25})
    polls = controller.polls[:-2] + controller.polls[-1:]
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        controller.set_data(polls, compute_averages(polls, IRV_CONTEST))
    assert controller.scenario is not None
    assert controller.scenario.row("ind")[EXHAUSTED] == pytest.approx(25)
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        controller.reset()
    assert controller.scenario.row("ind")["grn"] == pytest.approx(45)


def test_a_contest_counted_another_way_leaves_it_quiet(qtbot) -> None:
    ctl = IrvController()
    ctl.set_contest(TOY)
    assert not ctl.active
    with qtbot.assertNotEmitted(ctl.view_ready, wait=50):
        ctl.set_data([], None)
    assert ctl.scenario is None


def test_last_elections_ballots_set_the_rows_no_poll_publishes(qtbot, controller: IrvController, tmp_path) -> None:
    path = tmp_path / "riverton_2022.csv"
    path.write_text("count,p1,p2\n60,Dee Moss,Park\n30,Dee Moss,Nolan\n10,Dee Moss,\n500,Park,Reid\n")
    with qtbot.waitSignal(controller.notice, timeout=2000) as blocker:
        controller.load_prior_ballots(path)
    assert "from 600 ballots in riverton_2022.csv" in blocker.args[0]
    qtbot.waitUntil(lambda: controller.view is not None and controller.view.scenario is controller.scenario)
    row = controller.scenario.row("dem")
    assert (row["lnp"], row["grn"], row[EXHAUSTED]) == pytest.approx((60, 30, 10))
    assert controller.case.sources["dem"] == "ballots in riverton_2022.csv"
    # A file naming someone who is not a candidate changes nothing and says why.
    bad = tmp_path / "bad.csv"
    bad.write_text("count,p1,p2\n5,Zed Zero,Park\n")
    before = controller.scenario
    with qtbot.waitSignal(controller.scenario_failed, timeout=2000) as blocker:
        controller.load_prior_ballots(bad)
    assert "'Zed Zero'" in blocker.args[0] and "unchanged" in blocker.args[0]
    assert controller.scenario is before


def test_a_full_preferential_contest_reads_ballots_as_its_count_does_in_the_panel_and_the_cli(qtbot, tmp_path) -> None:
    """Last election's ballots on a full preferential contest: the informal paper (numbering two of twelve) feeds
    no row and no row exhausts, and `warroom scenario --prior-ballots` shows the controller's rows (one core
    function: irv_pipeline.prior_rows_from_ballots)."""
    import json

    from tests.cli._run import run
    from warroom.bootstrap import open_store
    from warroom.core.types import Rules
    from warroom.store import contests
    from warroom.store import polls as repo

    full = replace(
        IRV_CONTEST,
        name="Riverton Mayor 2026 (full preferential)",
        rules=Rules(preferences=None, finalists="elimination", full_preferential=True),
    )
    path = tmp_path / "riverton_2022.csv"
    path.write_text(
        "count,p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11,p12\n"
        "60,Dee Moss,Park,Nolan,Reid,Price,Dale,Jones,Bright,Neal,Usher,Egan,Cole\n"
        "30,Dee Moss,Nolan,Park,Reid,Price,Dale,Jones,Bright,Neal,Usher,Egan,Cole\n"
        "45,Dee Moss,Nolan,,,,,,,,,,\n"
    )
    polls = [replace(p, id=i + 1) for i, p in enumerate(irv_polls())]
    ctl = IrvController(errors=ForecastErrors.load(TABLE))
    ctl.set_contest(full)
    with qtbot.waitSignal(ctl.view_ready, timeout=5000):
        ctl.set_data(polls, compute_averages(polls, full))
    with qtbot.waitSignal(ctl.notice, timeout=2000):
        ctl.load_prior_ballots(path)
    qtbot.waitUntil(lambda: ctl.view is not None and ctl.view.scenario is ctl.scenario)
    assert ctl.scenario is not None and ctl.scenario.full_preferential
    row = ctl.scenario.row("dem")
    assert (row["lnp"], row["grn"], row[EXHAUSTED]) == pytest.approx(
        (200 / 3, 100 / 3, 0)
    )  # the informal 45 would have made it 60:75

    db = tmp_path / "store.sqlite3"
    store = open_store(db, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        repo.add_polls(s, contests.create_contest(s, full), irv_polls())
    store.close()
    argv = ["scenario", "--db", str(db), "--data-dir", str(tmp_path / "state"), "--contest", full.name]
    code, out, err = run(*argv, "--json", "--prior-ballots", str(path))
    assert code == 0, err
    cli = json.loads(out)["next_preferences"]
    for code_ in ctl.scenario.codes:  # the JSON names the exhausted share "exhausted"
        shown = {("exhausted" if k == EXHAUSTED else k): v for k, v in ctl.scenario.row(code_).items()}
        assert cli[code_] == pytest.approx(shown, abs=0.05), code_
    assert all(r.get("exhausted", 0.0) == 0.0 for r in cli.values())
    assert cli["dem"]["lnp"] == pytest.approx(200 / 3, abs=0.05)
