"""Long imports and pastes run off the GUI thread, with progress and cancel (issue 16).

Driven through the window's own import actions on a running war room: progress is reported, a cancel or a
refusal leaves the store exactly as it was (and a refusal names file, line and field), and a finished import
refreshes the table and charts once and says in the status bar how many polls were added and skipped.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThread

from warroom.core.csvformat import polls_to_csv
from warroom.core.types import Poll

pytestmark = pytest.mark.gui


def fresh_polls(n: int, *, start: date = date(2022, 1, 1)) -> list[Poll]:
    """n polls of the toy contest, none of them already stored (the room's polls are all in 2024)."""
    out = []
    for i in range(n):
        d = start + timedelta(days=i // 7)
        a = 40 + i % 9
        out.append(
            Poll(
                pollster=f"Firm {i % 7}",
                fieldwork_start=d,
                fieldwork_end=d + timedelta(days=1),
                sample_size=1000 + i,
                first_round={"ann": a, "bob": 45 - i % 5, "cat": 100 - a - (45 - i % 5)},
            )
        )
    return out


def write_csv(room: Any, path: Path, polls: list[Poll]) -> Path:
    path.write_text(polls_to_csv(polls, room.poll_service.contest), encoding="utf-8")
    return path


def store_snapshot(room: Any) -> tuple[int, list[Poll]]:
    """The store's change counter and every poll of the contest, read straight from the store."""
    from warroom.store import polls as repo

    with room.store.sessions() as s:
        return repo.revision(s), repo.list_polls(s, room.poll_service.contest.id)


def test_an_import_runs_on_the_worker_thread_and_reports_progress(room, qtbot, tmp_path: Path) -> None:
    path = write_csv(room, tmp_path / "many.csv", fresh_polls(1200))
    seen: list[Any] = []
    threads: set[object] = set()

    def on_progress(progress: Any) -> None:  # direct: runs where the work runs
        threads.add(QThread.currentThread())
        seen.append(progress)

    room.import_worker.progress_changed.connect(on_progress, Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000) as done:
        room.import_actions.import_file(path)
        assert room.import_worker.busy  # the call returned while the import still runs
    assert threads and QThread.currentThread() not in threads  # never on the GUI thread
    checking = [p.done for p in seen if p.stage == "checking"]
    writing = [p for p in seen if p.stage == "writing"]
    assert len(checking) >= 4 and checking == sorted(checking) and checking[-1] <= 1201
    assert [p.done for p in writing] == sorted(p.done for p in writing) and len(writing) >= 3
    assert writing[-1].done == writing[-1].total == 1200
    assert "many.csv" in writing[-1].text and "1,200" in writing[-1].text
    assert len(done.args[0].added) == 1200
    assert not room.import_worker.busy
    # merged into the poll service's order on the worker (from its order when the import began), swapped in
    assert done.args[0].order is not None and room.poll_service.polls == done.args[0].order.ordered
    assert room.poll_service.polls == sorted(store_snapshot(room)[1], key=lambda p: (p.fieldwork_end, p.id))


def test_a_finished_import_refreshes_the_table_and_charts_once(room, qtbot, tmp_path: Path) -> None:
    stored = room.poll_service.polls[:3]  # already stored: skipped and counted, not refused
    path = write_csv(room, tmp_path / "mixed.csv", fresh_polls(40) + stored)
    changes: list[object] = []
    averages: list[object] = []
    room.poll_service.polls_changed.connect(changes.append)
    room.averages.averages_ready.connect(lambda polls, _avg: averages.append(len(polls)))
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_file(path)
    qtbot.waitUntil(lambda: len(averages) == 1)
    assert len(changes) == 1 and len(changes[0].added) == 40 and not changes[0].reloaded  # type: ignore[attr-defined]
    assert averages == [70]
    assert room.window.polls_pane.model.rowCount() == 70
    assert len(room.window.charts.point_data("ann")[0]) == 70
    message = room.window.statusBar().currentMessage()
    assert message == "40 polls added from mixed.csv; 3 already stored, skipped as duplicates"
    assert store_snapshot(room)[1] == room.poll_service.polls  # the table shows what is stored
    with qtbot.assertNotEmitted(room.poll_service.polls_changed, wait=300):
        pass  # and nothing more follows: no second refresh, no "updated from the shared store" reload
    # one undo step takes the whole import back out; redo puts it back under the same ids
    imported = sorted(p.id for p in store_snapshot(room)[1])
    assert room.window.undo_stack.undoText() == "Import 40 polls"
    room.window.undo_stack.undo()
    assert room.window.polls_pane.model.rowCount() == 30  # on screen at once; in the store once written
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0)
    assert len(store_snapshot(room)[1]) == 30
    room.window.undo_stack.redo()
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0)
    assert sorted(p.id for p in store_snapshot(room)[1]) == imported
    assert room.window.polls_pane.model.rowCount() == 70


