"""Removing many polls at once (select all + Delete, undoing an import) tells the views of each run of neighbouring
rows once, and the window reads the selection from its ranges: row by row, every view and the sort/filter proxy
renumbered every later row after each one, and the selection handler gathered every selected poll each time
(deleting 10,000 selected polls froze the window for minutes; undoing a 1,000-poll import for 3 s at 10,000 polls:
benchmarks/bench_menu_stalls.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt

from tests.conftest import TOY
from tests.ui.conftest import room_of, toy_polls
from warroom.ui.poll_table import POLL_ROLE, SORT_ROLE, PollFilterProxy, PollTableModel


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


def test_the_selected_polls_are_read_from_the_rows_not_a_data_call_each(qtbot, tmp_path: Path, monkeypatch) -> None:
    """selected_polls asked the sort/filter proxy for each selected row's poll through an index and data() (a select
    all + Delete of 100,000 polls: 0.4 s of the window's thread, twice); now it reads them from the rows at once,
    in the order shown."""
    for room in room_of(qtbot, tmp_path, TOY, toy_polls(120), ready="averages"):
        pane = room.window.polls_pane
        pane.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        pane.view.selectAll()
        asked: list[int] = []
        proxy_data = pane.proxy.data

        def counted(index: object, role: int = 0, asked: list[int] = asked, proxy_data: Any = proxy_data) -> object:
            asked.append(role)
            return proxy_data(index, role)

        monkeypatch.setattr(pane.proxy, "data", counted)
        chosen = pane.selected_polls()
        assert asked == []
        shown = [proxy_data(pane.proxy.index(row, 0), POLL_ROLE) for row in range(pane.proxy.rowCount())]
        assert chosen == shown and len(chosen) == 120
        pane.view.clearSelection()
        for row in (7, 3, 50):  # several separate ranges: in the order shown
            pane.view.selectionModel().select(
                pane.proxy.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )
        assert pane.selected_polls() == [shown[3], shown[7], shown[50]]


def test_a_big_removal_finds_its_shown_rows_without_a_map_of_every_row(qapp, monkeypatch) -> None:
    """The sorting layer found the shown row of each of many removed rows through a map of every shown row (made
    again after each run removed); now one comparison over the shown rows (numpy)."""
    polls = _stored(300)
    model = PollTableModel()
    proxy = PollFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(2, Qt.SortOrder.DescendingOrder)  # shown in another order than the model's
    model.set_polls(polls)
    order = proxy.sourceModel()
    looked_up: list[int] = []
    real = order.row_of_model_row
    monkeypatch.setattr(order, "row_of_model_row", lambda m: (looked_up.append(m), real(m))[1])
    by_id = {p.id: p for p in polls}
    gone = {p.id for p in polls[20:260]}
    model.apply({k: v for k, v in by_id.items() if k not in gone}, (), (), sorted(gone))
    assert looked_up == []
    assert model.rowCount() == proxy.rowCount() == 60
    left = [proxy.data(proxy.index(r, 0), POLL_ROLE).id for r in range(proxy.rowCount())]
    assert sorted(left) == sorted(set(by_id) - gone)
    keys = [proxy.data(proxy.index(r, 2), SORT_ROLE) for r in range(proxy.rowCount())]
    assert keys == sorted(keys, reverse=True)


def test_the_polls_an_undone_delete_stored_are_compared_on_the_writer_thread(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    """When the undo of a delete lands, each poll put back was compared on the window's thread with the one the
    store read back (100,000 polls: 0.4 s of it); now on the writer's thread, where the store's copy is read, and
    what is shown stays the very polls."""
    import threading

    from warroom.core.types import Poll

    gui = threading.get_ident()
    for room in room_of(qtbot, tmp_path, TOY, toy_polls(120), ready="averages"):
        win, ps = room.window, room.poll_service
        before = ps.polls
        win.polls_pane.view.selectAll()
        win.delete_selected()
        qtbot.waitUntil(lambda ps=ps: ps.pending_writes == 0)
        on_gui: list[int] = []
        real_eq = Poll.__eq__

        def counted(a: Poll, b: object, on_gui: list[int] = on_gui, real_eq: Any = real_eq) -> Any:
            if threading.get_ident() == gui:
                on_gui.append(1)
            return real_eq(a, b)

        monkeypatch.setattr(Poll, "__eq__", counted)
        win.undo_stack.undo()
        qtbot.waitUntil(lambda ps=ps: ps.pending_writes == 0)
        monkeypatch.setattr(Poll, "__eq__", real_eq)
        assert len(on_gui) < 10, len(on_gui)
        assert ps.polls == before and all(a is b for a, b in zip(ps.polls, before, strict=True))


class _CountedPops(dict):  # type: ignore[type-arg]
    """The service's polls by id, counting pop() calls (one per poll removed one at a time)."""

    pops = 0

    def pop(self, *args: Any) -> Any:
        type(self).pops += 1
        return super().pop(*args)


