"""Issue 15 at 100,000 polls: the average's line and band thinned to the pixels they cover draw what every day
draws, to the pixel; a thinned scatter still lets hovering and clicking find every poll (ui/chart_decimate.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication

from warroom.core.averaging import AverageSeries
from warroom.ui import chart_decimate, charts
from warroom.ui.charts import LIGHT, PointLayer, _Series, day_to_epoch

pytestmark = pytest.mark.gui


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).copy()


def _series_image(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, *, thinned: bool, part: str, pen_width: float, aa: bool
) -> tuple[np.ndarray, np.ndarray, int]:
    """A long average (8,000 days on a 600-pixel chart: 14 days a pixel) drawn by the charts' own series, thinned
    or from every day; only `part` ("line" or "band") shown. Returns the image, the background's and the points
    the line was handed."""
    if not thinned:
        monkeypatch.setattr(charts, "line_indices", lambda *a, **k: None)
        monkeypatch.setattr(charts, "band_samples", lambda *a, **k: None)
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(600, 300)
    widget.show()
    series = _Series(widget.getPlotItem(), "#1f77b4", "ann", LIGHT)
    series.line.setPen(pg.mkPen("#1f77b4", width=pen_width))
    series.line.opts["antialias"] = aa
    n = 8000
    rng = np.random.default_rng(1)
    days = 730_000 + np.arange(n, dtype=float)
    mean = 40 + np.cumsum(rng.normal(0, 0.3, n))
    sd = 1 + np.abs(rng.normal(0, 0.5, n))
    series.set_average(AverageSeries(days, mean, mean - sd, mean + sd))
    vb = widget.getPlotItem().getViewBox()
    vb.setRange(
        xRange=(float(day_to_epoch(days[0])), float(day_to_epoch(days[-1]))),
        yRange=(float(mean.min()) - 3, float(mean.max()) + 3),
        padding=0.0,
    )
    (series.band if part == "line" else series.line).hide()
    image = _pixels(widget.grab().toImage())
    monkeypatch.undo()
    return image, image[2, widget.width() // 2], len(series.line.xData)


def _ink(image: np.ndarray, background: np.ndarray) -> np.ndarray:
    """The plot area's pixels that are not background."""
    inked = np.any(image != background, axis=2)
    inked[:, :40] = False  # the value axis
    inked[-30:, :] = False  # the date axis
    return inked


def _near(mask: np.ndarray) -> np.ndarray:
    """The pixels within one pixel (the eight neighbours) of the mask's."""
    grown = mask.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            grown |= np.roll(np.roll(mask, dy, axis=0), dx, axis=1)
    return grown


@pytest.mark.parametrize(
    ("part", "pen_width", "aa"),
    [("band", 1.0, False), ("line", 1.0, False), ("line", 2.5, True)],
)
def test_a_thinned_line_or_band_covers_the_pixels_every_day_covers(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, part: str, pen_width: float, aa: bool
) -> None:
    thin, background, handed = _series_image(qtbot, monkeypatch, thinned=True, part=part, pen_width=pen_width, aa=aa)
    full, background_full, every = _series_image(
        qtbot, monkeypatch, thinned=False, part=part, pen_width=pen_width, aa=aa
    )
    assert every == 8000 and handed < every / 3  # thinned: at most four points a pixel column, and here far fewer
    assert np.array_equal(background, background_full)
    thin_ink, full_ink = _ink(thin, background), _ink(full, background)
    assert full_ink.any(axis=0).sum() > 500  # the whole width of the plot has ink
    assert np.array_equal(thin_ink.any(axis=0), full_ink.any(axis=0))  # the same columns inked
    # every pixel inked by one is inked by the other or by its next pixel: Qt rounds the vertices of 14 tiny
    # segments a pixel to its fixed-point grid and puts a few of a steep join's pixels a column over
    assert not (thin_ink & ~_near(full_ink)).any() and not (full_ink & ~_near(thin_ink)).any()
    if part == "band" or not aa:  # an antialiased line drawn 14 times over a pixel is darker, not elsewhere
        differ = np.any(thin != full, axis=2)
        assert differ.sum() <= 0.02 * full_ink.sum()  # (measured: band 115 of 11,333 pixels, 1px line 72 of 9,046)


def test_band_samples_sit_on_the_pixel_centres_and_keep_both_ends() -> None:
    x = np.linspace(0.0, 100.0, 1001)
    upper, lower = np.sin(x) + 2, np.sin(x) - 2
    samples = chart_decimate.band_samples(x, upper, lower, 0.0, 100.0, 50.0, offset=10.0)
    assert samples is not None
    xs, up, lo = samples
    assert xs[0] == 0.0 and xs[-1] == 100.0 and up[0] == upper[0] and lo[-1] == lower[-1]
    device = (xs[1:-1] - 0.0) * 0.5 + 10.0  # 50 pixels for 100 units, starting at device x 10
    assert np.allclose(device % 1.0, 0.5) and len(device) == 50
    assert np.allclose(up[1:-1], np.interp(xs[1:-1], x, upper))
    sparse = slice(None, None, 25)  # 41 points over 50 pixels: drawn as they are
    assert chart_decimate.band_samples(x[sparse], upper[sparse], lower[sparse], 0.0, 100.0, 50.0) is None


