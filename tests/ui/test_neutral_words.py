"""Issue 16: the Supplementary Vote panel said "his" of every candidate ("tie him to his party", "points above his
party", "100 % means he falls back to his party's level"), whoever stands. It names the candidate or says "the
party"; a zero gap in meeting mode's answer line is "0.0", never "-0.0" (core.forecast.signed_points)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QGroupBox, QLabel, QWidget

pytestmark = pytest.mark.gui

GENDERED = re.compile(r"\b(he|him|his|she|her|hers)\b", re.IGNORECASE)


def _texts(root: QWidget) -> list[str]:
    out = [root.toolTip(), root.accessibleDescription()]
    for w in root.findChildren(QWidget):
        out += [w.toolTip(), w.accessibleName(), w.accessibleDescription()]
        if isinstance(w, QLabel):
            out.append(w.text())
        if isinstance(w, QGroupBox):
            out.append(w.title())
    combo_tips = [
        str(box.itemData(i, 3) or "")  # Qt.ItemDataRole.ToolTipRole
        for box in root.findChildren(QWidget)
        if hasattr(box, "itemData") and hasattr(box, "count") and callable(box.count)
        for i in range(box.count())
    ]
    return [t for t in out + combo_tips if t]


def test_the_supplementary_vote_panel_says_nobody_is_he(room, qtbot) -> None:
    panel = room.scenario_panel
    qtbot.waitUntil(lambda: "personal vote" in panel.message_slider.toolTip())
    found = [t for t in _texts(panel) if GENDERED.search(t)]
    assert not found, found
    assert any(c.display in panel.message_slider.toolTip() for c in room.poll_service.contest.candidates)


def test_meeting_modes_projected_line_shows_a_zero_gap_without_a_sign(room, qtbot) -> None:
    from warroom.ui.answer_view import AnswerView

    view = next(iter(room.window.findChildren(AnswerView)), None)
    if view is None:
        view = AnswerView(room.scenarios)
        qtbot.addWidget(view)
    label = view.projected.label  # (pyqtgraph writes its text with its format's .format(value=...) as the line moves)
    assert label.format.format(value=-0.04) == "this scenario 0.0"
    assert label.format.format(value=-2.34) == "this scenario -2.3"
