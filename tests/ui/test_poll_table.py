from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt

from tests.conftest import TOY, make_poll
from warroom.core.types import Poll
from warroom.core.validation import validate_poll
from warroom.ui.commands import AddPollsCommand, DeletePollsCommand, EditPollCommand
from warroom.ui.poll_dialog import PollDialog
from warroom.ui.poll_table import POLL_ROLE, SORT_ROLE, PollFilterProxy, PollTableModel


def _polls() -> list[Poll]:
    return [
        replace(make_poll(1, a=45, b=40, c=15), id=1, second_round={"ann": 53, "bob": 47}),
        replace(make_poll(8, pollster="Beta", a=41, b=44, c=15), id=2),
        replace(make_poll(4, pollster="Gamma", a=43, b=42, c=15, n=2500), id=3),
    ]


def test_model_passes_qt_model_checks(qtmodeltester) -> None:
    model = PollTableModel()
    model.set_contest(TOY)
    model.set_polls(_polls())
    qtmodeltester.check(model)


def test_model_shows_polls_and_sorts_on_raw_values() -> None:
    model = PollTableModel()
    model.set_contest(TOY)
    model.set_polls(_polls())
    assert model.headerData(5, Qt.Orientation.Horizontal) == "Red"
    assert model.data(model.index(0, 4)) == "1,000"
    assert model.data(model.index(0, 8)) == "+6"
    proxy = PollFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(4, Qt.SortOrder.DescendingOrder)
    assert proxy.data(proxy.index(0, 0), POLL_ROLE).pollster == "Gamma"
    assert model.data(model.index(2, 4), SORT_ROLE) == 2500
    proxy.setFilterFixedString("bet")
    assert proxy.rowCount() == 1


def test_incremental_apply_keeps_rows_without_reset(qtbot) -> None:
    model = PollTableModel()
    model.set_contest(TOY)
    model.set_polls(_polls())
    polls = {p.id: p for p in _polls()}
    polls[2] = replace(polls[2], sample_size=999)
    polls[9] = replace(make_poll(20), id=9)
    with qtbot.assertNotEmitted(model.modelReset):
        model.apply(polls, added=[9], updated=[2], removed=[1])
    assert [model.poll_at(r).id for r in range(model.rowCount())] == [2, 3, 9]
    assert model.poll_at(0).sample_size == 999


class FakeWriter:
    def __init__(self) -> None:
        self.polls: dict[int, Poll] = {}
        self.next_id = 1

    def add_polls(self, polls: Sequence[Poll]) -> list[int]:
        ids = []
        for p in polls:
            pid = p.id if p.id is not None and p.id not in self.polls else self.next_id
            self.next_id = max(self.next_id, pid + 1)
            self.polls[pid] = replace(p, id=pid)
            ids.append(pid)
        return ids

    def update_poll(self, poll: Poll) -> None:
        assert poll.id in self.polls
        self.polls[poll.id] = poll

    def delete_polls(self, poll_ids: Sequence[int]) -> list[Poll]:
        return [self.polls.pop(i) for i in poll_ids]


def test_undo_redo_add_edit_delete(qtbot) -> None:
    from PySide6.QtGui import QUndoStack

    writer, errors = FakeWriter(), []
    stack = QUndoStack()
    add = AddPollsCommand(writer, [make_poll(1)], errors.append)
    add.execute()
    stack.push(add)
    pid = add.ids[0]
    edited = replace(writer.polls[pid], sample_size=1500)
    edit = EditPollCommand(writer, writer.polls[pid], edited, errors.append)
    edit.execute()
    stack.push(edit)
    assert writer.polls[pid].sample_size == 1500
    stack.undo()
    assert writer.polls[pid].sample_size == 1000
    stack.undo()
    assert writer.polls == {}
    stack.redo()
    stack.redo()
    (poll,) = writer.polls.values()
    assert poll.sample_size == 1500
    delete = DeletePollsCommand(writer, [poll], errors.append)
    delete.execute()
    stack.push(delete)
    assert writer.polls == {}
    stack.undo()
    assert [(p.id, p.sample_size) for p in writer.polls.values()] == [(pid, 1500)]
    stack.undo()  # undo the edit, then the add: the same id all the way back
    stack.undo()
    assert writer.polls == {} and errors == []


def test_failed_undo_is_reported_and_dropped(qtbot) -> None:
    from PySide6.QtGui import QUndoStack

    writer, errors = FakeWriter(), []
    stack = QUndoStack()
    add = AddPollsCommand(writer, [make_poll(1)], errors.append)
    add.execute()
    stack.push(add)
    writer.polls.clear()  # someone else deleted it
    stack.undo()
    assert errors and "Could not add poll" in errors[0]
    assert stack.count() == 0


def test_dialog_validates_before_accepting(qtbot) -> None:
    dialog = PollDialog(TOY, lambda p: [str(x) for x in validate_poll(p, TOY)])
    qtbot.addWidget(dialog)
    dialog.pollster.setText("Acme")
    dialog.start.setDate(QDate(2024, 3, 5))
    dialog.end.setDate(QDate(2024, 3, 1))
    dialog.first["ann"].setValue(45)
    dialog.first["bob"].setValue(40)
    dialog.first["cat"].setValue(30)
    dialog.accept()
    assert dialog.result() == 0
    assert "fieldwork_end" in dialog.problems.text() and "sum to 115" in dialog.problems.text()
    assert "should be about 100" in dialog.sum_label.text()
    dialog.end.setDate(QDate(2024, 3, 6))
    dialog.first["cat"].setValue(15)
    dialog.accept()
    assert dialog.result() == 1
    poll = dialog.poll()
    assert poll.first_round == {"ann": 45.0, "bob": 40.0, "cat": 15.0}
    assert poll.fieldwork_end == date(2024, 3, 6) and poll.second_round == {}


def test_dialog_edits_keep_the_id(qtbot) -> None:
    original = replace(make_poll(2, second_round={"ann": 52, "bob": 48}), id=42)
    dialog = PollDialog(TOY, lambda p: [], original)
    qtbot.addWidget(dialog)
    assert dialog.poll() == original
    dialog.sample.setValue(1234)
    assert dialog.poll().id == 42 and dialog.poll().sample_size == 1234
