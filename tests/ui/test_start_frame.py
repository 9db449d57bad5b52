"""Cold start (issue 15): the shell painted first shows the last start's figures only when they are this start's
figures, says they are the last session's, and takes no input but its first commands; the real window then takes
its place."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QEventLoop, QTimer
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QWidget

from tests.conftest import TOY
from tests.ui.conftest import toy_polls
from warroom.app import Starter, settings_part, start_key
from warroom.paths import AppPaths
from warroom.services.settings import open_settings
from warroom.ui.start_shell import EARLY, LAST_SESSION, LOADING_FIGURES, StartShell


@pytest.fixture
def toy_paths(tmp_path: Path) -> AppPaths:
    from warroom.bootstrap import open_store
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        repo.add_polls(s, repo.add_contest(s, TOY), toy_polls())
    store.close()
    return paths


def _start(paths: AppPaths, **options: object) -> Starter:
    """One start of the window, as `warroom` makes it, run until its figures are in; then closed."""
    args = argparse.Namespace(db=None, contest=None, **options)
    starter = Starter(args, paths, open_settings(paths), exit_when_ready=True)
    assert starter.run() == 0
    if starter.saved is not None:
        starter.saved.join()
    assert starter.room is not None and not starter.shell.isVisible() and starter.room.window.isVisible()
    assert {"shell", "window", "ready"} <= set(starter.times)
    assert starter.times["shell"] <= starter.times["window"] <= starter.times["ready"]
    starter.room.window.close()
    starter.settings.sync()
    return starter


def test_the_shell_shows_the_last_starts_figures_and_they_are_the_fresh_ones(qapp, toy_paths: AppPaths) -> None:
    first = _start(toy_paths)  # no frame yet; this start also records the contest it opened in the settings
    assert first.shell_frame is None and first.ready_frame is not None
    second = _start(toy_paths)  # the settings as they stay: this start's frame is kept
    assert second.shell_frame is None
    third = _start(toy_paths)
    shown, fresh = third.shell_frame, third.ready_frame
    assert shown is not None and fresh is not None
    assert shown == second.ready_frame  # what the shell painted is the last start's record...
    assert shown.headline == fresh.headline  # ...and every figure in it is what this start computed afresh
    assert shown.rows == fresh.rows and shown.headers == fresh.headers
    assert shown.title == fresh.title and "Toy" in shown.title
    assert any("%" in line for line in shown.headline)
    assert len(shown.rows) == 30 and shown.polls == "30 polls"
    # the window's own table and panel show the same text the frame recorded
    view = third.room.window.polls_pane.view  # type: ignore[union-attr]
    assert view.model().index(0, 0).data() == shown.rows[0][0]


def test_a_store_written_since_gets_no_figures_in_the_shell(qapp, toy_paths: AppPaths) -> None:
    for _ in range(2):
        _start(toy_paths)
    from warroom.bootstrap import open_store
    from warroom.store import polls as repo

    store = open_store(toy_paths.database, backup_dir=None, seed=False)  # the CLI's import, between two starts
    with store.sessions.begin() as s:
        repo.add_polls(s, 1, [toy_polls(31)[-1]])
    store.close()
    after = _start(toy_paths)
    assert after.shell_frame is None  # "loading", not the 30-poll figures
    assert after.ready_frame is not None and after.ready_frame.polls == "31 polls"
    assert _start(toy_paths).shell_frame == after.ready_frame  # and the next start has the new figures


def test_a_digest_too_slow_for_the_first_paint_still_keys_the_next_start(
    qapp, toy_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loaded machine, a store without a first read (store/first_read.py: a big one): the shell paints without
    figures rather than wait for the digest, and the start still records its frame (the digest ends before the
    window reads the store), which the next start shows."""
    import time

    from warroom.store import first_read
    from warroom.store.fingerprint import StoreDigest

    monkeypatch.setattr(first_read, "MAX_POLLS", 0)

    class SlowDigest(StoreDigest):
        def run(self) -> None:
            time.sleep(0.6)
            super().run()

    _start(toy_paths)  # records the contest in the settings
    args = argparse.Namespace(db=None, contest=None)
    slow = Starter(args, toy_paths, open_settings(toy_paths), exit_when_ready=True)
    assert slow.run(SlowDigest(toy_paths.database)) == 0
    assert slow.saved is not None
    slow.saved.join()
    slow.room.window.close()  # type: ignore[union-attr]
    assert slow.shell_frame is None and slow.ready_frame is not None
    assert _start(toy_paths).shell_frame == slow.ready_frame


