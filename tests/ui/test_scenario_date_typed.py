"""The scenario panel's "as of" date takes a date typed key by key as written.

Qt's date box moved on to the month by itself after four digits of year, and the "-" typed next moved on again, to
the day: "2024-02-20" typed into the baseline's date gave the poll average as of another day (the forms' date
fields had the same fault: qt_utils.FormDateEdit)."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest


def test_a_baseline_date_typed_in_full_is_the_date_the_average_is_read_on(room, qtbot) -> None:
    panel = room.scenario_panel
    index = next(i for i in range(panel.baseline_combo.count()) if panel.baseline_combo.itemData(i)[0] == "as_of")
    with qtbot.waitSignal(room.scenarios.baseline_changed, timeout=2000):
        panel.baseline_combo.setCurrentIndex(index)
    box = panel.baseline_date
    box.setDate(QDate(2024, 3, 15))
    window = box.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    box.clearFocus()
    box.setFocus(Qt.FocusReason.TabFocusReason)  # the year selected, as a user's Tab in gives it
    QTest.keyClicks(box, "2024-02-20")
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert box.date() == QDate(2024, 2, 20)
    qtbot.waitUntil(lambda: "20 Feb 2024" in panel.baseline_label.text(), timeout=3000)


def test_a_baseline_date_that_does_not_exist_is_said_in_the_box(room, qtbot) -> None:
    """31 February typed showed the 3rd and read the average on it without a word; now the box says the day
    shown is not the day typed, until a date is typed again."""
    panel = room.scenario_panel
    index = next(i for i in range(panel.baseline_combo.count()) if panel.baseline_combo.itemData(i)[0] == "as_of")
    panel.baseline_combo.setCurrentIndex(index)
    box = panel.baseline_date
    window = box.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    for text, said in (("2024-02-31", True), ("2024-02-20", False)):
        box.clearFocus()
        box.setFocus(Qt.FocusReason.TabFocusReason)
        QTest.keyClicks(box, text)
        QTest.keyClick(box, Qt.Key.Key_Return)
        assert ("The average is read on the day shown" in box.toolTip()) is said, box.toolTip()
        assert bool(box.accessibleDescription()) is said
