"""Issue 16, hostile pass h4: with no race open (the store's only race deleted in the window) nothing of the race
deleted stays on screen, and every menu and toolbar action is either off or says plainly that no race is open.

A two-round race's runoff panel, matchup pickers, poll notices and pollster key, and an instant-runoff race's
panel, stayed on screen after its deletion, with its candidates' names and figures; so did meeting mode's answer
page, and the Scenario menu still offered to save, compare and forecast the race deleted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QMenu, QWidget

from tests.ui.conftest import running_room
from warroom.paths import AppPaths

pytestmark = pytest.mark.gui


def _only_race(qtbot, tmp_path: Path, kind: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A war room on a store holding one demo race only: France 2022 (two rounds) or Burlington 2009 (IRV)."""
    from warroom.bootstrap import open_store, seed_burlington_2009, seed_france_2022
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        (seed_france_2022 if kind == "two_round" else seed_burlington_2009)(s)
    return running_room(qtbot, store, open_settings(paths), ready=kind)


def _delete_the_race(room, qtbot) -> None:  # type: ignore[no-untyped-def]
    room.contest_actions._confirm = lambda *_: True
    assert room.contest_actions.delete_contest()
    qtbot.waitUntil(lambda: room.poll_service.contest is None and room.contest_actions.picker.count() == 0)
    qtbot.wait(300)  # (whatever the race deleted still had on its way lands)


def _shown_texts(widget: QWidget) -> list[str]:
    """Every text a person sees in `widget`: labels, buttons, combo boxes, group titles, table headers."""
    texts: list[str] = []
    for child in widget.findChildren(QWidget):
        if not child.isVisibleTo(widget):
            continue
        if isinstance(child, QLabel | QAbstractButton):
            texts.append(child.text())
        elif isinstance(child, QComboBox):
            texts.append(child.currentText())
        elif isinstance(child, QGroupBox):
            texts.append(child.title())
    return texts


