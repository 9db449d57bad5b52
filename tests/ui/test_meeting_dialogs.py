"""Issue 16: a dialog opened in meeting mode came up in the desk look (the projector's sheet is on the meeting
stack only, and a dialog is a window of its own): the forecast dialog's summary in small dark type on white over
a black room. A dialog first shown while the window presents takes the projector's sheet (ui.meeting_dialogs);
one shown outside meeting mode keeps the desk look."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QMessageBox

pytestmark = pytest.mark.gui


def test_a_dialog_opened_in_meeting_mode_has_the_projector_look(room, qtbot) -> None:
    win = room.window
    win.enter_presentation()
    try:
        dialog = room.scenario_actions.forecast_dialog()
        dialog.show()
        qtbot.waitExposed(dialog)
        assert "font-size: 20pt" in dialog.styleSheet()
        summary = dialog.summary
        assert summary.palette().color(QPalette.ColorRole.WindowText).name() == "#ffffff"
        assert summary.font().pointSize() >= 20
        box = QMessageBox(QMessageBox.Icon.Warning, "warroom", "A teammate's change could not be saved.", parent=win)
        box.show()
        assert "font-size: 20pt" in box.styleSheet()
        box.close()
        dialog.close()
    finally:
        win.leave_presentation()
    desk = room.scenario_actions.forecast_dialog()
    desk.show()
    qtbot.waitExposed(desk)
    assert desk.styleSheet() == "" and desk.summary.font().pointSize() < 20
    desk.close()
