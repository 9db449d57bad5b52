"""An export's picture painted in a process of its own (issue 15).

PySide6 holds Python's lock through each QPainter call, so a picture painted on a worker thread still holds the
window's thread for each long call (a PDF's end, a big drawImage: gaps of up to 160 ms at 100,000 polls). Here
the window's thread only takes copies of what is to be drawn: QPictures of the charts' items (recorded, not
rasterised) and each scatter item's markers as arrays (`Markers`); a child process (multiprocessing's "spawn":
`sys.executable`, no display, works frozen with `multiprocessing.freeze_support()`) replays them with QPainter
into the PNG or PDF and writes the file the caller's all-or-nothing target names (paths.atomic_target). The
window's thread and the child share no lock.

`paint_elsewhere` runs a job in the child and waits (on a worker thread: FileSave); `Job` is what a child paints.
`paint_here(job)` is the one rule saying where: the child (a Python that imports Qt) wrote the demo race's chart
PNG 1.6-4.0 s after the click, so a small race's PNG is painted in the window's process, on the worker (0.2 s).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QPicture,
    QTransform,
)

from warroom.paths import qt_name


class Job(Protocol):
    """What a child paints: `paint(target)` writes the file at `target` (any thread of any process with a
    QGuiApplication); picklable. `markers`: the poll markers of the charts it holds (counted as they were
    recorded); `pdf`: whether it writes a PDF (paint_here)."""

    @property
    def markers(self) -> int: ...

    @property
    def pdf(self) -> bool: ...

    def paint(self, target: Path) -> None: ...


def _pack(*values: object) -> bytes:
    """Qt values (pens, brushes, paths, transforms) as QDataStream bytes, which pickle carries."""
    data = QByteArray()
    stream = QDataStream(data, QIODevice.OpenModeFlag.WriteOnly)
    for value in values:
        stream << value  # type: ignore[operator]
    return bytes(data.data())


def _unpack(data: bytes, kinds: Sequence[type]) -> list[Any]:
    stream = QDataStream(QByteArray(data))
    out: list[Any] = []
    for kind in kinds:
        value = kind()
        stream >> value  # type: ignore[operator]
        out.append(value)
    return out


class Picture:
    """A QPicture carried as its bytes: replayed from the transform `to` (what was recorded holds its own
    transforms, to the device pixels it was recorded for)."""

    def __init__(self, picture: QPicture) -> None:
        self.data = bytes(picture.data())  # type: ignore[call-overload]  # (a memoryview; the stubs say object)

    def draw(self, painter: QPainter, to: QTransform | None = None) -> None:
        picture = QPicture()
        picture.setData(self.data)
        painter.save()
        painter.setTransform(QTransform() if to is None else to)
        # QPainter.drawPicture scales a picture by the device's resolution over the picture's (a 150-dpi page drew
        # it 150/96 as large); what was recorded is in the device's pixels already
        device = painter.device()
        if device is not None and device.logicalDpiX() > 0 and device.logicalDpiY() > 0:
            painter.scale(picture.logicalDpiX() / device.logicalDpiX(), picture.logicalDpiY() / device.logicalDpiY())
        painter.drawPicture(QPointF(0, 0), picture)
        painter.restore()


class Markers:
    """A scatter item's markers as pyqtgraph draws them in export mode (each one a path at the device's
    resolution: pyqtgraph's drawSymbol, same calls, same order), copied: the points in device pixels, their sizes,
    each point's symbol, pen and brush as numbers in small tables, the clip, opacity and hints. `layer`: drawn
    first into a picture of that device rectangle (and `margin` pixels around), which is then put on the page (a
    PDF page: one image, not a path per marker). Picklable (Qt values as their QDataStream bytes); drawn on a
    painter of a device of the same geometry, on any thread, in any process."""

    def __init__(
        self,
        points: np.ndarray,
        sizes: np.ndarray,
        which: np.ndarray,
        tables: Sequence[Sequence[Any]],
        clips: Sequence[tuple[QPainterPath, QTransform]],
        opacity: float,
        hints: QPainter.RenderHint,
        mode: QPainter.CompositionMode | None,
        antialias: bool,
        layer: QRectF | None = None,
        margin: int = 0,
    ) -> None:
        self.points = np.ascontiguousarray(points, dtype=float).reshape(-1, 2)
        self.sizes = np.ascontiguousarray(sizes, dtype=float).reshape(-1)
        self.which = np.ascontiguousarray(which, dtype=np.int64).reshape(-1, 3)  # symbol, pen, brush numbers
        symbols, pens, brushes = tables
        self.symbols, self.pens, self.brushes = list(symbols), list(pens), list(brushes)
        self.clips = list(clips)
        self.opacity, self.hints, self.mode, self.antialias = opacity, hints, mode, antialias
        self.layer, self.margin = layer, margin

    def __call__(self, painter: QPainter) -> None:
        self.draw(painter)

    def draw(self, painter: QPainter, to: QTransform | None = None) -> None:
        """The markers on `painter`, their device pixels mapped by `to` (the place on a page the chart was
        recorded apart from)."""
        to = QTransform() if to is None else to
        if self.layer is None:
            self._draw(painter, to)
            return
        m = self.margin
        area = to.mapRect(self.layer).toAlignedRect().adjusted(-m, -m, m, m)
        if area.width() <= 0 or area.height() <= 0:
            return
        image = QImage(area.width(), area.height(), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        inner = QPainter(image)
        inner.setRenderHints(self.hints)
        self._draw(inner, to * QTransform.fromTranslate(-area.x(), -area.y()))
        inner.end()
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(area.topLeft()), image)
        painter.restore()

    def _draw(self, painter: QPainter, to: QTransform) -> None:
        from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol

        painter.save()
        for shape, transform in reversed(self.clips):  # (outermost first, as the scene set them)
            painter.setTransform(transform * to)
            painter.setClipPath(shape, Qt.ClipOperation.IntersectClip)
        painter.setTransform(to)
        painter.setRenderHints(self.hints)
        painter.setOpacity(self.opacity)
        if self.mode is not None:
            painter.setCompositionMode(self.mode)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self.antialias)
        symbols, pens, brushes = self.symbols, self.pens, self.brushes
        for (x, y), size, (s, p, b) in zip(self.points.tolist(), self.sizes.tolist(), self.which.tolist(), strict=True):
            painter.setTransform(to)
            painter.translate(x, y)
            drawSymbol(painter, symbols[s], size, pens[p], brushes[b])
        painter.restore()

    def __getstate__(self) -> dict[str, object]:
        return {
            "points": self.points,
            "sizes": self.sizes,
            "which": self.which,
            "symbols": [_pack(s) if isinstance(s, QPainterPath) else s for s in self.symbols],
            "pens": [_pack(p) for p in self.pens],
            "brushes": [_pack(b) for b in self.brushes],
            "clips": [_pack(shape, transform) for shape, transform in self.clips],
            "opacity": self.opacity,
            "hints": int(self.hints.value),
            "mode": None if self.mode is None else int(self.mode.value),
            "antialias": self.antialias,
            "layer": None if self.layer is None else self.layer.getRect(),
            "margin": self.margin,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        symbols = [_unpack(s, [QPainterPath])[0] if isinstance(s, bytes) else s for s in state["symbols"]]
        pens = [_unpack(p, [QPen])[0] for p in state["pens"]]
        brushes = [_unpack(b, [QBrush])[0] for b in state["brushes"]]
        clips = [tuple(_unpack(c, [QPainterPath, QTransform])) for c in state["clips"]]
        self.__init__(  # type: ignore[misc]
            state["points"],
            state["sizes"],
            state["which"],
            (symbols, pens, brushes),
            clips,
            state["opacity"],
            QPainter.RenderHint(state["hints"]),
            None if state["mode"] is None else QPainter.CompositionMode(state["mode"]),
            state["antialias"],
            None if state["layer"] is None else QRectF(*state["layer"]),
            state["margin"],
        )


Layer = Picture | Markers


def draw_layers(
    painter: QPainter, layers: Sequence[Layer], clip: QRectF | None = None, to: QTransform | None = None
) -> None:
    """Each layer in turn on `painter`, mapped by `to` (markers clipped to `clip`, the picture, as the scene's
    render clips to its target)."""
    for layer in layers:
        if isinstance(layer, Markers) and clip is not None:
            painter.save()
            painter.setClipRect(clip)
            layer.draw(painter, to)
            painter.restore()
        else:
            layer.draw(painter, to)


def _rgba(colour: QColor) -> tuple[int, int, int, int]:
    return colour.red(), colour.green(), colour.blue(), colour.alpha()


@dataclass
class PngJob:
    """A PNG of width x height on `background`, its layers drawn in turn."""

    width: int
    height: int
    background: tuple[int, int, int, int]
    layers: list[Layer]
    markers: int = 0
    pdf = False

    @classmethod
    def of(cls, width: int, height: int, background: QColor, layers: list[Layer], markers: int = 0) -> PngJob:
        return cls(width, height, _rgba(background), layers, markers)

    def paint(self, target: Path) -> None:
        image = QImage(self.width, self.height, QImage.Format.Format_ARGB32)
        if image.isNull():
            raise MemoryError(f"not enough memory for a picture of {self.width:,} x {self.height:,} pixels")
        image.fill(QColor(*self.background))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        draw_layers(painter, self.layers, QRectF(image.rect()))
        painter.end()
        if not image.save(qt_name(target), "PNG"):  # type: ignore[call-overload]  # (the stubs say bytes)
            raise OSError("Qt's PNG writer could not write the file")


@dataclass
class PdfJob:
    """A one-page PDF of width x height device pixels at `dpi` (no margins) on `background`, its layers drawn in
    turn."""

    width: float
    height: float
    dpi: int
    title: str
    background: tuple[int, int, int, int]
    layers: list[Layer]
    markers: int = 0
    pdf = True

    def paint(self, target: Path) -> None:
        writer = QPdfWriter(qt_name(target))
        writer.setResolution(self.dpi)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(
                    QSizeF(self.width * 72 / self.dpi, self.height * 72 / self.dpi), QPageSize.Unit.Point, "chart"
                ),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
            )
        )
        writer.setTitle(self.title)
        writer.setCreator("warroom")
        painter = QPainter(writer)
        painter.fillRect(QRectF(0, 0, self.width, self.height), QColor(*self.background))
        draw_layers(painter, self.layers, QRectF(0, 0, self.width, self.height))
        if not painter.end():
            raise OSError("Qt's PDF writer could not finish the file")


PAINT_HERE_BELOW = 1_000
"""A PNG's job of fewer poll markers than this is painted in the window's process (on the export's worker thread),
not by a child process (paint_here). Measured (1 Dec 2026, load 2.5-4.0 on 2 cores; the README's row): the demo
race's chart PNG (117 markers in its whole panel) landed 0.15-0.30 s after the click painted here, 1.6-4.0 s by a child, its longest
stall alike (87-117 / 75-268 ms); a chart of 4,669 markers (10,000 and 100,000 polls: the charts show no more)
stalled the window 282-309 ms painted here against 38-40 ms by a child, back to back. 1,000 lies between the two
and was not measured itself: the demo's size with room to spare, well under where the stall was seen."""

PDF_HERE = False
"""Whether a PDF's job (a chart's, the briefing) may be painted in the window's process. False: always by a child.
Measured on the demo race (bench_paint_here.py, load 4.0): painted here, the chart PDF held the window's thread
565-636 ms and the briefing 468-765 ms (one QPainter call replays a whole recording onto the PDF, and the writer's
end embeds the fonts, each holding Python's lock), against 73-77 and 129-187 ms by a child, which writes the file
2-4 s later."""


def paint_here(job: Job) -> bool:
    """Whether `job` is painted in the window's process (on the worker thread that waits for it) rather than by a
    child process: a PNG's (a chart's, the chart panel's) of fewer than PAINT_HERE_BELOW markers; a PDF's never
    (PDF_HERE)."""
    if job.pdf and not PDF_HERE:
        return False
    return job.markers < PAINT_HERE_BELOW


# --- the child process ----------------------------------------------------------------------------------------


CHILD_NICENESS = 10
"""How much lower than the window's the painting process's scheduling priority is (POSIX niceness)."""


class Child:
    """One job painted in a child process; `kill()` (from any thread) stops it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Any = None
        self.killed = False

    def kill(self) -> None:
        with self._lock:
            self.killed = True
            if self._process is not None and self._process.is_alive():
                self._process.kill()

    def run(self, job: Job, target: Path) -> None:
        """Paint `job` into `target` in a child process and wait for it (a worker thread's call: it waits without
        Python's lock). The job is handed over in a file beside `target` (the export's private folder), removed
        after. Raises RuntimeError naming the file when the child failed or was killed."""
        import multiprocessing

        folder = target.parent
        handed = folder / "job.pickle"
        failure = folder / "failure.txt"
        with handed.open("wb") as fh:
            pickle.dump(job, fh, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            context = multiprocessing.get_context("spawn")
            with self._lock:
                if self.killed:
                    raise RuntimeError(f"{target.name}: cancelled")
                self._process = context.Process(
                    target=child_main, args=(str(handed), str(target), str(failure)), name="warroom-paint", daemon=True
                )
                self._process.start()
                if hasattr(os, "setpriority") and self._process.pid is not None:
                    # (below the window's: on two cores its imports and painting otherwise took the window's
                    # thread's turn, and the window's stalls grew by the wait)
                    with contextlib.suppress(OSError):
                        os.setpriority(os.PRIO_PROCESS, self._process.pid, CHILD_NICENESS)
            self._process.join()
            code = self._process.exitcode
            if self.killed:
                raise RuntimeError("cancelled")
            if code != 0:
                said = failure.read_text(encoding="utf-8").strip() if failure.exists() else ""
                raise RuntimeError(said or f"the process drawing it ended with code {code}")
        finally:
            handed.unlink(missing_ok=True)
            failure.unlink(missing_ok=True)


def paint_elsewhere(job: Job, target: Path, child: Child | None = None) -> None:
    """`job` painted into `target` by a child process (Child.run)."""
    (child or Child()).run(job, target)


def child_main(handed: str, target: str, failure: str) -> None:
    """The child's work: no display (offscreen), a QGuiApplication, the job read and painted; a failure's reason
    written to `failure` for the parent, and a non-zero exit."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        from PySide6.QtGui import QGuiApplication

        app = QGuiApplication.instance() or QGuiApplication(["warroom-paint"])
        with open(handed, "rb") as fh:
            job = pickle.load(fh)
        job.paint(Path(target))
        del app
    except BaseException as exc:  # (said to the parent, which names the file)
        with open(failure, "w", encoding="utf-8") as fh:
            fh.write(f"{type(exc).__name__}: {exc}" if str(exc) else traceback.format_exc(limit=3))
        raise SystemExit(1) from None


PaintLater = Callable[[Job, Path], None]
