"""With no race open, the runoff panel's greyed inputs name nobody and no day of the race deleted (issue 16).

Once the store's only race was deleted, the panel said "No race in this store", but its greyed inputs kept the
race's defaults: the message box titled "Message: tie Red to the party", its sliders' tips naming Red's personal
vote and Blue's drag (with their figures), and the baseline date 2024-05-02. They now show the panel's neutral
words ("the front-runner", "the challenger") and no date; a race opened again gets its own back.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QGroupBox, QLabel, QWidget

from tests.conftest import TOY
from tests.ui.conftest import toy_polls
from tests.ui.test_hostile_h4_no_race import _delete_the_race
from warroom.store import polls as repo

pytestmark = pytest.mark.gui

RACE_WORDS = (
    *(c.name for c in TOY.candidates),
    *(c.display for c in TOY.candidates),
    *(p.name for p in TOY.parties),
    "Red",
    "Blue",
    "Green",
    "2024",
)


def _greyed_words(panel: QWidget) -> list[tuple[str, str]]:
    """(object, text or tip) for every visible input of `panel` that shows or tips any of RACE_WORDS."""
    found = []
    for child in panel.findChildren(QWidget):
        if not child.isVisibleTo(panel):
            continue
        shown = ""
        if isinstance(child, QLabel | QAbstractButton):
            shown = child.text()
        elif isinstance(child, QComboBox):
            shown = child.currentText()
        elif isinstance(child, QGroupBox):
            shown = child.title()
        elif isinstance(child, QAbstractSpinBox):
            shown = child.text()
        for words in (shown, child.toolTip()):
            if any(w in words for w in RACE_WORDS):
                found.append((type(child).__name__ + ":" + child.objectName(), words))
    return found


def test_with_no_race_open_the_greyed_inputs_name_nothing_of_the_race_deleted(room: Any, qtbot) -> None:
    panel = room.scenario_panel
    assert _greyed_words(panel)  # the race's names are there while it is open (the check can fail)
    _delete_the_race(room, qtbot)
    assert _greyed_words(panel) == []
    assert panel.message_box.title() == "Message: tie the front-runner to the party"
    ps = room.poll_service  # a race with polls opened again: its names and days come back
    made = ps.create_contest(replace(TOY, id=None, name="A new race"))
    with room.store.sessions.begin() as s:
        repo.add_polls(s, made.id, toy_polls())
    ps.open_contest(made.id)
    qtbot.waitUntil(lambda: len(_greyed_words(panel)) >= 5, timeout=10000)
    assert panel.baseline_date.text() == panel.baseline_date.date().toString("yyyy-MM-dd")
