"""Thirteenth hostile pass, teammates: two windows (or a window and the command line) on one store, undo across
contest switches, and changes queued behind one the store refused.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.conftest import TOY, make_poll
from tests.ui.conftest import toy_polls
from warroom.core.types import Annotation
from warroom.paths import AppPaths
from warroom.store import polls as repo
from warroom.store.recovery import RECOVERY_FILE_NAME
from warroom.ui.commands import EditPollCommand

pytestmark = pytest.mark.gui


def _open(paths: AppPaths) -> Any:
    from warroom.bootstrap import open_store

    return open_store(paths.database, backup_dir=paths.backup_dir, seed=False)


def _room(qtbot: Any, paths: AppPaths, store: Any) -> Any:
    from warroom.app import WarRoom
    from warroom.services.settings import AppSettings

    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    room = WarRoom(store, settings, watch=False, recovery_file=paths.data_dir / RECOVERY_FILE_NAME)
    qtbot.addWidget(room.window)
    room.window.show()
    qtbot.waitUntil(lambda: room.averages.averages is not None)
    return room


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    p = AppPaths.under(tmp_path)
    p.ensure()
    store = _open(p)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, toy_polls())
        repo.add_annotation(s, cid, Annotation(date(2024, 2, 1), "poster unveiled"))
    store.close()
    return p


@pytest.fixture
def room(qapp: Any, qtbot: Any, paths: AppPaths) -> Iterator[Any]:
    store = _open(paths)
    made = _room(qtbot, paths, store)
    yield made
    made.window.close()
    store.close()


def _stored(room: Any) -> list[str]:
    with room.store.sessions() as s:
        return [p.pollster for p in repo.list_polls(s, room.poll_service.contest.id)]


class _Held:
    """Another program holding the SQLite store's write lock (the window's writes fail "busy" after 2 s)."""

    def __init__(self, room: Any) -> None:
        self._db = sqlite3.connect(room.store.engine.url.database, timeout=0, check_same_thread=False)
        self._db.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        self._db.rollback()
        self._db.close()


def _kept(room: Any) -> list[tuple[str, list[str]]]:
    return [(c.action, [p.pollster for p in c.polls]) for c in room.window.unsaved_changes]


def test_changes_queued_behind_a_refused_one_are_all_kept_for_retry_in_order(room, qtbot) -> None:
    """Two adds on their way when the store refuses the first: the second, taken back with it, was lost (only the
    first was kept for Retry)."""
    errors: list[str] = []
    room.window.show_error = errors.append
    held = _Held(room)
    try:
        assert room.window.import_polls([make_poll(24, pollster="First"), make_poll(26, pollster="First too")])
        assert room.window.import_polls([make_poll(25, pollster="Second"), make_poll(27, pollster="Second too")])
        qtbot.waitUntil(lambda: bool(errors) and room.poll_service.pending_writes == 0, timeout=15000)
    finally:
        held.release()
    assert _kept(room) == [("add", ["First", "First too"]), ("add", ["Second", "Second too"])]
    room.window.action_retry.trigger()  # enters every kept change of this race, in order
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    assert {"First", "First too", "Second", "Second too"} <= set(_stored(room))
    assert not room.window.action_retry.isEnabled()
    assert room.window.unsaved_changes == ()


def test_a_second_refused_change_before_retry_does_not_replace_the_first(room, qtbot, paths) -> None:
    """A change refused and kept for Retry, then another refused before Retry: the first was replaced, lost;
    the recovery file held only the second."""
    errors: list[str] = []
    room.window.show_error = errors.append
    for name in ("Kept one", "Kept two"):
        held = _Held(room)
        try:
            errors.clear()
            assert room.window.import_polls([make_poll(24 if name == "Kept one" else 25, pollster=name)])
            qtbot.waitUntil(lambda: bool(errors), timeout=15000)
            qtbot.waitUntil(lambda: bool(errors) and room.poll_service.pending_writes == 0, timeout=15000)
        finally:
            held.release()
    assert _kept(room) == [("add", ["Kept one"]), ("add", ["Kept two"])]
    data = json.loads((paths.data_dir / RECOVERY_FILE_NAME).read_text())
    assert [[p["pollster"] for p in c["polls"]] for c in data["stores"][0]["changes"]] == [["Kept one"], ["Kept two"]]


def test_a_write_that_fails_during_a_close_by_a_signal_never_puts_up_a_modal_message(room, qtbot, paths) -> None:
    """A close by a signal (SIGTERM, a logout) waits for the changes on their way; one that failed meanwhile was
    reported in a modal message box, and the close (and the recovery file) waited on someone to press OK."""
    modal: list[str] = []
    closed: list[bool] = []

    def watch() -> None:  # (presses OK on a message box that comes up, noting it, until the close is over)
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            modal.append(box.text())
            box.done(0)
        if not closed:
            QTimer.singleShot(20, QApplication.instance(), watch)

    held = _Held(room)
    try:
        assert room.window.import_polls([make_poll(24, pollster="On its way")])
        QTimer.singleShot(20, QApplication.instance(), watch)
        room.window.close()  # a program's (the signal guard's) close: nobody to answer
    finally:
        closed.append(True)
        held.release()
    assert not room.window.isVisible()
    assert modal == [], f"a close by a signal put up a modal message: {modal}"
    data = json.loads((paths.data_dir / RECOVERY_FILE_NAME).read_text())
    assert [[p["pollster"] for p in c["polls"]] for c in data["stores"][0]["changes"]] == [["On its way"]]


def test_a_change_left_on_its_way_in_another_race_that_fails_is_kept_for_retry_there(room, qtbot, monkeypatch) -> None:
    """Polls added to race A, then race B opened before the store answered (the switch waits a few seconds, then
    leaves them to land or fail): when they failed, the message was all that was left of them. They are now kept
    for Edit > Retry in race A: refused in B, entered once A is open again."""
    from warroom.services import poll_service

    with room.store.sessions.begin() as s:
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))
    room.poll_service.contests_changed.emit(room.poll_service.contests())
    race_a = room.poll_service.contest.id
    monkeypatch.setattr(poll_service, "WRITE_WAIT_ON_SWITCH_S", 0.2)
    errors: list[str] = []
    room.window.show_error = errors.append
    held = _Held(room)
    try:
        assert room.window.import_polls([make_poll(24, pollster="Left a"), make_poll(25, pollster="Left b")])
        room.poll_service.open_contest(race_b)
        qtbot.waitUntil(lambda: bool(errors) and room.poll_service.pending_writes == 0, timeout=15000)
    finally:
        held.release()
    assert _kept(room) == [("add", ["Left a", "Left b"])]
    assert room.window.unsaved_change.contest_id == race_a
    errors.clear()
    room.window.action_retry.trigger()  # in race B: refused, naming race A
    assert errors and TOY.name in errors[0] and _kept(room) == [("add", ["Left a", "Left b"])]
    room.poll_service.open_contest(race_a)
    room.window.action_retry.trigger()
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    assert {"Left a", "Left b"} <= set(_stored(room))
    assert room.window.unsaved_changes == ()


def _while_the_form_is_open(room: Any, qtbot: Any, meanwhile: Any, seen: list[str]) -> None:
    """Once the poll form is up: run `meanwhile` (a teammate's change, read by the window), then press OK."""

    def step() -> None:
        from warroom.ui.poll_dialog import PollDialog

        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PollDialog):
            QTimer.singleShot(20, QApplication.instance(), step)
            return
        meanwhile()
        seen.append(room.poll_service.contest.name)
        dialog.accept()

    QTimer.singleShot(20, QApplication.instance(), step)


