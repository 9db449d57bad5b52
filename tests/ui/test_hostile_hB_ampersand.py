"""A fresh hostile pass (issue 16): a name holding "&" is shown whole in a group box's title.

Qt reads "&" in a group box's title as a keyboard shortcut's mark: it is dropped and the next letter underlined
(and Alt+that letter moves to the box). A candidate called "Red&Co" titled the scenario panel's message frame
"Message: tie RedCo to the party" (the C underlined), and the instant-runoff panel's frame of next preferences
"Where Bob Co's voters go next (%)". Written as Qt's literal "&&" (ui.qt_utils.menu_text's rule for menus).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QGroupBox

from tests.conftest import renamed_toy
from tests.ui.test_hostile_fresh_markup import _room

pytestmark = pytest.mark.gui

AMPERSAND = renamed_toy(candidates=("Ann Red&Co", "Bob & Co", "Cat Green"), short_names=("Red&Co", "Bob & Co", None))


def _shown(box: QGroupBox) -> str:
    """The title as drawn: "&&" is one "&", a lone "&" marks a shortcut and is not drawn."""
    assert QKeySequence.mnemonic(box.title()).isEmpty(), box.title()
    return box.title().replace("&&", "\0").replace("&", "").replace("\0", "&")


def test_a_name_with_an_ampersand_is_whole_in_the_scenario_panels_message_frame(qtbot, tmp_path: Path) -> None:
    for room in _room(qtbot, tmp_path, AMPERSAND, "view"):
        box = room.scenario_panel.message_box
        assert "Red&Co" in _shown(box), box.title()


def test_a_name_with_an_ampersand_is_whole_in_the_instant_runoff_panels_frame(qtbot, tmp_path: Path) -> None:
    from warroom.core.types import CountingSystem

    for room in _room(qtbot, tmp_path, dataclasses.replace(AMPERSAND, system=CountingSystem.IRV), "irv"):
        box, picker = room.irv_panel.row_box, room.irv_panel.picker
        titles = []
        for code, name in (("ann", "Red&Co"), ("bob", "Bob & Co")):
            picker.setCurrentIndex(picker.findData(code))
            qtbot.waitUntil(lambda name=name, box=box: name.split("&")[0] in box.title())
            titles.append(_shown(box))
        assert titles == ["Where Red&Co's voters go next (%)", "Where Bob & Co's voters go next (%)"], titles


def test_a_name_with_an_ampersand_beside_its_field_is_whole_and_no_shortcut(qtbot, tmp_path: Path) -> None:
    """A data label given a buddy (the field it names, for keyboard access) is read by Qt with "&" as a shortcut's
    mark too: the instant-runoff panel's lever "Red&Co" showed "RedCo", Alt+C moving to its field, as did the
    runoff panel's transfer rows ("to Red&Co")."""
    from warroom.core.types import CountingSystem
    from warroom.ui.qt_utils import DataLabel

    for room in _room(qtbot, tmp_path, dataclasses.replace(AMPERSAND, system=CountingSystem.IRV), "irv"):
        labels = [w for w in room.irv_panel.findChildren(DataLabel) if w.buddy() is not None]
        shown = []
        for label in labels:
            assert QKeySequence.mnemonic(label.text()).isEmpty(), label.text()
            shown.append(label.text().replace("&&", "&"))
        assert "Red&Co" in shown and "Bob & Co" in shown, shown
    label = DataLabel("to Red&Co")
    qtbot.addWidget(label)
    field = QGroupBox()
    qtbot.addWidget(field)
    label.setBuddy(field)
    label.setText("to Bob & Co")  # (a new pair: the row relabelled)
    assert QKeySequence.mnemonic(label.text()).isEmpty() and label.full_text() == "to Bob & Co"
