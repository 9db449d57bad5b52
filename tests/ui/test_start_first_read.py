"""The start's first read (issue 15, store/first_read.py): the first paint shows the live figures and poll table,
proved current by the digest of the snapshot it read, before SQLAlchemy, Alembic, numpy or pyqtgraph load; they
are the command line's figures; the full store's read is compared with it and wins; a store without a first read
takes the normal path (the last session's figures, said so)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import TOY
from tests.ui.test_startup_live import _starter, cli_json
from warroom.app import Starter
from warroom.core.forecast import chance_text
from warroom.paths import AppPaths
from warroom.store import first_read
from warroom.store.first_read import Fallback, FirstRead
from warroom.ui.start_shell import LAST_SESSION, LIVE_PANEL, STALE

pytestmark = pytest.mark.usefixtures("digest_in_time")  # (tests/ui/conftest.py)


def _start(
    paths: AppPaths, contest: str | None = None, before_build: Callable[[Starter], None] | None = None
) -> Starter:
    """One start as `warroom` makes it, run until its figures are in, then closed (its writes landed first);
    `before_build(starter)` runs after the shell has painted, before the window is built (the first second)."""
    starter = _starter(paths, before_build, contest)
    assert starter.run() == 0
    if starter.saved is not None:
        starter.saved.join()
    assert starter.room is not None
    starter.room.window.close()
    starter.settings.sync()
    return starter


@pytest.fixture
def demo_paths(tmp_path: Path) -> AppPaths:
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    return paths


def test_the_first_paint_has_the_live_figures_and_they_are_the_command_lines(qapp, demo_paths: AppPaths) -> None:
    _start(demo_paths)  # a new store, seeded; the contest it opened goes into the settings
    second = _start(demo_paths)  # records this state's first screen
    assert second.ready_frame is not None
    third = _start(demo_paths)
    first = third.first
    assert isinstance(first, FirstRead) and first.title == "London Mayor 2012 (demo)" and len(first.polls) == 17
    assert third.live and third.shell.live and third.times["live"] == third.times["shell"]
    # a runoff race: the real scenario panel is in the first paint, under the note saying its figures are live
    assert (
        third.scenarios is not None and third.times["sliders"] == third.times["shell"] and third.shell.note is not None
    )
    assert third.shell.note.text() == LIVE_PANEL
    shown, fresh = third.shell_frame, third.ready_frame
    assert shown is not None and fresh is not None
    assert shown.headline == fresh.headline and shown.rows == fresh.rows  # what this start computed afresh
    assert shown.polls == "17 polls" and len(shown.rows) == 17
    cli = cli_json("scenario", "--data-dir", str(demo_paths.data_dir))
    # the panel's headline lines, the command line's figures (one core function: core.pipeline)
    assert shown.headline[0] == cli["verdict"]
    assert f"margin {float(cli['margin']):+.1f}" in shown.headline[1]  # type: ignore[arg-type]
    assert f"{float(cli['break_even_message']) * 100:.1f} %" in shown.headline[2]  # type: ignore[arg-type]
    chance = chance_text(float(cli["win_probability_challenger"]))  # type: ignore[arg-type]
    assert f"<b>{chance}</b>" in shown.headline[3]  # (core.forecast.chance_text: every place prints it so)
    # the full store read what the first read read, and the window shows it
    assert third.first_read_agrees is True
    assert third.room is not None and third.room.poll_service.polls == list(first.polls)


def test_a_write_between_the_first_read_and_the_store_is_not_left_said_live(
    qapp, demo_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process writes after the first paint, before the full store opens: the shell stops saying live,
    the window takes the store's polls, and this start records no figures for the state it first read."""
    import warroom.app as app_module

    for _ in range(2):
        _start(demo_paths)
    opened = app_module.open_with_recovery

    def write_then_open(target: object, paths: AppPaths) -> object:
        conn = sqlite3.connect(demo_paths.database)
        conn.execute(
            "INSERT INTO poll (contest_id, pollster, client, fieldwork_start, fieldwork_end, method, source_url, "
            "notes, created_at) SELECT contest_id, 'Late', client, fieldwork_start, fieldwork_end, method, "
            "source_url, notes, created_at FROM poll WHERE id = (SELECT max(id) FROM poll WHERE contest_id = 1)"
        )
        conn.commit()
        conn.close()
        return opened(target, paths)

    monkeypatch.setattr(app_module, "open_with_recovery", write_then_open)
    starter = _start(demo_paths)
    assert isinstance(starter.first, FirstRead) and len(starter.first.polls) == 17
    assert starter.first_read_agrees is False and not starter.live
    assert starter.shell.note is not None and starter.shell.note.text() == STALE
    assert starter.room is not None and len(starter.room.poll_service.polls) == 18  # the store's
    assert starter.room.window.status_polls.text() == "18 polls"
    monkeypatch.setattr(app_module, "open_with_recovery", opened)
    after = _start(demo_paths)  # the figures of 17 polls were not recorded as those of the 18 now stored
    assert after.shell_frame is None and not after.live and after.first_read_agrees is True


