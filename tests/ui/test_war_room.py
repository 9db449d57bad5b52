"""The whole window, driven as a user would: assert on data (curves, labels, models), and save pictures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.conftest import TOY as TOY_CONTEST
from tests.conftest import make_poll
from warroom.ui.charts import day_to_epoch

pytestmark = pytest.mark.gui


def test_charts_show_polls_and_average(room, tmp_path: Path) -> None:
    charts = room.window.charts
    x, y = charts.curve_data("ann")
    assert len(x) > 50 and np.all(np.isfinite(y))
    assert 40 < y[-1] < 48
    lower, upper = charts.band_data("ann")
    assert np.all(lower <= y + 1e-9) and np.all(y <= upper + 1e-9)
    px, _py, ids = charts.point_data("ann")
    assert len(px) == 30 and set(ids) == {p.id for p in room.poll_service.polls}
    _, lead, _ = charts.point_data("lead1")
    polls = room.poll_service.polls
    assert sorted(lead) == sorted(p.first_round["ann"] - p.first_round["bob"] for p in polls)
    _, h2h, _ = charts.point_data("lead2")
    _, implied, _ = charts.point_data("lead2_implied")
    assert len(h2h) == sum(1 for p in polls if p.second_round) and len(h2h) + len(implied) == 30
    assert charts.pollster_symbol("Acme") != charts.pollster_symbol("Beta")
    room.window.grab().save(str(tmp_path / "window.png"))
    for key, plot in charts.plots.items():
        assert plot.getViewBox().childrenBounds()[0] is not None, key


def test_adding_a_poll_updates_every_chart_without_rebuild(room, qtbot) -> None:
    charts = room.window.charts
    line_before = charts._first["ann"].line  # the same item must be reused
    n_before = len(charts.point_data("ann")[0])
    poll = make_poll(28, a=60, b=30, c=10)
    poll = replace(poll, fieldwork_start=date(2024, 4, 28), fieldwork_end=date(2024, 4, 29))
    with qtbot.waitSignal(room.averages.averages_ready, timeout=1000):
        room.window.import_polls([poll])
    assert len(charts.point_data("ann")[0]) == n_before + 1
    assert charts._first["ann"].line is line_before
    x, _y = charts.curve_data("ann")
    assert x[-1] == pytest.approx(day_to_epoch(date(2024, 4, 28).toordinal() + 0.5), abs=86400)
    assert room.window.polls_pane.model.rowCount() == 31
    room.window.undo_stack.undo()
    qtbot.waitUntil(lambda: len(charts.point_data("ann")[0]) == n_before)


def test_click_point_selects_row_and_row_selects_point(room, qtbot) -> None:
    charts = room.window.charts
    pid = room.poll_service.polls[5].id
    charts.poll_clicked.emit(pid)
    chosen = room.window.polls_pane.selected_polls()
    assert [p.id for p in chosen] == [pid]
    mark_x, _ = charts._selection_marks["first"].getData()
    assert len(mark_x) == 3  # the poll's point on each candidate's series


def test_delete_and_undo_via_the_table(room, qtbot) -> None:
    pane = room.window.polls_pane
    pane.view.selectRow(0)
    victim = pane.selected_polls()[0]
    room.window.delete_selected()
    assert room.poll_service.poll(victim.id) is None
    room.window.undo_stack.undo()
    assert room.poll_service.poll(victim.id) == victim


def test_scenario_sliders_move_outputs(room, qtbot) -> None:
    panel = room.scenario_panel
    before = room.scenarios.projection
    assert before is not None
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=1000):
        panel.message_slider.setValue(1000)
    after = room.scenarios.projection
    assert after.margin < before.margin
    assert panel.verdict.text() == after.verdict
    split = panel.findChild(type(panel._split_widgets["cat"]), "split_cat")
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=1000):
        split.sliders[0].setValue(900)  # 90/10 of Green's transferring voters to Red
    assert room.scenarios.scenario.splits["cat"].a_of_valid == pytest.approx(90.0)
    assert room.scenarios.projection.margin > after.margin
    assert "Chance" in panel.win_label.text()
    grid = panel.heatmap.grid
    assert grid.shape == (41, 41) and np.nanmin(grid) < np.nanmax(grid)


def test_presentation_mode_steps_and_escape_leaves(room, qtbot, tmp_path: Path) -> None:
    win = room.window
    win.set_presentation_views(["charts", "scenario"])
    win.enter_presentation()
    assert win.presenting and not win.polls_dock.isVisible() and win.current_view() == "charts"
    qtbot.keyClick(win, Qt.Key.Key_Right)
    assert win.current_view() == "scenario"
    assert win.stack.currentWidget() is win.present_page
    win.grab().save(str(tmp_path / "present.png"))
    qtbot.keyClick(win, Qt.Key.Key_Escape)
    assert not win.presenting and win.stack.currentWidget() is win.charts


def test_dark_scheme_and_settings_persist(room, qtbot) -> None:
    from PySide6.QtCore import QSettings

    from warroom.services.settings import AppSettings

    room.window.apply_color_scheme(True)
    assert room.window.charts._theme.background != "#ffffff"
    room.window.apply_color_scheme(False)
    settings = room.settings
    with qtbot.waitSignal(settings.theme_changed) as blocker:
        settings.theme = "dark"
    assert blocker.args == ["dark"]
    with qtbot.assertNotEmitted(settings.theme_changed):
        settings.theme = "dark"  # no change, no signal
    room.window.resize(1234, 777)
    room.window.close()  # saves geometry
    again = AppSettings(QSettings(settings.qsettings.fileName(), QSettings.Format.IniFormat))
    assert again.theme == "dark"
    assert again.geometry("main") is not None


def test_saved_scenarios_compare_and_present(room, qtbot) -> None:
    from warroom.ui.compare_dialog import CompareDialog

    room.scenarios.save("Baseline")
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=1000):
        room.scenario_panel.message_slider.setValue(900)
    room.scenarios.save("Tie him")
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=1000):
        room.scenario_panel.message_slider.setValue(200)  # the live case moves on
    columns = room.scenario_actions.columns()
    dialog = CompareDialog(columns)
    qtbot.addWidget(dialog)
    assert dialog.table.columnCount() == 2
    margins = [float(dialog.table.item(3, c).text()) for c in range(2)]
    assert margins[1] < margins[0]  # "Tie him" (sorted second) closes more of the gap
    win = room.window
    win.set_presentation_views(["charts", "scenario:Tie him"])
    win.enter_presentation()
    win.step_view(1)
    # meeting mode shows the saved case in its own read-only panel; the live case is not overwritten
    assert room.presented.scenario.message_strength == pytest.approx(0.9)
    assert room.saved_panel.message_slider.value() == 900 and not room.saved_panel.message_slider.isEnabled()
    assert not room.saved_panel._inputs_scroll.isVisible()  # shown, not edited: the settings are written out
    assert "Message: 90 %" in room.saved_panel.assumptions_label.text()
    assert "Tie him" in room.saved_panel.title_label.text()
    assert room.scenarios.scenario.message_strength == pytest.approx(0.2)
    assert room.scenario_panel.message_slider.value() == 200
    win.leave_presentation()


def test_event_marker_is_stored_and_drawn(room) -> None:
    from warroom.core.types import Annotation

    before = len(room.window.charts._annotation_items)
    room.poll_service.add_annotation(Annotation(date(2024, 3, 15), "debate"))
    assert [a.text for a in room.poll_service.annotations] == ["poster unveiled", "debate"]
    assert len(room.window.charts._annotation_items) == before + 3  # one line on each chart


def test_baseline_on_a_chosen_date(room, qtbot) -> None:
    from PySide6.QtCore import QDate

    panel = room.scenario_panel
    index = next(i for i in range(panel.baseline_combo.count()) if panel.baseline_combo.itemData(i)[0] == "as_of")
    with qtbot.waitSignal(room.scenarios.baseline_changed, timeout=1000):
        panel.baseline_combo.setCurrentIndex(index)
    assert panel.baseline_date.isEnabled()
    with qtbot.waitSignal(room.scenarios.baseline_changed, timeout=1000) as blocker:
        panel.baseline_date.setDate(QDate(2024, 2, 1))
    assert "01 Feb 2024" in blocker.args[0].label
    assert "01 Feb 2024" in panel.baseline_label.text()


def test_remove_event_marker(room, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: (a[3][0], True)))
    room.window.remove_annotation()
    assert room.poll_service.annotations == []
    assert room.window.charts._annotation_items == []


def test_hover_tip_names_the_poll(room) -> None:
    charts = room.window.charts
    poll = room.poll_service.polls[3]
    tip = charts._tip_for("first")(0.0, poll.first_round["ann"], poll.id)
    assert poll.pollster in tip and f"Sample {poll.sample_size:,}" in tip
    assert f"{poll.fieldwork_end:%d %b %Y}" in tip and "First round:" in tip


def test_a_teammates_write_reaches_the_charts(qtbot, tmp_path) -> None:
    """Two windows on one store: a poll saved by the other one appears on this one's charts by itself."""
    from PySide6.QtCore import QSettings

    from tests.ui.conftest import toy_polls
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services.settings import AppSettings
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        repo.add_polls(s, repo.add_contest(s, TOY_CONTEST), toy_polls(10))
    room = WarRoom(store, AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat)), watch=True)
    qtbot.addWidget(room.window)
    qtbot.waitUntil(lambda: room.averages.averages is not None)
    before = len(room.window.charts.point_data("ann")[0])
    other = open_store(paths.database, backup_dir=None, seed=False)  # the teammate's own connection
    with other.sessions.begin() as s:
        repo.add_polls(s, 1, [make_poll(25, pollster="Teammate")])
    other.close()
    qtbot.waitUntil(lambda: len(room.window.charts.point_data("ann")[0]) == before + 1, timeout=2000)
    assert room.window.polls_pane.model.rowCount() == 11
    room.window.close()
    store.close()


