"""The scenario panel at the dock's least width on a laptop (1366x768): every output line keeps to the lines it
has, ending in "…" with the whole text in its tooltip, instead of a line cut through its letters (the win chance's
"(assumes a polling error of sd 7.0 points on the margin, transfers" had its fourth line cut in half)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from warroom.ui.qt_utils import RichDataLabel

pytestmark = pytest.mark.gui


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
