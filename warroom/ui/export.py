"""Exports: any chart or panel to PNG (at a chosen resolution) or SVG, and the one-page PDF briefing."""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QMarginsF, QPoint, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QPicture,
    QTextCursor,
    QTextOption,
    QTransform,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsTextItem,
    QGraphicsView,
    QWidget,
)

from warroom.core.forecast import chance_text, signed_points
from warroom.core.types import Poll, controls_escaped
from warroom.paths import atomic_target, qt_name, write_private_atomic
from warroom.ui.glyphs import drawable_text
from warroom.ui.sketch import Child, Job, Layer, Markers, PdfJob, Picture, PngJob, draw_layers, paint_here


class ExportError(RuntimeError):
    pass


def _rgba(colour: QColor) -> tuple[int, int, int, int]:
    return colour.red(), colour.green(), colour.blue(), colour.alpha()


MAX_PICTURE_SIDE = 16384
"""The most pixels a PNG the app writes may have on a side: `warroom render`'s --width and --height limit, and
the height a view's picture takes from its width and shape (a 16,384-pixel square is a gigabyte in memory while
it is drawn)."""


def widest_picture(size: QSize | QSizeF) -> int:
    """The widest width at which a picture of a view of this size (drawn to its own shape) keeps both sides within
    MAX_PICTURE_SIDE."""
    w, h = size.width(), size.height()
    if w <= 0 or h <= 0:
        return MAX_PICTURE_SIDE
    return max(1, min(MAX_PICTURE_SIDE, math.floor(MAX_PICTURE_SIDE * w / h)))


def _picture(path: Path, width: int, height: int, size: QSize | QSizeF) -> QImage:
    """A blank picture of width x height for a view of `size`, refused (naming the widest width that fits) if a
    side passes MAX_PICTURE_SIDE: the scenario panel at 16,384 pixels wide was 42,515 high, 4.9 GB drawn."""
    _picture_fits(path, width, height, size)
    image = QImage(QSize(width, height), QImage.Format.Format_ARGB32)
    if image.isNull():  # Qt could not have the memory (it says so on stderr and hands back an empty image)
        raise ExportError(f"{path.name}: there is not enough memory for a picture of {width:,} x {height:,} pixels")
    return image


def _picture_fits(path: Path, width: int, height: int, size: QSize | QSizeF) -> None:
    """_picture's refusal of a side past MAX_PICTURE_SIDE, for a picture made elsewhere (ui.sketch)."""
    if width > MAX_PICTURE_SIDE or height > MAX_PICTURE_SIDE:
        raise ExportError(
            f"{path.name}: at {width:,} pixels wide the picture would be {height:,} high (the view is "
            f"{round(size.width()):,} x {round(size.height()):,} on screen), past the {MAX_PICTURE_SIDE:,} pixels a "
            f"picture may have on a side; choose a width of at most {widest_picture(size):,} pixels"
        )


def export_problem(path: Path, exc: BaseException) -> str:
    """Why `path` was not written, for a message: the file and the reason ("q.png: cannot write (is a folder, not
    a file); nothing written"), never Python's "[Errno 21] ... 'q.png'" naming the file twice, or the private
    folder it was being written in. Every export is all or nothing, so nothing was written."""
    cause = exc if isinstance(exc, OSError) else exc.__cause__  # (the CSV export's StoreError carries it too)
    if isinstance(cause, OSError):
        return f"{path}: cannot write ({cause.strerror or type(cause).__name__}); nothing written"
    text = str(exc)  # the exporters' own messages may name the file already: once is enough
    if text.startswith(f"could not write {path}"):
        reason = text.removeprefix(f"could not write {path}").removeprefix(": ")
        return f"{path}: cannot write" + (f" ({reason})" if reason else "") + "; nothing written"
    return f"{path}: {text.removeprefix(f'{path.name}: ')}; nothing written"


@contextmanager
def uncached(*roots: QWidget | QGraphicsScene, keep: Iterable[QGraphicsItem] = ()) -> Iterator[None]:
    """Every graphics item under `roots` painted afresh while an export renders them: the charts keep pixmap
    caches of their lines and points for the screen (ui/charts.py), and an SVG or PDF rendered through them
    would hold pictures of the lines instead of vectors (a PNG at another size, a rescaled copy). Those of `keep`
    keep their caches (items the export does not render: see-through, their markers copied apart)."""
    kept = set(keep)
    scenes: list[QGraphicsScene] = []
    for root in roots:
        if isinstance(root, QGraphicsScene):
            scenes.append(root)
            continue
        views = ([root] if isinstance(root, QGraphicsView) else []) + root.findChildren(QGraphicsView)
        scenes.extend(scene for view in views if (scene := view.scene()) is not None)
    cached = [
        (item, item.cacheMode())
        for scene in dict.fromkeys(scenes)
        for item in scene.items()
        if item.cacheMode() != QGraphicsItem.CacheMode.NoCache and item not in kept
    ]
    for item, _mode in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)


FileJob = Callable[[], None]
"""The last step of an export, which touches no widget or chart: making a file's contents from what was read or
drawn and writing it, all or nothing (a PNG's compression, an SVG's text)."""

Later = Callable[[FileJob, Path], None]
"""Runs an export's FileJob for its file: `now` (here, before returning: the command line, tests), or the window's,
on a worker (FileSave), which says on the window's thread when the file is written or why not."""


def now(job: FileJob, _path: Path) -> None:
    """Later's plain form: the file is written before this returns (a failure raises here)."""
    job()


def widget_to_png(
    widget: QWidget, path: Path, width: int | None = None, height: int | None = None, later: Later | None = None
) -> QImage:
    """Render a widget at exactly width x height pixels (scaled, not resized, so layout stays as on screen), and
    write it now (`later` None: the picture is returned); with `later` (the window's) the widget's drawing is
    recorded here (_widget_layers) and painted and written in a process of its own (an empty picture returned)."""
    size = widget.size()
    if size.width() <= 0 or size.height() <= 0:
        raise ExportError("the view has no size yet")
    w = width or size.width()
    h = height or max(1, round(w * size.height() / size.width()))
    if later is not None:  # (the window's: recorded here, painted and written by a process of its own)
        _picture_fits(path, w, h, size)
        to = QTransform.fromScale(w / size.width(), h / size.height())
        job = PngJob.of(w, h, QColor("white"), _widget_layers(widget, to), _markers_in(widget))
        later(PaintedElsewhere(job, path), path)
        return QImage()
    image = _picture(path, w, h, size)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.scale(w / size.width(), h / size.height())
    with uncached(widget):
        widget.render(painter, QPoint(0, 0))
    painter.end()
    (later or now)(partial(save_png, image, path), path)
    return image


