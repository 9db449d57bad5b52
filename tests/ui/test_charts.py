"""Chart views as a user meets them: the final weeks by default, the whole campaign one key away, legends off
the data, values at the line ends, and meeting mode that is legible and leaves everything as it was."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QKeySequence

from warroom.ui.charts import FINAL_WEEKS_DAYS, PROJECTOR

pytestmark = pytest.mark.gui


def _window_days(charts) -> tuple[float, float]:
    return charts.visible_days()


def test_charts_open_on_the_final_weeks_and_the_whole_campaign_is_one_key_away(room, qtbot) -> None:
    charts, win = room.window.charts, room.window
    polls = room.poll_service.polls
    first = min(p.fieldwork_end for p in polls).toordinal()
    latest = max(p.fieldwork_end for p in polls).toordinal()
    election = room.poll_service.contest.election_date.toordinal()
    x0, x1 = _window_days(charts)
    assert x0 == pytest.approx(min(latest, election) - FINAL_WEEKS_DAYS, abs=0.01)
    assert x1 > max(latest, election)  # the election-day line and the end labels are inside
    assert x0 > first + 14  # the early campaign is off screen: the final weeks get the width
    for key in ("lead1", "lead2"):  # the charts share the window
        assert charts.plots[key].getViewBox().viewRange()[0] == pytest.approx(charts.plots["first"].viewRange()[0])
    # the value axis fits what is in the window
    _y0, y1 = charts.plots["first"].getViewBox().viewRange()[1]
    visible = [max(p.first_round.values()) for p in polls if p.fieldwork_end.toordinal() >= x0]
    assert y1 < max(visible) + 8

    view_menu = win.view_menu.actions()
    assert win.action_fit in view_menu and win.action_final_weeks in view_menu
    assert win.action_fit.shortcut() == QKeySequence("Ctrl+0")
    assert not win.action_final_weeks.shortcut().isEmpty()
    win.action_fit.trigger()
    a0, a1 = _window_days(charts)
    assert a0 <= first and a1 >= election
    win.action_final_weeks.trigger()
    assert _window_days(charts) == pytest.approx((x0, x1), abs=0.01)


def test_a_panned_view_stays_put_when_a_poll_arrives(room, qtbot) -> None:
    from dataclasses import replace

    from tests.conftest import make_poll

    charts = room.window.charts
    vb = charts.plots["first"].getViewBox()
    vb.translateBy(x=-20 * 86400.0)  # as a mouse drag does
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])
    assert charts.range_mode == "user"
    before = _window_days(charts)
    latest = max(p.fieldwork_end for p in room.poll_service.polls)
    poll = replace(make_poll(1, a=45, b=40, c=15), fieldwork_start=latest, fieldwork_end=latest + timedelta(days=1))
    with qtbot.waitSignal(room.averages.averages_ready, timeout=2000):
        room.window.import_polls([poll])
    assert _window_days(charts) == pytest.approx(before, abs=0.01)


def _intersects(a: QRectF, b: QRectF) -> bool:
    return a.intersected(b).width() > 0.5 and a.intersected(b).height() > 0.5


def test_legends_sit_outside_every_plot_area_and_values_are_written_at_the_line_ends(room) -> None:
    charts = room.window.charts
    areas = [p.getViewBox().sceneBoundingRect() for p in charts.plots.values()]
    legends = charts.legends()
    assert legends["lead1"].items and legends["lead2"].items  # pollster symbols; published vs implied
    for key, legend in legends.items():
        rect = legend.sceneBoundingRect()
        assert rect.width() > 20 and rect.height() > 10, key
        assert not any(_intersects(rect, area) for area in areas), key
    contest = room.poll_service.contest
    for cand in contest.candidates:
        _x, y = charts.curve_data(cand.code)
        assert charts.end_label_text(cand.code) == f"{cand.name.split()[-1]} {y[-1]:.1f}"
    for key in ("lead1", "lead2"):
        _x, y = charts.curve_data(key)
        assert charts.end_label_text(key) == f"{y[-1]:+.1f}"
    # close finishers' labels do not overlap each other
    rects = [charts.end_label(c.code).sceneBoundingRect() for c in contest.candidates]
    inner = [r.adjusted(0, 4, 0, -4) for r in rects]  # the text box has a few pixels of margin
    for i, a in enumerate(inner):
        for b in inner[i + 1 :]:
            assert not _intersects(a, b)


def _legend_geometry(charts) -> list[tuple[float, ...]]:
    """Each legend's size and place under its plot area, and the value axes' widths (which place the plot
    areas): what meeting mode changes and leaving it must give back (the window's own size aside)."""
    out: list[tuple[float, ...]] = []
    for key, legend in charts.legends().items():
        r = legend.sceneBoundingRect()
        area = charts.plots[key].getViewBox().sceneBoundingRect()
        out.append(tuple(round(v, 3) for v in (r.x() - area.x(), r.y() - area.bottom(), r.width(), r.height())))
    out.append(tuple(round(p.getAxis("left").width(), 3) for p in charts.plots.values()))
    return out


def test_meeting_mode_is_legible_and_leaving_it_restores_the_legends_exactly(room, qtbot) -> None:
    win, charts = room.window, room.window.charts
    assert win.size().width() == 1600 and win.size().height() == 1000
    qtbot.wait(50)  # the layout settles (axes measure their labels on first paint)
    before = _legend_geometry(charts)
    label_pt = [
        line.label.textItem.font().pointSize() for line in charts._election_lines if getattr(line, "label", None)
    ]
    marker_before = float(np.max(charts._lead1.points.data["size"]))
    win.enter_presentation()
    qtbot.waitUntil(lambda: win.presenting)
    while win.current_view() != "charts":  # (measured as the room sees them: charts off screen are laid out when shown)
        win.step_view(1)
    qtbot.wait(50)
    assert _legend_geometry(charts) != before  # larger type really did change them
    # labels on the election day and events at the projector's type size, markers larger
    for line in charts._election_lines + charts._annotation_items:
        if getattr(line, "label", None) is not None:
            assert line.label.textItem.font().pointSize() >= PROJECTOR.font_pt
    for legend in charts.legends().values():
        for _sample, label in legend.items:
            assert float(label.opts["size"].removesuffix("pt")) >= PROJECTOR.font_pt - 1
    for key in charts._pollster_keys.values():
        assert key.opts["size"] >= 9 * PROJECTOR.marker_scale - 1e-9
    assert float(np.max(charts._lead1.points.data["size"])) == pytest.approx(marker_before * PROJECTOR.marker_scale)
    assert charts.end_label("lead1").textItem.font().pointSize() >= PROJECTOR.font_pt
    win.leave_presentation()
    qtbot.waitUntil(lambda: not win.presenting)
    # The offscreen platform has no window manager to give back the pre-full-screen size; a desktop does.
    win.resize(1600, 1000)
    qtbot.wait(50)
    assert _legend_geometry(charts) == before
    assert [
        line.label.textItem.font().pointSize() for line in charts._election_lines if getattr(line, "label", None)
    ] == label_pt
    assert float(np.max(charts._lead1.points.data["size"])) == pytest.approx(marker_before)


def test_on_a_short_chart_the_largest_shares_keep_their_labels_inside_it(room, qtbot) -> None:
    charts = room.window.charts
    contest = room.poll_service.contest
    finals = {c.code: charts.curve_data(c.code)[1][-1] for c in contest.candidates}
    ranked = sorted(finals, key=lambda code: -finals[code])
    panel = charts.single_chart("first", 700, 120)  # room for about two lines of text beside the lines
    try:
        labelled = [code for code in ranked if panel.end_label_text(code)]
        assert 1 <= len(labelled) < len(ranked)
        assert labelled == ranked[: len(labelled)]  # the smallest go unlabelled, never the leaders
        area = panel.plots["first"].getViewBox().sceneBoundingRect()
        boxes = [panel.end_label(code).sceneBoundingRect().adjusted(0, 4, 0, -4) for code in labelled]
        for box in boxes:
            assert area.top() - 1 <= box.center().y() <= area.bottom() + 1
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not _intersects(a, b)
    finally:
        panel.dispose()


def test_a_thousand_pollsters_do_not_swell_the_key(qtbot) -> None:
    """Issue 16: 1,000 pollsters grew the legend quadratically (26 s to draw; 0.3 s with the key capped)."""
    from dataclasses import replace
    from datetime import date, timedelta

    import warroom.ui.charts as charts_module
    from warroom.core.pipeline import compute_averages
    from warroom.demo import LONDON_2012, demo_polls
    from warroom.ui.charts import ChartPanel

    base = demo_polls()[-1]
    polls = [
        replace(
            base,
            id=i + 1,
            pollster=f"Pollster {i}",
            fieldwork_start=date(2012, 1, 1) + timedelta(days=i % 90),
            fieldwork_end=date(2012, 1, 2) + timedelta(days=i % 90),
        )
        for i in range(300)
    ]
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.set_contest(LONDON_2012)
    panel.show_data(polls, compute_averages(polls, LONDON_2012))
    legend = panel.legends()["lead1"]
    assert len(legend.items) == charts_module.MAX_POLLSTER_KEYS + 1  # the named ones and "and more"
    assert len(panel._pollster_symbol) == 300  # every pollster still has its symbol for hovering


def test_a_new_poll_is_drawn_at_once_and_its_average_finds_it_already_there(qtbot) -> None:
    """Issue 15: the point goes in before the (worker-thread) average lands, only the changed points are
    touched, and the average's redraw then finds them in the same order (nothing drawn twice)."""
    from dataclasses import replace

    from tests.conftest import TOY
    from tests.ui.conftest import toy_polls
    from warroom.core.pipeline import compute_averages
    from warroom.services.poll_service import PollChange
    from warroom.ui.charts import ChartPanel

    polls = [replace(p, id=i + 1) for i, p in enumerate(toy_polls(40))]
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.set_contest(TOY)
    before = compute_averages(polls, TOY)
    panel.show_data(polls, before)
    curve = panel.curve_data("ann")
    # a poll ending on the same day as another (ties in x are ordered by id) and one that replaces poll 3
    last = polls[-1]
    new = replace(last, id=99, pollster="Newcomer", first_round={"ann": 61.0, "bob": 30.0, "cat": 9.0})
    edited = replace(polls[2], first_round={"ann": 20.0, "bob": 50.0, "cat": 30.0})
    after_polls = [edited if p.id == 3 else p for p in polls] + [new]
    by_id = {p.id: p for p in after_polls}
    panel.show_polls(PollChange(added=(99,), updated=(3,)), by_id)
    x, y, ids = panel.point_data("ann")
    assert 99 in ids and y[list(ids).index(99)] == 61.0 and y[list(ids).index(3)] == 20.0
    assert len(ids) == 41 and np.all(np.diff(x) >= 0)
    np.testing.assert_array_equal(panel.curve_data("ann")[0], curve[0])  # the old line stays until the new one
    _lead_x, lead_y, lead_ids = panel.point_data("lead1")
    assert lead_y[list(lead_ids).index(99)] == pytest.approx(31.0)  # the current pair's lead, ann minus bob
    drawn = [panel.point_data(k) for k in ("ann", "bob", "cat", "lead1")]
    calls = []
    layer = panel._first["ann"].layer
    original = layer.item.set_points
    layer.item.set_points = lambda *a, **k: (calls.append(1), original(*a, **k))  # type: ignore[method-assign]
    panel.show_data(after_polls, compute_averages(after_polls, TOY))
    assert calls == []  # found as drawn: the average's redraw left the points alone
    for key, (x0, y0, i0) in zip(("ann", "bob", "cat", "lead1"), drawn, strict=True):
        x1, y1, i1 = panel.point_data(key)
        np.testing.assert_array_equal(x1, x0)
        np.testing.assert_array_equal(i1, i0)
        np.testing.assert_array_equal(y1, y0)
    # and a removal takes the points out at once
    panel.show_polls(PollChange(removed=(99,)), {k: v for k, v in by_id.items() if k != 99})
    assert 99 not in panel.point_data("ann")[2] and 99 not in panel.point_data("lead1")[2]


def test_a_contest_with_no_polls_shows_its_final_weeks_and_no_other_races_pollsters(room, qtbot) -> None:
    """Picking a race with no polls (the Burlington demo starts from its ballots) left the previous race's
    pollsters in the key and an empty autoranged view whose date axis read as seconds around 1970."""
    from dataclasses import replace

    charts = room.window.charts
    assert charts.legends()["lead1"].items  # the toy race's pollsters are keyed
    contest = room.poll_service.contest
    empty = replace(contest, id=None, name="No polls yet")
    charts.set_contest(empty)
    charts.show_data([], None)
    assert charts.legends()["lead1"].items == []
    x0, x1 = charts.visible_days()
    election = empty.election_date.toordinal()
    assert x0 == pytest.approx(election - FINAL_WEEKS_DAYS, abs=0.01)
    assert election < x1 < election + FINAL_WEEKS_DAYS


def test_a_big_point_layer_covers_the_view_re_slices_only_when_panned_off_and_keeps_the_same_points(qtbot) -> None:
    """100,000 points: the layer hands the scatter item the visible range and half its width either side,
    thinned to at most MAX_VISIBLE on screen; a small pan changes nothing handed over, a long one re-slices,
    and points on screen before and after are the very same ones (the stride's grid does not move)."""
    import pyqtgraph as pg

    from warroom.ui.charts import PointLayer

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(800, 400)
    layer = PointLayer(widget.getPlotItem(), size=5)
    n = 100_000
    x = np.arange(n, dtype=float)
    layer.setData(x, np.sin(x / 500.0), np.full(n, 5.0), np.zeros(n, dtype=np.int8), np.arange(n), presorted=True)
    vb = widget.getPlotItem().getViewBox()
    calls: list[int] = []
    real = layer.item.set_points
    layer.item.set_points = lambda *a, **kw: (calls.append(1), real(*a, **kw))[1]  # type: ignore[method-assign]

    def shown() -> np.ndarray:
        return np.asarray(layer.item.data["x"], dtype=float)

    vb.setXRange(50_000, 60_000, padding=0)
    before, first_calls = shown(), len(calls)
    lo, hi = vb.viewRange()[0]
    assert before.min() <= lo and before.max() >= hi  # the visible range is covered
    on_screen = before[(before >= lo) & (before <= hi)]
    assert 0 < len(on_screen) <= PointLayer.MAX_VISIBLE + 2
    vb.setXRange(51_000, 61_000, padding=0)  # a tenth of the width: still inside what was handed over
    assert len(calls) == first_calls and np.array_equal(shown(), before)
    vb.setXRange(58_000, 68_000, padding=0)  # off the edge: re-sliced
    after = shown()
    assert len(calls) == first_calls + 1
    lo, hi = vb.viewRange()[0]
    assert after.min() <= lo and after.max() >= hi
    overlap = (58_000, 60_000)
    keep = lambda a: a[(a >= overlap[0]) & (a <= overlap[1])]  # noqa: E731
    assert np.array_equal(keep(before), keep(after))  # the same points on screen, no flicker
    vb.setXRange(50_000, 50_400, padding=0)  # zoomed in: denser points, all of them
    lo, hi = vb.viewRange()[0]
    dense = shown()
    assert np.array_equal(dense[(dense >= lo) & (dense <= hi)], x[(x >= lo) & (x <= hi)])


def test_an_imports_points_come_with_its_average_in_one_pass(qtbot) -> None:
    """An import's worth of new polls (past BULK_POINTS) is not put in point by point: the points stay as they
    were until the average lands, and then every new poll is drawn, in (x, id) order."""
    from dataclasses import replace

    from tests.conftest import TOY
    from tests.ui.conftest import toy_polls
    from warroom.core.pipeline import compute_averages
    from warroom.services.poll_service import PollChange
    from warroom.ui.charts import BULK_POINTS, ChartPanel

    polls = [replace(p, id=i + 1) for i, p in enumerate(toy_polls(40))]
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.set_contest(TOY)
    panel.show_data(polls, compute_averages(polls, TOY))
    before = panel.point_data("ann")
    extra = [replace(p, id=1000 + i, pollster=f"Import {i}") for i, p in enumerate(toy_polls(BULK_POINTS + 1))]
    everything = polls + extra
    by_id = {p.id: p for p in everything}
    panel.show_polls(PollChange(added=tuple(p.id for p in extra)), by_id)
    for got, was in zip(panel.point_data("ann"), before, strict=True):
        np.testing.assert_array_equal(got, was)  # untouched until the average lands
    panel.show_data(everything, compute_averages(everything, TOY))
    x, _y, ids = panel.point_data("ann")
    assert sorted(ids) == sorted(p.id for p in everything)
    assert np.all((np.diff(x) > 0) | ((np.diff(x) == 0) & (np.diff(ids) > 0)))


def test_in_meeting_mode_the_lowest_end_label_stands_clear_of_the_x_axis(demo, qtbot) -> None:
    """Meeting mode's larger type stacks the smallest shares' labels down to the chart's bottom edge: the lowest
    one's letters (descenders included) stay above the x-axis line, never on it. (The projector's theme on the
    window's charts at 1920x1080: the offscreen platform gives a full-screen window its own 800x800 screen.)"""
    from PySide6.QtGui import QFontMetricsF

    win, charts = demo.window, demo.window.charts
    win.resize(1920, 1080)
    charts.apply_theme(PROJECTOR)
    qtbot.waitUntil(lambda: win.width() == 1920 and charts.plots["first"].getViewBox().height() > 100)
    qtbot.wait(200)  # laid out and painted at the projector's type
    charts._place_end_labels()  # (placed again for the size it has now, as a resize or new data would)
    area = charts.plots["first"].getViewBox().sceneBoundingRect()
    shown = [
        charts.end_label(c.code) for c in demo.poll_service.contest.candidates if charts.end_label(c.code).isVisible()
    ]
    assert len(shown) >= 4  # stacked down to the bottom edge: the case in question
    lowest = max(shown, key=lambda label: label.sceneBoundingRect().center().y())
    metrics = QFontMetricsF(lowest.textItem.font())
    assert metrics.height() > 20  # the projector's type
    letters_bottom = lowest.sceneBoundingRect().center().y() + metrics.height() / 2
    assert letters_bottom <= area.bottom() - 3  # a few pixels of air above the axis line
