"""A DataLabel whose attributes a garbage-collector cycle cleared still takes Qt's events without an exception."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget

from warroom.ui.qt_utils import DataLabel


def test_a_label_whose_attributes_were_cleared_takes_a_font_change_without_an_exception(qtbot) -> None:
    """The clean-clone CI run of 1 December logged "'DataLabel' object has no attribute '_fitting'" from its
    changeEvent (a label collected in a cycle, or not yet through __init__, while Qt sent it a font change), and
    a test worker then died of a segmentation fault. The handlers now find the class's defaults."""
    parent = QWidget()
    qtbot.addWidget(parent)
    label = DataLabel("Johnson 44.1", parent)
    label.fit(2)
    parent.show()
    label.__dict__.clear()  # (what the collector does to an object in a cycle before it is freed)
    QApplication.sendEvent(label, QEvent(QEvent.Type.FontChange))
    QApplication.sendEvent(label, QEvent(QEvent.Type.StyleChange))
    label.resize(120, 40)
    QApplication.processEvents()
    assert label.full_text() == ""


def test_a_top_level_widget_python_owns_is_deleted_whole_between_tests() -> None:
    """The suite's teardown hook deletes every top-level widget Python owns (with its children) in a DeferredDelete
    pass between tests, so the cyclic collector never frees such a tree later, in the middle of another test's
    event processing (the three segmentation faults of the clean-clone CI runs followed such a tree's labels
    taking events after the collector had cleared them)."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication

    from tests.conftest import _delete_python_owned_windows

    owned = QWidget()  # a top-level widget no test closes: Python owns it
    child = DataLabel("Johnson 44.1", owned)
    owned.show()
    _delete_python_owned_windows()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(owned)
    assert not shiboken6.isValid(child)
    assert all(shiboken6.isValid(w) for w in QApplication.topLevelWidgets())