def _teammate_deletes(room: Any, contest_id: int) -> None:
    from warroom.store import contests

    with room.store.sessions.begin() as s:
        contests.delete_contest(s, contest_id)
    room.poll_service.reload(external=True)  # the watch's next look


def test_a_poll_typed_into_a_race_a_teammate_deletes_meanwhile_never_goes_into_the_race_opened_instead(
    room, qtbot
) -> None:
    """The poll form open on race A; a teammate deletes race A, and the window opens race B (same candidates):
    pressing OK added the poll typed for A to B without a word. It is refused naming A, and kept for Retry."""
    with room.store.sessions.begin() as s:
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))
    race_a = room.poll_service.contest.id
    errors: list[str] = []
    room.window.show_error = errors.append
    seen: list[str] = []
    _while_the_form_is_open(room, qtbot, lambda: _teammate_deletes(room, race_a), seen)
    room.window.add_poll(make_poll(24, pollster="Typed for A"))
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    assert seen == ["Race B"]  # the window had moved on while the form was open
    with room.store.sessions() as s:
        assert [p.pollster for p in repo.list_polls(s, race_b)] == []
    assert any(TOY.name in e for e in errors), errors
    assert _kept(room) == [("add", ["Typed for A"])]


def test_an_edit_typed_in_a_race_a_teammate_deletes_meanwhile_is_kept_and_said_not_lost(room, qtbot) -> None:
    """The same with the edit form: its OK went on to the race opened instead (a raw 'poll #N no longer exists'),
    the typed figures gone. Now said naming the race, and kept for Retry there."""
    with room.store.sessions.begin() as s:
        repo.add_contest(s, replace(TOY, name="Race B"))
    race_a = room.poll_service.contest.id
    errors: list[str] = []
    room.window.show_error = errors.append
    seen: list[str] = []
    _while_the_form_is_open(room, qtbot, lambda: _teammate_deletes(room, race_a), seen)
    poll = room.poll_service.polls[0]
    room.window._edit(room.poll_service.contest, poll, replace(poll, sample_size=4321))
    assert seen == ["Race B"]
    assert any(TOY.name in e and "Retry" in e for e in errors), errors
    [kept] = room.window.unsaved_changes
    assert kept.action == "edit" and kept.contest_id == race_a and kept.polls[0].sample_size == 4321


