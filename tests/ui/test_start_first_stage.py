"""The start's first stage (issue 15, ui/start_shell.py): when the first paint's figures are live, the shell is
the real window's first stage to work in: its poll table selects, sorts by value and filters; Add…, Edit… and
Delete open the real poll form at once, before numpy, SQLAlchemy or pyqtgraph load; each change is kept and saved
by the real window's own commands once the store is open (undo, the writer thread), nothing lost; the figures stop
saying "live" meanwhile and are not recorded for the next start."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.conftest import TOY
from tests.ui.test_start_first_read import _start
from warroom.app import WINDOW_READY as READY
from warroom.core.startframe import StartFrame
from warroom.core.types import Poll
from warroom.paths import AppPaths
from warroom.store.first_read import FirstRead
from warroom.ui.main_window import MainWindow
from warroom.ui.poll_dialog import PollDialog
from warroom.ui.start_shell import CHANGED, LIVE, EarlyChange, StartShell

pytestmark = pytest.mark.usefixtures("digest_in_time")  # (tests/ui/conftest.py)


def _when_form_opens(then: Callable[[PollDialog], None]) -> None:
    """Run `then` on the poll form once it is the modal dialog on screen (it is opened with exec())."""

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, PollDialog):
            then(dialog)
        else:
            QTimer.singleShot(10, look)

    QTimer.singleShot(10, look)


def _toy_polls() -> list[Poll]:
    return [
        Poll("Acme", date(2024, 1, 1), date(2024, 1, 3), 900, {"ann": 44.0, "bob": 40.0, "cat": 16.0}, id=1),
        Poll("Beta", date(2024, 1, 4), date(2024, 1, 6), 10_000, {"ann": 43.0, "bob": 41.0, "cat": 16.0}, id=2),
        Poll("Acme", date(2024, 1, 7), date(2024, 1, 9), 1_500, {"ann": 45.0, "bob": 39.0, "cat": 16.0}, id=3),
    ]


def _toy_frame(polls: list[Poll]) -> StartFrame:
    return StartFrame(
        key="k" * 64,
        title="Toy — warroom",
        contest="Toy",
        headers=("Pollster", "Fieldwork", "Sample", "Ann Red"),
        rows=(
            ("Acme", "01–03 Jan 2024", "900", "44"),
            ("Beta", "04–06 Jan 2024", "10,000", "43"),
            ("Acme", "07–09 Jan 2024", "1,500", "45"),
        ),
        polls=f"{len(polls)} polls",
        store="Store: /tmp/polls.sqlite3",
        headline=("<b>Gap not closed</b>",),
        ids=tuple(p.id or 0 for p in polls),
    )


def test_the_live_shell_selects_sorts_by_value_filters_and_keeps_a_delete(qapp, qtbot) -> None:
    polls = _toy_polls()
    contest = replace(TOY, id=1)
    shell = StartShell(_toy_frame(polls), "/tmp/polls.sqlite3", live=True, contest=contest, polls=polls)
    qtbot.addWidget(shell)
    shell.resize(1400, 900)
    shell.show()
    assert shell.editable and shell.note is not None and shell.note.text() == LIVE
    assert shell.search is not None and shell.search.isEnabled() and shell.buttons["add"].isEnabled()
    assert not shell.buttons["edit"].isEnabled()  # nothing selected yet
    shell.table.sortByColumn(2, shell.table.horizontalHeader().sortIndicatorOrder().AscendingOrder)
    assert [r[2] for r in shell.shown_rows()] == ["900", "1,500", "10,000"]  # by value, not "10,000" < "900"
    shell.search.setText("acme")
    assert [shell.table.isRowHidden(r) for r in range(3)] == [False, False, True]  # (sorted: Beta is last)
    shell.search.clear()
    shell.table.selectRow(2)
    assert shell.buttons["edit"].isEnabled() and [p.id for p in shell.selected_polls()] == [2]
    edited = replace(polls[1], sample_size=9_999)
    _when_form_opens(lambda form: (form.show_poll(edited), form.accept()))
    rect = shell.table.visualRect(shell.table.model().index(2, 0))
    qtbot.mouseClick(shell.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(shell.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # opens the form
    assert shell.changes == [EarlyChange("edit", (edited,), polls[1])] and shell.table.item(2, 0).font().italic()
    shell.table.setFocus()
    shell.table.selectRow(2)
    qtbot.keyClick(shell.table, Qt.Key.Key_Delete)
    assert [r[0] for r in shell.shown_rows()] == ["Acme", "Acme"]
    assert shell.changes[1:] == [EarlyChange("delete", (edited,))]  # (the poll as last edited)
    assert not shell.live and shell.note.text() == CHANGED and "2 change" in shell.status_changes.text()
    shell.end()  # (a close by the user would ask first: the changes are not saved yet)
    # the same frame without the first read's contest (or not live), or a contest with polls the frame's rows do
    # not show (it keeps the first MAX_ROWS): shown, nothing taken
    more = [*polls, replace(polls[0], id=4, pollster="Gamma")]
    for shown in (
        StartShell(_toy_frame(polls), "/tmp/polls.sqlite3", live=True),
        StartShell(_toy_frame(polls), "/tmp/polls.sqlite3", contest=contest, polls=polls),
        StartShell(_toy_frame(polls), "/tmp/polls.sqlite3", live=True, contest=contest, polls=more),
    ):
        qtbot.addWidget(shown)
        assert not shown.editable and not shown.buttons["add"].isEnabled() and not shown.search.isEnabled()


def test_polls_added_edited_and_deleted_in_the_first_second_are_saved_by_the_real_window(qapp, tmp_path: Path) -> None:
    """The demo race's third start (live): before the real window is built, a poll is added through the real
    form, another edited, a third deleted. The real window saves all three with its own commands (three undo
    steps), the store holds them once it closes, and the figures of the state first read are not recorded."""
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    for _ in range(2):
        _start(paths)
    done: dict[str, object] = {}

    def work(starter: object) -> None:
        if done:  # (the start's fallback timer calls the build a second time)
            return
        shell = starter.shell  # type: ignore[attr-defined]
        assert starter.live and shell.editable  # type: ignore[attr-defined]
        first = starter.first  # type: ignore[attr-defined]
        assert isinstance(first, FirstRead)
        new = replace(first.polls[0], id=None, pollster="Early Bird", client="", published=None)
        _when_form_opens(lambda form: (form.show_poll(new), form.accept()))
        shell.add_poll()
        shell.table.selectRow(0)
        edited = shell.selected_polls()[0]
        _when_form_opens(lambda form: (form.sample.setValue(1234), form.accept()))
        shell.edit_selected()
        shell.table.selectRow(1)
        deleted = shell.selected_polls()[0]
        shell.delete_selected()
        done.update(edited=edited, deleted=deleted, changes=list(shell.changes))

    starter = _start(paths, before_build=work)
    edited, deleted = done["edited"], done["deleted"]
    assert isinstance(edited, Poll) and isinstance(deleted, Poll)
    assert [c.kind for c in done["changes"]] == ["add", "edit", "delete"]  # type: ignore[attr-defined]
    assert starter.shell.note is not None and starter.shell.note.text() == CHANGED
    room = starter.room
    assert room is not None and room.window.undo_stack.count() == 3
    assert starter.ready_frame is None  # the figures were not those of the state first read: not recorded
    conn = sqlite3.connect(paths.database)
    try:
        pollsters = [p for (p,) in conn.execute("SELECT pollster FROM poll WHERE contest_id = ?", (1,))]
        (sample,) = conn.execute("SELECT sample_size FROM poll WHERE id = ?", (edited.id,)).fetchone()
        gone = conn.execute("SELECT count(*) FROM poll WHERE id = ?", (deleted.id,)).fetchone()[0]
    finally:
        conn.close()
    assert "Early Bird" in pollsters and len(pollsters) == 17 and sample == 1234 and gone == 0
    after = _start(paths)  # the next start: not the old figures said live
    assert not after.live or (after.shell_frame is not None and "Early Bird" in str(after.shell_frame.rows))


def test_an_early_change_the_store_refuses_or_that_was_overtaken_comes_back_in_the_form(
    room, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing typed in the first stage is lost: an add the store refuses (a duplicate written meanwhile) opens
    the form as typed; an edit of a poll changed since opens the form on the user's values over the store's."""
    opened: list[tuple[str, Poll | None, Poll | None]] = []
    said: list[str] = []
    monkeypatch.setattr(MainWindow, "show_error", lambda self, message: said.append(message))
    monkeypatch.setattr(MainWindow, "add_poll", lambda self, template=None: opened.append(("add", None, template)))
    monkeypatch.setattr(
        MainWindow, "_edit", lambda self, contest, before, entered: opened.append(("edit", before, entered))
    )
    polls = room.poll_service.polls
    duplicate = replace(polls[0], id=None, notes="typed in the first second")
    stale_before = replace(polls[1], notes="as the first read saw it")
    edited = replace(polls[1], sample_size=777)
    room.window.apply_early_changes([EarlyChange("add", (duplicate,)), EarlyChange("edit", (edited,), stale_before)])
    assert opened == [("add", None, duplicate), ("edit", polls[1], edited)]
    assert room.window.undo_stack.count() == 0
    assert len(said) == 1 and "duplicate" in said[0]  # why the add came back (the window's own message)