def save_png(image: QImage, path: Path) -> None:
    """Write `image` to `path` as PNG, owner-only and all or nothing. Safe on any thread (QImage is)."""
    with atomic_target(path) as tmp:  # owner-only, all or nothing, never through a planted link
        if not image.save(_qt_name(tmp, path), "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; PySide6 wants str
            # (Qt's PNG writer says only "Unknown error"; the folder was checked writable: a full disk, as a rule)
            raise ExportError(f"could not write {path}: the PNG writer failed; is the disk full?")


def _qt_name(tmp: Path, path: Path) -> str:
    """The temporary file's name as Qt opens it (paths.qt_name); a name Qt cannot hold is an ExportError naming
    `path`, the file asked for."""
    try:
        return qt_name(tmp)
    except ValueError:
        raise ExportError(
            f"could not write {path}: its folder's name is not UTF-8, and Qt opens only file names in UTF-8"
        ) from None


def widget_to_svg(widget: QWidget, path: Path, title: str = "") -> None:
    with atomic_target(path, ending=b"</svg>") as tmp:
        generator = QSvgGenerator()
        generator.setFileName(_qt_name(tmp, path))
        generator.setSize(widget.size())
        generator.setViewBox(widget.rect())
        # QPicture-based items (pyqtgraph's axes) rescale by the ratio of device resolutions: match the screen's.
        generator.setResolution(widget.logicalDpiY())
        generator.setTitle(title or widget.accessibleName() or "warroom")
        generator.setDescription("Exported from warroom")
        painter = QPainter(generator)
        with uncached(widget):
            widget.render(painter, QPoint(0, 0))
        if not painter.end():
            raise ExportError(f"could not write {path}")


def plot_to_svg(plot: pg.PlotItem, path: Path, later: Later | None = None) -> list[str]:
    """A single chart as plain vector SVG that renders the same in Qt, browsers, Inkscape and rsvg.

    Qt's QSvgGenerator writes each item under its own transform (a data item's is about 5e-5 by -3.5, in
    epoch seconds, at six significant digits) and relies on `vector-effect: non-scaling-stroke`, pixmap atlases
    for markers and the family name "Sans Serif"; other renderers then scale the strokes, misplace lines and
    fall back to a serif face. This writer maps every item to chart pixels itself (see _SvgWriter), so the file
    holds only absolute coordinates, real symbol paths and a concrete font list.

    The charts are read here; the text is made and written by `later` (now when None; the window's, on a worker).

    Returns:
        The type names of visible items it could not draw (empty for the app's charts).
    """
    _settle(plot)
    rect = _export_rect(plot)
    return _write_svg([plot], rect, path, plot.titleLabel.text or "warroom chart", later)


def plots_to_svg(
    plots: Sequence[pg.PlotItem], source: QRectF, path: Path, title: str, later: Later | None = None
) -> list[str]:
    """Several charts of one scene (e.g. the whole chart panel) as one plain SVG of the `source` area (made and
    written by `later`, as plot_to_svg)."""
    return _write_svg(plots, source, path, title, later)


def export_chart(plot: pg.PlotItem, path: Path, width: int | None = None, later: Later | None = None) -> None:
    """One chart by the file name's ending: .png (at `width` pixels, else as on screen), .svg
    or .pdf; a PNG's compression, an SVG's text and a PDF's end are made and written by `later` (now when None)."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        plot_to_svg(plot, path, later)
    elif suffix == ".pdf":
        plot_to_pdf(plot, path, later)
    elif suffix == ".png":
        plot_to_png(plot, path, width or round(plot.sceneBoundingRect().width()), later)
    else:
        raise ExportError(f"{path.name}: choose .png, .svg or .pdf for a chart")


# Sizes for slides: 16:9 at full HD and at 720p (what presentation software and projectors expect).
SLIDE_SIZES: dict[str, tuple[int, int]] = {"slide": (1920, 1080), "slide-720p": (1280, 720)}


def chart_to_slide(
    charts: QWidget, key: str, path: Path, width: int = 1920, height: int = 1080, later: Later | None = None
) -> None:
    """One chart laid out afresh at width x height (16:9 for a slide) and written as PNG, SVG or PDF by the
    file's ending: the same data, theme and dates as on screen, with the chart filling the slide."""
    if width < 320 or height < 180:
        raise ExportError(f"{path.name}: a slide needs at least 320 x 180 pixels, not {width} x {height}")
    panel = charts.single_chart(key, width, height)  # type: ignore[attr-defined]
    try:
        export_chart(panel.plots[key], path, width, later)
    finally:
        panel.dispose()


def plot_to_pdf(plot: pg.PlotItem, path: Path, later: Later | None = None) -> None:
    """A single chart as a one-page vector PDF the size of the chart on screen (1 px = 1/96 in at 96 dpi), drawn and
    written here and now (`later` None), or (the window's `later`) recorded here and painted and written by a
    process of its own (ui.sketch: PySide6 holds Python's lock through each QPainter call, so a PDF's end on a
    worker thread still held the window's thread up to 160 ms at 100,000 polls)."""
    _settle(plot)
    rect = _export_rect(plot)
    if later is not None:  # (the window's: recorded here, painted and written by a process of its own)
        area = QRectF(0, 0, rect.width(), rect.height())
        job = PdfJob(
            rect.width(),
            rect.height(),
            round(_screen_dpi()),
            plot.titleLabel.text or "warroom chart",
            _rgba(_background_of(plot)),
            _recorded(plot, area, 1.0),
            _markers_in(plot),
        )
        later(PaintedElsewhere(job, path, b"%%EOF"), path)
        return
    _in_two_steps(path, b"%%EOF", partial(_plot_pdf, plot, rect))


def _in_two_steps(path: Path, ending: bytes, draw: Callable[[Path], FileJob]) -> None:
    """An export drawn in two steps into `path`'s private temporary file (paths.atomic_target: all or nothing,
    owner-only), here and now: `draw(tmp)`, then the FileJob it returns (the rest of the page, the writer's end),
    then the rename."""
    with atomic_target(path, ending=ending) as tmp:
        draw(tmp)()


def _plot_pdf(plot: pg.PlotItem, rect: QRectF, tmp: Path) -> FileJob:
    writer = QPdfWriter(_qt_name(tmp, tmp))
    # The axes replay a QPicture recorded at the screen's resolution; QPicture rescales by the ratio of the two
    # devices' resolutions, so a 72-dpi page would shrink the axes by 3/4 against the data they label.
    dpi = _screen_dpi()
    writer.setResolution(round(dpi))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QSizeF(rect.width() * 72 / dpi, rect.height() * 72 / dpi), QPageSize.Unit.Point, "chart"),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    writer.setTitle(plot.titleLabel.text or "warroom chart")
    writer.setCreator("warroom")
    painter = QPainter(writer)
    painter.fillRect(QRectF(0, 0, rect.width(), rect.height()), _background_of(plot))
    _paint_plot(plot, painter, QRectF(0, 0, rect.width(), rect.height()), 1.0, end=False)

    held = [writer]

    def finish() -> None:
        painter.end()  # (the page's streams and fonts made and written)
        held.clear()  # the PDF is whole on disk once its writer goes

    return finish


# --- plain SVG writer -----------------------------------------------------------------------------------------

_FONT_FALLBACK = "'Liberation Sans', Arial, Helvetica, sans-serif"


