"""The two-round (French presidential) runoff: its service, panel, pickers and place in the window.

Every figure the panel and pickers show is checked against the core function that makes it (one number, one
place): the projection, the exact break-evens, the win and qualify probabilities.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from tests.ui.conftest import built_ahead
from warroom.core.forecast import chance_cell, chance_text
from warroom.core.france import ABSTAINERS, BLANK_NULL
from warroom.core.two_round import RunoffSplit
from warroom.core.two_round_pipeline import (
    Campaign,
    matchup_average,
    matchups_asked,
    two_round_report,
)
from warroom.core.two_round_view import default_scenario, evaluate, first_round_from, matchup_points, question_text
from warroom.core.types import CountingSystem
from warroom.demo import FAR_LEFT_2022, FRANCE_2022_FIRST, FRANCE_2022_NAME
from warroom.paths import AppPaths
from warroom.services.two_round_service import StoreCampaigns, TwoRoundController
from warroom.ui.two_round_panel import TwoRoundPanel, short_name
from warroom.ui.two_round_pickers import TwoRoundPickers

pytestmark = pytest.mark.gui

MACRON, LE_PEN, MELENCHON = "Emmanuel Macron", "Marine Le Pen", "Jean-Luc Mélenchon"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[object]:
    """A new store, seeded as at first start: London 2012 and France 2022 (its whole campaign)."""
    from warroom.bootstrap import open_store

    paths = AppPaths.under(tmp_path / "store")
    paths.ensure()
    opened = open_store(paths.database, backup_dir=paths.backup_dir)
    yield opened
    opened.close()


@pytest.fixture
def france(store) -> object:
    from warroom.store.contests import list_contests

    with store.sessions() as s:
        return next(c for c in list_contests(s) if c.name == FRANCE_2022_NAME)


@pytest.fixture
def controller(qtbot, store, france) -> TwoRoundController:
    model = TwoRoundController(StoreCampaigns(store.sessions), proxies={FRANCE_2022_NAME: FAR_LEFT_2022})
    with qtbot.waitSignal(model.view_ready, timeout=20000):
        model.set_contest(france)
    return model


def test_the_service_shows_the_core_numbers_for_the_2022_runoff(controller: TwoRoundController, france) -> None:
    model = controller
    campaign = model.campaign
    assert model.active and campaign is not None and len(campaign.matrices) == 35
    assert model.matchup == (MACRON, LE_PEN)  # the leading two, A the one the head-to-heads put ahead
    # The same numbers as `warroom average` prints (core.two_round_pipeline.two_round_report): one number, one place.
    report = two_round_report(campaign, rules=france.counting_rules, proxies=FAR_LEFT_2022)
    averages = report.first
    assert model.qualify == report.qualify
    assert report.matchup is not None and (report.matchup.a, report.matchup.b) == model.matchup
    assert model.lead is not None and model.lead.average.win_probability() == report.matchup.win_probability()
    assert model.averages is not None and model.averages.latest() == averages.latest()
    first, said = first_round_from(campaign.results, averages.latest(), campaign.expected)
    assert said.startswith("Official first round") and first.registered == 48_747_876
    defaults = default_scenario(first, campaign.matrices, MACRON, LE_PEN, proxies=FAR_LEFT_2022)
    expected = evaluate(first, defaults.scenario, error=defaults.error)
    view = model.view
    assert view is not None and view.electorate == MELENCHON  # the largest eliminated electorate
    assert view.projection.a_share == pytest.approx(expected.projection.a_share)
    assert view.projection.win_probability_a == pytest.approx(expected.projection.win_probability_a)
    assert view.break_evens == expected.break_evens
    # ... and the panel's untouched runoff is the back-test's "runoff from the matrices" that the CLI prints
    assert report.backtest is not None and report.backtest.from_matrices is not None
    assert view.projection.a_share == pytest.approx(report.backtest.from_matrices.projection.a_share)
    assert view.projection.a_share == pytest.approx(54.6, abs=0.05)  # official: 58.55 (README back-test)
    assert set(model.scenario.splits) == set(first.electorates())  # type: ignore[union-attr]
    assert model.defaults is not None and model.defaults.sources["Philippe Poutou"] == f"as {MELENCHON}"
    assert "NSPPolls" in model.credit and "MIT" in model.credit  # the compilation is credited where shown
    lead = model.lead
    assert lead.average.lead.mean == pytest.approx(report.matchup.lead.mean)
    assert list(lead.leads) == pytest.approx(matchup_points(campaign.notices, MACRON, LE_PEN)[1])


def test_edits_write_through_coalesce_and_reset(controller: TwoRoundController, qtbot) -> None:
    model = controller
    before = model.view
    assert before is not None
    views = []
    model.view_ready.connect(views.append)
    model.set_split(MELENCHON, RunoffSplit(10, 60, 10, 20))
    model.set_turnout(0.2)
    qtbot.waitUntil(lambda: len(views) == 1)
    with qtbot.assertNotEmitted(model.view_ready, wait=30):
        pass
    assert views[0].projection.a_share < before.projection.a_share  # Mélenchon's voters to Le Pen
    assert views[0].scenario.turnout == 0.2
    model.reset()
    qtbot.waitUntil(lambda: len(views) == 2)
    assert views[1].projection.a_share == pytest.approx(before.projection.a_share)


def test_a_contest_of_another_system_or_without_questions_is_inactive(qtbot, store, france) -> None:
    from warroom.demo import LONDON_2012

    model = TwoRoundController(StoreCampaigns(store.sessions))
    model.set_contest(LONDON_2012)
    assert not model.active and model.view is None
    model.set_campaign(Campaign((), (), {}))
    assert not model.active and model.view is None
    # a two-round contest whose polls ask no runoff: no scenario, and the user is told
    model.set_contest(france)
    campaign = model.campaign
    assert campaign is not None
    with qtbot.waitSignal(model.failed, timeout=1000) as said:
        model.set_campaign(campaign._replace(notices=tuple(replace(n, matchups=()) for n in campaign.notices)))
    assert "No runoff question" in said.args[0] and not model.active


@pytest.fixture
def panel(qtbot, controller: TwoRoundController) -> TwoRoundPanel:
    widget = TwoRoundPanel(controller)
    qtbot.addWidget(widget)
    widget.resize(1000, 900)
    widget.show()
    return widget


def test_every_electorate_has_a_row_and_minor_ones_sit_under_the_expander(panel: TwoRoundPanel) -> None:
    rows = panel.rows()
    first = panel.model.first
    assert first is not None and len(first.votes) == 12
    assert set(rows) == set(first.votes) | {ABSTAINERS, BLANK_NULL}
    assert panel.minor_toggle is not None
    minor = {"Fabien Roussel", "Nicolas Dupont-Aignan", "Anne Hidalgo", "Philippe Poutou", "Nathalie Arthaud"}
    assert all(not rows[k].isVisible() for k in minor)
    assert all(rows[k].isVisible() for k in (MACRON, LE_PEN, MELENCHON, ABSTAINERS, BLANK_NULL))
    panel.minor_toggle.setChecked(True)
    assert all(rows[k].isVisible() for k in minor)


def test_sliders_show_the_range_across_pollsters(panel: TwoRoundPanel, controller: TwoRoundController) -> None:
    defaults = controller.defaults
    assert defaults is not None
    cell = defaults.ranges[MELENCHON]["a"]
    slider = panel.rows()[MELENCHON].sliders[0]  # Mélenchon's voters to Macron
    assert slider.band() == pytest.approx((cell.low, cell.high))
    assert cell.low < cell.high
    assert "NSPPolls" in panel.source_label.text()
    assert "Official runoff of 24 April 2022: Macron 58.55 %, Le Pen 41.45 %" in panel.source_label.text()
    for who in (*cell.low_by, *cell.high_by):
        assert who in panel.rows()[MELENCHON].tip(slider)  # (the row makes its tooltips when asked: see below)
    split = controller.scenario.splits[MELENCHON]  # type: ignore[union-attr]
    assert panel.rows()[MELENCHON].parts() == pytest.approx(split.parts, abs=0.06)
    # Poutou's voters: no published row (they take Mélenchon's split), so no band
    assert panel.rows()["Philippe Poutou"].sliders[0].band() is None


def test_a_slider_move_and_a_typed_value_write_through_and_the_answer_follows(
    panel: TwoRoundPanel, controller: TwoRoundController, qtbot
) -> None:
    row = panel.rows()[MELENCHON]
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        row.sliders[3].setValue(600)  # 60 % of Mélenchon's voters abstain
    split = controller.scenario.splits[MELENCHON]  # type: ignore[union-attr]
    assert split.abstain == pytest.approx(60.0) and sum(split.parts) == pytest.approx(100.0)
    assert row.fields[3].value() == pytest.approx(60.0)
    view = controller.view
    assert view is not None
    p = view.projection
    assert panel.verdict.text().startswith(f"Macron {p.a_share:.1f} %")
    names = {k: short_name(k) for k in view.first.electorates()}
    for line in question_text(view, names):
        assert line in panel.answer_label.text()
    # typed value: 45 % to Le Pen, exactly
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        row.fields[1].setValue(45.0)
    assert controller.scenario.splits[MELENCHON].to_b == pytest.approx(45.0)  # type: ignore[union-attr]
    assert row.sliders[1].value() == 450


def test_break_even_question_for_any_electorate_is_solved_exactly(
    panel: TwoRoundPanel, controller: TwoRoundController, qtbot
) -> None:
    combo = panel.question_combo
    index = combo.findData("Éric Zemmour")
    assert index >= 0
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        combo.setCurrentIndex(index)
    view = controller.view
    assert view is not None and view.electorate == "Éric Zemmour"
    names = {k: short_name(k) for k in view.first.electorates()}
    assert question_text(view, names) and all(line in panel.answer_label.text() for line in question_text(view, names))
    # The break-even from the view really ties the runoff: set that share and the margin is zero.
    be = next(b for b in view.break_evens.values() if b is not None)
    from warroom.core.two_round import margin_grid

    grid = margin_grid(view.first, view.scenario, np.array([0.0]), be.electorate, be.destination, np.array([be.share]))
    assert abs(grid[0, 0]) < 1e-9


def test_turnout_and_message_levers_on_either_finalist(panel: TwoRoundPanel, controller: TwoRoundController, qtbot):
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        panel.turnout.field.setValue(-30.0)
    assert controller.scenario.turnout == pytest.approx(-0.3)  # type: ignore[union-attr]
    before = controller.view.projection.margin  # type: ignore[union-attr]
    panel.message_on.setCurrentIndex(panel.message_on.findData(LE_PEN))
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        panel.message_strength.slider.setValue(200)
    msg = controller.scenario.message  # type: ignore[union-attr]
    assert msg is not None and msg.on == LE_PEN and msg.strength == pytest.approx(0.2)
    assert controller.view.projection.margin > before  # type: ignore[union-attr]
    assert "Message against Le Pen" in panel.levers_label.text()
    assert panel.levers_label.isVisible()  # shown with its box (the answer's labels each sit in one of their own)
    panel.message_on.setCurrentIndex(panel.message_on.findData(MACRON))
    qtbot.waitUntil(lambda: controller.view.projection.margin < before)  # type: ignore[union-attr]


def test_the_turnout_lever_says_what_it_does(panel: TwoRoundPanel, controller: TwoRoundController, qtbot) -> None:
    """At rest the lever reads "+0.0 %" and says the turnout is the splits' own; moved, it says the turnout it
    gives and what the lever added, beside the first round's: the numbers of core (TwoRoundView.turnout_text)."""
    view = controller.view
    assert view is not None and view.scenario.turnout == 0
    assert panel.turnout.field.text() == "+0.0 %" and panel.turnout.slider.minimum() == -999  # (-99.9 %: below)
    assert panel.turnout_result.text() == view.turnout_text()
    assert f"Runoff turnout {view.projection.turnout:.1f} % of registered" in panel.turnout_result.text()
    assert panel.turnout_result.text().endswith(f"(first round {view.first.turnout:.1f} %), as the splits give it")
    rest = view.projection.turnout
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        panel.turnout.slider.setValue(250)  # +25 %: a quarter of would-be abstainers vote
    view = controller.view
    assert panel.turnout.field.text() == "+25.0 %" and view.scenario.turnout == pytest.approx(0.25)
    gain = view.projection.turnout - rest
    assert gain > 1 and view.unlevered_turnout == pytest.approx(rest)
    assert f"{gain:+.1f} points from the turnout lever, {rest:.1f} % without it" in panel.turnout_result.text()
    panel.turnout.field.lineEdit().selectAll()
    qtbot.keyClicks(panel.turnout.field.lineEdit(), "-12.5")
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        qtbot.keyClick(panel.turnout.field.lineEdit(), Qt.Key.Key_Return)
    assert controller.scenario.turnout == pytest.approx(-0.125) and panel.turnout.field.text() == "-12.5 %"
    assert controller.view.projection.turnout < rest
    assert "vote" in panel.turnout.slider.toolTip() and panel.turnout.field.toolTip() == panel.turnout.slider.toolTip()
    # the lever stops at -99.9 %: at -100 % nobody would vote, and the panel showed a made-up 50-50 and 50 % chance
    shares = controller.view.projection.a_share
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        panel.turnout.slider.setValue(-1000)
    assert panel.turnout.slider.value() == -999 and panel.turnout.field.text() == "-99.9 %"
    assert panel.turnout.field.minimum() == pytest.approx(-99.9) and "-99.9 %" in panel.turnout.slider.toolTip()
    assert controller.scenario.turnout == pytest.approx(-0.999)
    assert controller.view.projection.a_share == pytest.approx(shares) != pytest.approx(50.0)  # fewer voters, alike


