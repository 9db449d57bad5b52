"""Hostile pass 10 (issue 16), window: surfaces no pass had tried: a race left with no polls (every poll deleted,
or another race with none opened) in the scenario panel, meeting mode and the briefing; very large or very
thin exported pictures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.conftest import TOY
from tests.ui.conftest import room_of

STALE = "Gap not closed"  # the verdict the toy race's polls give (its first words)


def _settle(qtbot, room) -> None:  # type: ignore[no-untyped-def]
    """Let the window take in what the services said (the panels follow a few event-loop turns later)."""
    for _ in range(20):
        QApplication.processEvents()


def _shows_no_case(room, reason: str) -> None:  # type: ignore[no-untyped-def]
    """Nothing of a case from polls the race no longer has, anywhere a figure is shown: the scenario panel, meeting
    mode's answer page and the briefing (which the command line's `warroom scenario` agrees with: no polls, no
    case)."""
    panel = room.scenario_panel
    assert room.scenarios.view is None and room.scenarios.baseline is None
    assert STALE not in panel.verdict.text() and reason in panel.verdict.text(), panel.verdict.text()
    for label in (panel.runoff_label, panel.win_label, panel.break_even_label, panel.baseline_label):
        assert "%" not in label.text() and "Poll average" not in label.text(), label.text()
    assert not panel.message_box.isEnabled() and not panel.transfers_box.isEnabled()
    answer = room.answer_view
    assert STALE not in answer.verdict.text() and reason in answer.verdict.text(), answer.verdict.text()
    assert answer.details.text() == "" and not answer.projected.isVisible()
    assert answer.line.getData()[0] is None or len(answer.line.getData()[0]) == 0
    assert not answer.band.isVisible() or answer.band.path().isEmpty()  # the last race's band is not drawn
    assert room.briefing().scenarios == []


def test_a_race_whose_polls_are_all_deleted_shows_no_case_from_them_anywhere(qtbot, tmp_path: Path) -> None:
    """Deleting every poll of a race left the scenario panel, meeting mode's answer page and the briefing PDF on the
    verdict, margin and chance the deleted polls gave ("Red still ahead ... 63 % chance", "Baseline: Poll average
    on 29 Mar 2024"), while `warroom scenario` said there were no polls: the controller kept its last case when
    there was none to build. It now drops it and says why; an Undo brings the polls and the case back."""
    for room in room_of(qtbot, tmp_path, TOY):
        assert STALE in room.answer_view.verdict.text()  # built with the case in
        ps = room.poll_service
        room.window.polls_pane.view.selectAll()  # Ctrl+A, Delete: as the user does it (one undo step)
        room.window.delete_selected()
        qtbot.waitUntil(lambda ps=ps: ps.polls == [], timeout=5000)
        _settle(qtbot, room)
        _shows_no_case(room, "No poll of Toyton Mayor")
        room.window.undo_stack.undo()
        qtbot.waitUntil(lambda room=room: room.scenarios.view is not None, timeout=10000)
        _settle(qtbot, room)
        assert STALE in room.scenario_panel.verdict.text() and STALE in room.answer_view.verdict.text()
        assert room.scenario_panel.message_box.isEnabled() and room.answer_view.projected.isVisible()
        room.answer_view.show()  # (hidden outside meeting mode, the page draws the averages when shown)
        assert room.answer_view.band.isVisible() and not room.answer_view.band.path().isEmpty()
        room.answer_view.hide()
        assert [s.name for s in room.briefing().scenarios] == ["Current settings"]


def test_opening_a_race_with_no_polls_shows_nothing_of_the_race_open_before(qtbot, tmp_path: Path) -> None:
    """Opening another race that has no polls yet left the last race's whole case on screen under the new race's
    name: its verdict and chance in the scenario panel and in meeting mode, its runoff band in the answer page."""
    for room in room_of(qtbot, tmp_path, TOY):
        with room.poll_service._sessions.begin() as s:
            from warroom.store import polls as repo

            repo.add_contest(s, replace(TOY, name="Empty Mayor"))
        window = room.window
        window.set_presentation_views(["answer"])
        window.enter_presentation()
        _settle(qtbot, room)
        assert STALE in room.answer_view.verdict.text()
        window.leave_presentation()
        room.poll_service.open_contest("Empty Mayor")
        qtbot.waitUntil(lambda room=room: room.poll_service.contest.name == "Empty Mayor")
        _settle(qtbot, room)
        window.enter_presentation()
        _settle(qtbot, room)
        assert window.stack.currentWidget() is room.answer_view
        _shows_no_case(room, "No poll of Empty Mayor")
        window.leave_presentation()


def test_meeting_mode_on_a_race_with_no_polls_says_so_instead_of_an_empty_chart_of_1970(qtbot, tmp_path: Path) -> None:
    """Meeting mode opened on a race with no polls yet showed an empty answer page: no headline, and a chart whose
    date axis ran through 1 January 1970 ("59.750 00:00:00 00.250") under "this scenario +0.0". The page is
    built on first use, after the controller had said there was no case; it now asks the controller why."""
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services.settings import open_settings
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        repo.add_contest(s, TOY)
    room = WarRoom(store, open_settings(paths), watch=False)  # (running_room waits for a case this race has not)
    qtbot.addWidget(room.window)
    try:
        room.window.resize(1600, 1000)
        room.window.show()
        qtbot.waitUntil(lambda: room.scenario_panel.verdict.text() != "")
        window = room.window
        window.set_presentation_views(["answer"])
        window.enter_presentation()
        _settle(qtbot, room)
        answer = room.answer_view
        assert window.stack.currentWidget() is answer
        assert "No poll of Toyton Mayor" in answer.verdict.text(), answer.verdict.text()
        assert not answer.chart.isVisible() and not answer.projected.isVisible()
        window.leave_presentation()
    finally:
        room.window.close()
        store.close()


def test_a_picture_of_a_thin_view_at_a_large_width_is_refused_not_made_gigabytes_high(qapp, tmp_path: Path) -> None:
    """A view far taller than wide exported at a large width made a picture whose height passed any a picture may
    have (the scenario panel at the dialog's 8,000 pixels: 8000 x 17000 and more, half a gigabyte in memory, or
    a null image and Qt's painter warnings where memory ran out). Refused, naming the widest width that fits,
    nothing written; the window's width dialog offers no more than that."""
    from PySide6.QtWidgets import QWidget

    from warroom.ui.export import MAX_PICTURE_SIDE, ExportError, export_problem, widest_picture, widget_to_png

    thin = QWidget()
    thin.resize(20, 400)
    out = tmp_path / "thin.png"
    with pytest.raises(ExportError) as refused:
        widget_to_png(thin, out, 1000)
    message = export_problem(out, refused.value)
    assert "at most 819 pixels" in message and "16,384" in message and message.endswith("nothing written"), message
    assert not out.exists() and not list(tmp_path.iterdir())
    assert widest_picture(thin.size()) == 819 == MAX_PICTURE_SIDE * 20 // 400
    image = widget_to_png(thin, out, 819)
    assert (image.width(), image.height()) == (819, 16380)


def test_the_windows_png_dialogs_offer_no_width_past_what_fits(room, tmp_path: Path, monkeypatch) -> None:
    """The window's "Width in pixels" dialog offered up to 8,000 for any view, however tall: its top is now the
    widest width whose picture fits (the view's and the chart's own shape)."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

    from warroom.ui.export import MAX_PICTURE_SIDE

    asked: list[int] = []

    def get_int(*args: object, **_kw: object) -> tuple[int, bool]:
        asked.append(int(args[5]))  # type: ignore[call-overload]  # (parent, title, label, value, min, max, step)
        return 0, False

    monkeypatch.setattr(QInputDialog, "getInt", get_int)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "view.png"), ""))
    tall = QWidget()
    tall.resize(300, 3000)
    room.window.export_view_dialog(tall, "png")
    assert asked == [MAX_PICTURE_SIDE * 300 // 3000]
    room.window.export_view_dialog(room.window.charts, "png")
    assert asked[-1] == 8000  # a wide view: the dialog's own top


def test_a_meeting_view_naming_a_saved_scenario_that_is_gone_says_so_on_the_projector(qtbot, tmp_path: Path) -> None:
    """settings.ini's meeting-mode views can name a saved scenario (`scenario:Plan B`) deleted or renamed since:
    stepping to it showed the saved scenario presented before it ("Saved scenario 'Plan A'", its verdict and
    chance) and said "no saved scenario named 'Plan B'" in the status bar, which meeting mode hides. The page now
    says, in the projector's type, that no such scenario is saved in the race; the next view still shows."""
    for room in room_of(qtbot, tmp_path, TOY):
        room.scenarios.set_message_strength(0.5)
        room.scenario_actions.save_as("Plan A")
        _settle(qtbot, room)
        window = room.window
        window.set_presentation_views(["scenario:Plan A", "scenario:Plan B", "scenario:Plan A"])
        window.enter_presentation()
        _settle(qtbot, room)
        pages = room.saved_pages
        assert pages.currentWidget() is pages.runoff_panel and "Plan A" in room.saved_panel.title_label.text()
        window.step_view(1)
        _settle(qtbot, room)
        assert window.current_view() == "scenario:Plan B"
        shown = pages.currentWidget()
        assert shown is pages.missing and shown.isVisible(), shown
        text = pages.missing.text()
        assert "No saved scenario named 'Plan B'" in text and "Toyton Mayor" in text, text
        window.step_view(1)
        _settle(qtbot, room)
        assert pages.currentWidget() is pages.runoff_panel and "Plan A" in room.saved_panel.title_label.text()
        window.leave_presentation()


def _window_shortcuts(window) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Each key sequence bound in the window's menus (every menu, the Scenario menu as filled now), with the actions
    bound to it."""
    from PySide6.QtGui import QAction

    bound: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            bound.setdefault(key.toString(), []).append(action.text())
    return bound


def test_no_two_actions_share_a_key_so_none_goes_dead_when_both_are_on(demo, qtbot) -> None:
    """Edit > Retry unsaved change and Scenario > Reset to baseline were both Ctrl+Shift+R: once a change failed
    (the store busy, when Retry turns on) the key was ambiguous and Qt ran neither, so the keyboard could neither
    retry the change nor reset the scenario. Every key is now bound once; with Retry on, each key runs its action."""
    from PySide6.QtGui import QKeySequence

    window = demo.window
    shared = {key: texts for key, texts in _window_shortcuts(window).items() if len(texts) > 1}
    assert not shared, shared
    window.action_retry.setEnabled(True)  # as after a change the store refused
    fired: list[str] = []
    window.action_retry.triggered.disconnect()
    window.action_retry.triggered.connect(lambda: fired.append("retry"))
    window.activateWindow()
    window.polls_pane.view.setFocus()
    qtbot.keySequence(window, window.action_retry.shortcut())
    assert fired == ["retry"]
    reset = next(a for a in window.scenario_menu.actions() if a.text() == "&Reset to baseline")
    assert reset.shortcut() == QKeySequence("Ctrl+Shift+R")  # the key the README gives it; Retry is Ctrl+R
    assert window.action_retry.shortcut() == QKeySequence("Ctrl+R")


def test_tab_leaves_the_poll_table_so_the_keyboard_reaches_the_scenario_panel(demo, qtbot) -> None:
    """Tab in the poll table moved from cell to cell (Qt's default for item views), so a keyboard-only user who
    tabbed into it went through every cell of every poll (17 polls: 300 presses; 10,000 polls: never) before
    reaching the scenario panel or the charts. Arrows move between cells; Tab moves on to the next control."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    window = demo.window
    window.activateWindow()
    table = window.polls_pane.view
    table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table
    seen = []
    for _ in range(12):
        widget = QApplication.focusWidget()
        assert widget is not None  # focus is never lost
        seen.append(widget.objectName())
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert "message_strength" in seen, seen  # the scenario panel's first lever, within a dozen presses


def test_a_briefing_with_more_scenarios_than_a_page_holds_loses_none(qapp, tmp_path: Path) -> None:
    """The briefing drew every saved scenario on one A4 page, whatever their number: with ten saved scenarios (the
    London demo) four were printed and six, with the sources, were drawn below the page's edge, lost without a
    word. What does not fit goes on to the next page; nothing is drawn outside a page."""
    import re
    import shutil
    import subprocess

    from warroom.ui.export import Briefing, BriefingScenario, write_briefing_pdf

    details = ["Baseline: Poll average on 02 May 2012", "Message: none", "Paddick's voters: 31 % to Johnson"] * 2
    scenarios = [
        BriefingScenario(f"Plan{i:02d}", "Gap not closed", 5.5, "break-even 32 %", 0.21, details) for i in range(30)
    ]
    sources = [f"Pollster{i:02d}: https://example.org/{i}" for i in range(40)]
    briefing = Briefing(
        "London Mayor 2012", "2 May 2012", ["Johnson 44.1"], ["Johnson leads by 6.6"], scenarios, sources
    )
    pdf = tmp_path / "briefing.pdf"
    pages = write_briefing_pdf(briefing, pdf)
    info, text = shutil.which("pdfinfo"), shutil.which("pdftotext")
    assert info is not None and text is not None, "poppler-utils is needed to read the briefing back"
    counted = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run([info, str(pdf)], capture_output=True, text=True).stdout)[1]
    )
    assert pages == counted >= 2
    words = subprocess.run([text, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    missing = [s.name for s in scenarios if s.name not in words]
    assert not missing, f"{len(missing)} scenarios not on any page: {missing[:5]}"
    assert "Sources of the polls used" in words and "Pollster00" in words
    # the first page is the one-page briefing as before: title, average, leads, then the scenarios begin
    first = subprocess.run([text, "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert first.index("London Mayor 2012") < first.index("Johnson leads by 6.6") < first.index("Plan00")


def test_a_meeting_view_misspelt_in_the_settings_is_named_not_shown_as_another_view(room) -> None:
    """settings.ini's meeting-mode views are typed by hand (`presentation_views=answr,charts`): a name that is no
    view (a typo, a view of another version) showed the scenario panel in its place, without a word. Views are
    read whatever their case and spacing; a name that is no view is left out and named in the status bar."""
    window = room.window
    window.set_presentation_views(["answr", " Charts ", "SCENARIO", "scenario:Plan A", "slides"])
    message = window.statusBar().currentMessage()
    assert "'answr'" in message and "'slides'" in message and "answer, charts, scenario" in message, message
    window.enter_presentation()
    seen = []
    for _ in range(3):
        seen.append(window.current_view())
        window.step_view(1)
    window.leave_presentation()
    assert seen == ["charts", "scenario", "scenario:Plan A"], seen
