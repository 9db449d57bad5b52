"""Hostile pass 11 (issue 16), the window under the displays and settings campaign laptops and projectors have:
a narrow scenario dock, meeting mode on a race with no polls."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from tests.conftest import TOY
from tests.ui.conftest import room_of


def _settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def test_a_narrow_scenario_dock_fits_its_content_to_its_width_never_scrolls_sideways(qtbot, tmp_path: Path) -> None:
    """Narrowed under 458 px (its least is 280), the scenario dock with a saved scenario scrolled sideways: the
    heatmap checkbox's one line ("Show the heatmap (margin by message strength and transfer split)": a checkbox
    never wraps) set the whole panel's least width, so the verdict, the chance and the slider ends were cut at the
    dock's edge behind a horizontal scrollbar. The checkbox's text is short now (the rest is its tooltip): the
    panel fits the dock at every width down to the dock's least, and the verdict takes the lines its text needs
    there (it had three, and was cut to "...by 3.2 point…" without its chance)."""
    from warroom.ui.dock_layout import MIN_SCENARIO_WIDTH

    for room in room_of(qtbot, tmp_path, TOY):
        win = room.window
        room.scenarios.save("Tie him to his party, then peel the drag back from the non-voters")
        win.resize(1366, 768)
        _settle(qtbot)
        for width in (450, 380, 320, MIN_SCENARIO_WIDTH):
            win.resizeDocks([win.scenario_dock], [width], Qt.Orientation.Horizontal)
            _settle(qtbot)
            scroll = win.scenario_scroll
            panel = room.scenario_panel
            assert win.scenario_dock.width() <= max(width, MIN_SCENARIO_WIDTH) + 2, (width, win.scenario_dock.width())
            assert not scroll.horizontalScrollBar().isVisible(), width
            assert panel.minimumSizeHint().width() <= scroll.viewport().width(), (width, panel.minimumSizeHint())
            assert panel.width() <= scroll.viewport().width(), width
            for label in (panel.verdict, panel.win_label, panel.runoff_label):  # the answer whole in its width
                assert label.geometry().right() <= panel.width(), (width, label.objectName())
            # the verdict whole, its chance included: it takes the lines it needs, not three and "…"
            assert panel.verdict.text() == panel.verdict.full_text(), (width, panel.verdict.text())
            assert panel.verdict.heightForWidth(panel.verdict.width()) <= panel.verdict.height(), width
        assert panel.heatmap_toggle.toolTip() != ""  # what the heatmap shows, said where the checkbox is


def test_meeting_mode_on_a_race_with_no_polls_says_there_is_no_heatmap_and_shows_no_other_races_figures(
    qtbot, tmp_path: Path
) -> None:
    """Meeting mode's scenario view on a race with no polls showed the heatmap as an empty frame of axes squashed
    under the answer's empty lines (a 278-px plot at 1920x1080; an empty black box in the window), and the
    transfer inputs still named the race open before with its figures ("Green (17.2 % first round)", a 42.9 %
    split). The heatmap's place now says why there is none, at the heatmap's size, and the transfer rows go until
    the race has a poll; opening a race with polls brings the chart and the rows back."""
    for room in room_of(qtbot, tmp_path, TOY):
        with room.poll_service._sessions.begin() as s:
            from warroom.store import polls as repo

            repo.add_contest(s, replace(TOY, name="Empty Mayor"))
        win = room.window
        panel = room.scenario_panel
        heatmap = panel.heatmap
        assert "17.2" in " ".join(w.text() for w in panel.transfers_box.findChildren(QLabel))  # (shown before)
        room.poll_service.open_contest("Empty Mayor")
        qtbot.waitUntil(lambda room=room: room.scenarios.view is None, timeout=5000)
        win.set_presentation_views(["scenario"])
        win.enter_presentation()
        try:
            win.setWindowState(Qt.WindowState.WindowNoState)  # the offscreen screen is smaller than a projector
            win.resize(1920, 1080)
            _settle(qtbot)
            assert "No poll of Empty Mayor" in panel.verdict.text()
            shown = [w.text() for w in panel.findChildren(QLabel) if w.isVisible()]
            assert not any("17.2" in t or "Green" in t for t in shown), shown  # nothing of the race open before
            empty = heatmap.findChild(QLabel, "heatmap_empty")
            assert heatmap.isVisible() and empty is not None and empty.isVisible()
            assert "No heatmap" in empty.text() and "poll" in empty.text(), empty.text()
            assert heatmap.plot is not None and not heatmap.plot.isVisible()  # no empty frame of axes
            assert empty.height() >= 200, empty.height()  # a sensible size, not squashed
        finally:
            win.leave_presentation()
        room.poll_service.open_contest(TOY.name)
        qtbot.waitUntil(lambda room=room: room.scenarios.view is not None, timeout=5000)
        _settle(qtbot)
        assert heatmap.plot.isVisible() and not heatmap.findChild(QLabel, "heatmap_empty").isVisible()
        assert "17.2" in " ".join(w.text() for w in panel.transfers_box.findChildren(QLabel) if w.isVisible())


def _mnemonics(win) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Alt+letter -> what carries it: the menu bar's menus and every button and group shown (or one click away)."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QMenuBar

    def letter(text: str) -> str | None:
        found = re.search(r"&([^&])", text.replace("&&", ""))
        return found.group(1).lower() if found else None

    carried: dict[str, list[str]] = {}
    named = [("menu", a.text(), True) for bar in win.findChildren(QMenuBar) for a in bar.actions()]
    named += [("button", b.text(), b.isVisibleTo(win) and b.isEnabled()) for b in win.findChildren(QAbstractButton)]
    named += [("group", g.title(), g.isVisibleTo(win)) for g in win.findChildren(QGroupBox)]
    for kind, text, active in named:
        key = letter(text)
        if key and active:
            carried.setdefault(key, []).append(f"{kind} {text}")
    return carried


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")  # offscreen, a menu opening
def test_no_alt_letter_is_carried_twice_so_each_does_what_it_says_at_the_first_press(qtbot, tmp_path: Path) -> None:
    """Alt+S was both the Scenario menu's and the scenario panel's "&Save as…" button's, and Alt+E both the Edit
    menu's and the poll table's "&Edit…" button's (once a poll is selected): Qt takes a key carried twice as
    ambiguous, so the first Alt+S only moved the focus to the button and the second opened the menu; neither saved.
    Each Alt+letter now has one carrier (Save as… keeps Ctrl+Shift+S; Edit… is Alt+I)."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QMenu

    for room in room_of(qtbot, tmp_path, TOY):
        win = room.window
        win.polls_pane.view.selectRow(0)  # Edit… and Delete on
        _settle(qtbot)
        assert win.polls_pane.edit_button.isEnabled()
        twice = {key: where for key, where in _mnemonics(win).items() if len(where) > 1}
        assert twice == {}, twice
        win.activateWindow()
        win.polls_pane.view.setFocus()
        QTest.keyClick(win.polls_pane.view, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
        _settle(qtbot)
        shown = [m.title() for m in win.findChildren(QMenu) if m.isVisible()]
        for menu in win.findChildren(QMenu):
            menu.hide()
        assert shown == ["&Scenario"], shown  # the first press opens the menu it names


def test_in_a_right_to_left_window_the_poll_tables_figures_and_dates_read_left_to_right(qtbot, tmp_path: Path) -> None:
    """With the window right to left (an Arabic or Hebrew system), the poll table drew the runoff lead "+6" as
    "6+" and the fieldwork "25–27 Mar 2024" as "Mar 2024 27–25": a figure and a date misread. A cell holding a
    figure or a date is laid out left to right now, in its mirrored place; a name keeps the window's direction."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    QApplication.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        for room in room_of(qtbot, tmp_path, TOY):
            view = room.window.polls_pane.view
            model = view.model()
            assert view.isRightToLeft()
            seen = {}
            for column in range(model.columnCount()):
                index = model.index(1, column)
                option = QStyleOptionViewItem()
                option.initFrom(view)
                view.itemDelegateForIndex(index).initStyleOption(option, index)
                seen[str(model.headerData(column, Qt.Orientation.Horizontal))] = (option.text, option.direction)
            for head in ("Fieldwork", "Sample", "Red", "Runoff Red–Blue"):
                text, direction = seen[head]
                if text:
                    assert direction == Qt.LayoutDirection.LeftToRight, (head, text)
            assert seen["Runoff Red–Blue"][0] == "+6"
            assert seen["Pollster"][1] == Qt.LayoutDirection.RightToLeft  # a name as the window lays it out
    finally:
        QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
