"""Hostile pass 13 (issue 16), the twelfth pass's leftovers: the dialogs' length limits as typed, the poll form's
two decimals, the second round's default date, a refused undo's message, a stored note's direction controls."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


def test_a_refused_undo_of_an_add_or_a_delete_names_the_poll_once(room: Any, qtbot: Any, monkeypatch: Any) -> None:
    """Undo of an add after a teammate edited the poll said "Could not delete the Acme poll: this Acme poll was
    changed ..." (the poll named twice, and an undo called a delete); undo of a delete after a teammate stored the
    same poll again named it twice as well. Each now says it could not undo, why and what the window shows, once."""
    from warroom.store import polls as repo
    from warroom.ui.commands import AddPollsCommand, DeletePollsCommand

    win, service = room.window, room.poll_service
    shown: list[str] = []
    monkeypatch.setattr(win, "show_error", shown.append)
    new = replace(service.polls[0], id=None, pollster="Zenith", client="")
    command = AddPollsCommand(service, [new], win.show_error)
    assert win._push(command)
    qtbot.waitUntil(lambda: not service._pending, timeout=10000)
    stored = next(p for p in service.polls if p.pollster == "Zenith")
    with room.store.sessions.begin() as s:  # a teammate edits it, unseen by the watch (off)
        repo.update_poll(s, replace(stored, sample_size=4242))
    win.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    (message,) = shown
    assert message.startswith("Could not undo the add of the Zenith poll: "), message
    assert message.count("Zenith") == 1 and message.count("the window") == 1, message
    assert "teammate" in message and "nothing was deleted" in message, message

    shown.clear()
    victim = next(p for p in service.polls if p.pollster != "Zenith")
    command = DeletePollsCommand(service, [victim], win.show_error)
    assert win._push(command)
    qtbot.waitUntil(lambda: not service._pending, timeout=10000)
    with room.store.sessions.begin() as s:  # a teammate stores the same poll again meanwhile
        repo.add_polls(s, service.contest.id or 0, [replace(victim, id=None)])
    win.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    (message,) = shown
    assert message.startswith(f"Could not undo the delete of the {victim.pollster} poll: "), message
    assert message.count(victim.pollster) == 1 and message.count("the window") == 1, message


def test_the_contest_dialog_stops_typing_at_the_stores_lengths(qtbot: Any) -> None:
    """Edit contest took a 5,000-character contest, candidate or party name and as many characters of notes as
    were pasted; only the store refused them, on OK, echoing the whole name back. Typing now stops at the
    store's length (the notes at NOTES_LIMIT), and what is too long is a problem listed as typed, quoted short."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractItemDelegate, QLineEdit

    from tests.conftest import TOY
    from warroom.core.types import CODE_LIMIT, CONTEST_TEXT_LIMITS, NAME_LIMIT, NOTES_LIMIT
    from warroom.core.validation import TEXT_LIMITS
    from warroom.ui.contest_dialog import ContestDialog
    from warroom.ui.poll_dialog import PollDialog

    dialog = ContestDialog(TOY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("N" * 5000)  # a paste
    assert len(dialog.name.text()) == CONTEST_TEXT_LIMITS["name"]
    for box in (dialog.office, dialog.area):
        box.setText("O" * 5000)
        assert len(box.text()) == 200
    for table, column, most in (
        (dialog.candidates, 0, NAME_LIMIT),
        (dialog.candidates, 1, NAME_LIMIT),
        (dialog.candidates, 2, CODE_LIMIT),
        (dialog.parties, 0, CODE_LIMIT),
        (dialog.parties, 1, NAME_LIMIT),
    ):
        item = table.item(0, column)
        table.setCurrentItem(item)
        table.editItem(item)
        editor = table.indexWidget(table.model().index(0, column))
        assert isinstance(editor, QLineEdit), (table.objectName(), column)
        assert editor.maxLength() == most, (table.objectName(), column)
        editor.selectAll()
        QTest.keyClicks(editor, "x" * (most + 5))
        assert len(editor.text()) == most, (table.objectName(), column)
        table.commitData(editor)
        table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        assert len(table.item(0, column).text()) == most, (table.objectName(), column)
    dialog.notes.setPlainText("x" * (NOTES_LIMIT + 500))
    assert len(dialog.notes.toPlainText()) == NOTES_LIMIT
    assert dialog.contest().problems() == [], dialog.contest().problems()
    form = PollDialog(TOY, lambda _poll: [])  # the poll form's text boxes too
    qtbot.addWidget(form)
    assert (form.pollster.maxLength(), form.client.maxLength()) == (TEXT_LIMITS["pollster"], TEXT_LIMITS["client"])
    assert form.notes.maxLength() == NOTES_LIMIT


def test_the_poll_form_takes_a_share_typed_with_two_decimals(qtbot: Any) -> None:
    """The new-poll form's share boxes took one decimal: typing 33.35 gave 33.3 (the second 5 refused), so a
    two-decimal poll could not be entered as published. Two are taken now, and a figure shows the places it has."""
    from PySide6.QtTest import QTest

    from tests.conftest import TOY, make_poll
    from warroom.ui.poll_dialog import PollDialog

    for poll in (None, make_poll(1, a=45.3, b=40.2, c=14.5)):  # a new poll, and one stored with one decimal
        dialog = PollDialog(TOY, lambda _poll: [], poll)
        qtbot.addWidget(dialog)
        box = dialog.first["ann"]
        box.lineEdit().selectAll()
        QTest.keyClicks(box.lineEdit(), "33.35")
        box.interpretText()
        assert box.value() == pytest.approx(33.35) and box.text() == "33.35 %", box.text()
        assert dialog.poll().first_round["ann"] == 33.35
        if poll is not None:
            assert dialog.first["bob"].text() == "40.2 %" and dialog.poll().first_round["bob"] == 40.2


def test_switching_a_contest_to_two_rounds_puts_the_second_round_two_weeks_later(qtbot: Any) -> None:
    """Edit contest, system switched to two rounds: the second round's date was the first round's own day, so the
    dialog opened on a problem ("the second round must come after the first") the user had to find. It is now two
    weeks later (France's interval) and follows the first round until the user sets it; a second round the user
    puts on or before the first is still refused."""
    from datetime import date

    from PySide6.QtCore import QDate

    from tests.conftest import TOY
    from warroom.core.types import CountingSystem
    from warroom.ui.contest_dialog import ContestDialog

    dialog = ContestDialog(TOY)  # Supplementary Vote, no second round, election 2 May 2024
    qtbot.addWidget(dialog)
    dialog.system.setCurrentIndex(dialog.system.findData(CountingSystem.TWO_ROUND))
    assert dialog.contest().second_round_date == date(2024, 5, 16)
    assert dialog.problems() == [], dialog.problems()
    dialog.election.setDate(QDate(2024, 6, 2))
    assert dialog.contest().second_round_date == date(2024, 6, 16)
    dialog.second.setDate(QDate(2024, 6, 9))  # the user's date: kept
    dialog.election.setDate(QDate(2024, 6, 9))
    assert dialog.contest().second_round_date == date(2024, 6, 9)
    assert any("second round must come after the first" in p for p in dialog.problems()), dialog.problems()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()


def test_a_stored_note_with_a_direction_control_is_shown_with_the_control_escaped(qtbot: Any) -> None:
    """A poll note stored before direction controls were refused ("\u202eenilno", an override) was shown
    reordered ("online") in the poll table's tooltip and in the poll form, the control invisible. It is now shown
    with the control as an escape (\\u202e), as the briefing shows a stored address; its lines are kept."""
    from tests.conftest import TOY, make_poll
    from warroom.ui.poll_dialog import PollDialog
    from warroom.ui.poll_table import PollTableModel

    poll = make_poll(1, notes="first line\n\u202eenilno \u2067x\u2069")
    model = PollTableModel()
    model.set_polls([replace(poll, id=1)])
    tip = str(model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole))
    assert "\u202e" not in tip and "\u2067" not in tip, repr(tip)
    assert "\\u202eenilno \\u2067x\\u2069" in tip and "first line\n" in tip, repr(tip)
    dialog = PollDialog(TOY, lambda _poll: [], poll)
    qtbot.addWidget(dialog)
    assert "\u202e" not in dialog.notes.text() and "\\u202eenilno" in dialog.notes.text(), repr(dialog.notes.text())
    assert "\u202e" not in dialog.poll().notes  # saved, the escape (the store refuses the control itself)
    tabbed = PollDialog(TOY, lambda _poll: [], make_poll(1, notes="a\tb"))
    qtbot.addWidget(tabbed)
    assert tabbed.poll().notes == "a\tb"  # a note without a direction control is kept as stored


