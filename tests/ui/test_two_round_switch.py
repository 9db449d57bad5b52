"""Switching the runoff matchup or the first-round hypothesis (issue 11): what the charts show afterwards, what they
leave alone, and that switching to and fro many times leaves nothing behind.

The speed of a switch is measured in benchmarks/bench_two_round_switch.py; these tests hold the behaviour the
faster switch must keep: every chart shows exactly the core functions' figures for the new choice, the charts
whose data did not change are not handed anything, and the caches that make a switch back cheap stay bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.conftest import built_ahead
from warroom.core.france import name_key
from warroom.core.two_round_pipeline import first_round_model, matchup_average, publication_blackouts
from warroom.core.two_round_view import campaign_chart, matchup_points
from warroom.ui.charts import day_to_epoch

pytestmark = pytest.mark.gui


def settle() -> None:
    for _ in range(4):
        QApplication.processEvents()


def _expected(room: Any) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """What the charts must show for the room's current matchup and hypothesis, from the core functions alone:
    key -> (x in epoch seconds, y), for the runoff lead ('lead2' line, 'lead2 points'), the first-round lead
    ('lead1' line, 'lead1 points') and each candidate's first-round average."""
    model = room.two_round
    contest, notices = model.contest, model.campaign.notices
    a, b = model.matchup
    codes = {name_key(c.name): c.code for c in contest.candidates}
    averages = first_round_model(notices).view(model.hypothesis)
    chart = campaign_chart(
        notices,
        averages,
        codes,
        a,
        b,
        blackouts=publication_blackouts(contest.election_date, contest.second_round_date),
    )
    runoff = matchup_average(notices, a, b).lead
    days, leads, _pollsters = matchup_points(notices, a, b)
    out = {
        "lead2": (day_to_epoch(runoff.days), np.asarray(runoff.mean, dtype=float)),
        "lead2 points": (day_to_epoch(np.asarray(days, dtype=float)), np.asarray(leads, dtype=float)),
        "lead1": (day_to_epoch(chart.lead.days), np.asarray(chart.lead.mean, dtype=float)),
        "lead1 points": (
            day_to_epoch(np.asarray(chart.lead_points[0], dtype=float)),
            np.asarray(chart.lead_points[1], dtype=float),
        ),
    }
    for code, series in chart.first.items():
        out[code] = (day_to_epoch(series.days), np.asarray(series.mean, dtype=float))
    return out