def test_the_window_is_built_once_while_the_store_asks_a_question(
    qapp, toy_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged store's question (a message box, its own event loop) outlasts the shell's fallback timer: the
    start still opens the store once, and the answer "no" ends it with the store problem's exit code."""
    import warroom.app as app_module

    asked: list[object] = []

    def ask_and_refuse(target: object, paths: object) -> None:
        asked.append(target)
        loop = QEventLoop()
        QTimer.singleShot(300, loop.quit)  # the box, waiting for its answer
        loop.exec()

    monkeypatch.setattr(app_module, "open_with_recovery", ask_and_refuse)
    monkeypatch.setattr(app_module, "SHELL_PAINT_WAIT_MS", 20)
    starter = Starter(argparse.Namespace(db=None, contest=None), toy_paths, open_settings(toy_paths))
    assert starter.run() == 3
    assert len(asked) == 1 and starter.room is None and not starter.shell.isVisible()


def test_the_first_paint_loads_no_charting_database_or_numerical_library(tmp_path: Path) -> None:
    """`warroom` as a user starts it: the shell paints before pyqtgraph, numpy, SQLAlchemy, Alembic or tomllib load
    (app.HEAVY)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WARROOM_EXIT_AFTER_PAINT": "1"}
    argv = [sys.executable, "-m", "warroom", "--data-dir", str(tmp_path / "state")]
    for _ in range(2):  # a new store (seeded), then one that exists
        out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=180)
        assert out.returncode == 0, out.stderr
        line = next(x for x in out.stdout.splitlines() if x.startswith("painted"))
        assert "heavy=none" in line.split(), line


def test_the_key_changes_with_the_day_the_settings_the_contest_asked_for_the_store_and_the_code(
    toy_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    import warroom.app as app_module

    settings = open_settings(toy_paths)
    db, today = toy_paths.database, date(2026, 11, 29)
    key = start_key("digest", db, settings_part(settings), None, today)
    assert key == start_key("digest", db, settings_part(settings), None, today)
    assert key != start_key("digest", db, settings_part(settings), None, today + timedelta(days=1))
    assert key != start_key("other", db, settings_part(settings), None, today)
    assert key != start_key("digest", db, settings_part(settings), "Toy", today)
    assert start_key(None, db, settings_part(settings), None, today) is None  # no digest: never a cached figure
    settings.set_geometry("main", QByteArray(b"anywhere"))  # where the window was: not a figure
    assert key == start_key("digest", db, settings_part(settings), None, today)
    settings.theme = "dark"
    assert key != start_key("digest", db, settings_part(settings), None, today)
    key = start_key("digest", db, settings_part(settings), None, today)
    monkeypatch.setattr(app_module, "installation_stamp", lambda: "app.py:1:2")  # an upgrade, an edited checkout
    assert key != start_key("digest", db, settings_part(settings), None, today)


def test_the_shell_takes_no_input_and_says_what_it_is(qapp, qtbot) -> None:
    from tests.core.test_startframe import FRAME

    shell = StartShell(FRAME, "/tmp/polls.sqlite3")
    qtbot.addWidget(shell)
    shell.show()
    assert shell.windowTitle() == FRAME.title
    assert shell.shown_rows() == [list(r) for r in FRAME.rows]
    texts = [w.text() for w in shell.findChildren(QWidget) if hasattr(w, "text") and isinstance(w.text(), str)]
    assert LAST_SESSION in texts and any("18 %" in t for t in texts)
    # the menus hold only the first commands, which wait for the real window (tests/ui/test_startup_live.py)
    early = {text for _menu, text, _key, _name in EARLY} | {"&Quit"}
    for menu in (a.menu() for a in shell.menuBar().actions() if a.isEnabled()):
        assert {a.text() for a in menu.actions() if not a.isSeparator()} <= early
    assert not shell.findChild(QComboBox).isEnabled()
    assert all(not w.isEnabled() for w in shell.findChildren(QLineEdit))
    assert all(not b.isEnabled() for b in shell.findChildren(QAbstractButton) if b.isVisible())
    assert shell.table.focusPolicy() == shell.table.focusPolicy().NoFocus
    bare = StartShell(None, "/tmp/polls.sqlite3")
    qtbot.addWidget(bare)
    texts = [w.text() for w in bare.findChildren(QWidget) if hasattr(w, "text") and isinstance(w.text(), str)]
    assert LOADING_FIGURES in texts and LAST_SESSION not in texts and bare.shown_rows() == []


def test_a_start_frame_file_that_is_a_fifo_or_huge_is_ignored_at_once(tmp_path: Path) -> None:
    """A FIFO in the frame's place hung the first paint (its read waits for a writer); a link to /dev/zero or a
    huge file was read whole into memory. Neither is a frame: the shell shows no figures and starts."""
    import threading

    from warroom.app import read_frame
    from warroom.core.startframe import StartFrame

    good = StartFrame("k", "t", "c", ("h",), (("r",),), "1 poll", "Store: x", ("line",))
    plain = tmp_path / "frame.json"
    plain.write_text(good.to_json(), encoding="utf-8")
    assert read_frame(plain, "k") == good and read_frame(plain, "other") is None
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # sparse: no disk used
    assert read_frame(big, "k") is None
    if os.path.exists("/dev/zero"):
        link = tmp_path / "zero.json"
        link.symlink_to("/dev/zero")
        assert read_frame(link, "k") is None
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    out: list[object] = []
    reader = threading.Thread(target=lambda: out.append(read_frame(fifo, "k")), daemon=True)
    reader.start()
    reader.join(5)
    hung = reader.is_alive()
    if hung:  # let the stuck reader go before failing
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        reader.join(5)
    assert not hung and out == [None]