def test_pickers_switch_the_matchup_and_hypothesis_and_show_qualify_and_win_odds(
    qtbot, controller: TwoRoundController, france
) -> None:
    campaign = controller.campaign
    assert campaign is not None
    pickers = TwoRoundPickers(controller)
    qtbot.addWidget(pickers)
    pickers.show()
    assert pickers.matchup_combo.count() == len(matchups_asked(campaign.notices)) > 5
    text = pickers.odds_label.text()
    p = controller.view.projection  # type: ignore[union-attr]
    assert f"Scenario: Macron wins {chance_text(p.win_probability_a)}" in text
    assert f"Macron {chance_cell(controller.qualify[MACRON])}" in text
    h2h = matchup_average(campaign.notices, MACRON, LE_PEN).win_probability()
    assert f"Runoff polls: Macron wins {chance_text(h2h)}" in text
    # switch to Macron v Mélenchon: no matrix for that pair, so the splits start neutral
    index = next(i for i in range(pickers.matchup_combo.count()) if MELENCHON in pickers.matchup_combo.itemData(i))
    leads = []
    controller.lead_ready.connect(leads.append)
    with qtbot.waitSignal(controller.view_ready, timeout=5000):
        pickers.matchup_combo.setCurrentIndex(index)
    assert controller.matchup == (MACRON, MELENCHON)
    assert controller.scenario is not None and (controller.scenario.a, controller.scenario.b) == (MACRON, MELENCHON)
    assert controller.defaults is not None and controller.defaults.matrices == 0
    assert set(controller.defaults.sources.values()) == {"no matrix"}
    assert len(leads) == 1 and list(leads[0].leads) == pytest.approx(
        matchup_points(campaign.notices, MACRON, MELENCHON)[1]
    )
    # a hypothesis: the qualify odds follow it
    label = controller.hypotheses[0][0]
    with qtbot.waitSignal(controller.qualify_ready, timeout=5000):
        pickers.hypothesis_combo.setCurrentIndex(pickers.hypothesis_combo.findData(label))
    assert controller.hypothesis == label
    report = two_round_report(campaign, rules=france.counting_rules, hypothesis=label, matchup=controller.matchup)
    assert controller.qualify == report.qualify