def test_a_delete_of_every_poll_and_its_undo_take_the_polls_as_a_whole(qtbot, tmp_path: Path, monkeypatch) -> None:
    """Select all + Delete and its Undo worked poll by poll on the window's thread: the ids read from each selected
    poll, each popped from the service, and on the Undo each poll's shown id looked up, its order key made twice
    and, when the write landed, each poll checked again (100,000 polls: 0.5 s for the delete, 0.4-0.6 s for the
    Undo, benchmarks/bench_menu_stalls.py). Now the ids come from the table's array of its rows' ids, the service
    drops and takes the polls whole, and the Undo puts them back in the fieldwork order they had."""
    for room in room_of(qtbot, tmp_path, TOY, toy_polls(120), ready="averages"):
        _delete_all_and_undo(room, qtbot, monkeypatch)


def _delete_all_and_undo(room, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    from warroom.services import poll_service
    from warroom.ui import main_window

    gui = threading.get_ident()
    win, ps = room.window, room.poll_service
    before = ps.polls
    ps._polls = _CountedPops(ps._polls)
    given: list[object] = []
    command = main_window.DeletePollsCommand
    monkeypatch.setattr(
        main_window, "DeletePollsCommand", lambda *a, **k: (given.append(k.get("ids")), command(*a, **k))[1]
    )
    win.polls_pane.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    win.polls_pane.view.selectAll()
    shown = [win.polls_pane.proxy.data(win.polls_pane.proxy.index(r, 0), POLL_ROLE).id for r in range(120)]
    from collections import Counter

    subtracted: list[int] = []
    subtract = Counter.subtract
    monkeypatch.setattr(Counter, "subtract", lambda self, *a, **k: (subtracted.append(1), subtract(self, *a, **k))[1])
    win.delete_selected()
    assert given == [shown]  # the ids of the rows as shown, from the table
    assert _CountedPops.pops == 0 and ps.polls == []
    qtbot.waitUntil(lambda ps=ps: ps.pending_writes == 0)
    assert subtracted == []  # the landing: no pending write left, so no count of each poll taken back one by one
    assert not ps._touch
    looked: list[int] = []
    keyed: list[int] = []
    shown_key, order_key = ps._shown_key, poll_service._order_key
    monkeypatch.setattr(ps, "_shown_key", lambda pid: (looked.append(pid), shown_key(pid))[1])
    monkeypatch.setattr(
        poll_service,
        "_order_key",
        lambda p: (keyed.append(1) if threading.get_ident() == gui else None, order_key(p))[1],
    )
    win.undo_stack.undo()
    assert ps.polls == before and all(a is b for a, b in zip(ps.polls, before, strict=True))
    assert looked == [] and keyed == []  # before: 120 look-ups and 240 keys
    qtbot.waitUntil(lambda ps=ps: ps.pending_writes == 0)
    assert looked == [] and keyed == []  # the landing too (before: 120 look-ups)
    assert ps.polls == before and all(a is b for a, b in zip(ps.polls, before, strict=True))
    model = win.polls_pane.model
    assert sorted(model.poll_at(r).id for r in range(model.rowCount())) == sorted(p.id for p in before)
    assert [win.polls_pane.proxy.data(win.polls_pane.proxy.index(r, 0), POLL_ROLE).id for r in range(120)] == shown
    win.polls_pane.view.selectRow(3)
    assert win.polls_pane.selected_ids() == [shown[3]]
    win.undo_stack.redo()  # deleted again, then back again: the same polls in the same order
    assert ps.polls == []
    win.undo_stack.undo()
    assert ps.polls == before
    qtbot.waitUntil(lambda ps=ps: ps.pending_writes == 0)


def test_a_delete_of_every_row_and_its_undo_are_one_reset_each_with_the_rows_kept_whole(qapp, monkeypatch) -> None:
    """A select all + Delete removed every row as a run (the model, its sorting layer and the view renumbering them)
    and its Undo inserted them again: each id looked up among the rows, each poll read and the sort column's keys
    made again, then a sort (100,000 polls: 0.1-0.3 s of the window's thread, benchmarks/bench_menu_stalls.py).
    Now the delete is one reset to an empty table and the Undo one reset putting the very rows back, with their
    texts, sort keys and order: ties stay in the order the sorts before gave them, and the filter still applies."""
    from warroom.ui import poll_table

    polls = _stored(300)
    model = PollTableModel()
    proxy = PollFilterProxy()
    proxy.setSourceModel(model)
    model.set_polls(polls)
    proxy.sort(0)  # by pollster, then by client: equal clients stay in pollster order
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    shown = proxy.poll_ids_at(range(300))
    texts = [model.texts(r) for r in range(300)]
    told: list[str] = []
    model.modelReset.connect(lambda: told.append(f"reset to {model.rowCount()}"))
    model.rowsRemoved.connect(lambda _p, first, last: told.append(f"removed {first}-{last}"))
    model.rowsInserted.connect(lambda _p, first, last: told.append(f"inserted {first}-{last}"))
    by_id = {p.id: p for p in polls}
    model.apply({}, (), (), shown)  # every poll deleted (in the order shown, as the window gives them)
    assert told == ["reset to 0"] and proxy.rowCount() == 0
    made: list[int] = []
    values, ranks_of = PollTableModel._sort_values, poll_table._ranks_of
    monkeypatch.setattr(PollTableModel, "_sort_values", lambda s, ps, col: (made.append(col), values(s, ps, col))[1])
    monkeypatch.setattr(poll_table, "_ranks_of", lambda keys: (made.append(-1), ranks_of(keys))[1])
    monkeypatch.setattr(PollTableModel, "_row_texts", lambda *_a: (_ for _ in ()).throw(AssertionError("text made")))
    model.apply(by_id, shown, (), ())  # its undo: the very polls back
    assert told == ["reset to 0", "reset to 300"]  # (before: 3 runs removed, then 300 rows inserted)
    assert made == []  # no sort key nor rank made again (before: the client column's keys and ranks)
    assert proxy.poll_ids_at(range(300)) == shown
    assert [model.texts(r) for r in range(300)] == texts
    proxy.setFilterFixedString(polls[7].pollster)
    assert 0 < proxy.rowCount() < 300
    assert all(p.pollster == polls[7].pollster for p in proxy.polls_at(range(proxy.rowCount())))  # type: ignore[attr-defined]
    # anything else in between (here a poll put back alone first) is no put-back: rows as usual
    proxy.setFilterFixedString("")
    model.apply({}, (), (), shown)
    model.apply({shown[0]: by_id[shown[0]]}, [shown[0]], (), ())
    assert told[-1] == "inserted 0-0"
    model.apply(by_id, shown[1:], (), ())
    assert told[-1] == "inserted 1-299" and proxy.rowCount() == 300


def test_a_delete_of_every_poll_sets_its_polls_aside_whole_for_its_undo(qtbot, tmp_path: Path, monkeypatch) -> None:
    """After a select all + Delete the charts looked for each deleted poll's points among every series' points (an
    isin of 100,000 ids in each of ten series), and its Undo made the service's map of 100,000 polls again, checked
    them against their old order through a set of every poll's address, and asked the store for 200,000 spare ids,
    each sifted when the write landed (benchmarks/bench_menu_stalls.py). Now every series is handed no points at
    once, the map the delete set aside is taken back as it is, and the Undo asks for the usual few spare ids."""
    for room in room_of(qtbot, tmp_path, TOY, toy_polls(120), ready="averages"):
        _delete_every_poll_then_undo(room, qtbot, monkeypatch)


class _CountedUpdates(dict):  # type: ignore[type-arg]
    """The service's polls by id, counting update() calls."""

    updates = 0

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.updates += 1
        super().update(*args, **kwargs)


def _delete_every_poll_then_undo(room, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from warroom.services import poll_service
    from warroom.ui import charts as charts_module

    win, ps = room.window, room.poll_service
    assert win.charts_attached
    charts = win.charts
    before = ps.polls
    held = ps._polls = _CountedUpdates(ps._polls)
    header = win.polls_pane.view.horizontalHeader()
    widths = [header.sectionSize(c) for c in range(header.count())]
    asked: list[int] = []
    spare = poll_service.repo.spare_poll_ids
    monkeypatch.setattr(poll_service.repo, "spare_poll_ids", lambda s, n=8: (asked.append(n), spare(s, n))[1])
    edits: list[int] = []
    edit = charts_module.PointLayer.edit
    monkeypatch.setattr(charts_module.PointLayer, "edit", lambda self, *a, **k: (edits.append(1), edit(self, *a, **k)))
    win.polls_pane.view.selectAll()
    win.delete_selected()
    assert ps.polls == [] and edits == []  # (before: one edit of every series, each looking for 120 ids)
    assert all(len(series.poll_ids) == 0 for series in charts._first.values())
    assert not win.action_delete.isEnabled()
    qtbot.waitUntil(lambda ps=ps: ps.pending_writes == 0)
    results: list[Any] = []
    writer, submit = ps._writer, ps._writer.submit
    monkeypatch.setattr(
        writer,
        "submit",
        lambda job, done: submit(job, lambda result, error: (results.append(result), done(result, error))),
    )
    win.undo_stack.undo()
    assert ps._polls is held and held.updates == 0  # the very map, not filled again poll by poll (before: 1)
    assert ps.polls == before and all(a is b for a, b in zip(ps.polls, before, strict=True))
    qtbot.waitUntil(lambda ps=ps: ps.pending_writes == 0)
    assert asked == [8]  # (before: 240, twice the polls put back under their own ids)
    # what the writer keeps for a later write is the window's own poll, not a second copy of each read back
    assert len(ps._w_last) == len(before) and all(ps._w_last[p.id] is p for p in before)
    # and the write hands the window its own polls back: the copies it read to compare are freed on the writer's
    # thread (handed over, 100,000 of them were freed in the window's turn that took the result)
    got = [r[0] for r in results if isinstance(r, tuple) and isinstance(r[0], tuple) and len(r[0]) == 4]
    stored = got[0][0]  # (each result: the write's own, and the store's revision after it)
    mine = {p.id: p for p in before}
    assert len(stored) == len(before) and all(p is mine[p.id] for p in stored)
    assert ps.polls == before and dict(ps.polls_view) == {p.id: p for p in before}
    assert [header.sectionSize(c) for c in range(header.count())] == widths
    qtbot.waitUntil(lambda: sum(len(series.poll_ids) for series in charts._first.values()) > 0)  # with the average


def test_the_column_widths_stay_while_every_poll_is_deleted(qtbot, tmp_path: Path) -> None:
    """A delete of every row is told as a reset (the rows kept for its undo): the table's columns keep their widths
    through it, as they did through the removal it was, not fitted to their headers alone (a race of fewer polls
    than the widths are measured over)."""
    for room in room_of(qtbot, tmp_path, TOY, toy_polls(30), ready="averages"):
        win = room.window
        header = win.polls_pane.view.horizontalHeader()
        widths = [header.sectionSize(c) for c in range(header.count() - 1)]  # (the last stretches)
        win.polls_pane.view.selectAll()
        win.delete_selected()
        assert room.poll_service.polls == []
        assert [header.sectionSize(c) for c in range(header.count() - 1)] == widths
        qtbot.waitUntil(lambda ps=room.poll_service: ps.pending_writes == 0)
        win.undo_stack.undo()
        assert len(room.poll_service.polls) == 30
        assert [header.sectionSize(c) for c in range(header.count() - 1)] == widths