def _table_headers(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.polls_pane.model
    return [str(model.headerData(c, _horizontal())) for c in range(model.columnCount())]


def _horizontal():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def _menu_actions(menu: QMenu) -> list[object]:
    found = []
    for action in menu.actions():
        if action.isSeparator():
            continue
        found.append(action)
        if action.menu() is not None:
            found.extend(_menu_actions(action.menu()))
    return found


def _nothing_of(room, names: tuple[str, ...], qtbot) -> None:  # type: ignore[no-untyped-def]
    """The window, its table, charts, Scenario menu and meeting mode's page show none of `names` (the race
    deleted's candidates), and say that no race is open."""
    from warroom.ui.actions import NO_RACE_SCENARIO_MENU
    from warroom.ui.poll_table import PollTableModel

    window = room.window
    texts = _shown_texts(window)
    for name in names:
        assert not [t for t in texts if name in t], (name, [t for t in texts if name in t])
    assert window.scenario_scroll.widget() is room.scenario_panel  # the runoff panel, which says no race
    assert window.scenario_dock.windowTitle() == "Scenario"
    assert any("No race in this store" in t for t in texts), texts
    headers = _table_headers(window)
    assert headers == [*PollTableModel.FIXED, "Runoff"], headers
    assert window.polls_pane.model.rowCount() == 0
    assert window.status_polls.text() == "0 polls"
    assert window.charts._pollster_keys == {} and not window.charts._legend_lead1.items
    actions = _menu_actions(window.scenario_menu)
    assert [a.text() for a in actions] == [NO_RACE_SCENARIO_MENU] and not actions[0].isEnabled()
    # meeting mode's answer page says there is no race, not the deleted one's figures
    window.resize(1366, 768)
    window.toggle_presentation()
    try:
        qtbot.waitUntil(lambda: window.presenting)
        qtbot.wait(200)
        page = window.stack.currentWidget()
        shown = _shown_texts(page)
        for name in names:
            assert not [t for t in shown if name in t], (name, shown)
        assert any("No race in this store" in t for t in shown), shown
    finally:
        window.toggle_presentation()


def test_deleting_the_only_two_round_race_leaves_nothing_of_it_on_screen(qtbot, tmp_path: Path) -> None:
    """France 2022, the store's only race, deleted: its runoff panel (Macron 54.6 % - Le Pen 45.4 %), matchup
    pickers and qualify line, its 409 poll notices in the table and the status bar, its pollsters in the chart's
    key and its Scenario menu stayed on screen."""
    for room in _only_race(qtbot, tmp_path, "two_round"):
        window = room.window
        assert window.runoff_toolbar.isVisible() and window.scenario_scroll.widget() is room.two_round_panel
        assert window.polls_pane.model.rowCount() > 0 and window.charts._pollster_keys
        _delete_the_race(room, qtbot)
        assert not window.runoff_toolbar.isVisible()
        assert room.two_round.contest is None and not room.two_round.active
        _nothing_of(room, ("Macron", "Le Pen", "Mélenchon", "Ifop"), qtbot)


def test_deleting_the_only_instant_runoff_race_leaves_nothing_of_it_on_screen(qtbot, tmp_path: Path) -> None:
    """Burlington 2009, the store's only race, deleted: its IRV panel (Kiss ahead of Wright, the rounds' table)
    and its candidates' columns in the poll table stayed on screen."""
    for room in _only_race(qtbot, tmp_path, "irv"):
        window = room.window
        assert window.scenario_scroll.widget() is room.irv_panel
        _delete_the_race(room, qtbot)
        assert room.irv.contest is None and not room.irv.active and room.irv.view is None
        _nothing_of(room, ("Kiss", "Wright", "Montroll"), qtbot)


def test_a_race_made_after_the_two_round_one_was_deleted_opens_as_ever(qtbot, tmp_path: Path) -> None:
    """The no-race state lets go when File > New contest makes a race: its columns, panel and menu are its own."""
    from tests.conftest import TOY

    for room in _only_race(qtbot, tmp_path, "two_round"):
        window, ps = room.window, room.poll_service
        _delete_the_race(room, qtbot)
        made = ps.create_contest(replace(TOY, id=None, name="A new race"))
        ps.open_contest(made.id)
        model = window.polls_pane.model
        qtbot.waitUntil(lambda ps=ps, model=model: ps.contest is not None and model.contest is not None)
        headers = _table_headers(window)
        assert len(headers) == len(window.polls_pane.model.FIXED) + len(TOY.candidates) + 1, headers
        assert window.action_export.isEnabled() and window.action_briefing.isEnabled()
        assert window.action_annotate.isEnabled()
        assert "Save as" in " ".join(a.text() for a in window.scenario_menu.actions())
        assert window.scenario_scroll.widget() is room.scenario_panel


def test_with_no_race_open_every_action_is_off_or_harmless(room, qtbot) -> None:
    """With the store's last race deleted: the exports (polls, charts, briefing, panel), event markers and the
    Scenario menu's verbs are off (a briefing or chart of no race, or a marker for a race deleted, failed or
    asked for a file), Undo holds none of the race deleted's steps, and what stays on (copy, the chart views,
    meeting mode, the docks' toggles) runs without an error."""
    from tests.ui.conftest import toy_polls

    window = room.window
    # a step of the race about to be deleted, on the undo stack
    assert window.import_polls([replace(toy_polls(1, seed=9)[0], fieldwork_end=date(2024, 6, 3))])
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1 and window.action_undo.isEnabled())
    room.contest_actions._confirm = lambda *_: True
    assert room.contest_actions.delete_contest()
    qtbot.waitUntil(lambda: room.poll_service.contest is None)
    qtbot.wait(200)
    assert window.undo_stack.count() == 0 and not window.action_undo.isEnabled()
    off = [
        window.action_export,
        window.export_menu.menuAction(),
        *_menu_actions(window.export_menu),
        window.action_annotate,
        window.action_remove_marker,
        window.action_add,
        window.action_import,
        window.action_paste,
        *_menu_actions(window.scenario_menu),
    ]
    assert [a.text() for a in off if a.isEnabled()] == []
    on_toolbar = [a.text() for a in window.toolbar.actions() if a.isEnabled() and a.text()]
    assert on_toolbar == [window.action_present.text()], on_toolbar
    # what stays on runs without a traceback (pytest-qt fails the test on an exception in a slot)
    for action in (window.action_copy, window.action_final_weeks, window.action_fit):
        assert action.isEnabled()
        action.trigger()
    qtbot.wait(50)
    window.action_present.trigger()
    qtbot.waitUntil(lambda: window.presenting)
    window.action_present.trigger()
    qtbot.waitUntil(lambda: not window.presenting)