def test_a_two_round_contest_shows_its_panel_and_pickers_instead_of_the_sv_panel(france_room, qtbot) -> None:
    room = france_room
    win = room.window
    qtbot.waitUntil(lambda: room.two_round.view is not None)
    assert win.scenario_scroll.widget() is room.two_round_panel
    assert win.runoff_toolbar.isVisible()
    # the runoff-lead chart shows the chosen matchup's published head-to-heads and their average
    lead = room.two_round.lead
    _x, y, _ids = win.charts.point_data("lead2")
    assert len(y) == len(lead.leads) > 100
    assert sorted(y) == pytest.approx(sorted(lead.leads))
    assert win.charts.curve_data("lead2")[1][-1] == pytest.approx(lead.average.lead.mean[-1])
    assert "published head-to-heads" in win.charts.plots["lead2"].titleLabel.text
    # its key names what is drawn (no implied runoff, no forecast band), and the pollsters' symbols are keyed
    keys = [label.text for _sample, label in win.charts.legends()["lead2"].items]
    assert "published head-to-head" in keys and "implied by transfers" not in keys
    assert "Ifop" in [label.text for _sample, label in win.charts.legends()["lead1"].items]
    # the first-round charts show the candidates' averages across hypotheses (core.two_round_pipeline)
    contest = room.poll_service.contest
    code = {c.name: c.code for c in contest.candidates}
    latest = room.two_round.averages.latest()
    for name in (MACRON, LE_PEN, MELENCHON):
        assert win.charts.curve_data(code[name])[1][-1] == pytest.approx(latest[name])
    assert win.charts.curve_data("lead1")[1][-1] == pytest.approx(latest[MACRON] - latest[LE_PEN])
    # the legal publication blackouts (the eve and the day of each round) are shaded on the timeline
    from warroom.ui.charts import day_to_epoch

    eves = [(d - 1, d + 1) for d in (FRANCE_2022_FIRST.toordinal(), date(2022, 4, 24).toordinal())]
    want = np.array([day_to_epoch(np.array(pair, dtype=float)) for pair in eves])
    for key in ("first", "lead1", "lead2"):
        assert np.array(win.charts.blackouts(key)) == pytest.approx(want)
    x0, x1 = win.charts.visible_days()
    assert x0 < FRANCE_2022_FIRST.toordinal() < x1  # the final weeks of the campaign, not the year 1 AD
    # it stays there when the polls' averages are pushed again (a poll edit, a theme change)
    win.charts.show_data(*win.charts._last_data)
    assert len(win.charts.point_data("lead2")[1]) == len(lead.leads)
    # the picker switches the chart to another matchup
    pickers = room.two_round_pickers
    index = next(i for i in range(pickers.matchup_combo.count()) if MELENCHON in pickers.matchup_combo.itemData(i))
    pickers.matchup_combo.setCurrentIndex(index)
    qtbot.waitUntil(lambda: "Mélenchon" in win.charts.plots["lead2"].titleLabel.text)
    assert sorted(win.charts.point_data("lead2")[1]) == pytest.approx(sorted(room.two_round.lead.leads))
    # the London demo (SV) gets its own panel back, which was kept, not deleted
    saved_state = win.saveState()
    london = next(c for c in room.poll_service.contests() if c.system == CountingSystem.SV)
    room.poll_service.open_contest(london.name)
    qtbot.waitUntil(lambda: win.scenario_scroll.widget() is room.scenario_panel)
    assert not win.runoff_toolbar.isVisible() and not room.two_round.active
    # a layout saved while France was open does not bring the runoff pickers back over London
    win.restoreState(saved_state)
    assert not win.runoff_toolbar.isVisible()
    room.poll_service.open_contest(FRANCE_2022_NAME)
    qtbot.waitUntil(lambda: win.scenario_scroll.widget() is room.two_round_panel)
    qtbot.waitUntil(lambda: room.two_round.view is not None)