def test_a_quick_import_shows_no_progress(room, qtbot, tmp_path: Path) -> None:
    path = write_csv(room, tmp_path / "few.csv", fresh_polls(5))
    progress = room.import_actions.progress
    shown: list[bool] = []
    progress.bar.valueChanged.connect(lambda _v: shown.append(progress.isVisible()))
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_file(path)
    assert shown and not any(shown) and not progress.isVisible()
    with qtbot.assertNotEmitted(room.import_worker.progress_changed, wait=600):
        pass
    assert not progress.isVisible()  # the delayed progress did not appear after the fact


def _held_at(room: Any, stage: str) -> tuple[threading.Event, threading.Event]:
    """Hold the worker at its first `stage` progress step (with some work done) until released."""
    reached, release = threading.Event(), threading.Event()

    def hold(progress: Any) -> None:
        if progress.stage == stage and progress.done > 0 and not reached.is_set():
            reached.set()
            release.wait(30)

    room.import_worker.progress_changed.connect(hold, Qt.ConnectionType.DirectConnection)
    return reached, release


@pytest.mark.parametrize("stage", ["checking", "writing"])
def test_cancel_from_the_progress_leaves_the_store_as_it_was(room, qtbot, tmp_path: Path, stage: str) -> None:
    path = write_csv(room, tmp_path / "long.csv", fresh_polls(2000))
    before = store_snapshot(room)
    reached, release = _held_at(room, stage)
    room.import_actions.import_file(path)
    try:
        qtbot.waitUntil(reached.is_set, timeout=30000)
        # the import is slow (held): after the short delay the status bar shows its progress and Cancel
        progress = room.import_actions.progress
        qtbot.waitUntil(progress.isVisible, timeout=5000)
        assert progress.parent() is room.window.statusBar()
        if stage == "writing":  # polls of the first chunks are in the open transaction by now
            qtbot.waitUntil(lambda: progress.bar.value() > 500)
            assert "Storing polls from long.csv: 500 of 2,000" in progress.label.text()
        else:
            assert "Checking long.csv: line" in progress.label.text()
        with qtbot.waitSignal(room.import_worker.import_cancelled, timeout=30000):
            qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
            assert progress.label.text() == "Cancelling: nothing will be added…"
            release.set()
    finally:
        release.set()
    assert store_snapshot(room) == before  # nothing written, not even the change counter
    assert room.poll_service.polls == before[1] and room.window.polls_pane.model.rowCount() == 30
    assert not progress.isVisible()
    assert room.window.statusBar().currentMessage() == "Import cancelled: nothing was added"
    assert room.window.undo_stack.count() == 0
    # the worker is free again: the same file imports in full
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_file(path)
    assert len(store_snapshot(room)[1]) == 2030


def test_a_refused_file_writes_nothing_and_names_file_line_and_field(room, qtbot, tmp_path: Path) -> None:
    path = write_csv(room, tmp_path / "bad.csv", fresh_polls(600))
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[456].split(",")
    cells[5] = "lots"  # sample_size of the poll on line 457
    lines[456] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = store_snapshot(room)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    with qtbot.waitSignal(room.import_worker.import_failed, timeout=30000):
        room.import_actions.import_file(path)
    assert len(errors) == 1
    assert "Nothing was imported from bad.csv" in errors[0]
    assert "line 457, sample_size: 'lots' is not a whole number" in errors[0]
    assert store_snapshot(room) == before and room.window.polls_pane.model.rowCount() == 30


