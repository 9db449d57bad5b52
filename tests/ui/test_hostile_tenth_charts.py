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


# --- very long names: every chart title elided (the names in their middle), never cut -------------------------


def _long_room(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    from tests.ui.test_hostile_ninth_left import _long_names_room

    return _long_names_room(qtbot, tmp_path)


def _title_fits(label: object, view: object, where: str) -> str:
    """The title as drawn: no wider than its row, its row inside the view, the whole title in its tooltip."""
    from PySide6.QtGui import QFont, QFontMetricsF

    from tests.ui.test_hostile_ninth_left import LONG_A, LONG_B

    shown, full = label.item.toPlainText(), label.text  # type: ignore[attr-defined]
    font = QFont(label.item.font())  # type: ignore[attr-defined]
    size = str(label.opts.get("size", ""))  # type: ignore[attr-defined]
    if size.endswith("pt"):
        font.setPointSizeF(float(size[:-2]))
    row = label.mapRectToScene(label.rect())  # type: ignore[attr-defined]
    visible = view.mapToScene(view.viewport().rect()).boundingRect()  # type: ignore[attr-defined]
    assert QFontMetricsF(font).horizontalAdvance(shown) <= row.width(), (where, shown, row.width())
    assert row.right() <= visible.right() + 1, (where, full, row, visible)
    if LONG_A in full or LONG_B in full:
        assert "…" in shown, (where, shown)
        assert full in label.toolTip(), (where, label.toolTip())  # type: ignore[attr-defined]
        for name in (LONG_A, LONG_B):
            if name in full:  # each name's start and end kept (elided in its middle, as the panel does)
                assert name[:5] in shown and name[-4:] in shown, (where, name[:5], shown)
    return shown


def test_chart_titles_with_very_long_names_elide_the_names_in_their_middle(qtbot, tmp_path) -> None:
    """The lead charts' titles named two 86-letter finalists: cut after the first ("First-round lead:
    Wolfeschlegel…welchevoralternwarengewissenhaftschaf…"), the second name and the unit lost. Each name is now
    elided in its middle, so both names and the unit ("(points)") show; the whole title is the tooltip and is in
    the charts' accessible description. At 1366x768 and at 1024x600."""
    for room in _long_room(qtbot, tmp_path):
        win = room.window
        charts = win.charts
        for size in ((1366, 768), (1024, 600)):
            _at(qtbot, win, *size)
            for key, plot in charts.plots.items():
                shown = _title_fits(plot.titleLabel, charts._layout_widget, f"{key} at {size}")
                full = plot.titleLabel.text
                if size == (1366, 768):  # (at 1024 px the runoff title's counts give way at its end, "…")
                    assert shown.endswith(full[-1]), (key, shown)  # the title's end ("(points)") kept
                assert full in charts._layout_widget.accessibleDescription(), key


def test_meeting_mode_answer_with_very_long_names_keeps_the_projector_width(qtbot, tmp_path) -> None:
    """Meeting mode's answer page with two 86-letter finalists made the window 2,912 px wide on a 1,920 px
    projector (the verdict, in 40 pt, asked for the whole name's width before it was first fitted, and the runoff
    chart's title for the whole title's), the chart's title cut at the window's right edge. The window keeps the
    projector's width; the verdict and the title elide the names in their middle with the whole text in their
    tooltips; the details line fits (names elided there too when wider than it, the whole text in its accessible
    description)."""
    from tests.ui.test_hostile_ninth_left import LONG_A, LONG_B, _rich_overflow, _whole_in_tip_and_description
    from tests.ui.test_layout import _clipped

    for room in _long_room(qtbot, tmp_path):
        win = room.window
        win.set_presentation_views(["answer", "charts"])
        win.resize(1920, 1080)
        win.enter_presentation()
        try:
            for i, view in enumerate(("answer", "charts")):
                if i:
                    win.step_view(1)
                from PySide6.QtCore import Qt

                win.setWindowState(Qt.WindowState.WindowNoState)
                win.resize(1920, 1080)
                _at(qtbot, win, 1920, 1080)
                assert win.current_view() == view
                assert win.width() == 1920, (view, win.width())
                assert _clipped(win) == [], view
            page = room.answer_view
            chart = page.chart
            _title_fits(chart.getPlotItem().titleLabel, chart, "answer page")
            assert chart.accessibleDescription() == chart.getPlotItem().titleLabel.text
            assert _rich_overflow(page.details) == [], page.details.text()
            _whole_in_tip_and_description(page.details, LONG_A, LONG_B)
            verdict = page.verdict  # (40 pt bold: the name elided in its middle, the whole verdict in the tooltip)
            assert "…" in verdict.text() and LONG_A in verdict.toolTip(), verdict.text()
            assert verdict.fontMetrics().horizontalAdvance(max(verdict.text().split(), key=len)) <= verdict.width()
        finally:
            win.leave_presentation()


def test_the_forecast_dialogs_titles_elide_very_long_names(qtbot, tmp_path) -> None:
    """Scenario > Forecast over time: the margin chart's title named both finalists and widened the dialog past
    any screen (its title set the chart's least width), cut at its right edge. Elided, whole in its tooltip."""
    for room in _long_room(qtbot, tmp_path):
        dialog = room.scenario_actions.forecast_dialog()
        qtbot.addWidget(dialog)
        dialog.resize(900, 700)
        dialog.show()
        qtbot.waitUntil(dialog.isVisible)
        QApplication.processEvents()
        assert dialog.width() <= 900, dialog.width()
        for chart in (dialog.chance, dialog.margin):
            _title_fits(chart.getPlotItem().titleLabel, chart, chart.objectName())
            assert chart.accessibleDescription() == chart.getPlotItem().titleLabel.text
        dialog.close()


@pytest.mark.parametrize("system", ["TWO_ROUND", "IRV"])
def test_two_round_and_instant_runoff_chart_titles_elide_very_long_names(qtbot, tmp_path, system: str) -> None:
    """The same two 86-letter finalists in a two-round race and in an instant-runoff race: every chart title
    (the runoff lead names the pair; instant runoff's final pair) elides the names in their middle, whole in the
    tooltip, at 1366x768 and 1024x600, and in meeting mode's charts at 1920x1080; the window keeps its width."""
    from dataclasses import replace

    from tests.conftest import renamed_toy
    from tests.ui.conftest import room_of
    from tests.ui.test_hostile_ninth_left import LONG_A, LONG_B
    from warroom.core.types import CountingSystem

    contest = renamed_toy(
        candidates=(f"Ann {LONG_A}", f"Bob {LONG_B}", "Cat Green"), short_names=(LONG_A, LONG_B, None)
    )
    contest = replace(contest, system=CountingSystem[system])
    rooms = (
        _two_round_room(qtbot, tmp_path, contest)
        if system == "TWO_ROUND"
        else room_of(qtbot, tmp_path, contest, ready="irv")
    )
    for room in rooms:
        win = room.window
        charts = win.charts
        named = 0
        for size in ((1366, 768), (1024, 600)):
            _at(qtbot, win, *size)
            assert win.width() == size[0]
            for key, plot in charts.plots.items():
                _title_fits(plot.titleLabel, charts._layout_widget, f"{system} {key} at {size}")
                named += LONG_A in plot.titleLabel.text
        assert named >= 2, [plot.titleLabel.text for plot in charts.plots.values()]  # (the case: names in titles)
        win.set_presentation_views(["charts"])
        win.resize(1920, 1080)
        win.enter_presentation()
        try:
            from PySide6.QtCore import Qt

            win.setWindowState(Qt.WindowState.WindowNoState)
            _at(qtbot, win, 1920, 1080)
            assert win.width() == 1920
            for key, plot in charts.plots.items():
                _title_fits(plot.titleLabel, charts._layout_widget, f"{system} {key} in meeting mode")
        finally:
            win.leave_presentation()


def _two_round_room(qtbot, tmp_path, contest):  # type: ignore[no-untyped-def]
    """A two-round race's window on `contest` (tests.ui.conftest.two_round_room's polls)."""
    from tests.ui.conftest import two_round_room

    return two_round_room(qtbot, tmp_path, contest)


def test_the_instant_runoff_rows_title_elides_a_very_long_name(qtbot, tmp_path) -> None:
    """The instant-runoff panel's group of next-preference levers is titled with the candidate whose voters move
    ("Where X's voters go next (%)"): an 86-letter name ran past the dock's edge. Elided in its middle (as the
    message group's title is), the whole title its tooltip."""
    from dataclasses import replace

    from tests.conftest import renamed_toy
    from tests.ui.conftest import room_of
    from tests.ui.test_hostile_ninth_left import LONG_A, LONG_B
    from warroom.core.types import CountingSystem

    contest = renamed_toy(
        candidates=(f"Ann {LONG_A}", f"Bob {LONG_B}", "Cat Green"), short_names=(LONG_A, LONG_B, None)
    )
    for room in room_of(qtbot, tmp_path, replace(contest, system=CountingSystem.IRV), ready="irv"):
        win = room.window
        _at(qtbot, win, 1366, 768)
        panel = room.irv_panel
        for code in ("ann", "bob"):
            panel.picker.setCurrentIndex(panel.picker.findData(code))
            qtbot.waitUntil(lambda code=code, irv=room.irv: irv.row == code)
            QApplication.processEvents()
            box = panel.row_box
            name = LONG_A if code == "ann" else LONG_B
            assert "…" in box.title() and name[:5] in box.title() and name[-4:] in box.title(), box.title()
            assert name in box.toolTip(), box.toolTip()
            assert box.fontMetrics().horizontalAdvance(box.title()) < box.width(), box.title()
        assert win.width() == 1366


def test_a_date_axis_hidden_before_its_first_paint_still_gives_its_chart_date_grid_lines(qtbot) -> None:
    """On a short screen the upper charts' date axes are hidden, perhaps before they were ever painted; pyqtgraph's
    date axis learnt its type's measure only on its first paint, and a chart's date grid lines (its ticks) raised
    AttributeError until then: no vertical grid lines on a window opened at 1024x600."""
    from warroom.ui.charts import ChartPanel, day_to_epoch

    panel = ChartPanel()
    qtbot.addWidget(panel)
    axis = panel.plots["first"].getAxis("bottom")
    levels = axis.tickValues(float(day_to_epoch(738000)), float(day_to_epoch(738060)), 500.0)
    assert any(values for _spacing, values in levels), levels


def test_a_chart_exported_as_on_screen_from_a_short_screen_keeps_its_dates(demo, qtbot, tmp_path) -> None:
    """File > Export chart "as on screen" at 1024x600: the first-round chart, whose date axis the short screen's
    layout hides, is exported laid out alone at its size with its dates; the window's charts are left as they are
    (the runoff chart, which shows its dates, is exported as it stands)."""
    import re

    from warroom.ui.export import plot_to_svg

    win = demo.window
    _at(qtbot, win, 1024, 600)
    charts = win.charts
    assert not charts.plots["first"].getAxis("bottom").isVisible()
    before = _plot_heights(win)
    out = tmp_path / "first.svg"
    with charts.exportable("first") as plot:
        assert plot is not charts.plots["first"] and plot.getAxis("bottom").isVisible()
        plot_to_svg(plot, out)
    texts = re.findall(r">([^<>]+)</text>", out.read_text())
    assert "Apr" in texts and "May" in texts, texts  # the dates
    assert "First round: share of the vote (%)" in texts
    with charts.exportable("lead2") as plot:
        assert plot is charts.plots["lead2"]
    QApplication.processEvents()
    assert not charts.plots["first"].getAxis("bottom").isVisible()
    assert _plot_heights(win) == pytest.approx(before, abs=0.5)