def _num(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _settle(plot: pg.PlotItem) -> None:
    """Apply layout changes still waiting in the event queue (a title, an axis or a legend resized since the
    last paint), so every export of this moment draws the same geometry."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
    plot.getViewBox().updateMatrix()


def _export_rect(plot: pg.PlotItem) -> QRectF:
    """The area of the scene a single-chart export shows: the chart, in whole pixels (a fractional height would
    make renderers letterbox the picture and shift everything by a pixel or two)."""
    rect = plot.sceneBoundingRect()
    return QRectF(rect.topLeft(), QSizeF(max(1, round(rect.width())), max(1, round(rect.height()))))


def _background_of(plot: pg.PlotItem) -> QColor:
    views = plot.scene().views() if plot.scene() is not None else []
    colour = views[0].backgroundBrush().color() if views else QColor("white")
    if views and views[0].backgroundBrush().style() == Qt.BrushStyle.NoBrush:
        colour = QColor("white")
    return colour


def _screen_dpi() -> float:
    screen = QGuiApplication.primaryScreen()
    return screen.logicalDotsPerInchY() if screen is not None else 96.0


def _font_px(font: QFont) -> float:
    if font.pixelSize() > 0:
        return float(font.pixelSize())
    return font.pointSizeF() * _screen_dpi() / 72.0


class _SvgWriter:
    """Collects SVG elements in chart pixels (origin at the exported area's top left).

    Two steps, so that the window's thread only reads the charts: `path`, `aliased_line`, `text` and `markers`
    take copies of what is to be drawn (paths, transforms, pens, brushes, fonts, a scatter item's points as arrays)
    and keep them as steps; `document` turns the steps into SVG text, which is most of the work (at 100,000 polls
    the chart panel's SVG was 1.7 s of formatting thousands of markers on the window's thread) and touches no
    chart, so it can run on a worker (plots_to_svg's `later`). The text is the same whichever thread makes it.
    """

    def __init__(self, origin: QRectF) -> None:
        self.origin = origin
        self.body: list[str] = []
        self.clips: dict[tuple[float, float, float, float], str] = {}
        self.shift = QTransform.fromTranslate(-origin.left(), -origin.top())
        self._steps: list[Callable[[], None]] = []  # each element to write, in order (document runs them)

    # paint attributes
    @staticmethod
    def _colour(attr: str, colour: QColor) -> str:
        out = f'{attr}="{colour.name()}"'
        if colour.alpha() < 255:
            out += f' {attr}-opacity="{_num(colour.alphaF())}"'
        return out

    def stroke(self, pen: QPen | None) -> str:
        if pen is None or pen.style() == Qt.PenStyle.NoPen or pen.color().alpha() == 0:
            return 'stroke="none"'
        width = pen.widthF() or 1.0  # pyqtgraph's pens are cosmetic: their width is in pixels already
        caps = {Qt.PenCapStyle.FlatCap: "butt", Qt.PenCapStyle.RoundCap: "round"}.get(pen.capStyle(), "square")
        joins = {Qt.PenJoinStyle.RoundJoin: "round", Qt.PenJoinStyle.BevelJoin: "bevel"}.get(pen.joinStyle(), "miter")
        out = f'{self._colour("stroke", pen.color())} stroke-width="{_num(width)}" stroke-linecap="{caps}" stroke-linejoin="{joins}"'
        if pen.style() != Qt.PenStyle.SolidLine:
            dashes = [d * width for d in pen.dashPattern()]
            if dashes:
                out += f' stroke-dasharray="{",".join(_num(d) for d in dashes)}"'
        return out

    def fill(self, brush: QBrush | None) -> str:
        if brush is None or brush.style() == Qt.BrushStyle.NoBrush or brush.color().alpha() == 0:
            return 'fill="none"'
        return self._colour("fill", brush.color())

    def clip_attr(self, clip: QRectF | None) -> str:
        if clip is None:
            return ""
        r = self.shift.mapRect(clip)
        key = (round(r.x(), 3), round(r.y(), 3), round(r.width(), 3), round(r.height(), 3))
        if key not in self.clips:
            self.clips[key] = f"clip{len(self.clips)}"
        return f' clip-path="url(#{self.clips[key]})"'

    # shapes (each kept as a step of copies; drawn by document)
    def path(
        self,
        path: QPainterPath,
        transform: QTransform,
        pen: QPen | None,
        brush: QBrush | None,
        clip: QRectF | None = None,
        *,
        marker: bool = False,
    ) -> None:
        args = (QPainterPath(path), QTransform(transform), _pen_copy(pen), _brush_copy(brush), _rect_copy(clip))
        self._steps.append(lambda: self._path(*args, marker=marker))

    def markers(self, item: pg.ScatterPlotItem, transform: QTransform, clip: QRectF | None) -> None:
        """A scatter item's visible points, as each would be drawn by _draw_symbol: read here as arrays (the
        item's own record array; a point without its own symbol, size, pen or brush takes the item's, as
        pyqtgraph's SpotItem does), drawn by document."""
        from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols

        data = item.data
        shown = np.asarray(data["visible"], dtype=bool)
        xs, ys = data["x"][shown].astype(float), data["y"][shown].astype(float)
        opts = item.opts
        sizes = np.where(data["size"][shown] == -1, opts["size"], data["size"][shown]).astype(float)
        names = list(Symbols.keys())
        symbols: list[object] = []
        for symbol in data["symbol"][shown].tolist():
            if symbol is None:
                symbol = opts["symbol"]
            with suppress(Exception):  # (SpotItem.symbol: a number names the n-th symbol)
                symbol = names[int(symbol) % len(names)]  # type: ignore[call-overload]
            symbols.append(symbol)
        pens: dict[int, QPen] = {}
        brushes: dict[int, QBrush] = {}
        pen_of: list[QPen] = []
        brush_of: list[QBrush] = []
        for pen, brush in zip(data["pen"][shown].tolist(), data["brush"][shown].tolist(), strict=True):
            pen = opts["pen"] if pen is None else pen
            brush = opts["brush"] if brush is None else brush
            if id(pen) not in pens:
                pens[id(pen)] = QPen(pg.mkPen(pen))
            if id(brush) not in brushes:
                brushes[id(brush)] = QBrush(pg.mkBrush(brush))
            pen_of.append(pens[id(pen)])
            brush_of.append(brushes[id(brush)])
        px_mode = bool(opts["pxMode"])
        transform, clip = QTransform(transform), _rect_copy(clip)
        points = (xs.tolist(), ys.tolist(), sizes.tolist(), symbols, pen_of, brush_of)
        self._steps.append(lambda: self._markers(*points, transform, clip, px_mode))

    def _markers(
        self,
        xs: list[float],
        ys: list[float],
        sizes: list[float],
        symbols: list[object],
        pens: list[QPen],
        brushes: list[QBrush],
        transform: QTransform,
        clip: QRectF | None,
        px_mode: bool,
    ) -> None:
        for x, y, size, symbol, pen, brush in zip(xs, ys, sizes, symbols, pens, brushes, strict=True):
            if px_mode:
                at = _symbol_at(symbol, size, transform.map(QPointF(x, y)))
                if at is not None:
                    self._path(*at, pen, brush, clip, marker=True)
            else:  # size in data units: drawn under the item's own transform
                t = QTransform()
                t.translate(x, y)
                t.scale(size, size)
                self._path(_symbol_path(symbol), t * transform, pen, brush, clip, marker=True)

    def _path(
        self,
        path: QPainterPath,
        transform: QTransform,
        pen: QPen | None,
        brush: QBrush | None,
        clip: QRectF | None = None,
        *,
        marker: bool = False,
    ) -> None:
        mapped = (transform * self.shift).map(path)
        if clip is not None:
            # Clipped here as well as by clip-path: Qt's own SVG renderer ignores clip-path.
            box = self.shift.mapRect(clip)
            filled = brush is not None and brush.style() != Qt.BrushStyle.NoBrush
            stroked = pen is not None and pen.style() != Qt.PenStyle.NoPen
            if marker:  # kept whole when its centre is inside, as pyqtgraph culls them
                if not box.contains(mapped.boundingRect().center()):
                    return
            elif filled and stroked:
                # An outlined area (a forecast band with dashed edges) reaching past the chart: its fill cut to
                # the chart, its outline clipped as lines. Kept or dropped whole by its centre, as a marker is,
                # a band starting before the visible weeks was left out of the SVG.
                self._path(path, transform, None, brush, clip)
                self._path(path, transform, pen, None, clip)
                return
            elif filled:
                area = QPainterPath()
                area.addRect(box)
                mapped = mapped.intersected(area)
            else:
                mapped = _clip_lines(mapped, box)
        d = self.path_data(mapped)
        if d:
            self.body.append(f'<path d="{d}" {self.fill(brush)} {self.stroke(pen)}{self.clip_attr(clip)}/>')

    def aliased_line(self, a: QPointF, b: QPointF, pen: QPen) -> None:
        """A line Qt draws without antialiasing (the axes): on the pixels Qt's raster engine fills, so other
        renderers draw it crisp and in the same column instead of greying it across two."""
        args = (QPointF(a), QPointF(b), QPen(pen))
        self._steps.append(lambda: self._aliased_line(*args))

    def _aliased_line(self, a: QPointF, b: QPointF, pen: QPen) -> None:
        def snap(v: float) -> float:
            return math.floor(v) + 0.5  # the pixel Qt's aliased rasteriser fills for a 1-px line at v

        a, b = self.shift.map(a), self.shift.map(b)
        if abs(a.x() - b.x()) < 1e-6:  # vertical
            a, b = QPointF(snap(a.x()), a.y()), QPointF(snap(b.x()), b.y())
        elif abs(a.y() - b.y()) < 1e-6:  # horizontal
            a, b = QPointF(a.x(), snap(a.y())), QPointF(b.x(), snap(b.y()))
        self.body.append(
            f'<path d="M{_num(a.x())},{_num(a.y())} L{_num(b.x())},{_num(b.y())}" fill="none" {self.stroke(pen)}/>'
        )

    @staticmethod
    def path_data(path: QPainterPath) -> str:
        parts: list[str] = []
        i, n = 0, path.elementCount()
        start: tuple[float, float] | None = None
        last: tuple[float, float] | None = None

        def close() -> None:
            if start is not None and last is not None and last == start and len(parts) > 1:
                parts.append("Z")  # a closed outline: the stroke joins at its first corner too

        while i < n:
            e = path.elementAt(i)
            if not (math.isfinite(e.x) and math.isfinite(e.y)):
                i += 1
                continue
            if e.type == QPainterPath.ElementType.MoveToElement:
                close()
                parts.append(f"M{_num(e.x)},{_num(e.y)}")
                start = last = (round(e.x, 3), round(e.y, 3))
            elif e.type == QPainterPath.ElementType.LineToElement:
                parts.append(f"L{_num(e.x)},{_num(e.y)}")
                last = (round(e.x, 3), round(e.y, 3))
            elif e.type == QPainterPath.ElementType.CurveToElement and i + 2 < n:
                c2, end = path.elementAt(i + 1), path.elementAt(i + 2)
                parts.append(f"C{_num(e.x)},{_num(e.y)} {_num(c2.x)},{_num(c2.y)} {_num(end.x)},{_num(end.y)}")
                last = (round(end.x, 3), round(end.y, 3))
                i += 2
            i += 1
        close()
        if parts and not parts[0].startswith("M"):
            parts[0] = "M" + parts[0][1:]
        return " ".join(parts)

    def text(
        self,
        text: str,
        transform: QTransform,
        x: float,
        y: float,
        font: QFont,
        colour: QColor,
        anchor: str = "start",
        clip: QRectF | None = None,
    ) -> None:
        if not text.strip():
            return
        # (the font's face and size are read here: QFontInfo and the screen's resolution are the window's)
        family = QFontInfo(font).family() or font.family()
        style = (
            f'font-family="\'{family}\', {_FONT_FALLBACK}" font-size="{_num(_font_px(font))}"'
            f' font-weight="{700 if font.bold() else 400}"' + (' font-style="italic"' if font.italic() else "")
        )
        args = (text, QTransform(transform), x, y, style, QColor(colour), anchor, _rect_copy(clip))
        self._steps.append(lambda: self._text(*args))

    def _text(
        self,
        text: str,
        transform: QTransform,
        x: float,
        y: float,
        style: str,
        colour: QColor,
        anchor: str,
        clip: QRectF | None,
    ) -> None:
        t = QTransform.fromTranslate(x, y) * transform * self.shift
        if clip is not None and not self.shift.mapRect(clip).contains(QPointF(t.dx(), t.dy())):
            return  # starts outside its plot area: hidden there (and Qt's SVG renderer would not clip it)
        if abs(t.m11() - 1) < 1e-9 and abs(t.m22() - 1) < 1e-9 and abs(t.m12()) < 1e-9 and abs(t.m21()) < 1e-9:
            place = f'x="{_num(t.dx())}" y="{_num(t.dy())}"'
        else:
            place = (
                f'transform="matrix({_num(t.m11())},{_num(t.m12())},{_num(t.m21())},{_num(t.m22())},'
                f'{_num(t.dx())},{_num(t.dy())})" x="0" y="0"'
            )
        body = _xml_text(text)
        element = f'<text {place} {style} text-anchor="{anchor}" {self._colour("fill", colour)} xml:space="preserve">{body}</text>'
        # A clip path is read in the user space of the element that refers to it, i.e. after its own transform:
        # a group around the text keeps the clip in chart pixels.
        self.body.append(f"<g{self.clip_attr(clip)}>{element}</g>" if clip is not None else element)

    def document(self, width: float, height: float, title: str, background: QColor) -> str:
        """The SVG text of every step kept (any thread: it reads only the copies the steps hold)."""
        steps, self._steps = self._steps, []
        for step in steps:
            step()
        clips = "".join(
            f'<clipPath id="{cid}"><rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}"/></clipPath>'
            for (x, y, w, h), cid in self.clips.items()
        )
        safe = _xml_text(title)  # (">" too: a name's "]]>" in a title made the file no XML at all)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_num(width)}" height="{_num(height)}"'
            f' viewBox="0 0 {_num(width)} {_num(height)}">\n<title>{safe}</title>\n<desc>Exported from warroom</desc>\n'
            f"<defs>{clips}</defs>\n"
            f'<rect x="0" y="0" width="{_num(width)}" height="{_num(height)}" {self._colour("fill", background)}/>\n'
            + "\n".join(self.body)
            + "\n</svg>\n"
        )


def _xml_text(text: str) -> str:
    """`text` as the content of an SVG element: its markup characters escaped ("]]>" may not stand in XML content,
    so ">" is escaped too), and any character XML 1.0 cannot hold written as U+FFFD."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub("\ufffd", escaped)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 has no place for (its Char production): a parser refuses the whole file at the first."""


def _pen_copy(pen: QPen | None) -> QPen | None:
    return None if pen is None else QPen(pen)


def _brush_copy(brush: QBrush | None) -> QBrush | None:
    return None if brush is None else QBrush(brush)


def _rect_copy(rect: QRectF | None) -> QRectF | None:
    return None if rect is None else QRectF(rect)


def _clip_lines(path: QPainterPath, box: QRectF) -> QPainterPath:
    """The parts of a polyline inside `box` (Liang-Barsky per segment); curve segments are taken as chords."""
    out = QPainterPath()
    x0, y0, x1, y1 = box.left(), box.top(), box.right(), box.bottom()
    pen_at: tuple[float, float] | None = None  # where the output path's pen is, to join touching segments
    prev: tuple[float, float] | None = None
    for i in range(path.elementCount()):
        e = path.elementAt(i)
        if e.type == QPainterPath.ElementType.CurveToDataElement and i + 1 < path.elementCount():
            nxt = path.elementAt(i + 1)
            if nxt.type == QPainterPath.ElementType.CurveToDataElement:
                continue  # the chord goes to the curve's last point
        point = (e.x, e.y)
        if e.type == QPainterPath.ElementType.MoveToElement or prev is None:
            prev = point
            continue
        (ax, ay), (bx, by) = prev, point
        prev = point
        dx, dy = bx - ax, by - ay
        t0, t1 = 0.0, 1.0
        inside = True
        for p, q in ((-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)):
            if p == 0:
                if q < 0:
                    inside = False
                    break
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                inside = False
                break
        if not inside:
            continue
        start = (ax + t0 * dx, ay + t0 * dy)
        end = (ax + t1 * dx, ay + t1 * dy)
        if pen_at is None or abs(pen_at[0] - start[0]) > 1e-9 or abs(pen_at[1] - start[1]) > 1e-9:
            out.moveTo(*start)
        out.lineTo(*end)
        pen_at = end
    return out


def _clip_of(item: QGraphicsItem) -> QRectF | None:
    parent = item.parentItem()
    clip: QRectF | None = None
    while parent is not None:
        if parent.flags() & QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape:
            r = parent.mapRectToScene(parent.boundingRect())
            clip = r if clip is None else clip.intersected(r)
        parent = parent.parentItem()
    return clip


def _symbol_at(symbol: object, size: float, centre: QPointF) -> tuple[QPainterPath, QTransform] | None:
    """A marker's outline and where it goes: `symbol` (a pyqtgraph symbol name or path) `size` pixels across at
    `centre`; None for no symbol."""
    from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols

    if symbol is None:
        return None
    shape = Symbols.get(symbol) if isinstance(symbol, str) else symbol
    if not isinstance(shape, QPainterPath):
        shape = Symbols["o"]
    t = QTransform()
    t.translate(centre.x(), centre.y())
    t.scale(size, size)
    return shape, t


def _text_item(out: _SvgWriter, item: QGraphicsTextItem, clip: QRectF | None) -> None:
    doc = item.document()
    layout = doc.documentLayout()
    transform = item.sceneTransform()
    block = doc.begin()
    while block.isValid():
        lines = block.layout()
        box = layout.blockBoundingRect(block)
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + (1 if block.length() > 1 else 0))
        fmt = cursor.charFormat()
        font = QFont(doc.defaultFont())
        font = fmt.font().resolve(font) if fmt.fontPointSize() > 0 or fmt.fontFamilies() else font
        colour = (
            fmt.foreground().color() if fmt.foreground().style() != Qt.BrushStyle.NoBrush else item.defaultTextColor()
        )
        for i in range(lines.lineCount()):
            line = lines.lineAt(i)
            text = block.text()[line.textStart() : line.textStart() + line.textLength()]
            out.text(text, transform, box.x() + line.x(), box.y() + line.y() + line.ascent(), font, colour, clip=clip)
        block = block.next()


def _axis(out: _SvgWriter, axis: pg.AxisItem) -> None:
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    font = axis.style["tickFont"] or axis.font()
    painter.setFont(font)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    if specs is None:
        return
    transform = axis.sceneTransform()
    axis_spec, tick_specs, text_specs = specs
    for pen, p1, p2 in [axis_spec, *tick_specs]:
        out.aliased_line(transform.map(QPointF(p1)), transform.map(QPointF(p2)), pen)
    metrics = QFontMetricsF(font)
    colour = axis.textPen().color()
    for rect, flags, text in text_specs:
        flags = int(flags)
        if flags & int(Qt.AlignmentFlag.AlignRight):
            x, anchor = rect.right(), "end"
        elif flags & int(Qt.AlignmentFlag.AlignHCenter):
            x, anchor = rect.center().x(), "middle"
        else:
            x, anchor = rect.left(), "start"
        if flags & int(Qt.AlignmentFlag.AlignTop):
            y = rect.top() + metrics.ascent()
        elif flags & int(Qt.AlignmentFlag.AlignBottom):
            y = rect.bottom() - metrics.descent()
        else:
            y = rect.center().y() + (metrics.ascent() - metrics.descent()) / 2
        out.text(text, transform, x, y, font, colour, anchor)


def _legend_sample(out: _SvgWriter, sample: QGraphicsItem) -> None:
    from pyqtgraph.graphicsItems.LegendItem import ItemSample

    assert isinstance(sample, ItemSample)
    item = sample.item
    transform = sample.sceneTransform()
    opts = item.opts
    if not isinstance(item, pg.ScatterPlotItem):
        line = QPainterPath(QPointF(0, 11))
        line.lineTo(QPointF(20, 11))
        out.path(line, transform, pg.mkPen(opts["pen"]), None)
        if opts.get("fillLevel") is not None and opts.get("fillBrush") is not None:
            # a band's key: the filled corner pyqtgraph draws in the window (a band's key was an empty line)
            corner = QPainterPath(QPointF(2, 18))
            corner.lineTo(QPointF(18, 2))
            corner.lineTo(QPointF(18, 18))
            corner.closeSubpath()
            out.path(corner, transform, pg.mkPen(opts["pen"]), pg.mkBrush(opts["fillBrush"]))
    symbol = opts.get("symbol")
    if symbol is not None:
        if isinstance(item, pg.PlotDataItem):
            opts = item.scatter.opts
        centre = transform.map(QPointF(10, 10))
        scale = math.hypot(transform.m11(), transform.m12()) or 1.0
        at = _symbol_at(symbol, opts["size"] * scale, centre)
        if at is not None:
            out.path(*at, pg.mkPen(opts["pen"]), pg.mkBrush(opts["brush"]), None, marker=True)


def _draw_item(out: _SvgWriter, item: QGraphicsItem) -> bool:
    """Draws one item; False when its type is unknown here."""
    from pyqtgraph.graphicsItems.LegendItem import ItemSample

    clip = _clip_of(item)
    transform = item.sceneTransform()
    if isinstance(item, pg.ScatterPlotItem):
        if len(item.data):
            out.markers(item, transform, clip)
        return True
    if isinstance(item, pg.PlotCurveItem):
        brush = (
            pg.mkBrush(item.opts["brush"])
            if item.opts.get("fillLevel") is not None and item.opts.get("brush")
            else None
        )
        out.path(item.getPath(), transform, pg.mkPen(item.opts["pen"]), brush, clip)
        return True
    if isinstance(item, pg.InfiniteLine):
        left, right = item._endPoints
        if left is None or right is None:
            return True
        line = QPainterPath(QPointF(left, 0))
        line.lineTo(QPointF(right, 0))
        out.path(line, transform, item.currentPen, None, clip)
        return True
    if isinstance(item, pg.AxisItem):
        _axis(out, item)
        return True
    if isinstance(item, pg.LegendItem):
        if item.frame:
            box = QPainterPath()
            box.addRect(item.boundingRect())
            out.path(box, transform, pg.mkPen(item.opts["pen"]), pg.mkBrush(item.opts["brush"]), clip)
        return True
    if isinstance(item, ItemSample):
        _legend_sample(out, item)
        return True
    if isinstance(item, QGraphicsTextItem):
        _text_item(out, item, clip)
        return True
    if isinstance(item, QGraphicsPathItem):
        out.path(item.path(), transform, item.pen(), item.brush(), clip)
        return True
    if isinstance(item, QGraphicsRectItem):
        box = QPainterPath()
        box.addRect(item.rect())
        out.path(box, transform, item.pen(), item.brush(), clip)
        return True
    return False


def _symbol_path(symbol: object) -> QPainterPath:
    from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols

    shape = Symbols.get(symbol) if isinstance(symbol, str) else symbol
    return shape if isinstance(shape, QPainterPath) else Symbols["o"]


# Items that only hold others (their own paint draws nothing in the app's charts).
_CONTAINERS: tuple[type, ...] = (
    pg.PlotItem,
    pg.ViewBox,
    pg.PlotDataItem,
    pg.LabelItem,
    pg.TextItem,
    pg.GraphicsLayout,
)


def _write_svg(
    plots: Sequence[pg.PlotItem], source: QRectF, path: Path, title: str, later: Later | None = None
) -> list[str]:
    if not plots or plots[0].scene() is None:
        raise ExportError("the chart is not on screen yet")
    for plot in plots:
        _settle(plot)
    scene = plots[0].scene()
    out = _SvgWriter(source)
    unknown: list[str] = []
    for item in scene.items(Qt.SortOrder.AscendingOrder):
        if not any(item is p or p.isAncestorOf(item) for p in plots):
            continue
        if not item.isVisible() or item.effectiveOpacity() <= 0:
            continue
        if isinstance(item, _CONTAINERS) or type(item).__name__ == "ChildGroup":
            continue
        if getattr(item, "paints_others", False):  # a chart's data picture: its items are drawn here themselves
            continue
        if not _draw_item(out, item):
            unknown.append(type(item).__name__)
    size, background = (source.width(), source.height()), _background_of(plots[0])

    def write() -> None:  # (reads only what `out` copied: any thread)
        document = out.document(*size, title, background)
        try:
            write_private_atomic(path, document)
        except OSError as exc:
            raise ExportError(f"could not write {path}: {exc.strerror or exc}") from exc

    (later or now)(write, path)
    return unknown


def export_view(
    widget: QWidget, path: Path, width: int | None = None, height: int | None = None, later: Later | None = None
) -> None:
    suffix = path.suffix.lower()
    if suffix == ".png":
        widget_to_png(widget, path, width, height, later)
    elif suffix == ".svg":
        plots = getattr(widget, "plots", None)
        if isinstance(plots, dict) and plots:  # the chart panel: plain SVG that every renderer draws alike
            first = next(iter(plots.values()))
            views = first.scene().views()
            source = QRectF(views[0].sceneRect()) if views else QRectF(widget.rect())
            plots_to_svg(list(plots.values()), source, path, widget.accessibleName() or "warroom charts", later)
        else:
            widget_to_svg(widget, path)
    else:
        raise ExportError(f"{path.name}: choose .png or .svg")


@dataclass
class BriefingScenario:
    name: str
    verdict: str
    margin: float
    break_even: str
    win_probability: float
    details: list[str] = field(default_factory=list)  # baseline, runoff source, every assumption, freshness
    headline: str = ""  # a two-round or instant-runoff case's line, printed instead of the runoff one


@dataclass
class Briefing:
    title: str
    date_text: str
    average_lines: list[str]
    lead_lines: list[str]
    scenarios: list[BriefingScenario] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    chart: QWidget | ChartSketch | None = None
    # What average_lines are: a two-round or instant-runoff race's are the first round its cases start from (an
    # official first round, or last election's ballots), not a poll average
    average_heading: str = "Poll average"
    # The polls whose sources are listed after `sources` (sources_of: one line per distinct address), worked out as
    # the page is drawn (on the worker, for the window: at 100,000 polls the list took 30-50 ms of its thread)
    poll_sources: Sequence[Poll] = ()


def write_briefing_pdf(briefing: Briefing, path: Path) -> int:
    """One A4 page: title, date, average, both leads, the chosen scenarios, chart, sources; what does not fit (many
    saved scenarios) goes on to further pages, never below a page's edge. Returns the number of pages."""
    pages: list[int] = []
    start_briefing_pdf(briefing, path, later=None, pages=pages)
    return pages[-1]


def start_briefing_pdf(
    briefing: Briefing, path: Path, later: Later | None = None, pages: list[int] | None = None
) -> None:
    """write_briefing_pdf for the window (`later`): the chart (a widget) recorded here (_widget_layers), the list
    of sources made on the worker, and the pages painted and written by a process of its own (ui.sketch: PySide6
    holds Python's lock through each QPainter call, so a page drawn on a worker thread still held the window's).
    Without `later`, drawn and written here and now, the number of pages appended to `pages`. All or nothing,
    owner-only, never through a planted link."""

    if later is not None:  # (the window's: the chart recorded here, the page painted by a process of its own)
        chart = None
        if isinstance(briefing.chart, QWidget):
            src = briefing.chart
            scale = _briefing_chart_scale(src.width(), src.height())
            layers = _widget_layers(src, QTransform.fromScale(scale, scale))
            chart = ChartSketch(src.width(), src.height(), scale, layers, _markers_in(src))
        polls = briefing.poll_sources
        drawn = replace(briefing, chart=chart, poll_sources=())

        def with_sources(job: Job) -> Job:  # (on the worker: one line per distinct address of every poll)
            assert isinstance(job, BriefingJob)
            sources = [*job.briefing.sources, *sources_of(_yielding(_source_pairs(polls)))]
            return BriefingJob(replace(job.briefing, sources=sources))

        later(PaintedElsewhere(BriefingJob(drawn), path, b"%%EOF", before=with_sources), path)
        return

    def draw(tmp: Path) -> FileJob:
        steps = _briefing_pdf(briefing, tmp)
        next(steps)  # down to the chart, inclusive

        def finish() -> None:
            try:
                next(steps)
            except StopIteration as done:
                if pages is not None:
                    pages.append(done.value)

        return finish

    _in_two_steps(path, b"%%EOF", draw)


def _briefing_layout() -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15))