def test_a_poll_typed_while_a_teammate_renames_the_race_still_goes_into_it(room, qtbot) -> None:
    """A teammate's rename of the race the form is open on is the same race: the poll goes in as typed."""
    from warroom.store import contests

    race_a = room.poll_service.contest.id
    errors: list[str] = []
    room.window.show_error = errors.append

    def rename() -> None:
        with room.store.sessions.begin() as s:
            contests.update_contest(s, race_a, replace(room.poll_service.contest, name="Renamed by a teammate"))
        room.poll_service.reload(external=True)

    seen: list[str] = []
    _while_the_form_is_open(room, qtbot, rename, seen)
    room.window.add_poll(make_poll(24, pollster="Typed"))
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    assert seen == ["Renamed by a teammate"] and errors == []
    assert "Typed" in _stored(room)


class _Dialog:
    """A contest or result dialog whose OK is pressed once, after `meanwhile` (a teammate's change) has run."""

    def __init__(self, meanwhile: Any, typed: Any) -> None:
        self._meanwhile, self._typed, self.shown = meanwhile, typed, 0

    def exec(self) -> int:
        from PySide6.QtWidgets import QDialog

        self.shown += 1
        if self.shown > 2:
            return QDialog.DialogCode.Rejected
        if self.shown == 1:
            self._meanwhile()
        return QDialog.DialogCode.Accepted

    def contest(self) -> Any:
        return self._typed

    def typed_result(self) -> Any:
        return self._typed


def _replaced_under_its_id(room: Any) -> int:
    """A teammate deletes the open race and makes another, which SQLite gives the same id; the window follows."""
    import time

    from warroom.store import contests

    race_a = room.poll_service.contest.id
    time.sleep(1.1)  # SQLite keeps creation times to the second: the teammate's race is made a moment later
    with room.store.sessions.begin() as s:
        contests.delete_contest(s, race_a)
        made = repo.add_contest(s, replace(TOY, name="Their new race", office="Governor"))
    assert made == race_a  # (SQLite reuses the largest id)
    room.poll_service.reload(external=True)
    assert room.poll_service.contest.name == "Their new race"
    return made


def test_edit_contest_never_writes_a_deleted_race_over_the_one_a_teammate_made_under_its_id(room, qtbot) -> None:
    """Edit contest open on race A; a teammate deletes A and makes another race, which SQLite stores under A's id,
    and the window opens it. OK was refused as 'changed by a teammate ... save again to put these details in place
    of theirs', and saving again wrote race A's name and candidates over the teammate's new race. Now refused as
    deleted, every time, and their race is left as they made it."""
    errors: list[str] = []
    room.window.show_error = errors.append
    mine = replace(room.poll_service.contest, office="Mayor (typed here)")
    dialog = _Dialog(lambda: _replaced_under_its_id(room), mine)
    room.contest_actions.edit_contest(dialog)  # OK, refused; OK again (knowingly, were it a teammate's edit)
    assert dialog.shown == 3
    with room.store.sessions() as s:
        stored = repo.get_contest(s, mine.id)
    assert stored is not None and stored.name == "Their new race" and stored.office == "Governor"
    refused = [e for e in errors if e.startswith("The contest was not changed")]
    assert len(refused) == 2 and all("deleted" in e and TOY.name in e for e in refused), errors


