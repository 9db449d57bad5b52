"""A fresh hostile pass (issue 16, helper i2): the window's views of one figure."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from warroom.core.pipeline import ForecastPoint


def _ink_in_view(plot, ink: str) -> int:  # type: ignore[no-untyped-def]
    """Pixels of `ink` inside the plot's data area (not its axes, which are drawn in the same ink)."""
    from PySide6.QtGui import QColor

    box = plot.getPlotItem().getViewBox()
    rect = plot.mapFromScene(box.sceneBoundingRect()).boundingRect().adjusted(3, 3, -3, -3)
    image = plot.grab(rect).toImage()
    want = QColor(ink)
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if abs(c.red() - want.red()) + abs(c.green() - want.green()) + abs(c.blue() - want.blue()) < 40:
                count += 1
    return count


@pytest.mark.parametrize("days", [1, 3])
def test_the_forecast_margin_is_drawn_from_a_single_day(qtbot, days: int) -> None:  # type: ignore[no-untyped-def]
    """Scenario > Forecast over time of a race whose polls all ended on one day (or of one poll) has one point:
    its chance chart drew it (a dot), but the margin chart, the dialog's subject, drew a line through one point,
    which is nothing: an empty chart under "margin Johnson minus Livingstone +5.3". The margin is marked at each
    day, and its 90 % band drawn at a single day too; the
    dates' axis spans a week around a single day (it spanned one second, ticked "59.600 ... 00.399")."""
    from warroom.ui.charts import LIGHT
    from warroom.ui.forecast_dialog import ForecastDialog

    points = [
        ForecastPoint(
            date(2012, 4, 22) + timedelta(days=7 * i),
            17,
            "ann",
            "bob",
            5.3 + i,
            (-6.5 + i, 16.9 + i),
            {"ann": 0.76, "bob": 0.24},
        )
        for i in range(days)
    ]
    dialog = ForecastDialog(points, {"ann": "Ann", "bob": "Bob"}, {"ann": "#0072B2", "bob": "#D55E00"}, theme=LIGHT)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(100)  # the charts laid out and ranged
    assert _ink_in_view(dialog.margin, LIGHT.foreground) > 20
    left, right = dialog.chance.getPlotItem().getViewBox().viewRange()[0]
    assert right - left >= 86_400  # a day at least (one day's axis spanned one second, ticked "59.600 ... 00.399")
    if days == 1:  # the band: a bar from its low to its high end at that day
        bars = [i for i in dialog.margin.getPlotItem().items if type(i).__name__ == "ErrorBarItem"]
        assert len(bars) == 1
        assert np.allclose([bars[0].opts["y"][0] - bars[0].opts["bottom"][0]], [-6.5])
        assert np.allclose([bars[0].opts["y"][0] + bars[0].opts["top"][0]], [16.9])


def test_an_event_markers_note_is_drawn_whole_inside_the_chart_or_elided(demo, qtbot) -> None:  # type: ignore[no-untyped-def]
    """An event marker's note is written up its line from near the chart's foot. It was centred there, so half of
    every note fell below the axis ("Debate night" read "bate night"), and a note of the 200 characters a marker
    may hold ran off both ends, its start never seen. Its start now sits at the foot and a note longer than the
    chart is tall ends in "…" inside it (the whole note stays the line's tooltip)."""
    from warroom.core.types import EVENT_NOTE_LIMIT, Annotation

    win = demo.window
    win.resize(1600, 1600)
    qtbot.wait(50)
    long_note = "A long note: " + "x" * (EVENT_NOTE_LIMIT - 13)
    notes = [Annotation(date(2012, 4, 10), "Debate night"), Annotation(date(2012, 4, 20), long_note)]
    charts = win.charts
    charts.show_annotations(notes)
    qtbot.wait(100)
    plot = charts.plots["first"]
    view = plot.getViewBox().sceneBoundingRect()
    labels = [item.label for item in charts._annotation_items if getattr(item, "label", None) is not None]
    assert len(labels) == 2
    by_text = {label.toPlainText(): label for label in labels}
    assert "Debate night" in by_text  # short enough: whole
    elided = [text for text in by_text if text != "Debate night"]
    assert len(elided) == 1 and elided[0].startswith("A long note: x") and elided[0].endswith("…")
    for label in labels:
        drawn = label.sceneBoundingRect()
        assert view.top() - 1 <= drawn.top() and drawn.bottom() <= view.bottom() + 1, (label.toPlainText(), drawn, view)
    assert any(item.toolTip().endswith(long_note) for item in charts._annotation_items)
    win.resize(1366, 700)  # a shorter chart: elided again to its height
    qtbot.wait(100)
    view = plot.getViewBox().sceneBoundingRect()
    for label in labels:
        drawn = label.sceneBoundingRect()
        assert view.top() - 1 <= drawn.top() and drawn.bottom() <= view.bottom() + 1, (label.toPlainText(), drawn, view)


def test_the_official_result_dialog_saves_a_stored_supplementary_vote_tie_for_second(qtbot) -> None:  # type: ignore[no-untyped-def]
    """File > Official result opened on a stored Supplementary Vote result with two candidates tied for second
    (both go on, as the contest file and the store take it) said "exactly two finalists, not 3" and kept OK
    disabled: the race's own result could not be saved again, nor a figure of it put right."""
    from PySide6.QtWidgets import QDialogButtonBox

    from tests.cli.test_hostile_i2_pass import TIED_SV
    from warroom.core.contestfile import parse_contest_file
    from warroom.core.types import OfficialResult
    from warroom.ui.result_dialog import ResultDialog

    contest = parse_contest_file(TIED_SV.replace("SYSTEM", "sv")).contest
    stored = OfficialResult({"a": 400, "b": 250, "c": 250, "d": 100}, {"a": 420, "b": 300, "c": 280})
    dialog = ResultDialog(contest, stored)
    qtbot.addWidget(dialog)
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled(), dialog.problems.text()
    typed = dialog.typed_result()
    assert dict(typed.first_round) == dict(stored.first_round) and dict(typed.final_round) == dict(stored.final_round)