_BRIEFING_DPI = 150


def _briefing_chart_scale(width: float, height: float) -> float:
    """The briefing's chart's scale on the page. One scale for both directions: the charts keep their own aspect
    ratio on the page (never stretched), as wide as the page or as tall as 38 % of it, whichever binds first."""
    page = _briefing_layout().paintRectPixels(_BRIEFING_DPI)
    return min(page.width() / max(1, width), page.height() * 0.38 / max(1, height))


@dataclass
class ChartSketch:
    """The briefing's chart recorded on the window's thread (_widget_layers, at `scale`), for a process of its
    own to put on the page."""

    width: int
    height: int
    scale: float
    layers: list[Layer]
    markers: int = 0


@dataclass
class BriefingJob:
    """The briefing's pages, painted by a process of its own (ui.sketch.Job); its chart a ChartSketch."""

    briefing: Briefing
    pdf = True

    @property
    def markers(self) -> int:
        chart = self.briefing.chart
        return chart.markers if isinstance(chart, ChartSketch) else 0

    def paint(self, target: Path) -> None:
        for _chart_drawn in _briefing_pdf(self.briefing, target):
            pass


def _briefing_pdf(briefing: Briefing, tmp: Path) -> Generator[int, None, int]:
    """Draws the briefing in two steps: it yields once the page's chart is drawn (what reads widgets: the window's
    thread), then returns the number of pages once the PDF is whole (on any one thread)."""
    writer = QPdfWriter(_qt_name(tmp, tmp))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageLayout(_briefing_layout())
    writer.setResolution(_BRIEFING_DPI)
    writer.setTitle(briefing.title)
    writer.setCreator("warroom")
    painter = QPainter(writer)
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    width = page.width()
    y = 0.0
    pages = 1

    def room_for(height: float) -> None:
        """Go on to a new page if `height` does not fit below y (ten saved scenarios ran off the first page: six
        were drawn below its edge, lost without a word)."""
        nonlocal y, pages
        if y > 0 and y + height > page.height():
            writer.newPage()
            y, pages = 0.0, pages + 1

    def text(s: str, size: float, bold: bool = False, gap: float = 1.35, colour: str = "#000000") -> None:
        nonlocal y
        font = QFont("DejaVu Sans")
        font.setPointSizeF(size)
        font.setBold(bold)
        painter.setFont(font)
        painter.setPen(QColor(colour))
        s = drawable_text(s, font)  # an emoji no installed font has is named, never an empty box (any thread)
        s = _RIGHT_TO_LEFT_RUN.sub(lambda m: f"\u2067{m.group(0)}\u2069", s)  # a name, isolated from its figures
        s = _FIGURE_AND_UNIT.sub("\u00a0", s)  # "1.4 %" is never split at a line's end, "%" starting the next
        rect = painter.boundingRect(QRectF(0, y, width, 2000), s, layout)
        room_for(rect.height())
        painter.drawText(QRectF(0, y, width, rect.height()), s, layout)
        y += rect.height() + size * gap

    # Every line wraps inside the page, at a space where there is one and anywhere in a word longer than the
    # line (a long name or source URL ran off the edge), and reads left to right whatever it starts with (a
    # line opening with an Arabic or Hebrew name was laid out right to left: the leader's name printed after
    # "leads ... by 5.0").
    layout = QTextOption()
    layout.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextDirection(Qt.LayoutDirection.LeftToRight)

    text(briefing.title, 18, bold=True, gap=0.6)
    text(briefing.date_text, 10, colour="#444444")
    text(briefing.average_heading, 12, bold=True, gap=0.4)
    for line in briefing.average_lines or ["No polls yet."]:
        text(line, 9.5, gap=0.25)
    y += 10
    if briefing.lead_lines or briefing.chart is not None:  # (no heading over nothing: a race with no polls)
        text("Leads", 12, bold=True, gap=0.4)
        for line in briefing.lead_lines:
            text(line, 9.5, gap=0.25)
        y += 10
    if isinstance(briefing.chart, ChartSketch):  # (recorded on the window's thread: _widget_layers)
        sketch = briefing.chart
        room_for(sketch.height * sketch.scale)
        draw_layers(painter, sketch.layers, None, QTransform.fromTranslate(0, y))
        y += sketch.height * sketch.scale + 20
    elif briefing.chart is not None:
        src = briefing.chart
        scale = _briefing_chart_scale(src.width(), src.height())
        room_for(src.height() * scale)
        painter.save()
        painter.translate(0, y)
        painter.scale(scale, scale)
        with uncached(src):
            src.render(painter, QPoint(0, 0))
        painter.restore()
        y += src.height() * scale + 20
    yield pages  # the window's part is drawn: the rest reads no widget
    if briefing.scenarios:
        text("Scenarios", 12, bold=True, gap=0.4)
        for sc in briefing.scenarios:
            text(_scenario_line(sc), 9.5, gap=0.3)
            for line in sc.details:
                text(line, 7.5, gap=0.15, colour="#333333")
        y += 10
    sources = [*briefing.sources, *sources_of(_source_pairs(briefing.poll_sources))]
    if sources:
        per_line = 9.0
        room_for(per_line * 2.2 * 6)  # the heading and a few sources together, not the heading alone at a page's foot
        text("Sources of the polls used", 10, bold=True, gap=0.3)
        remaining = page.height() - y
        max_lines = max(1, int(remaining / (per_line * 2.2)) - 1)
        shown = sources[:max_lines]
        rest = len(sources) - len(shown)
        for s in shown:
            text(s, 6.5, gap=0.15, colour="#333333")
        if rest > 0:
            text(f"… and {rest} more (see the poll table)", 6.5, colour="#333333")
    painter.end()
    return pages  # (the generator ends: its writer goes, and the PDF is whole on disk)


