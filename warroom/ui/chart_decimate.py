"""Big charts at screen resolution: the average's line and band thinned to the pixels they cover, and poll points
found under the cursor among all of them, not only the ones drawn (issue 15: a 100,000-poll store).

Pure numpy over sorted x (the charts' line, band and points are kept by x), plus one hover-and-click mixin for the
scatter item. ui/charts.py calls these from small hooks (_Series.show_range, PointLayer, PollScatter).

- `line_indices` (M4: Jugel et al., "M4: A Visualization-Oriented Time Series Data Aggregation", PVLDB 7(10), 2014):
  per pixel column, the first, last, lowest and highest point. A polyline through those covers the same pixels as
  the whole line (what a column shows is the span from its lowest to its highest point and the joins to its
  neighbours), so the line is drawn from at most four points a column, however many days it has. Up to Qt's
  rounding: drawn both ways, 1 % of the pixels differ, each by one pixel (tests/ui/test_chart_decimate.py).
- `band_samples`: a band is a filled polygon painted without antialiasing, so a pixel is filled when its centre is
  inside: what decides it is the band's edges at the pixel centres. The edges sampled there (linear
  interpolation, which is how the polygon runs between its points) give a polygon that fills the same pixels, up
  to Qt's fixed-point rounding of the many tiny segments of the whole band (1 % of its pixels, at its edges).
- `points_under`: the polls whose markers cover a place, among every point of a series (a thinned view draws a
  sample, PointLayer; hovering or clicking still finds every poll where its marker would be).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

LINE_PER_PIXEL = 4
"""Points a pixel column may have before the line is thinned (M4 keeps up to four a column: below that, no gain)."""


def pixel_columns(x: np.ndarray, x0: float, x1: float, width: float, offset: float = 0.0) -> np.ndarray:
    """Each x's device pixel column when x0..x1 fills `width` pixels from `offset` (outside: beyond them)."""
    return np.floor((np.asarray(x, dtype=float) - x0) * (width / (x1 - x0)) + offset).astype(np.int64)


def line_indices(
    x: np.ndarray, y: np.ndarray, x0: float, x1: float, width: float, offset: float = 0.0
) -> np.ndarray | None:
    """The points (indices, ascending) that draw the same line at this scale: per pixel column the first, last,
    lowest and highest (M4). None when there is nothing to gain (few points a column, a gap in the line (NaN), a
    degenerate range): draw every point."""
    n = len(x)
    if n <= LINE_PER_PIXEL * max(1.0, width) or not x1 > x0 or width < 1 or np.isnan(y).any():
        return None
    col = pixel_columns(x, x0, x1, width, offset)
    starts = np.flatnonzero(np.concatenate(([True], col[1:] != col[:-1])))
    ends = np.concatenate((starts[1:], [n])) - 1
    group = np.repeat(np.arange(len(starts)), np.diff(np.concatenate((starts, [n]))))
    order = np.lexsort((y, group))  # within each column, by y: its first is the lowest, its last the highest
    lowest, highest = order[starts], order[ends]
    keep = np.unique(np.concatenate((starts, ends, lowest, highest)))
    return keep if len(keep) < n else None