def _shown(room: Any, codes: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    charts = room.window.charts
    out = {key: charts.curve_data(key) for key in ("lead1", "lead2", *codes)}
    for key in ("lead1", "lead2"):
        x, y, _ids = charts.point_data(key)
        out[f"{key} points"] = (x, y)
    return out


def _same_points(shown: tuple[np.ndarray, np.ndarray], expected: tuple[np.ndarray, np.ndarray]) -> bool:
    """The same (x, y) points, in any order (the chart keeps them sorted by day)."""
    a = sorted(zip(shown[0].tolist(), shown[1].tolist(), strict=True))
    b = sorted(zip(expected[0].tolist(), expected[1].tolist(), strict=True))
    return len(a) == len(b) and np.allclose(np.asarray(a), np.asarray(b)) if a else not b


def test_after_a_switch_every_chart_shows_the_new_choices_figures_exactly(france_room) -> None:
    """Each matchup and list picked in turn (and back): the runoff-lead chart shows that pair's head-to-heads and
    their average, the first-round lead chart the pair's lead under that list, the first-round chart each
    candidate's average under that list, each the arrays the core functions give."""
    room = france_room
    model, pickers = room.two_round, room.two_round_pickers
    codes = [c.code for c in model.contest.candidates]
    picks: list[tuple[Any, int]] = [(pickers.matchup_combo, i) for i in (1, 2, 0)]
    picks += [(pickers.hypothesis_combo, i) for i in (1, 2)]
    picks += [(pickers.matchup_combo, i) for i in (1, 0)]
    picks += [(pickers.hypothesis_combo, 0)]
    seen = set()
    for combo, index in picks:
        combo.setCurrentIndex(index)
        settle()
        seen.add((model.matchup, model.hypothesis))
        expected, shown = _expected(room), _shown(room, codes)
        for key in ("lead2", "lead1", *[c for c in codes if c in expected]):
            x, y = shown[key]
            ex, ey = expected[key]
            assert np.array_equal(x, ex) and np.allclose(y, ey, equal_nan=True), (key, model.matchup, model.hypothesis)
        for key in ("lead2 points", "lead1 points"):
            assert _same_points(shown[key], expected[key]), (key, model.matchup, model.hypothesis)
        assert model.matchup[0].split()[-1] in room.window.charts.plots["lead2"].titleLabel.text
        charts = room.window.charts
        for key in ("lead1", "lead2"):  # the end labels: the new choice's last values
            values = expected[key][1]
            last = values[-1] if len(values) else np.nan
            assert charts.end_label_text(key) == (f"{last:+.1f}" if np.isfinite(last) else ""), key
        for code in codes:
            if code in expected and charts.end_label_text(code):
                assert charts.end_label_text(code).endswith(f" {expected[code][1][-1]:.1f}"), code
    assert len(seen) >= 5  # the picks really were other choices


def _count_calls(monkeypatch: pytest.MonkeyPatch, objects: list[Any], names: tuple[str, ...]) -> Callable[[], int]:
    """Wrap the named methods of each object (on the instance) and return a counter of their calls."""
    calls = [0]
    for obj in objects:
        for name in names:
            if not hasattr(obj, name):  # (a band has setPath, a line setData, a poll scatter set_points)
                continue
            real = getattr(obj, name)

            def counted(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
                calls[0] += 1
                return _real(*args, **kwargs)

            monkeypatch.setattr(obj, name, counted)
    return lambda: calls[0]


def test_a_switch_hands_new_data_only_to_the_charts_whose_data_changed(france_room, monkeypatch) -> None:
    """Another matchup gives the first-round chart's items nothing (its averages and points are the list's, not
    the pair's); another list gives the runoff-lead chart's items nothing (its head-to-heads are the pair's). The
    charts that do change are handed their data (so the counters can fail)."""
    room = france_room
    charts, pickers = room.window.charts, room.two_round_pickers
    first = list(charts._first.values())
    first_items = [s.points for s in first] + [s.line for s in first] + [s.band for s in first]
    runoff = [charts._lead2_observed, charts._lead2_implied]
    runoff_items = [s.points for s in runoff if s] + [s.line for s in runoff if s] + [s.band for s in runoff if s]
    lead1_items = [charts._lead1.points, charts._lead1.line]
    pickers.matchup_combo.setCurrentIndex(1)  # each choice once first: its pollsters join the key
    pickers.hypothesis_combo.setCurrentIndex(1)
    pickers.matchup_combo.setCurrentIndex(0)
    pickers.hypothesis_combo.setCurrentIndex(0)
    settle()
    first_calls = _count_calls(monkeypatch, first_items, ("setData", "set_points", "setPath"))
    runoff_calls = _count_calls(monkeypatch, runoff_items, ("setData", "set_points", "setPath"))
    lead1_calls = _count_calls(monkeypatch, lead1_items, ("setData", "set_points"))

    pickers.matchup_combo.setCurrentIndex(1)
    settle()
    assert first_calls() == 0  # the first-round chart: not handed anything
    assert runoff_calls() > 0 and lead1_calls() > 0  # the pair's charts: their new data
    before_runoff = runoff_calls()
    pickers.hypothesis_combo.setCurrentIndex(1)
    settle()
    assert runoff_calls() == before_runoff  # the runoff-lead chart: the pair's head-to-heads, unchanged
    assert first_calls() > 0  # the first-round chart: the list's averages


def _counts(room: Any) -> dict[str, int]:
    charts = room.window.charts
    scene = charts._layout_widget.scene()
    return {
        "scene items": len(scene.items()),
        "key entries": sum(len(legend.items) for legend in charts.legends().values()),
        "widgets": len(room.window.findChildren(QWidget)),
        "panel rows": len(room.two_round_panel.rows()),
        "kept point arrays": len(charts._points_kept),
        "kept value ranges": len(charts._ranges),
        "named data": len(charts._range_refs),
        "kept pictures": sum(picture.kept() for key in charts.plots for picture in charts.data_pictures(key)),
        "kept styled points": sum(
            len(s._kept_points) for s in [*charts._first.values(), charts._lead1, charts._lead2_observed]
        ),
        "kept row records": len(room.two_round_panel._row_records),
        "value range items": len(charts._value_ranges),
    }


def test_switching_to_and_fro_many_times_leaves_nothing_behind(france_room, qtbot) -> None:
    """Forty switches over the same six matchups and lists: the scene's items, the keys' entries, the window's
    widgets, the panel's rows and the charts' kept arrays are as many after as after the first round of them.
    Meeting mode's answer page is built ahead first (MainWindow._build_ahead, an idle turn AHEAD_MS after the
    window is shown): built during the later rounds, its 9 widgets were counted as left behind (CI, 1 run in 4)."""
    room = france_room
    qtbot.waitUntil(lambda: room._two_round_answer is not None, timeout=10000)
    pickers = room.two_round_pickers
    combos = (pickers.matchup_combo, pickers.hypothesis_combo)
    cycle = min(6, pickers.matchup_combo.count(), pickers.hypothesis_combo.count())

    def round_of_switches() -> None:
        for i in range(cycle):
            for combo in combos:
                combo.setCurrentIndex((i + 1) % cycle)
                settle()

    round_of_switches()
    round_of_switches()  # (the first round's new pollster keys re-lay the lead charts out: their sizes' ranges too)
    QApplication.sendPostedEvents(None, 0)
    after_first = _counts(room)
    for _ in range(6):
        round_of_switches()
    QApplication.sendPostedEvents(None, 0)
    assert _counts(room) == after_first
    assert after_first["kept point arrays"] > 0 and after_first["kept value ranges"] > 0
    assert after_first["kept pictures"] > 0 and after_first["kept styled points"] > 0
    assert after_first["kept row records"] > 0 and after_first["value range items"] == 3


def test_a_chart_shown_again_gets_the_value_range_autorange_fits_without_fitting_again(
    france_room, monkeypatch
) -> None:
    """Switching back to a matchup or list sets each chart's value axis from the range pyqtgraph's autorange fitted
    to the same data before (ChartPanel.settle_ranges): no item's bounds are walked again, and the range is exactly
    the one a fresh fit gives."""
    import pyqtgraph as pg

    room = france_room
    charts, pickers = room.window.charts, room.two_round_pickers
    cycle = min(4, pickers.matchup_combo.count(), pickers.hypothesis_combo.count())
    picks = [(pickers.matchup_combo, i) for i in range(cycle)] + [(pickers.hypothesis_combo, i) for i in range(cycle)]
    for combo, index in picks + picks:  # each choice twice, the second time from where this ends: fitted and kept
        combo.setCurrentIndex(index)
        settle()
    fits = [0]
    real = pg.ViewBox.childrenBounds

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        fits[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pg.ViewBox, "childrenBounds", counted)
    for combo, index in picks:
        combo.setCurrentIndex(index)
        settle()
        shown = {key: tuple(plot.getViewBox().viewRange()[1]) for key, plot in charts.plots.items()}
        assert fits[0] == 0, (combo.objectName(), index)  # set from what was fitted, not fitted again
        for key, plot in charts.plots.items():
            vb = plot.getViewBox()
            assert vb.state["autoRange"][1] is not False  # still following the data (a new poll fits again)
            vb.updateAutoRange()  # a fresh fit of the same data
            assert vb.viewRange()[1] == pytest.approx(shown[key], rel=1e-12, abs=1e-12), key
        fits[0] = 0
    # A two-round contest's lines and points are painted afresh (no pixmap cache: every switch changes them) ...
    from PySide6.QtWidgets import QGraphicsItem

    assert all(s.points.cacheMode() == QGraphicsItem.CacheMode.NoCache for s in charts._first.values())
    # ... and the next contest's are cached again (a big poll list, where one new poll changes one series)
    london = next(c for c in room.poll_service.contests() if c.name != room.two_round.contest.name)
    room.poll_service.open_contest(london.name)
    settle()
    assert all(s.line.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache for s in charts._first.values())


def test_a_matchup_switch_re_lays_nothing_out_and_paints_the_panel_once(france_room) -> None:
    """A matchup relabels every electorate row and rewrites the answer: the new texts repaint their labels once and
    re-lay neither the inputs nor the answer out (a label's new text asked its layout again, which moved the rows
    and painted the panel a second time)."""
    from PySide6.QtCore import QEvent, QObject

    room = france_room
    built_ahead(room)  # (its build, in the wait on a loaded machine, relaid the window out: another paint)
    panel, pickers = room.two_round_panel, room.two_round_pickers
    boxes = {
        "electorates": panel.electorates_box,
        "answer": panel.findChild(QWidget, "two_round_projection"),
        "inputs": panel.findChild(QWidget, "two_round_inputs").widget(),
    }
    titles = [panel.findChild(QWidget, f"two_round_title_{i}") for i in range(3)]
    titles += [panel.win_label, panel.answer_label, panel.source_label]

    class Events(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.layouts = {name: 0 for name in boxes}
            self.paints = [0] * len(titles)

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            kind = event.type()
            for name, box in boxes.items():
                if obj is box and kind == QEvent.Type.LayoutRequest:
                    self.layouts[name] += 1
            for i, title in enumerate(titles):
                if obj is title and kind == QEvent.Type.Paint:
                    self.paints[i] += 1
            return False

    cycle = min(4, pickers.matchup_combo.count())
    for i in range(cycle):  # each pair once: the longest titles seen
        pickers.matchup_combo.setCurrentIndex((i + 1) % cycle)
        settle()
    events = Events()
    QApplication.instance().installEventFilter(events)
    try:
        switches = relabelled = 0
        for i in range(2 * cycle):
            texts = [t.text() for t in titles]
            pickers.matchup_combo.setCurrentIndex((i + 1) % cycle)
            settle()
            switches += 1
            relabelled += [t.text() for t in titles] != texts
    finally:
        QApplication.instance().removeEventFilter(events)
    assert relabelled >= 2  # the rows' titles did change
    assert events.layouts == dict.fromkeys(boxes, 0)
    assert all(n <= switches for n in events.paints) and max(events.paints) > 0, events.paints


def test_a_pairs_defaults_are_evaluated_once_and_shown_again_on_a_switch_back(france_room, monkeypatch) -> None:
    """A matchup switch shows the pair's published defaults: their evaluation (projection and exact break-evens) is
    worked out the first time and shown again on a switch back, the same figures a fresh evaluation gives; an edit
    of the scenario is evaluated anew."""
    import warroom.services.two_round_service as service
    from warroom.core.two_round_view import evaluate

    room = france_room
    model, pickers = room.two_round, room.two_round_pickers
    pairs = [pickers.matchup_combo.itemData(i) for i in range(min(3, pickers.matchup_combo.count()))]
    for pair in pairs:  # each once
        model.set_matchup(*pair)
    calls = [0]
    real = service.evaluate

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "evaluate", counted)
    for pair in pairs:
        model.set_matchup(*pair)
        assert model.scenario is model.defaults.scenario
        fresh = evaluate(model.first, model.scenario, error=model.defaults.error, electorate=model.electorate)
        shown = model.view.projection
        assert (shown.a, shown.b) == (fresh.projection.a, fresh.projection.b)
        assert shown.margin == fresh.projection.margin
        assert shown.win_probability_a == fresh.projection.win_probability_a
        assert model.view.electorate == fresh.electorate
    assert calls[0] == 0
    model.set_turnout(0.25)
    model.evaluate_now()
    assert calls[0] == 1 and model.view.scenario.turnout == 0.25


def _core_extents(campaign: Any, contest: Any) -> dict[str, Any]:
    """core.two_round_view.campaign_extents of every list and every pair asked, worked out here from the core
    functions alone (the controller works them out at idle)."""
    from warroom.core.two_round_pipeline import hypothesis_labels, matchups_asked
    from warroom.core.two_round_view import MatchupLead, campaign_extents

    notices = campaign.notices
    model = first_round_model(notices)
    lists = [model.view(None), *(model.view(label) for label, _n in hypothesis_labels(notices))]
    runoffs = []
    for a, b, _n in matchups_asked(notices):
        average = matchup_average(notices, a, b)
        if average.latest() < 50.0:
            a, b = b, a
            average = matchup_average(notices, a, b)
        days, leads, pollsters = matchup_points(notices, a, b)
        runoffs.append(MatchupLead(average, tuple(days), tuple(leads), tuple(pollsters)))
    codes = {name_key(c.name): c.code for c in contest.candidates}
    return campaign_extents(notices, codes, lists, runoffs)


def _value_ranges(room: Any) -> dict[str, tuple[float, float]]:
    return {key: tuple(plot.getViewBox().viewRange()[1]) for key, plot in room.window.charts.plots.items()}


def test_the_value_axes_stay_put_whatever_was_viewed_and_follow_the_data(france_room, qtbot) -> None:
    """Each chart's value axis spans every matchup and list of the contest (core campaign_extents, the same arrays
    the charts were handed): the same range after every switch, whatever was viewed before, each choice read on one
    scale; and a campaign with other polls gets its own range."""
    from warroom.ui.charts import EPOCH_ORDINAL

    room = france_room
    model, charts, pickers = room.two_round, room.window.charts, room.two_round_pickers
    expected = _core_extents(model.campaign, model.contest)
    for key, extent in expected.items():  # one number, one place: the charts fit what core gives
        held = charts._value_ranges[key].extent
        for field in ("days", "low", "high", "point_days", "point_values"):
            assert np.array_equal(getattr(held, field), getattr(extent, field)), (key, field)
    before = _value_ranges(room)
    x0, x1 = charts.plots["first"].getViewBox().viewRange()[0]
    first_day, last_day = ((x - 43200.0) / 86400.0 + EPOCH_ORDINAL for x in (x0, x1))
    for key, (lo, hi) in before.items():  # the range holds every choice's values in the window shown
        low, high = expected[key].within(first_day, last_day)
        assert lo < low and high < hi, key
    orders = [
        [(pickers.matchup_combo, i) for i in (3, 1, 2, 0)] + [(pickers.hypothesis_combo, i) for i in (2, 0)],
        [(pickers.hypothesis_combo, i) for i in (1, 3)] + [(pickers.matchup_combo, i) for i in (2, 0)],
    ]
    for order in orders:  # two paths through the choices: the same range after every step of each
        for combo, index in order:
            combo.setCurrentIndex(index)
            settle()
            assert _value_ranges(room) == before, (combo.objectName(), index)
    # the data change (another store's polls: here half of them): a range of their own, from core again
    half = model.campaign._replace(notices=model.campaign.notices[: len(model.campaign.notices) // 2])
    model.set_campaign(half)
    qtbot.waitUntil(lambda: model.prepared and set(charts._value_ranges) == {"first", "lead1", "lead2"}, timeout=20000)
    settle()
    smaller = _core_extents(half, model.contest)
    assert np.array_equal(charts._value_ranges["lead2"].extent.point_values, smaller["lead2"].point_values)
    assert _value_ranges(room) != before


@pytest.mark.qt_log_ignore("does not support raise")  # the offscreen platform, showing the tooltip's window
def test_the_rows_tooltips_are_made_when_asked_and_name_the_pair(france_room) -> None:
    """An electorate row's labels, sliders and typed values carry no tooltip of their own (a switch sets none);
    asked for one (the ToolTip event Qt sends under the mouse), the row shows what it showed before: who the share
    goes to and, on a slider, the published range and its pollsters; after a switch, the new pair's names."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    from warroom.core.two_round_view import ScenarioDefaults
    from warroom.ui.two_round_panel import electorate_title, range_tip

    room = france_room
    model, panel, pickers = room.two_round, room.two_round_panel, room.two_round_pickers
    melenchon = next(code for code in panel.rows() if code.endswith("Mélenchon"))

    def asked(widget: QWidget) -> str:
        QToolTip.hideText()
        centre = widget.rect().center()
        event = QHelpEvent(QEvent.Type.ToolTip, centre, widget.mapToGlobal(centre))
        QApplication.sendEvent(widget, event)  # (left by the child, it goes up to the row, as under the mouse)
        return QToolTip.text()

    for index in (0, 2):
        pickers.matchup_combo.setCurrentIndex(index)
        settle()
        row = panel.rows()[melenchon]
        assert all(w.toolTip() == "" for w in (*row.labels, *row.sliders, *row.fields))
        defaults: ScenarioDefaults = model.defaults
        a, b = defaults.scenario.a, defaults.scenario.b  # (the pair as the first round names it)
        assert {name_key(a), name_key(b)} == {name_key(n) for n in model.matchup}
        want = f"Of {electorate_title(melenchon)}, the share who vote for {a} in the runoff"
        assert asked(row.labels[0]) == want
        assert asked(row.fields[0].lineEdit()) == want  # (the typed value's line edit leaves it to the row)
        slider_tip = asked(row.sliders[0])
        ranges = defaults.ranges.get(melenchon)
        if ranges is not None:
            assert slider_tip == f"{want}.\n{range_tip(ranges['a'], f'to {a}')}"
            assert all(who in slider_tip for who in (*ranges["a"].low_by, *ranges["a"].high_by))
        else:
            assert slider_tip == want
        assert b in asked(row.labels[1]) and b in asked(row.sliders[1])
        assert asked(row.labels[3]) == f"Of {electorate_title(melenchon)}, the share who stay at home"
        # what a screen reader reads (a widget's tooltip, before): the same texts
        assert row.sliders[0].accessibleDescription() == slider_tip
        assert row.fields[0].accessibleDescription() == want


def test_after_a_pan_the_value_axes_fit_every_choice_in_the_new_window(france_room) -> None:
    """A pan back in time fits each value axis to every choice's values in the new window (not to the choice
    shown): another range than before the pan, and the same whichever matchup or list is then picked."""
    room = france_room
    charts, pickers = room.window.charts, room.two_round_pickers
    before = _value_ranges(room)
    vb = charts.plots["first"].getViewBox()
    (x0, x1), _y = vb.viewRange()
    vb.setXRange(x0 - 3 * (x1 - x0), x1 - 3 * (x1 - x0), padding=0)  # months earlier ...
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])  # ... by the user's hand (as a drag says it)
    settle()
    assert charts.range_mode == "user"
    panned = _value_ranges(room)
    assert panned != before
    for combo, index in [(pickers.matchup_combo, 2), (pickers.hypothesis_combo, 1), (pickers.matchup_combo, 0)]:
        combo.setCurrentIndex(index)
        settle()
        assert _value_ranges(room) == panned, (combo.objectName(), index)
