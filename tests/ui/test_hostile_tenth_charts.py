"""A tenth hostile pass over the window's chart area (issue 16): small screens and very long names.

On a 1024x600 screen the first-round chart was squeezed to a 5-pixel strip, and at the window's least size every
chart's plot was under 25 px while the keys, laid out for a wider window, held the charts wider than their area (the
titles and dates cut at its right edge). Each test failed before its fix."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.test_burlington_demo import burlington_start  # noqa: F401  (the IRV window fixture)
from tests.ui.test_layout import _settle

pytestmark = pytest.mark.gui


def _plot_heights(win: object) -> dict[str, float]:
    charts = win.charts  # type: ignore[attr-defined]
    return {key: plot.getViewBox().sceneBoundingRect().height() for key, plot in charts.plots.items()}


def _at(qtbot, win: object, width: int, height: int) -> None:
    _settle(qtbot, win, width, height)
    qtbot.wait(40)  # (the keys and heights are fitted a turn after the resize)
    QApplication.processEvents()


def _laid_out_inside(win: object) -> list[str]:
    """What of the charts lies past their view's right edge, or below the scrolled area's bottom (out of reach)."""
    charts = win.charts  # type: ignore[attr-defined]
    view = charts._layout_widget
    out = []
    for key, plot in charts.plots.items():
        box = view.mapFromScene(plot.sceneBoundingRect()).boundingRect()
        if box.right() > view.viewport().width() + 1:
            out.append(f"{key} ends at x={box.right()} in {view.viewport().width()}")
        if box.bottom() > view.height() + 1:
            out.append(f"{key} ends at y={box.bottom()} in {view.height()} (scrolled area)")
    return out


def test_the_london_window_at_1024x600_and_at_its_least_size_keeps_every_plot_readable(demo, qtbot) -> None:
    """The demo race at 1024x600 and at the window's least size: every chart keeps 30 px of plot (the first-round
    chart had 5 and 0) and at least as much as the lead charts, the upper date axes giving up their rows; the
    charts lie inside their area (a key laid out for 1600 px held them 64 px past it, titles cut)."""
    win = demo.window
    for size in ((1024, 600), (win.minimumWidth(), win.minimumHeight())):
        _at(qtbot, win, *size)
        assert (win.width(), win.height()) == size
        heights = _plot_heights(win)
        assert min(heights.values()) >= 30, (size, heights)
        assert heights["first"] >= min(heights["lead1"], heights["lead2"]) - 1, (size, heights)
        assert _laid_out_inside(win) == [], size
        charts = win.charts
        assert not charts.plots["first"].getAxis("bottom").isVisible()  # the runoff chart's dates read for all
        assert charts.plots["lead2"].getAxis("bottom").isVisible()


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_on_a_roomy_screen_the_charts_are_as_they_were(demo, qtbot, width: int, height: int) -> None:
    """What 1366x768 and 1920x1080 look like is unchanged: every chart has its date axis, nothing scrolls, and the
    first-round chart has the larger share."""
    win = demo.window
    _at(qtbot, win, width, height)
    charts = win.charts
    assert all(plot.getAxis("bottom").isVisible() for plot in charts.plots.values())
    assert not charts._scroll.verticalScrollBar().isVisible()
    heights = _plot_heights(win)
    assert heights["first"] > max(heights["lead1"], heights["lead2"]) >= 60, heights
    assert _laid_out_inside(win) == []


def test_the_two_round_window_at_1024x600_and_its_least_size_keeps_every_plot_readable(france_room, qtbot) -> None:
    """France 2022 (twelve candidates, a dozen pollsters in the key): at 1024x600 the first-round chart had no
    plot at all and the lead charts 19 px, and the charts ran 45 px past their area's right edge (the runoff
    title cut there, no ellipsis). Every plot keeps 30 px; at the window's least size, where even that leaves no
    room for the pollster key's rows, the chart area scrolls and every chart and key is in reach."""
    win = france_room.window
    charts = win.charts
    _at(qtbot, win, 1024, 600)
    assert min(_plot_heights(win).values()) >= 30, _plot_heights(win)
    assert _laid_out_inside(win) == []
    title = charts.plots["lead2"].titleLabel
    shown = title.item.toPlainText()
    assert shown.endswith("…") and title.text.startswith(shown[:-1]), shown  # elided, never cut
    assert title.text in title.toolTip()
    _at(qtbot, win, win.minimumWidth(), win.minimumHeight())
    assert min(_plot_heights(win).values()) >= 30, _plot_heights(win)
    assert _laid_out_inside(win) == []
    scroll = charts._scroll
    assert scroll.verticalScrollBar().isVisible()  # the key's last rows one scroll away
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    QApplication.processEvents()
    key = charts.legends()["lead2"]
    view = charts._layout_widget
    bottom = view.mapTo(scroll.viewport(), view.mapFromScene(key.sceneBoundingRect().bottomLeft()))
    assert bottom.y() <= scroll.viewport().height() + 1


def test_the_instant_runoff_window_at_1024x600_keeps_every_plot_readable(burlington_start, qtbot) -> None:  # noqa: F811
    """Burlington 2009 (instant runoff, no polls) at 1024x600 and at the window's least size."""
    win = burlington_start.window
    for size in ((1024, 600), (win.minimumWidth(), win.minimumHeight())):
        _at(qtbot, win, *size)
        heights = _plot_heights(win)
        assert min(heights.values()) >= 30, (size, heights)
        assert heights["first"] >= min(heights["lead1"], heights["lead2"]) - 1, (size, heights)
        assert _laid_out_inside(win) == [], size


def test_growing_the_window_again_gives_the_date_axes_and_the_gaps_back(demo, qtbot) -> None:
    """From the least size back to 1366x768: the upper date axes and the charts' gaps come back, nothing scrolls."""
    win = demo.window
    _at(qtbot, win, 1366, 768)
    before = _plot_heights(win)
    _at(qtbot, win, win.minimumWidth(), win.minimumHeight())
    _at(qtbot, win, 1366, 768)
    charts = win.charts
    assert all(plot.getAxis("bottom").isVisible() for plot in charts.plots.values())
    assert not charts._scroll.verticalScrollBar().isVisible()
    after = _plot_heights(win)
    assert after == pytest.approx(before, abs=1.5), (before, after)
