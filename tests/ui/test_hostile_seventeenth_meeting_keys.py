"""Issue 16, a fresh pass on meeting mode driven by the keyboard alone. Each test failed before its fix."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QApplication, QWidget

from tests.conftest import make_poll
from warroom.store import polls as repo

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing", "propagateSizeHints"),
]


def _settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def _key(qtbot, key: Qt.Key, window: QWidget) -> None:  # type: ignore[no-untyped-def]
    QTest.keyClick(QApplication.focusWidget() or window, key)
    _settle(qtbot)


def _meeting(room: Any, qtbot, views: list[str]) -> Any:  # type: ignore[no-untyped-def]
    win = room.window
    _settle(qtbot)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    win.set_presentation_views(views)
    _key(qtbot, Qt.Key.Key_F11, win)
    assert win.presenting
    return win


def _tab_to(qtbot, win: QWidget, kind: type) -> QWidget:  # type: ignore[no-untyped-def]
    """Press Tab until a widget of `kind` has the focus, as a keyboard user does."""
    for _ in range(80):
        _key(qtbot, Qt.Key.Key_Tab, win)
        focused = QApplication.focusWidget()
        if isinstance(focused, kind):
            return focused
    raise AssertionError(f"Tab never reached a {kind.__name__}")


@pytest.mark.parametrize("kind", [QAbstractSlider, QAbstractButton, QAbstractSpinBox])
def test_in_meeting_mode_the_widget_tab_reaches_is_drawn_otherwise_than_without_the_focus(
    demo, qtbot, kind: type
) -> None:
    """The projector's style sheet drew a focused slider exactly as an unfocused one (its groove and handle styled,
    Qt's focus frame gone): a keyboard user stepping through the scenario view with Tab could not see which slider
    the arrows would move. The window's own style shows it."""
    win = _meeting(demo, qtbot, ["scenario"])
    focused = _tab_to(qtbot, win, kind)
    with_focus = focused.grab().toImage()
    _key(qtbot, Qt.Key.Key_Tab, win)
    assert not focused.hasFocus()
    assert focused.grab().toImage() != with_focus, f"{type(focused).__name__} {focused.objectName()}"
    win.leave_presentation()


def test_leaving_meeting_mode_gives_the_focus_back_where_it_was(demo, qtbot) -> None:
    """Esc left meeting mode with no widget focused at all (the one focused on the projector went back into a
    hidden dock): a keyboard user did not know where the next key would go."""
    win = demo.window
    _settle(qtbot)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    table = win.polls_pane.view
    table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(table.hasFocus)
    _meeting(demo, qtbot, ["answer", "charts", "scenario"])
    for _ in range(2):
        _key(qtbot, Qt.Key.Key_PageDown, win)
    assert win.current_view() == "scenario"
    _tab_to(qtbot, win, QAbstractSlider)
    _key(qtbot, Qt.Key.Key_Escape, win)
    assert not win.presenting
    assert QApplication.focusWidget() is table


@pytest.mark.parametrize("meeting", [True, False])
def test_a_figure_being_typed_in_a_lever_is_kept_when_a_teammates_poll_lands(room, qtbot, meeting: bool) -> None:
    """A lever's figure typed and not yet entered (Enter or Tab applies it) was put back to the lever's value when a
    teammate's poll landed and the scenario was shown again: "33" typed became "0.0 %", and Enter applied 0."""
    win = _meeting(room, qtbot, ["scenario"]) if meeting else room.window
    field = win.findChild(QAbstractSpinBox, "message_strength_value")
    assert field is not None and field.isVisible()
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(field.hasFocus)
    field.lineEdit().selectAll()
    QTest.keyClicks(field.lineEdit(), "33")
    with room.store.sessions.begin() as s:
        repo.add_polls(s, room.poll_service.contest.id, [make_poll(28, pollster="Landed", a=30, b=50, c=20)])
    room.poll_service.reload(external=True)  # the watch's next look
    qtbot.waitUntil(lambda: any(p.pollster == "Landed" for p in room.poll_service.polls), timeout=10000)
    _settle(qtbot)
    assert field.text() == "33 %"
    QTest.keyClick(field.lineEdit(), Qt.Key.Key_Return)
    _settle(qtbot)
    assert field.value() == 33.0
    if meeting:
        win.leave_presentation()


def test_the_key_that_enters_meeting_mode_leaves_it(demo, qtbot) -> None:
    """F11 (View > Presentation mode) entered meeting mode and did nothing there: its action lived only in the menu
    bar and the toolbar, which meeting mode hides, so its shortcut was dead; only Esc left."""
    win = _meeting(demo, qtbot, ["answer", "charts"])
    _key(qtbot, Qt.Key.Key_F11, win)
    assert not win.presenting and win.menuBar().isVisible()
    _key(qtbot, Qt.Key.Key_F11, win)
    assert win.presenting
    _key(qtbot, Qt.Key.Key_Escape, win)
    assert not win.presenting


def test_a_date_being_typed_in_the_as_of_box_is_kept_when_a_teammates_poll_lands(room, qtbot) -> None:
    """The scenario's "average on a date" box, "2024-03-1" typed: a teammate's poll landing set the box again to the
    date it had, its text put back to "2024-03-02", so the "5" typed next was refused ("the 5 typed was not
    taken") and the average stayed on 2 March."""
    from warroom.ui.scenario_panel import ScenarioPanel

    win = room.window
    _settle(qtbot)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    panel = win.findChild(ScenarioPanel)
    combo = panel.baseline_combo
    combo.setCurrentIndex(next(i for i in range(combo.count()) if combo.itemData(i)[0] == "as_of"))
    box = panel.baseline_date
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus)
    QTest.keyClicks(box, "2024-03-1")
    with room.store.sessions.begin() as s:
        repo.add_polls(s, room.poll_service.contest.id, [make_poll(28, pollster="Landed", a=30, b=50, c=20)])
    room.poll_service.reload(external=True)
    qtbot.waitUntil(lambda: any(p.pollster == "Landed" for p in room.poll_service.polls), timeout=10000)
    _settle(qtbot)
    assert box.text() == "2024-03-1"
    QTest.keyClicks(box, "5")
    QTest.keyClick(box, Qt.Key.Key_Return)
    _settle(qtbot)
    assert not box.typed_problem
    assert panel.model.choice.as_of is not None and panel.model.choice.as_of.isoformat() == "2024-03-15"