@pytest.mark.parametrize(("width", "height"), [(520, 700), (1000, 900), (1400, 900)])
def test_the_panel_scrolls_rather_than_crops(panel: TwoRoundPanel, qtbot, width: int, height: int) -> None:
    """Narrow (a laptop's dock) the answer sits above the inputs, wide beside them; either way every output's text
    is whole and the inputs scroll up and down, never sideways."""
    panel.resize(width, height)
    qtbot.waitUntil(lambda: panel.width() == width)
    QApplication.processEvents()
    wanted = Qt.Orientation.Vertical if width < TwoRoundPanel.NARROW else Qt.Orientation.Horizontal
    assert panel.splitter.orientation() == wanted
    for label in (panel.verdict, panel.runoff_label, panel.win_label, panel.answer_label):
        qtbot.waitUntil(lambda label=label: label.heightForWidth(label.width()) <= label.height())
    scroll = panel.findChild(QScrollArea, "two_round_inputs")
    assert scroll is not None and scroll.widgetResizable()
    qtbot.waitUntil(lambda: not scroll.horizontalScrollBar().isVisible())


def test_a_reload_keeps_the_chosen_pair_and_hypothesis(controller: TwoRoundController, qtbot) -> None:
    label = controller.hypotheses[0][0]
    controller.set_hypothesis(label)
    controller.set_matchup(MELENCHON, MACRON)
    assert controller.matchup == (MACRON, MELENCHON)
    with qtbot.waitSignal(controller.view_ready, timeout=20000):
        controller.reload()
    assert controller.hypothesis == label and controller.matchup == (MACRON, MELENCHON)
    assert controller.scenario is not None and (controller.scenario.a, controller.scenario.b) == (MACRON, MELENCHON)