def band_samples(
    x: np.ndarray, upper: np.ndarray, lower: np.ndarray, x0: float, x1: float, width: float, offset: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The band's edges at the pixel centres it spans (and its two ends as they are): a polygon through these fills
    the same pixels, unantialiased, as the whole band. `offset`: where x0 falls in device pixels (its fraction
    decides where the centres are). None when there is nothing to gain (fewer points than pixels, a gap, a
    degenerate range)."""
    n = len(x)
    if n < 2 or not x1 > x0 or width < 1 or np.isnan(upper).any() or np.isnan(lower).any():
        return None
    scale = width / (x1 - x0)  # pixels per unit of x
    first = float(x[0] - x0) * scale + offset
    last = float(x[-1] - x0) * scale + offset
    centres = np.arange(np.ceil(first - 0.5), np.floor(last - 0.5) + 1) + 0.5  # device pixel centres inside
    if len(centres) + 2 >= n:
        return None
    cx = (centres - offset) / scale + x0
    xs = np.concatenate(([x[0]], cx, [x[-1]]))
    up = np.concatenate(([upper[0]], np.interp(cx, x, upper), [upper[-1]]))
    lo = np.concatenate(([lower[0]], np.interp(cx, x, lower), [lower[-1]]))
    return xs, up, lo


def points_under(
    x: np.ndarray,
    y: np.ndarray,
    size: np.ndarray | float,
    at: tuple[float, float],
    pixel: tuple[float, float],
    biggest: float,
) -> np.ndarray:
    """Indices (ascending) of the points whose markers cover `at` (x sorted): a marker of `size` pixels spans
    size/2 either side of its point; `pixel` is one pixel's length in x and y, `biggest` the largest size."""
    px, py = abs(pixel[0]), abs(pixel[1])
    ax, ay = at
    reach = biggest / 2 * px
    i0 = int(np.searchsorted(x, ax - reach, side="left"))
    i1 = int(np.searchsorted(x, ax + reach, side="right"))
    if i1 <= i0:
        return np.empty(0, dtype=np.int64)
    half = (np.asarray(size, dtype=float) if np.ndim(size) else np.full(len(x), float(size)))[i0:i1] / 2
    xs, ys = x[i0:i1], y[i0:i1]
    hit = (np.abs(xs - ax) < half * px) & (np.abs(ys - ay) < half * py)
    return np.flatnonzero(hit) + i0


class FoundSpot:
    """A poll's point found under the cursor among every point of a series, drawn or not (what sigClicked hands
    out in place of pyqtgraph's SpotItem when the series is thinned: its place and its poll id)."""

    def __init__(self, x: float, y: float, data: object) -> None:
        self._x, self._y, self._data = x, y, data

    def pos(self) -> Any:
        from PySide6.QtCore import QPointF

        return QPointF(self._x, self._y)

    def data(self) -> object:
        return self._data


Finder = Callable[[float, float, float, float], Sequence[FoundSpot] | None]
"""(x, y, pixel width in x, pixel height in y) -> the points under that place among all of a series' points, topmost
first; None: every point is drawn (the scatter item's own look-up is complete)."""


class FindsEveryPoint:
    """Mixin for a pyqtgraph ScatterPlotItem drawn from a sample of its series' points: hovering names, and clicking
    picks, the polls under the cursor among every point (`finder`), drawn or not. With no finder, or when every
    point is drawn, pyqtgraph's own hover and click run unchanged."""

    finder: Finder | None = None
    every_point: Any = None  # QRectF: the data rectangle of every point the finder searches (None: all drawn)
    opts: dict[str, Any]
    sigClicked: Any

    def boundingRect(self) -> Any:
        """pyqtgraph's (the drawn points and their markers), grown to every point the finder searches: the scene
        sends hovers and clicks only to an item whose rectangle holds the cursor."""
        rect = super().boundingRect()  # type: ignore[misc]
        extra = self.every_point
        if extra is None:
            return rect
        # padded as pyqtgraph padded the drawn points for their markers: its rectangle less their (kept) bounds
        (x0, _x1), (y0, _y1) = self.dataBounds(0), self.dataBounds(1)  # type: ignore[attr-defined]
        dx = max(0.0, x0 - rect.left()) if x0 is not None else 0.0
        dy = max(0.0, y0 - rect.top()) if y0 is not None else 0.0
        return rect.united(extra.adjusted(-dx, -dy, dx, dy))

    def _found(self, pos: Any) -> Sequence[FoundSpot] | None:
        if self.finder is None:
            return None
        px, py = self.pixelVectors()  # type: ignore[attr-defined]
        if px is None or py is None:
            return None
        return self.finder(pos.x(), pos.y(), px.length(), py.length())

    def hoverEvent(self, ev: Any) -> None:
        super().hoverEvent(ev)  # type: ignore[misc]
        if ev.exit or not self.opts["hoverable"] or self.opts["tip"] is None:
            return
        found = self._found(ev.pos())
        vb = self.getViewBox()  # type: ignore[attr-defined]
        if found is None or vb is None or not len(found):
            return
        cutoff = 3
        tip = [self.opts["tip"](x=s.pos().x(), y=s.pos().y(), data=s.data()) for s in found[:cutoff]]
        if len(found) > cutoff:
            tip.append(f"({len(found) - cutoff} others...)")
        vb.setToolTip("\n\n".join(tip))
        self._toolTipCleared = False

    def mouseClickEvent(self, ev: Any) -> None:
        from PySide6.QtCore import Qt

        found = self._found(ev.pos()) if ev.button() == Qt.MouseButton.LeftButton else None
        if not found:
            super().mouseClickEvent(ev)  # type: ignore[misc]
            return
        drawn = list(self.pointsAt(ev.pos()))  # type: ignore[attr-defined]
        ev.accept()  # the topmost drawn point first (what the user sees), then every other poll there
        self.sigClicked.emit(self, drawn or list(found), ev)


class SortedColumns:
    """A series' point columns (x, y, size, symbol, data), kept in order, with room to grow at the end.

    One poll added, edited or deleted puts in or takes out a point or two: np.insert and np.delete made five new
    arrays of 100,000 per series, ten series a change (their allocation and copy, 15-30 ms of the change's turn
    under load at 100,000 polls). Here the points after the place move up or down in place, and a new poll is
    usually the latest, at the end: next to nothing moves. Arrays handed in (adopt) are not written to: the first
    change copies them once, with room to spare.
    """

    NAMES = ("x", "y", "size", "symbol", "data")

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}
        self._owned = False
        self.n = 0

    def adopt(self, columns: dict[str, np.ndarray | None]) -> None:
        """Take these columns (all of one length; None: the layer has no such column) as they are."""
        self._buffers = {name: a for name, a in columns.items() if a is not None}
        self.n = len(next(iter(self._buffers.values()))) if self._buffers else 0
        self._owned = False

    def column(self, name: str) -> np.ndarray | None:
        """The column's present points (a view: valid until the next change)."""
        buffer = self._buffers.get(name)
        return None if buffer is None else buffer[: self.n]

    def put(self, name: str, values: np.ndarray) -> None:
        """Column `name`'s present points set to `values` (n of them): written into the buffer if owned, else taken
        as handed in (an adopted array may be another layer's too: it is never written to)."""
        if self._owned:
            self._buffers[name][: self.n] = values
        else:
            self._buffers[name] = values

    def own(self) -> None:
        """Copy the arrays handed in, with room to spare, now (at an idle moment) rather than on the next change."""
        self._room(1)

    def _room(self, more: int) -> None:
        """Own the buffers, with room for `more` points."""
        n = self.n
        if self._owned and all(len(b) >= n + more for b in self._buffers.values()):
            return
        capacity = n + more + max(64, n // 16)
        grown = {}
        for name, buffer in self._buffers.items():
            new = np.empty(capacity, dtype=buffer.dtype)
            new[:n] = buffer[:n]
            grown[name] = new
        self._buffers, self._owned = grown, True

    def delete(self, places: np.ndarray) -> None:
        """Take out the points at these places (distinct)."""
        if not len(places):
            return
        self._room(0)
        n = self.n
        places = np.sort(np.asarray(places, dtype=np.int64))
        if len(places) <= 8:
            for place in places[::-1].tolist():  # from the last: the earlier places stay where they are
                for buffer in self._buffers.values():
                    buffer[place : n - 1] = buffer[place + 1 : n]
                n -= 1
        else:
            keep = np.ones(n, dtype=bool)
            keep[places] = False
            for buffer in self._buffers.values():
                buffer[: n - len(places)] = buffer[:n][keep]
            n -= len(places)
        self.n = n

    def insert(self, at: np.ndarray, values: dict[str, np.ndarray]) -> None:
        """np.insert(column, at, values[name]) for every column, in place (`at`: ascending places in the present
        order, as np.insert takes them)."""
        if not len(at):
            return
        self._room(len(at))
        n = self.n
        for k in range(len(at) - 1, -1, -1):  # from the last place: the earlier ones stay where they are
            place = int(at[k])
            for name, buffer in self._buffers.items():
                buffer[place + 1 : n + 1] = buffer[place:n]
                buffer[place] = values[name][k]
            n += 1
        self.n = n