def _scenario_line(sc: BriefingScenario) -> str:
    """A scenario's first line in the briefing: its own headline (a two-round or instant-runoff case), else the
    runoff one."""
    return (
        sc.headline
        or f"{sc.name}: {sc.verdict} (margin {signed_points(sc.margin)}; {sc.break_even}; challenger's chance {chance_text(sc.win_probability)})"
    )


_FIGURE_AND_UNIT = re.compile(r"(?<=\d) (?=%)")
"""The space between a figure and its per cent sign: printed as a no-break space, so a wrapped line never ends in
a figure whose "%" starts the next (a 30-candidate race's briefing printed "Isadora Nakamura I 1.4" and then "%, ...")."""

_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
_RIGHT_TO_LEFT_RUN = re.compile(f"[{_RTL}]+(?:\\s+[{_RTL}]+)*")
"""A run of Hebrew or Arabic words (a candidate's name): set in a right-to-left isolate (RLI ... PDI), so that the
figure after it stays after it ("صادق خان 45.0%", not "45.0 صادق خان%"; Unicode bidi rule W2 otherwise joins the
number to the name's run)."""


def sources_of(urls: Iterable[tuple[str, str]]) -> list[str]:
    """'Pollster: URL' lines, one per distinct source. A control or direction character in a stored address (one
    kept before addresses were checked, or edited outside warroom) is shown as a \\xNN or \\uNNNN escape, as
    the command line shows it: a line break printed a second sources line, an override another address."""
    seen: dict[str, str] = {}
    for pollster, url in urls:
        if url and url not in seen:
            seen[url] = pollster
    return [controls_escaped(f"{p}: {u}") for u, p in seen.items()]


