"""Issue 15, the GUI side at scale: an added, edited or deleted poll reaches the charts and the table in place of a
full reload, and leaves them exactly as a full reload would; zoomed in, every poll is drawn; the scatter items'
array styling draws pyqtgraph's own pictures."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt

from tests.conftest import TOY
from tests.ui.conftest import built_ahead, toy_polls
from warroom.core.pipeline import compute_averages
from warroom.core.types import Poll
from warroom.services.poll_service import PollChange
from warroom.ui.charts import SYMBOLS, ChartPanel, PollScatter, day_to_epoch, point_size
from warroom.ui.poll_table import PollFilterProxy, PollTableModel

pytestmark = pytest.mark.gui

SERIES = ("ann", "bob", "cat", "lead1")


def _stored(n: int) -> list[Poll]:
    """n polls with ids, one fieldwork end each (no ties: a table sorted by fieldwork has one right order)."""
    return [replace(p, id=i + 1) for i, p in enumerate(toy_polls(n, seed=5))]


def _panel(qtbot: Any, polls: list[Poll], window: tuple[float, float] | None) -> ChartPanel:
    """The charts at 1366x768 showing `polls`, zoomed by the user to `window` (None: the whole campaign fitted)."""
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    panel.set_contest(TOY)
    panel.show_data(polls, compute_averages(polls, TOY))
    panel.settle_points()
    if window is None:
        panel.fit()
    else:
        _zoom(panel, window)
    return panel


def _on_screen(qtbot: Any, polls: list[Poll]) -> ChartPanel:
    """A panel shown on screen at 1366x768, handed the polls and their average as the window hands them (the
    points then reach the series over a few event-loop turns: the caller waits for what it checks)."""
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_contest(TOY)
    panel.show_data(polls, compute_averages(polls, TOY))
    return panel


def _zoom(panel: ChartPanel, window: tuple[float, float]) -> None:
    """As the user's zoom: the view stays where it is put when data arrives."""
    panel.plots["first"].getViewBox().setXRange(*(float(x) for x in day_to_epoch(np.asarray(window))), padding=0)
    panel.range_mode = "user"


def _drawn(panel: ChartPanel, key: str) -> set[tuple[float, float, int, float, str]]:
    """What the scatter item of a series holds inside the visible range: x, y, poll id, marker size, symbol."""
    series = panel._first.get(key, panel._lead1)
    assert series is not None
    data = series.points.data
    lo, hi = panel.plots["first"].getViewBox().viewRange()[0]
    return {
        (float(x), float(y), int(d), float(s), str(m))
        for x, y, d, s, m in zip(data["x"], data["y"], data["data"], data["size"], data["symbol"], strict=True)
        if lo <= x <= hi
    }


def test_an_added_edited_and_deleted_poll_leave_the_charts_as_a_full_reload_would(qtbot) -> None:
    polls = _stored(800)  # more than a scatter item is handed at once: the charts show a slice of them
    window = (polls[700].fieldwork_end.toordinal(), polls[760].fieldwork_end.toordinal())  # 60 polls in view
    panel = _panel(qtbot, polls, window)
    before = {key: _drawn(panel, key) for key in SERIES}
    assert all(len(points) >= 55 for points in before.values())

    # one change at a time, as the store's signal brings them: a new poll in view, then an edit that moves a poll
    # (a day earlier, other figures, another sample size), then a delete
    new = replace(
        polls[730], id=900, pollster="Newcomer", sample_size=2400, first_round={"ann": 60, "bob": 30, "cat": 10}
    )
    moved = replace(
        polls[740],
        fieldwork_start=polls[740].fieldwork_start - timedelta(days=1),
        fieldwork_end=polls[740].fieldwork_end - timedelta(days=1),
        sample_size=650,
        first_round={"ann": 20, "bob": 55, "cat": 25},
    )
    by_id = {p.id: p for p in polls}
    changes: list[tuple[PollChange, dict[int | None, Poll]]] = []
    by_id = {**by_id, 900: new}
    changes.append((PollChange(added=(900,)), by_id))
    by_id = {**by_id, moved.id: moved}
    changes.append((PollChange(updated=(moved.id,)), by_id))
    by_id = {k: v for k, v in by_id.items() if k != polls[720].id}
    changes.append((PollChange(removed=(polls[720].id,)), by_id))
    for change, now in changes:
        panel.show_polls(change, now)  # type: ignore[arg-type]

    after = sorted(by_id.values(), key=lambda p: (p.fieldwork_end, p.id))
    reloaded = _panel(qtbot, after, window)
    for key in SERIES:
        drawn, expected = _drawn(panel, key), _drawn(reloaded, key)
        assert drawn == expected, key
        assert drawn != before[key]  # the changes really reached the items
        x, y, ids = panel.point_data(key)
        rx, ry, rids = reloaded.point_data(key)
        np.testing.assert_array_equal(ids, rids)
        np.testing.assert_array_equal(x, rx)
        np.testing.assert_array_equal(y, ry)
    ids = {point[2] for point in _drawn(panel, "ann")}
    assert 900 in ids and polls[720].id not in ids
    # and the average, landing later, finds the points as drawn (the items are not handed anything again)
    calls: list[int] = []
    for key in SERIES:
        series = panel._first.get(key, panel._lead1)
        assert series is not None
        real = series.points.set_points
        series.points.set_points = lambda *a, _r=real, **k: (calls.append(1), _r(*a, **k))[1]  # type: ignore[method-assign]
    panel.show_data(after, compute_averages(after, TOY))
    panel.settle_points()
    assert calls == []
    for key in SERIES:
        assert _drawn(panel, key) == _drawn(reloaded, key)


