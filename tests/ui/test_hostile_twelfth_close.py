"""Twelfth hostile pass, closing: a change the store refused (kept for Edit > Retry) is never lost on a close.

It was dropped without a question when the window closed: the poll the user typed was gone. A close by the user
(File > Quit, Ctrl+Q, the window's close button) now asks: Retry now, Save to a CSV file, Discard or Cancel. A
close that cannot ask (SIGTERM, Ctrl-C in the terminal, a session ending, a program's close()) never waits on a
question: the change goes to a recovery file in the data folder and is offered again at the next start.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton

from tests.conftest import TOY, make_poll
from tests.ui.conftest import toy_polls
from warroom.core.types import Annotation
from warroom.paths import AppPaths
from warroom.store import polls as repo
from warroom.store.recovery import RECOVERY_FILE_NAME

pytestmark = pytest.mark.gui


def _open(paths: AppPaths) -> Any:
    from warroom.bootstrap import open_store

    return open_store(paths.database, backup_dir=paths.backup_dir, seed=False)


def _room(qtbot: Any, paths: AppPaths, store: Any) -> Any:
    """A war room as the app makes it, with its recovery file in the data folder."""
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
def room(qtbot: Any, paths: AppPaths) -> Iterator[Any]:
    store = _open(paths)
    made = _room(qtbot, paths, store)
    yield made
    made.window.close()  # the teardown's close: never a question (it is not the user's)
    store.close()


def _stored(room: Any) -> list[str]:
    with room.store.sessions() as s:
        return [p.pollster for p in repo.list_polls(s, room.poll_service.contest.id)]


def _refused(room: Any, qtbot: Any, pollsters: tuple[str, ...] = ("Typed One", "Typed Two")) -> None:
    """Polls added while another program holds the store, so the store refuses them (kept for Retry)."""
    errors: list[str] = []
    room.window.show_error = errors.append
    holder = sqlite3.connect(room.store.engine.url.database, timeout=0, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert room.window.import_polls([make_poll(24 + i, pollster=p) for i, p in enumerate(pollsters)])
        qtbot.waitUntil(lambda: bool(errors), timeout=15000)
    finally:
        holder.rollback()
        holder.close()
    assert room.window.action_retry.isEnabled()


def _answer(button_text: str, asked: list[str]) -> Callable[[], None]:
    """Press `button_text` in the question the close asks, once it is up (noting its text)."""

    tries = [250]  # 5 s at most: a question that never comes fails the test, not a later one

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            tries[0] -= 1
            if tries[0]:
                QTimer.singleShot(20, QApplication.instance(), press)
            return
        asked.append(box.text())
        [button] = [b for b in box.findChildren(QPushButton) if b.text().replace("&", "") == button_text]
        button.click()

    return press


def _quit(room: Any) -> None:
    """File > Quit (the platform's Quit key, Ctrl+Q, triggers the same action)."""
    room.window.action_quit.trigger()


def test_quit_with_a_refused_change_asks_and_cancel_keeps_the_window_and_the_change(room, qtbot) -> None:
    _refused(room, qtbot)
    asked: list[str] = []
    QTimer.singleShot(0, room.window, _answer("Cancel", asked))
    _quit(room)
    assert asked and "2 polls added in" in asked[0] and "lost" in asked[0], asked
    assert room.window.isVisible(), "the window closed with the typed polls unsaved"
    assert room.window.unsaved_change is not None and room.window.action_retry.isEnabled()
    QTimer.singleShot(0, room.window, _answer("Discard", asked))
    _quit(room)
    assert not room.window.isVisible() and len(asked) == 2
    assert room.window.unsaved_change is None
    assert not (room._recovery_file).exists()  # discarded: nothing offered at the next start


def test_quit_can_save_the_refused_change_to_a_csv_file(room, qtbot, tmp_path, monkeypatch) -> None:
    _refused(room, qtbot)
    target = tmp_path / "kept.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV files (*.csv)"))
    asked: list[str] = []
    QTimer.singleShot(0, room.window, _answer("Save to a CSV file…", asked))
    _quit(room)
    assert asked and not room.window.isVisible()
    text = target.read_text(encoding="utf-8")
    assert "Typed One" in text and "Typed Two" in text
    parsed = room.poll_service.parse_csv(target)  # and it reads back as the polls typed
    assert parsed.ok and [p.pollster for p in parsed.polls] == ["Typed One", "Typed Two"]


def test_the_windows_close_button_asks_too(room, qtbot) -> None:
    """The window manager's close (its title-bar button) comes as a spontaneous close event, which no test can
    post (QWindow.close() sends a plain one): the event is made to say it is spontaneous, and given to the window's
    close as Qt would give it."""
    from PySide6.QtGui import QCloseEvent

    class FromTheWindowManager(QCloseEvent):
        def spontaneous(self) -> bool:
            return True

    _refused(room, qtbot)
    asked: list[str] = []
    QTimer.singleShot(0, room.window, _answer("Cancel", asked))
    event = FromTheWindowManager()
    room.window.closeEvent(event)
    assert asked and not event.isAccepted() and room.window.isVisible()
    assert not room.window.closing_by_user(QCloseEvent())  # a program's close(): not the user's


