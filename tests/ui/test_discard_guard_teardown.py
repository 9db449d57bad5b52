"""A form's discard guard handed the dialog's events while it is being collected raises nothing.

The guard is the dialog's child and its event filter; collected with the dialog in a garbage-collector cycle, its
Python attributes are cleared while Qt still hands it the dialog's last events. Its event filter read
`self._dialog` and raised AttributeError inside Qt's event loop (one CI run: the official result dialog's test).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout

from warroom.ui.qt_utils import DiscardGuard


def test_a_guard_whose_attributes_are_cleared_lets_the_dialogs_events_pass(qapp) -> None:
    dialog = QDialog()
    QVBoxLayout(dialog).addWidget(QLineEdit(dialog))
    guard = DiscardGuard(dialog, "poll")
    guard.__dict__.clear()  # as the collector's clear of a cycle leaves it, the C++ filter still installed
    QApplication.sendEvent(dialog, QEvent(QEvent.Type.Show))
    QApplication.sendEvent(dialog, QEvent(QEvent.Type.Close))
    assert guard.eventFilter(dialog, QEvent(QEvent.Type.Show)) is False
    dialog.deleteLater()