def test_zoomed_in_every_poll_is_drawn_and_zoomed_out_the_points_are_thinned(qtbot) -> None:
    polls = _stored(3000)
    first, last = polls[0].fieldwork_end.toordinal(), polls[-1].fieldwork_end.toordinal()
    panel = _panel(qtbot, polls, (first, last))
    thinned = _drawn(panel, "ann")
    assert 0 < len(thinned) < 1000  # the whole campaign: a sample of 3,000 polls, no more than the width can show
    lo, hi = polls[1200].fieldwork_end.toordinal(), polls[1400].fieldwork_end.toordinal()
    _zoom(panel, (lo, hi))
    x0, x1 = panel.plots["first"].getViewBox().viewRange()[0]
    for key in ("ann", "bob", "lead1"):
        x, _y, ids = panel.point_data(key)
        inside = {int(i) for xi, i in zip(x, ids, strict=True) if x0 <= xi <= x1}
        assert len(inside) >= 200
        assert {point[2] for point in _drawn(panel, key)} == inside, key  # every poll in view, each once
        assert len(_drawn(panel, key)) == len(inside)


def test_on_screen_a_big_landing_reaches_every_series_within_a_few_turns(qtbot) -> None:
    polls = _stored(3000)
    panel = _on_screen(qtbot, polls)
    qtbot.waitUntil(lambda: all(len(_drawn(panel, key)) > 0 for key in SERIES), timeout=15000)
    hidden = _panel(qtbot, polls, panel.visible_days())
    for key in SERIES:
        assert _drawn(panel, key) == _drawn(hidden, key)


def test_the_array_styled_scatter_draws_pyqtgraphs_own_pictures(qtbot) -> None:
    """Sizes, symbols, a hovered point and a new pen: the same image as pyqtgraph's ScatterPlotItem."""
    rng = np.random.default_rng(2)
    n = 400
    x, y = np.sort(rng.random(n)), rng.random(n)
    sizes = point_size(rng.integers(300, 3000, n).astype(float))
    symbols = np.asarray(SYMBOLS, dtype=object)[rng.integers(0, len(SYMBOLS), n)]
    images = []
    for cls in (pg.ScatterPlotItem, PollScatter):
        widget = pg.PlotWidget()
        qtbot.addWidget(widget)
        widget.resize(600, 400)
        widget.show()
        item = cls(pen=pg.mkPen("#1f77b4", width=1.5), brush=pg.mkBrush("#aec7e8"), hoverable=True, hoverPen="k")
        widget.addItem(item)
        widget.getPlotItem().getViewBox().setRange(xRange=(0, 1), yRange=(0, 1), padding=0.05)
        if cls is PollScatter:
            item.set_points(x, y, sizes, symbols, np.arange(n))
        else:
            item.setData(x=x, y=y, size=sizes, symbol=list(symbols), data=np.arange(n))
        item.data["hovered"][[3, 50]] = True  # as a hover does: those points re-styled with the hover pen
        item.data["sourceRect"][[3, 50]] = 0
        item.updateSpots()
        first = widget.grab().toImage()
        item.setPen(pg.mkPen("#d62728", width=2))  # a theme change: every point re-styled
        images.append((first, widget.grab().toImage(), item))
    (ours_a, ours_b, ours), (theirs_a, theirs_b, _theirs) = images[1], images[0]
    assert ours_a == theirs_a and ours_b == theirs_b
    assert ours_a != ours_b  # the pen change was drawn
    # hovering and clicking find points by their place: the spot under a point is that poll's
    assert [int(spot.data()) for spot in ours.pointsAt(QPointF(x[10], y[10]))] == [10]
    assert ours.remove_data(np.asarray([5, 6, 999]))
    assert [int(spot.data()) for spot in ours.pointsAt(QPointF(x[10], y[10]))] == [10]
    assert sorted(int(d) for d in ours.data["data"]) == [d for d in range(n) if d not in (5, 6)]
    assert not ours.remove_data(np.asarray([999]))


