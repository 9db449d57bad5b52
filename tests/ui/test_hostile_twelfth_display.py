"""Hostile pass 12 (issue 16), the window's leftovers from pass 11: the heatmap's axis label at every size, the
window's least size on a laptop at 150 % scale, a dark palette's contrast, and a refused undo's message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.gui


def test_a_refused_undo_of_an_edit_says_what_happened_once_plainly(room: Any, qtbot: Any, monkeypatch: Any) -> None:
    """An edit undone after a teammate changed the poll: the message said "Could not save the edit of the X poll:
    this X poll was changed ...; the window now shows it as stored; the window shows what the store holds." (an
    undo called a save, the poll named twice, what the window shows said twice). It now says it could not undo
    the edit, why, and what the window shows, once each."""
    from warroom.store import polls as repo
    from warroom.ui.commands import EditPollCommand

    win, service = room.window, room.poll_service
    shown: list[str] = []
    monkeypatch.setattr(win, "show_error", shown.append)
    before = service.polls[0]
    after = replace(before, sample_size=(before.sample_size or 1000) + 7)
    command = EditPollCommand(service, before, after, win.show_error)
    assert win._push(command)
    qtbot.waitUntil(lambda: not service._pending, timeout=10000)
    with room.store.sessions.begin() as s:  # a teammate edits it, unseen by the watch (off)
        repo.update_poll(s, replace(after, sample_size=4242))
    win.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    (message,) = shown
    assert message.startswith(f"Could not undo the edit of the {before.pollster} poll: "), message
    assert "save the edit" not in message, message
    assert message.count("the window") == 1, message
    assert message.count(before.pollster) == 1, message
    assert "teammate" in message and "nothing was saved" in message, message
    qtbot.waitUntil(lambda: service.poll(before.id or 0).sample_size == 4242, timeout=5000)


def _left_label_fits(heatmap: Any) -> tuple[bool, str, float, float]:
    """(the left axis's label fits its axis's height, its text, the text's length, the axis's height)."""
    axis = heatmap.plot.getAxis("left")
    length = axis.label.boundingRect().width()  # the text's run along the axis (drawn turned a quarter)
    height = axis.size().height()
    return axis.label.isVisible() and length <= height, axis.labelText, length, height


@pytest.mark.parametrize("points", [9, 14, 26])
def test_the_heatmaps_left_axis_label_fits_the_axis_height_at_every_size(qtbot: Any, points: int) -> None:
    """'To front-runner (%)' ran past the top of the axis (clipped to 'To front-runner (' in meeting mode at
    1920x1080: the projector's type on a 280-px chart). At every height and type size the label shown now fits the
    axis, a shorter text when the whole one does not; the whole text is the axis's tooltip."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from warroom.ui.scenario_panel import HEATMAP_SPLITS, HEATMAP_STRENGTHS, Heatmap

    heatmap = Heatmap()
    qtbot.addWidget(heatmap)
    font = QFont(heatmap.font())
    font.setPointSize(points)
    heatmap.set_axis_font(font)
    grid = np.linspace(-8, 8, len(HEATMAP_SPLITS) * len(HEATMAP_STRENGTHS)).reshape(len(HEATMAP_SPLITS), -1)
    heatmap.show_grid(grid, 10.0, 50.0, "Margin by message strength and split")
    heatmap.show()
    qtbot.waitExposed(heatmap)
    shown: set[str] = set()
    for height in (140, 200, 260, 330, 420, 600):
        heatmap.resize(500, height)
        QApplication.processEvents()
        fits, text, length, room = _left_label_fits(heatmap)
        assert fits, (points, height, text, length, room)
        assert heatmap.plot.isVisible() and heatmap.plot.height() >= height - 80
        shown.add(text)
        assert "front-runner" in heatmap.plot.getAxis("left").toolTip()
    if points == 9:  # room enough at an ordinary size: the whole text
        assert "To front-runner (%)" in shown


def test_in_meeting_mode_the_heatmaps_left_axis_label_is_whole_on_a_1080p_projector(demo: Any, qtbot: Any) -> None:
    """The meeting view of the scenario at 1920x1080 (test_layout's picture, meeting_scenario_1920x1080.png): its
    heatmap's left axis label fits the axis (it was clipped at the top: 'To front-runner (')."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    win = demo.window
    win.set_presentation_views(["scenario"])
    win.enter_presentation()
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.resize(1920, 1080)
    QApplication.processEvents()
    qtbot.wait(40)
    QApplication.processEvents()
    assert win.current_view() == "scenario"
    fits, text, length, room = _left_label_fits(demo.scenario_panel.heatmap)
    assert fits, (text, length, room)


_SPY_SIZES = """
import sys
from PySide6.QtWidgets import QApplication
import warroom.app as app

def spy(name):
    orig = getattr(app.Starter, name)
    def wrapped(self, *a, **k):
        for w in QApplication.topLevelWidgets():
            if w.isVisible() and type(w).__name__ in ("MainWindow", "StartShell"):
                g, a_, least = w.frameGeometry(), w.screen().availableGeometry(), w.minimumSize()
                print("WINDOW", type(w).__name__, *g.getRect(), *a_.getRect(), least.width(), least.height(), flush=True)
        return orig(self, *a, **k)
    setattr(app.Starter, name, wrapped)

spy("_on_shell_painted")
spy("_on_window_painted")
from warroom.cli import main
sys.exit(main(["--data-dir", sys.argv[1], "gui"]))
"""


def test_on_a_laptop_at_150_percent_the_window_and_its_least_size_fit_the_screen(tmp_path: Path) -> None:
    """A 1366x768 laptop at 150 % scale is 911x512 of Qt's pixels: the window's least size was 846x542, so the
    window opened 897x544 and its bottom 30 px (the status bar, the poll table's buttons) were off the screen.
    The charts' least height is lower now (they scroll inside it: charts.MIN_PLOT); the window, and its least size
    with room for a title bar (qt_utils.FRAME_ALLOWANCE), fit the screen's free area."""
    from warroom.ui.qt_utils import FRAME_ALLOWANCE

    done = _start_on_a_laptop_at_150_percent(_SPY_SIZES, tmp_path)
    shown = [line.split()[1:] for line in done.stdout.splitlines() if line.startswith("WINDOW")]
    assert [kind for kind, *_ in shown] == ["StartShell", "MainWindow"], done.stdout
    for kind, *numbers in shown:
        x, y, w, h, ax, ay, aw, ah, least_w, least_h = map(int, numbers)
        assert (aw, ah) in ((910, 512), (911, 512)), (aw, ah)  # 1366x768 at 1.5
        assert ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah, (kind, x, y, w, h)
        assert least_w + FRAME_ALLOWANCE.width() <= aw and least_h + FRAME_ALLOWANCE.height() <= ah, (kind, least_h)


def _dark_palette() -> Any:
    """A system in dark mode as Qt hands it to the app: dark window and base, light text."""
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.AlternateBase, "#2a2a2a"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.WindowText, "#f0f0f0"),
        (QPalette.ColorRole.Text, "#f0f0f0"),
        (QPalette.ColorRole.ButtonText, "#f0f0f0"),
        (QPalette.ColorRole.ToolTipBase, "#2b2b2b"),
        (QPalette.ColorRole.ToolTipText, "#f0f0f0"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def test_in_a_dark_palette_the_verdict_charts_poll_table_and_heatmap_text_reach_wcag_contrast(
    qapp: Any, qtbot: Any, tmp_path: Path
) -> None:
    """A system in dark mode (a dark QPalette, the charts' dark theme): text in a candidate's colour was drawn as
    is on the dark page, the verdict "Gap not closed: Johnson still ahead..." in #0072B2 on #2b2b2b (3.2:1), the
    charts' end labels in Cortiglia's #56334F on #1e1e1e (1.6:1). Every text measured here now reaches WCAG's
    4.5:1 against the background it is drawn on: the verdict, the first-round chart's end labels and axes, the poll
    table's cells (and their alternate rows), the heatmap's axes."""
    import re

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    from tests.ui.conftest import running_room
    from warroom.bootstrap import open_store
    from warroom.core.colour import contrast_ratio
    from warroom.paths import AppPaths
    from warroom.services.settings import open_settings

    app = QApplication.instance()
    before = app.palette()
    app.setPalette(_dark_palette())  # the system's, before the window is built
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)  # the London 2012 demo
    rooms = running_room(qtbot, store, open_settings(paths))
    demo = next(rooms)
    try:
        demo.window.apply_color_scheme(True)  # what a system in dark mode has the app do (app.py: _follow_scheme)
        QApplication.processEvents()
        with qtbot.waitSignal(demo.scenarios.view_ready, timeout=5000):  # the verdict drawn again, in this palette
            demo.scenario_panel.message_slider.setValue(demo.scenario_panel.message_slider.value() + 100)
        QApplication.processEvents()
        low: list[tuple[str, str, str, float]] = []

        def check(what: str, ink: QColor | str, page: QColor | str, least: float = 4.5) -> None:
            fg, bg = QColor(ink).name(), QColor(page).name()
            ratio = contrast_ratio(fg, bg)
            if ratio < least:
                low.append((what, fg, bg, round(ratio, 2)))

        # The toolbar's icons (WCAG 1.4.11, a graphic: 3:1): their strokes' colour, the darkest or lightest drawn
        page = demo.window.palette().color(QPalette.ColorRole.Window)
        for action in demo.window.toolbar.actions():
            if action.icon().isNull():
                continue
            image = action.icon().pixmap(24, 24).toImage()
            inks = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
            inks = [c for c in inks if c.alpha() == 255]
            assert inks, action.text()
            check(
                f"toolbar icon {action.text()}",
                max(inks, key=lambda c: abs(c.lightness() - page.lightness())),
                page,
                3.0,
            )

        panel = demo.scenario_panel
        verdict = re.search(r"color:\s*(#[0-9a-fA-F]{6})", panel.verdict.styleSheet())
        assert verdict is not None, panel.verdict.styleSheet()
        check("verdict", verdict.group(1), panel.verdict.palette().color(QPalette.ColorRole.Window))
        charts = demo.window.charts
        page = charts._theme.background
        for key, label in charts._end_labels.items():
            check(f"end label {key}", label.color, page)
        for name, plot in charts.plots.items():
            for side in ("left", "bottom"):
                check(f"{name} {side} axis", plot.getAxis(side).textPen().color(), page)
        view = demo.window.polls_pane.view
        model = view.model()
        assert model.rowCount() > 0
        for row in range(min(model.rowCount(), 20)):
            base = view.palette().color(QPalette.ColorRole.AlternateBase if row % 2 else QPalette.ColorRole.Base)
            for col in range(model.columnCount()):
                index = model.index(row, col)
                back = model.data(index, Qt.ItemDataRole.BackgroundRole)
                fore = model.data(index, Qt.ItemDataRole.ForegroundRole)
                ink = QColor(fore.color() if hasattr(fore, "color") else fore) if fore is not None else None
                if ink is None:
                    ink = view.palette().color(QPalette.ColorRole.Text)
                shade = QColor(back.color() if hasattr(back, "color") else back) if back is not None else base
                check(f"poll table ({row}, {col})", ink, shade)
        heatmap = panel.heatmap
        heat_page = heatmap.plot.backgroundBrush().color()
        for side in ("left", "bottom"):
            check(f"heatmap {side} axis", heatmap.plot.getAxis(side).textPen().color(), heat_page)
        assert low == [], "\n".join(map(str, low))
        # meeting mode's projector page (black): the verdict in Johnson's #0072B2 was 4.1:1 on it
        demo.window.set_presentation_views(["scenario", "charts"])
        demo.window.enter_presentation()
        qtbot.waitUntil(lambda: panel.verdict.palette().color(QPalette.ColorRole.Window).lightness() < 20)
        qtbot.wait(20)
        verdict = re.search(r"color:\s*(#[0-9a-fA-F]{6})", panel.verdict.styleSheet())
        assert verdict is not None, panel.verdict.styleSheet()
        check("meeting verdict", verdict.group(1), panel.verdict.palette().color(QPalette.ColorRole.Window))
        demo.window.step_view(1)  # the charts on the projector's theme
        QApplication.processEvents()
        for key, label in charts._end_labels.items():
            check(f"meeting end label {key}", label.color, charts._theme.background)
        assert charts._theme.background == "#000000"
        assert low == [], "\n".join(map(str, low))
    finally:
        next(rooms, None)  # (closes the window and its store)
        app.setPalette(before)


_SPY_VERDICT = """
import sys
from warroom.ui import qt_utils

drawn = qt_utils.DataLabel.paintEvent

def paintEvent(self, event):  # what is drawn: the verdict's place and the next line's, each time it is painted
    if self.objectName() == "verdict":
        form = self.parentWidget().layout()
        below = [form.itemAt(j).widget() for j in range(form.indexOf(self) + 1, form.count())]
        below = [w for w in below if w is not None and w.isVisible()]
        g = self.geometry()
        print("VERDICT", g.y(), g.height(), below[0].geometry().y() if below else 1 << 20, flush=True)
    return drawn(self, event)

qt_utils.DataLabel.paintEvent = paintEvent
from warroom.cli import main
sys.exit(main(["--data-dir", sys.argv[1], "gui"]))
"""


def test_at_150_percent_the_verdict_is_never_drawn_over_the_line_under_it(tmp_path: Path) -> None:
    """At 1.5x on a 1366x768 laptop the window's first paints drew the verdict grown to its fifth line (its lines
    follow its width at once) over the runoff line, which the layout moved down only a turn later: one frame with
    two lines of text on top of each other. Every paint of the verdict now has it above the line under it."""
    done = _start_on_a_laptop_at_150_percent(_SPY_VERDICT, tmp_path)
    paints = [tuple(map(int, line.split()[1:])) for line in done.stdout.splitlines() if line.startswith("VERDICT")]
    assert paints, done.stdout
    assert [p for p in paints if p[0] + p[1] > p[2]] == [], paints


def _start_on_a_laptop_at_150_percent(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run `script` (a start of the app, spied on) in its own process on a 1366x768 offscreen screen at 1.5x scale,
    until the window's first paint; it must exit cleanly."""
    screens = {"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96}]}
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(screens))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": "1.5",
        "PYTHONPATH": os.getcwd(),
        "WARROOM_EXIT_AFTER_PAINT": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "state")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done
