"""Cold start (issue 15): the real window paints before the charting library loads, with its poll table and the
scenario panel's live figures (the core function's, as the command line prints them) and "Loading the charts…"
in the charts' place; the charts follow with exactly what the window was given meanwhile, in order."""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from warroom.app import Starter, WarRoom
from warroom.cli import main
from warroom.core.types import Annotation
from warroom.paths import AppPaths
from warroom.services.settings import AppSettings, open_settings
from warroom.ui.main_window import CHARTS_LOADING
from warroom.ui.scenario_panel import HEATMAP_LOADING


def cli_json(*argv: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, "--json"], out=out, err=err) == 0, err.getvalue()
    return json.loads(out.getvalue())


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[tuple[object, AppSettings, AppPaths]]:
    from warroom.bootstrap import open_store

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)  # the demo races
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    yield store, settings, paths
    store.close()


def _rooms(qtbot, store: object, settings: AppSettings) -> tuple[WarRoom, WarRoom]:
    """The demo race in a room built as the start builds it (stepwise, no charts) and one built at once."""
    late = WarRoom(store, settings, watch=False, stepwise=True, charts=False)  # type: ignore[arg-type]
    while late.step() is not None:
        pass
    at_once = WarRoom(store, settings, watch=False)  # type: ignore[arg-type]
    for room in (late, at_once):
        qtbot.addWidget(room.window)
        room.window.resize(1400, 900)
        room.window.show()
    return late, at_once


