"""A two-round contest's charts paint their data items through pictures kept per matchup and list
(ui/charts.py DataPicture; issue 11's one-frame switch): what a switch back draws is what the items themselves
draw, and what a fresh window draws for the same choice; the items still answer hover and clicks; exports still
draw vectors; and a change outside a switch is never hidden behind a kept copy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QGraphicsItem

from warroom.paths import AppPaths
from warroom.ui.charts import DataPicture

pytestmark = pytest.mark.gui

TOLERANCE = 8  # of 255, per channel: an antialiased edge composited through a kept image rounds a little apart
FEW = 20  # pixels of the charts' million past that: a marker's antialiased edge composited in another order


def settle() -> None:
    for _ in range(4):
        QApplication.processEvents()


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    rows = raw.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return rows.reshape(image.height(), image.width(), 4).astype(int)


def _pictures(room: Any) -> list[DataPicture]:
    charts = room.window.charts
    return [picture for key in charts.plots for picture in charts.data_pictures(key)]


def _differ(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    """(largest difference on a channel, pixels that differ by more than TOLERANCE)."""
    assert a.shape == b.shape
    d = np.abs(a - b).max(axis=2)
    return int(d.max()), int((d > TOLERANCE).sum())


def _drawn_by_the_items(charts: Any, pictures: list[DataPicture]) -> np.ndarray:
    """The charts as their data items paint themselves: every picture released (kept copies untouched: quiet),
    the charts grabbed, then each picture holding its items again as before."""
    state = {id(p): p.items for p in pictures}
    for picture in pictures:
        picture.quiet = True
    try:
        for picture in pictures:
            picture.release()
        settle()
        return _pixels(charts.grab().toImage())
    finally:
        for picture in pictures:
            picture.hold(state[id(picture)])
            picture.quiet = False


def _cycle(room: Any, n: int = 4) -> list[tuple[Any, int]]:
    pickers = room.two_round_pickers
    count = min(n, pickers.matchup_combo.count(), pickers.hypothesis_combo.count())
    return [(pickers.matchup_combo, i) for i in range(count)] + [(pickers.hypothesis_combo, i) for i in range(count)]


def test_a_switch_back_replays_a_kept_picture_that_draws_what_the_items_draw(france_room) -> None:
    """Every chart's bands, points and lines are painted by its data pictures (the items only hold the data); a
    choice shown again replays the kept copy, and that copy is what the items paint themselves, within
    antialiasing rounding."""
    room = france_room
    charts = room.window.charts
    pictures = _pictures(room)
    assert all(picture.items for picture in pictures)  # every chart: bands; points and lines
    held = [item for picture in pictures for item in picture.items]
    assert all(
        item.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents for item in held if hasattr(item, "dataBounds")
    )
    picks = _cycle(room)
    for combo, index in picks:  # each choice once: painted and kept
        combo.setCurrentIndex(index)
        settle()
    for combo, index in picks:
        combo.setCurrentIndex(index)
        settle()
        replays, records = sum(p.replays for p in pictures), sum(p.records for p in pictures)
        kept = _pixels(charts.grab().toImage())
        assert sum(p.replays for p in pictures) > replays  # drawn from a kept copy ...
        assert sum(p.records for p in pictures) == records  # ... not painted again
        live = _drawn_by_the_items(charts, pictures)  # the items paint themselves, as before there were pictures
        largest, many = _differ(kept, live)
        assert many <= FEW, (combo.objectName(), index, largest, many)
    # (the held items paint nothing themselves: a picture stands in for them)
    assert all(item.data_picture is not None for item in held)


@pytest.fixture
def second_france_room(qtbot, tmp_path: Path) -> Iterator[Any]:
    """Another war room on France 2022 (a fresh window beside france_room)."""
    from tests.ui.conftest import running_room
    from warroom.bootstrap import open_store
    from warroom.demo import FRANCE_2022_NAME
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path / "second")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    settings = open_settings(paths)
    settings.contest = FRANCE_2022_NAME
    yield from running_room(qtbot, store, settings, ready="two_round")


def test_after_many_switches_the_charts_draw_what_a_fresh_window_draws(france_room, second_france_room) -> None:
    """One window switched to and fro (its pictures kept and replayed), another opened afresh and switched once to
    the same matchup and list: their charts are the same picture, within antialiasing rounding."""
    used, fresh = france_room, second_france_room
    fresh.window.resize(used.window.size())
    picks = _cycle(used)
    for combo, index in picks + picks + picks[:5]:
        combo.setCurrentIndex(index)
        settle()
    target = (
        used.two_round_pickers.matchup_combo.currentIndex(),
        used.two_round_pickers.hypothesis_combo.currentIndex(),
    )
    fresh.two_round_pickers.matchup_combo.setCurrentIndex(target[0])
    fresh.two_round_pickers.hypothesis_combo.setCurrentIndex(target[1])
    for _ in range(3):
        settle()
    assert (fresh.two_round.matchup, fresh.two_round.hypothesis) == (used.two_round.matchup, used.two_round.hypothesis)
    assert sum(p.replays for p in _pictures(used)) > 0
    assert used.window.charts.size() == fresh.window.charts.size()
    largest, many = _differ(_pixels(used.window.charts.grab().toImage()), _pixels(fresh.window.charts.grab().toImage()))
    assert many <= FEW, (largest, many)


def test_held_items_still_answer_hover_and_clicks(france_room) -> None:
    """The points a picture paints are still the scene's items at their place: a hit test finds them, their
    tooltip text is made, and a hovered point is drawn live (in its hover style), not from a kept copy."""
    room = france_room
    charts = room.window.charts
    series = next(s for s in charts._first.values() if len(s.points.data))
    scatter = series.points
    spot = scatter.points()[len(scatter.points()) // 2]
    where = scatter.mapToScene(QPointF(spot.pos().x(), spot.pos().y()))
    assert scatter in charts._layout_widget.scene().items(where)
    assert len(scatter.pointsAt(QPointF(spot.pos().x(), spot.pos().y()))) > 0
    tip = scatter.opts["tip"](x=spot.pos().x(), y=spot.pos().y(), data=spot.data())
    assert tip
    _low, high = charts.data_pictures("first")
    assert scatter in high.items
    assert high.kept() > 0

    def hover(on: bool) -> None:  # what ScatterPlotItem.hoverEvent does to the point under the mouse
        new = np.zeros(len(scatter.data), dtype=bool)
        new[spot.index()] = on
        scatter.data["sourceRect"][scatter.data["hovered"] ^ new] = 0
        scatter.data["hovered"] = new
        scatter.updateSpots()

    hover(True)
    records = high.records
    charts.grab()
    assert high.kept() == 0  # a hover is a change outside a switch: nothing kept shows it
    assert high.records == records  # drawn live while a point is hovered
    hover(False)
    charts.grab()
    assert high.records == records + 1  # kept again once nothing is hovered


def test_a_change_outside_a_switch_forgets_the_kept_copies(france_room) -> None:
    """A theme change restyles the items: every kept copy is dropped, and the next paint is painted afresh."""
    room = france_room
    charts = room.window.charts
    for combo, index in _cycle(room, 3):
        combo.setCurrentIndex(index)
        settle()
    pictures = _pictures(room)
    assert sum(p.kept() for p in pictures) > 0
    from warroom.ui.charts import DARK

    records = sum(p.records for p in pictures)
    charts.apply_theme(DARK)
    assert sum(p.kept() for p in pictures) == 0
    settle()
    charts.grab()
    assert sum(p.records for p in pictures) > records


def test_exports_of_the_two_round_charts_draw_vectors(france_room, tmp_path: Path) -> None:
    """The plain SVG writer draws the held items themselves (no picture of them, nothing unknown), and the
    widget's own SVG rendering paints them live through the pictures: paths, not images."""
    from warroom.ui.export import plots_to_svg, widget_to_svg

    room = france_room
    charts = room.window.charts
    for combo, index in _cycle(room, 2) * 2:
        combo.setCurrentIndex(index)
        settle()
    out = tmp_path / "charts.svg"
    unknown = plots_to_svg(list(charts.plots.values()), charts._layout_widget.sceneRect(), out, "France")
    assert "DataPicture" not in unknown and "ValueRange" not in unknown
    text = out.read_text()
    assert "<image" not in text and text.count("<path") > 100
    out2 = tmp_path / "widget.svg"
    widget_to_svg(charts, out2)
    text2 = out2.read_text()
    assert text2.count("<path") + text2.count("<polyline") > 100  # the lines and bands as vectors


