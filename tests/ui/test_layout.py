"""The window on the screens staff use: from 1280x720 up, every chart shows its whole window of dates, every
widget lies inside its parent (nothing cropped), and the scenario area gives way (it scrolls) before the charts
do. Screenshots of each size are written for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

pytestmark = pytest.mark.gui

SIZES = [(1280, 720), (1366, 768), (1400, 900), (1920, 1080)]


def _settle(qtbot, win, width: int, height: int) -> None:
    win.resize(width, height)
    QApplication.processEvents()
    qtbot.wait(30)
    QApplication.processEvents()


def _clipped(win: QWidget) -> list[str]:
    """Visible widgets whose rectangle is not inside their parent's (1 px of rounding allowed).
    A scroll area's content may be larger than its viewport: that is what scrolling is for."""
    out = []
    viewports = {id(a.viewport()) for a in win.findChildren(QAbstractScrollArea)}
    for w in win.findChildren(QWidget):
        parent = w.parentWidget()
        if parent is None or w.isWindow() or not w.isVisibleTo(win) or id(parent) in viewports:
            continue
        inside = parent.rect().adjusted(-1, -1, 1, 1)
        if not inside.contains(w.geometry()):
            name = w.objectName() or w.accessibleName() or type(w).__name__
            out.append(f"{name} {w.geometry().getRect()} in {type(parent).__name__} {parent.rect().getRect()}")
    return out


def _shot_dir(tmp_path: Path) -> Path:
    where = os.environ.get("WARROOM_SHOTS")  # e.g. docs/ or a notes folder; a tmp dir otherwise
    out = Path(where) if where else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_main_window_fits_and_shows_every_chart_whole(room, qtbot, tmp_path: Path, width: int, height: int) -> None:
    win = room.window
    _settle(qtbot, win, width, height)
    assert (win.width(), win.height()) == (width, height), "the window's minimum size is larger than the screen"
    shots = _shot_dir(tmp_path)
    win.grab().save(str(shots / f"main_{width}x{height}.png"))
    assert _clipped(win) == []
    # every chart, with its date axis, inside the visible part of the chart view
    charts = win.charts
    view = charts._layout_widget
    seen = QRect(0, 0, view.viewport().width(), view.viewport().height())
    for key, plot in charts.plots.items():
        for item in (plot.getViewBox(), plot.getAxis("bottom")):
            rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
            assert seen.adjusted(-1, -1, 1, 1).contains(rect), (key, rect.getRect(), seen.getRect())
    # the whole default window of dates, up to the election day, is what the charts show
    contest = room.poll_service.contest
    x0, x1 = charts.visible_days()
    assert x1 >= contest.election_date.toordinal()
    assert (x0, x1) == pytest.approx(charts.final_weeks_window(), abs=0.01)
    # the charts get a fair share of the width: at least half of the window
    assert charts.width() >= 0.5 * width


def test_a_dragged_dock_width_is_kept_on_resize_and_across_a_restart(room, qtbot) -> None:
    from PySide6.QtWidgets import QMainWindow

    from warroom.ui.main_window import MainWindow

    win = room.window
    _settle(qtbot, win, 1600, 1000)
    default = win.scenario_dock.width()
    # the user drags the separator: Qt resizes the dock while the mouse button is down
    qtbot.mousePress(win, Qt.MouseButton.LeftButton, pos=win.rect().center())
    QMainWindow.resizeDocks(win, [win.scenario_dock], [500], Qt.Orientation.Horizontal)
    QApplication.processEvents()
    qtbot.mouseRelease(win, Qt.MouseButton.LeftButton, pos=win.rect().center())
    assert abs(win.scenario_dock.width() - 500) <= 3 and abs(default - 500) > 20
    _settle(qtbot, win, 1366, 768)
    assert win.scenario_dock.width() == pytest.approx(500 * 1366 / 1600, abs=4)  # the same share of the window
    state = win.saveState()
    again = MainWindow(room.poll_service)
    qtbot.addWidget(again)
    again.resize(1366, 768)
    again.show()
    again.restoreState(state)
    qtbot.wait(20)  # the event loop turns once before anyone resizes the window
    assert abs(again.scenario_dock.width() - win.scenario_dock.width()) <= 4
    _settle(qtbot, again, 1920, 1080)
    assert again.scenario_dock.width() == pytest.approx(500 * 1920 / 1600, abs=6)