def test_a_failed_read_of_the_race_opened_after_a_delete_shows_nothing_of_the_race_deleted(
    room, qtbot, monkeypatch
) -> None:
    """The race opened after the open one is deleted failed to read: no race is open, other races are stored. The
    runoff panel kept the race deleted's projection (its candidates and figures) and the Scenario menu offered to
    save it; now the panel says "No race open: pick one in the contest picker" and the menu says no race is open."""
    from tests.ui.test_switch_off_the_gui import BIG, SMALL, _add_race
    from warroom.services import poll_service
    from warroom.ui.actions import NO_RACE_SCENARIO_MENU
    from warroom.ui.main_window import NO_RACE_MESSAGE

    ps = room.poll_service
    toy = ps.contest
    assert room.scenarios.view is not None
    big = _add_race(room, "Big race 2031", BIG, seed=5)
    ps.read_later_from = (BIG + SMALL) // 2
    monkeypatch.setattr(room.window, "show_error", lambda _message: None)

    def broken(s: object, cid: int) -> object:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(poll_service, "_whole_race", broken)
    ps.delete_contest(toy.id, born=ps.opened_identity)
    assert ps.loading is not None and ps.loading.id == big
    qtbot.waitUntil(lambda: ps.loading is None, timeout=10000)
    qtbot.wait(50)
    assert ps.contest is None and ps.contests()
    assert room.scenarios.contest is None and room.scenarios.view is None
    assert room.scenarios.cleared == NO_RACE_MESSAGE
    texts = _shown_texts(room.window)
    assert any(NO_RACE_MESSAGE in t for t in texts), texts
    assert [a.text() for a in _menu_actions(room.window.scenario_menu)] == [NO_RACE_SCENARIO_MENU]


def test_with_no_race_open_the_panels_save_and_compare_are_off_and_a_saved_view_says_no_race(room, qtbot) -> None:
    """The runoff panel's own Save as… and Compare… buttons stayed on with no race (Save asked for a name for the
    settings of no race); meeting mode's saved-scenario view said "No saved scenario named 'Plan' in this contest:
    it was deleted or renamed", of a contest there is none of."""
    window, panel = room.window, room.scenario_panel
    window.set_presentation_views(["charts", "scenario:Plan"])
    assert panel.save_button.isEnabled() and panel.compare_button.isEnabled()
    _delete_the_race(room, qtbot)
    assert not panel.save_button.isEnabled() and not panel.compare_button.isEnabled()
    window.resize(1366, 768)
    window.toggle_presentation()
    try:
        qtbot.waitUntil(lambda: window.presenting)
        window.step_view(1)
        qtbot.waitUntil(lambda: window.current_view() == "scenario:Plan")
        said = window.statusBar().currentMessage()
        assert said.startswith("No race open") and "this contest" not in said, said
    finally:
        window.toggle_presentation()
    # a race opened again: its panel's buttons come back
    from tests.conftest import TOY

    ps = room.poll_service
    made = ps.create_contest(replace(TOY, id=None, name="A new race"))
    ps.open_contest(made.id)
    qtbot.waitUntil(lambda: ps.contest is not None and panel.save_button.isEnabled())
    assert panel.compare_button.isEnabled()


@pytest.mark.parametrize("view", ["answer", "scenario"])
def test_a_teammate_deleting_the_only_race_during_a_meeting_leaves_none_of_it_on_the_projector(
    view: str, qtbot, tmp_path: Path
) -> None:
    """A teammate deleted France 2022, the store's only race, while meeting mode showed it: the projector kept its
    answer page ("Safe Macron (93 % chance)", the runoff's figures) or its runoff panel. Now the page is the
    runoff panel's (or its answer), saying there is no race, and the dock has it back after the meeting."""
    from warroom.store import contests

    for room in _only_race(qtbot, tmp_path, "two_round"):
        window, ps = room.window, room.poll_service
        said: list[str] = []
        window.show_error = said.append  # type: ignore[method-assign]
        window.set_presentation_views([view])
        window.resize(1366, 768)
        window.toggle_presentation()
        qtbot.waitUntil(lambda window=window: window.presenting)
        assert any("Macron" in t for t in _shown_texts(window.stack.currentWidget()))
        with room.store.sessions.begin() as s:
            contests.delete_contest(s, ps.contest.id)
        ps.reload(external=True)  # (the store watch's next look)
        qtbot.waitUntil(lambda ps=ps: ps.contest is None)
        qtbot.wait(200)
        assert said and "France 2022" in said[-1]
        shown = _shown_texts(window.stack.currentWidget())
        assert not [t for t in shown if "Macron" in t or "Le Pen" in t], shown
        assert any("No race in this store" in t for t in shown), shown
        window.toggle_presentation()
        qtbot.waitUntil(lambda window=window: not window.presenting)
        assert window.scenario_scroll.widget() is room.scenario_panel
