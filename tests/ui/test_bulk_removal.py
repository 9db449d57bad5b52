"""Removing many polls at once (select all + Delete, undoing an import) tells the views of each run of neighbouring
rows once, and the window reads the selection from its ranges: row by row, every view and the sort/filter proxy
renumbered every later row after each one, and the selection handler gathered every selected poll each time
(deleting 10,000 selected polls froze the window for minutes; undoing a 1,000-poll import for 3 s at 10,000 polls:
benchmarks/bench_menu_stalls.py)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import TOY
from tests.ui.conftest import room_of, toy_polls
from warroom.ui.poll_table import PollFilterProxy, PollTableModel


def test_row_runs_group_neighbours_last_run_first() -> None:
    from warroom.ui.poll_table import row_runs

    assert row_runs([7, 2, 3, 9, 8, 4]) == [(7, 9), (2, 4)]
    assert row_runs([5, 5, 1]) == [(5, 5), (1, 1)]
    assert row_runs([]) == []


def _stored(n: int) -> list:
    from dataclasses import replace

    return [replace(p, id=i + 1) for i, p in enumerate(toy_polls(n))]


def test_removing_neighbouring_polls_is_one_removal_for_the_model_and_its_proxy(qapp) -> None:
    polls = _stored(300)
    model = PollTableModel()
    proxy = PollFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(1)
    model.set_polls(polls)
    told: list[tuple[int, int]] = []
    shown: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _p, first, last: told.append((first, last)))
    order = proxy.sourceModel()  # the proxy's sorted, filtered order of the model's rows
    order.rowsRemoved.connect(lambda _p, first, last: shown.append((first, last)))
    assert proxy.rowCount() == 300
    by_id = {p.id: p for p in polls}
    gone = [p.id for p in polls[100:250]]
    model.apply({k: v for k, v in by_id.items() if k not in gone}, (), (), [*reversed(gone), polls[5].id])
    assert told == [(100, 249), (5, 5)]
    assert sum(last - first + 1 for first, last in shown) == 151
    assert len(shown) < 10  # runs, not 151 single rows
    assert model.rowCount() == proxy.rowCount() == 149
    left = {model.poll_at(r).id for r in range(model.rowCount())}
    assert left == set(by_id) - set(gone) - {polls[5].id}


def test_deleting_every_selected_poll_reads_the_selection_from_its_ranges(qtbot, tmp_path: Path, monkeypatch) -> None:
    for room in room_of(qtbot, tmp_path, TOY, toy_polls(120), ready="averages"):
        _delete_every_selected_poll(room, qtbot, monkeypatch)


def _delete_every_selected_poll(room, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    win = room.window
    view = win.polls_pane.view
    view.selectAll()
    assert win.action_delete.isEnabled() and not win.action_edit.isEnabled()
    gathered: list[int] = []
    pane = win.polls_pane
    gather = pane.selected_polls
    monkeypatch.setattr(pane, "selected_polls", lambda: (chosen := gather(), gathered.append(len(chosen)))[0])
    win.delete_selected()
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0)
    assert room.poll_service.polls == []
    # the selection gathered again after each removed row (120 + 119 + ... polls) was the freeze
    assert sum(gathered) <= 2 * 120, gathered[:5]
    assert not win.action_delete.isEnabled()
    win.undo_stack.undo()
    qtbot.waitUntil(lambda: len(room.poll_service.polls) == 120)
    view.selectRow(3)
    assert win.action_edit.isEnabled() and win.action_delete.isEnabled()


def test_polls_put_back_are_found_among_the_rows_in_one_pass(qapp, monkeypatch) -> None:
    """The undo of a delete puts polls back under ids below the highest shown: each was looked for among the rows
    by a comparison with every row's id (100,000 polls: 1-2 s of the undo's turn); now all in one pass."""
    polls = _stored(300)
    model = PollTableModel()
    model.set_polls(polls)
    by_id = {p.id: p for p in polls}
    gone = [p.id for p in polls[:250]]
    model.apply({k: v for k, v in by_id.items() if k not in gone}, (), (), gone)
    looked: list[int] = []
    row_of = model.row_of
    monkeypatch.setattr(model, "row_of", lambda pid: (looked.append(pid), row_of(pid))[1])
    model.apply(by_id, [*gone, polls[260].id], (), ())  # one of them a row already: not added twice
    assert looked == []  # before: one look per poll put back (251)
    assert model.rowCount() == 300
    assert sorted(model.poll_at(r).id for r in range(300)) == sorted(by_id)


def test_the_undo_of_a_delete_puts_back_the_very_polls(qtbot, tmp_path: Path) -> None:
    """Polls an undo puts back already carry the ids they are shown under: they are those very objects, not copies
    (the undo of a 100,000-poll delete copied each poll twice, and the copies were checked again: 1-2 s)."""
    for room in room_of(qtbot, tmp_path, TOY, toy_polls(120), ready="averages"):
        _delete_and_undo(room, qtbot)


def _delete_and_undo(room, qtbot) -> None:  # type: ignore[no-untyped-def]
    win, ps = room.window, room.poll_service
    before = ps.polls
    win.polls_pane.view.selectAll()
    win.delete_selected()
    qtbot.waitUntil(lambda: ps.pending_writes == 0)
    assert ps.polls == []
    win.undo_stack.undo()
    assert len(ps.polls) == 120 and all(a is b for a, b in zip(ps.polls, before, strict=True))
    qtbot.waitUntil(lambda: ps.pending_writes == 0)  # stored: the same polls, under the same ids
    assert ps.polls == before and all(a is b for a, b in zip(ps.polls, before, strict=True))