@pytest.mark.qt_log_ignore("does not support raise")  # the offscreen platform, floating a window
def test_a_floated_or_moved_dock_is_left_as_the_user_put_it(room, qtbot) -> None:
    win = room.window
    _settle(qtbot, win, 1600, 1000)
    win.scenario_dock.setFloating(True)
    win.scenario_dock.resize(640, 500)
    _settle(qtbot, win, 1366, 768)  # no warning from Qt, no resize of the floating dock
    assert win.scenario_dock.isFloating() and win.scenario_dock.width() == 640
    win.scenario_dock.setFloating(False)
    win.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, win.scenario_dock)
    _settle(qtbot, win, 1400, 900)
    assert _clipped(win) == []
    charts = win.charts
    assert charts.width() >= 560 and charts.height() >= 200


def test_meeting_charts_at_1920x1080_show_everything_at_projector_size(room, qtbot, tmp_path: Path) -> None:
    """The charts as meeting mode shows them on a 1080p projector: nothing cropped, legends off the data."""
    from warroom.ui.charts import PROJECTOR, ChartPanel

    source = room.window.charts
    panel = ChartPanel(theme=PROJECTOR)
    qtbot.addWidget(panel)
    panel.set_contest(room.poll_service.contest)
    panel.show_annotations(room.poll_service.annotations)
    panel.show_data(room.poll_service.polls, room.averages.averages)
    panel.resize(1920, 1080)
    panel.show()
    qtbot.wait(30)
    panel.grab().save(str(_shot_dir(tmp_path) / "meeting_charts_1920x1080.png"))
    view = panel._layout_widget
    seen = QRect(0, 0, view.viewport().width(), view.viewport().height()).adjusted(-1, -1, 1, 1)
    areas = []
    for key, plot in panel.plots.items():
        for item in (plot.getViewBox(), plot.getAxis("bottom"), plot.getAxis("left")):
            rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
            assert seen.contains(rect), (key, type(item).__name__, rect.getRect())
        areas.append(plot.getViewBox().sceneBoundingRect())
    for legend in panel.legends().values():
        assert not any(legend.sceneBoundingRect().intersects(a) for a in areas)
    assert panel.visible_days() == pytest.approx(source.final_weeks_window(), abs=0.01)
    assert panel.end_label("lead2").textItem.font().pointSize() >= PROJECTOR.font_pt


def _visible_in_window(w: QWidget, win: QWidget) -> bool:
    """The widget's whole rectangle is visible: inside every ancestor up to the window."""
    rect = QRect(w.mapTo(win, w.rect().topLeft()), w.size())
    parent = w.parentWidget()
    while parent is not None and parent is not win:
        if not QRect(parent.mapTo(win, parent.rect().topLeft()), parent.size()).adjusted(-1, -1, 1, 1).contains(rect):
            return False
        parent = parent.parentWidget()
    return win.rect().adjusted(-1, -1, 1, 1).contains(rect)


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1366, 768)])
def test_every_control_can_be_brought_into_view(room, qtbot, width: int, height: int) -> None:
    """On a laptop screen each button, slider, box and field is on screen or one scroll away from it."""
    win = room.window
    _settle(qtbot, win, width, height)
    checked, unreachable = _reachability(win)
    assert checked >= 20, f"only {checked} controls found: the walk missed the panel"
    assert unreachable == [], "\n".join(unreachable)


