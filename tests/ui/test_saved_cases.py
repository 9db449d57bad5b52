"""Saved two-round and instant-runoff scenarios in the running war room: the Scenario menu serves the open
contest's panel; save, load, delete (each undoable), compare and the briefing give the panel's figures, and
`warroom scenario --name` on the same store prints the same ones to the digit."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMenu

from tests.irv_fixture import IRV_CONTEST
from tests.ui.test_irv_panel import irv_room  # noqa: F401  (the fixture)
from warroom.cli import main
from warroom.core.forecast import chance_text
from warroom.core.saved_cases import IRV, TWO_ROUND, record_kind, runoff_leader
from warroom.core.two_round import Message, RunoffSplit
from warroom.demo import FRANCE_2022_NAME

pytestmark = pytest.mark.gui

MACRON, LE_PEN, MELENCHON = "Emmanuel Macron", "Marine Le Pen", "Jean-Luc Mélenchon"


def cli(*argv: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--json"], out=out, err=err)
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


def _menu_texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions()]


def _records(room) -> dict[str, tuple[dict, dict]]:
    return {n: (b, s) for n, b, s in room.poll_service.scenarios()}


def _settle_two_round(room, qtbot) -> None:
    qtbot.waitUntil(lambda: room.two_round.view is not None and room.two_round.view.scenario is room.two_round.scenario)


def test_a_two_round_case_saves_loads_compares_and_briefs_with_the_panels_figures(france_room, qtbot, tmp_path) -> None:
    room = france_room
    acts, model, panel = room.scenario_actions, room.two_round, room.two_round_panel
    assert acts.kind == TWO_ROUND and room.window.scenario_menu.menuAction().isEnabled()
    # the user moves Mélenchon's voters, the turnout and a message, then saves
    model.set_split(MELENCHON, RunoffSplit(30.0, 25.0, 15.0, 30.0))
    model.set_turnout(-0.2)
    model.set_message(Message(MACRON, 0.1, 40, 30, 30))
    _settle_two_round(room, qtbot)
    live = model.scenario
    saved = acts.save_as("Mélenchon stays home")
    assert saved is not None and saved.scenario == replace(live, name="Mélenchon stays home")
    baseline, _settings = _records(room)["Mélenchon stays home"]
    assert record_kind(baseline) == TWO_ROUND
    # the menu offers it, with a Delete submenu, every action with a tooltip
    menu = room.window.scenario_menu
    assert "&1 Load 'Mélenchon stays home'" in _menu_texts(menu)
    assert all(a.toolTip() for a in menu.actions() if a.text() and not a.isSeparator())
    # the panel's answer and the saved case's headline are the same figures
    leader, chance = runoff_leader(model.view)
    assert f"<b>{chance_text(chance)}</b>" in panel.win_label.text()
    summary = next(s for s in acts.summaries() if s.name == "Mélenchon stays home")
    assert summary.chance == chance and summary.winner == leader
    assert summary.margin == abs(model.view.projection.margin)
    # moved on: reset, another pair; loading brings back exactly the saved settings, on the panel too
    model.reset()
    model.set_matchup(MACRON, MELENCHON)
    _settle_two_round(room, qtbot)
    acts.load("Mélenchon stays home")
    _settle_two_round(room, qtbot)
    assert model.scenario == saved.scenario and model.matchup == (MACRON, LE_PEN)
    assert panel.rows()[MELENCHON].parts() == pytest.approx((30.0, 25.0, 15.0, 30.0), abs=0.05)
    assert f"<b>{chance_text(chance)}</b>" in panel.win_label.text()
    # compare: one column per saved case, the panel's figures in its cells
    acts.save_as("Defaults")  # the same settings under a second name
    dialog_cells = {s.name: s for s in acts.summaries()}
    assert set(dialog_cells) == {"Mélenchon stays home", "Defaults"}
    from warroom.ui.compare_dialog import CompareDialog

    dialog = CompareDialog(acts.summaries(), room.window)
    qtbot.addWidget(dialog)
    col = [dialog.table.horizontalHeaderItem(c).text() for c in range(2)].index("Mélenchon stays home")
    assert dialog.table.item(5, col).text() == chance_text(chance)
    assert "lever -20 %" in dialog.table.item(6, col).text() and "Message against" in dialog.table.item(6, col).text()
    assert dialog.table.item(4, col).text().startswith(f"{abs(model.view.projection.margin):.1f} points")
    # the briefing: the same headline and figures
    brief = room.briefing()
    entry = next(s for s in brief.scenarios if s.name == "Mélenchon stays home")
    assert entry.win_probability == chance and chance_text(chance) in entry.headline
    assert any(line.startswith("Jean-Luc Mélenchon: 30 % Emmanuel Macron") for line in entry.details)
    assert brief.average_lines and "Official first round" in brief.average_lines[-1]
    # the command line on the same store: the same figures, to the digit
    got = cli(
        "scenario",
        "--db",
        str(room.store.display_target),
        "--contest",
        FRANCE_2022_NAME,
        "--name",
        "Mélenchon stays home",
    )
    assert got["winner"] == leader and got["winner_chance"] == round(chance, 4)
    assert got["margin"] == round(abs(model.view.projection.margin), 3)
    assert got["a_share"] == round(model.view.projection.a_share, 3)
    assert got["headline"] == summary.headline


def test_saving_and_deleting_two_round_cases_are_undone_and_redone(france_room, qtbot) -> None:
    room = france_room
    acts, stack = room.scenario_actions, room.window.undo_stack
    label = room.two_round.hypotheses[0][0]
    room.two_round.set_hypothesis(label)
    room.two_round.set_turnout(0.3)
    _settle_two_round(room, qtbot)
    acts.save_as("High turnout")
    first = _records(room)["High turnout"]
    assert first[0]["hypothesis"] == label
    # the hypothesis comes back with the case
    room.two_round.set_hypothesis(None)
    acts.load("High turnout")
    _settle_two_round(room, qtbot)
    assert room.two_round.hypothesis == label and room.two_round.scenario.turnout == 0.3
    stack.undo()
    assert "High turnout" not in _records(room)
    assert not any("Load 'High turnout'" in text for text in _menu_texts(room.window.scenario_menu))
    stack.redo()
    assert _records(room)["High turnout"] == first
    # saving over it, then undoing, puts the first one back exactly
    room.two_round.set_turnout(-0.3)
    _settle_two_round(room, qtbot)
    acts.save_as("High turnout")
    assert _records(room)["High turnout"] != first
    stack.undo()
    assert _records(room)["High turnout"] == first
    # delete, undo
    assert acts.delete("High turnout")
    assert "High turnout" not in _records(room)
    stack.undo()
    assert _records(room)["High turnout"] == first
    # a name the rules refuse is said, and nothing is stored or pushed
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    count = stack.count()
    assert acts.save_as("  ") is None and stack.count() == count
    assert errors == ["The scenario could not be saved: a saved scenario needs a name"]
    # names are compared exactly, as the store and bundles do: "high turnout" is another scenario
    acts.save_as("high turnout")
    assert {"High turnout", "high turnout"} <= set(_records(room))
    # a name holding another kind of case is not overwritten
    room.poll_service.save_scenario("Runoff plan", {"choice": {}, "baseline": {}}, {})
    assert acts.save_as("Runoff plan") is None and "runoff (SV) scenario is already saved" in errors[-1]
    assert _records(room)["Runoff plan"] == ({"choice": {}, "baseline": {}}, {})


def test_an_irv_case_saves_loads_compares_and_briefs_with_the_panels_figures(irv_room, qtbot) -> None:  # noqa: F811
    room = irv_room
    acts, irv = room.scenario_actions, room.irv
    assert acts.kind == IRV and room.window.scenario_menu.menuAction().isEnabled()
    row = {"grn": 10.0, "alp": 70.0, "lnp": 10.0, "uap": 10.0}
    irv.set_row("ind", {**{c: 0.0 for c in irv.scenario.codes if c != "ind"}, **row})
    irv.select_row("ind")
    qtbot.waitUntil(lambda: irv.view is not None and irv.view.scenario is irv.scenario)
    live, headline = irv.scenario, irv.view.headline
    saved = acts.save_as("Dale to Reid")
    assert saved is not None and saved.edited == ("ind",)
    assert record_kind(_records(room)["Dale to Reid"][0]) == IRV
    summary = next(s for s in acts.summaries() if s.name == "Dale to Reid")
    winner = irv.view.run.winner
    assert summary.headline == headline == room.irv_panel.headline.text().replace("<b>", "").replace("</b>", "") or (
        summary.headline == headline
    )
    assert summary.chance == irv.view.odds.p_win[winner] and summary.margin == irv.view.run.final_margin
    # load on a reset case brings back the edited row exactly
    irv.reset()
    qtbot.waitUntil(lambda: irv.view is not None and irv.view.scenario is irv.scenario)
    assert not np.allclose(irv.scenario.transfers, live.transfers)
    acts.load("Dale to Reid")
    qtbot.waitUntil(lambda: irv.view is not None and irv.view.scenario is irv.scenario)
    assert np.allclose(irv.scenario.transfers, live.transfers, atol=1e-9) and irv.row == "ind"
    # briefing and the command line: the same figures
    entry = next(s for s in room.briefing().scenarios if s.name == "Dale to Reid")
    assert entry.win_probability == summary.chance and entry.headline.endswith(headline)
    got = cli("scenario", "--db", str(room.db_path), "--contest", IRV_CONTEST.name, "--name", "Dale to Reid")
    assert got["headline"] == headline and got["winner"] == winner
    assert got["winner_chance"] == round(summary.chance, 4) and got["final_margin"] == round(summary.margin, 3)
    # delete and undo
    before = _records(room)["Dale to Reid"]
    assert acts.delete("Dale to Reid") and "Dale to Reid" not in _records(room)
    room.window.undo_stack.undo()
    assert _records(room)["Dale to Reid"] == before


def test_a_runoff_case_save_is_undoable_too(room, qtbot) -> None:
    qtbot.waitUntil(lambda: room.scenarios.view is not None)
    acts = room.scenario_actions
    assert acts.kind == "sv"
    acts.save_as("Plan")
    assert [s.name for s in room.scenarios.saved()] == ["Plan"]
    room.window.undo_stack.undo()
    assert room.scenarios.saved() == []
    room.window.undo_stack.redo()
    assert [s.name for s in room.scenarios.saved()] == ["Plan"]
    assert "&1 Load 'Plan'" in _menu_texts(room.window.scenario_menu)


def test_the_two_round_briefing_pdf_has_the_saved_case(france_room, qtbot, tmp_path: Path) -> None:
    room = france_room
    room.two_round.set_turnout(-0.2)
    _settle_two_round(room, qtbot)
    room.scenario_actions.save_as("Low turnout")
    out = tmp_path / "briefing.pdf"
    room.scenario_actions.write_briefing(out)
    qtbot.waitUntil(lambda: not room.window.file_writes, timeout=10000)  # (its end is written on a worker)
    assert out.stat().st_size > 5000
    summary = room.scenario_actions.summaries()[0]
    text = out.read_bytes()
    assert text.startswith(b"%PDF")
    assert summary.name == "Low turnout"


def test_meeting_mode_shows_a_saved_two_round_case_as_saved_and_leaves_the_live_one(france_room, qtbot) -> None:
    room = france_room
    win, model = room.window, room.two_round
    model.set_split(MELENCHON, RunoffSplit(30.0, 25.0, 15.0, 30.0))
    _settle_two_round(room, qtbot)
    room.scenario_actions.save_as("Home")
    summary = room.scenario_actions.summaries()[0]
    model.reset()  # the live case moves on
    _settle_two_round(room, qtbot)
    live = model.scenario
    win.set_presentation_views(["charts", "scenario:Home"])
    win.enter_presentation()
    win.step_view(1)
    card = room.saved_pages.card
    assert room.saved_pages.currentWidget() is room.saved_pages.card_scroll and card.isVisible()
    assert card.headline_label.text() == summary.headline.replace("&", "&amp;")
    assert f"<b>{summary.chance_text}</b>" in card.figures_label.text() and "'Home'" in card.title_label.text()
    assert "Jean-Luc Mélenchon: 30 % Emmanuel Macron" in card.details_label.text()
    assert model.scenario is live  # shown, never loaded
    win.leave_presentation()
    assert not card.isVisible()