def test_a_pan_a_resize_and_a_hidden_line_are_drawn_as_the_items_draw_them(france_room) -> None:
    """Kept copies never stand in for another view: after a pan, a window resize and a line hidden (its legend
    toggled), what the charts draw is what their items draw themselves."""
    room = france_room
    charts = room.window.charts
    pictures = _pictures(room)
    picks = _cycle(room, 3)
    for combo, index in picks * 2:
        combo.setCurrentIndex(index)
        settle()

    def same_as_live() -> None:
        kept = _pixels(charts.grab().toImage())
        largest, many = _differ(kept, _drawn_by_the_items(charts, pictures))
        assert many <= FEW, (largest, many)

    vb = charts.plots["first"].getViewBox()
    (x0, x1), _y = vb.viewRange()
    vb.setXRange(x0 - (x1 - x0) / 3, x1 - (x1 - x0) / 3, padding=0)  # a pan back in time
    settle()
    same_as_live()
    room.window.resize(room.window.width() - 200, room.window.height() - 100)
    settle()
    same_as_live()
    line = next(iter(charts._first.values())).line
    line.setVisible(False)
    settle()
    same_as_live()
    line.setVisible(True)
    settle()
    same_as_live()


def test_a_choice_drawn_ahead_at_idle_is_replayed_on_its_first_switch_and_draws_what_its_items_draw(
    france_room,
) -> None:
    """The most asked matchups and lists are drawn ahead while the window is idle (ChartPanel.draw_ahead, the
    controller's choice_prepared): the first switch to one replays kept pictures and paints none afresh, and what
    it shows is what the items draw themselves; drawing ahead left the choice shown as it was."""
    room = france_room
    charts, pickers, model = room.window.charts, room.two_round_pickers, room.two_round
    pictures = _pictures(room)
    assert model.prepared
    shown = (model.matchup, model.hypothesis)
    assert charts._campaign is model._charts[(model.hypothesis, model.matchup)]  # put back after drawing ahead
    assert charts.curve_data("lead2")[1][-1] == pytest.approx(model.lead.average.lead.mean[-1])
    for combo in (pickers.matchup_combo, pickers.hypothesis_combo):  # (each from the choice shown at first)
        start = combo.currentIndex()
        index = 1 if start != 1 else 2
        replays, records = sum(p.replays for p in pictures), sum(p.records for p in pictures)
        combo.setCurrentIndex(index)
        settle()
        assert (model.matchup, model.hypothesis) != shown
        assert sum(p.records for p in pictures) == records, combo.objectName()  # nothing painted afresh ...
        assert sum(p.replays for p in pictures) > replays  # ... the copies drawn ahead replayed
        if combo is pickers.hypothesis_combo:  # (releasing the pictures forgets every kept copy: done last)
            kept = _pixels(charts.grab().toImage())
            largest, many = _differ(kept, _drawn_by_the_items(charts, pictures))
            assert many <= FEW, (combo.objectName(), largest, many)
        combo.setCurrentIndex(start)
        settle()
        assert (model.matchup, model.hypothesis) == shown