def test_quit_can_retry_the_refused_change_now_and_then_closes(room, qtbot) -> None:
    _refused(room, qtbot)
    asked: list[str] = []
    QTimer.singleShot(0, room.window, _answer("Retry now", asked))
    _quit(room)
    assert asked and not room.window.isVisible()
    assert {"Typed One", "Typed Two"} <= set(_stored(room))


def test_a_close_by_a_signal_never_asks_and_the_change_is_offered_at_the_next_start(paths, qtbot) -> None:
    from warroom.ui.qt_utils import close_windows_on_signals

    store = _open(paths)
    room = _room(qtbot, paths, store)
    _refused(room, qtbot)

    def never(*_args: object) -> str:
        raise AssertionError("a close by a signal asked a question")

    room.window.ask_unsaved_on_close = never
    guard = close_windows_on_signals()
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: not room.window.isVisible(), timeout=5000)
    finally:
        guard.restore()
    kept = paths.data_dir / RECOVERY_FILE_NAME
    assert kept.exists(), "the typed polls were lost with the window"
    assert kept.stat().st_mode & 0o077 == 0  # owner-only, like the store
    store.close()

    store = _open(paths)  # the next start
    again = _room(qtbot, paths, store)
    try:
        change = again.window.unsaved_change
        assert change is not None and [p.pollster for p in change.polls] == ["Typed One", "Typed Two"]
        assert again.window.action_retry.isEnabled()
        assert "Not saved when warroom last closed: 2 polls added" in again.window.statusBar().currentMessage()
        again.window.action_retry.trigger()
        qtbot.waitUntil(lambda: again.poll_service.pending_writes == 0, timeout=10000)
        assert {"Typed One", "Typed Two"} <= set(_stored(again))
        assert not kept.exists()  # settled: not offered a second time
    finally:
        again.window.close()
        store.close()


def test_a_kept_change_of_another_store_is_not_offered_and_a_damaged_one_is_said(paths, qtbot) -> None:
    kept = paths.data_dir / RECOVERY_FILE_NAME
    kept.write_text('{"warroom_unsaved_change": 1, "store": "/elsewhere/polls.sqlite3", "action": "add"}')
    store = _open(paths)
    room = _room(qtbot, paths, store)
    try:
        assert room.window.unsaved_change is None and kept.exists()
    finally:
        room.window.close()
        store.close()
    kept.write_text("{not json")
    store = _open(paths)
    room = _room(qtbot, paths, store)
    try:
        assert room.window.unsaved_change is None
        assert "cannot be read" in room.window.statusBar().currentMessage()
        assert kept.read_text() == "{not json"  # left as it was, for the user to look at
    finally:
        room.window.close()
        store.close()


def test_a_session_ending_never_waits_on_a_question_even_for_the_window_managers_close(room, qtbot) -> None:
    """A logout asks the app to save (commitDataRequest), then the window manager closes the window: that close,
    spontaneous as the user's, must not block the logout with a question; the change is kept for the next start."""
    from PySide6.QtGui import QCloseEvent

    class FromTheWindowManager(QCloseEvent):
        def spontaneous(self) -> bool:
            return True

    _refused(room, qtbot)

    def never(*_args: object) -> str:
        raise AssertionError("a close at the session's end asked a question")

    room.window.ask_unsaved_on_close = never
    from PySide6.QtCore import SIGNAL

    app = QApplication.instance()
    assert app.receivers(SIGNAL("commitDataRequest(QSessionManager&)")) >= 1  # the room listens for it
    room.window.on_session_ending()  # what it calls (no QSessionManager can be made to emit it)
    event = FromTheWindowManager()
    room.window.closeEvent(event)
    assert event.isAccepted()
    assert room._recovery_file.exists()


def test_a_close_by_a_signal_while_the_store_does_not_answer_never_waits_on_a_question(
    room, qtbot, monkeypatch
) -> None:
    """Closing waits for changes still on their way to the store and, once it has not answered for a while, asked
    "Keep waiting?": on a close by SIGTERM or a logout nobody is there to answer, and the process hung until it
    was killed. Such a close now goes on without the question (the writer still tries them as the program ends)."""
    from warroom import app

    monkeypatch.setattr(app, "WRITE_WAIT_ON_CLOSE_S", 0.3)
    room.window.show_error = lambda _message: None

    asked: list[int] = []

    def ask(pending: int, _waited: float) -> bool:
        asked.append(pending)
        return False  # (answered here, as nobody would be there to: "Close without them")

    monkeypatch.setattr(room.window, "ask_close_unsaved", ask)
    holder = sqlite3.connect(room.store.engine.url.database, timeout=0, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert room.window.import_polls([make_poll(24, pollster="On its way")])
        room.window.close()  # a program's (the signal guard's) close
        assert not room.window.isVisible()
        assert asked == [], "a close by a signal waited on a question"
    finally:
        holder.rollback()
        holder.close()
    qtbot.waitUntil(lambda: not room.store_writer.busy, timeout=10000)
