"""A fresh hostile pass (issue 16): a progress dialog's text holding a name is shown as typed.

QProgressDialog's label reads its text as HTML when it looks like some: File > Open of a big race named
`Toy <b>Mayor</b>` said "Loading Toy Mayor…" in bold, and a race named with `<!--` hid the rest ("Loading Qz");
a chart export to a file named so did the same ("Saving …"). The dialog of work on a worker thread
(`ui.qt_utils.work_progress`) shows its text as plain text, in every later text too.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from tests.ui.test_hostile_fresh_markup import misread, shown_texts

pytestmark = pytest.mark.gui


def test_a_progress_dialogs_text_is_shown_as_typed(qtbot) -> None:
    from warroom.ui.qt_utils import work_progress

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = work_progress("Loading Toy <b>Mayor</b> and Qz <!--Green…", "Open contest", "p", parent, lambda: None)
    dialog.show()
    assert misread(dialog) == [], shown_texts(dialog)
    labels = [w for w in dialog.findChildren(QLabel) if w.text()]
    assert labels and all(w.textFormat() == Qt.TextFormat.PlainText for w in labels)
    dialog.setLabelText("Saving Bob&lt;B.png…")
    assert misread(dialog) == [], shown_texts(dialog)
    assert any(w.text() == "Saving Bob&lt;B.png…" for w in dialog.findChildren(QLabel))
    dialog.close()


def test_the_store_line_tooltip_shows_a_path_like_markup_as_typed(room) -> None:
    """The status bar's store line is plain text, its tooltip (the same path) was read as HTML: a store in a folder
    named `<b>team</b>` showed "team" in bold, one named with `<!--` nothing after it."""
    from PySide6.QtGui import Qt as GuiQt
    from PySide6.QtGui import QTextDocument

    for where in ("/srv/<b>team</b>/polls.sqlite3", "/srv/a<!--b/polls.sqlite3", "/srv/x&lt;y/polls.sqlite3"):
        room.window.show_store(where)
        tip = room.window.status_store.toolTip()
        if GuiQt.mightBeRichText(tip):
            doc = QTextDocument()
            doc.setHtml(tip)
            tip = doc.toPlainText()
        assert tip == where