def test_another_pair_relabels_the_rows_in_place(panel: TwoRoundPanel, controller: TwoRoundController, qtbot) -> None:
    before = panel.rows()
    with qtbot.waitSignal(controller.view_ready, timeout=5000):
        controller.set_matchup(MACRON, MELENCHON)
    after = panel.rows()
    assert all(after[k] is before[k] for k in before)  # the same widgets: no rebuild per switch
    row = after["Éric Zemmour"]
    assert [label.text() for label in row.labels[:2]] == ["to Macron", "to Mélenchon"]
    assert row.sliders[0].band() is None  # no matrix for this pair: no published range
    assert controller.scenario.splits["Éric Zemmour"].parts == row.parts()  # type: ignore[union-attr]
    assert "finalist B" in panel._row_titles[MELENCHON].text()


@pytest.mark.qt_log_ignore("does not support")  # the offscreen platform, going full screen
def test_meeting_mode_shows_the_runoff_panel_and_gives_it_back(france_room, qtbot) -> None:
    room = france_room
    win = room.window
    win.set_presentation_views(["charts", "scenario"])
    win.enter_presentation()
    assert not win.runoff_toolbar.isVisible()
    win.step_view(1)
    assert win.current_view() == "scenario" and room.two_round_panel.parentWidget() is win.present_page
    win.leave_presentation()
    assert win.scenario_scroll.widget() is room.two_round_panel and win.runoff_toolbar.isVisible()