def test_without_a_first_read_the_shell_says_the_figures_are_the_last_sessions(
    qapp, demo_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(2):
        _start(demo_paths)
    monkeypatch.setattr(first_read, "MAX_POLLS", 10)  # the demo store counts as big: no first read
    starter = _start(demo_paths)
    assert isinstance(starter.first, Fallback) and "polls" in starter.first.reason
    assert starter.shell_frame is not None  # keyed by the digest on its thread, as before
    assert not starter.live and starter.shell.note is not None and starter.shell.note.text() == LAST_SESSION
    assert starter.times["live"] == starter.times["window"]  # the live figures come with the real window
    assert starter.first_read_agrees is None


def test_a_frame_for_other_content_is_never_shown_live(qapp, demo_paths: AppPaths) -> None:
    """A value changed outside warroom after the frame was recorded: another digest, so no frame, nothing live
    (the full open then judges the store)."""
    for _ in range(2):
        _start(demo_paths)
    conn = sqlite3.connect(demo_paths.database)
    conn.execute("UPDATE poll_figure SET share = share + 1 WHERE id = 1")
    conn.commit()
    conn.close()
    starter = _start(demo_paths)
    assert isinstance(starter.first, FirstRead)
    assert starter.shell_frame is None and not starter.live
    assert starter.first_read_agrees is True  # the store read the same changed figure


def test_the_live_first_paint_loads_no_database_library_or_charts(tmp_path: Path) -> None:
    """`warroom` as a user starts it, three times (seeded, recorded, then live): the third's first paint has the
    live figures and the real scenario panel, and pyqtgraph, SQLAlchemy and Alembic were not imported when it
    painted, nor tomllib (the first read takes the contest's rules without it) nor the poll average's module (the
    panel evaluates the frame's case without one); of the window's heavy modules
    (app.HEAVY), numpy alone (the panel's figures: measured in docs/STARTUP.md)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WARROOM_EXIT_AFTER_PAINT": "1"}
    argv = [sys.executable, "-m", "warroom", "--data-dir", str(tmp_path / "state")]
    lines = []
    for _ in range(3):
        out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=180)
        assert out.returncode == 0, out.stderr
        lines.append(next(x for x in out.stdout.splitlines() if x.startswith("painted")))
    stamps = dict(part.split("=", 1) for part in lines[-1].split()[1:])
    assert stamps["heavy"] == "numpy", lines[-1]
    assert stamps["sliders"] == stamps["shell"] and stamps["sliders_first"] == "1", lines[-1]
    assert stamps["live"] == stamps["shell"] and float(stamps["live"]) < float(stamps["window"]), lines[-1]
    # and it is the first stage to work in (its poll table and form: tests/ui/test_start_first_stage.py)
    assert stamps["editable"] == stamps["shell"] and stamps["editable_first"] == "1", lines[-1]
    first_stamps = dict(part.split("=", 1) for part in lines[0].split()[1:])
    assert first_stamps["live"] == first_stamps["window"]  # a new store: no figures before the real window


@pytest.mark.parametrize("contest", ["France 2022 presidential", "Burlington Mayor 2009"])
def test_a_two_round_or_instant_runoff_race_asked_for_paints_live_too(qapp, demo_paths: AppPaths, contest: str) -> None:
    """The other demo races (two-round: poll notices in the status bar; instant runoff), named on the command
    line: recorded once, then live at the next start's first paint, and the full store read the same polls."""

    for _ in range(2):
        _start(demo_paths, contest)
    live = _start(demo_paths, contest)
    assert isinstance(live.first, FirstRead) and live.first.title.startswith(contest)
    assert live.live and live.first_read_agrees is True
    assert live.shell_frame is not None and live.shell_frame.headline == live.ready_frame.headline  # type: ignore[union-attr]


def test_a_frame_is_live_only_for_the_contest_and_poll_count_the_first_read_found() -> None:
    from dataclasses import replace
    from datetime import date

    from warroom.app import live_frame
    from warroom.core.startframe import StartFrame
    from warroom.core.types import Poll

    poll = Poll("Acme", date(2024, 1, 1), date(2024, 1, 2), 1000, {"a": 50.0, "b": 50.0}, id=1)
    read = FirstRead(Path("p.sqlite3"), "0006", "digest", 1, "Toy", False, (poll, poll), replace(TOY, id=1))
    frame = StartFrame("key", "Toy — warroom", "Toy", ("Pollster",), (("Acme",),), "2 polls", "Store: p", ("x",))
    assert live_frame(frame, read)
    assert not live_frame(None, read) and not live_frame(frame, Fallback("locked"))
    assert not live_frame(replace(frame, polls="3 polls"), read)
    assert not live_frame(replace(frame, polls="12 polls"), read)
    assert not live_frame(replace(frame, contest="Toy (demo)"), read)
    assert live_frame(replace(frame, contest="Toy (demo)"), replace(read, demo=True))
    assert live_frame(replace(frame, polls="9 poll notices (20 questions) · 2 polls"), read)
    assert not live_frame(replace(frame, polls="9 poll notices (20 questions)"), read)
    assert live_frame(replace(frame, polls="9 poll notices (20 questions)"), replace(read, polls=()))