def _source_pairs(polls: Iterable[Poll]) -> Iterator[tuple[str, str]]:
    return ((p.pollster, p.source_url) for p in polls)


T = TypeVar("T")

YIELD_EVERY = 1000
"""Items a worker's long pure-Python loop takes between handing Python's lock over (_yielding)."""


def _yielding(items: Iterable[T]) -> Iterator[T]:
    """`items`, Python's lock handed over every YIELD_EVERY of them: a worker's loop over 100,000 polls otherwise
    kept it for the interpreter's 5 ms switch interval each time the window's thread asked for it, and a turn of
    the window's that makes many short calls took twice its time while the briefing's sources were listed."""
    for n, item in enumerate(items):
        if n % YIELD_EVERY == 0:
            time.sleep(0)
        yield item


def plot_to_png(plot: pg.PlotItem, path: Path, width: int, later: Later | None = None) -> None:
    """A single chart at `width` pixels (height keeps the on-screen aspect).

    The chart's own scene rectangle is painted, as for the SVG and PDF, so all three put every line on the
    same pixels (pyqtgraph's ImageExporter takes the rectangle in view coordinates, which can sit a pixel
    off the scene's)."""
    if width <= 0:
        raise ExportError(f"{path.name}: the width must be a positive number of pixels, not {width}")
    _settle(plot)
    rect = _export_rect(plot)
    if rect.width() <= 0 or rect.height() <= 0:
        raise ExportError("the chart has no size yet")
    height = max(1, round(width * rect.height() / rect.width()))
    scale = width / rect.width()
    target = QRectF(0, 0, width, height)
    if later is not None:  # (the window's: recorded here, painted and written by a process of its own)
        _picture_fits(path, int(width), height, rect.size())
        job = PngJob.of(int(width), height, _background_of(plot), _recorded(plot, target, scale), _markers_in(plot))
        later(PaintedElsewhere(job, path), path)
        return
    image = _picture(path, int(width), height, rect.size())
    image.fill(_background_of(plot))
    _paint_plot(plot, QPainter(image), target, scale)
    save_png(image, path)


def _recorded(plot: pg.PlotItem, target: QRectF, scale: float) -> list[Layer]:
    """The chart's drawing as _paint_plot paints it into `target`, recorded for another process (ui.sketch): a
    QPicture of what lies below its markers, the markers' copies, a QPicture of what lies above them (_layered);
    or one QPicture of it all (markers included, each a path) when the chart's items are not so ordered."""
    # (the items of the scene's other charts that reach into this one's rectangle are left out: clipped away by
    # their own views, they paint nothing here, but a recording keeps each call, and their markers from the
    # screen's atlas kept the whole atlas for each marker: seconds a chart at 100,000 polls)
    with _see_through(_outside(plot)):
        layers = _layered(plot, target, scale)
        if layers is not None:
            below, markers, above = layers
            return [Picture(below), *markers, Picture(above)]
        picture = QPicture()
        _paint_plot(plot, QPainter(picture), target, scale)
    return [Picture(picture)]


