"""Dialogs opened in meeting mode take the projector's look.

Meeting mode's sheet (resources/styles/projector.qss) is set on the window's stack of meeting views only (set on
the window, it re-polished the hidden docks and the poll table: ui.main_window.enter_presentation), so a dialog,
a top-level window of its own, never had it: Scenario > Forecast over time or an error opened over the projector
came up in the desk look, small dark text on white in a black room. The window's direct children are polished
once, when first shown (Qt sends the parent QEvent.ChildPolished); a dialog polished while the window presents is
given the projector's sheet on itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QDialog, QWidget

from warroom.ui.assets import stylesheet

PROJECTOR_SHEET = "projector"
"""The sheet a dialog opened in meeting mode takes (the meeting stack's own)."""


class MeetingDialogLook(QObject):
    """An event filter on the main window: a dialog of the window first shown while it presents (its `presenting`
    attribute) takes the projector's sheet; one shown outside meeting mode is left as it is.

    Args:
        window: the main window (the dialogs' parent).
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._sheet = ""  # read the first time a dialog needs it
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ChildPolished and getattr(self._window, "presenting", False):
            child = event.child()  # type: ignore[attr-defined]
            if isinstance(child, QDialog) and not child.styleSheet():
                self.give_look(child)
        return False

    def give_look(self, dialog: QWidget) -> None:
        """Set the projector's sheet on `dialog` (a dialog of the window shown in meeting mode)."""
        if not self._sheet:
            self._sheet = stylesheet(PROJECTOR_SHEET)
        dialog.setStyleSheet(self._sheet)
