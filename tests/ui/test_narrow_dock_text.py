"""The scenario panel at the dock's least width on a laptop (1366x768): every output line keeps to the lines it
has, ending in "…" with the whole text in its tooltip, instead of a line cut through its letters (the win chance's
"(assumes a polling error of sd 7.0 points on the margin, transfers" had its fourth line cut in half)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QScrollArea

from tests.ui.test_burlington_demo import burlington_room  # noqa: F401  (a fixture)
from warroom.ui.qt_utils import RichDataLabel

pytestmark = pytest.mark.gui


def _narrowest(qtbot, win, width: int = 100) -> None:
    win.resize(1366, 768)
    win.show()
    qtbot.wait(100)
    QMainWindow.resizeDocks(win, [win.scenario_dock], [width], Qt.Orientation.Horizontal)  # as far as it goes
    for _ in range(4):
        QApplication.processEvents()
        qtbot.wait(20)


def _cut_lines(panel) -> list[str]:
    """Wrapped labels shown shorter than their text needs at their width (a line cut through its letters)."""
    out = []
    for label in panel.findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.heightForWidth(label.width()) > label.height() + 1:
            out.append(
                f"{label.objectName()} {label.width()}x{label.height()} needs {label.heightForWidth(label.width())}"
            )
    return out


def _sideways(win) -> list[str]:
    return [
        area.objectName() or type(area.widget()).__name__
        for area in win.scenario_dock.findChildren(QScrollArea)
        if area.isVisible() and area.horizontalScrollBar().isVisible()
    ]


def test_output_lines_keep_to_their_height_at_the_dock_least_width(demo, qtbot) -> None:
    win = demo.window
    win.resize(1366, 768)
    win.show()
    qtbot.wait(100)
    QMainWindow.resizeDocks(win, [win.scenario_dock], [100], Qt.Orientation.Horizontal)  # as far as it goes
    for _ in range(4):
        QApplication.processEvents()
        qtbot.wait(20)
    panel = win.scenario_dock.widget()
    assert win.scenario_dock.width() < 320  # the narrowest the dock goes
    checked = []
    for label in panel.findChildren(QLabel):
        if not label.isVisible() or not label.wordWrap():
            continue
        checked.append(label.objectName())
        assert label.heightForWidth(label.width()) <= label.height() + 1, (label.objectName(), label.text())
    assert "win_probability" in checked
    win_label = panel.findChild(QLabel, "win_probability")
    assert win_label.text().endswith("…")
    assert "<b>19 %</b>" in win_label.text()  # cut at a word, its markup kept: the figure still bold
    assert "transfers uncertain by" in win_label.toolTip()  # the whole text is one hover away
    assert "transfers uncertain by" in win_label.accessibleDescription()


def test_a_figure_changing_does_not_ask_qt_to_lay_the_text_out_again(qtbot, monkeypatch) -> None:
    """Asking Qt for the height of a rich text on every slider move tripled a move's repaint: a text of the same
    shape (its figures changed) is known to fit."""
    label = RichDataLabel()
    qtbot.addWidget(label)
    label.setFixedSize(420, 60)
    label.fit(2)
    label.show()
    label.set_rich(lambda h: f"Chance {h('Livingstone')} wins: <b>19 %</b> (assumes a polling error of sd 7.0)")
    asked = []
    real = label.heightForWidth
    monkeypatch.setattr(label, "heightForWidth", lambda w: asked.append(w) or real(w))
    for p in (21, 34, 18, 99):
        label.set_rich(
            lambda h, p=p: f"Chance {h('Livingstone')} wins: <b>{p} %</b> (assumes a polling error of sd 7.0)"
        )
    assert asked == []
    label.set_rich(lambda h: f"Chance {h('Livingstone')} wins: <b>19 %</b> and other words, so a new shape")
    assert asked  # a new shape is measured


@pytest.mark.parametrize("race", ["demo", "france_room", "burlington_room"])
def test_no_panel_scrolls_sideways_or_cuts_a_line_at_the_dock_least_width(race, request, qtbot) -> None:
    """At the dock's least width each race's panel fitted its width: the Supplementary Vote inputs (a group box's
    long title, the baseline's date beside its choice, three buttons in a row) and the two-round panel (its answer's
    picker, the message pickers side by side, a long group title) asked for more and scrolled sideways, and the
    two-round panel's headline and answer lines were cut through their letters."""
    room = request.getfixturevalue(race)
    win = room.window
    _narrowest(qtbot, win)
    assert win.scenario_dock.width() < 340
    assert _sideways(win) == []
    assert _cut_lines(win.scenario_dock.widget()) == []


def test_the_two_round_row_titles_and_source_take_the_lines_their_text_needs(france_room, qtbot) -> None:
    """The electorates' row titles and the data's source never asked for their height at their width (their
    label answered "no height for width"): each got one line, or three for the source, at every width, so France's
    "Official runoff of 24 April 2022: Macron 58.55 %, Le Pen 41.45 %" was cut off on a 1366x768 laptop."""
    win = france_room.window
    win.resize(1366, 768)
    win.show()
    for _ in range(4):
        QApplication.processEvents()
        qtbot.wait(20)
    panel = win.scenario_dock.widget()
    source = panel.findChild(QLabel, "two_round_source")
    assert "Official runoff of 24 April 2022" in source.text()
    assert _cut_lines(panel) == []
    assert source.height() >= source.heightForWidth(source.width()) > 3 * source.fontMetrics().lineSpacing()


def test_a_transfer_row_names_its_pair_on_one_line_where_it_has_the_room(demo, qtbot) -> None:
    """Wrapped so that a narrow dock need not scroll sideways, the pair's label still takes one line when its row
    has the room (wrapped always, a layout gave it the narrow width a wrapped label asks for: "Johnson :" over
    "Livingstone" on a projector)."""
    from warroom.ui.split_slider import OneLineLabel

    win = demo.window
    win.resize(1920, 1080)
    win.show()
    for _ in range(4):
        QApplication.processEvents()
        qtbot.wait(20)
    labels = [w for w in win.scenario_dock.widget().findChildren(OneLineLabel) if w.isVisible()]
    assert any(" : " in w.text() for w in labels)
    for label in labels:
        assert label.height() < 1.6 * label.fontMetrics().lineSpacing(), (label.text(), label.height())