def _reachability(win: QWidget) -> tuple[int, list[str]]:
    """Scroll to every visible control as a user would; (controls checked, those still not on screen)."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit, QScrollArea

    unreachable = []
    checked = 0
    for cls in (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit):
        for w in win.findChildren(cls):
            if not w.isVisibleTo(win) or type(w).__name__ in ("QScrollBar", "QToolButton"):
                continue
            if isinstance(w.parentWidget(), (QAbstractSpinBox, QComboBox)):
                continue  # a spin box's or combo box's own parts
            areas = []
            parent = w.parentWidget()
            while parent is not None:
                if isinstance(parent, QScrollArea):
                    areas.append(parent)
                parent = parent.parentWidget()
            for area in areas:  # innermost first, as a user scrolls: until the whole control shows
                # (ensureWidgetVisible would settle for a spin box's text cursor, which is what Qt scrolls to on Tab)
                centre = w.mapTo(area.widget(), w.rect().center())
                area.ensureVisible(centre.x(), centre.y(), w.width() // 2 + 1, w.height() // 2 + 1)
            QApplication.processEvents()
            checked += 1
            if not _visible_in_window(w, win):
                unreachable.append(
                    f"{type(w).__name__} {w.accessibleName() or w.objectName() or w.text() if hasattr(w, 'text') else ''}"
                )
    return checked, unreachable


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_the_demo_race_window_is_whole_and_pictured(demo, qtbot, tmp_path: Path, width, height) -> None:
    """The README's pictures: the London demo at a laptop's and a desktop's size, nothing cropped."""
    win = demo.window
    _settle(qtbot, win, width, height)
    assert (win.width(), win.height()) == (width, height)
    assert _clipped(win) == []
    win.grab().save(str(_shot_dir(tmp_path) / f"london_main_{width}x{height}.png"))
    # the election day is named where it writes over no candidate's end label
    charts = win.charts
    named = [line.label for line in charts._election_lines if getattr(line, "label", None) is not None]
    assert len(named) == 2

    def ink(item):  # the text's own box: a text item's rectangle includes its document margin on every side
        margin = item.textItem.document().documentMargin()
        return item.sceneBoundingRect().adjusted(margin, margin, -margin, -margin)

    for label in named:
        for end in charts._end_labels.values():
            if end.isVisible():
                assert not ink(label).intersects(ink(end)), end.toPlainText()