@pytest.mark.parametrize("needle", ["", "beta"])
def test_an_added_edited_and_deleted_poll_leave_the_table_as_a_full_reload_would(qtmodeltester, needle) -> None:
    polls = _stored(400)
    model = PollTableModel()
    model.set_contest(TOY)
    model.set_polls(polls)
    proxy = PollFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(2, Qt.SortOrder.DescendingOrder)  # by fieldwork, newest first (the window's default)
    proxy.setFilterFixedString(needle)
    new = replace(polls[200], id=500, pollster="Newcomer", sample_size=2222)
    # the edited poll moves back to end on the day an older one does (a tie in the sort column: it goes before
    # that one, as a stable re-sort puts it), which is then deleted (found among the two rows of that day)
    moved = replace(polls[301], fieldwork_end=polls[100].fieldwork_end, sample_size=777)
    by_id: dict[int, Poll] = {p.id or 0: p for p in polls}
    by_id[500] = new
    model.apply(by_id, [500], [], [])
    by_id[moved.id or 0] = moved
    model.apply(by_id, [], [moved.id or 0], [])
    del by_id[polls[100].id or 0]  # Beta polls, both: shown with the filter too
    model.apply(by_id, [], [], [polls[100].id or 0])
    qtmodeltester.check(proxy)

    fresh = PollTableModel()
    fresh.set_contest(TOY)
    fresh.set_polls(sorted(by_id.values(), key=lambda p: (p.fieldwork_end, p.id)))
    reloaded = PollFilterProxy()
    reloaded.setSourceModel(fresh)
    reloaded.sort(2, Qt.SortOrder.DescendingOrder)
    reloaded.setFilterFixedString(needle)

    def rows(p: PollFilterProxy) -> list[tuple[str, ...]]:
        return [tuple(str(p.index(r, c).data()) for c in range(p.columnCount())) for r in range(p.rowCount())]

    assert rows(proxy) == rows(reloaded)
    assert "777" in [r[4] for r in rows(proxy)]
    if not needle:
        assert proxy.rowCount() == 400  # one added, one deleted
        # the edited poll moved among the older polls: after those that ended later than it now does
        later = len([p for p in by_id.values() if p.fieldwork_end > moved.fieldwork_end])
        assert later > 250 and [r[4] for r in rows(proxy)].index("777") == later
    else:
        assert proxy.rowCount() == len([p for p in by_id.values() if p.pollster == "Beta"])


def test_marker_pictures_are_drawn_ahead_in_idle_turns_so_a_pan_draws_none(qtbot) -> None:
    polls = _stored(3000)
    panel = _on_screen(qtbot, polls)
    qtbot.waitUntil(lambda: not panel._unreleased and not panel._warming, timeout=15000)
    items = [panel._first[key].points for key in ("ann", "bob", "cat")]
    drawn = [len(item.fragmentAtlas) for item in items]
    assert all(n > 3 for n in drawn)  # several sizes and symbols each
    for start in (100, 900, 2000):  # zoomed into the campaign's early, middle and late months: detailed markers
        _zoom(panel, (polls[start].fieldwork_end.toordinal(), polls[start + 150].fieldwork_end.toordinal()))
        assert all(len(_drawn(panel, key)) > 100 for key in ("ann", "bob", "cat"))
        panel.grab()
    assert [len(item.fragmentAtlas) for item in items] == drawn  # no picture had to be drawn in those turns


