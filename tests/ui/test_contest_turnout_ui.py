"""Issue 16, "nothing wrong counted": a two-round race of the campaign's own (not France's) with its own expected
turnout, blank/null rate and electorate. The panel and `warroom scenario` showed France 2022's turnout and
48.7 million registered for it, "with 2022's turnout"; both now read the race's own figures from one core
function (core.two_round_view.first_round_from), and say so."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from tests.cli._run import ok
from tests.conftest import TOY
from tests.ui.conftest import two_round_room
from warroom.core.types import CountingSystem, ExpectedTurnout

OWN = ExpectedTurnout(turnout=61.5, blank_null=8.0, registered=765_000)
EDITED = ExpectedTurnout(turnout=70.0, blank_null=2.0, registered=800_000)
RACE = replace(
    TOY,
    name="Toyton Mayor runoff",
    system=CountingSystem.TWO_ROUND,
    second_round_date=TOY.election_date + timedelta(days=14),
    expected=OWN,
)


def test_the_panel_and_the_cli_agree_on_a_race_with_its_own_turnout(qtbot, tmp_path: Path) -> None:
    for room in two_round_room(qtbot, tmp_path, RACE):
        model = room.two_round
        assert model.first is not None and model.view is not None
        assert model.first.registered == 765_000 and model.first.turnout == pytest.approx(61.5)
        said = room.two_round_panel.source_label.text()
        assert "race's own setting" in said and "765,000 registered" in said and "2022" not in said
        # each electorate's size in voters: "0.17 m" (millions, as France's were given) said little of 765,000
        titles = {code: room.two_round_panel._row_titles[code].text() for code in model.first.electorates()}
        for code, size in model.first.electorates().items():
            assert f"{size:,.0f};" in titles[code] and " m;" not in titles[code], titles[code]
        # the race's form changes them: the runoff follows at once (the contest edit reloads the campaign), and
        # the CLI reads the edited figures from the store
        stored = room.poll_service.contest
        room.poll_service.update_contest(replace(stored, expected=EDITED), stored)
        qtbot.waitUntil(lambda m=model: m.view is not None and m.view.first.registered == 800_000, timeout=5000)
        assert "turnout 70.0 % of 800,000 registered voters" in room.two_round_panel.source_label.text()
        projection = model.view.projection
        turnout, share, chance = projection.turnout, projection.a_share, projection.win_probability_a
    data = json.loads(ok("--data-dir", str(tmp_path), "--contest", RACE.name, "scenario", "--json"))
    assert data["turnout"] == round(turnout, 3)
    assert data["a_share"] == round(share, 3)
    assert data["win_probability_a"] == round(chance, 4)
    assert "race's own setting" in json.dumps(data) and "2022" not in json.dumps(data)
    shown = ok("--data-dir", str(tmp_path), "contest", "show", RACE.name)
    assert "expected first round: turnout 70.0 % of 800,000 registered voters, blank or null 2.0 %" in shown


def test_the_form_shows_and_keeps_the_races_figures(qtbot) -> None:
    from warroom.ui.contest_dialog import ContestDialog

    france = replace(RACE, expected=ExpectedTurnout(100.0 * 35_923_707 / 48_747_876, 2.2012, 48_747_876))
    dialog = ContestDialog(france)
    qtbot.addWidget(dialog)
    assert dialog.expected_turnout.text() == "73.69" and dialog.problems() == []
    dialog.name.setText("Renamed")
    assert dialog.contest().expected == france.expected  # (73.694... kept, not the 73.69 shown)
    dialog.expected_registered.setValue(0)
    assert any(p.startswith("registered: not set") for p in dialog.problems())
    dialog.expected_registered.setValue(1000)
    dialog.expected_blank_null.setValue(100)
    assert any(p.startswith("expected_blank_null:") for p in dialog.problems())
    dialog.expected_turnout.setValue(0)
    dialog.expected_blank_null.setValue(0)
    dialog.expected_registered.setValue(0)
    assert dialog.problems() == [] and dialog.contest().expected is None
    dialog.system.setCurrentIndex(dialog.system.findData(CountingSystem.SV))
    assert not dialog.expected_row.isEnabled() and dialog.contest().expected is None


def test_a_race_without_its_own_figures_is_told_where_to_set_them_in_the_panel(qtbot) -> None:
    """Unset, the panel showed nothing but an 8-second status-bar line (or the last race's rows), and meeting mode
    the last race's verdict over a "this scenario" line at 0: both now say in their own place that nothing is
    counted, and where to set the figures."""
    from tests.core.test_contest_turnout import notice_of_three
    from tests.ui.test_two_round import _Given
    from warroom.core.two_round_pipeline import Campaign
    from warroom.services.two_round_service import TwoRoundController
    from warroom.ui.two_round_answer import TwoRoundAnswerView
    from warroom.ui.two_round_panel import TwoRoundPanel

    given = _Given(Campaign((notice_of_three(),), (), {}, OWN))
    model = TwoRoundController(given)
    panel = TwoRoundPanel(model)
    qtbot.addWidget(panel)
    answer = TwoRoundAnswerView(model)  # meeting mode's page: it drew "this scenario" at 0 with no verdict
    qtbot.addWidget(answer)

    with qtbot.waitSignal(model.view_ready, timeout=5000):
        model.set_contest(RACE)
    assert not panel.missing_label.isVisibleTo(panel) and panel.splitter.isVisibleTo(panel)
    given.campaign = Campaign((notice_of_three(),), (), {})
    with qtbot.waitSignal(model.failed, timeout=5000):
        model.set_contest(replace(RACE, expected=None))
    assert model.view is None and model.first is None
    said = panel.missing_label.text()
    assert panel.missing_label.isVisibleTo(panel) and not panel.splitter.isVisibleTo(panel)
    assert said.startswith("No runoff projection: no official first round") and "File > Edit contest" in said
    assert "2022" not in said
    assert answer.verdict.text() == "No runoff projection" and not answer.projected.isVisible()
    assert "Edit contest" in answer.details.text() and "2022" not in answer.details.text()
    from warroom.services.case_library import TwoRoundLibrary

    # the briefing's "First round the scenarios start from" was empty: it says why there is none
    assert TwoRoundLibrary(model).briefing_lines() == [said]
    late = TwoRoundAnswerView(model)  # (the app makes the page when meeting mode first needs it)
    qtbot.addWidget(late)
    assert late.verdict.text() == "No runoff projection" and not late.projected.isVisible()
    given.campaign = Campaign((notice_of_three(),), (), {}, OWN)
    with qtbot.waitSignal(model.view_ready, timeout=5000):
        model.set_contest(RACE)
    assert not panel.missing_label.isVisibleTo(panel) and panel.splitter.isVisibleTo(panel)
    assert answer.verdict.text() != "No runoff projection" and answer.projected.isVisible()


def test_a_threshold_race_without_a_turnout_gives_no_qualify_odds_and_says_why(qtbot) -> None:
    """A threshold of registered voters (French legislative rules) and no turnout of the race's own: the window's
    qualify odds took France 2022's 72.1 % of registered casting a valid vote. Now the controller gives none and
    says why (the `warroom qualify` sentence), and the pickers' line says it is not worked out."""
    from tests.core.test_contest_turnout import notice_of_three
    from tests.ui.test_two_round import _Given
    from warroom.core.two_round_pipeline import QUALIFY_NEEDS_TURNOUT, Campaign
    from warroom.core.types import Rules
    from warroom.services.two_round_service import TwoRoundController
    from warroom.ui.two_round_pickers import TwoRoundPickers

    legislative = Rules(finalists="threshold", qualify_threshold=12.5, qualify_base="registered", preferences=1)
    given = _Given(Campaign((notice_of_three(),), (), {}))
    model = TwoRoundController(given)
    pickers = TwoRoundPickers(model)
    qtbot.addWidget(pickers)
    model.set_contest(replace(RACE, expected=None, rules=legislative))
    assert model.averages is not None and model.qualify == {}
    assert model.qualify_note == QUALIFY_NEEDS_TURNOUT
    assert "Qualify: not worked out" in pickers.odds_label.text()
    given.campaign = Campaign((notice_of_three(),), (), {}, OWN)
    model.set_contest(replace(RACE, rules=legislative))  # its own turnout: odds again
    assert model.qualify and model.qualify_note is None
    assert "not worked out" not in pickers.odds_label.text() and "Qualify: " in pickers.odds_label.text()