def test_the_poll_table_shows_every_notice_with_the_charted_question(france_room, qtbot) -> None:
    """The 2022 notices are questions, not poll rows: the table still lists each (one read-only row, the chosen
    list's and matchup's shares), the status bar counts them, and another matchup relabels the runoff column."""
    room, win = france_room, france_room.window
    model, proxy, pane = win.polls_pane.model, win.polls_pane.proxy, win.polls_pane
    notices = room.two_round.campaign.notices
    questions = sum(len(p.hypotheses) + len(p.matchups) for p in notices)
    assert model.rowCount() == proxy.rowCount() == len(notices) == model.notice_count() == 409
    assert win.status_polls.text() == f"409 poll notices ({questions:,} questions)"
    runoff = model.columnCount() - 1
    assert model.headerData(runoff, Qt.Orientation.Horizontal) == "Runoff Macron–Le Pen"
    codes = {c.name: c.code for c in room.poll_service.contest.candidates}

    def shown() -> list[float]:  # the runoff column's leads, as the proxy shows them
        cells = [proxy.data(proxy.index(r, runoff)) for r in range(proxy.rowCount())]
        return sorted(float(c) for c in cells if c)

    def asked(a: str, b: str) -> list[float]:
        pairs = [p.matchup(a, b) for p in notices]
        return sorted(m.share_of(a) - m.share_of(b) for m in pairs if m is not None)

    assert shown() == pytest.approx(asked(MACRON, LE_PEN)) and len(asked(MACRON, LE_PEN)) > 300
    # the first-round cells are each notice's list (pooled: its first), under the contest's candidate columns
    latest = next(p for p in reversed(notices) if p.hypotheses)
    row = next(
        r for r in range(model.rowCount()) if model.poll_at(r).fieldwork_end == latest.fieldwork_end
        and model.poll_at(r).pollster == latest.institute and model.poll_at(r).first_round
    )  # fmt: skip
    column = len(model.FIXED) + [c.code for c in room.poll_service.contest.candidates].index(codes[MACRON])
    assert model.texts(row)[column] == f"{latest.hypotheses[0].shares[MACRON]:g}"
    tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "First round" in tip and "Runoff" in tip and "NSPPolls" in tip and "importing the compilation" in tip
    # sorting by sample size puts the biggest notice first
    pane.view.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    biggest = max(p.sample_size or 0 for p in notices)
    assert proxy.data(proxy.index(0, 4)) == f"{biggest:,}"
    # another matchup: the runoff column shows its head-to-heads, in place (same rows, still sorted)
    room.two_round.set_matchup(MACRON, MELENCHON)
    qtbot.waitUntil(lambda: "Mélenchon" in str(model.headerData(runoff, Qt.Orientation.Horizontal)))
    assert shown() == pytest.approx(asked(MACRON, MELENCHON))
    assert proxy.rowCount() == 409 and proxy.data(proxy.index(0, 4)) == f"{biggest:,}"
    # a notice is read-only here; Copy gives a spreadsheet the rows shown, header first
    pane.view.selectRow(0)
    assert not pane.edit_button.isEnabled() and not pane.delete_button.isEnabled()
    assert "importing its compilation" in pane.edit_button.toolTip()
    win.action_copy.trigger()
    lines = QApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:5] == ["Pollster", "Client", "Fieldwork", "Published", "Sample"]
    assert len(lines) == 2 and lines[1].split("\t")[4] == f"{biggest:,}"
    # London (no notices) counts its stored polls again
    london = next(c for c in room.poll_service.contests() if c.system == CountingSystem.SV)
    room.poll_service.open_contest(london.name)
    qtbot.waitUntil(lambda: model.notice_count() == 0)
    assert win.status_polls.text() == f"{len(room.poll_service.polls):,} polls"
    assert model.rowCount() == len(room.poll_service.polls) > 0