def _paints(widget: Any) -> list[int]:
    """A counter of the paint events `widget` gets (counter[0])."""
    from PySide6.QtCore import QEvent, QObject

    class Counter(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                count[0] += 1
            return False

    count = [0]
    counter = Counter(widget)
    widget.installEventFilter(counter)
    return count


def test_an_added_poll_and_its_average_are_painted_in_one_repaint_of_the_charts(room, qtbot) -> None:
    """The war room: a poll added, then its average (show_data) a turn or more later; the charts repaint once for
    both, with the new point and the new line, instead of once for the point and again for the line."""
    built_ahead(room)  # (its build, in the wait on a loaded machine, relaid the window out: another paint)
    charts = room.window.charts
    viewport = charts._layout_widget.viewport()
    qtbot.wait(100)  # the start's repaints are done
    painted = _paints(viewport)
    service = room.poll_service
    latest = max(service.polls, key=lambda p: p.fieldwork_end)
    before = charts.curve_data("ann")[1].copy()
    # a known pollster (a new one would add a legend key, and re-lay the charts out), no runoff figures (the runoff
    # chart's title counts them)
    new = replace(
        latest, id=None, sample_size=(latest.sample_size or 1000) + 7, second_round={}, transfers=(),
        fieldwork_start=latest.fieldwork_start + timedelta(days=1), fieldwork_end=latest.fieldwork_end + timedelta(days=1),
    )  # fmt: skip
    errors: list[str] = []
    room.window.show_error = errors.append  # (a refused write would open a dialog)
    (new_id,) = service.add_polls([new])
    assert new_id in charts.point_data("ann")[2]  # the point is in at once (painted with its average)
    qtbot.waitUntil(lambda: len(room.averages.averages.columns or ()) == len(service.polls), timeout=5000)
    qtbot.waitUntil(lambda: not charts.paint_held and painted[0] >= 1, timeout=5000)
    qtbot.wait(150)  # nothing else comes
    assert errors == [] and service.pending_writes == 0
    assert painted[0] == 1
    assert not np.array_equal(charts.curve_data("ann")[1], before)  # the line painted is the new average's
    np.testing.assert_allclose(charts.curve_data("ann")[1], room.averages.averages.first_round["ann"].mean)


def test_a_point_whose_average_does_not_come_is_painted_on_its_own_soon(qtbot) -> None:
    """The hold has a limit: with no average following (a slow worker), the new point is painted within
    HOLD_PAINT_MS."""
    import time

    from warroom.ui.charts import HOLD_PAINT_MS

    polls = _stored(30)
    panel = _on_screen(qtbot, polls)
    qtbot.waitUntil(lambda: not panel._unreleased)
    qtbot.wait(100)
    painted = _paints(panel._layout_widget.viewport())
    new = replace(polls[-1], id=99, pollster="Newcomer")
    start = time.perf_counter()
    panel.show_polls(PollChange(added=(99,)), {p.id: p for p in [*polls, new]})
    assert panel.paint_held and painted[0] == 0
    held = panel.grab().toImage()  # an export meanwhile renders the charts whole (only the repaint waits)
    painted[0] = 0  # (the grab's own rendering is a paint event)
    qtbot.waitUntil(lambda: painted[0] >= 1, timeout=2000)
    assert time.perf_counter() - start >= HOLD_PAINT_MS / 1000 * 0.9  # held until the limit, not painted at once
    assert not panel.paint_held and 99 in panel.point_data("ann")[2]
    shown = panel.grab().toImage()
    step = 4
    same = sum(
        held.pixel(x, y) == shown.pixel(x, y)
        for y in range(0, shown.height(), step)
        for x in range(0, shown.width(), step)
    )
    assert same >= 0.95 * (shown.height() // step) * (shown.width() // step)  # the same picture, not a blank one


def test_a_big_landing_is_painted_in_a_turn_of_its_own(qtbot, monkeypatch) -> None:
    """An average whose landing took the window's turn (a big contest's: 60-150 ms of GUI work at 100,000 polls) is
    painted after the event loop's timers had their turn, not straight after it (the paint was another 40-100 ms:
    one freeze over 100 ms, benchmarks/bench_menu_stalls.py); the charts are painted once, whole, the new line in."""
    from PySide6.QtCore import QTimer

    import warroom.ui.charts as charts_module

    polls = _stored(40)
    panel = _on_screen(qtbot, polls)
    qtbot.waitUntil(lambda: not panel._unreleased and not panel.paint_held)
    qtbot.wait(100)
    painted = _paints(panel._layout_widget.viewport())
    monkeypatch.setattr(charts_module, "PAINT_APART_S", 0.0, raising=False)  # every landing counts as a long one
    moved = [replace(p, first_round={**p.first_round, "ann": p.first_round["ann"] + 3}) for p in polls]
    averages = compute_averages(moved, TOY)
    seen: list[str] = []
    tick = QTimer()
    tick.setInterval(0)
    tick.timeout.connect(lambda: seen.append("paint" if painted[0] else "tick"))
    tick.start()  # (due before the landing ends, as a stall probe's 10 ms tick is after a long landing)
    panel.show_data(moved, averages)
    qtbot.waitUntil(lambda: painted[0] >= 1 and not panel.paint_held, timeout=2000)
    tick.stop()
    assert seen and seen[0] == "tick"  # the timers had a turn between the landing and its paint
    qtbot.wait(100)
    assert painted[0] == 1
    np.testing.assert_allclose(panel.curve_data("ann")[1], averages.first_round["ann"].mean)


def test_an_average_landing_places_the_end_labels_once(qtbot, monkeypatch) -> None:
    """An average landing moves the dates to the final weeks and fits the value axes: the end labels are placed
    (and their names fitted to the room) once, for the ranges it ends on, not after each step (three times or more,
    20-25 ms of a 100,000-poll landing's turn profiled) -- and where a placement after the last step puts them."""
    calls: list[int] = []
    place = ChartPanel._place_end_labels

    def counted(self: ChartPanel, *args: object) -> None:
        if not getattr(self, "_labels_held", False):  # (a call while held only notes that they are due)
            calls.append(1)
        place(self, *args)

    monkeypatch.setattr(ChartPanel, "_place_end_labels", counted)
    polls = _stored(40)
    panel = _on_screen(qtbot, polls)
    qtbot.waitUntil(lambda: not panel._unreleased and not panel.paint_held)
    later = [replace(p, id=p.id + 1000, fieldwork_start=p.fieldwork_start + timedelta(days=60),
                     fieldwork_end=p.fieldwork_end + timedelta(days=60)) for p in polls]  # fmt: skip
    calls.clear()
    panel.show_data([*polls, *later], compute_averages([*polls, *later], TOY))
    assert len(calls) == 1

    def where() -> dict[str, tuple[float, float, str]]:
        return {
            k: (label.pos().x(), label.pos().y(), panel.end_label_text(k)) for k, label in panel._end_labels.items()
        }

    placed = where()
    place(panel)
    assert where() == placed


def test_points_painted_at_the_hold_limit_after_a_long_fit_wait_for_the_timers_turn(qtbot, monkeypatch) -> None:
    """Points whose average did not come within HOLD_PAINT_MS: their value axes are fitted when the limit passes, and
    when that fit took the turn (an undone import's at 100,000 polls: 30-70 ms) the paint comes after the event
    loop's timers had a turn, not straight after it; once, with the new point in."""
    from PySide6.QtCore import QTimer

    import warroom.ui.charts as charts_module

    polls = _stored(30)
    panel = _on_screen(qtbot, polls)
    qtbot.waitUntil(lambda: not panel._unreleased and not panel.paint_held)
    qtbot.wait(100)
    painted = _paints(panel._layout_widget.viewport())
    monkeypatch.setattr(charts_module, "PAINT_APART_S", 0.0, raising=False)  # every fit counts as a long one
    new = replace(polls[-1], id=99, pollster="Newcomer")
    seen: list[str] = []
    tick = QTimer()
    tick.setInterval(0)
    tick.timeout.connect(
        lambda: seen.append("paint" if painted[0] else ("held" if panel._hold_timer.isActive() else "tick"))
    )
    panel.show_polls(PollChange(added=(99,)), {p.id: p for p in [*polls, new]})
    tick.start()
    qtbot.waitUntil(lambda: painted[0] >= 1 and not panel.paint_held, timeout=3000)
    tick.stop()
    after = [s for s in seen if s != "held"]  # the turns from the limit on (the hold itself: HOLD_PAINT_MS)
    assert after and after[0] == "tick"  # the timers had a turn between the fit and the paint
    qtbot.wait(100)
    assert painted[0] == 1 and 99 in panel.point_data("ann")[2]


def test_a_landing_of_pollsters_seen_before_does_not_fold_their_names_again(qtbot, monkeypatch) -> None:
    """Each pollster's name is folded to its firm (firm_key: case, accents, lookalike letters) once: a later average
    of the same pollsters finds their symbols by the names as written (twice per pollster per landing before, 5-10 ms
    of a 100,000-poll landing's turn profiled), and gives every poll the symbol it had."""
    import warroom.ui.charts as charts_module

    polls = _stored(40)
    panel = _on_screen(qtbot, polls)
    qtbot.waitUntil(lambda: not panel._unreleased and not panel.paint_held)
    before = {pid: symbol for _x, _y, pid, _size, symbol in _drawn(panel, "ann")}
    folded: list[str] = []
    fold = charts_module.firm_key
    monkeypatch.setattr(charts_module, "firm_key", lambda name: (folded.append(name), fold(name))[-1])
    moved = [replace(p, first_round={**p.first_round, "ann": p.first_round["ann"] + 1}) for p in polls]
    panel.show_data(moved, compute_averages(moved, TOY))
    panel.settle_points()
    assert folded == []
    assert {pid: symbol for _x, _y, pid, _size, symbol in _drawn(panel, "ann")} == before