def _outside(plot: pg.PlotItem) -> list[QGraphicsItem]:
    """The topmost items of `plot`'s scene that are neither the chart, nor in it, nor hold it."""
    items = plot.scene().items()
    outside = {i for i in items if not (i is plot or plot.isAncestorOf(i) or i.isAncestorOf(plot))}
    return [i for i in outside if i.parentItem() not in outside]


def _layered(plot: pg.PlotItem, target: QRectF, scale: float) -> tuple[QPicture, list[Markers], QPicture] | None:
    """A chart's drawing taken apart so that its markers (each one an antialiased path at the picture's
    resolution: at 100,000 polls most of a chart PNG's 290 ms on the window's thread) are drawn elsewhere.

    What lies below the markers (bands, grid, axes) is recorded into one picture; the markers are read (the
    charts' PollScatter.defer_markers) as copies that draw them later on any painter; what lies above them
    (the average lines, labels, the selected poll's ring) is recorded into another. Each item is painted exactly
    once, by pyqtgraph's own code, in its stacking order (tests/ui/test_chart_exports_off_the_gui.py compares the
    pixels with the one-pass drawing). None (paint in one pass) when the chart's items are not so ordered: a
    chart whose data pictures paint its items (a two-round contest's), or another item between two series'
    markers."""
    scene = plot.scene()
    under = [i for i in scene.items(Qt.SortOrder.AscendingOrder) if i is plot or plot.isAncestorOf(i)]
    split = _split(under)
    if split is None:
        return None
    scatters, hide_below, hide_above = split
    markers: list[Markers] = []
    below, above = QPicture(), QPicture()
    try:
        for scatter in scatters:
            scatter.defer_markers = markers.append  # type: ignore[attr-defined]
        with _see_through(hide_above):
            _paint_plot(plot, QPainter(below), target, scale)
        with _see_through([*hide_below, *scatters]):
            _paint_plot(plot, QPainter(above), target, scale)
    finally:
        for scatter in scatters:
            scatter.defer_markers = None  # type: ignore[attr-defined]
    return below, markers, above


def _split(
    under: Sequence[QGraphicsItem],
) -> tuple[list[QGraphicsItem], list[QGraphicsItem], list[QGraphicsItem]] | None:
    """One chart's items in stacking order (`under`) parted at its markers: its scatter items, the items to make
    see-through to leave out what lies below them, and those to leave out what lies above them; None when the
    items are not so ordered (_layered)."""
    if any(getattr(i, "paints_others", False) and getattr(i, "items", None) for i in under):
        return None
    at = [n for n, i in enumerate(under) if hasattr(i, "defer_markers") and i.isVisible()]
    if not at:
        return None
    scatters = [under[n] for n in at]
    if any(_paints(under[n]) for n in range(at[0], at[-1] + 1) if n not in at):
        return None  # (something drawn between two series' markers: only a one-pass drawing keeps that order)
    below, above = set(under[: at[0]]), set(under[at[-1] + 1 :])
    hide_below, hide_above = _hidden(below, under), _hidden(above, under)
    if hide_below is None or hide_above is None:
        return None
    return scatters, hide_below, hide_above


def _widget_layers(widget: QWidget, to: QTransform) -> list[Layer]:
    """A widget's drawing (its render, mapped by `to`) recorded for another process (ui.sketch), its charts'
    markers apart: a QPicture of the widget with what lies above each chart's markers left out, the markers'
    copies, and a QPicture of only what lies above them, each chart's scene drawn where its view shows it (the
    charts do not overlap, so one layer of each serves them all). One QPicture of it all when a chart's items are
    not so ordered (_split), or it has none."""
    views = ([widget] if isinstance(widget, QGraphicsView) else []) + widget.findChildren(QGraphicsView)
    parts: list[tuple[QGraphicsView, list[QGraphicsItem], list[QGraphicsItem], list[QGraphicsItem]]] = []
    for view in views:
        scene = view.scene()
        if scene is None:
            continue
        items = scene.items(Qt.SortOrder.AscendingOrder)
        plots = [i for i in items if isinstance(i, pg.PlotItem)]
        scatters: list[QGraphicsItem] = []
        hide_above: list[QGraphicsItem] = []
        keep_above: set[QGraphicsItem] = set()
        for plot in plots:
            under = [i for i in items if i is plot or plot.isAncestorOf(i)]
            if not any(hasattr(i, "defer_markers") and i.isVisible() for i in under):
                continue
            split = _split(under)
            if split is None:
                return _widget_picture(widget, to)
            these, _hide_below, hide = split
            scatters += these
            hide_above += hide
            keep_above |= {i for i in hide for i in (i, *_descendants(i))}
        if scatters:
            others = _hidden(set(items) - keep_above, items)
            if others is None:
                return _widget_picture(widget, to)
            parts.append((view, scatters, hide_above, others))
    if not parts:
        return _widget_picture(widget, to)
    below, above = QPicture(), QPicture()
    every = [s for _v, scatters, _a, _o in parts for s in scatters]
    # The markers of each scatter item drawn in pixels (all the charts') are copied here from the item and where
    # its view puts it, in stacking order, the item left out of the drawing and its pixmap cache kept for the
    # screen: drawn through the recording they had their caches put off, and the screen drew all of them again
    # in the same turn (10 ms at 10,000 polls, over the recording's own work).
    direct = [s for s in every if getattr(s, "opts", {}).get("pxMode", False)]
    markers = [_markers_where_drawn(s, views, widget, to) for s in direct]
    later: list[Markers] = []
    try:
        for scatter in every:
            scatter.defer_markers = later.append  # type: ignore[attr-defined]
        with _see_through([*(i for _v, _s, hide, _o in parts for i in hide), *direct]):
            _render_into(below, widget, to, keep=direct)
    finally:
        for scatter in every:
            scatter.defer_markers = None  # type: ignore[attr-defined]
    markers += later
    painter = QPainter(above)
    for view, _s, _a, others in parts:
        with _see_through(others), uncached(view, keep=direct):
            viewport = view.viewport()
            shown = _shown_in(viewport, widget)
            if shown.isEmpty():
                continue
            painter.save()
            painter.setTransform(to)
            painter.setClipRect(shown)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            place = QRectF(QPointF(viewport.mapTo(widget, QPoint(0, 0))), QSizeF(viewport.size()))
            source = view.mapToScene(viewport.rect()).boundingRect()
            view.scene().render(painter, place, source, Qt.AspectRatioMode.IgnoreAspectRatio)
            painter.restore()
    painter.end()
    return [Picture(below), *markers, Picture(above)]


def _markers_in(shown: QGraphicsItem | QWidget) -> int:
    """The poll markers a chart (a PlotItem) or a widget's charts show: the points of their visible scatter items
    (the charts' PollScatter), whoever paints them (a two-round race's data pictures do). sketch.paint_here's
    measure of a job's size."""
    if isinstance(shown, QWidget):
        views = ([shown] if isinstance(shown, QGraphicsView) else []) + shown.findChildren(QGraphicsView)
        items = [i for v in views if v.scene() is not None for i in v.scene().items()]
    else:
        items = [shown, *_descendants(shown)]
    return sum(len(i.data) for i in items if isinstance(i, pg.ScatterPlotItem) and i.isVisible())


def _markers_where_drawn(
    scatter: QGraphicsItem, views: Sequence[QGraphicsView], widget: QWidget, to: QTransform
) -> Markers:
    """A scatter item's markers as its paint hands them to an export recording `widget` under `to`
    (PollScatter.defer_markers), copied without drawing it: the device transform, opacity and hints its paint
    would be given there."""
    view = next(v for v in views if v.scene() is scatter.scene())
    corner = view.viewport().mapTo(widget, QPoint(0, 0))
    device = scatter.sceneTransform() * view.viewportTransform() * QTransform.fromTranslate(corner.x(), corner.y()) * to
    picture = QPicture()  # (nothing is drawn on it: the painter's state is what the copy reads)
    painter = QPainter(picture)
    try:
        painter.setRenderHints(view.renderHints())
        painter.setWorldTransform(device)
        painter.setOpacity(scatter.effectiveOpacity())
        return scatter._markers_drawn_later(painter)  # type: ignore[attr-defined,no-any-return]
    finally:
        painter.end()


def _render_into(picture: QPicture, widget: QWidget, to: QTransform, keep: Iterable[QGraphicsItem] = ()) -> None:
    """`widget` as it renders itself (its charts' pixmap caches off, but those of `keep`), recorded into `picture`
    under `to`."""
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setTransform(to)
    with uncached(widget, keep=keep), _background_uncached(widget):
        widget.render(painter, QPoint(0, 0))
    painter.end()


