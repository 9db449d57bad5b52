"""The pasted-table form is let go of once answered (issue 16, pass h1).

Edit > Paste polls made its column-mapping form as a child of the window and never deleted it: hidden, each one kept
the whole pasted table (its rows, the preview's cells) as long as the window, one more per paste.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog

from warroom.ui.paste_dialog import PasteDialog

pytestmark = pytest.mark.gui

TABLE = "Firm\tEnded\tAnn\tBob\tCat\nAcme\t2024-03-01\t45\t40\t15\nBeta\t2024-03-05\t44\t41\t15\n"


def test_each_paste_form_is_deleted_once_answered(room, monkeypatch) -> None:
    shown: list[PasteDialog] = []

    def cancel(dialog: PasteDialog) -> int:
        shown.append(dialog)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(PasteDialog, "exec", cancel)
    for _ in range(2):
        room.import_actions.import_text(TABLE)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(shown) == 2  # the form was shown each time (the table is not in the app's own columns)
    assert room.window.findChildren(PasteDialog) == []