def test_the_poll_docks_least_height_shows_its_header_and_a_whole_row(qtbot: Any) -> None:
    """Checked, not a fault: at the poll dock's least height (dock_layout.MIN_POLLS_HEIGHT, 110 px) the table shows
    its header and one whole row even with its horizontal scroll bar, as on a 1366x768 laptop at 150 % scale (911x512
    of Qt's pixels; measured there: pane 110, table 74, header 18, scroll bar 14, rows 30, 40 px for rows). Qt's
    scale factor changes the screen's size in those pixels, not the widgets'; this keeps the margin from shrinking."""
    from tests.conftest import TOY, make_poll
    from warroom.ui.dock_layout import MIN_POLLS_HEIGHT
    from warroom.ui.main_window import PollsPane
    from warroom.ui.poll_table import PollTableModel

    pane = PollsPane()
    qtbot.addWidget(pane)
    model = PollTableModel()
    model.set_contest(TOY)
    model.set_polls([replace(make_poll(day), id=day) for day in range(1, 20)])
    pane.view.setModel(model)
    pane.resize(320, MIN_POLLS_HEIGHT)  # narrow: the horizontal scroll bar takes its height
    pane.show()
    qtbot.waitExposed(pane)
    view = pane.view
    assert view.horizontalHeader().isVisible() and view.horizontalScrollBar().isVisible()
    assert model.rowCount() == 19
    assert view.viewport().height() >= view.rowHeight(0) > 0, (view.viewport().height(), view.rowHeight(0))
