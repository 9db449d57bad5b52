"""The start to a live window (issue 15, docs/STARTUP.md): the real window shows the command line's figures; a
big contest's window paints before its average and the average lands after; meeting mode's views are built when
first shown, with the live figures; what the user chose in the shell runs in the real window; closing the shell
ends the start."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from tests.conftest import TOY
from tests.ui.conftest import toy_polls
from warroom.app import Starter
from warroom.cli import main
from warroom.paths import AppPaths
from warroom.services.settings import AppSettings, open_settings
from warroom.ui.main_window import MainWindow
from warroom.ui.start_shell import StartShell


def cli_json(*argv: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, "--json"], out=out, err=err) == 0, err.getvalue()
    return json.loads(out.getvalue())


def panel_text(room: object, name: str) -> str:
    label = room.scenario_panel.findChild(QLabel, name)  # type: ignore[attr-defined]
    assert label is not None, name
    return label.text()


def _starter(paths: AppPaths, before_build=None, contest: str | None = None) -> Starter:
    """One start as `warroom` makes it (of `contest`, else the store's default), run until its figures are in;
    `before_build(starter)` runs in the event loop after the shell has painted, before the window is built (what
    a user does in the first second)."""
    starter = Starter(argparse.Namespace(db=None, contest=contest), paths, open_settings(paths), exit_when_ready=True)
    if before_build is not None:
        build = starter._build

        def hooked() -> None:
            before_build(starter)
            build()

        starter._build = hooked  # type: ignore[method-assign]
    return starter


def test_the_started_window_shows_the_command_lines_figures_and_no_alembic(qapp, tmp_path: Path) -> None:
    """The demo race through the real start (shell, modules one per turn, window): the panel's headline is the
    CLI's, from the same core function, and a store at head was opened without importing Alembic."""
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    starter = _starter(paths)
    assert starter.run() == 0
    room = starter.room
    assert room is not None and room.window.isVisible()
    cli = cli_json("scenario", "--data-dir", str(tmp_path / "state"))
    assert panel_text(room, "verdict") == cli["verdict"]
    assert f"margin {cli['margin']:+.1f}" in panel_text(room, "runoff") or f"{cli['margin']:+.1f}" in (
        panel_text(room, "verdict") + panel_text(room, "runoff")
    )
    assert room.scenarios.view.projection.margin == pytest.approx(cli["margin"], abs=5e-4)
    assert room.scenarios.view.projection.win_probability_b == pytest.approx(cli["win_probability_challenger"])
    room.window.close()
    if starter.saved is not None:
        starter.saved.join()
    # The store is at head now: opening it, as every later start does, reads the revision and never imports Alembic.
    code = (
        "import sys; from warroom.bootstrap import open_store; "
        "open_store(sys.argv[1], backup_dir=None).close(); print(sorted(m for m in sys.modules if 'alembic' in m))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(paths.database)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_command_chosen_in_the_shell_runs_in_the_real_window(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+N (Edit > Add poll…) pressed while the shell is up is kept, said in the shell, and opens the real
    window's poll dialog once that window has painted; a second press does not open it twice."""
    opened: list[float] = []
    monkeypatch.setattr(MainWindow, "add_poll", lambda self: opened.append(starter.times.get("window", -1.0)))
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    said: list[str] = []

    def press_add(s: Starter) -> None:
        action = s.shell.findChild(type(s.shell.menuBar().actions()[0]), "start_action_add")
        assert action is not None and action.isEnabled()
        action.trigger()
        action.trigger()
        s.shell.show_progress("Starting… loading the charts and the store (3/13)")
        said.append(s.shell.statusBar().currentMessage())  # the start's progress does not hide the note

    starter = _starter(paths, press_add)
    assert starter.run() == 0
    assert starter.shell.pending == ["action_add"]
    assert said and "Add poll will open as soon as the window is ready" in said[0] and "(3/13)" in said[0]
    assert len(opened) == 1 and opened[0] > 0  # once, after the real window's first paint
    starter.room.window.close()  # type: ignore[union-attr]


def test_closing_the_shell_ends_the_start_and_no_window_follows(qapp, tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    starter = _starter(paths, lambda s: s.shell.close())
    assert starter.run() == 0
    assert starter.room is None and not starter.shell.isVisible()


def test_the_shells_menus_hold_the_first_commands_and_nothing_else_takes_input(qapp, qtbot) -> None:
    shell = StartShell(None, "/tmp/polls.sqlite3")
    qtbot.addWidget(shell)
    shell.show()
    menus = {a.text(): a for a in shell.menuBar().actions()}
    assert menus["&File"].isEnabled() and menus["&Edit"].isEnabled() and menus["&View"].isEnabled()
    assert not menus["&Scenario"].isEnabled() and not menus["&Help"].isEnabled()
    shortcuts = {a.shortcut().toString() for m in menus.values() if m.menu() for a in m.menu().actions()}
    assert {"Ctrl+I", "Ctrl+E", "Ctrl+N", "F11"} <= shortcuts  # (Quit: the platform's own key, as in the window)
    assert "&Quit" in {a.text() for a in menus["&File"].menu().actions()}
    with qtbot.waitSignal(shell.quit_requested, timeout=1000):
        shell.close()
    handed = StartShell(None, "/tmp/polls.sqlite3")
    qtbot.addWidget(handed)
    handed.show()
    with qtbot.assertNotEmitted(handed.quit_requested, wait=20):
        handed.hand_over()  # the real window took its place: not a quit


@pytest.fixture
def big_room(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The toy contest's 30 polls as a "big" contest (averaged on the worker from 5 polls)."""
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.services.analysis_service import AverageController
    from warroom.store import polls as repo

    defaults = dict(AverageController.__init__.__kwdefaults__ or {})
    monkeypatch.setattr(AverageController.__init__, "__kwdefaults__", {**defaults, "background_from": 5})
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        repo.add_polls(s, repo.add_contest(s, TOY), toy_polls())
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    room = WarRoom(store, settings, watch=False)
    qtbot.addWidget(room.window)
    yield room, paths
    room.window.close()
    store.close()


def test_a_big_contest_paints_before_its_average_and_the_average_lands_with_the_clis_figures(big_room, qtbot) -> None:
    room, paths = big_room
    assert room.averages.averages is None and room.averages.background_from == 5  # not computed while building
    assert room.window.statusBar().currentMessage() == "Averaging 30 polls…"
    assert room.window.polls_pane.model.rowCount() == 30  # the table is there for the first paint
    room.window.show()
    qtbot.waitUntil(lambda: room.averages.averages is not None, timeout=10000)
    qtbot.waitUntil(lambda: room.scenarios.view is not None, timeout=10000)
    assert room.window.statusBar().currentMessage() == ""  # the note went with the average's landing
    cli = cli_json("scenario", "--db", str(paths.database), "--data-dir", str(paths.data_dir.parent))
    assert panel_text(room, "verdict") == cli["verdict"]
    assert room.scenarios.view.projection.margin == pytest.approx(cli["margin"], abs=5e-4)
    average = cli_json("average", "--db", str(paths.database), "--data-dir", str(paths.data_dir.parent))
    first = room.averages.averages.first_round  # what the charts draw
    for code, figures in average["first_round"].items():  # type: ignore[union-attr]
        assert first[code].mean[-1] == pytest.approx(figures["mean"], abs=5e-4)


def test_meeting_modes_views_are_built_when_first_shown_with_the_live_figures(demo, qtbot) -> None:
    room, win = demo, demo.window
    assert room._saved_pages is None and room._two_round_answer is None
    # (the answer page may have been built ahead already, in an idle turn after the window was shown)
    pages = win.stack.count() - (room._answer_view is not None)
    win.set_presentation_views(["answer", "charts"])
    win.enter_presentation()
    assert win.stack.currentWidget() is room.answer_view and win.stack.count() == pages + 1
    view = room.scenarios.view
    assert room.answer_view.verdict.text() == view.projection.verdict == panel_text(room, "verdict")
    x, y = room.answer_view.line.getData()
    assert len(x) > 0 and y[-1] == pytest.approx(room.averages.averages.second_lead.mean[-1])
    win.step_view(1)
    win.step_view(1)  # back to the answer: the same page, not a second one
    assert win.stack.currentWidget() is room.answer_view and win.stack.count() == pages + 1
    win.leave_presentation()
    assert room._saved_pages is None  # leaving hid nothing it had to build


def test_a_stepwise_build_gives_the_same_room_one_part_per_call(qtbot, tmp_path: Path) -> None:
    """The start builds the war room one part per event-loop turn (the shell stays alive meanwhile): the parts
    come in order, and the room they make shows the same figures as one built at once."""
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)  # the demo races
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    stepwise = WarRoom(store, settings, watch=False, stepwise=True)
    assert not hasattr(stepwise, "window")  # nothing built yet
    parts = []
    while (part := stepwise.step()) is not None:
        parts.append(part)
    assert parts == ["the window", "the panels", "the menus", "the polls", ""]
    assert stepwise.step() is None
    qtbot.addWidget(stepwise.window)
    at_once = WarRoom(store, settings, watch=False)
    qtbot.addWidget(at_once.window)
    assert stepwise.scenarios.view is not None  # evaluated while built: the first paint has the live figures
    assert panel_text(stepwise, "verdict") == panel_text(at_once, "verdict") != ""
    assert stepwise.window.polls_pane.model.rowCount() == at_once.window.polls_pane.model.rowCount() == 17
    for room in (stepwise, at_once):
        room.window.close()
    store.close()


def test_the_shell_keeps_turning_while_the_store_library_loads_on_its_thread(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLAlchemy and numpy load on a thread of their own: the event loop keeps turning meanwhile (the shell can be
    moved and repainted), where importing them on the GUI thread held it for the whole import."""
    import time

    import warroom.app as app_module

    (tmp_path / "slow_library_t4.py").write_text(
        "import time\nstarted = time.perf_counter()\ntime.sleep(0.4)\nended = time.perf_counter()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(app_module, "BACKGROUND", (*app_module.BACKGROUND, "slow_library_t4"))
    ticks: list[float] = []

    def tick_meanwhile(s: Starter) -> None:
        from PySide6.QtCore import QTimer

        s.ticker = QTimer(s.shell)  # type: ignore[attr-defined]
        s.ticker.setInterval(10)  # type: ignore[attr-defined]
        s.ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))  # type: ignore[attr-defined]
        s.ticker.start()  # type: ignore[attr-defined]

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    starter = _starter(paths, tick_meanwhile)
    assert starter.run() == 0
    slow = sys.modules["slow_library_t4"]
    assert sum(slow.started <= t <= slow.ended for t in ticks) >= 5  # about 40 at rest
    starter.room.window.close()  # type: ignore[union-attr]
    sys.modules.pop("slow_library_t4")


def test_a_library_that_fails_to_load_on_the_thread_stops_the_start_with_its_error(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import warroom.app as app_module

    monkeypatch.setattr(app_module, "BACKGROUND", (*app_module.BACKGROUND, "no_such_library_t4"))
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    starter = _starter(paths)
    with pytest.raises(ModuleNotFoundError, match="no_such_library_t4"):
        starter.run()
    assert starter.room is None and not starter.shell.isVisible()
