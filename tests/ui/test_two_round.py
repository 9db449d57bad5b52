"""The two-round (French presidential) runoff: its service, panel, pickers and place in the window.

Every figure the panel and pickers show is checked against the core function that makes it (one number, one
place): the projection, the exact break-evens, the win and qualify probabilities.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from warroom.core.forecast import chance_text
from warroom.core.france import ABSTAINERS, BLANK_NULL, Matchup, name_key
from warroom.core.two_round import RunoffSplit, qualify_probabilities
from warroom.core.two_round_pipeline import (
    default_scenario,
    evaluate,
    first_round_from,
    hypothesis_average,
    matchup_lead,
    question_text,
)
from warroom.core.types import Candidate, Contest, CountingSystem, Poll
from warroom.resources import resource_path
from warroom.services.two_round_service import FranceFiles, TwoRoundController, TwoRoundData
from warroom.ui.two_round_panel import TwoRoundPanel, short_name
from warroom.ui.two_round_pickers import TwoRoundPickers

pytestmark = pytest.mark.gui

MACRON, LE_PEN, MELENCHON = "Emmanuel Macron", "Marine Le Pen", "Jean-Luc Mélenchon"
DAY = date(2022, 4, 10)
FOLDER = resource_path("data", "france_2022")

NAMES = (
    MACRON,
    LE_PEN,
    MELENCHON,
    "Éric Zemmour",
    "Valérie Pécresse",
    "Yannick Jadot",
    "Jean Lassalle",
    "Fabien Roussel",
    "Nicolas Dupont-Aignan",
    "Anne Hidalgo",
    "Philippe Poutou",
    "Nathalie Arthaud",
)
COLOURS = ("#ffb000", "#0d378a", "#cc2443", "#654321", "#0066cc", "#00c000", "#ff8000", "#dd0000", "#8040c0",
           "#ff6699", "#bb0000", "#990000")  # fmt: skip

FRANCE_2022 = Contest(
    name="France presidential 2022",
    election_date=DAY,
    second_round_date=date(2022, 4, 24),
    system=CountingSystem.TWO_ROUND,
    candidates=tuple(
        Candidate(name_key(n).split()[-1], n, None, c, short_name(n)) for n, c in zip(NAMES, COLOURS, strict=True)
    ),
)


def france_polls() -> list[Poll]:
    """The shipped final weeks as plain polls (one list each, and their Macron / Le Pen runoff), for the charts;
    one per pollster and fieldwork (today's store holds one question per fieldwork)."""
    data = FranceFiles(FOLDER, DAY).load(FRANCE_2022)
    assert data is not None
    code = {name_key(c.name): c.code for c in FRANCE_2022.candidates}
    out: dict[tuple[str, date, date], Poll] = {}
    for n in data.notices:
        if (n.institute, n.fieldwork_start, n.fieldwork_end) in out:
            continue
        first = n.hypotheses[0].shares if n.hypotheses else {}
        m = n.matchup(MACRON, LE_PEN)
        out[(n.institute, n.fieldwork_start, n.fieldwork_end)] = Poll(
            pollster=n.institute,
            fieldwork_start=n.fieldwork_start,
            fieldwork_end=n.fieldwork_end,
            sample_size=n.sample_size or 1000,
            first_round={code[name_key(k)]: v for k, v in first.items()},
            second_round={code[name_key(m.a)]: m.a_share, code[name_key(m.b)]: m.b_share} if m else {},
        )
    return list(out.values())


@pytest.fixture
def controller(qtbot) -> TwoRoundController:
    model = TwoRoundController(FranceFiles(FOLDER, DAY))
    with qtbot.waitSignal(model.view_ready, timeout=5000):
        model.set_contest(FRANCE_2022)
    return model


def test_the_service_shows_the_core_numbers_for_the_2022_runoff(controller: TwoRoundController) -> None:
    model = controller
    assert model.active and model.matchup is not None
    assert {model.matchup.a, model.matchup.b} == {MACRON, LE_PEN}
    data = model.data
    assert data is not None and len(data.matrices) == 35
    # The same inputs through core directly give the very same view.
    average = hypothesis_average(data.notices, model.hypothesis, until=DAY)
    first, _ = first_round_from(data.official, average)
    defaults = default_scenario(first, data.matrices, model.matchup.a, model.matchup.b)
    expected = evaluate(first, defaults.scenario, error=defaults.error)
    view = model.view
    assert view is not None and view.electorate == MELENCHON  # the largest eliminated electorate
    assert view.projection.a_share == pytest.approx(expected.projection.a_share)
    assert view.projection.win_probability_a == pytest.approx(expected.projection.win_probability_a)
    assert view.break_evens == expected.break_evens
    assert model.qualify == qualify_probabilities(average, rules=FRANCE_2022.counting_rules)
    # the official first round (not the polls) once polling day is past; every electorate has a split
    assert first.registered == 48_747_876 and set(model.scenario.splits) == set(first.electorates())  # type: ignore[union-attr]


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


def test_a_contest_of_another_system_or_without_questions_is_inactive(qtbot) -> None:
    from tests.conftest import TOY

    model = TwoRoundController(FranceFiles(FOLDER, DAY))
    model.set_contest(TOY)
    assert not model.active and model.view is None
    model.set_contest(replace(FRANCE_2022, election_date=date(2027, 4, 11), second_round_date=date(2027, 4, 25)))
    assert not model.active  # the shipped files are 2022's


@pytest.fixture
def panel(qtbot, controller: TwoRoundController) -> TwoRoundPanel:
    widget = TwoRoundPanel(controller)
    qtbot.addWidget(widget)
    widget.resize(1000, 900)
    widget.show()
    return widget


def test_every_electorate_has_a_row_and_minor_ones_sit_under_the_expander(panel: TwoRoundPanel) -> None:
    rows = panel.rows()
    assert set(rows) == set(NAMES) | {ABSTAINERS, BLANK_NULL}
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
    for who in (*cell.low_by, *cell.high_by):
        assert who in slider.toolTip()
    split = controller.scenario.splits[MELENCHON]  # type: ignore[union-attr]
    assert panel.rows()[MELENCHON].parts() == pytest.approx(split.parts, abs=0.06)
    # Poutou's voters: no published row, so no band
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
    assert "Zemmour's voters" in panel.answer_label.text() or "alone turns" in panel.answer_label.text()
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
    panel.message_on.setCurrentIndex(panel.message_on.findData(MACRON))
    qtbot.waitUntil(lambda: controller.view.projection.margin < before)  # type: ignore[union-attr]


def _with_second_matchup(data: TwoRoundData) -> TwoRoundData:
    """The shipped final weeks, with one poll that also asked Macron v Mélenchon (no matrix for that pair)."""
    notices = list(data.notices)
    n = notices[-1]
    notices[-1] = replace(n, matchups=(*n.matchups, Matchup("Hyp", MACRON, MELENCHON, 60.0, 40.0, 1)))
    return replace(data, notices=tuple(notices))


def test_pickers_switch_the_matchup_and_show_qualify_and_win_odds(qtbot, controller: TwoRoundController) -> None:
    data = controller.data
    assert data is not None
    controller.set_data(_with_second_matchup(data))
    pickers = TwoRoundPickers(controller)
    qtbot.addWidget(pickers)
    pickers.show()
    qtbot.waitUntil(lambda: controller.view is not None)
    assert pickers.matchup_combo.count() == 2
    p = controller.view.projection  # type: ignore[union-attr]
    assert f"Runoff: Macron wins {chance_text(p.win_probability_a)}" in pickers.odds_label.text()
    assert f"Macron {chance_text(controller.qualify[MACRON])}" in pickers.odds_label.text()
    leads = []
    controller.lead_ready.connect(leads.append)
    with qtbot.waitSignal(controller.view_ready, timeout=2000):
        pickers.matchup_combo.setCurrentIndex(1)
    assert {controller.scenario.a, controller.scenario.b} == {MACRON, MELENCHON}  # type: ignore[union-attr]
    assert controller.defaults is not None and controller.defaults.matrices == 0
    assert set(controller.defaults.sources.values()) == {"no matrix"}
    assert len(leads) == 1 and len(leads[0].observations) == 1 and leads[0].observations[0].value == 20.0
    # hypothesis picker: "every list" averages them all, and the qualify odds follow it
    with qtbot.waitSignal(controller.qualify_ready, timeout=2000):
        pickers.hypothesis_combo.setCurrentIndex(0)
    assert controller.hypothesis is None
    assert controller.qualify == qualify_probabilities(hypothesis_average(data.notices, None, until=DAY))


def test_a_two_round_contest_shows_its_panel_and_pickers_instead_of_the_sv_panel(france_room, qtbot) -> None:
    room = france_room
    win = room.window
    qtbot.waitUntil(lambda: room.two_round.view is not None)
    assert win.scenario_scroll.widget() is room.two_round_panel
    assert win.runoff_toolbar.isVisible()
    # the runoff-lead chart shows the chosen matchup's published head-to-heads and their average
    lead = room.two_round.lead
    _x, y, _ids = win.charts.point_data("lead2")
    assert len(y) == len(lead.observations) > 0
    assert sorted(y) == pytest.approx(sorted(o.value for o in lead.observations))
    assert win.charts.curve_data("lead2")[1][-1] == pytest.approx(lead.average.mean[-1])
    assert "published head-to-heads" in win.charts.plots["lead2"].titleLabel.text
    # the London demo (SV) gets its own panel back, which was kept, not deleted
    london = next(c for c in room.poll_service.contests() if c.system == CountingSystem.SV)
    room.poll_service.open_contest(london.name)
    qtbot.waitUntil(lambda: win.scenario_scroll.widget() is room.scenario_panel)
    assert not win.runoff_toolbar.isVisible() and not room.two_round.active
    room.poll_service.open_contest(FRANCE_2022.name)
    qtbot.waitUntil(lambda: win.scenario_scroll.widget() is room.two_round_panel)
    qtbot.waitUntil(lambda: room.two_round.view is not None)


def test_matchup_lead_matches_core(controller: TwoRoundController) -> None:
    data = controller.data
    assert data is not None
    lead = matchup_lead(data.notices, MACRON, LE_PEN)
    assert controller.lead is not None
    assert [o.value for o in controller.lead.observations] == [o.value for o in lead.observations]


def test_the_panel_scrolls_rather_than_crops(panel: TwoRoundPanel) -> None:
    scroll = panel.findChild(QScrollArea, "two_round_inputs")
    assert scroll is not None
    assert scroll.widgetResizable()
    QApplication.processEvents()
    assert panel.splitter.orientation() == Qt.Orientation.Horizontal
