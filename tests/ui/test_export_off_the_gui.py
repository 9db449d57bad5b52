"""File > Export polls makes and writes its CSV on a worker thread, with a progress dialog that cancels it.

At 100,000 polls the CSV took 3.6 s of the window's thread (benchmarks/bench_menu_stalls.py, load 4.9): the
window froze. Now `choose_export` returns at once; the polls are taken when it is chosen, the file is written all
or nothing on a worker, a Cancel before the write leaves the chosen file as it was (no partial file, no
temporary left), and a failure (a full disk) is named with the file.
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

import warroom.services.poll_service as poll_service
import warroom.ui.export as export
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


def _answer_chart(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "PNG (*.png)"))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _p, _t, _l, items, *a, **k: (items[0], True))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (600, True))


def _held_png_saves(monkeypatch: pytest.MonkeyPatch, threads: list[str], hold: float = 0.0) -> threading.Event:
    """QImage.save spied on (the thread it runs on) and, with `hold`, kept waiting that long first (as a big PNG's
    compression takes): the returned event is set once a save has begun."""
    from PySide6.QtGui import QImage

    started = threading.Event()
    real = QImage.save

    def spied(image, *args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        started.set()
        if hold:
            threading.Event().wait(hold)  # (the worker's own wait: the GUI thread is not held by it)
        return real(image, *args, **kwargs)

    monkeypatch.setattr(QImage, "save", spied)
    return started


def test_a_chart_png_is_compressed_and_written_off_the_gui_thread(room, qtbot, tmp_path, monkeypatch) -> None:
    """(Since ui.sketch, a big race's by a process of its own; the demo race's on the export's worker thread:
    sketch.paint_here.)"""
    out = tmp_path / "out" / "first.png"
    out.parent.mkdir()
    _answer_chart(monkeypatch, out)
    threads: list[str] = []
    _held_png_saves(monkeypatch, threads)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.export_chart_dialog("first")
    qtbot.waitUntil(lambda: f"Saved {out}" in room.window.statusBar().currentMessage(), timeout=10000)
    assert errors == []
    assert threads and threading.main_thread().name not in threads, threads  # (before: MainThread)
    from PySide6.QtGui import QImage

    assert QImage(str(out)).width() == 600
    assert sorted(p.name for p in out.parent.iterdir()) == ["first.png"]  # all or nothing: no temporary left


def test_a_png_that_cannot_be_written_is_named_and_the_old_file_kept(room, qtbot, tmp_path, monkeypatch) -> None:
    out = tmp_path / "first.png"
    out.write_bytes(b"the old picture")
    _answer_chart(monkeypatch, out)
    real = export.atomic_target

    @contextmanager
    def refused(path: Path, **kwargs: object) -> Iterator[Path]:  # (Qt's writer refusing the file it is given)
        with real(path, **kwargs) as tmp:  # type: ignore[arg-type]
            tmp.mkdir()  # (a folder where the PNG is to go: the painting process's QImage.save fails)
            yield tmp

    monkeypatch.setattr(export, "atomic_target", refused)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.export_chart_dialog("first")
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert str(out) in errors[0] and "nothing written" in errors[0], errors
    assert out.read_bytes() == b"the old picture"


@pytest.mark.parametrize("kind", ["csv", "png"])
def test_closing_the_window_mid_export_leaves_no_temporary_file(room, qtbot, tmp_path, monkeypatch, kind) -> None:
    """The workers are daemon threads: a window closed (the app quitting) while one wrote left its temporary file
    behind when the process ended. The close now waits for the write (cancelled first where it can stop)."""
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"export.{kind}"
    if kind == "csv":
        _answer(monkeypatch, out)
        started = threading.Event()
        real = poll_service.write_private_atomic

        def slow(path: Path, data: object) -> None:  # the write under way when the window closes
            (path.parent / f".{path.name}.held.tmp").write_text("half of it", encoding="utf-8")
            started.set()
            threading.Event().wait(1.0)
            real(path, data)  # type: ignore[arg-type]
            (path.parent / f".{path.name}.held.tmp").unlink()

        monkeypatch.setattr(poll_service, "write_private_atomic", slow)
        room.window.choose_export()
    else:
        _answer_chart(monkeypatch, out)
        started = threading.Event()
        paint = export.PngJob.paint

        def held(job: export.PngJob, target: Path) -> None:  # (a big picture being painted, here: the demo's size)
            started.set()
            threading.Event().wait(1.0)
            paint(job, target)

        monkeypatch.setattr(export.PngJob, "paint", held)
        room.window.export_chart_dialog("first")
    assert started.wait(10)
    room.window.close()  # (before: returned at once, the worker still writing its temporary file)
    left = sorted(p.name for p in folder.iterdir())
    assert left == [out.name], left  # whole, and nothing half-written beside it
    assert out.stat().st_size > 100