@contextmanager
def _background_uncached(widget: QWidget) -> Iterator[None]:
    """Each graphics view in `widget` draws its background afresh (a fill) while a recording renders it, not from
    its cached picture of it (QGraphicsView.CacheBackground, pyqtgraph's): a recording (a QPicture) kept that
    picture whole, every pixel of the view, even for a one-pixel part of the widget: 22 ms of each recording of the
    chart panel (about half of it, at 10,000 polls: its charts PNG, its briefing page), 1 ms without."""
    views = ([widget] if isinstance(widget, QGraphicsView) else []) + widget.findChildren(QGraphicsView)
    cached = [(view, view.cacheMode()) for view in views if view.cacheMode() != QGraphicsView.CacheModeFlag.CacheNone]
    for view, _mode in cached:
        view.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
    try:
        yield
    finally:
        for view, mode in cached:
            view.setCacheMode(mode)


def _widget_picture(widget: QWidget, to: QTransform) -> list[Layer]:
    picture = QPicture()
    _render_into(picture, widget, to)
    return [Picture(picture)]


def _descendants(item: QGraphicsItem) -> list[QGraphicsItem]:
    out, stack = [], list(item.childItems())
    while stack:
        child = stack.pop()
        out.append(child)
        stack.extend(child.childItems())
    return out


def _shown_in(inner: QWidget, outer: QWidget) -> QRectF:
    """The part of `inner` that `outer`'s render shows, in `outer`'s coordinates (each ancestor between them
    clips it)."""
    shown = QRectF(QPointF(inner.mapTo(outer, QPoint(0, 0))), QSizeF(inner.size()))
    parent = inner.parentWidget()
    while parent is not None and parent is not outer:
        shown = shown.intersected(QRectF(QPointF(parent.mapTo(outer, QPoint(0, 0))), QSizeF(parent.size())))
        parent = parent.parentWidget()
    return shown.intersected(QRectF(outer.rect()))


class PaintedElsewhere:
    """A FileJob (run on a worker: FileSave) whose picture is painted and written by a process of its own
    (ui.sketch.Child), or, when sketch.paint_here says so (a small race's PNG), here on the worker, into `path` all or nothing (paths.atomic_target: owner-only, never through a planted link; a PDF
    checked for its end). `cancel()` kills the process (or has the painting here renamed to nothing); nothing is
    written then."""

    def __init__(self, job: Job, path: Path, ending: bytes = b"", before: Callable[[Job], Job] | None = None) -> None:
        self.job, self.path, self.ending, self.before = job, path, ending, before
        self.child = Child()

    def __call__(self) -> None:
        job = self.job if self.before is None else self.before(self.job)
        try:
            with atomic_target(self.path, ending=self.ending) as tmp:
                _qt_name(tmp, self.path)
                if paint_here(job):  # (a small race's: here, on this worker thread; no child to start)
                    if self.child.killed:
                        raise RuntimeError("cancelled")
                    job.paint(tmp)
                    if self.child.killed:  # (cancelled while painting: the rename is not made)
                        raise RuntimeError("cancelled")
                else:
                    self.child.run(job, tmp)
        except RuntimeError as exc:
            raise ExportError(f"{self.path.name}: could not be drawn ({exc})") from None

    def cancel(self) -> None:
        self.child.kill()


def _paints(item: QGraphicsItem) -> bool:
    """Whether `item` draws anything of its own (not a container of others, not hidden)."""
    if not item.isVisible() or item.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents:
        return False
    return not (isinstance(item, _CONTAINERS) or type(item).__name__ == "ChildGroup")


def _hidden(items: set[QGraphicsItem], under: Sequence[QGraphicsItem]) -> list[QGraphicsItem] | None:
    """The items to make see-through so that none of `items` paints: each whose whole subtree is in `items` (its
    children go with it); a container (paints nothing itself) is passed over, its children taken one by one. None
    when an item that paints holds one that must still paint."""
    everything = set(under)
    out: list[QGraphicsItem] = []

    def subtree_in(item: QGraphicsItem) -> bool:
        return all(c in items and subtree_in(c) for c in item.childItems() if c in everything)

    done: set[QGraphicsItem] = set()
    for item in under:
        if item not in items or item in done:
            continue
        if subtree_in(item):
            out.append(item)
            stack = [item]
            while stack:
                for child in stack.pop().childItems():
                    done.add(child)
                    stack.append(child)
        elif _paints(item):
            return None
    return out


@contextmanager
def _see_through(items: Sequence[QGraphicsItem]) -> Iterator[None]:
    """`items` painted as nothing (opacity 0: the scene passes over them and their children) for a moment."""
    kept = [(item, item.opacity()) for item in items]
    for item, _opacity in kept:
        item.setOpacity(0.0)
    try:
        yield
    finally:
        for item, opacity in kept:
            item.setOpacity(opacity)


class FileSave:
    """An export's last step (a FileJob: a chart's picture painted and written by a process of its own, an SVG's
    text made and written) on a thread of its own, for the window, which waits there for the painting process
    without holding Python's lock: an SVG's text took 1.7 s of the window's thread at 100,000 polls. All or
    nothing as the job is; `result` holds None or the failure; `landed(self)` is called on the worker when it is
    done (emit a signal there to be told on the GUI thread); `cancel()` stops a painting process.

    Attributes:
        path: the file being written.
        result: the outcome (a Future).
    """

    def __init__(self, job: FileJob, path: Path, landed: Callable[[FileSave], None]) -> None:
        self.path = path
        self.result: Future[None] = Future()
        self._job = job
        self.cancelled = False
        self.result.add_done_callback(lambda _f: self._land(landed))
        self._thread = threading.Thread(target=self._work, args=(job,), name="warroom-export", daemon=True)
        self._thread.start()

    def finish(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the write (a window closing: the thread is a daemon, and the process
        leaving mid-write left the temporary file behind). True: it has ended, the file whole or as it was."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def cancel(self) -> None:
        """Stop the write where it can stop (a picture painted by a process of its own: PaintedElsewhere, whose
        process is killed; `cancelled` is then True); nothing is written then, and `result` holds the failure."""
        cancel = getattr(self._job, "cancel", None)
        if cancel is not None and not self.result.done():
            self.cancelled = True
            cancel()

    def _land(self, landed: Callable[[FileSave], None]) -> None:
        # (RuntimeError: the window that asked was deleted meanwhile, after waiting FILE_WRITE_WAIT_S in vain)
        with suppress(RuntimeError):
            landed(self)

    def _work(self, job: FileJob) -> None:
        try:
            job()
        except BaseException as exc:  # handed to the GUI thread through the Future
            self.result.set_exception(exc)
        else:
            self.result.set_result(None)


def _paint_plot(plot: pg.PlotItem, painter: QPainter, target: QRectF, scale: float, *, end: bool = True) -> None:
    """Paints the chart's scene rectangle into `target` with pyqtgraph's export mode on (each marker drawn as a
    path, lines scaled with the resolution), then ends the painter (unless `end` is False: a PDF's end is made
    by its FileJob)."""
    scene = plot.scene()
    items = [i for i in scene.items() if hasattr(i, "setExportMode") and (i is plot or plot.isAncestorOf(i))]
    try:
        for item in items:
            item.setExportMode(
                True, {"antialias": True, "background": None, "painter": painter, "resolutionScale": scale}
            )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        with uncached(scene):
            scene.render(painter, target, _export_rect(plot), Qt.AspectRatioMode.IgnoreAspectRatio)
    finally:
        for item in items:
            item.setExportMode(False)
        if end:
            painter.end()


def render_target(
    window: QWidget, target: str, out: Path, width: int, height: int, briefing: Briefing | None = None
) -> None:
    """Headless rendering for `warroom render`: a chart, the chart panel, the scenario panel, the window or a briefing."""
    suffix = out.suffix.lower()
    charts = window.charts  # type: ignore[attr-defined]
    if target in ("first", "lead1", "lead2"):
        # Laid out afresh at width x height, as a slide is: exported from the window, the chart had the height the
        # window's layout gave it, whatever --height said (800 x 400 asked, an 800 x 48 strip written).
        if width < 320 or height < 180:
            raise ExportError(f"{out.name}: a chart needs at least 320 x 180 pixels, not {width} x {height}")
        chart_to_slide(charts, target, out, width, height)
        return
    if target == "briefing" or suffix == ".pdf":
        if suffix != ".pdf":  # never a PDF under a .png or .svg name
            raise ExportError(f"{out.name}: the briefing is written as a PDF only")
        if briefing is None:
            raise ExportError("no briefing to write")
        write_briefing_pdf(briefing, out)
        return
    widget = {"charts": charts, "scenario": getattr(window, "_scenario_widget", None), "window": window}.get(target)
    if widget is None:
        raise ExportError(f"nothing to render for {target!r}")
    export_view(widget, out, width, height if target == "window" else None)
