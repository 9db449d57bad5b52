"""The paste dialog's column choices and year were lost without a word on a stray Escape (or Cancel), as typed
forms' were before the discard question: with a column's field or the year changed since it was shown, it now
asks "Discard this paste and the column choices made?", Keep editing the default; untouched, it closes at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from tests.ui.test_hostile_keyboard import _answer_the_question
from warroom.core.paste import split_table
from warroom.ui.paste_dialog import PasteDialog

pytestmark = pytest.mark.gui

QUESTION = "Discard this paste and the column choices made? Nothing of it is imported."


def _dialog(qtbot, demo) -> PasteDialog:  # type: ignore[no-untyped-def]
    contest = demo.poll_service.contest
    names = [c.display for c in contest.candidates]
    table = f"Pollster\tFieldwork\t{names[0]}\t{names[1]}\tOthers\nAcme\t28 Apr 2012\t44\t38\t18\n"
    dialog = PasteDialog(split_table(table), contest, demo.import_worker)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_escape_after_a_column_choice_asks_first(qtbot, demo) -> None:  # type: ignore[no-untyped-def]
    untouched = _dialog(qtbot, demo)
    QTest.keyClick(untouched, Qt.Key.Key_Escape)
    assert not untouched.isVisible() and untouched.result() == QDialog.DialogCode.Rejected

    dialog = _dialog(qtbot, demo)
    dialog.pickers[4].setCurrentIndex(0)  # "Others" made "not imported"
    heard: list[str | None] = []
    _answer_the_question(dialog, "&Keep editing", heard)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert heard == [QUESTION] and dialog.isVisible() and dialog.pickers[4].currentIndex() == 0
    _answer_the_question(dialog, "&Discard", heard)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert len(heard) == 2 and not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
