"""Hostile pass (issue 16): the window with a keyboard only (a staffer at a projector with a clicker and a
keyboard, no mouse) and a screen reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar

from tests.conftest import TOY
from tests.ui.conftest import room_of


def _settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _menu_faults(menu: QMenu, path: str) -> list[str]:
    """Every action of `menu` and its submenus with neither a mnemonic nor a key, and every letter carried twice in
    one menu (Qt then only moves the highlight between the two: the letter does nothing at its first press)."""
    faults: list[str] = []
    letters: dict[str, list[str]] = {}
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        letter = _mnemonic(action.text())
        if letter:
            letters.setdefault(letter, []).append(action.text())
        if action.menu() is not None:
            faults += _menu_faults(action.menu(), f"{path} > {action.text()}")
        elif letter is None and action.shortcut().isEmpty():
            faults.append(f"{path} > {action.text()!r}: no key and no mnemonic")
    faults += [f"{path}: Alt+{k} carried by {v}" for k, v in letters.items() if len(v) > 1]
    return faults


def _all_menu_faults(win) -> list[str]:  # type: ignore[no-untyped-def]
    faults: list[str] = []
    for bar in win.findChildren(QMenuBar):
        for action in bar.actions():
            if action.menu() is not None:
                action.menu().aboutToShow.emit()  # (menus filled as they open are filled)
                faults += _menu_faults(action.menu(), action.text())
    return faults


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")  # offscreen, a menu opening
def test_every_menu_action_has_a_key_or_a_letter_of_its_own_in_its_menu(qtbot, tmp_path: Path) -> None:
    """File carried Alt+C twice (Edit &contest…, Export &chart), Edit Alt+R (&Redo, &Remove event marker…) and
    Alt+E (&Edit poll…, Add &event marker…): Qt takes a letter carried twice in one menu as a choice, so pressing
    it only moved the highlight and opened nothing. The three single-chart exports, View's Polls and Scenario
    and the Scenario menu's saved cases had neither a letter nor a key. Now each has one, and File then C (or
    whatever Export chart's letter is) opens the export submenu at the first press."""
    for room in room_of(qtbot, tmp_path, TOY):
        win = room.window
        room.scenarios.save("Plan A")
        room.scenarios.save("Plan B")
        _settle(qtbot)
        assert _all_menu_faults(win) == []

        file_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&File")
        export = next(a for a in file_menu.actions() if a.menu() is win.export_menu)
        win.activateWindow()
        file_menu.popup(win.mapToGlobal(win.rect().center()))
        qtbot.waitUntil(file_menu.isVisible)
        letter = _mnemonic(export.text())
        assert letter is not None
        QTest.keyClick(file_menu, getattr(Qt.Key, f"Key_{letter.upper()}"))
        _settle(qtbot)
        opened = win.export_menu.isVisible()
        for menu in win.findChildren(QMenu):
            menu.hide()
        assert opened, f"Alt+F then {letter} did not open {export.text()}"


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")
def test_a_saved_case_is_loaded_from_the_scenario_menu_by_its_number(qtbot, tmp_path: Path) -> None:
    """The Scenario menu's saved cases had no letter: a keyboard user arrowed through the whole menu. The first
    nine are numbered (&1 Load 'Plan A'), the Delete submenu's alike, and the number loads the case."""
    for room in room_of(qtbot, tmp_path, TOY):
        win = room.window
        room.scenarios.save("Plan A")
        room.scenarios.save("Plan B")
        _settle(qtbot)
        menu = win.scenario_menu
        menu.aboutToShow.emit()
        loads = [a for a in menu.actions() if a.text().startswith("&") and "Load" in a.text()]
        assert [_mnemonic(a.text()) for a in loads] == ["1", "2"], [a.text() for a in menu.actions()]
        delete = next(a.menu() for a in menu.actions() if a.menu() is not None)
        assert [_mnemonic(a.text()) for a in delete.actions()] == ["1", "2"]
        chosen: list[QAction] = []
        menu.triggered.connect(chosen.append)
        win.activateWindow()
        menu.popup(win.mapToGlobal(win.rect().center()))
        qtbot.waitUntil(menu.isVisible)
        QTest.keyClick(menu, Qt.Key.Key_2)
        _settle(qtbot)
        menu.hide()
        assert chosen == [loads[1]]  # Plan B, at the first press


def _control_names(win) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """The accessible names of the window's shown sliders and typed fields, by kind."""
    from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox

    names: dict[str, list[str]] = {"slider": [], "field": []}
    for kind, cls in (("slider", QAbstractSlider), ("field", QAbstractSpinBox)):
        for widget in win.findChildren(cls):
            if widget.isVisibleTo(win) and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                names[kind].append(widget.accessibleName())
    return names


def test_a_screen_reader_tells_every_slider_and_typed_value_of_a_two_round_race_apart(france_room, qtbot) -> None:
    """The two-round panel's transfer sliders and their typed values were named after their objects, "runoff 0: "
    four times over and "runoff 1: " as often: a screen reader heard eight sliders alike, never whose voters go to
    which finalist. Each is named now for whose voters and where ("Mélenchon's voters: Macron"), and no two shown
    sliders (or typed values) share a name."""
    win = france_room.window
    _settle(qtbot)
    names = _control_names(win)
    assert names["slider"], names
    for kind, said in names.items():
        assert all(n.strip() and not n.rstrip().endswith(":") for n in said), (kind, said)
        twice = sorted({n for n in said if said.count(n) > 1})
        assert twice == [], (kind, twice)
    assert "Mélenchon's voters: to Macron" in names["slider"], names["slider"]
