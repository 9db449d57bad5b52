"""The charts' value axes are fitted from the arrays the charts hold (ChartPanel._children_bounds), not by asking
each item for its bounds (issue 15: several fits in the turn a big contest's average lands), and the range is
pyqtgraph's own fit."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest

from tests.conftest import TOY
from tests.ui.conftest import toy_polls
from warroom.core.pipeline import compute_averages
from warroom.core.types import Poll
from warroom.ui.charts import ChartPanel, PollScatter, day_to_epoch


def _stored(n: int, seed: int = 5) -> list[Poll]:
    return [replace(p, id=i + 1) for i, p in enumerate(toy_polls(n, seed=seed))]


def _shown(qtbot: Any, polls: list[Poll]) -> ChartPanel:
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_contest(TOY)
    panel.show_data(polls, compute_averages(polls, TOY))
    panel.settle_points()
    return panel


def _pyqtgraphs_fit(vb: pg.ViewBox) -> list[Any]:
    """pyqtgraph's own bounds for a value axis fitted to the visible dates (every item asked)."""
    return pg.ViewBox.childrenBounds(vb, frac=[1.0, 1.0], orthoRange=[None, vb.viewRange()[0]])


def _window(panel: ChartPanel, days: tuple[float, float] | None) -> None:
    if days is None:
        panel.fit()
    else:
        x0, x1 = (float(x) for x in day_to_epoch(np.asarray(days)))
        panel.plots["first"].getViewBox().setXRange(x0, x1, padding=0)
    panel.settle_points()
    panel.settle_ranges()


@pytest.mark.parametrize(
    ("n", "days"),
    [
        (30, "final"),  # a few polls: every point drawn
        (3000, None),  # the whole campaign: points and line thinned to the pixels
        (3000, (739_000.0, 739_400.0)),  # a panned window inside the campaign
        (3000, (700_000.0, 700_100.0)),  # a window before any poll: only the bands' and lines' own bounds
    ],
)
def test_the_value_fit_from_the_charts_arrays_is_pyqtgraphs_own(qtbot, n: int, days: Any) -> None:
    panel = _shown(qtbot, _stored(n))
    if days != "final":
        _window(panel, days)
    panel.grab()  # (painted: every fit pending is done)
    for key, plot in panel.plots.items():
        vb = plot.getViewBox()
        ours = vb.childrenBounds(frac=[1.0, 1.0], orthoRange=[None, vb.viewRange()[0]])
        theirs = _pyqtgraphs_fit(vb)
        assert (ours[1] is None) == (theirs[1] is None), key
        if theirs[1] is not None:
            assert ours[1] == pytest.approx(theirs[1], rel=1e-12, abs=1e-12), key
        # and the range shown is the one pyqtgraph fits from its own bounds
        if theirs[1] is not None and vb.state["autoRange"][1] is not False:
            lo, hi = theirs[1]
            pad = (hi - lo) * vb.suggestPadding(1)
            assert vb.viewRange()[1] == pytest.approx([lo - pad, hi + pad], rel=1e-9), key


def test_a_landing_average_fits_the_value_axes_without_asking_each_series_item(qtbot, monkeypatch) -> None:
    polls = _stored(400)
    panel = _shown(qtbot, polls[:-40])
    asked: list[str] = []

    def spy(cls: type, name: str) -> None:
        original = cls.dataBounds

        def counted(self: Any, ax: int, frac: float = 1.0, orthoRange: Any = None) -> Any:
            if orthoRange is not None:  # (a fit to the visible dates: a paint's boundingRect asks without one)
                asked.append(name)
            return original(self, ax, frac, orthoRange)

        monkeypatch.setattr(cls, "dataBounds", counted)

    spy(PollScatter, "points")
    spy(pg.PlotCurveItem, "line")
    panel.show_data(polls, compute_averages(polls, TOY))  # 40 more polls: new points, lines and a new window
    panel.settle_points()
    panel.settle_ranges()
    panel.grab()
    for plot in panel.plots.values():
        plot.getViewBox().prepareForPaint()
    assert not asked
    for key, plot in panel.plots.items():  # (and the range is still pyqtgraph's fit)
        vb = plot.getViewBox()
        lo, hi = _pyqtgraphs_fit(vb)[1]
        pad = (hi - lo) * vb.suggestPadding(1)
        assert vb.viewRange()[1] == pytest.approx([lo - pad, hi + pad], rel=1e-9), key


def test_end_labels_placed_again_at_the_same_room_are_not_measured_again(qtbot, monkeypatch) -> None:
    """A landing places the end labels when the dates move and again when the value axis is fitted: the second
    placement leaves each label's room as it was, so its name is not elided again (a QFontMetricsF measure per
    label and placement, 30 a landing on London 2012)."""
    from PySide6.QtGui import QFontMetricsF

    from warroom.ui import charts

    panel = _shown(qtbot, _stored(60))
    panel.grab()
    texts = {key: panel.end_label_text(key) for key in ("ann", "bob", "cat")}
    measured: list[str] = []

    class Counting(QFontMetricsF):
        def elidedText(self, *args: Any) -> str:
            measured.append(args[0])
            return super().elidedText(*args)

    monkeypatch.setattr(charts, "QFontMetricsF", Counting)
    panel._place_end_labels()  # (as a value axis fitted after the dates moved places them)
    assert measured == []
    assert {key: panel.end_label_text(key) for key in texts} == texts
    panel.resize(900, 768)  # another room: measured again
    panel.grab()
    qtbot.wait(20)
    assert measured


def test_a_landing_whose_points_are_handed_over_later_fits_its_value_axes_to_them_at_once(qtbot, monkeypatch) -> None:
    """A big landing's points reach the series over later turns (show_data holds them): the value axes are fitted in
    the landing's own turn to the points as they will be handed over, so the axes do not move again as each series
    gets them (they moved up to five more times a landing at 100,000 polls)."""
    from warroom.ui import charts

    monkeypatch.setattr(charts, "RELEASE_BUDGET_S", 0.0)  # every series' points left for later turns
    polls = _stored(3000)
    panel = _shown(qtbot, polls[:2000])
    panel.fit()  # the whole campaign: the new polls move the dates and every value range
    panel.settle_points()
    qtbot.wait(200)  # (the keys and heights laid out: a fit is padded by the chart's height in pixels)
    panel.grab()
    heights = {key: plot.getViewBox().height() for key, plot in panel.plots.items()}
    panel.show_data(polls, compute_averages(polls, TOY))
    assert panel._unreleased  # (the points are still to be handed over)
    first = {key: list(plot.getViewBox().viewRange()[1]) for key, plot in panel.plots.items()}
    qtbot.waitUntil(lambda: not panel._unreleased, timeout=5000)
    panel.grab()
    assert {key: plot.getViewBox().height() for key, plot in panel.plots.items()} == heights
    for key, plot in panel.plots.items():
        assert plot.getViewBox().viewRange()[1] == pytest.approx(first[key], rel=1e-12), key