def test_the_first_stages_poll_form_loads_no_database_library_numerics_or_charts(tmp_path: Path) -> None:
    """The shell's Add… opens the real poll form with the first read's contest: numpy, SQLAlchemy, Alembic and
    pyqtgraph are still not imported (a process of its own: this one has them all)."""
    from warroom.bootstrap import open_store
    from warroom.store import polls as repo

    store = open_store(tmp_path / "polls.sqlite3", backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        repo.add_polls(s, repo.add_contest(s, TOY), [replace(p, id=None) for p in _toy_polls()])
    store.close()
    code = """
import sys
from pathlib import Path
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from warroom.core.startframe import StartFrame
from warroom.store.first_read import read_first
from warroom.ui.poll_dialog import PollDialog
from warroom.ui.start_shell import StartShell
app = QApplication([])
read = read_first(Path(sys.argv[1]), None)
rows = tuple((p.pollster,) for p in read.polls)
frame = StartFrame("k", "t", read.title, ("Pollster",), rows, "3 polls", "s", ("x",), tuple(p.id for p in read.polls))
shell = StartShell(frame, "s", live=True, contest=read.contest, polls=read.polls)
shell.show()
seen = []
def close_form():
    form = QApplication.activeModalWidget()
    if isinstance(form, PollDialog):
        seen.append(form.windowTitle())
        form.reject()
    else:
        QTimer.singleShot(10, close_form)
QTimer.singleShot(10, close_form)
shell.add_poll()
heavy = [m for m in ("numpy", "sqlalchemy", "alembic", "pyqtgraph") if m in sys.modules]
print(seen, len(read.contest.candidates), "heavy=" + (",".join(heavy) or "none"))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "polls.sqlite3")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["['Add", "poll']", str(len(TOY.candidates)), "heavy=none"], out.stdout


def test_the_real_window_waits_for_the_shells_open_poll_form(qapp, tmp_path: Path) -> None:
    """The poll form opened in the shell is still open when the real window is built: the window does not take the
    shell's place until the form is closed, and the poll entered then is saved by it."""
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    for _ in range(2):
        _start(paths)
    seen: dict[str, bool] = {}

    def hold_then_accept(starter: object, form: PollDialog) -> None:
        room = getattr(starter, "room", None)
        if room is None or room._build_steps is not None or starter.shell.statusBar().currentMessage() != READY:  # type: ignore[attr-defined]
            QTimer.singleShot(20, lambda: hold_then_accept(starter, form))  # (not built yet)
            return
        seen.update(window=room.window.isVisible(), shell=starter.shell.isVisible())  # type: ignore[attr-defined]
        first = starter.first  # type: ignore[attr-defined]
        form.show_poll(replace(first.polls[0], id=None, pollster="Late Typist", published=None))
        form.accept()

    def work(starter: object) -> None:
        if not seen:
            seen["started"] = True
            _when_form_opens(lambda form: hold_then_accept(starter, form))
            QTimer.singleShot(0, starter.shell, starter.shell.add_poll)  # type: ignore[attr-defined]

    starter = _start(paths, before_build=work)
    assert seen == {"started": True, "window": False, "shell": True}
    room = starter.room
    assert room is not None and room.window.undo_stack.count() == 1
    conn = sqlite3.connect(paths.database)
    try:
        assert conn.execute("SELECT count(*) FROM poll WHERE pollster = 'Late Typist'").fetchone()[0] == 1
    finally:
        conn.close()


def test_closing_the_shell_with_changes_not_yet_saved_asks_first(qapp, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user closes the first stage before the window is up, with a change kept there: asked; "No" keeps the
    shell (and the change); "Yes" ends the start. The start ending on its own (end()) asks nothing."""
    from PySide6.QtWidgets import QMessageBox

    import warroom.ui.qt_utils as qt_utils

    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def ask(_parent: object, _title: str, text: str, **_kw: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(qt_utils, "ask_plain", ask)
    polls = _toy_polls()
    shell = StartShell(_toy_frame(polls), "/tmp/polls.sqlite3", live=True, contest=replace(TOY, id=1), polls=polls)
    qtbot.addWidget(shell)
    shell.show()
    shell.table.selectRow(0)
    shell.delete_selected()
    quit_asked: list[bool] = []
    shell.quit_requested.connect(lambda: quit_asked.append(True))
    shell.close()
    assert shell.isVisible() and not quit_asked and len(shell.changes) == 1 and "1 change(s)" in asked[0]
    shell.close()
    assert not shell.isVisible() and quit_asked == [True] and len(asked) == 2
    ended = StartShell(_toy_frame(polls), "/tmp/polls.sqlite3", live=True, contest=replace(TOY, id=1), polls=polls)
    qtbot.addWidget(ended)
    ended.show()
    ended.table.selectRow(0)
    ended.delete_selected()
    ended.end()
    assert not ended.isVisible() and len(asked) == 2


def test_a_start_that_fails_after_a_change_in_the_shell_says_what_was_not_saved(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import warroom.app as app_module
    from tests.ui.test_startup_live import _starter

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    for _ in range(2):
        _start(paths)
    capsys.readouterr()

    def delete_one(starter: object) -> None:
        shell = starter.shell  # type: ignore[attr-defined]
        if not shell.changes:
            shell.table.selectRow(0)
            shell.delete_selected()

    monkeypatch.setattr(app_module, "open_with_recovery", lambda target, paths: None)  # (the store's refusal, said)
    starter = _starter(paths, delete_one)
    assert starter.run() == 3 and starter.room is None
    err = capsys.readouterr().err
    assert "1 change(s) made while it was opening were not saved: delete " in err
