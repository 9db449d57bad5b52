"""File > Export polls makes and writes its CSV on a worker thread, with a progress dialog that cancels it.

At 100,000 polls the CSV took 3.6 s of the window's thread (benchmarks/bench_menu_stalls.py, load 4.9): the
window froze. Now `choose_export` returns at once; the polls are taken when it is chosen, the file is written all
or nothing on a worker, a Cancel before the write leaves the chosen file as it was (no partial file, no
temporary left), and a failure (a full disk) is named with the file.
"""

from __future__ import annotations

import errno
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

import warroom.services.poll_service as poll_service
from warroom.core.csvformat import ExportCancelled, parse_polls_csv, polls_to_csv


def _answer(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def _landed(room) -> bool:  # type: ignore[no-untyped-def]
    return getattr(room.window, "exporting", None) is None


def test_the_csv_is_made_and_written_off_the_gui_thread(room, qtbot, tmp_path, monkeypatch) -> None:
    out = tmp_path / "polls.csv"
    _answer(monkeypatch, out)
    threads: list[str] = []
    made = polls_to_csv

    def spied(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return made(*args, **kwargs)

    monkeypatch.setattr(poll_service, "polls_to_csv", spied)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.choose_export()
    qtbot.waitUntil(lambda: _landed(room), timeout=10000)
    assert errors == []
    assert threads and threading.main_thread().name not in threads, threads
    parsed = parse_polls_csv(out.read_text(encoding="utf-8"), room.poll_service.contest)
    assert len(parsed.polls) == len(room.poll_service.polls) > 0
    assert f"{len(parsed.polls)} polls exported" in room.window.statusBar().currentMessage()


def test_cancel_leaves_the_old_file_as_it_was_and_no_partial_file(room, qtbot, tmp_path, monkeypatch) -> None:
    out = tmp_path / "polls.csv"
    out.write_text("the old export\n", encoding="utf-8")
    _answer(monkeypatch, out)
    started, release = threading.Event(), threading.Event()
    made = polls_to_csv

    def held(polls, contest, progress=None):  # type: ignore[no-untyped-def]
        started.set()
        release.wait(5)  # (before the fix this ran on the GUI thread: the wait timed out, the file was written)
        return made(polls, contest) if progress is None else made(polls, contest, progress)

    monkeypatch.setattr(poll_service, "polls_to_csv", held)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.choose_export()  # returns at once: the worker waits in its first step
    assert started.wait(5)
    progress = getattr(room.window, "exporting", None)
    assert progress is not None and progress.objectName() == "export_progress"
    progress.cancel()
    qtbot.waitUntil(lambda: progress.wasCanceled(), timeout=2000)
    qtbot.wait(120)  # (the dialog's 50 ms timer passes the cancel on to the worker)
    release.set()
    qtbot.waitUntil(lambda: _landed(room), timeout=5000)
    assert errors == [] and "cancelled" in room.window.statusBar().currentMessage()
    assert out.read_text(encoding="utf-8") == "the old export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["polls.csv"]


def test_a_full_disk_is_named_and_the_old_file_kept(room, qtbot, tmp_path, monkeypatch) -> None:
    out = tmp_path / "polls.csv"
    out.write_text("the old export\n", encoding="utf-8")
    _answer(monkeypatch, out)

    def full(path: Path, data: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(poll_service, "write_private_atomic", full)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.choose_export()
    qtbot.waitUntil(lambda: _landed(room), timeout=10000)
    assert len(errors) == 1 and str(out) in errors[0] and "No space left on device" in errors[0], errors
    assert out.read_text(encoding="utf-8") == "the old export\n"


def test_the_core_reports_its_steps_and_stops_when_told(room) -> None:
    polls, contest = room.poll_service.polls, room.poll_service.contest
    calls: list[tuple[int, int]] = []
    assert polls_to_csv(polls, contest, lambda d, t: calls.append((d, t)) or True) == polls_to_csv(polls, contest)
    assert calls[0] == (0, len(polls)) and calls[-1] == (len(polls), len(polls))
    with pytest.raises(ExportCancelled):
        polls_to_csv(polls, contest, lambda _d, _t: False)