def test_line_indices_keep_each_columns_first_last_lowest_and_highest() -> None:
    rng = np.random.default_rng(3)
    x = np.sort(rng.random(10_000)) * 100
    y = rng.normal(0, 1, 10_000)
    keep = chart_decimate.line_indices(x, y, 0.0, 100.0, 100.0)
    assert keep is not None and len(keep) <= 400
    col = np.floor(x).astype(int)
    for c in range(100):
        mine = np.flatnonzero(col == c)
        kept = np.intersect1d(keep, mine)
        assert mine[0] in kept and mine[-1] in kept
        assert y[kept].min() == y[mine].min() and y[kept].max() == y[mine].max()
    assert chart_decimate.line_indices(x[:300], y[:300], 0.0, 100.0, 100.0) is None  # three a column: all drawn
    gappy = y.copy()
    gappy[5] = np.nan
    assert chart_decimate.line_indices(x, gappy, 0.0, 100.0, 100.0) is None  # a gap is drawn as it is


def _thinned_layer(qtbot: Any) -> tuple[pg.PlotWidget, PointLayer, np.ndarray, np.ndarray]:
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(800, 400)
    widget.show()
    qtbot.waitExposed(widget)
    layer = PointLayer(widget.getPlotItem(), size=7, hoverable=True, tip=lambda x, y, data: f"poll {data}")
    n = 20_000
    rng = np.random.default_rng(4)
    x = np.repeat(np.arange(n // 40, dtype=float), 40)  # 40 polls a day
    y = np.round(rng.normal(40, 1.5, n), 1)
    y[12_345] = 60.0  # a poll on its own, far above the others (its day's place in the stride: not drawn)
    layer.setData(x, y, np.full(n, 7.0), np.zeros(n, dtype=np.int8), np.arange(n), presorted=True)
    vb = widget.getPlotItem().getViewBox()
    vb.setRange(xRange=(250.0, 350.0), yRange=(30.0, 65.0), padding=0.0)
    return widget, layer, x, y


def test_a_thinned_scatter_finds_every_poll_under_the_cursor(qtbot: Any) -> None:
    widget, layer, x, y = _thinned_layer(qtbot)
    drawn = {int(d) for d in layer.item.data["data"]}
    assert 12_345 not in drawn and len(drawn) < 4000 / 2  # thinned: the view's 4,000 polls, a sample drawn
    item = layer.item
    px, py = item.pixelVectors()
    visible = np.flatnonzero((x >= 250) & (x <= 350))
    for i in visible.tolist():  # every poll in view, drawn or not, is found at its own place
        found = item.finder(float(x[i]), float(y[i]), px.length(), py.length())  # type: ignore[misc]
        assert found is not None and i in {int(s.data()) for s in found}, i  # type: ignore[arg-type]
    # and through the mouse: hovering the lone poll names it, clicking it picks it
    view = widget
    qtbot.wait(20)  # the new range laid out
    at = view.mapFromScene(item.mapToScene(QPointF(x[12_345], y[12_345])))
    clicked: list[list[Any]] = []
    item.sigClicked.connect(lambda _item, spots, _ev: clicked.append(list(spots)))
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(at),
        QPointF(view.viewport().mapToGlobal(at)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    vb = widget.getPlotItem().getViewBox()
    qtbot.waitUntil(
        lambda: QApplication.sendEvent(view.viewport(), move) and "poll 12345" in vb.toolTip(), timeout=3000
    )
    for kind, buttons in (
        (QEvent.Type.MouseButtonPress, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton),
    ):
        click = QMouseEvent(
            kind,
            QPointF(at),
            QPointF(view.viewport().mapToGlobal(at)),
            Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(view.viewport(), click)
    qtbot.waitUntil(lambda: bool(clicked), timeout=3000)
    assert [int(s.data()) for s in clicked[0]] == [12_345]


def test_with_every_point_drawn_pyqtgraphs_own_look_up_is_used(qtbot: Any) -> None:
    widget, layer, _x, _y = _thinned_layer(qtbot)
    widget.getPlotItem().getViewBox().setRange(xRange=(300.0, 305.0), padding=0.0)  # 200 polls: all drawn
    assert layer.item.finder(300.0, 40.0, 0.01, 0.1) is None  # type: ignore[misc]
    assert len(layer.item.data) >= 200


def test_sorted_columns_edited_in_place_equal_np_insert_and_np_delete() -> None:
    """Random runs of inserts and deletes (one place, a few, many; at the end, the start, anywhere) leave the
    columns exactly as np.insert and np.delete would, and never write into the arrays handed in."""
    rng = np.random.default_rng(9)
    x = np.sort(rng.random(500))
    data = np.arange(500, dtype=np.int64)
    handed = {"x": x, "data": data}
    kept = {name: a.copy() for name, a in handed.items()}
    columns = chart_decimate.SortedColumns()
    columns.adopt({"x": x, "y": None, "data": data})
    expect = {name: a.copy() for name, a in handed.items()}
    next_id = 1000
    for step in range(300):
        n = columns.n
        if step % 3 == 0 and n > 20:
            k = int(rng.choice([1, 2, 5, 12]))
            places = rng.choice(n, size=k, replace=False)
            if step % 2:
                places = np.arange(n - k, n)  # the latest ones
            columns.delete(places)
            expect = {name: np.delete(a, places) for name, a in expect.items()}
        else:
            k = int(rng.choice([1, 1, 3, 9]))
            at = np.sort(rng.integers(0, n + 1, size=k))
            if step % 4 == 1:
                at = np.full(k, n)  # at the end, as the latest poll goes
            values = {"x": rng.random(k), "data": np.arange(next_id, next_id + k, dtype=np.int64)}
            next_id += k
            columns.insert(at, values)
            expect = {name: np.insert(a, at, values[name]) for name, a in expect.items()}
        for name in ("x", "data"):
            got = columns.column(name)
            assert got is not None and np.array_equal(got, expect[name]), (step, name)
    assert columns.column("y") is None
    assert all(np.array_equal(handed[name], kept[name]) for name in handed)  # the arrays handed in: untouched


def test_in_the_charts_every_poll_of_a_thinned_view_is_found_and_a_click_names_it(qtbot: Any) -> None:
    """3,000 polls, the whole campaign on 1366 pixels: each series draws a sample, and the charts' own hover
    text and click signal reach every poll in view, drawn or not."""
    from tests.ui.test_scale_repaint import _panel, _stored

    polls = _stored(3000)
    panel = _panel(qtbot, polls, None)
    item = panel._first["ann"].points
    drawn = {int(d) for d in item.data["data"]}
    x, y, ids = panel.point_data("ann")
    assert ids is not None and len(drawn) < len(ids) / 2  # thinned
    px, py = item.pixelVectors()
    clicked: list[int] = []
    panel.poll_clicked.connect(clicked.append)
    by_id = {p.id: p for p in polls}
    hidden = [i for i in range(len(ids)) if int(ids[i]) not in drawn]
    for i in range(len(ids)):
        found = item.finder(float(x[i]), float(y[i]), px.length(), py.length())  # type: ignore[misc]
        assert found is not None and int(ids[i]) in {int(s.data()) for s in found}  # type: ignore[call-overload]
    for i in hidden[:: max(1, len(hidden) // 20)]:  # a click on the topmost poll there names it
        found = item.finder(float(x[i]), float(y[i]), px.length(), py.length())  # type: ignore[misc]
        assert found
        panel._on_points_clicked(item, found, None)
        assert clicked[-1] == int(found[0].data())  # type: ignore[call-overload]
        tip = item.opts["tip"](x=float(x[i]), y=float(y[i]), data=ids[i])
        assert by_id[int(ids[i])].pollster in tip  # the hover text of an undrawn poll names its pollster


def test_zoomed_in_the_line_and_band_are_every_day_again_and_zoomed_out_thinned_again(qtbot: Any) -> None:
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(600, 300)
    widget.show()
    qtbot.waitExposed(widget)
    series = _Series(widget.getPlotItem(), "#1f77b4", "ann", LIGHT)
    n = 8000
    days = 730_000 + np.arange(n, dtype=float)
    mean = 40 + np.sin(days / 7.0) * 3
    series.set_average(AverageSeries(days, mean, mean - 1, mean + 1))
    vb = widget.getPlotItem().getViewBox()
    x = day_to_epoch(days)

    def show(first: int, last: int) -> tuple[int, int]:
        vb.setRange(xRange=(float(x[first]), float(x[last])), yRange=(30.0, 50.0), padding=0.0)
        inside = int(((series.line.xData >= x[first]) & (series.line.xData <= x[last])).sum())
        return inside, series.band.path().elementCount()

    whole = show(0, n - 1)
    assert whole[0] < 4 * 600 and whole[1] < 2 * n  # thinned: at most four points a pixel column
    week = show(4000, 4300)  # 301 days on ~560 pixels: every day drawn
    assert week[0] == 301
    assert np.array_equal(
        series.line.yData[(series.line.xData >= x[4000]) & (series.line.xData <= x[4300])], mean[4000:4301]
    )
    assert show(0, n - 1) == whole  # thinned again for the whole, at the same pixel grid