def test_a_poll_the_store_refuses_mid_write_rolls_back_every_chunk(room, qtbot, tmp_path: Path) -> None:
    """A poll another writer stored after the import started is refused by the store's own check, at a late
    chunk: the earlier chunks, already written in the transaction, are rolled back with it."""
    from warroom.store import polls as repo

    polls = fresh_polls(1500)
    path = write_csv(room, tmp_path / "late.csv", polls)
    with room.store.sessions.begin() as s:  # a teammate's write the window has not seen (no watch in tests)
        repo.add_polls(s, room.poll_service.contest.id, [polls[1400]])
    before = store_snapshot(room)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    with qtbot.waitSignal(room.import_worker.import_failed, timeout=30000):
        room.import_actions.import_file(path)
    assert "Nothing was imported from late.csv" in errors[0] and "line 1402" in errors[0]
    assert "already stored" in errors[0]
    assert store_snapshot(room) == before


def test_a_big_paste_is_checked_off_the_gui_thread_and_stored_by_the_worker(room, qtbot) -> None:
    from PySide6.QtWidgets import QDialog

    from warroom.core.paste import split_table
    from warroom.ui.paste_dialog import PasteDialog

    polls = fresh_polls(3000)
    rows = ["Polling firm\tFieldwork date\tSample size\tAnn Red\tBob Blue\tCat Green"]
    for p in polls:
        dates = f"{p.fieldwork_start:%d} {p.fieldwork_start:%b} – {p.fieldwork_end:%d %b %Y}"
        figures = "\t".join(f"{p.first_round[c]:g}%" for c in ("ann", "bob", "cat"))
        rows.append(f"{p.pollster}\t{dates}\t{p.sample_size:,}\t{figures}")
    table = "\n".join(rows) + "\n"
    threads: set[object] = set()
    room.import_worker.progress_changed.connect(
        lambda _p: threads.add(QThread.currentThread()), Qt.ConnectionType.DirectConnection
    )
    dialog = PasteDialog(split_table(table), room.poll_service.contest, room.import_worker)
    qtbot.addWidget(dialog)
    # the dialog is up at once; its check runs elsewhere and OK waits for it
    assert dialog.checking and dialog.summary.text() == "Checking 3,000 rows…"
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    qtbot.waitUntil(lambda: not dialog.checking, timeout=30000)
    assert dialog.summary.text() == "3,000 polls will be imported, all or nothing."
    # a changed mapping is checked again; a stale answer never overwrites the newer one
    sample = dialog.pickers[2]
    sample.setCurrentIndex(sample.findData("notes"))
    sample.setCurrentIndex(sample.findData("sample_size"))
    qtbot.waitUntil(lambda: not dialog.checking, timeout=30000)
    assert dialog.summary.text() == "3,000 polls will be imported, all or nothing."
    dialog.exec = lambda: QDialog.DialogCode.Accepted  # type: ignore[method-assign]
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_text(table, dialog)
    assert threads and QThread.currentThread() not in threads
    assert len(store_snapshot(room)[1]) == 3030
    assert room.window.statusBar().currentMessage() == "3,000 polls added from the pasted table"


def test_a_paste_in_the_apps_own_columns_goes_through_the_worker(room, qtbot) -> None:
    text = polls_to_csv(fresh_polls(50), room.poll_service.contest).replace(",", "\t")
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_text(text)
    assert room.window.polls_pane.model.rowCount() == 80