def test_leaving_meeting_mode_gives_back_the_window_exactly(room, qtbot) -> None:
    win = room.window
    win.resize(1234, 777)
    qtbot.waitUntil(lambda: (win.width(), win.height()) == (1234, 777))
    win.enter_presentation()
    win.leave_presentation()
    qtbot.waitUntil(lambda: (win.width(), win.height()) == (1234, 777), timeout=2000)


def test_meeting_modes_answer_view_shows_the_live_case(room, qtbot) -> None:
    win = room.window
    win.set_presentation_views(["answer", "charts"])
    win.enter_presentation()
    assert win.stack.currentWidget() is room.answer_view
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=1000):
        room.scenario_panel.message_slider.setValue(800)
    view = room.scenarios.view
    assert room.answer_view.verdict.text() == view.projection.verdict
    assert f"margin {view.projection.margin:+.1f}" in room.answer_view.details.text()
    assert room.answer_view.projected.value() == pytest.approx(view.projection.margin)
    x, y = room.answer_view.line.getData()
    assert len(x) > 0 and y[-1] == pytest.approx(room.averages.averages.second_lead.mean[-1])
    win.leave_presentation()


def test_a_big_contest_freezes_the_heap_once_per_load_or_import_never_per_edit(room, qtbot, monkeypatch) -> None:
    """A big contest's objects are moved out of the garbage collector's reach (gc.freeze) when it is read or
    imported into, so no full collection walks them mid-edit; a small contest, a single add or an edit never
    freezes."""
    from warroom import app as app_module

    freezes: list[int] = []
    monkeypatch.setattr(app_module.gc, "freeze", lambda: freezes.append(len(room.poll_service.polls)))
    service = room.poll_service
    service.reload()
    qtbot.wait(30)
    assert freezes == []  # the toy contest is small
    monkeypatch.setattr(room.averages, "_background_from", 5)  # "big" from 5 polls, for this test
    service.reload()
    qtbot.waitUntil(lambda: len(freezes) == 1)
    (pid,) = service.add_polls([make_poll(27, pollster="One more")])
    service.update_poll(replace(service.poll(pid), sample_size=1234))
    qtbot.wait(30)
    assert len(freezes) == 1  # one poll added or edited: nothing frozen
    many = [make_poll(1 + k % 27, pollster=f"Import {k}") for k in range(70)]
    service.add_polls(many)  # an import's worth at once
    qtbot.waitUntil(lambda: len(freezes) == 2)


def test_a_closed_room_no_longer_follows_the_system_theme(qtbot, tmp_path: Path) -> None:
    """The application's style hints were connected to the room and never let go: after its window closed, a
    theme change still reached it, and the room (its window, services and polls) stayed alive for as long as the
    process ran (each test's room, in the suite)."""
    from PySide6.QtWidgets import QApplication

    from tests.ui.conftest import room_of

    rooms = room_of(qtbot, tmp_path, TOY_CONTEST)
    room = next(rooms)
    dark_calls: list[bool] = []
    room.window.apply_color_scheme = dark_calls.append  # type: ignore[method-assign]
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert dark_calls == [room.settings.theme != "light"]  # followed while open
    with pytest.raises(StopIteration):
        next(rooms)  # the fixture's teardown: the window closed, the store too
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert dark_calls == [room.settings.theme != "light"]  # not after
