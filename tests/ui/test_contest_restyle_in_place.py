"""Edit contest of names and colours only restyles the charts in place (issue 15: at 100,000 polls a rename still
held the window 225 ms and a recolour 175 ms, most of it every series, label and marker built again and every
point handed over and styled again; benchmarks/bench_menu_stalls.py).

The charts keep their items and their points' data: a recoloured series' line, bands and points take the new colour
(the points' brush and pen set once for the item, not point by point), the end labels and lead titles the new names;
the averages published again as they are are not drawn again, nor the event markers. What is shown and exported is
the edit: the new colour in an exported chart, the new name in the first-round chart's labels, the lead charts'
titles, the poll table's header, the scenario panel and meeting mode.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

import warroom.ui.charts as charts_module
from tests.ui.conftest import AnsweredContestDialog
from warroom.core.types import Contest
from warroom.ui.export import export_chart


def _settled(room: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0)
    qtbot.waitUntil(lambda: not room.averages.busy and room.averages.averages is not None)
    qtbot.waitUntil(lambda: not room.scenarios.busy and room.scenarios.view is not None)
    room.window.charts.settle_points()


def _edit(room: Any, qtbot: Any, contest: Contest) -> None:
    assert room.contest_actions.edit_contest(AnsweredContestDialog(contest)) is not None  # type: ignore[arg-type]
    _settled(room, qtbot)
    assert room.poll_service.contest == contest


def _counting(monkeypatch: pytest.MonkeyPatch, cls: type, name: str) -> list[object]:
    calls: list[object] = []
    original = getattr(cls, name)

    def counted(self: object, *args: Any, **kwargs: Any) -> Any:
        calls.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, counted)
    return calls


def _items(charts: Any) -> list[object]:
    out: list[object] = []
    for series in [*charts._first.values(), charts._lead1, charts._lead2_observed, charts._lead2_implied]:
        out += [series.line, series.band, series.forecast, series.points, series.layer]
    return out + list(charts._end_labels.values())


def test_a_recolour_restyles_the_series_on_its_items_and_keeps_their_points(room, qtbot, monkeypatch) -> None:
    ps, charts = room.poll_service, room.window.charts
    _settled(room, qtbot)
    items = _items(charts)
    bob = charts._first["bob"]
    x, y, ids = bob.layer.get_data()
    handed = _counting(monkeypatch, charts_module.PollScatter, "set_points")  # the points handed over again
    layers = _counting(monkeypatch, charts_module.PointLayer, "setData")
    per_point = _counting(monkeypatch, charts_module.pg.SpotItem, "setBrush")  # (one spot at a time)
    contest = ps.contest
    wanted = replace(contest, candidates=(contest.candidates[0], replace(contest.candidates[1], colour="#123456")))
    wanted = replace(wanted, candidates=(*wanted.candidates, contest.candidates[2]))
    _edit(room, qtbot, wanted)
    assert all(a is b for a, b in zip(_items(charts), items, strict=True))  # before: every item made again
    assert handed == [] and layers == [] and per_point == []  # before: every series' points handed over again
    x2, y2, ids2 = bob.layer.get_data()
    assert x2 is x and y2 is y and ids2 is ids  # the very arrays
    new = QColor("#123456")
    assert bob.line.opts["pen"].color() == new
    assert bob.points.opts["pen"].color() == new
    assert bob.points.opts["brush"].color() == new.lighter(115)
    assert len(bob.points.data) and (bob.points.data["sourceRect"]["w"] > 0).all()  # each point has its picture
    assert bob.band.brush().color().rgb() == new.rgb()
    assert charts._end_labels["bob"]._warroom_colour == "#123456"
    ann = charts._first["ann"]
    assert ann.line.opts["pen"].color() == QColor(contest.candidates[0].colour)  # the others as they were


def _recoloured(contest: Contest) -> Contest:
    bob = contest.candidates[1]
    return replace(contest, candidates=(contest.candidates[0], replace(bob, colour="#123456"), *contest.candidates[2:]))


def _renamed(contest: Contest) -> Contest:
    ann = contest.candidates[0]
    return replace(contest, name="Renamed", candidates=(replace(ann, name="Ann Other"), *contest.candidates[1:]))


@pytest.mark.parametrize("edit", [_renamed, _recoloured], ids=["rename", "recolour"])
def test_the_averages_and_markers_announced_again_after_an_edit_are_not_drawn_again(
    room, qtbot, monkeypatch, edit
) -> None:
    ps, charts = room.poll_service, room.window.charts
    _settled(room, qtbot)
    markers = list(charts._annotation_items)
    assert markers  # (the room's contest has an event marker)
    drawn = _counting(monkeypatch, charts_module.ChartPanel, "_show_data")
    announced = _counting(monkeypatch, charts_module.ChartPanel, "show_annotations")
    published: list[object] = []
    room.averages.averages_ready.connect(lambda _polls, averages: published.append(averages))
    _edit(room, qtbot, edit(ps.contest))
    assert published and published[-1] is charts._last_data[1]  # the averages came again, the very same
    assert drawn == []  # and were not drawn again (before: every series' points compared, lines re-sliced, ...)
    assert announced  # the markers came again too
    assert all(a is b for a, b in zip(charts._annotation_items, markers, strict=True))  # before: made again


def test_a_chart_exported_after_a_recolour_draws_the_new_colour(room, qtbot, tmp_path: Path) -> None:
    ps, charts = room.poll_service, room.window.charts
    _settled(room, qtbot)
    contest = ps.contest
    cands = (contest.candidates[0], replace(contest.candidates[1], colour="#123456"), contest.candidates[2])
    _edit(room, qtbot, replace(contest, candidates=cands))
    out = tmp_path / "first.svg"
    with charts.exportable("first") as plot:
        export_chart(plot, out)
    svg = out.read_text(encoding="utf-8").lower()
    assert "#123456" in svg
    assert contest.candidates[1].colour.lower() not in svg  # nothing left in the old colour


def test_a_rename_shows_in_the_labels_titles_table_scenario_panel_and_meeting_mode(room, qtbot, monkeypatch) -> None:
    ps, win, charts = room.poll_service, room.window, room.window.charts
    _settled(room, qtbot)
    items = _items(charts)
    contest = ps.contest
    ann, bob = contest.candidates[0], contest.candidates[1]
    wanted = replace(
        contest,
        candidates=(replace(ann, name="Annabel Rouge"), replace(bob, name="Robert Bleu"), contest.candidates[2]),
    )
    _edit(room, qtbot, wanted)
    assert all(a is b for a, b in zip(_items(charts), items, strict=True))
    # (a candidate is shown by the short name made from their name: the surname)
    assert "Rouge" in charts.end_label_text("ann") and "Bleu" in charts.end_label_text("bob")
    assert charts._first["ann"].line.opts["name"] == "Annabel Rouge"
    titles = " ".join(str(charts.plots[k].titleLabel.text) for k in ("lead1", "lead2"))
    assert "Rouge" in titles and "Bleu" in titles and "Red" not in titles
    model = win.polls_pane.model
    headers = " ".join(
        str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole))
        for c in range(model.columnCount())
    )
    assert "Annabel Rouge" in headers
    panel = room.scenario_panel
    shown = " ".join(w.text() for w in panel.findChildren(QLabel))
    assert "Rouge" in shown or "Bleu" in shown, shown
    assert "Red" not in shown and "Blue" not in shown
    win.enter_presentation()
    try:
        qtbot.waitUntil(lambda: charts._theme is not None and charts._drawn is not None)
        assert "Rouge" in charts.end_label_text("ann")
        assert charts._first["bob"].line.opts["pen"].color() == QColor(bob.colour)
    finally:
        win.leave_presentation()


def test_a_point_drawn_after_the_average_is_drawn_away_when_that_average_comes_again(room, qtbot) -> None:
    """The averages drawn last are not drawn again only while no poll was drawn or taken out since (show_polls):
    a poll put in and taken back before its average (the same averages published again) leaves no point."""
    from warroom.services.poll_service import PollChange

    ps, charts = room.poll_service, room.window.charts
    _settled(room, qtbot)
    polls, averages = charts._last_data
    bob = charts._first["bob"]
    before = len(bob.layer.get_data()[0])
    extra = replace(ps.polls[-1], id=99999, pollster="Passing Polling")
    by_id = {**ps.polls_view, 99999: extra}
    charts.show_polls(PollChange(added=(99999,)), by_id)
    assert len(bob.layer.get_data()[0]) == before + 1
    charts.show_data(polls, averages)
    assert len(bob.layer.get_data()[0]) == before
    assert not np.isin(99999, bob.layer.get_data()[2])
