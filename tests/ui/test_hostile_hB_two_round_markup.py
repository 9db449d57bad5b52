"""A fresh hostile pass (issue 16): names that look like markup in a two-round (France) race's panel, pickers and
meeting mode are shown as typed (the runoff and instant-runoff panels' rule: tests/ui/test_hostile_fresh_markup.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QComboBox

from tests.conftest import renamed_toy
from tests.ui.test_hostile_fresh_markup import misread, shown_texts

HOSTILE = renamed_toy(
    "Toy <b>Mayor</b>",
    parties=("<u>Reds</u>", "Blues", "Greens"),
    candidates=("Ann Bob&lt;B", "Bob A<i>n</i>n", "Cat Qz<!--"),
)

pytestmark = pytest.mark.gui


def _two_round_room(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.ui.conftest import two_round_room
    from warroom.core.types import CountingSystem

    return two_round_room(
        qtbot,
        tmp_path,
        replace(HOSTILE, system=CountingSystem.TWO_ROUND),
        pollsters=("<b>Acme</b>", "Beta", "Gamma", "<b>Acme</b>", "Beta"),
        hypothesis="<u>Reds</u>",
        matchup="A<i>n</i>n-Bob",
    )


def test_names_that_look_like_markup_are_shown_as_typed_in_the_two_round_panel(qtbot, tmp_path: Path) -> None:
    for room in _two_round_room(qtbot, tmp_path):
        win = room.window
        qtbot.wait(300)
        assert room.two_round.active and win.scenario_scroll.widget() is room.two_round_panel
        QApplication.processEvents()
        assert misread(win) == [], "\n".join(map(repr, misread(win)))
        texts = " ".join(t for _, t in shown_texts(win))
        assert "A<i>n</i>n" in texts or "Bob&lt;B" in texts, texts[:2000]
        items = [c.itemText(i) for c in win.findChildren(QComboBox) for i in range(c.count())]
        assert not any(mangled in item for item in items for mangled in ("Bob<B",)), items


def test_names_that_look_like_markup_are_shown_as_typed_in_a_two_round_races_meeting_mode(
    qtbot, tmp_path: Path
) -> None:
    for room in _two_round_room(qtbot, tmp_path):
        win = room.window
        qtbot.wait(300)
        win.set_presentation_views(["answer", "charts", "scenario"])
        win.enter_presentation()
        try:
            for _ in range(3):
                qtbot.wait(200)
                assert misread(win) == [], (win.current_view(), misread(win))
                win.step_view(1)
        finally:
            win.leave_presentation()