def test_an_official_result_typed_for_a_deleted_race_never_goes_into_the_one_made_under_its_id(room, qtbot) -> None:
    from warroom.core.types import OfficialResult

    errors: list[str] = []
    room.window.show_error = errors.append
    contest = room.poll_service.contest
    typed = OfficialResult(first_round={"ann": 40_000, "bob": 35_000, "cat": 25_000})
    dialog = _Dialog(lambda: _replaced_under_its_id(room), typed)
    room.contest_actions.edit_result(dialog)
    assert room.poll_service.official_result(contest.id) is None
    refused = [e for e in errors if e.startswith("The result was not stored")]
    assert refused and all("deleted" in e and TOY.name in e for e in refused), errors


def test_undo_after_switching_races_never_acts_on_the_race_now_shown(room, qtbot) -> None:
    """(Held.) Polls added, a poll edited, a poll deleted and a scenario saved in race A; race B opened; Ctrl+Z:
    nothing of A is taken back into B, nor of A itself behind the user's back (the history went with A)."""
    with room.store.sessions.begin() as s:
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))
    # Race B written past the window is another program's change: read now, as the store's watch would within
    # 0.7 s, so its reload (which rightly drops the history) does not land between the steps below and the check
    with qtbot.waitSignal(room.poll_service.polls_changed, timeout=10000):
        room.poll_service.reload(external=True)
    room.poll_service.contests_changed.emit(room.poll_service.contests())
    race_a = room.poll_service.contest.id
    assert room.window.import_polls([make_poll(24, pollster="Added in A"), make_poll(25, pollster="Also in A")])
    first = room.poll_service.polls[0]
    room.window._push(
        EditPollCommand(room.poll_service, first, replace(first, sample_size=1717), room.window.show_error)
    )
    room.scenario_actions.save_as("Made in A")
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    assert room.window.action_undo.isEnabled()
    with room.store.sessions() as s:
        before_a = repo.list_polls(s, race_a)
        scenarios_a = repo.list_scenarios(s, race_a)
    picker = room.contest_actions.picker
    picker.setCurrentIndex(picker.findData(race_b))
    assert room.poll_service.contest.id == race_b
    assert not room.window.action_undo.isEnabled() and not room.window.action_redo.isEnabled()
    room.window.action_undo.trigger()
    room.window.action_redo.trigger()
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    with room.store.sessions() as s:
        assert repo.list_polls(s, race_a) == before_a and repo.list_scenarios(s, race_a) == scenarios_a
        assert repo.list_polls(s, race_b) == [] and repo.list_scenarios(s, race_b) == []


def test_a_pasted_table_mapped_for_a_race_a_teammate_deletes_meanwhile_is_not_imported_into_another(
    room, qtbot
) -> None:
    """A pasted table's columns are mapped to race A's candidates in a dialog; a teammate deletes A and the window
    opens race B: OK imported the polls into B. Now refused naming both, the polls kept for Retry in A."""
    from warroom.core.csvformat import ParseResult

    with room.store.sessions.begin() as s:
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))
    race_a = room.poll_service.contest.id
    errors: list[str] = []
    room.window.show_error = errors.append
    pasted = [make_poll(24, pollster="Pasted one"), make_poll(25, pollster="Pasted two")]
    dialog = _Dialog(lambda: _teammate_deletes(room, race_a), None)
    dialog.result_parse = ParseResult(polls=pasted, lines=[2, 3])
    room.import_actions.import_text("Firm\tann %\tbob\nA\t1\t2\nB\t3\t4\n", dialog)
    qtbot.wait(300)
    qtbot.waitUntil(lambda: not room.import_worker.busy, timeout=10000)
    assert room.poll_service.contest.id == race_b
    with room.store.sessions() as s:
        assert repo.list_polls(s, race_b) == []
    assert any(TOY.name in e and "Race B" in e for e in errors), errors
    assert _kept(room) == [("add", ["Pasted one", "Pasted two"])]


