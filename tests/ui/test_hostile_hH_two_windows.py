"""A fresh hostile pass (issue 16): two windows on one store, each keeping the changes the store refused in the
data folder's recovery file (the file's own rules: tests/store/test_hostile_hH_recovery.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import make_poll
from warroom.core.types import UnsavedChange
from warroom.store.recovery import read_unsaved


def _typed(n: int, pollster: str) -> UnsavedChange:
    return UnsavedChange("add", (make_poll(n, pollster=pollster),), 1, "Toyton Mayor")


@pytest.mark.gui
def test_two_windows_on_one_store_keep_both_windows_unsaved_changes(room, qtbot, tmp_path: Path) -> None:
    """Each window kept its refused changes as the store's, in place of what was kept for it: the second window's
    change took the first's out of the file, and a kill (or a crash) of the first then lost what was typed there;
    the second settling its own deleted the first's too. Each session now keeps its own; the next start is offered
    every one, once, and takes them over (settling them there settles them in the file)."""
    from tests.ui.conftest import running_room
    from warroom.bootstrap import open_store
    from warroom.services.settings import AppSettings

    path = tmp_path / "unsaved-change.json"
    store = room.store.display_target
    other_store = open_store(room.store.target, backup_dir=None, seed=False)
    other_settings = AppSettings(QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat))
    rooms = running_room(qtbot, other_store, other_settings, ready="averages")
    other = next(rooms)
    try:
        room._recovery_file = other._recovery_file = path
        a, b = _typed(3, "Typed in the first window"), _typed(4, "Typed in the second")
        room.window.keep_unsaved(a)
        other.window.keep_unsaved(b)
        assert read_unsaved(path, store) == [a, b]
        other.window.discard_unsaved(b)  # the second window settled its own
        assert read_unsaved(path, store) == [a]  # the first's stays, in case it is killed now
        # While the first window is open, a start on the store is not offered its change: both windows held it,
        # and each could enter it again (a poll added twice once the first copy's dates were edited)
        assert other.offer_unsaved() == ""
        assert other.window.unsaved_changes == ()
        assert read_unsaved(path, store) == [a]
        # the first window killed (its hold on its entry goes with the process); the next start on the store is
        # offered its change once, and takes it over (settling it there settles it in the file)
        room._recovery_file = None
        room.let_session_go()
        other.offer_unsaved()
        assert other.window.unsaved_changes == (a,)
        other.window.discard_unsaved(other.window.unsaved_changes[0])
        assert read_unsaved(path, store) == []
        assert not path.exists()
    finally:
        for _ in rooms:
            pass


def _fill(folder: Path) -> None:
    """Fill the disk under `folder` to its last byte."""
    import os

    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


@pytest.mark.gui
def test_a_change_that_cannot_be_kept_on_a_full_disk_is_said_in_the_window_and_what_was_kept_stays(
    room, tmp_path: Path
) -> None:
    """On a full disk the recovery file could not be written when a change was refused: said on standard error
    only, which a window started from the desktop has nobody reading, so the user went on thinking a crash would
    lose nothing. The window says it (the change is still in it, for Retry or a CSV file); the file keeps what it
    held before, whole."""
    from tests.store._tmpfs import small_tmpfs

    with small_tmpfs(tmp_path / "full", "filling a disk"):
        path = tmp_path / "full" / "unsaved-change.json"
        room._recovery_file = path
        first = _typed(3, "Kept before the disk filled")
        room.window.keep_unsaved(first)
        before = path.read_bytes()
        _fill(tmp_path / "full")
        room.window.keep_unsaved(_typed(4, "Refused on a full disk" + "x" * 5000))
        said = room.window.statusBar().currentMessage()
        assert "could not be kept" in said and str(path) in said and "still in this window" in said
        assert path.read_bytes() == before
        assert read_unsaved(path, room.store.display_target) == [first]
        assert sorted(p.name for p in (tmp_path / "full").iterdir()) == [
            "filler",
            "unsaved-change.json",
            f"unsaved-change.json.{room._session}.live",  # (the window's hold on its entry: recovery.hold_session)
            "unsaved-change.json.lock",
        ]
        room.let_session_go()  # (its hold open on the small disk kept it from being unmounted)


@pytest.mark.gui
def test_a_change_being_retried_stays_in_the_recovery_file_while_its_form_is_open(
    room, qtbot, tmp_path: Path, monkeypatch
) -> None:
    """Edit > Retry took the change out of the recovery file before its form opened: a kill, a crash or a power cut
    while the user was going over the form lost what the file had kept safe (a signal or a session ending keeps
    the form's figures, _keep_if_closing; these run no code). It stays kept until the form is answered."""
    from PySide6.QtWidgets import QDialog

    from warroom.ui.poll_dialog import PollDialog

    path = tmp_path / "unsaved-change.json"
    room._recovery_file = path
    store = room.store.display_target
    contest = room.poll_service.contest
    change = UnsavedChange("add", (make_poll(9, pollster="Typed before the crash"),), contest.id, contest.name)
    room.window.keep_unsaved(change)
    assert read_unsaved(path, store) == [change]
    during: list[list[UnsavedChange]] = []

    def exec_(dialog: PollDialog) -> int:
        during.append(read_unsaved(path, store))  # (a kill now: what the next start is offered)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(PollDialog, "exec", exec_)
    room.window.action_retry.trigger()
    assert during == [[change]]
    assert read_unsaved(path, store) == [change]  # cancelled: still kept
    assert room.window.unsaved_changes == (change,)


@pytest.mark.gui
def test_quitting_while_an_import_runs_asks_first_and_no_keeps_the_window_and_the_import(
    room, qtbot, tmp_path: Path, monkeypatch
) -> None:
    """File > Quit (or the window's close button) while an import was writing cancelled it and rolled it back
    without a word: the window went, and the next day the polls were not there, nothing having said so. The user
    is asked; No keeps the window open and the import running. (A close nobody may answer, a signal or a session
    ending, still cancels it: tests/ui/test_hostile_window.py.)"""
    import threading

    from PySide6.QtCore import Qt

    from tests.ui.test_import_worker import fresh_polls, write_csv
    from warroom.store import polls as repo

    asked: list[str] = []
    monkeypatch.setattr(
        room.window, "ask_close_while_importing", lambda: (asked.append("asked"), False)[1], raising=False
    )
    path = write_csv(room, tmp_path / "big.csv", fresh_polls(3000))
    cid = room.poll_service.contest.id
    with room.store.sessions() as s:
        before = len(repo.list_polls(s, cid))
    writing = threading.Event()
    room.import_worker.progress_changed.connect(
        lambda p: writing.set() if p.stage == "writing" and p.done > 0 else None, Qt.ConnectionType.DirectConnection
    )
    room.import_actions.import_file(path)
    assert writing.wait(30)
    room.window._quit_chosen()  # File > Quit
    assert asked == ["asked"]
    assert room.window.isVisible()
    qtbot.waitUntil(lambda: not room.import_worker.busy, timeout=60000)
    with room.store.sessions() as s:
        assert len(repo.list_polls(s, cid)) == before + 3000