def test_a_paste_in_the_apps_own_columns_is_split_on_the_worker_not_the_window(room, qtbot, monkeypatch) -> None:
    """A pasted table already in the app's own columns was split into cells and written out as CSV on the window's
    thread before its import went to the worker (10,000 rows: 0.1-0.2 s of the paste's turn,
    benchmarks/bench_menu_stalls.py); now its header line alone is read there, and the rest on the worker. A text
    the worker finds is no table is refused with the same words as before."""
    from warroom.core.paste import MAX_COLUMNS
    from warroom.services import import_worker
    from warroom.ui import actions

    gui = threading.get_ident()
    split: list[bool] = []  # per split of the table: on the window's thread?
    from warroom.core.paste import split_table as real

    for module in (actions, import_worker):
        monkeypatch.setattr(
            module,
            "split_table",
            lambda text: (split.append(threading.get_ident() == gui), real(text))[1],
            raising=False,
        )
    contest = room.poll_service.contest
    for n, (text, start) in enumerate(
        (
            (polls_to_csv(fresh_polls(50), contest).replace(",", "\t"), date(2022, 1, 1)),
            (polls_to_csv(fresh_polls(20, start=date(2021, 1, 1)), contest), date(2021, 1, 1)),
        )
    ):
        with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
            room.import_actions.import_text(text)
        assert split[n:] == [False], (start, split)  # once, on the worker
    assert room.window.polls_pane.model.rowCount() == 100
    failed: list[str] = []
    room.window.show_error = failed.append  # type: ignore[method-assign]
    wide = polls_to_csv(fresh_polls(2, start=date(2020, 1, 1)), contest) + ",".join(["x"] * (MAX_COLUMNS + 1)) + "\n"
    with qtbot.waitSignal(room.import_worker.import_failed, timeout=30000):
        room.import_actions.import_text(wide)
    assert len(failed) == 1
    assert failed[0].startswith(f"The pasted text is not a table of polls: line 4: {MAX_COLUMNS + 1:,} columns;")
    assert split[-1] is False and room.window.polls_pane.model.rowCount() == 100  # nothing imported


def test_the_redo_of_an_import_puts_back_the_very_polls_under_their_ids(
    room, qtbot, tmp_path: Path, monkeypatch
) -> None:
    """The redo of an import copied each of its polls under the id it already had (a dataclass copy, checked again:
    half of the redo's turn for 1,000 polls at 100,000, benchmarks/bench_menu_stalls.py) and looked up each one's
    shown id; now the polls go back as they are, their ids passed along."""
    from warroom.ui import commands

    path = write_csv(room, tmp_path / "redo.csv", fresh_polls(100, start=date(2021, 6, 1)))
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_file(path)
    ps, stack = room.poll_service, room.window.undo_stack
    imported = [p for p in ps.polls if p.fieldwork_end >= date(2021, 6, 1) and p.fieldwork_end < date(2022, 1, 1)]
    assert len(imported) == 100
    stack.undo()
    qtbot.waitUntil(lambda: ps.pending_writes == 0)
    assert len(ps.polls) == 30
    copies: list[int] = []
    looked: list[int] = []
    monkeypatch.setattr(commands, "replace", lambda *a, **k: (copies.append(1), replace(*a, **k))[1])
    shown_key = ps._shown_key
    monkeypatch.setattr(ps, "_shown_key", lambda pid: (looked.append(pid), shown_key(pid))[1])
    stack.redo()
    assert copies == [] and looked == []  # before: 100 copies and 100 look-ups
    qtbot.waitUntil(lambda: ps.pending_writes == 0)
    back = {p.id: p for p in ps.polls}
    assert len(back) == 130 and all(back[p.id] is p for p in imported)
    assert len(store_snapshot(room)[1]) == 130


def test_a_second_import_while_one_runs_is_refused_and_the_first_finishes(room, qtbot, tmp_path: Path) -> None:
    first = write_csv(room, tmp_path / "first.csv", fresh_polls(1000))
    second = write_csv(room, tmp_path / "second.csv", fresh_polls(10, start=date(2021, 1, 1)))
    reached, release = _held_at(room, "writing")
    room.import_actions.import_file(first)
    try:
        qtbot.waitUntil(reached.is_set, timeout=30000)
        room.import_actions.import_file(second)
        assert room.window.statusBar().currentMessage() == "An import is still running; second.csv was not imported"
        with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
            release.set()
    finally:
        release.set()
    assert len(store_snapshot(room)[1]) == 1030


def test_importing_the_same_file_again_adds_nothing_and_says_so(room, qtbot, tmp_path: Path) -> None:
    path = write_csv(room, tmp_path / "again.csv", fresh_polls(40))
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_file(path)
    before, steps = store_snapshot(room), room.window.undo_stack.count()
    with (
        qtbot.assertNotEmitted(room.poll_service.polls_changed, wait=300),
        qtbot.waitSignal(room.import_worker.import_finished, timeout=30000),
    ):
        room.import_actions.import_file(path)
    assert room.window.statusBar().currentMessage() == "No new polls in again.csv: all 40 are already stored"
    assert store_snapshot(room) == before and room.window.undo_stack.count() == steps