def test_a_switch_repaints_what_changed_once_and_reuses_what_was_worked_out(france_room, qtbot, monkeypatch) -> None:
    """A switch paints the charts once (their value axes fitted before the paint, not in it, which asked for a
    second paint), another matchup leaves the first-round chart alone (its lines did not change), the poll table
    answers for the cells it shows (not a re-measure of 100 rows per switch), and switching back reuses the
    pair's worked-out lead and chart, the very objects."""
    from PySide6.QtCore import QEvent, QObject, QRect

    from warroom.ui.poll_table import PollTableModel

    room, win = france_room, france_room.window
    built_ahead(room)  # (its build, in the wait on a loaded machine, relaid the window out: another paint)
    model = room.two_round
    view = win.charts._layout_widget

    class Paints(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.rects: list[QRect] = []

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.rects.append(event.rect())
            return False

    def settle() -> None:
        for _ in range(4):
            QApplication.processEvents()

    paints = Paints()
    view.viewport().installEventFilter(paints)
    pair, lead = model.matchup, model.lead
    model.set_matchup(MACRON, MELENCHON)  # once first: its pollsters' symbols join the key (a relayout)
    model.set_matchup(*pair)
    assert model.lead is lead  # worked out once per pair
    chart = model._last_chart
    settle()
    cells: list[object] = []
    real_cell = PollTableModel.cell
    monkeypatch.setattr(PollTableModel, "cell", lambda self, *a: cells.append(a) or real_cell(self, *a))
    first = view.mapFromScene(win.charts.plots["first"].getViewBox().sceneBoundingRect()).boundingRect()
    paints.rects.clear()
    model.set_matchup(MACRON, MELENCHON)
    settle()
    assert len(paints.rects) == 1 and not paints.rects[0].intersects(first.adjusted(0, 0, 0, -4))
    assert len(cells) < 1000  # the shown cells' roles, not 100 rows x 18 columns measured again
    model.set_matchup(*pair)
    assert model._last_chart is chart  # the pooled chart of this pair, kept
    label = model.hypotheses[0][0]
    model.set_hypothesis(label)
    settle()
    paints.rects.clear()
    model.set_hypothesis(None)
    settle()
    assert len(paints.rects) == 1 and paints.rects[0].intersects(first)  # the first round changed: painted
    assert model._last_chart is chart
    view.viewport().removeEventFilter(paints)


def test_meeting_modes_answer_view_for_a_two_round_race_says_what_the_panel_says(france_room, qtbot, tmp_path):
    """Meeting mode's answer for France: the verdict in core.forecast's words with the favourite's chance, the
    projected runoff, the exact break-evens and the chance, each the sentence core.two_round_view makes and the
    runoff panel shows; the chart is the chosen matchup's head-to-heads; London keeps its own answer view."""
    from warroom.core.forecast import verdict_sentence
    from warroom.ui.two_round_panel import short_name

    room, win = france_room, france_room.window
    answer, panel, model = room.two_round_answer, room.two_round_panel, room.two_round
    from tests.ui.test_layout import _clipped, _shot_dir

    win.set_presentation_views(["answer", "charts"])
    win.enter_presentation()
    try:
        # The offscreen screen is smaller than a projector: meeting mode's look, at a projector's size.
        win.setWindowState(Qt.WindowState.WindowNoState)
        win.resize(1920, 1080)
        for _ in range(3):
            QApplication.processEvents()
            qtbot.wait(20)
        assert win.stack.currentWidget() is answer and (win.width(), win.height()) == (1920, 1080)
        view = model.view
        p = view.projection
        assert answer.verdict.text() == view.verdict_text(short_name)
        assert answer.verdict.text() == verdict_sentence(1 - p.win_probability_a, "Macron", "Le Pen")
        assert answer.verdict.text().startswith(("Safe Macron", "Likely Macron"))
        text = answer.details.text()
        assert panel.verdict.text() == view.shares_text(short_name) and panel.verdict.text() in text
        for line in question_text(view, {c: short_name(c) for c in view.first.electorates()}):
            assert line in text and line in panel.answer_label.text()
        chance = view.chance_line(short_name)
        assert chance in text and chance.rsplit(": ", 1)[1] == chance_text(view.favourite()[1])
        assert chance.rsplit(": ", 1)[1] in panel.win_label.text()
        assert answer.projected.value() == pytest.approx(p.margin)
        assert view.turnout_text() in answer.details.toolTip()
        _x, y = answer.line.getData()
        assert y[-1] == pytest.approx(model.lead.average.lead.mean[-1])
        assert sorted(answer.point_layer.get_data()[1]) == pytest.approx(sorted(model.lead.leads))
        # an edit follows at once: the break-even of another electorate, a turnout lever
        with qtbot.waitSignal(model.view_ready, timeout=2000):
            model.set_turnout(-0.3)
        assert answer.verdict.text() == model.view.verdict_text(short_name)
        assert f"(margin {model.view.projection.margin:+.1f} points)" in answer.details.text()
        qtbot.wait(50)
        assert _clipped(win) == []
        assert answer.chart.height() >= 300  # the answer leaves the chart room (at 1920x1080)
        win.grab().save(str(_shot_dir(tmp_path) / "meeting_answer_france_1920x1080.png"))
        # another matchup: its head-to-heads on the answer's chart
        model.set_matchup(MACRON, MELENCHON)
        assert "Mélenchon" in answer.chart.getPlotItem().titleLabel.text
        assert sorted(answer.point_layer.get_data()[1]) == pytest.approx(sorted(model.lead.leads))
    finally:
        win.leave_presentation()
    london = next(c for c in room.poll_service.contests() if c.system == CountingSystem.SV)
    room.poll_service.open_contest(london.name)
    qtbot.waitUntil(lambda: not model.active)
    win.enter_presentation()
    try:
        assert win.stack.currentWidget() is room.answer_view
    finally:
        win.leave_presentation()


class _Given:
    """A CampaignSource that hands over one campaign (the 2027 compilation, read from the team's copy)."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign

    def load(self, contest: object) -> Campaign:
        return self.campaign


def test_a_race_before_its_first_round_runs_on_the_poll_average(qtbot, france) -> None:
    """France 2027 as compiled in July 2026: no official result and no matrix yet. The first round is the poll
    average (with the race's own expected first round, France 2022's as a race made from the compilation has it),
    the pair's splits start neutral, and the answer is still solved exactly."""
    from tests.core.test_france import shared
    from warroom.core.france import FRANCE_2022_TURNOUT, parse_mieuxvoter

    folder = shared("france-2027")
    texts = [(folder / f).read_text(encoding="utf-8") for f in ("polls.csv", "hypotheses.csv", "candidats.csv")]
    mv = parse_mieuxvoter(*texts, (folder / "presidentielle2027.csv").read_text(encoding="utf-8"))
    contest = replace(france, name="France 2027", election_date=date(2027, 4, 11), second_round_date=None, id=None)
    model = TwoRoundController(_Given(Campaign(mv.notices, (), {}, FRANCE_2022_TURNOUT)))
    with qtbot.waitSignal(model.view_ready, timeout=20000):
        model.set_contest(contest)
    assert model.first_source.startswith("First round from the poll average, with the race's own setting")
    assert model.defaults is not None and set(model.defaults.sources.values()) == {"no matrix"}
    view = model.view
    assert view is not None and model.matchup is not None
    latest = model.averages.latest()  # type: ignore[union-attr]
    assert view.first.shares() == pytest.approx({k: 100 * v / sum(latest.values()) for k, v in latest.items()})
    be = next(b for b in view.break_evens.values() if b is not None)
    from warroom.core.two_round import margin_grid

    grid = margin_grid(view.first, view.scenario, np.array([0.0]), be.electorate, be.destination, np.array([be.share]))
    assert abs(grid[0, 0]) < 1e-9