def test_each_meeting_view_at_1920x1080_is_whole_and_pictured(demo, qtbot, tmp_path: Path) -> None:
    """Every view meeting mode steps through, on a 1080p projector: nothing cropped, the live case untouched."""
    room = demo
    win = room.window
    with qtbot.waitSignal(room.scenarios.view_ready, timeout=2000):
        room.scenario_panel.message_slider.setValue(room.scenario_panel.message_slider.value() + 100)
    room.scenarios.save("Tie him to his party")
    live = room.scenarios.scenario
    views = ["answer", "charts", "scenario", "scenario:Tie him to his party"]
    win.set_presentation_views(views)
    win.enter_presentation()
    shots = _shot_dir(tmp_path)
    try:
        for i, view in enumerate(views):
            if i:
                win.step_view(1)
            # The offscreen screen is smaller than a projector: keep meeting mode's look, at a projector's size.
            win.setWindowState(Qt.WindowState.WindowNoState)
            win.resize(1920, 1080)
            QApplication.processEvents()
            qtbot.wait(40)
            QApplication.processEvents()
            assert win.current_view() == view
            assert (win.width(), win.height()) == (1920, 1080)
            assert _clipped(win) == [], view
            name = view.replace("scenario:", "saved_").replace(" ", "_").lower()
            win.grab().save(str(shots / f"meeting_{name}_1920x1080.png"))
            if view == "scenario":  # the live panel fills the projector, not the hidden dock's corner
                assert room.scenario_panel.width() >= 1800 and room.scenario_panel.height() >= 1000
                # ...and its inputs show whole values in the projector's type: no "50.0 50/5"
                panel = room.scenario_panel
                assert not panel._inputs_scroll.horizontalScrollBar().isVisible()
                for split in panel._split_widgets.values():
                    for field in (split.a_of_valid.field, split.valid.field):
                        assert field.width() >= field.fontMetrics().horizontalAdvance("100.0 %"), field.objectName()
                    assert split.ratio.width() >= split.ratio.fontMetrics().horizontalAdvance("100/100")
    finally:
        win.leave_presentation()
    assert room.scenarios.scenario == live  # showing the saved case did not overwrite the live one


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1366, 768), (1920, 1080)])
def test_the_two_round_window_is_whole_reachable_and_pictured(france_room, qtbot, tmp_path: Path, width, height):
    """France 2022 (a two-round contest): its runoff panel and pickers, nothing cropped, every control (the minor
    candidates' sliders too) one scroll away on a laptop."""
    win = france_room.window
    qtbot.waitUntil(lambda: france_room.two_round.view is not None)
    _settle(qtbot, win, width, height)
    assert (win.width(), win.height()) == (width, height)
    assert win.scenario_scroll.widget() is france_room.two_round_panel
    assert _clipped(win) == []
    win.grab().save(str(_shot_dir(tmp_path) / f"france_main_{width}x{height}.png"))
    france_room.two_round_panel.minor_toggle.setChecked(True)
    QApplication.processEvents()
    checked, unreachable = _reachability(win)
    assert checked >= 70, f"only {checked} controls found: the walk missed the runoff panel"
    assert unreachable == [], "\n".join(unreachable)
    assert win.charts.width() >= 0.5 * width


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1366, 768)])
def test_the_two_round_charts_on_a_laptop_keep_the_first_round_readable_and_the_key_whole(
    france_room, qtbot, width, height
):
    """France 2022 on a laptop: the first-round chart (a dozen candidates, named at their line ends) keeps a
    readable height (it had 56 px at 1366x768, the lead charts' titles, axes and keys having taken theirs first),
    the lead charts keep theirs, and the pollster key lies whole inside the charts ("Kantar Public" was cut to
    "Kantar Pub": six columns laid the charts out wider than their widget)."""
    win = france_room.window
    _settle(qtbot, win, width, height)
    qtbot.wait(30)
    charts = win.charts
    view = charts._layout_widget
    heights = {key: plot.getViewBox().height() for key, plot in charts.plots.items()}
    assert heights["first"] >= 60 and heights["first"] >= 1.4 * max(heights["lead1"], heights["lead2"]), heights
    assert min(heights["lead1"], heights["lead2"]) >= 30, heights
    right = view.viewport().width()
    for key, plot in charts.plots.items():  # nothing laid out past the widget's right edge
        assert view.mapFromScene(plot.sceneBoundingRect()).boundingRect().right() <= right + 1, key
    key = charts.legends()["lead1"]
    assert len(key.items) == 12
    for _sample, label in key.items:
        box = view.mapFromScene(label.mapRectToScene(label.item.boundingRect())).boundingRect()
        assert box.right() <= right and label.item.toPlainText().strip(), label.text
    shown = [label.item.toPlainText() for _sample, label in key.items]  # as drawn (the key is HTML)
    assert "Kantar Public" in shown and "Redfield & Wilton…" in shown  # a long name shortened, not cut
    lead2 = charts.legends()["lead2"]
    assert lead2.layout.rowCount() == 1  # its two entries side by side (a removed entry left a row)


def test_meeting_answer_dates_have_room_for_their_projector_type(room) -> None:
    """The answer page's date axis kept pyqtgraph's own height under 18 pt labels: the months' descenders
    ("Apr", "May") were cut off at the bottom of the projector screen. It is sized for its type, as the charts are."""
    from PySide6.QtGui import QFontMetricsF

    axis = room.answer_view.chart.getAxis("bottom")
    font = axis.style["tickFont"]
    assert font is not None and font.pointSize() >= 18
    assert axis.minimumHeight() >= QFontMetricsF(font).height() + axis.style["tickTextOffset"][1]