def test_two_windows_one_imports_a_thousand_polls_while_the_other_undoes(qapp, qtbot, paths, store_url) -> None:
    """(Held.) Two windows on one store (a SQLite file; a PostgreSQL database): one imports 1,000 polls (its
    worker holds the write lock for the whole transaction) while the other undoes its own add. Both land, or the
    undo is refused as busy and kept for Retry as typed; nothing of either is lost, and each window shows the
    other's change once read."""
    from warroom.bootstrap import open_store
    from warroom.core.csvformat import polls_to_csv

    stores = [open_store(store_url, backup_dir=paths.backup_dir, seed=False) for _ in range(2)]
    if store_url != str(paths.database):  # a fresh PostgreSQL database: the same race and polls as the file
        with stores[0].sessions.begin() as s:
            repo.add_polls(s, repo.add_contest(s, TOY), toy_polls())
    one, two = (_room(qtbot, paths, store) for store in stores)
    try:
        errors: list[str] = []
        two.window.show_error = errors.append
        assert two.window.import_polls([make_poll(24, pollster="Two's A"), make_poll(25, pollster="Two's B")])
        qtbot.waitUntil(lambda: two.poll_service.pending_writes == 0, timeout=10000)
        csv = polls_to_csv([make_poll(1 + k % 27, pollster=f"Bulk {k}") for k in range(1000)], one.poll_service.contest)
        finished: list[object] = []
        one.import_worker.import_finished.connect(finished.append)
        one.import_worker.import_failed.connect(finished.append)
        assert one.import_worker.start_text(csv, "the bulk file")
        two.window.action_undo.trigger()
        qtbot.waitUntil(lambda: bool(finished) and two.poll_service.pending_writes == 0, timeout=30000)
        with stores[0].sessions() as s:
            names = {p.pollster for p in repo.list_polls(s, one.poll_service.contest.id)}
        assert sum(n.startswith("Bulk ") for n in names) == 1000, finished
        if errors:  # refused while the import held the lock: kept for Retry, nothing lost
            assert "busy" in errors[0] and _kept(two) == [("delete", ["Two's A", "Two's B"])]
            assert {"Two's A", "Two's B"} <= names
        else:
            assert not {"Two's A", "Two's B"} & names
        two.poll_service.reload(external=True)
        assert sum(p.pollster.startswith("Bulk ") for p in two.poll_service.polls) == 1000
    finally:
        for room, store in ((one, stores[0]), (two, stores[1])):
            room.window.close()
            store.close()


def test_retrying_an_edit_of_a_poll_a_teammate_deleted_offers_the_typed_figures_as_a_new_poll(room, qtbot) -> None:
    """An edit refused because a teammate deleted the poll meanwhile was kept for Retry; Retry then said "no longer
    in the store, so its edit cannot be retried" and dropped it: the figures typed were lost. Retry now opens the
    add form on them (as the start's first stage does for an edit of a poll deleted since)."""
    from warroom.ui.poll_dialog import PollDialog

    errors: list[str] = []
    room.window.show_error = errors.append
    poll = room.poll_service.polls[-1]
    with room.store.sessions.begin() as s:  # a teammate deletes it; this window has not looked yet
        repo.delete_polls(s, [poll.id])
    room.window._push(EditPollCommand(room.poll_service, poll, replace(poll, sample_size=4321), errors.append))
    qtbot.waitUntil(lambda: bool(room.window.unsaved_changes), timeout=10000)
    qtbot.waitUntil(lambda: room.poll_service.poll(poll.id) is None, timeout=10000)  # the window re-read the store
    offered: list[Any] = []

    def accept() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PollDialog):
            QTimer.singleShot(20, QApplication.instance(), accept)
            return
        offered.append(dialog.poll())
        dialog.accept()

    QTimer.singleShot(20, QApplication.instance(), accept)
    room.window.action_retry.trigger()
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    assert offered and offered[0].sample_size == 4321 and offered[0].pollster == poll.pollster
    with room.store.sessions() as s:
        again = [p for p in repo.list_polls(s, room.poll_service.contest.id) if p.sample_size == 4321]
    assert len(again) == 1 and again[0].fieldwork_end == poll.fieldwork_end
    assert room.window.unsaved_changes == ()


