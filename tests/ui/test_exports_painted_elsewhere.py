"""A chart's picture painted and written by a process of its own (ui.sketch, issue 15): all or nothing, a failure
named with its file, Cancel kills the process, and the process is started from the interpreter, not the folder
the window was started in."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPicture

import warroom.ui.sketch as sketch
from warroom.ui.export import ExportError, FileSave, PaintedElsewhere, export_problem
from warroom.ui.sketch import Markers, Picture, PngJob


@pytest.fixture(autouse=True)
def _in_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every job here painted by a process of its own whatever its size (sketch.paint_here paints a small one in
    the window's process): these are the child's tests."""
    monkeypatch.setattr(sketch, "PAINT_HERE_BELOW", 0)


def _saved(job: PaintedElsewhere, out: Path) -> FileSave:
    landed = threading.Event()
    save = FileSave(job, out, lambda _s: landed.set())
    assert landed.wait(60)
    return save


def _square() -> Picture:
    picture = QPicture()
    painter = QPainter(picture)
    painter.fillRect(QRectF(10, 10, 20, 20), QColor("#123456"))
    painter.end()
    return Picture(picture)


def test_a_picture_painted_elsewhere_is_written_whole_from_any_folder(qapp, tmp_path, monkeypatch) -> None:
    """The process is started from the interpreter (sys.executable, multiprocessing's spawn), whatever the folder
    the window was started in; the file is whole, owner-only, and nothing else is left beside it."""
    folder = tmp_path / "out"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = folder / "square.png"
    marks = Markers(
        np.array([[50.0, 50.0]]), np.array([10.0]), np.array([[0, 0, 0]]),
        (["o"], [QPen(QColor("red"))], [QBrush(QColor("red"))]), [], 1.0, QPainter.RenderHint.Antialiasing, None,
        True,
    )  # fmt: skip
    save = _saved(PaintedElsewhere(PngJob.of(64, 64, QColor("white"), [_square(), marks]), out), out)
    assert save.result.exception() is None
    assert sorted(p.name for p in folder.iterdir()) == [out.name] and list(elsewhere.iterdir()) == []
    assert os.stat(out).st_mode & 0o777 == 0o600
    image = QImage(str(out))
    assert image.size().width() == 64
    assert image.pixelColor(20, 20).name() == "#123456" and image.pixelColor(50, 50).red() > 200
    assert image.pixelColor(2, 2).name() == "#ffffff"


def test_a_picture_the_process_cannot_paint_is_named_and_the_old_file_kept(qapp, tmp_path) -> None:
    out = tmp_path / "chart.png"
    out.write_bytes(b"the old picture")
    save = _saved(PaintedElsewhere(PngJob.of(0, 0, QColor("white"), []), out), out)
    exc = save.result.exception()
    assert isinstance(exc, ExportError)
    said = export_problem(out, exc)
    assert said.startswith(f"{out}: could not be drawn") and "not enough memory" in said, said
    assert said.endswith("nothing written")
    assert out.read_bytes() == b"the old picture" and [p.name for p in tmp_path.iterdir()] == [out.name]


def test_cancel_kills_the_painting_process_and_writes_nothing(qapp, tmp_path) -> None:
    out = tmp_path / "chart.png"
    out.write_bytes(b"the old picture")
    n = 3_000_000  # (seconds of markers to draw: the process is killed long before)
    marks = Markers(
        np.random.default_rng(1).uniform(0, 400, (n, 2)), np.full(n, 9.0), np.zeros((n, 3), dtype=np.int64),
        (["o"], [QPen(QColor("red"))], [QBrush(QColor("red"))]), [], 1.0, QPainter.RenderHint.Antialiasing, None,
        True,
    )  # fmt: skip
    job = PaintedElsewhere(PngJob.of(400, 400, QColor("white"), [marks]), out)
    landed = threading.Event()
    save = FileSave(job, out, lambda _s: landed.set())
    for _ in range(600):  # (the process started: up to a minute on a loaded machine)
        process = job.child._process
        if process is not None and process.pid is not None:
            break
        threading.Event().wait(0.1)
    else:
        pytest.fail("the painting process never started")
    save.cancel()
    assert landed.wait(30)
    assert save.cancelled and isinstance(save.result.exception(), ExportError)
    assert process.exitcode is not None and process.exitcode < 0  # (killed)
    assert out.read_bytes() == b"the old picture" and [p.name for p in tmp_path.iterdir()] == [out.name]


def test_the_save_progress_dialogs_cancel_kills_the_painting_and_keeps_the_old_file(
    room, qtbot, tmp_path, monkeypatch
) -> None:
    """File > Export chart's "Saving" progress dialog (shown past 0.4 s) has Cancel: the painting process is killed
    (or never started), nothing is written, the old file is kept and the status bar says so."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QProgressDialog, QPushButton

    out = tmp_path / "first.png"
    out.write_bytes(b"the old picture")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PNG (*.png)"))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _p, _t, _l, items, *a, **k: (items[0], True))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (800, True))
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    room.window.export_chart_dialog("first")
    dialog = room.window.findChild(QProgressDialog, "file_save_progress")
    assert dialog is not None
    dialog.findChild(QPushButton).click()  # (its Cancel button)
    bar = room.window.statusBar()
    qtbot.waitUntil(lambda: not room.window.file_writes, timeout=30000)
    assert errors == [] and bar.currentMessage() == f"Export cancelled; nothing written to {out}", bar.currentMessage()
    assert out.read_bytes() == b"the old picture" and [p.name for p in tmp_path.iterdir() if p.suffix == ".png"] == [
        out.name
    ]


def test_cancel_while_a_small_picture_is_painted_here_writes_nothing(qapp, tmp_path, monkeypatch) -> None:
    """A small race's PNG is painted in the window's process (sketch.paint_here), where there is no process to kill:
    Cancel while it is painted keeps the painted file from being renamed over the old one; nothing is written."""
    monkeypatch.setattr(sketch, "PAINT_HERE_BELOW", 1_000)  # (this file's fixture sends every job to a child)
    out = tmp_path / "chart.png"
    out.write_bytes(b"the old picture")
    painting, go_on = threading.Event(), threading.Event()
    real = PngJob.paint

    def held(job: PngJob, target: Path) -> None:
        painting.set()
        assert go_on.wait(30)
        real(job, target)

    monkeypatch.setattr(PngJob, "paint", held)
    started: list[object] = []
    monkeypatch.setattr(sketch.Child, "run", lambda *a: started.append(a))
    job = PaintedElsewhere(PngJob.of(64, 64, QColor("white"), [_square()], markers=10), out)
    landed = threading.Event()
    save = FileSave(job, out, lambda _s: landed.set())
    assert painting.wait(30)
    save.cancel()
    go_on.set()
    assert landed.wait(30)
    assert started == []  # (painted here)
    assert save.cancelled and isinstance(save.result.exception(), ExportError)  # (before: written all the same)
    assert out.read_bytes() == b"the old picture" and [p.name for p in tmp_path.iterdir()] == [out.name]