def test_the_real_windows_first_paint_loads_no_charting_library(tmp_path: Path) -> None:
    """`warroom` as a user starts it: the real window paints before pyqtgraph (and the charts module) load, and
    its charts come after that paint, before the start counts as ready."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WARROOM_EXIT_AFTER_PAINT": "1"}
    argv = [sys.executable, "-m", "warroom", "--data-dir", str(tmp_path / "state")]
    for _ in range(2):  # a new store (seeded), then one that exists
        out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=180)
        assert out.returncode == 0, out.stderr
        line = next(x for x in out.stdout.splitlines() if x.startswith("painted")).split()
        assert "charts_at_window=none" in line, line
        stamps = {k: float(v) for k, v in (part.split("=") for part in line[1:]) if k in ("window", "charts", "ready")}
        assert stamps["window"] < stamps["charts"] <= stamps["ready"], stamps
    # the second start recorded its first screen for the next one, whole, before the process ended
    data = tmp_path / "state" / "data"
    assert (data / "start_frame.json").is_file()
    assert not [p.name for p in data.iterdir() if p.name.endswith(".tmp")]


def test_the_start_paints_the_live_figures_first_and_the_charts_follow_with_the_clis_data(qapp, tmp_path: Path) -> None:
    """Through the real start: when the real window first paints, its charts are still loading and its panel
    already shows the command line's figures; once the charts are in, they show the same averages the command
    line prints."""
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    starter = Starter(argparse.Namespace(db=None, contest=None), paths, open_settings(paths), exit_when_ready=True)
    seen: dict[str, object] = {}
    painted = starter._on_window_painted

    def at_window_paint() -> None:
        room = starter.room
        assert room is not None
        seen["attached"] = room.charts_attached
        seen["placeholder"] = room.window.charts_placeholder.text() if room.window.charts_placeholder else None
        seen["verdict"] = room.scenario_panel.findChild(QLabel, "verdict").text()
        seen["rows"] = room.window.polls_pane.model.rowCount()
        painted()

    starter._on_window_painted = at_window_paint  # type: ignore[method-assign]
    assert starter.run() == 0
    room = starter.room
    assert room is not None
    cli = cli_json("scenario", "--data-dir", str(tmp_path / "state"))
    assert seen == {"attached": False, "placeholder": CHARTS_LOADING, "verdict": cli["verdict"], "rows": 17}
    assert room.charts_attached and room.window.charts_placeholder is None
    assert room.window.stack.currentWidget() is room.window.charts
    averages = room.averages.averages
    assert averages is not None
    x, mean = room.window.charts.curve_data("lead1")
    assert len(x) > 0
    np.testing.assert_allclose(mean, averages.first_lead.mean)  # the averages the panel's figures come from
    listed = cli_json("average", "--data-dir", str(tmp_path / "state"))
    assert (averages.a, averages.b) == (listed["front_runner"], listed["challenger"])
    room.window.close()
    if starter.saved is not None:
        starter.saved.join()


def test_charts_attached_later_show_what_charts_built_at_once_show(qtbot, demo_store) -> None:
    """The room the start builds (no charts, then attach_charts) and one built with its charts show the same
    lines, points and heatmap; before the charts are in, their places say they are loading and the panel's
    figures are already the live ones."""
    store, settings, _paths = demo_store
    late, at_once = _rooms(qtbot, store, settings)
    assert not late.charts_attached and at_once.charts_attached
    assert late.window.charts_placeholder is not None and late.window.charts_placeholder.text() == CHARTS_LOADING
    assert late.window.stack.currentWidget() is late.window.charts_placeholder
    heat = late.scenario_panel.heatmap
    assert heat.plot is None and heat.placeholder is not None and heat.placeholder.text() == HEATMAP_LOADING
    assert heat.legend.text() == at_once.scenario_panel.heatmap.legend.text() != ""  # the caption is a figure
    for name in ("verdict", "runoff", "win_probability"):
        assert (
            late.scenario_panel.findChild(QLabel, name).text()
            == at_once.scenario_panel.findChild(QLabel, name).text()
            != ""
        )
    late.attach_charts()
    assert late.charts_attached and late.window.charts_placeholder is None
    assert late.window.stack.currentWidget() is late.window.charts
    a, b = late.window.charts, at_once.window.charts
    for key in ("lead1", "lead2", *(c.code for c in late.poll_service.contest.candidates)):
        for got, want in zip(a.curve_data(key), b.curve_data(key), strict=True):
            np.testing.assert_array_equal(got, want)
    for key in ("lead1", "lead2"):
        for got, want in zip(a.point_data(key), b.point_data(key), strict=True):
            np.testing.assert_array_equal(got, want)
    assert heat.plot is not None and heat.placeholder is None
    np.testing.assert_array_equal(heat.image.image, at_once.scenario_panel.heatmap.image.image)
    np.testing.assert_array_equal(heat.current.getData()[0], at_once.scenario_panel.heatmap.current.getData()[0])
    late.attach_charts()  # once only
    assert late.window.charts is a


def test_what_the_user_does_before_the_charts_load_reaches_them(qtbot, demo_store) -> None:
    """A dark scheme, an event marker and a poll selected while the charts load: the charts, once in, are dark,
    carry the marker on each chart and ring the poll."""
    from warroom.ui.charts import DARK
    from warroom.ui.poll_table import POLL_ROLE

    store, settings, _paths = demo_store
    late = WarRoom(store, settings, watch=False, stepwise=True, charts=False)  # type: ignore[arg-type]
    while late.step() is not None:
        pass
    qtbot.addWidget(late.window)
    late.window.show()
    late.window.apply_color_scheme(True)
    late.poll_service.add_annotation(Annotation(date(2012, 4, 20), "debate"))
    view = late.window.polls_pane.view
    view.selectRow(0)
    chosen = view.model().index(0, 0).data(POLL_ROLE).id
    assert not late.charts_attached
    late.attach_charts()
    charts = late.window.charts
    assert charts._theme is DARK
    assert [a.text for a in charts._annotations] == [a.text for a in late.poll_service.annotations]
    assert "debate" in [a.text for a in charts._annotations]
    assert len(charts._annotation_items) == len(charts._annotations) * len(charts.plots)
    assert charts._selected == chosen is not None


def test_exporting_the_charts_before_they_load_builds_them_first(qtbot, demo_store, monkeypatch) -> None:
    """Export charts as PNG chosen while the charts load: the charts are built at once (the dialog then asks for a
    file; cancelled here), never an export of the placeholder."""
    store, settings, _paths = demo_store
    late = WarRoom(store, settings, watch=False, charts=False)  # type: ignore[arg-type]
    qtbot.addWidget(late.window)
    asked: list[object] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (asked.append(a), ("", ""))[1])
    assert not late.window.charts_attached
    late.window.action_export_png.trigger()
    assert asked and late.window.charts_attached and late.window.charts_placeholder is None


def _collecting_on_gui_thread() -> bool:
    """Python's automatic collector off, and the window's thread collecting from its timer."""
    from warroom.app import GuiThreadCollector

    found = QApplication.instance().findChild(GuiThreadCollector)
    return not gc.isenabled() and found is not None and found.timer.isActive()


def _stop_collector() -> None:
    from warroom.app import GuiThreadCollector

    found = QApplication.instance().findChild(GuiThreadCollector)
    if found is not None:
        found.stop()
    gc.enable()


def test_the_start_pauses_the_garbage_collector_until_its_figures_are_in(qapp, tmp_path: Path) -> None:
    """No cyclic collection while the start imports and builds (docs/STARTUP.md: 0.07-0.13 s of its CPU); it runs
    again once the figures are in, and after a start that fails: on the window's thread only, from a timer
    (app.GuiThreadCollector; Python's automatic collector off)."""
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    assert gc.isenabled()
    starter = Starter(argparse.Namespace(db=None, contest=None), paths, open_settings(paths), exit_when_ready=True)
    seen: list[bool] = []
    painted = starter._on_window_painted

    def at_window_paint() -> None:
        seen.append(gc.isenabled())
        painted()

    starter._on_window_painted = at_window_paint  # type: ignore[method-assign]
    assert starter.run() == 0
    assert seen == [False] and _collecting_on_gui_thread()
    _stop_collector()
    assert starter.room is not None
    starter.room.window.close()
    if starter.saved is not None:
        starter.saved.join()
    failing = Starter(
        argparse.Namespace(db=None, contest="No such race"), paths, open_settings(paths), exit_when_ready=True
    )
    gc.disable()  # (as a start finds it: paused by cmd_gui, or running as Python runs it)
    gc.enable()
    with pytest.raises(ValueError, match="No such race"):
        failing.run()
    assert _collecting_on_gui_thread()
    _stop_collector()
    # paused by the command line for the imports before it (cmd_gui, gc_paused): the start resumes it all the same
    gc.disable()
    handed = Starter(
        argparse.Namespace(db=None, contest="No such race"),
        paths,
        open_settings(paths),
        exit_when_ready=True,
        gc_paused=True,
    )
    try:
        with pytest.raises(ValueError, match="No such race"):
            handed.run()
        assert _collecting_on_gui_thread()
    finally:
        _stop_collector()
    gc.unfreeze()  # (the start froze this test process's heap: later tests collect it as before)


def test_a_charting_library_that_fails_to_load_is_said_in_the_charts_place(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The charting library loads after the real window has painted: if it cannot, the start still ends with the
    live figures and poll table, and the charts' place says why they are missing."""
    import warroom.app as app_module

    monkeypatch.setattr(app_module, "CHARTS", (*app_module.CHARTS, "no_such_chart_library_u5"))
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    starter = Starter(argparse.Namespace(db=None, contest=None), paths, open_settings(paths), exit_when_ready=True)
    assert starter.run() == 0
    room = starter.room
    assert room is not None and room.window.isVisible() and not room.charts_attached
    placeholder = room.window.charts_placeholder
    assert placeholder is not None
    assert "The charts could not be loaded" in placeholder.text() and "no_such_chart_library_u5" in placeholder.text()
    assert room.scenarios.view is not None and room.window.polls_pane.model.rowCount() == 17
    said: list[str] = []
    monkeypatch.setattr(room.window, "show_error", said.append)
    room.window.action_export_png.trigger()  # an export of the charts says why there are none
    assert len(said) == 1 and "no_such_chart_library_u5" in said[0] and "Nothing was exported" in said[0]
    room.window.apply_color_scheme(True)  # nothing is kept for charts that will not come
    assert room.window._chart_calls == [] and not room.window.charts_attached
    room.window.close()
    if starter.saved is not None:
        starter.saved.join()


def test_meeting_mode_chosen_in_the_shell_shows_the_charts_once_they_are_in(qapp, tmp_path: Path) -> None:
    """F11 pressed while the shell is up: the real window enters meeting mode once it has painted (its charts may
    still be loading then); when the start is over the meeting screen shows the charts in the projector theme."""
    from warroom.ui.charts import PROJECTOR

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    starter = Starter(argparse.Namespace(db=None, contest=None), paths, open_settings(paths), exit_when_ready=True)
    build = starter._build

    def press_present_then_build() -> None:
        action = starter.shell.findChild(type(starter.shell.menuBar().actions()[0]), "start_action_present")
        assert action is not None
        action.trigger()
        build()

    starter._build = press_present_then_build  # type: ignore[method-assign]
    assert starter.run() == 0
    room = starter.room
    assert room is not None and room.charts_attached
    window = room.window
    assert window.presenting and window.current_view() != "editing"
    for _ in range(len(window._views)):
        if window._for_counting_system(window._views[window._view_index]) == "charts":
            break
        window.step_view(1)
    assert window.stack.currentWidget() is window.charts
    assert window.charts._theme is PROJECTOR
    window.leave_presentation()
    assert not window.presenting and window.charts._theme is not PROJECTOR
    window.close()
    if starter.saved is not None:
        starter.saved.join()


def test_a_briefing_asked_for_before_the_charts_load_has_them(qtbot, demo_store) -> None:
    """Ctrl+B while the charts load: the briefing carries the charts, built for it, not the placeholder."""
    store, settings, _paths = demo_store
    late = WarRoom(store, settings, watch=False, charts=False)  # type: ignore[arg-type]
    qtbot.addWidget(late.window)
    assert not late.window.charts_attached
    briefing = late.briefing()
    assert late.window.charts_attached and briefing.chart is late.window.charts


def test_the_start_notes_its_charts_when_the_answer_page_built_ahead_attached_them_first(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Meeting mode's answer page, built ahead a second after the window shows (MainWindow._build_ahead), attaches
    the room's charts when it is built. On a loaded machine its timer fell between the start's last two chart parts:
    the start then found the charts attached, never noted their moment, and its benchmark line had no charts= (the
    clean-clone CI failed on it once). Here the page is built in the turn the window takes its charts."""
    from warroom.ui.main_window import MainWindow

    attach = MainWindow.attach_charts

    def attach_then_build_ahead(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        attach(self, *args, **kwargs)
        if args:  # the start's part that gives the window its charts (the page's build attaches again, with none)
            self._build_ahead()  # (its timer, due, firing in the very next moment)

    monkeypatch.setattr(MainWindow, "attach_charts", attach_then_build_ahead)
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    starter = Starter(argparse.Namespace(db=None, contest=None), paths, open_settings(paths), exit_when_ready=True)
    assert starter.run() == 0
    room = starter.room
    assert room is not None and room._answer_view is not None  # (built ahead, as the test means)
    assert "charts" in starter.times, sorted(starter.times)
    assert starter.times["window"] < starter.times["charts"] <= starter.times["ready"]