def test_quit_with_two_refused_changes_asks_about_each_in_turn(room, qtbot, paths) -> None:
    """Closing asked about the one change kept (the last); every kept change is now asked about, oldest first."""
    errors: list[str] = []
    room.window.show_error = errors.append
    for day, name in ((24, "Kept one"), (25, "Kept two")):
        held = _Held(room)
        try:
            errors.clear()
            assert room.window.import_polls([make_poll(day, pollster=name), make_poll(day + 2, pollster=name + "b")])
            qtbot.waitUntil(lambda: bool(errors) and room.poll_service.pending_writes == 0, timeout=15000)
        finally:
            held.release()
    asked: list[str] = []
    tries = [250]  # 5 s at most: a question that never comes fails the test, not a later one

    def discard() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            [button] = [b for b in box.buttons() if b.text().replace("&", "") == "Discard"]
            button.click()
        tries[0] -= 1
        if len(asked) < 2 and tries[0]:
            QTimer.singleShot(20, QApplication.instance(), discard)

    QTimer.singleShot(20, QApplication.instance(), discard)
    room.window.action_quit.trigger()
    assert not room.window.isVisible()
    assert len(asked) == 2 and "(1 more after it" in asked[0] and "more after it" not in asked[1], asked
    assert "Kept one" not in asked[1] and "2 polls added" in asked[1]
    assert not (paths.data_dir / RECOVERY_FILE_NAME).exists()  # both settled (discarded)


def test_a_poll_being_typed_when_sigterm_closes_the_window_is_kept_for_the_next_start(paths, qapp, qtbot) -> None:
    """SIGTERM (a logout, `kill`) with the poll form open closed the form with the window, and what was typed in
    it went with them. It is now in the recovery file, offered at the next start for Edit > Retry."""
    import os
    import signal

    from warroom.ui.poll_dialog import PollDialog
    from warroom.ui.qt_utils import close_windows_on_signals

    store = _open(paths)
    room = _room(qtbot, paths, store)
    typed = make_poll(24, pollster="Half typed")
    guard = close_windows_on_signals()

    def kill_when_up() -> None:
        if not isinstance(QApplication.activeModalWidget(), PollDialog):
            QTimer.singleShot(20, QApplication.instance(), kill_when_up)
            return
        os.kill(os.getpid(), signal.SIGTERM)

    try:
        QTimer.singleShot(20, QApplication.instance(), kill_when_up)
        room.window.add_poll(typed)  # the form, on what has been typed so far
        qtbot.waitUntil(lambda: not room.window.isVisible(), timeout=5000)
    finally:
        guard.restore()
        store.close()
    data = json.loads((paths.data_dir / RECOVERY_FILE_NAME).read_text())
    assert [[p["pollster"] for p in c["polls"]] for c in data["stores"][0]["changes"]] == [["Half typed"]]
    store = _open(paths)
    again = _room(qtbot, paths, store)
    try:
        assert _kept(again) == [("add", ["Half typed"])]
    finally:
        again.window.close()
        store.close()


def test_a_kept_change_of_a_race_deleted_since_can_still_be_saved_to_a_csv_file_at_the_close(
    room, qtbot, tmp_path, monkeypatch
) -> None:
    """Polls kept for Retry in race A, which a teammate then deleted: Retry can never enter them (A cannot be
    opened), and the close offered only Discard or Cancel, so the polls typed could only be thrown away. The close
    now offers the CSV file for them too, in their own columns, and it reads back into a race with those codes."""
    from PySide6.QtWidgets import QFileDialog

    with room.store.sessions.begin() as s:
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))
    race_a = room.poll_service.contest.id
    room.window.show_error = lambda _message: None
    _while_the_form_is_open(room, qtbot, lambda: _teammate_deletes(room, race_a), [])
    typed = replace(make_poll(24, pollster="Typed for A"), party_vi={"R": 30.0, "G": 10.0})
    room.window.add_poll(typed)
    assert room.poll_service.contest.id == race_b and _kept(room) == [("add", ["Typed for A"])]
    target = tmp_path / "kept.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV files (*.csv)"))
    asked: list[str] = []

    def save() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, QApplication.instance(), save)
            return
        asked.append(box.text())
        by_text = {b.text().replace("&", ""): b for b in box.buttons()}
        (by_text.get("Save to a CSV file…") or by_text["Discard"]).click()  # (Discard: none offered, the test fails)

    QTimer.singleShot(20, QApplication.instance(), save)
    room.window.action_quit.trigger()
    assert asked and TOY.name in asked[0] and not room.window.isVisible()
    parsed = room.poll_service.parse_csv(target)
    assert parsed.ok, parsed.errors
    assert [(p.pollster, dict(p.first_round), dict(p.party_vi)) for p in parsed.polls] == [
        ("Typed for A", dict(typed.first_round), {"R": 30.0, "G": 10.0})
    ]
