"""The three linked charts: first-round shares, first-round lead, second-round (runoff) lead.

Items are created once per contest; every update only calls setData, so a new poll reaches the
screen in the same frame without rebuilding anything.
"""

from __future__ import annotations

import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any, NamedTuple

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.PlotCurveItem import arrayToLineSegments
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QGradient,
    QImage,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPicture,
    QPixmap,
    QResizeEvent,
    QShowEvent,
    QTransform,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsTextItem,
    QGraphicsView,
    QScrollArea,
    QSizePolicy,
    QStyleOptionGraphicsItem,
    QVBoxLayout,
    QWidget,
)

from warroom.core.averaging import AverageSeries, PollAverages
from warroom.core.colour import readable
from warroom.core.forecast import signed_points
from warroom.core.two_round_view import CampaignChart, ValueExtent
from warroom.core.types import Annotation, Contest, CountingSystem, Poll, bidi_isolated, firm_key
from warroom.ui.chart_decimate import (
    FindsEveryPoint,
    FoundSpot,
    SortedColumns,
    band_samples,
    line_indices,
    points_under,
)
from warroom.ui.glyphs import drawable
from warroom.ui.qt_utils import NAME_IN_TITLE, as_html, elide_middle, literal_tip
from warroom.ui.sketch import Markers

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
SYMBOLS = ("o", "s", "t", "d", "+", "x", "p", "h", "star", "t1", "t2", "t3")
_SYMBOL_NAMES = np.array(SYMBOLS, dtype=object)
"""Point layers hold each point's symbol as its index in SYMBOLS (int8): comparing, masking and inserting
100,000 of those is ten times cheaper than the same on strings, which the scatter item gets for the visible
points only."""
LEAD_CHARTS = ("lead1", "lead2")
LEAD_LABEL = {"lead1": "__lead1", "lead2": "__lead2"}
"""Each lead chart's key among the end labels, apart from the candidates' codes: a candidate coded "lead1" (codes
beginning "__" are reserved, core.types.Contest.problems) lost his first-round label to the lead chart's, whose
label was then placed among the candidates'."""
LEAD_CHART_OF = {label: chart for chart, label in LEAD_LABEL.items()}
BULK_POINTS = 64
"""Polls added or edited at once (an import) past which show_polls leaves their points to show_data: putting
10,000 in one by one in Python cost 0.4 s on the GUI thread at 100,000 polls."""
RELEASE_BUDGET_S = 0.008
"""Time show_data spends handing series their new points in one event-loop turn before leaving the rest for the
next turns (ChartPanel._release_next)."""
PAINT_APART_S = 0.02
"""GUI work in one turn (an average landing, a fit of the value axes) past which the charts' repaint it asks for is
left to the next event-loop turn, not done in the same one: a 100,000-poll contest's landing was 60-150 ms of GUI
work and its paint another 40-100 ms, one freeze over 100 ms (benchmarks/bench_menu_stalls.py). The paint is held
meanwhile, so nothing half-done is shown; it comes a turn later, whole."""
LAND_APART_S = 0.02
"""GUI work in one turn past which an average landing on the charts (show_data) leaves its next step to the next
event-loop turn, after the loop's timers (a turn of their own, as a stall probe sees it): its steps are the first-round
chart's series, the lead charts' series and titles, the end labels and the dates (the final weeks), then the value axes
fitted and the paint. At 100,000 polls the landing was 40-110 ms of the window's thread in one turn, with the points
handed over and the paint straight after it (benchmarks/bench_menu_stalls.py). The repaint is held until the last step,
so no chart is shown half-landed; whatever asks the charts for their state meanwhile finishes the landing first
(finish_landing)."""
LAND_STEPS_FROM = 20_000
"""Polls from which an average landing may be spread over turns (LAND_APART_S): a smaller contest's whole landing
fits in one turn (10,000 polls: 15-30 ms), and lands in the call, as before."""
FEW_STALE = 2
"""Series left with new points by show_data up to which they are handed them in its own turn, however long it took:
after a one-poll add only the runoff chart's points wait for the average (the others were put in at once), and
leaving those two for the next turn cost an extra turn and a second repaint of that chart."""
WARM_DELAY_MS = 50
"""After the points land, the wait before marker pictures are drawn ahead in idle turns (ChartPanel._warm_next)."""
PREWARM_FROM = 5_000
"""Polls from which a contest's marker pictures are drawn ahead, before its first average lands (expect_polls)."""
HOLD_PAINT_MS = 150
"""How long the charts wait, after a few polls' points changed (show_polls), for the average that follows them
(show_data) before painting the points on their own: each chart then repaints once per add, edit or delete, the
points and their new average together. A 10,000-poll contest's average lands from its worker 80-110 ms after the
change on two cores shared with other work (load 4-6; up to 200 ms at load 6, benchmarks/_add_frame.py), and the
first repaint was 15-25 ms of GUI-thread CPU spent on a picture replaced a moment later; a 100,000-poll contest's
takes 300 ms or more, and its point shows at this limit, then its average."""
FINAL_WEEKS_DAYS = 42  # the default window: six weeks before the latest poll or election day
END_LABEL_ROOM = 0.22  # share of the default window kept free right of the data for the end-of-line values
LEAD_PICTURES_KEPT = 12
"""Images of its points and lines a lead chart keeps (DataPicture; the first-round chart keeps 8): about 1 MB each
at 1920x1080 (the chart's area and a margin, 4 bytes a pixel)."""
STILL_AXIS_TIP = (
    "The value axis spans every runoff matchup and candidate list of this contest in the window shown, so "
    "switching between them leaves it still and every choice is read on one scale."
)


def day_to_epoch(day: float | np.ndarray) -> np.ndarray:
    """Ordinal day (date.toordinal) to epoch seconds at midday, for pyqtgraph's DateAxisItem."""
    return (np.asarray(day, dtype=float) - EPOCH_ORDINAL) * 86400.0 + 43200.0


def point_size(sample: np.ndarray) -> np.ndarray:
    """Marker diameter in pixels grows with the square root of the sample: area ~ information.
    An unknown sample (NaN) is drawn at the size of a typical 1,000.

    Rounded to half a pixel: pyqtgraph renders one marker picture per (symbol, size, colour), and with sizes
    on a continuum every pan of a 10,000-poll chart rendered a thousand new ones (a 150-350 ms stall)."""
    sample = np.nan_to_num(np.asarray(sample, dtype=float), nan=1000.0)
    return np.round(2.0 * np.clip(4.0 + np.sqrt(sample) / 6.0, 5.0, 16.0)) / 2.0


MAX_POLLSTER_KEYS = 12
MAX_KEPT_POINTS = 256
"""Question-point arrays a chart panel keeps (ChartPanel._question_points): a campaign's matchups and lists."""
FIRST_SHARE = 0.31
"""Of the charts' height, the least the first-round chart (title, plot and date axis) takes: about its share at
1920x1080, kept on a laptop's screen."""
MANY_CANDIDATES = 10
"""From this many candidates (France 2022 had twelve) the first-round chart keeps FIRST_SHARE of the height."""
MIN_LEAD_PLOT = 45
"""Pixels of plot the lead charts keep before the first-round chart takes its share (FIRST_SHARE)."""
FIT_PASSES = 4
"""At most this many fits of the keys and heights in ChartPanel.fit_layout (each fits the keys to the width the
charts have after the last; two or three settle them in practice)."""
MIN_PLOT = 30
"""Pixels of plot every chart keeps, its lines and value axis readable (what the lead charts had at 1024x600). On a
chart area too short for that with every row shown (a 1024x600 screen, the window's least size), the two upper
charts' date axes give up their rows first (the three charts share one date range, read on the runoff chart's axis
below them, and their grid lines keep the dates' places); shorter still (a dock dragged over the charts), the chart
area scrolls."""
KEY_NAME_CHARS = 18
"""Pollster names longer than this are shortened in the key ("Redfield & Wilton…"); hovering a poll names it."""
"""Pollsters named in the symbol key; the others are named by hovering their polls."""


@dataclass
class Theme:
    background: str = "#ffffff"
    foreground: str = "#202020"
    grid_alpha: float = 0.15
    grid: str = "#e6e6e6"
    band_alpha: int = 60
    line_width: float = 2.0
    font_pt: int = 10
    marker_scale: float = 1.0  # poll markers and legend symbols, relative to point_size()
    election: str = "#b00020"  # the election-day line and its label
    event: str = "#6a3d9a"  # event markers and their labels


LIGHT = Theme()
DARK = Theme(
    background="#1e1e1e",
    foreground="#e8e8e8",
    grid_alpha=0.2,
    band_alpha=70,
    grid="#3a3a3a",
    election="#ff6b6b",
    event="#c9a0ff",
)
PROJECTOR = Theme(
    background="#000000",
    foreground="#ffffff",
    grid_alpha=0.25,
    band_alpha=90,
    line_width=5.0,
    font_pt=20,
    grid="#4a4a4a",
    marker_scale=1.7,
    election="#ff6b6b",
    event="#c9a0ff",
)


def ink_plot(plot: pg.PlotItem, theme: Theme) -> None:
    """A plot's axes, tick labels and title in the theme's foreground (the charts' apply_theme, and the charts
    shown outside them: the forecast dialog's)."""
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(theme.foreground))
        axis.setTextPen(pg.mkPen(theme.foreground))
    plot.titleLabel.setAttr("color", theme.foreground)
    plot.titleLabel.setText(plot.titleLabel.text)


class _Matchup(NamedTuple):
    """What the runoff-lead chart shows for a chosen pair (ChartPanel.show_matchup_lead's arguments, kept)."""

    days: Sequence[float] | np.ndarray
    leads: Sequence[float] | np.ndarray
    pollsters: Sequence[str]
    average: AverageSeries
    title: str
    tooltip: str = ""
    points: str = "published head-to-head"


_WORDS = re.compile(r"(\s+)")


class _TitleLabel(pg.LabelItem):
    """A chart title that never sets the chart's minimum width: a long title in large type would otherwise
    widen the whole chart column past the window and crop the final weeks and the election day off its right
    edge. It overflows its row instead (centred, so the middle stays readable).

    pyqtgraph's LabelItem re-measures itself (updateMin) on every setText and resize and keeps the result in
    `_sizeHint`; only the widths are released, so the title row keeps its height."""

    _fitting = False
    _styled: dict[str, object] | None = None  # the style (opts) the shown text was laid out in
    explanation = ""  # how the chart's figures are made, added to the tooltip (an instant-runoff contest's pair)
    described: Callable[[], None] | None = None  # told when the title's text changed (its chart's description)

    def set_explanation(self, text: str) -> None:
        self.explanation = text
        self._fit()

    def updateMin(self) -> None:
        super().updateMin()
        self.setMinimumWidth(0)
        for which, (_w, h) in list(self._sizeHint.items()):
            if which != Qt.SizeHint.MaximumSize:
                self._sizeHint[which] = (0, h)
        self.updateGeometry()

    def setText(self, text: str, **args: object) -> None:
        if args or self.item.toPlainText() == "" or self.opts != self._styled:
            super().setText(as_html(text), **args)  # shown as typed: LabelItem reads its text as HTML
            self._styled = dict(self.opts)
            self.text = text
            self._fit()
            return
        # Another text in the same style (a matchup or list switch): shown in place. pyqtgraph's setText measures
        # the label and asks its chart's layout again each time, which re-laid the chart out on every switch; a
        # one-line title keeps its height, so only a new height asks for that.
        self.text = text
        self._fit()

    def _show(self, text: str) -> None:
        """Show `text` as pyqtgraph's setText would (the same styled HTML, centred), re-measuring the label and asking
        its layout again only when its height changed."""
        opts = self.opts
        colour = pg.mkColor(opts["color"] if opts["color"] is not None else pg.getConfigOption("foreground"))
        style = ["color: " + colour.name(QColor.NameFormat.HexArgb)]
        if "family" in opts:
            style.append("font-family: " + str(opts["family"]))
        if "size" in opts:
            style.append("font-size: " + str(opts["size"]))
        if opts.get("bold") in (True, False):
            style.append("font-weight: " + ("bold" if opts["bold"] else "normal"))
        if opts.get("italic") in (True, False):
            style.append("font-style: " + ("italic" if opts["italic"] else "normal"))
        height = self.item.boundingRect().height()
        self.item.setHtml("<span style='%s'>%s</span>" % ("; ".join(style), text))  # noqa: UP031 (pyqtgraph's own)
        if self.item.boundingRect().height() != height or self.opts.get("justify", "center") != "center":
            self.updateMin()
            self.updateGeometry()
            pg.LabelItem.resizeEvent(self, None)  # centred in the row
            return
        # The same height: centred in the row as LabelItem.resizeEvent centres it, without its updateMin, which asks
        # the chart's layout again and re-lays the chart out a turn later (a second repaint of every chart after
        # the runoff chart's title counted one more poll)
        self.item.setPos(0, 0)
        bounds = self.itemRect()
        bounds.moveCenter(self.rect().center())
        self.item.setPos(bounds.topLeft() - self.itemRect().topLeft())

    def resizeEvent(self, ev: object) -> None:
        super().resizeEvent(ev)
        self._fit()

    def _fit(self) -> None:
        """Shown whole when it fits; else each word longer than NAME_IN_TITLE (a candidate's 86-letter name) elided
        in its middle, shorter and shorter, so both names and the title's end ("(points)") still show, and only
        past that cut at its end with an ellipsis. The full title stays in .text, the tooltip and the charts'
        accessible description."""
        if self._fitting:
            return
        full = str(getattr(self, "text", ""))
        drawn = drawable(full)  # an emoji no installed font has is named, never an empty box (ui.glyphs)
        room = self.rect().width() - 8
        shown = drawn
        if room > 0:
            font = QFont(self.item.font())
            size = str(self.opts.get("size", ""))
            if size.endswith("pt"):
                font.setPointSizeF(float(size[:-2]))
            metrics = QFontMetricsF(font)
            if metrics.horizontalAdvance(drawn) > room:
                words = _WORDS.split(drawn)  # words and the spaces between them
                for limit in (NAME_IN_TITLE, 20, 14, 10):  # a name longer than NAME_IN_TITLE: shorter and shorter
                    shown = "".join(
                        w if i % 2 or len(w) <= NAME_IN_TITLE else elide_middle(w, limit) for i, w in enumerate(words)
                    )
                    if metrics.horizontalAdvance(shown) <= room:
                        break
                shown = metrics.elidedText(shown, Qt.TextElideMode.ElideRight, room)
        self.setToolTip(literal_tip("\n\n".join(t for t in (drawn if shown != drawn else "", self.explanation) if t)))
        if self.described is not None:
            self.described()
        if self.item.toPlainText() == shown:
            return
        self._fitting = True
        try:
            self._show(as_html(shown))  # shown as typed (the HTML pyqtgraph's setText would make of it)
            self.text = full
        finally:
            self._fitting = False


def size_axes(plot: pg.PlotItem, font: QFont) -> None:
    """Give the value and date axes a fixed size for their type size.

    pyqtgraph sizes an axis while painting its labels and shrinks it only by more than 10 px, so charts linked
    on the date axis drifted apart by a few pixels, projector-size type left wide axes behind, and an export
    made before the next paint had no room for the labels. Every value label here fits in "-100" (shares
    are percentages, leads points), so the width is set from that, the same on every chart."""
    metrics = QFontMetricsF(font)
    left, bottom = plot.getAxis("left"), plot.getAxis("bottom")
    if isinstance(bottom, pg.DateAxisItem):
        # pyqtgraph's date axis learns its type's measure on its first paint and cannot give ticks before: a date
        # axis hidden from the start (a short screen's upper charts) left its chart without its date grid lines
        bottom.fontMetrics = QFontMetrics(font)
    left.setWidth(math.ceil(metrics.horizontalAdvance("-100") + left.style["tickTextOffset"][0] + 2))
    bottom.setHeight(math.ceil(metrics.height() + bottom.style["tickTextOffset"][1] + 2))
    for axis in (left, bottom):
        axis.picture = None
        axis.update()


def _retitle(plot: pg.PlotItem, title: str) -> None:
    """Another title for a chart whose title is shown: its label's text changed in place. PlotItem.setTitle sets the
    title row's height again, which re-lays the whole chart out in a later turn and repaints it a second time (the
    runoff chart's counts change with almost every poll added)."""
    label = plot.titleLabel
    if isinstance(label, _TitleLabel) and label.isVisible() and label.text:
        label.setText(title)
    else:
        plot.setTitle(title)


def use_fitted_title(plot: pg.PlotItem, size: str = "11pt") -> None:
    """Give `plot` a title that fits its row (_TitleLabel: long names elided in their middle, the whole title in the
    tooltip) and never sets the chart's least width; set its text with plot.setTitle(plain text) as before."""
    old = plot.titleLabel
    plot.layout.removeItem(old)
    if old.scene() is not None:
        old.scene().removeItem(old)
    plot.titleLabel = _TitleLabel("", size=size, parent=plot)  # owned by the chart, as pyqtgraph does
    plot.layout.addItem(plot.titleLabel, 0, 1)


class DateAxis(pg.DateAxisItem):
    """Dates with no label on top of another: a day label closer to a month (or year) label than most of a
    day step is left out ("Mar" rather than "Mar03" where 1 and 3 March meet).

    Labelled in UTC, as `day_to_epoch` places each day (noon UTC): pyqtgraph's default, local time, put every
    point after the next day's tick from UTC+12 on (all of New Zealand: 2 May read as 3 May)."""

    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, utcOffset=0, **kwargs)

    _ticks: OrderedDict[tuple[float, float, float, int, object], list[tuple[float, list[float]]]] | None = None

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        # The same range is asked for again and again (each linked chart's range change, its grid lines, its
        # paint): each answer cost 3-7 ms at a big contest's landing (pyqtgraph's time-zone offsets per tick).
        key = (minVal, maxVal, size, id(getattr(self, "zoomLevel", None)), getattr(self, "minSpacing", None))
        if self._ticks is None:
            self._ticks = OrderedDict()
        found = self._ticks.get(key)
        if found is None:
            found = self._ticks[key] = self._tick_values(minVal, maxVal, size)
            if len(self._ticks) > 16:
                self._ticks.popitem(last=False)
        return [(spacing, list(values)) for spacing, values in found]

    def _tick_values(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        levels = super().tickValues(minVal, maxVal, size)
        out: list[tuple[float, list[float]]] = []
        coarser: list[float] = []
        for spacing, values in levels:
            if coarser and len(values) > 1:
                marks = np.asarray(coarser, dtype=float)
                step = float(np.median(np.diff(np.sort(np.asarray(values, dtype=float)))))  # the shown step
                values = [v for v in values if np.min(np.abs(marks - v)) >= 0.6 * step]
            out.append((spacing, values))
            coarser.extend(values)
        return out


class _PictureMember:
    """A data item a chart's data picture may paint: shown or hidden, it tells the picture (see _changed)."""

    data_picture: DataPicture | None = None  # the chart's data picture that paints this item (None: it paints itself)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemVisibleHasChanged:
            _changed(self)  # type: ignore[arg-type]
        return super().itemChange(change, value)  # type: ignore[misc]


class _UpdatingPictureMember(_PictureMember):
    """A pyqtgraph data item whose Python update() (new data or style) tells its data picture too."""

    def update(self, *args: Any) -> None:
        super().update(*args)  # type: ignore[misc]
        _changed(self)  # type: ignore[arg-type]


class _BandItem(_PictureMember, QGraphicsPathItem):
    """A filled uncertainty band. Painted without antialiasing: its edges are soft by nature, and smoothing
    large translucent polygons is one of the dearer parts of a repaint."""

    def paint(self, painter: QPainter, option: object, widget: QWidget | None = None) -> None:
        if self.data_picture is not None and not self.data_picture.painting:
            return  # its chart's data picture paints it (a band keeps its contents: they count in the value range)
        if self.path().isEmpty():  # no band (no forecast yet): Qt's PDF writer drew an empty fill, "h f", which
            return  # PDF readers report as "No current point in closepath" in every chart exported as PDF
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        super().paint(painter, option, widget)  # type: ignore[arg-type]

    # Qt's own setters repaint the item in C++: a band painted by a data picture tells the picture instead.
    def setPath(self, path: QPainterPath) -> None:
        super().setPath(path)
        _changed(self)

    def setBrush(self, brush: QBrush | Qt.BrushStyle | Qt.GlobalColor | QColor | QGradient | QImage | QPixmap) -> None:
        super().setBrush(brush)
        _changed(self)

    def setPen(self, pen: QPen | Qt.PenStyle | QColor) -> None:
        super().setPen(pen)
        _changed(self)


def _changed(item: QGraphicsItem) -> None:
    """A data item's picture changed: the chart's data picture (if one paints it) repaints and forgets its copies."""
    picture = getattr(item, "data_picture", None)
    if picture is not None:
        picture.changed()


class DataPicture(pg.GraphicsObject):
    """Paints a run of one chart's data items (their bands; or their points and lines) as one item, and keeps
    what it painted per state, so that a chart shown again (a matchup or list switched back to) draws one kept
    picture instead of asking a dozen pyqtgraph items to paint (their Python paint and bounds were most of a
    switch's repaint: benchmarks/bench_two_round_switch.py, docs/PERF_two_round_switch.md).

    The items stay in the scene, visible, for hover, tooltips, clicks, tests and the SVG writer (which draws them
    itself); they only carry ItemHasNoContents, so the view neither paints them nor asks their bounds each
    repaint, and this item paints them, in their stacking order, at their place among the chart's other items.
    A state is the data the chart was handed (its range token: the objects the controller keeps per matchup and
    list), the painter's transform (range, size, place) and which items are shown. Bands are kept as a QPicture
    (a few paths, replayed in a fraction of a millisecond); points and lines as an image of the chart's area (a
    QPicture replays each marker as a separate pixmap draw, a hundred times slower than the atlas's one call).
    Any change to an item outside a switch (a poll update, a pan, a hover, the theme) repaints the picture and
    forgets the kept copies; exports and other paint devices paint the items live, so vectors stay vectors.
    """

    paints_others = True  # ui/export.py's SVG writer draws the items themselves and skips this one
    MARGIN = 48  # pixels drawn around the chart's area in a kept image (more than any marker's half size)

    def __init__(self, plot: pg.PlotItem, token: Callable[[], object], *, raster: bool) -> None:
        super().__init__()
        self._vb = plot.getViewBox()
        self._token = token
        self.raster = raster
        self.keep = 8 if raster else 32  # states kept (a contest's matchups or lists at one size and range)
        self.items: list[QGraphicsItem] = []
        self.quiet = False  # a switch is handing the items a kept state: the kept copies stay valid
        self.painting = False  # this item is painting its items (a band's own paint then draws)
        self._pictures: OrderedDict[tuple[object, ...], tuple[QPicture | QImage, QPointF]] = OrderedDict()
        self.replays = 0  # kept pictures drawn (tests and the benchmark)
        self.records = 0  # pictures made
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)  # until it has items
        self._vb.addItem(self, ignoreBounds=True)

    def hold(self, items: Sequence[QGraphicsItem]) -> None:
        """Paint these items from now on, standing just before the first of them in the stacking order (they must
        be one unbroken run in it: _unbroken_run)."""
        self.release()
        self.items = list(items)
        if not self.items:
            return
        self.setZValue(self.items[0].zValue())
        self.stackBefore(self.items[0])
        for item in self.items:
            item.data_picture = self  # type: ignore[attr-defined]
            # (pyqtgraph's autorange leaves out an item with no contents unless it has dataBounds: a band, which
            # has none, keeps its contents and skips its own paint instead)
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, hasattr(item, "dataBounds"))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, False)
        self.prepareGeometryChange()
        self.update()

    def release(self) -> None:
        """The items paint themselves again (another contest)."""
        for item in self.items:
            item.data_picture = None  # type: ignore[attr-defined]
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, False)
            item.update()
        self.items = []
        self._pictures.clear()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)

    def changed(self) -> None:
        """One of the items changed: repaint; outside a switch, the kept copies no longer show it."""
        self.update()
        if not self.quiet:
            self._pictures.clear()

    def kept(self) -> int:
        return len(self._pictures)

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()  # the bounding rectangle is the view's

    def boundingRect(self) -> QRectF:
        return self._vb.viewRect() if self.items else QRectF()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        key = self._state(painter)
        if key is None:
            self._paint_items(painter, option, widget)
            return
        kept = self._pictures.get(key)
        if kept is None:
            kept = self._record(painter, option, widget)
            self.records += 1
            self._pictures[key] = kept
            if len(self._pictures) > self.keep:
                self._pictures.popitem(last=False)
        else:
            self._pictures.move_to_end(key)
            self.replays += 1
        picture, at = kept
        painter.save()
        painter.resetTransform()  # what was kept is in the painter's device coordinates
        if isinstance(picture, QImage):
            painter.drawImage(at, picture)
        else:
            painter.drawPicture(at, picture)
        painter.restore()

    def _record(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None
    ) -> tuple[QPicture | QImage, QPointF]:
        transform = painter.transform()
        if not self.raster:
            picture = QPicture()
            recorder = QPainter(picture)
            recorder.setRenderHints(painter.renderHints())
            recorder.setTransform(transform)
            self._paint_items(recorder, option, widget)
            recorder.end()
            return picture, QPointF(0, 0)
        # (with a margin: a marker on the chart's edge then stays at positive coordinates, where the raster engine
        # rounds its place as it does on the screen; at negative ones it rounded it a pixel the other way)
        margin = self.MARGIN
        area = transform.mapRect(self._vb.viewRect()).toAlignedRect().adjusted(-margin, -margin, margin, margin)
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        image = QImage(
            max(1, math.ceil(area.width() * ratio)),
            max(1, math.ceil(area.height() * ratio)),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        recorder = QPainter(image)
        recorder.setRenderHints(painter.renderHints())
        recorder.setTransform(transform * QTransform.fromTranslate(-area.x(), -area.y()))
        self._paint_items(recorder, option, widget)
        recorder.end()
        return image, QPointF(area.topLeft())

    def _state(self, painter: QPainter) -> tuple[object, ...] | None:
        """What the picture shows, or None when it is not to be kept (no named data, an export, a hover)."""
        token = self._token()
        engine = painter.paintEngine()
        if token is None or engine is None or engine.type() != QPaintEngine.Type.Raster:
            return None
        shown = []
        for item in self.items:
            if getattr(item, "_exportOpts", False) is not False:
                return None
            visible = item.isVisible()
            if visible and isinstance(item, pg.ScatterPlotItem) and len(item.data) and item.data["hovered"].any():
                return None  # a hovered point is drawn in its hover style
            shown.append(visible)
        t = painter.transform()
        return (token, t.m11(), t.m12(), t.m21(), t.m22(), t.m31(), t.m32(), tuple(shown))

    def _paint_items(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None) -> None:
        self.painting = True
        try:
            for item in self.items:
                if not item.isVisible():
                    continue
                painter.save()
                moved, _ok = item.itemTransform(self)
                if not moved.isIdentity():
                    painter.setTransform(moved, True)
                item.paint(painter, option, widget)
                painter.restore()
        finally:
            self.painting = False


def _y_span(x: np.ndarray, y: np.ndarray, x_range: Sequence[float]) -> tuple[float, float] | None:
    """The lowest and highest finite y whose x lies in `x_range` (ends included), as pyqtgraph's dataBounds with an
    orthogonal range finds them; None: none."""
    if len(x) == 0:
        return None
    inside = y[(x >= x_range[0]) & (x <= x_range[1])]
    if len(inside) == 0:
        return None
    with np.errstate(invalid="ignore"):
        lo, hi = float(np.nanmin(inside)) if not np.isnan(inside).all() else math.nan, float(np.nanmax(inside))
    if math.isinf(lo) or math.isinf(hi):
        inside = inside[np.isfinite(inside)]
        if len(inside) == 0:
            return None
        lo, hi = float(inside.min()), float(inside.max())
    return (lo, hi) if math.isfinite(lo) and math.isfinite(hi) else None


def _item_y_bounds(vb: pg.ViewBox, item: Any, x_range: Sequence[float]) -> tuple[float, float, float] | None:
    """One item's part in a value axis fitted to the visible dates, as pyqtgraph's ViewBox.childrenBounds takes it
    (its y bounds in the view and its padding in pixels; None: it has none): for the few items of a chart that are
    not a series' band, line or points."""
    data_bounds = getattr(item, "dataBounds", None)
    if data_bounds is None:
        if item.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents:
            return None
        rect = vb.mapFromItemToView(item, item.boundingRect()).boundingRect()
        return rect.top(), rect.bottom(), 0.0
    xr = data_bounds(0, frac=1.0, orthoRange=None)
    yr = data_bounds(1, frac=1.0, orthoRange=x_range)
    pad = item.pixelPadding() if hasattr(item, "pixelPadding") else 0
    use_x = not (
        xr is None or (xr[0] is None and xr[1] is None) or not math.isfinite(xr[0]) or not math.isfinite(xr[1])
    )
    use_y = not (
        yr is None or (yr[0] is None and yr[1] is None) or not math.isfinite(yr[0]) or not math.isfinite(yr[1])
    )
    if not (use_x or use_y):
        return None
    xr, yr = (xr if use_x else (0, 0)), (yr if use_y else (0, 0))
    rect = vb.mapFromItemToView(item, QRectF(xr[0], yr[0], xr[1] - xr[0], yr[1] - yr[0])).boundingRect()
    if use_x != use_y:  # one axis only: a rotated item's bounds are swapped or dropped, as pyqtgraph does
        angle = round(item.transformAngle())
        if angle in (90, 270):
            use_y = use_x
        elif angle not in (0, 180):
            return None
    return (rect.top(), rect.bottom(), float(pad)) if use_y else None


class ValueRange(pg.GraphicsObject):
    """A two-round chart's value extent over every matchup and list (core.two_round_view.ValueExtent), as the one
    thing its autorange fits: it paints nothing, and its bounds in the window shown are the extent's there. The
    chart's own data items leave the fit (ChartPanel.set_value_extents), so the value axis is the same whichever
    matchup or list is shown, and is still through a switch; a pan or a zoom fits it to the new window as before.
    `padding` gives the markers' room in pixels (as a scatter item's pixelPadding does)."""

    paints_others = True  # nothing of its own to draw: ui/export.py's SVG writer passes over it

    def __init__(self, extent: ValueExtent, padding: Callable[[], float]) -> None:
        super().__init__()
        self.extent = extent
        self._padding = padding
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Sequence[float] | None = None) -> Any:
        span = self.extent.span
        if span is None:
            return None
        if ax == 0:
            return tuple(float(v) for v in day_to_epoch(np.array([span[0], span[1]])))
        first, last = span
        if orthoRange is not None and orthoRange[0] is not None and orthoRange[1] is not None:
            first, last = ((float(v) - 43200.0) / 86400.0 + EPOCH_ORDINAL for v in orthoRange)
        return self.extent.within(first, last)

    def pixelPadding(self) -> float:
        return self._padding()

    def boundingRect(self) -> QRectF:
        return QRectF()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        return


class BlackoutRegion(pg.LinearRegionItem):
    """A shaded stretch of days (a legal publication blackout), filled in device pixels without antialiasing.

    pyqtgraph's region fills its rectangle under the view's transform (a date axis in epoch seconds scales by
    ~1e-4), which Qt's raster engine fills through its general path code, antialiased: the four blackouts of a
    matchup switch's two lead charts took 3 ms of its repaint (benchmarks/bench_two_round_switch.py --profile).
    The same rectangle mapped to the device and filled there is one solid fill; exports take pyqtgraph's path."""

    def paint(self, p: QPainter, *args: object) -> None:
        transform = p.transform()
        if getattr(self, "_exportOpts", False) is not False or transform.isRotating():
            super().paint(p, *args)
            return
        rect = transform.mapRect(self.boundingRect())
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.currentBrush)
        p.drawRect(rect)
        p.restore()


class ScreenCurve(_UpdatingPictureMember, pg.PlotCurveItem):
    """An average line drawn in device pixels: its points are mapped through the view's scale and offset here (one
    numpy step) and the segments drawn with no painter transform.

    Qt's raster engine strokes a thick antialiased segment about ten times slower under a scaling transform (a
    date axis in epoch seconds scales by ~1e-4) than in device space: the twelve candidates' lines of France 2022
    were most of the first-round chart's repaint on a hypothesis switch (benchmarks/bench_two_round_switch.py
    --breakdown). The picture is the same (cosmetic pens are sized in pixels either way); exports, fills and
    rotated views take pyqtgraph's own path."""

    def paint(self, p: QPainter, opt: object, widget: QWidget | None = None) -> None:  # type: ignore[override]
        pen = self.opts["pen"]
        transform = p.transform()
        if (
            self.xData is None
            or len(self.xData) < 2
            or self._exportOpts is not False
            or self.opts["fillLevel"] is not None
            or self.opts["stepMode"]
            or not pen.isCosmetic()
            or pen.style() == Qt.PenStyle.NoPen
            or transform.isRotating()
        ):
            super().paint(p, opt, widget)
            return
        x = self.xData * transform.m11() + transform.m31()
        y = self.yData * transform.m22() + transform.m32()
        self._screen = arrayToLineSegments(
            x, y, connect=self.opts["connect"], finiteCheck=not self.opts["skipFiniteCheck"], out=self._screen
        )
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, bool(self.opts["antialias"]))
        p.setPen(pen)
        p.drawLines(*self._screen.drawargs())
        p.restore()

    _screen: Any = None  # the segments in device pixels, reused from paint to paint


class GridLines:
    """Grid lines as one opaque, cosmetic path per chart, rebuilt when the view range changes.

    pyqtgraph's own grid (translucent lines replayed from each axis's QPicture) was more than half the time
    it took to paint the three charts; this draws the same major and minor lines several times faster.
    """

    def __init__(self, plot: pg.PlotItem, colour: str) -> None:
        self._plot = plot
        self.item = QGraphicsPathItem()
        pen = pg.mkPen(colour, width=1)
        pen.setCosmetic(True)
        self.item.setPen(pen)
        self.item.setZValue(-100)
        plot.getViewBox().addItem(self.item, ignoreBounds=True)
        plot.getViewBox().sigRangeChanged.connect(self.update)
        # The date ticks of the last x-range and width: a value axis refitted to new data (every matchup or
        # hypothesis switch) leaves the dates as they were, and asking the date axis again cost 1-2 ms a chart.
        self._dates: tuple[tuple[float, float, int], list[float]] | None = None
        self._drawn: tuple[object, ...] | None = None

    def set_colour(self, colour: str) -> None:
        """The lines' colour (a theme change: the axes' type size may have changed too, so ticks are asked again)."""
        pen = pg.mkPen(colour, width=1)
        pen.setCosmetic(True)
        self.item.setPen(pen)
        self._dates = self._drawn = None

    def update(self, *_args: object) -> None:
        vb = self._plot.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        width, height = max(1, int(vb.width())), max(1, int(vb.height()))
        left, bottom = self._plot.getAxis("left"), self._plot.getAxis("bottom")
        values = [v for level, (_spacing, vs) in enumerate(left.tickValues(y0, y1, height)) if level <= 1 for v in vs]
        key = (x0, x1, width)
        if self._dates is not None and self._dates[0] == key:
            dates = self._dates[1]
        else:
            try:
                levels = bottom.tickValues(x0, x1, width)
            except AttributeError:  # DateAxisItem measures its font on first paint; the next range change draws these
                levels = []
            dates = list(levels[0][1]) if levels else []
            if levels:
                self._dates = (key, dates)
        drawn = (x0, x1, y0, y1, tuple(values), tuple(dates))
        if drawn == self._drawn:
            return
        self._drawn = drawn
        path = QPainterPath()
        for v in values:
            path.moveTo(x0, v)
            path.lineTo(x1, v)
        for v in dates:
            path.moveTo(v, y0)
            path.lineTo(v, y1)
        self.item.setPath(path)


_ids_of_objects = np.frompyfunc(id, 1, 1)


class PollScatter(FindsEveryPoint, _UpdatingPictureMember, pg.ScatterPlotItem):
    """A ScatterPlotItem whose points are styled as arrays, and whose points can be taken out by their data.

    pyqtgraph finds each point's picture in its symbol atlas by a key made per point in Python (symbol, size,
    pen, brush): for the hundreds of points a chart series hands over at each pan, edit or landing average, ten
    series at once, that was most of the GUI thread's busiest turns at 100,000 polls (benchmarks/_responsive.py
    --profile). Here the keys are made as one integer array (the size's bits and the ids of the symbol, pen and
    brush objects, exactly what the atlas's key stands for), the few distinct ones looked up in the atlas, and
    every point given its picture's place in one gather. The pictures are the atlas's own, so what is drawn,
    exported, hovered and clicked is unchanged.
    """

    data: Any  # pyqtgraph's record array of points (x, y, size, symbol, pen, brush, data, sourceRect, ...)
    PRINT_MARGIN = 48  # device pixels around the chart's area in a printed layer (more than any marker's half size)
    # While an export records the charts for a process of its own (ui.export._layered, _widget_layers): where this
    # item's paint hands its markers, as copies (ui.sketch.Markers) that draw them on another painter, instead of
    # drawing them
    defer_markers: Callable[[Markers], None] | None = None

    def paint(self, p: QPainter, option: Any, widget: QWidget | None = None) -> None:
        """pyqtgraph's paint; on a PDF page or an SVG (_PAGE_ENGINES: the briefing renders the chart widget) the points
        are drawn once into a picture at the page's own resolution, and that one picture is put on the page.

        pyqtgraph draws each marker as a fragment of its picture atlas: Qt's PDF writer stores every fragment as an
        image of its own (the briefing's chart at 3,000 polls held 5,083 images, 4 MB; at 100,000 polls its
        drawing took 475 ms of the window's thread). Drawn into an image in the page's device pixels, the points
        are the pixels the page would show; text, lines and bands stay vectors. Exports in pyqtgraph's export mode
        (plot_to_pdf and the SVG writer draw each marker as a path) and the screen are unchanged."""
        if self.defer_markers is not None and self.opts["pxMode"]:
            self.defer_markers(self._markers_drawn_later(p))
            return
        engine = p.paintEngine()
        if (
            self._exportOpts is not False
            or engine is None
            or engine.type() not in _PAGE_ENGINES
            or not self.opts["pxMode"]
            or len(self.data) == 0
        ):
            super().paint(p, option, widget)
            return
        transform = p.transform()
        vb = self.getViewBox()
        shown = self.viewRect() if vb is None else vb.viewRect()
        margin = self.PRINT_MARGIN
        area = transform.mapRect(shown).toAlignedRect().adjusted(-margin, -margin, margin, margin)
        if area.width() <= 0 or area.height() <= 0:
            return
        layer = QImage(area.width(), area.height(), QImage.Format.Format_ARGB32_Premultiplied)
        layer.fill(Qt.GlobalColor.transparent)
        painter = QPainter(layer)
        painter.setRenderHints(p.renderHints())
        painter.setTransform(transform * QTransform.fromTranslate(-area.x(), -area.y()))
        super().paint(painter, option, None)  # (no widget: the atlas keeps the screen's device pixel ratio)
        painter.end()
        p.save()
        p.resetTransform()
        p.drawImage(QPointF(area.topLeft()), layer)
        p.restore()

    def _markers_drawn_later(self, p: QPainter) -> Markers:
        """pyqtgraph's drawing of the markers in export mode (each one a path, at the export's resolution), taken
        apart: what it reads of this item and of the painter `p` (the points mapped to the device, their styles,
        the clip, opacity and hints) is read now, into copies (ui.sketch.Markers), which draw them on any painter of
        a picture of the same geometry, on any thread or in another process, as pyqtgraph would have on `p` (same
        calls, same order). Outside export mode (the briefing's page draws the chart widget) they are drawn into
        one picture at the page's resolution, put on the page, as paint() does there."""
        from pyqtgraph import functions as fn

        exporting = self._exportOpts is not False
        export = self._exportOpts or {}
        antialias, scale = export.get("antialias", True), export.get("resolutionScale", 1.0)
        mode = self.opts.get("compositionMode", None)
        shown = self._maskAt(self.viewRect())
        # (the device's transform: a widget's render onto a picture puts each child widget's offset there, not in
        # the painter's own transform)
        device = p.deviceTransform()
        pts = fn.transformCoordinates(device, np.vstack([self.data["x"], self.data["y"]]))
        pts = fn.clip_array(pts, -(2**30), 2**30)
        points = pts[:, shown].T.copy()
        symbols, sizes, pens, brushes = (
            np.asarray(column) for column in self._style(["symbol", "size", "pen", "brush"], idx=shown, scale=scale)
        )
        # Each distinct symbol, pen and brush once (by the object's id, as the atlas keys them; a few for
        # thousands of points), every point given its numbers in them: arrays, not a tuple per point
        tables: list[list[Any]] = []
        numbers: list[np.ndarray] = []
        for column, copy in ((symbols, None), (pens, QPen), (brushes, QBrush)):
            _ids, first, number = np.unique(
                _ids_of_objects(column).astype(np.int64), return_index=True, return_inverse=True
            )
            values = [column[i] for i in first.tolist()]
            tables.append(values if copy is None else [copy(v) for v in values])
            numbers.append(np.asarray(number).reshape(-1))
        # The clip as the scene set it: each clipping ancestor's shape (the chart's view box) under its own
        # transform to the device (QPainter gives its clip back only in this item's coordinates, which a date
        # axis in epoch seconds rounds to nothing)
        to_device = self.sceneTransform().inverted()[0] * device
        clips: list[tuple[QPainterPath, QTransform]] = []
        parent = self.parentItem()
        while parent is not None:
            if parent.flags() & QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape:
                clips.append((QPainterPath(parent.shape()), parent.sceneTransform() * to_device))
            parent = parent.parentItem()
        layer = None
        if not exporting:
            vb = self.getViewBox()
            layer = device.mapRect(self.viewRect() if vb is None else vb.viewRect())
        return Markers(
            points,
            np.asarray(sizes, dtype=np.float64),
            np.stack(numbers, axis=1) if len(points) else np.zeros((0, 3), dtype=np.int64),
            tables,
            clips,
            p.opacity(),
            p.renderHints(),
            mode,
            antialias,
            layer,
            self.PRINT_MARGIN,
        )

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Sequence[float] | None = None) -> Any:
        """pyqtgraph's bounds, except that the bounds of the points in a window (`orthoRange`: what a value axis
        fitted to the visible dates asks) are not kept as the item's own. pyqtgraph kept them, and its
        boundingRect (the bounds of every point) then changed with no prepareGeometryChange: the pixmap the points
        are cached in (DeviceCoordinateCache) was blitted at the new place, and a lead chart whose value axis had
        been fitted showed its markers points away from their values, cut in half or not at all."""
        if orthoRange is None:
            return super().dataBounds(ax, frac)
        kept = self.bounds[ax]
        try:
            return super().dataBounds(ax, frac, orthoRange)
        finally:
            self.bounds[ax] = kept

    def updateSpots(self, dataSet: Any = None) -> None:
        data: Any = self.data if dataSet is None else dataSet
        if not (self.opts["pxMode"] and self.opts["useCache"]):
            super().updateSpots(dataSet)
            return
        at = np.flatnonzero(data["sourceRect"]["w"] == 0)
        if len(at):
            symbol, size, pen, brush = self._style(["symbol", "size", "pen", "brush"], data=data, idx=at)
            size = np.asarray(size, dtype=float)
            # one small integer per distinct (symbol, size, pen, brush): each column's distinct values numbered,
            # the four numbers combined
            code = np.zeros(len(at), dtype=np.int64)
            for column in (
                _ids_of_objects(symbol).astype(np.int64),
                size.view(np.int64),
                _ids_of_objects(pen).astype(np.int64),
                _ids_of_objects(brush).astype(np.int64),
            ):
                values, number = np.unique(column, return_inverse=True)
                code = code * len(values) + number.reshape(-1)
            _codes, first, which = np.unique(code, return_index=True, return_inverse=True)
            places = self.fragmentAtlas[[(symbol[i], size[i], pen[i], brush[i]) for i in first.tolist()]]
            rects = np.array([tuple(place) for place in places], dtype=data["sourceRect"].dtype)
            data["sourceRect"][at] = rects[which.reshape(-1)]
            self._maybeRebuildAtlas()
        self._updateMaxSpotSizes(data=data)
        if len(at):
            self.invalidate()

    def set_points(
        self,
        x: np.ndarray,
        y: np.ndarray,
        size: np.ndarray | None,
        symbol: np.ndarray | None,
        data: np.ndarray | None,
    ) -> None:
        """setData(x=, y=, size=, symbol=, data=) for arrays (symbol: an object array of symbol names; None: the
        item's own size or symbol), written into the item's record array at once rather than through
        addPoints' per-argument handling."""
        points: Any = np.empty(len(x), dtype=self.data.dtype)
        points["x"], points["y"] = x, y
        points["size"] = -1 if size is None else size
        points["symbol"] = None if symbol is None else symbol
        points["visible"] = True
        points["data"] = None if data is None else data
        points["hovered"] = False
        points["sourceRect"] = 0
        self.data["item"][...] = None
        self.data = points
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.bounds = [None, None]
        self.invalidate()
        self.updateSpots(points)
        self.sigPlotChanged.emit(self)

    def show_records(self, records: Any) -> None:
        """Show points styled before (a copy of this item's record array, their pictures' places in the atlas as
        they were: the caller checks the atlas was not rebuilt since), as set_points would show them."""
        self.data["item"][...] = None
        self.data = records.copy()
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.bounds = [None, None]
        self.invalidate()
        self._updateMaxSpotSizes(data=self.data)
        self.sigPlotChanged.emit(self)

    def warm(
        self,
        styles: Sequence[tuple[str, float]],
        deadline: float,
        into: Any = None,
        pens: tuple[QPen, QBrush] | None = None,
    ) -> int:
        """Draw the marker pictures of these (symbol, size) pairs into the atlas (`into`: another one, a theme's kept
        apart: PointLayer.use_atlas), in the item's pen and brush (`pens`: others), until `deadline` (perf_counter),
        one batch at least; returns how many were done. Pictures already there cost a look-up."""
        pen, brush = pens if pens is not None else (self.opts["pen"], self.opts["brush"])
        atlas = self.fragmentAtlas if into is None else into
        done = 0
        while done < len(styles) and (done == 0 or time.perf_counter() <= deadline):
            # a few at a time: each new batch grows (copies) the atlas's image once, not once per picture
            batch = styles[done : done + 16]
            atlas[[(symbol, size, pen, brush) for symbol, size in batch]]
            done += len(batch)
        return done

    def remove_data(self, drop: np.ndarray) -> bool:
        """Take out the points whose data is in `drop` (poll ids); the others keep their pictures. Returns whether
        any was taken out."""
        if len(self.data) == 0 or len(drop) == 0:
            return False
        held: Any = self.data["data"]
        gone = np.zeros(len(held), dtype=bool)
        for value in np.asarray(drop).tolist():
            gone |= np.equal(held, value).astype(bool)
        if not gone.any():
            return False
        self.data["item"][...] = None  # as addPoints does: SpotItems refer to rows by place
        self.data = self.data[~gone]
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.bounds = [None, None]
        self.invalidate()
        self.sigPlotChanged.emit(self)
        return True


_PAGE_ENGINES = (QPaintEngine.Type.Pdf, QPaintEngine.Type.SVG, QPaintEngine.Type.Picture)
"""The paint devices PollScatter draws its points on as one picture: a PDF (the briefing, a chart's PDF, a printer),
Qt's SVG generator (a view saved as SVG) and a QPicture (an export's recording for a process of its own,
ui.export._widget_picture), which store every marker pyqtgraph draws from its atlas as an image of its own (a
QPicture the whole atlas for each marker: seconds a chart at 100,000 polls). The screen and a PNG get pyqtgraph's
own drawing."""

_PointArrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""What _Series.set_points takes: days, values, marker sizes, symbols (indexes into SYMBOLS) and poll ids."""


class _KeptAtlas(NamedTuple):
    """A theme's marker pictures kept apart (PointLayer.use_atlas), with what is known drawn in it: the ids of the pen
    and brush, the (symbol, size) pairs drawn in them, and the atlas's size then (fewer now: it was rebuilt)."""

    atlas: Any  # pyqtgraph's SymbolAtlas
    pens: tuple[int, int]
    done: set[tuple[str, float]]
    size: int


class PointLayer:
    """Poll points that stay fast with 100,000 of them: only the points inside the visible x-range are
    handed to the scatter item, thinned to at most MAX_VISIBLE by an even stride (a 1600-pixel chart
    cannot show many more distinct points than that). Full data stays available through get_data()."""

    MAX_VISIBLE = 500
    FEW_NEW = 8  # new points (a poll added) handed to the scatter item as they are (_hand_over)
    DETAIL_LIMIT = 600
    OVERSCAN = 0.5  # of the visible width, handed over on either side

    def __init__(self, plot: pg.PlotItem, **opts: object) -> None:
        self.item = PollScatter(**opts)
        plot.addItem(self.item)
        self._vb = plot.getViewBox()
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._size: np.ndarray | None = None
        self._symbol: np.ndarray | None = None
        self._data: np.ndarray | None = None
        self._columns = SortedColumns()  # what the five above are views of (edited in place: chart_decimate)
        self._shown: tuple[int, int, int] = (0, 0, 1)
        self._covered: tuple[float, float, int] = (0.0, 0.0, 1)  # x-range and stride of the points handed over
        self._on_screen = 0  # of those, about how many are in the visible range
        self._held = False  # hold(): new data and ranges wait for release()
        self._stale = False
        self._warm_pens: tuple[int, int] = (0, 0)  # ids of the pen and brush the pictures in _warm_done were drawn in
        self._warm_done: set[tuple[str, float]] = set()
        self._warm_atlas = 0  # pictures in the atlas after the last warm (fewer now: it was rebuilt or cleared)
        # Each theme's marker pictures in an atlas of their own (use_atlas): the one in use is the item's; the others
        # are kept here with their warm state, by theme (theme_key), so a theme coming back finds its pictures drawn
        self._atlas_key: object = None
        self._atlases: dict[object, _KeptAtlas] = {}
        self._vb.sigXRangeChanged.connect(self._on_x_range_changed)
        self.item.finder = self._find  # hover and click find every poll, drawn or not (chart_decimate)

    def _find(self, x: float, y: float, px: float, py: float) -> list[FoundSpot] | None:
        """The points under (x, y) among all of the layer's points, topmost first; None when every point in the
        range handed over is drawn (the scatter item's own look-up is complete)."""
        if self._shown[2] == 1:
            return None
        detailed = self._on_screen <= self.DETAIL_LIMIT and self._size is not None
        size: np.ndarray | float = self._size if detailed and self._size is not None else float(self.item.opts["size"])
        hits = points_under(self._x, self._y, size, (x, y), (px, py), float(np.max(size, initial=0.0)))[::-1]
        data = self._data
        return [
            FoundSpot(float(self._x[i]), float(self._y[i]), None if data is None else data[i]) for i in hits.tolist()
        ]

    def hold(self) -> None:
        """Hand nothing to the scatter item until release(): an average landing sets every series' points and
        then moves the view (the final weeks), and each step re-handed the points, three times per series."""
        self._held = True

    def release(self) -> None:
        """Hand the points over once, for the view as it now is (if anything changed while held)."""
        self._held = False
        if self._stale:
            self._stale = False
            self._refresh()

    def prepare_edits(self) -> None:
        """Make the columns editable in place now (an idle turn), not in the next added poll's turn. A series
        with no points yet (a contest just opened or edited, its average not landed) has nothing to prepare."""
        if self._columns.column("x") is None:
            return
        self._columns.own()
        self._sync()

    def picture_styles(self) -> list[tuple[str, float]]:
        """The distinct (symbol, size) pairs of the layer's points: the marker pictures its scatter item may be
        asked for as the view pans (one array pass; pairs of sizes within an eighth of a pixel count once)."""
        if self._symbol is None or self._size is None or not len(self._x):
            return []
        codes = self._symbol.astype(np.int64) * 4096 + np.clip(np.round(self._size * 8), 0, 4095).astype(np.int64)
        first = np.full(len(SYMBOLS) * 4096, -1, dtype=np.int64)
        first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the first point with each pair
        return [(SYMBOLS[int(self._symbol[i])], float(self._size[i])) for i in first[first >= 0].tolist()]

    def styles_to_warm(self) -> list[tuple[str, float]]:
        """picture_styles() less those warmed already in the item's present pen and brush (an added poll usually
        brings none: its picture is drawn already, and looking every style up again in the atlas after each add took
        a few milliseconds per series)."""
        pens = (id(self.item.opts["pen"]), id(self.item.opts["brush"]))
        if pens != self._warm_pens or len(self.item.fragmentAtlas) < self._warm_atlas:  # new pens, or atlas rebuilt
            self._warm_pens, self._warm_done = pens, set()
        return [style for style in self.picture_styles() if style not in self._warm_done]

    def cold(self) -> bool:
        """No marker picture is known drawn for the item's present pen and brush (a contest's first landing, a new
        theme): its points would have every picture drawn as they are handed over."""
        pens = (id(self.item.opts["pen"]), id(self.item.opts["brush"]))
        return not self._warm_done or pens != self._warm_pens or len(self.item.fragmentAtlas) < self._warm_atlas

    def warmed(self, styles: Sequence[tuple[str, float]]) -> None:
        """These styles' pictures are in the item's atlas (item.warm drew them)."""
        self._warm_done.update(styles)
        self._warm_atlas = len(self.item.fragmentAtlas)

    def use_atlas(self, key: object, *, look_up: bool = True) -> bool:
        """The scatter item's marker pictures from the atlas kept for theme `key` (theme_key), the one it had kept for
        its own theme: a theme's pictures (its marker sizes, the lead charts' pens) are drawn once and found again
        when it comes back (meeting mode in and out drew 1,400 pictures each way at 100,000 polls, most of the
        turn). The points' places in it are looked up (no picture drawn that the atlas has; `look_up` False: left to
        the caller, who hands the points over again or calls item.updateSpots); returns whether the atlas changed."""
        if key == self._atlas_key:
            return False
        item = self.item
        if self._atlas_key is None:  # (a new layer: its atlas is its first theme's)
            self._atlas_key = key
            return False
        self._atlases[self._atlas_key] = _KeptAtlas(
            item.fragmentAtlas, self._warm_pens, self._warm_done, self._warm_atlas
        )
        kept = self._atlases.pop(key, None) or self._new_atlas()
        item.fragmentAtlas = kept.atlas
        self._warm_pens, self._warm_done, self._warm_atlas = kept.pens, kept.done, kept.size
        self._atlas_key = key
        if len(item.data):
            item.data["sourceRect"] = 0
            if look_up:
                item.updateSpots()
        return True

    def rescale_sizes(self, old: float, new: float) -> None:
        """The points' marker sizes from a theme's scale `old` to `new` (Theme.marker_scale): each size that is a half
        pixel (point_size) times `old` becomes that half pixel times `new`, as show_data would make it; any other
        (a default) stays. The points handed over to the scatter item take their new sizes in place, their pictures
        to be found by the caller (item.updateSpots, after its atlas and pens are the theme's): a theme change
        handed every series' points over again (apply_theme's show_data, 50-55 ms of leaving meeting mode at
        100,000 polls). Points handed over otherwise than this layer's columns say are handed over again."""
        size = self._size
        if size is None or not len(self._x) or old == new:
            return
        item = self.item
        index = slice(None) if len(self._x) <= self.MAX_VISIBLE else slice(*self._shown)
        handed = item.data["size"]
        # (compared before the column changes: an owned column is written in place, `size` a view of it)
        in_place = len(handed) == len(size[index])
        in_place = in_place and (not (handed >= 0).any() or np.array_equal(handed, size[index]))
        base = np.round(size / old * 2.0) / 2.0
        sizes = np.where(base * old == size, base * new, size)
        self._columns.put("size", sizes)
        self._sync()
        if self._stale:
            return  # (held, its points to be handed over on release: they take the new sizes then)
        if not in_place:
            self._refresh()  # (held: on release)
        elif (handed >= 0).any():  # (a dense view hands no sizes over: the item's own size is drawn)
            item.prepareGeometryChange()
            handed[...] = sizes[index]
            item.data["sourceRect"] = 0
            item.bounds = [None, None]
            item.informViewBoundsChanged()  # (a marker's size is part of the bounds the value axes are fitted to)

    def warm_for(self, key: object, pens: tuple[QPen, QBrush], scale: float, deadline: float) -> bool:
        """Draw ahead, until `deadline`, the pictures this layer's points need in the atlas kept for theme `key`
        (its points' sizes times `scale`, in `pens`), without using it; True when all are drawn."""
        if key == self._atlas_key:
            return True
        kept = self._atlases.get(key)
        if kept is None:
            kept = self._atlases[key] = self._new_atlas()
        ids = (id(pens[0]), id(pens[1]))
        if ids != kept.pens or len(kept.atlas) < kept.size:
            kept = self._atlases[key] = _KeptAtlas(kept.atlas, ids, set(), len(kept.atlas))
        styles = [(symbol, size * scale) for symbol, size in self.picture_styles()]
        styles = [style for style in styles if style not in kept.done]
        done = self.item.warm(styles, deadline, into=kept.atlas, pens=pens) if styles else 0
        kept.done.update(styles[:done])
        self._atlases[key] = kept._replace(size=len(kept.atlas))
        return done >= len(styles)

    def _new_atlas(self) -> _KeptAtlas:
        from pyqtgraph.graphicsItems.ScatterPlotItem import SymbolAtlas

        atlas = SymbolAtlas()
        atlas.setDevicePixelRatio(self.item.fragmentAtlas.devicePixelRatio())
        return _KeptAtlas(atlas, (0, 0), set(), 0)

    @property
    def held(self) -> bool:
        """Handing nothing to the scatter item until release()."""
        return self._held

    @property
    def stale(self) -> bool:
        """Held, with points or a view the scatter item does not have yet."""
        return self._held and self._stale

    def setData(
        self,
        x: Sequence[float] | np.ndarray,
        y: Sequence[float] | np.ndarray,
        size: np.ndarray | None = None,
        symbol: Sequence[int] | np.ndarray | None = None,  # indexes into SYMBOLS
        data: np.ndarray | None = None,
        presorted: bool = False,
    ) -> None:
        x = np.asarray(x, dtype=float)
        order: slice | np.ndarray = slice(None) if presorted else np.argsort(x, kind="stable")
        self._set_columns(
            x[order],
            np.asarray(y, dtype=float)[order],
            None if size is None else np.asarray(size)[order],
            None if symbol is None else np.asarray(symbol, dtype=np.int8)[order],  # indexes into SYMBOLS
            None if data is None else np.asarray(data)[order],
        )
        self._refresh()

    def _set_columns(
        self, x: np.ndarray, y: np.ndarray, size: np.ndarray | None, symbol: np.ndarray | None, data: np.ndarray | None
    ) -> None:
        self._columns.adopt({"x": x, "y": y, "size": size, "symbol": symbol, "data": data})
        self._x, self._y, self._size, self._symbol, self._data = x, y, size, symbol, data

    def _sync(self) -> None:
        """The five columns again as views of the edited ones."""
        c = self._columns
        x, y = c.column("x"), c.column("y")
        assert x is not None and y is not None
        self._x, self._y = x, y
        self._size, self._symbol, self._data = c.column("size"), c.column("symbol"), c.column("data")

    def get_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        return self._x, self._y, self._data

    def detach(self) -> None:
        """Stop following the view's range (the layer's item is being removed)."""
        self._vb.sigXRangeChanged.disconnect(self._on_x_range_changed)

    def same_as(self, x: np.ndarray, y: np.ndarray, size: np.ndarray, symbol: np.ndarray, data: np.ndarray) -> bool:
        """True when setData(x, y, size, symbol, data, presorted=True) would change nothing (array comparisons)."""
        return (
            len(x) == len(self._x)
            and np.array_equal(x, self._x)
            and np.array_equal(y, self._y, equal_nan=True)
            and self._data is not None
            and np.array_equal(data, self._data)
            and self._size is not None
            and np.array_equal(size, self._size)
            and self._symbol is not None
            and np.array_equal(symbol, self._symbol)
        )

    def edit(
        self,
        drop: np.ndarray,
        x: np.ndarray,
        y: np.ndarray,
        size: np.ndarray,
        symbol: np.ndarray,
        data: np.ndarray,
        drop_x: np.ndarray | None = None,
    ) -> None:
        """Take out the points whose data (poll id) is in `drop` and put in new ones at their place in (x, id)
        order: what one added, edited or deleted poll changes, without sorting the others again. Only for a layer
        fed with sizes, symbols and integer data (the charts' series, whose points are in that order). `drop_x`:
        the dropped polls' x, where known (NaN: not), so that their points are looked for there alone."""
        changed = len(x) > 0
        if len(drop) and self._data is not None and len(self._x):
            if len(drop) <= 8:  # an edit or a delete: a comparison per poll beats isin's sort of 100,000 ids
                gone = np.concatenate([self._places_of(int(i), drop_x, k) for k, i in enumerate(drop.tolist())])
            else:
                gone = np.flatnonzero(np.isin(self._data, drop))
            if len(gone):  # the few places taken out, the points after them moved down in place
                changed = True
                self._columns.delete(gone)
                self._sync()
        if len(x):
            order = np.lexsort((data, x))
            x, y, size, symbol, data = x[order], y[order], size[order], symbol[order], data[order]
            if len(self._x) == 0:
                self._set_columns(x, y, size, symbol, data)
            elif len(x) > 64 or self._data is None or self._size is None or self._symbol is None:
                # many new points (an import): all of them in order again, in one vectorised sort
                data = np.concatenate([np.empty(0, dtype=np.int64) if self._data is None else self._data, data])
                x = np.concatenate([self._x, x])
                order = np.lexsort((data, x))
                self._set_columns(
                    x[order],
                    np.concatenate([self._y, y])[order],
                    None if self._size is None else np.concatenate([self._size, size])[order],
                    None if self._symbol is None else np.concatenate([self._symbol, symbol])[order],
                    data[order],
                )
            else:
                ids = self._data
                lo, hi = np.searchsorted(self._x, x, side="left"), np.searchsorted(self._x, x, side="right")
                # among points at the same x, by id (few new points: a loop over them is cheapest)
                at = np.asarray([a + int(np.searchsorted(ids[a:b], d)) for a, b, d in zip(lo, hi, data, strict=True)])
                # moved up in place (the latest poll, the usual new one, goes at the end: nothing moves)
                self._columns.insert(at, {"x": x, "y": y, "size": size, "symbol": symbol, "data": data})
                self._sync()
        if not changed:  # a series the poll has no figure for is left alone
            return
        if len(drop) <= self.FEW_NEW and len(x) <= self.FEW_NEW and len(self.item.data) > 0 and not self._held:
            # an added, edited or deleted poll: its points taken out of the scatter item and put in as they are,
            # the others left with their pictures (re-handing the range restyled each of its points, ten series
            # at once, on every edit and delete)
            self.item.remove_data(drop)
            if len(x):
                self._hand_over(x, y, size, symbol, data)
        else:
            self._refresh()

    def _places_of(self, poll_id: int, drop_x: np.ndarray | None, k: int) -> np.ndarray:
        """The places of a poll's points: among those at its x when it is known (a bisection), else among all."""
        assert self._data is not None
        if drop_x is not None and k < len(drop_x) and not np.isnan(drop_x[k]):
            lo = int(np.searchsorted(self._x, drop_x[k], side="left"))
            hi = int(np.searchsorted(self._x, drop_x[k], side="right"))
            found = np.flatnonzero(self._data[lo:hi] == poll_id) + lo
            if len(found):
                return found
        return np.flatnonzero(self._data == poll_id)  # (none there: a poll this series has no point for)

    def _hand_over(self, x: np.ndarray, y: np.ndarray, size: np.ndarray, symbol: np.ndarray, data: np.ndarray) -> None:
        """Give the scatter item a few new points as they are (ScatterPlotItem.addPoints styles only those),
        not every point of the range again: re-handing the range restyled each of its hundreds of points in
        Python, most of a new poll's frame (10,000 polls: 8 series, 8 ms quiet, 40 ms under load). Points
        outside the range handed over are not drawn until the view gets there (then the range is re-sliced)."""
        c0, c1, _stride = self._covered
        inside = (x >= c0) & (x <= c1)
        if not inside.any():
            return
        kw: dict[str, object] = {"x": x[inside], "y": y[inside]}
        detailed = self._on_screen <= self.DETAIL_LIMIT  # as the points already there were given
        if self._size is not None and detailed:
            kw["size"] = size[inside]
        if self._symbol is not None and detailed:
            kw["symbol"] = _SYMBOL_NAMES[symbol[inside]].tolist()
        if self._data is not None:
            kw["data"] = data[inside]
        self.item.addPoints(**kw)

    def _on_x_range_changed(self, *_args: object) -> None:
        if len(self._x) > self.MAX_VISIBLE and not self._covers():
            self._refresh()  # only when the view left the points handed over: autorange echoes are free

    def _covers(self) -> bool:
        """The points handed over still cover the visible range, at the density it needs."""
        lo, hi = self._vb.viewRange()[0]
        c0, c1, stride = self._covered
        if lo < c0 or hi > c1:
            return False
        v0, v1 = np.searchsorted(self._x, [lo, hi])
        return self._stride(int(v1) - int(v0)) == stride

    def _stride(self, visible: int) -> int:
        return max(1, int(np.ceil((visible + 2) / self.MAX_VISIBLE)))

    def _window(self) -> tuple[int, int, int]:
        """The slice of points to hand over: the visible range and half its width either side (so that panning
        re-slices every few steps, not at each), every stride-th point, the stride fixed by the visible range
        (at most MAX_VISIBLE on screen) and the start a multiple of it (the same points stay on screen as the
        view pans)."""
        window, self._covered, self._on_screen = self._window_for_view()
        return window

    def _window_for_view(self) -> tuple[tuple[int, int, int], tuple[float, float, int], int]:
        """_window's slice for the view as it is, the x-range and stride it covers and about how many of its points
        are on screen, with nothing kept (what a value fit asks of a layer that holds new points)."""
        n = len(self._x)
        if n <= self.MAX_VISIBLE:
            return (0, n, 1), (-math.inf, math.inf, 1), n
        lo, hi = self._vb.viewRange()[0]
        margin = self.OVERSCAN * (hi - lo)
        v0, v1, i0, i1 = np.searchsorted(self._x, [lo, hi, lo - margin, hi + margin])
        stride = self._stride(int(v1) - int(v0))
        on_screen = (int(v1) - int(v0) + 2) // stride
        i0 = max(0, int(i0) - 1) // stride * stride
        return (i0, min(n, int(i1) + 1), stride), (lo - margin, hi + margin, stride), on_screen

    def pending_padding(self, on_screen: int, window: tuple[int, int, int]) -> float:
        """The pixel padding pyqtgraph will give the scatter item's points once the held ones are handed over
        (ScatterPlotItem.pixelPadding: its atlas' widest marker picture, which they may widen), at least its
        present one: the pictures for the window's points, and for every point's size when the layer is cold
        (its pictures are drawn before the points are handed over: ChartPanel._warm_before_release)."""
        item = self.item
        atlas = item.fragmentAtlas
        pen_px = max(math.ceil(item.opts["pen"].widthF()), 1)
        dpr = float(atlas._dpr) or 1.0
        i0, i1, stride = window
        sizes = [float(item.opts["size"])]
        if self._size is not None and on_screen <= self.DETAIL_LIMIT and i1 > i0:
            sizes = [float(np.max(self._size[i0:i1:stride]))]
        if self._size is not None and len(self._size) and self.cold():
            sizes.append(float(np.max(self._size)))
        widest = max(math.ceil(dpr * (size + pen_px)) / dpr for size in sizes)
        return max(float(item.pixelPadding()), float(max(atlas.maxWidth, widest)) * 0.7072)

    def _refresh(self) -> None:
        if self._held:
            self._stale = True
            return
        n = len(self._x)
        self._shown = self._window()
        if n == 0:
            self.item.every_point = None
            self.item.setData([], [])
            return
        index: slice | np.ndarray = slice(None)
        if n > self.MAX_VISIBLE:
            index = np.arange(*self._shown)
        # Per-point symbols and sizes cost a cache key per spot; past DETAIL_LIMIT points on screen nobody can
        # tell pollsters' symbols apart anyway, so a dense view draws plain markers and stays fast.
        detailed = self._on_screen <= self.DETAIL_LIMIT
        # thinned: the scatter item's rectangle holds every point handed over, drawn or not (hover and click)
        i0, i1, stride = self._shown
        ys = self._y[i0:i1]
        self.item.every_point = (
            QRectF(
                float(self._x[i0]),
                float(np.nanmin(ys)),
                float(self._x[i1 - 1] - self._x[i0]),
                float(np.ptp(ys[~np.isnan(ys)])),
            )
            if stride > 1 and i1 > i0 and not np.isnan(ys).all()
            else None
        )
        self.item.set_points(
            self._x[index],
            self._y[index],
            self._size[index] if self._size is not None and detailed else None,
            _SYMBOL_NAMES[self._symbol[index]] if self._symbol is not None and detailed else None,
            self._data[index] if self._data is not None else None,
        )


def _point_style(col: QColor) -> tuple[QPen, QBrush]:
    """A series' poll points in its colour: the edge, and the fill a little lighter."""
    return pg.mkPen(col, width=1.5), pg.mkBrush(col.lighter(115))


def _band_brush(col: QColor, theme: Theme) -> QBrush:
    """A series' poll-average band: its colour at the theme's band opacity."""
    band = QColor(col)
    band.setAlpha(theme.band_alpha)
    return pg.mkBrush(band)


_LEAD_POINT_STYLES: dict[str, tuple[QPen, QBrush]] = {}


def _lead_point_style(colour: str) -> tuple[QPen, QBrush]:
    """The lead charts' poll points in a theme's foreground: edge and fill, made once per colour. The very objects
    each time the theme comes back, so the pictures drawn in them are found again (pyqtgraph's atlas knows a
    picture by its pen's and brush's identity: new ones each time drew every picture again)."""
    style = _LEAD_POINT_STYLES.get(colour)
    if style is None:
        style = _LEAD_POINT_STYLES[colour] = (pg.mkPen(QColor(colour), width=1.5), pg.mkBrush(QColor(colour)))
    return style


def theme_key(theme: Theme) -> tuple[str, float]:
    """What a theme changes in the poll points' pictures: the lead charts' colour and the markers' scale (a theme's
    atlas of pictures is kept by it: PointLayer.use_atlas)."""
    return theme.foreground, theme.marker_scale


def add_points_item(plot: pg.PlotItem, colour: str) -> PointLayer:
    """The poll-point layer the charts use (also what the benchmark measures)."""
    pen, brush = _point_style(QColor(colour))
    return PointLayer(plot, pen=pen, brush=brush, size=7)


def _band_path(x: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> QPainterPath:
    """One filled polygon: the upper edge out, the lower edge back."""
    return pg.arrayToQPath(np.concatenate([x, x[::-1]]), np.concatenate([upper, lower[::-1]]))


class _Series:
    """An average line, its band, and its poll points: created once, fed with setData."""

    def __init__(self, plot: pg.PlotItem, colour: str, name: str, theme: Theme, *, hollow: bool = False) -> None:
        col = QColor(colour)
        # The band is one filled polygon (upper edge out, lower edge back), rebuilt in one call per update;
        # FillBetweenItem would rebuild it twice (once per edge) on every change.
        self.lower = np.empty(0)
        self.upper = np.empty(0)
        self.band = _BandItem()
        self.band.setBrush(_band_brush(col, theme))
        self.band.setPen(pg.mkPen(None))
        # The forecast band (where the result may land) behind the poll-average band (where the polls stand):
        # fainter fill, dashed edges, so the two are never taken for one another.
        self.forecast = _BandItem()
        self.forecast.setZValue(-1)
        self.style_forecast(col, theme)
        self.line = ScreenCurve(pen=pg.mkPen(col, width=theme.line_width), name=name)
        self.line.setZValue(10)
        # The forecast band does not set the view's range: the polls and their average do (it may run off the
        # edge, which reads as "wider than this").
        plot.addItem(self.forecast, ignoreBounds=True)
        for item in (self.band, self.line):
            plot.addItem(item)
        pen, brush = _point_style(col)
        self.layer = PointLayer(
            plot,
            pen=pen,
            brush=pg.mkBrush(None) if hollow else brush,
            hoverable=True,
            hoverPen=pg.mkPen(theme.foreground, width=2),
            tip=None,
        )
        self.points = self.layer.item
        self.points.setZValue(5)
        # The line and the points are kept as pixmaps between repaints (redrawn when their data or the view
        # changes): a new poll changes one series' points, and a repaint that blits the rest instead of stroking
        # antialiased lines and placing hundreds of markers again took a 10,000-poll window's charts from 18-19
        # to 6-7 ms (benchmarks/bench_scale.py). Exports paint afresh (export.uncached), so vectors stay vectors.
        self.line.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.points.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.poll_ids = np.empty(0, dtype=np.int64)
        # a two-round contest's question points as shown, per kept arrays object (show_kept_points)
        self._kept_points: dict[int, tuple[_PointArrays, tuple[object, ...], Any, object]] = {}
        # the whole average and forecast band; the items get the visible part (show_range)
        self.x = self.mean = np.empty(0)
        self._forecast_x = self._forecast_lower = self._forecast_upper = np.empty(0)
        self._shown_average: tuple[int, int] | None = None
        self._shown_forecast: tuple[int, int] | None = None
        self._cover: tuple[float, float] | None = None  # the x-range the line and bands were sliced to
        self._grid: tuple[float, float, float, float] | None = None  # the pixel grid they were thinned to (None: not)
        self._vb = plot.getViewBox()
        self._vb.sigXRangeChanged.connect(self.show_range)
        self._vb.sigResized.connect(self.show_range)  # a thinned line and band are drawn for the width in pixels

    def set_average(self, series: AverageSeries | None) -> None:
        if series is None or series.empty:
            self.x = self.mean = self.lower = self.upper = np.empty(0)
        else:
            self.x, self.mean = day_to_epoch(series.days), np.asarray(series.mean, dtype=float)
            self.lower, self.upper = series.lower, series.upper
        self._shown_average = None
        self.show_range()

    def clear(self) -> None:
        """No points, no average and no forecast band: the series as made, for another contest's candidate (the
        items kept: ChartPanel.set_contest)."""
        empty = np.empty(0)
        self.layer._held = self.layer._stale = False  # (a hold of the race left does not hold this one's points)
        self.set_points_x(empty, empty, empty, np.empty(0, dtype=np.int8), np.empty(0, dtype=np.int64))
        self.forget_kept_points()
        self.set_forecast(None, None, None)
        self.set_average(None)
        for item in (self.line, self.points):  # (a two-round contest's painted afresh: ChartPanel._paint_uncached)
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def detach(self) -> None:
        """Take the series' items off their chart (another contest is opened)."""
        self._vb.sigXRangeChanged.disconnect(self.show_range)
        self._vb.sigResized.disconnect(self.show_range)
        self.layer.detach()
        for item in (self.band, self.forecast, self.points, self.line):
            if item.scene() is not None:
                item.scene().removeItem(item)

    def value_bounds(
        self, x_range: Sequence[float]
    ) -> Iterator[tuple[QGraphicsItem, tuple[float, float, float] | None]]:
        """Each of the series' band, line and points with its y bounds over the dates in `x_range` and its padding in
        pixels, as pyqtgraph's fit would ask them of the items, measured on the arrays they were handed: the band's
        polygon (its rectangle, kept by Qt), the line's points, and the points the layer hands its scatter item
        for the view as it is, even while it holds them (PointLayer.hold): the fit is final before they are
        handed over."""
        rect = self.band.boundingRect()  # (an empty band's is at 0: pyqtgraph counts it there too)
        yield self.band, (rect.top(), rect.bottom(), 0.0)
        line = self.line
        span = None
        if line.xData is not None and line.yData is not None:
            span = _y_span(line.xData, line.yData, x_range)
        yield line, (None if span is None else (*span, float(line.pixelPadding())))
        layer, item = self.layer, self.points
        if layer.stale:  # held with new points (or a new view): those it will hand over
            (i0, i1, stride), _covered, on_screen = layer._window_for_view()
            xs, ys = layer._x[i0:i1:stride], layer._y[i0:i1:stride]
            pad = layer.pending_padding(on_screen, (i0, i1, stride))
        else:  # the points the item holds, as pyqtgraph reads them
            xs, ys, pad = item.data["x"], item.data["y"], float(item.pixelPadding())
        span = _y_span(xs, ys, x_range)
        if span is not None:
            spot = item._maxSpotWidth * 0.7072
            span = (span[0] - spot, span[1] + spot)
        yield item, (None if span is None else (*span, pad))

    def x_bounds(self) -> tuple[float, float] | None:
        """The first and last x of the line and the points (None: neither has any)."""
        ends = [(float(a[0]), float(a[-1])) for a in (self.x, self.layer.get_data()[0]) if len(a)]
        return (min(e[0] for e in ends), max(e[1] for e in ends)) if ends else None

    def show_range(self, *_args: object) -> None:
        """Hand the line and the two bands only the days in the visible x-range and half its width either side
        (one more day at each end): a pan re-slices them only once the view leaves that stretch.

        A campaign's daily grid has hundreds of days and the default view shows six weeks of it: drawing just
        those keeps the repaint after a new poll inside one frame, whatever the length of the campaign."""
        lo, hi = self._vb.viewRange()[0]
        cover = self._cover
        if (
            cover is not None
            and cover[0] <= lo
            and hi <= cover[1]
            and self._shown_average is not None
            and self._shown_forecast is not None
            and (self._grid is None or self._grid == self._pixel_grid())
        ):
            return  # what the items hold still spans the view (at the pixel grid it was thinned to, if it was)
        margin = PointLayer.OVERSCAN * (hi - lo)
        self._cover = (lo - margin, hi + margin)
        x = self.x
        if len(x) == 0:
            if self._shown_average != (0, 0):
                self.band.setPath(QPainterPath())
                self.line.setData([], [])
                self._shown_average = (0, 0)
                self._grid = None
        else:
            i0, i1 = self._visible(x)
            grid = self._pixel_grid() if i1 - i0 > self._vb.width() else None  # more days than pixels: thinned
            if (i0, i1) != self._shown_average or grid != self._grid:
                self._shown_average, self._grid = (i0, i1), grid
                xs, mean, upper, lower = x[i0:i1], self.mean[i0:i1], self.upper[i0:i1], self.lower[i0:i1]
                band = band_samples(xs, upper, lower, *grid) if grid is not None else None
                self.band.setPath(_band_path(*band) if band is not None else _band_path(xs, upper, lower))
                keep = line_indices(xs, mean, *grid) if grid is not None else None
                self.line.setData(xs, mean) if keep is None else self.line.setData(xs[keep], mean[keep])
        fx = self._forecast_x
        if len(fx) == 0:
            if self._shown_forecast != (0, 0):
                self.forecast.setPath(QPainterPath())
                self._shown_forecast = (0, 0)
        else:
            j0, j1 = self._visible(fx)
            if (j0, j1) != self._shown_forecast:
                self._shown_forecast = (j0, j1)
                self.forecast.setPath(_band_path(fx[j0:j1], self._forecast_upper[j0:j1], self._forecast_lower[j0:j1]))

    def _pixel_grid(self) -> tuple[float, float, float, float]:
        """The view's x-range, its width in device pixels and where its left edge falls in device pixels (the
        pixel columns a thinned line and band are drawn for: chart_decimate)."""
        lo, hi = self._vb.viewRange()[0]
        left, right = self._vb.mapViewToDevice(QPointF(lo, 0.0)), self._vb.mapViewToDevice(QPointF(hi, 0.0))
        if left is None or right is None or not right.x() > left.x():
            return lo, hi, float(self._vb.width()), 0.0
        return lo, hi, right.x() - left.x(), left.x()

    def _visible(self, x: np.ndarray) -> tuple[int, int]:
        assert self._cover is not None
        i0, i1 = np.searchsorted(x, self._cover)
        return max(0, int(i0) - 1), min(len(x), int(i1) + 1)

    def recolour(self, colour: str, theme: Theme) -> None:
        """The series in another colour on the items it has: line, band, forecast band and points restyled, their
        data kept (the points' pictures looked up once per distinct style: PollScatter.updateSpots)."""
        col = QColor(colour)
        self.band.setBrush(_band_brush(col, theme))
        self.style_forecast(col, theme)
        self.line.setPen(pg.mkPen(col, width=theme.line_width))
        pen, brush = _point_style(col)
        self.points.setPen(pen, update=False)
        self.points.setBrush(brush)  # (every point's picture found again, in one pass)
        self.forget_kept_points()

    def style_forecast(self, colour: QColor | str, theme: Theme) -> None:
        """Fill and edge of the forecast band in this theme."""
        fill = QColor(colour)
        fill.setAlpha(max(12, theme.band_alpha // 3))
        self.forecast.setBrush(pg.mkBrush(fill))
        edge = QColor(colour)
        edge.setAlpha(160)
        pen = pg.mkPen(edge, width=1, style=Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.forecast.setPen(pen)

    def set_forecast(self, days: np.ndarray | None, lower: np.ndarray | None, upper: np.ndarray | None) -> None:
        """The forecast band on the average's grid (None: none)."""
        if days is None or lower is None or upper is None or len(days) == 0:
            self._forecast_x = self._forecast_lower = self._forecast_upper = np.empty(0)
        else:
            self._forecast_x = day_to_epoch(days)
            self._forecast_lower, self._forecast_upper = np.asarray(lower), np.asarray(upper)
        self._shown_forecast = None
        self.show_range()

    def set_points(
        self,
        days: np.ndarray,
        values: np.ndarray,
        sizes: np.ndarray,
        symbols: Sequence[int] | np.ndarray,  # indexes into SYMBOLS
        ids: np.ndarray,
    ) -> None:
        # Points in one canonical order, by x then poll id (PointLayer needs x sorted; the ids break ties the
        # same way edit_points does, so a poll put in early is found unchanged when its average lands).
        x = day_to_epoch(np.asarray(days, dtype=float))
        ids, values, sizes = np.asarray(ids, dtype=np.int64), np.asarray(values, dtype=float), np.asarray(sizes)
        symbols = np.asarray(symbols, dtype=np.int8)
        if len(x) > 1:
            dx = np.diff(x)
            if not np.all((dx > 0) | ((dx == 0) & (np.diff(ids) > 0))):
                order = np.lexsort((ids, x))
                x, values, sizes, ids, symbols = x[order], values[order], sizes[order], ids[order], symbols[order]
        self.set_points_x(x, values, sizes, symbols, ids)

    KEPT_POINTS = 32  # a two-round contest's choices whose styled points a series keeps

    def show_kept_points(self, pts: _PointArrays) -> None:
        """set_points of one matchup's or list's point arrays as the chart keeps them (the very objects each time):
        the sorted arrays and the scatter item's styled points are kept per arrays object, so a switch back hands
        them over without sorting and styling each point again (the runoff-lead chart's 355 head-to-heads of
        Macron v Le Pen were the largest part of a matchup switch's Python work)."""
        layer, item = self.layer, self.points
        kept = self._kept_points.get(id(pts[0]))
        if kept is not None and kept[0] is pts and not layer._held and kept[3] is item.fragmentAtlas._coords:
            arrays, window, records = kept[1], kept[1][5], kept[2]
            layer._x, layer._y, layer._size, layer._symbol, layer._data = arrays[:5]  # type: ignore[assignment]
            self.poll_ids = arrays[4]  # type: ignore[assignment]
            if layer._window() == window:  # (the same points handed over: all of them, or the same window)
                layer._shown = window  # type: ignore[assignment]
                item.show_records(records)
            else:  # another window of them (a pan since): handed over afresh
                layer._refresh()
            return
        self.set_points(*pts)
        if layer._held or layer._stale or (len(item.data) and item.data["hovered"].any()):
            return
        if len(self._kept_points) >= self.KEPT_POINTS:
            self._kept_points.clear()
        records = item.data.copy()
        records["item"] = None
        arrays_shown = (layer._x, layer._y, layer._size, layer._symbol, layer._data, layer._shown)
        self._kept_points[id(pts[0])] = (pts, arrays_shown, records, item.fragmentAtlas._coords)

    def forget_kept_points(self) -> None:
        """The points' style changed (a theme): nothing kept shows them."""
        self._kept_points.clear()

    def set_points_x(
        self, x: np.ndarray, values: np.ndarray, sizes: np.ndarray, symbols: np.ndarray, ids: np.ndarray
    ) -> None:
        """set_points with x in epoch seconds and the points already by x, then poll id (float values and
        sizes, int8 symbols, int64 ids): what show_data hands over after one sort for every series."""
        if self.layer.same_as(x, values, sizes, symbols, ids):
            return  # drawn already (show_polls put the new poll in before its average landed)
        self.poll_ids = ids
        self.layer.setData(x, values, sizes, symbols, self.poll_ids, presorted=True)

    def edit_points(
        self,
        drop: np.ndarray,
        days: np.ndarray,
        values: np.ndarray,
        sizes: np.ndarray,
        symbols: np.ndarray,
        ids: np.ndarray,
        drop_x: np.ndarray | None = None,
    ) -> None:
        """Remove the points of the polls in `drop` (at x `drop_x`, if known), add the given ones (PointLayer.edit)."""
        self.layer.edit(drop, day_to_epoch(days), values, sizes, symbols, ids, drop_x=drop_x)
        data = self.layer.get_data()[2]
        self.poll_ids = np.empty(0, dtype=np.int64) if data is None else data.astype(np.int64, copy=False)


def _key_name(pollster: str) -> str:
    """A pollster's name as the key shows it: whole, or its first KEY_NAME_CHARS characters and an ellipsis."""
    name = pollster if len(pollster) <= KEY_NAME_CHARS else pollster[: KEY_NAME_CHARS - 1].rstrip() + "…"
    return drawable(name)  # an emoji no installed font has is named, never an empty box (ui.glyphs)


def _fit_legend(legend: pg.LegendItem, width: float, *, most: int = 6) -> None:
    """Re-lay a key out row by row in the most columns (up to `most`) whose widest entries fit `width`.

    pyqtgraph's LegendItem keeps the column count it was given (entries past the width are cut) and leaves a
    removed entry's cell empty; this sets the count that fits and always re-lays the entries out."""
    items = list(legend.items)
    if not items or width <= 0:
        return
    gap = legend.layout.horizontalSpacing()
    left, _top, right, _bottom = legend.layout.getContentsMargins()
    entries = [sample.boundingRect().width() + gap + label.item.boundingRect().width() for sample, label in items]
    fits = 1
    for n in range(min(most, len(entries)), 0, -1):
        columns = [max(entries[j::n]) for j in range(n)]
        if sum(columns) + gap * (n - 1) + left + right + 2 * n <= width:
            fits = n
            break
    grid = legend.layout
    rows = math.ceil(len(items) / fits)
    if fits == legend.columnCount and grid.rowCount() == rows and grid.columnCount() == 2 * min(fits, len(items)):
        laid = [grid.itemAt(r, c) for r in range(rows) for c in range(0, grid.columnCount(), 2)]
        if all(a is b for a, (b, _label) in zip(laid, items, strict=False)):
            return  # laid out as it should be already
    where = legend.pos()
    legend.columnCount = 0  # setColumnCount re-lays out only on a change
    legend.setColumnCount(fits)  # (which also moves the key to its chart's top left corner: put back)
    legend.setPos(where)
    legend.updateGeometry()  # its chart's layout makes room for its new number of rows


def _digest(series: AverageSeries) -> tuple[bytes, ...]:
    """An average's figures as bytes (days, mean and band), to name it by what it holds."""
    return tuple(
        np.ascontiguousarray(a, dtype=float).tobytes() for a in (series.days, series.mean, series.lower, series.upper)
    )


def _unbroken_run(
    plot: pg.PlotItem, run: Sequence[QGraphicsItem], skip: Sequence[QGraphicsItem]
) -> list[QGraphicsItem] | None:
    """`run` in the chart's stacking order when it is one unbroken run of it (no other item among them, `skip`
    aside): one item painting them in that order at the place of the first then paints what they would. None
    when it is not."""
    if not run:
        return None
    children = [c for c in plot.getViewBox().childGroup.childItems() if not any(c is k for k in skip)]
    members = {id(item) for item in run}
    at = [i for i, c in enumerate(children) if id(c) in members]
    if len(at) != len(run) or at != list(range(at[0], at[0] + len(at))):
        return None
    return [children[i] for i in at]


# What an empty chart shows in place of data, and the value range it keeps meanwhile (pyqtgraph's own default, -0.5
# to 0.5, read as a share of the vote of "-0.4 %").
EMPTY_HINT = "No polls yet: add one (Ctrl+N) or import a file (Ctrl+I)"
NO_RACE_HINT = "No race open: make one with File > New contest, or pick one"
CHART_TITLES = {
    "first": "First round: share of the vote (%)",
    "lead1": "First-round lead (points)",
    "lead2": "Second-round (runoff) lead (points)",
}
"""Each chart's title before a race names its candidates (and again when no race is open)."""
EMPTY_RANGES = {"first": (0.0, 50.0), "lead1": (-10.0, 10.0), "lead2": (-10.0, 10.0)}


class _EmptyNote(QGraphicsTextItem):
    """A chart's "no polls yet" line, centred across its plot area whatever its size, a little above the middle (a
    child of the view box, in its pixels, so panning or zooming never moves it off)."""

    def __init__(self, vb: pg.ViewBox, text: str) -> None:
        super().__init__(text, vb)
        self._vb = vb
        self.setZValue(1_000)
        self.setVisible(False)
        vb.sigResized.connect(self.centre)

    def centre(self, *_args: object) -> None:
        box, mine = self._vb.boundingRect(), self.boundingRect()
        if mine.width() > box.width():  # a narrow chart: the text wraps to it
            self.setTextWidth(max(40.0, box.width() - 8))
            mine = self.boundingRect()
        # above the middle: a lead chart's zero line runs through its middle and would strike the text through
        self.setPos(box.center().x() - mine.width() / 2, box.top() + box.height() * 0.3 - mine.height() / 2)


class FocusRing(QWidget):
    """A frame in the palette's highlight drawn over `view`'s edge while it has the keyboard focus (a chart view
    draws none of its own); transparent to the mouse, shown and hidden by follow()."""

    WIDTH = 2

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self._view = view
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()

    def follow(self) -> None:
        """Shown over the whole view while it has the focus, else hidden."""
        if self._view.hasFocus():
            self.setGeometry(self._view.rect())
            self.raise_()
            self.show()
        else:
            self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), self.WIDTH)
        painter.setPen(pen)
        half = self.WIDTH / 2
        painter.drawRect(QRectF(self.rect()).adjusted(half, half, -half, -half))


EVENT_LABEL_AT = 0.05
"""Where an event marker's note starts up its line: the share of the first-round chart's height from its foot."""


def _format_text(text: str) -> str:
    """`text` as an InfiniteLine's label format: pyqtgraph runs it through str.format, so braces are doubled."""
    return text.replace("{", "{{").replace("}", "}}")


class ChartPanel(QWidget):
    """First-round shares, first-round lead and runoff lead, x-linked, on one date axis.

    Signals:
        poll_clicked: the id of the poll whose point was clicked.
    """

    poll_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, theme: Theme = LIGHT) -> None:
        super().__init__(parent)
        self._theme = theme
        self._theme_due: Theme | None = None  # a theme to apply when the charts are shown (apply_theme_when_shown)
        self._contest: Contest | None = None
        self._poll_map: Mapping[int, Poll] | None = {}  # by id; None: not built yet from _poll_list
        self._poll_list: Sequence[Poll] = ()
        self._latest: date | None = None  # the latest fieldwork end of _polls (None: not known yet)
        self._end_by_id = np.full(1, -1, dtype=np.int64)  # each shown poll's fieldwork end (ordinal) by id; -1: none
        self._x_by_id = np.full(1, np.nan)  # each shown poll's points' x by id (NaN: none): where to find them
        # firm (core.types.firm_key: 'YouGov' and 'yougov' are one) -> index of its symbol in SYMBOLS
        self._pollster_symbol: dict[str, int] = {}
        self._spelling_symbol: dict[str, int] = {}  # each spelling seen -> its firm's symbol (firm_key done once)
        self._first: dict[str, _Series] = {}
        self._lead1: _Series | None = None
        self._lead2_observed: _Series | None = None
        self._lead2_implied: _Series | None = None
        self._annotation_items: list[pg.InfiniteLine] = []
        self._annotations: list[Annotation] = []
        self._selected: int | None = None
        self._last_data: tuple[Sequence[Poll], PollAverages | None] | None = None
        # The averages last drawn whole and the theme they were drawn in, while nothing else has changed the points
        # since (show_polls); the same again is not drawn again (show_data)
        self._drawn: tuple[PollAverages, Theme] | None = None
        self._matchup: _Matchup | None = None
        self._campaign: CampaignChart | None = None  # a two-round contest's first round (its poll questions)
        self._blackout_items: list[tuple[str, pg.LinearRegionItem]] = []  # a two-round contest's blackouts
        self._row_of = np.full(1, -1, dtype=np.int64)
        self._sizes = np.empty(0)
        self._symbols = np.empty(0, dtype=np.int8)
        self.setObjectName("charts")
        self.setAccessibleName("Poll charts")
        self._layout_widget = pg.GraphicsLayoutWidget()
        self._layout_widget.setAccessibleName("Poll charts")
        # The charts fill the area; on one too short for every chart's plot to be read, they scroll (MIN_PLOT).
        self._scroll = QScrollArea()
        self._scroll.setObjectName("charts_scroll")
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (no Tab stop: its charts are the stop)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(self._layout_widget)
        self._layout_widget.installEventFilter(self)  # its width changes with the scroll bar's: the keys re-fit
        # (an expose while an average is still landing paints the charts landed: eventFilter)
        self._layout_widget.viewport().installEventFilter(self)
        # The charts are a Tab stop (a screen reader hears their figures there) that drew no focus: a keyboard user
        # tabbing onto them saw nothing change. A frame in the palette's highlight is drawn over their edge while
        # they have the focus (over, not around: the charts keep their size and layout).
        self._focus_ring = FocusRing(self._layout_widget)
        self._stacked = True  # the three charts in one column (single_chart's panel keeps one)
        grid = self._layout_widget.ci.layout
        self._grid_spacing = (grid.getContentsMargins()[1], grid.verticalSpacing())  # (top margin, gap): the style's
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll)
        self.plots: dict[str, pg.PlotItem] = {}
        self._grids: dict[str, GridLines] = {}
        titles = CHART_TITLES
        for row, key in enumerate(("first", "lead1", "lead2")):
            plot = self._layout_widget.addPlot(row=row, col=0, axisItems={"bottom": DateAxis()})
            # The first-round chart carries every candidate and their names: it gets the larger share of height.
            self._layout_widget.ci.layout.setRowStretchFactor(row, 4 if key == "first" else 3)
            use_fitted_title(plot)
            plot.titleLabel.described = self._describe
            plot.setTitle(titles[key])
            self._grids[key] = GridLines(plot, theme.grid)
            plot.setMenuEnabled(False)
            plot.getViewBox().setMouseMode(pg.ViewBox.PanMode)
            # Grid lines at every tick level were two thirds of the paint time; major and minor levels
            # on the value axis and major dates on the time axis read just as well.
            plot.getAxis("left").setStyle(maxTickLevel=1)
            plot.getAxis("bottom").setStyle(maxTickLevel=0)
            if key != "first":
                plot.setXLink(self.plots["first"])
            # Big data stays smooth while panning: draw only what is on screen, thinned to the pixel grid.
            self.plots[key] = plot
        self._zero_lines: list[pg.InfiniteLine] = []
        for key in LEAD_CHARTS:
            zero = pg.InfiniteLine(
                pos=0, angle=0, pen=pg.mkPen(theme.foreground, width=1.5, style=Qt.PenStyle.DashLine)
            )
            self.plots[key].addItem(zero)
            self._zero_lines.append(zero)
        self._election_lines: list[pg.InfiniteLine] = []
        self._empty_notes = {
            key: _EmptyNote(plot.getViewBox(), EMPTY_HINT if key == "first" else "No polls yet")
            for key, plot in self.plots.items()
        }
        self._empty_ranges_set: set[str] = set()  # charts whose value axis was set for the empty state
        self._no_race = False  # no race open (show_no_race): the notes say so, until set_contest
        self._selection_marks: dict[str, pg.ScatterPlotItem] = {}
        for key, plot in self.plots.items():
            mark = pg.ScatterPlotItem(size=22, pen=pg.mkPen("#FFB000", width=3), brush=pg.mkBrush(None), symbol="o")
            mark.setZValue(20)
            plot.addItem(mark)
            self._selection_marks[key] = mark
        # Legends never sit on the data: the candidates' lines are named at their ends (end labels), and the
        # two keys that remain (pollster symbols; published vs implied runoff lead) get a row of their own
        # under their chart's date axis, inside the PlotItem so single-chart exports keep them.
        self._legend_lead1 = self._legend_below(self.plots["lead1"])
        self._legend_lead2 = self._legend_below(self.plots["lead2"])
        self._legend_lead2.setColumnCount(2)  # two rows: the runoff kinds, then the two bands
        self._legend_lead1.layout.setHorizontalSpacing(8)  # a dozen pollsters' names in two rows on a laptop
        self._pollster_keys: dict[str, pg.ScatterPlotItem] = {}
        self._keys_pending: list[str | None] = []  # pollsters given a symbol whose legend key is still to make
        self._unreleased: list[PointLayer] = []  # series whose points show_data left for later turns
        self._release_styles: dict[int, list[tuple[str, float]]] = {}  # id(layer) -> pictures still to draw first
        self._warming: list[tuple[PointLayer, list[tuple[str, float]] | None]] = []  # marker pictures to draw
        self._ahead: list[PointLayer] | None = None  # layers whose projector pictures are still to draw (_warm_next)
        self._warm_timer = QTimer(self)
        self._warm_timer.setSingleShot(True)
        self._warm_timer.timeout.connect(self._warm_next)
        self._hold_timer = QTimer(self)  # the repaint of changed points held for their average (HOLD_PAINT_MS)
        self._hold_timer.setSingleShot(True)
        self._hold_timer.setInterval(HOLD_PAINT_MS)
        self._hold_timer.timeout.connect(self._release_paint)
        # a long landing's paint, after the event loop's timers have had their turn (PAINT_APART_S): a timer of its own,
        # not QTimer.singleShot(0), which Qt posts as an event and delivers before the timers, the paint straight after
        self._paint_timer = QTimer(self)
        self._paint_timer.setSingleShot(True)
        self._paint_timer.setInterval(0)
        self._paint_timer.timeout.connect(self._restore_paint)
        # A long landing's later steps (LAND_APART_S) and the series' points handed over after it (_release_next):
        # timers of their own, each in a turn after the event loop's timers (posted with QTimer.singleShot(0), the
        # steps ran back to back before any timer, one turn for a stall probe and for the window's own timers).
        self._landing_in: Iterator[None] | None = None  # the landing's steps still to run (_run_landing)
        self._land_timer = QTimer(self)
        self._land_timer.setSingleShot(True)
        self._land_timer.setInterval(0)
        self._land_timer.timeout.connect(self._run_landing)
        self._release_timer = QTimer(self)
        self._release_timer.setSingleShot(True)
        self._release_timer.setInterval(0)
        self._release_timer.timeout.connect(self._release_next)
        self._held_mode: QGraphicsView.ViewportUpdateMode | None = None  # the view's own, while a repaint is held
        self._land_start = 0.0  # when the landing's present turn began (_run_landing)
        self._end_labels: dict[str, pg.TextItem] = {}
        self._end_values: dict[str, tuple[float, float]] = {}
        self._end_texts: dict[str, str] = {}  # the text each end label was given
        # what each end label's text was fitted to (its name, figure, room, font and anchor): placed again with the
        # same (a value axis fitted after the dates moved), it is not measured again (_fit_end_text)
        self._end_fitted: dict[str, tuple[object, ...]] = {}
        self._end_wanted: dict[str, tuple[str, str]] = {}  # each end label's whole name ("" on a lead) and figure
        # a two-round contest's question points as arrays, by the id of the points object (kept with it)
        self._points_kept: dict[tuple[int, float], tuple[tuple[object, ...], _PointArrays]] = {}
        # A two-round contest's value ranges by what each chart shows (settle_ranges): the data a chart was handed
        # (its token: the ids of the objects, kept alive in _range_refs), its x-range, size and selected poll -> the
        # y-range pyqtgraph's autorange fitted to it. A switch back to a matchup or list sets it without fitting again.
        self._range_tokens: dict[str, tuple[object, ...] | None] = {}
        self._range_refs: dict[tuple[object, ...], tuple[object, ...]] = {}
        self._ranges: dict[tuple[object, ...], tuple[float, float]] = {}
        # a two-round contest's value extents over every matchup and list (set_value_extents), per chart
        self._value_ranges: dict[str, ValueRange] = {}
        self.range_mode = "final"  # "final" (the last weeks), "all" (whole campaign) or "user" (panned/zoomed)
        self._final_window: tuple[float, float] | None = None  # the window show_final_weeks last applied
        self._applying_range = False
        for key, plot in self.plots.items():
            vb = plot.getViewBox()
            vb.setAutoVisible(y=True)  # the value axis fits what is in the window, not the whole campaign
            vb.childrenBounds = partial(self._children_bounds, key, vb, vb.childrenBounds)  # type: ignore[method-assign]
            vb.sigRangeChangedManually.connect(self._on_range_changed_manually)
        self.plots["first"].getViewBox().sigRangeChanged.connect(self._place_end_labels)
        # a new width is new room right of the lines' ends (and a new height new room between the labels)
        self.plots["first"].getViewBox().sigResized.connect(self._place_end_labels)
        self.plots["first"].getViewBox().sigResized.connect(self._fit_event_labels)  # each note elided to its height
        # A two-round contest's charts paint their data items through pictures kept per matchup or list (DataPicture):
        # per chart, one for the bands, one for the points and lines.
        self._pictures: dict[str, tuple[DataPicture, DataPicture]] = {
            key: (
                DataPicture(plot, lambda key=key: self._range_tokens.get(key), raster=False),  # type: ignore[misc]
                DataPicture(plot, lambda key=key: self._range_tokens.get(key), raster=True),  # type: ignore[misc]
            )
            for key, plot in self.plots.items()
        }
        # The lead charts change with the pair and the list (the first-round lead) or the pair: a few more of their
        # (smaller) images are kept, so the choices drawn ahead (draw_ahead) and the one shown all stay kept.
        for key in LEAD_CHARTS:
            self._pictures[key][1].keep = LEAD_PICTURES_KEPT
        # End labels a switch moved are placed once, when the charts' ranges are final (settle_ranges, or just before
        # the paint): placed on the new data and then again on the new range, they cost a switch twice.
        self._labels_pending = False
        # While an average lands (_landing) the labels are placed once, after the dates moved to the final weeks and
        # the value axes were fitted: placed after each step, a landing placed them three times or more.
        self._labels_held = False
        self._layout_widget.scene().sigPrepareForPaint.connect(self._place_pending_labels)
        for key in LEAD_CHARTS:
            self.plots[key].getViewBox().sigRangeChanged.connect(self._place_election_labels)
        self.apply_theme(theme)

    # --- public ---------------------------------------------------------------------------------------------

    def show_no_race(self) -> None:
        """No race open (the store holds none, or its read was cancelled): each chart says so, under its plain
        title, on today's weeks (not the race last shown's names, nor dates of 1970 at the start); the next race's
        set_contest takes the notes away."""
        self.finish_landing()
        self._no_race = True
        self._show_no_race()

    def _show_no_race(self) -> None:
        # the race last shown's pollsters leave the key under the first-round lead chart
        self._legend_lead1.clear()
        self._pollster_keys, self._pollster_symbol, self._spelling_symbol = {}, {}, {}
        self._keys_pending = []
        today = date.today().toordinal()
        for key, plot in self.plots.items():
            if plot.titleLabel.text != CHART_TITLES[key]:
                _retitle(plot, CHART_TITLES[key])
            plot.getViewBox().setXRange(float(day_to_epoch(today - 60)), float(day_to_epoch(today + 30)), padding=0.0)
        self._note_empty(True)

    def set_contest(self, contest: Contest) -> None:
        """Create the items for a contest (once per contest, not per update). The contest shown, edited in its
        names and colours only (Contest.counts_as), keeps its items: they are restyled and renamed (restyle)."""
        self.finish_landing()
        self._no_race = False
        if self.restyle(contest):
            return
        # (a two-round contest's questions or an instant-runoff pair rewrote the runoff chart's key: made again)
        plain_leads = self._campaign is None and self._matchup is None
        self._contest = contest
        for pictures in self._pictures.values():
            for picture in pictures:
                picture.release()
        self._range_tokens, self._range_refs, self._ranges = {}, {}, {}
        self.set_value_extents(None)
        self._matchup = None
        self.plots["lead2"].titleLabel.set_explanation("")  # an instant-runoff contest's account of its pair goes
        self._campaign = None
        self._show_blackouts(())
        self._last_data = None  # the previous contest's polls must not be redrawn under this one's candidates
        self._drawn = None
        self._unreleased = []
        self._release_styles = {}
        self._warming = []
        self._ahead = None
        # The items of the race left are given to this one's (a series per candidate, by place; the lead charts'
        # series and end labels as they are), their data cleared: making every series' line, bands and scatter item
        # again and taking the old ones out of the scene was most of a switch's turn (100,000 polls: 70-100 ms of
        # the turn a big race lands in; benchmarks/bench_menu_stalls.py). Only a surplus is taken off, a shortfall
        # made.
        spare = list(self._first.values())
        spare_labels = [label for key, label in self._end_labels.items() if key in self._first]
        lead_labels = {
            key: self._end_labels[LEAD_LABEL[key]] for key in LEAD_CHARTS if LEAD_LABEL[key] in self._end_labels
        }
        for series in spare[len(contest.candidates) :]:
            series.detach()
        for label in spare_labels[len(contest.candidates) :]:
            if label.scene() is not None:
                label.scene().removeItem(label)
        # The pollster key names this contest's pollsters only (another race's YouGov and ComRes stayed listed
        # under a contest with no polls at all).
        self._legend_lead1.clear()
        self._pollster_keys = {}
        self._pollster_symbol = {}
        self._spelling_symbol = {}
        self._keys_pending = []
        self._end_labels = {}
        self._end_values = {}
        self._end_texts = {}
        self._end_fitted = {}
        self._end_wanted = {}
        self._points_kept = {}
        self._first = {}
        for place, cand in enumerate(contest.candidates):
            if place < len(spare):
                series = spare[place]
                series.clear()
                series.recolour(cand.colour, self._theme)
                series.line.opts["name"] = cand.name
                label = spare_labels[place]
                label._warroom_colour = cand.colour  # type: ignore[attr-defined]  # (kept through a theme change)
                label.setColor(readable(cand.colour, self._theme.background))
            else:
                series = _Series(self.plots["first"], cand.colour, cand.name, self._theme)
                self._connect(series, "first")
                label = self._end_label(self.plots["first"], cand.colour)
            self._first[cand.code] = series
            self._end_labels[cand.code] = label
        for key in LEAD_CHARTS:
            self._end_labels[LEAD_LABEL[key]] = lead_labels.get(key) or self._end_label(self.plots[key], None)
        for label in self._end_labels.values():
            label.setVisible(False)
            if label.toolTip():
                label.setToolTip("")
        leads = [lead for lead in (self._lead1, self._lead2_observed, self._lead2_implied) if lead is not None]
        if plain_leads and len(leads) == 3:
            for lead in leads:
                lead.clear()
            # every item given, none made: each is in the theme already (recoloured above, the rest as it was)
            self._set_contest_lines(contest, restyle=len(contest.candidates) > len(spare))
            return
        for lead in leads:
            lead.detach()
        self._legend_lead2.clear()
        fg = self._theme.foreground
        self._lead1 = _Series(self.plots["lead1"], fg, "lead", self._theme)
        self._connect(self._lead1, "lead1")
        self._lead2_observed = _Series(self.plots["lead2"], fg, "published head-to-head", self._theme)
        self._lead2_implied = _Series(self.plots["lead2"], "#7f7f7f", "implied by transfers", self._theme, hollow=True)
        self._lead2_implied.line.setPen(pg.mkPen("#7f7f7f", width=1.5, style=Qt.PenStyle.DashLine))
        self._connect(self._lead2_observed, "lead2")
        self._connect(self._lead2_implied, "lead2")
        self._legend_lead2.addItem(self._lead2_observed.line, "published head-to-head")
        self._legend_lead2.addItem(self._lead2_implied.line, "implied by transfers")
        # The two bands, named: every chart draws both, in its own colour.
        grey = QColor("#7f7f7f")
        for label, alpha, style in (
            ("90 %: where the polls stand", 90, Qt.PenStyle.NoPen),
            ("90 %: where the result may land", 30, Qt.PenStyle.DashLine),
        ):
            fill = QColor(grey)
            fill.setAlpha(alpha)
            sample = pg.PlotDataItem(
                [0, 1], [1, 1], pen=pg.mkPen(grey, style=style), fillLevel=0, fillBrush=pg.mkBrush(fill)
            )
            self._legend_lead2.addItem(sample, label)
        self._set_contest_lines(contest)

    def _set_contest_lines(self, contest: Contest, *, restyle: bool = True) -> None:
        """The rest of set_contest, on the items the contest was given: the range's mode, the legends, the theme
        (`restyle`: some item was made for it; all given ones are in the theme already) and the election-day lines,
        moved to its days (made once: each switch made them again and set the whole theme again, 30-40 ms of a
        switch's turn, benchmarks/bench_menu_stalls.py)."""
        self.range_mode = "final"
        self._legend_fit_pending()  # the keys and the first-round chart's share, for this contest
        if restyle:
            self.apply_theme(self._theme)  # new items take the current theme (e.g. opened during a meeting)
        runoff = contest.second_round_date  # a two-round race: its runoff chart leads to the runoff's own day
        made = len(self._election_lines) != len(self.plots)
        if made:
            for line in self._election_lines:
                line.getViewBox() and line.getViewBox().removeItem(line)
            self._election_lines = []
        for place, (key, plot) in enumerate(self.plots.items()):
            day, name = contest.election_date, "First round" if runoff is not None else "Election day"
            if key == "lead2" and runoff is not None:
                day, name = runoff, "Runoff day"
            # Named on the lead charts, at the top on the future side of the line, where no poll is. The
            # first-round chart's end labels fill that side from the top down, so its line, the same red line
            # right above the others, goes unnamed rather than written over a candidate's share.
            named = key != "first"
            at = float(day_to_epoch(day.toordinal()))
            if made:
                line = pg.InfiniteLine(
                    pos=at,
                    angle=90,
                    pen=pg.mkPen("#b00020", width=2),
                    label=name if named else None,
                    labelOpts={"position": 0.98, "color": "#b00020", "anchors": [(0, 0), (0, 0)]},
                )
                plot.addItem(line, ignoreBounds=True)
                self._election_lines.append(line)
            else:
                line = self._election_lines[place]
                line.setPos(at)
                label = getattr(line, "label", None)  # (the first-round chart's is unnamed: it has none)
                if label is not None:
                    label.setFormat(name)
            line.setToolTip(f"{name}: {day.day} {day:%B %Y}")
        if made or restyle:
            self._theme_labels()

    def restyle(self, contest: Contest) -> bool:
        """Show the contest on screen under its edited names and colours on the items it has: each recoloured
        series' line, bands and points restyled (the points' data kept, their pictures looked up once per distinct
        style), the end labels and the lead charts' titles renamed. Rebuilding every series for a rename or a
        recolour made the points of each series be handed over and styled again, and dropped the view's range and
        the labels' places (100,000 polls: most of the edit's turn). Returns False, changing nothing, unless
        `contest` differs from the one shown only in names and colours (Contest.counts_as); always False while the
        charts show a two-round contest's questions or an instant-runoff pair."""
        shown = self._contest
        if (
            shown is None
            or contest.id != shown.id
            or not shown.counts_as(contest)
            or list(self._first) != [c.code for c in contest.candidates]
            # a two-round contest's poll questions or an instant-runoff chain's pair title the lead charts
            # themselves (show_campaign, show_matchup_lead): built again, as they always were
            or self._campaign is not None
            or self._matchup is not None
        ):
            return False
        self._contest = contest
        for cand, before in zip(contest.candidates, shown.candidates, strict=True):
            series = self._first[cand.code]
            if cand.colour != before.colour:
                series.recolour(cand.colour, self._theme)
                label = self._end_labels[cand.code]
                label._warroom_colour = cand.colour  # type: ignore[attr-defined]  # (kept through a theme change)
                label.setColor(readable(cand.colour, self._theme.background))
            series.line.opts["name"] = cand.name
        if self._last_data is not None:
            self._title_leads(self._last_data[1])
        self._update_end_labels()
        return True

    def show_polls(self, change: object, polls_by_id: Mapping[int, Poll]) -> None:
        """Draw the points of added or edited polls, and take out removed ones, at once: the lines and bands stay
        as they are until the new average arrives (show_data), which for a big contest is computed on a worker
        thread. Only the changed polls are touched, so adding one to 10,000 fits in a frame. A reload (another
        contest, another writer) waits for show_data; so do runoff points, which depend on the average."""
        self.finish_landing()
        self._drawn = None  # (what it changes is not what the averages last drawn show)
        contest = self._contest
        if (
            contest is not None
            and getattr(change, "reloaded", True)
            and len(self._pollster_symbol) <= MAX_POLLSTER_KEYS
        ):
            # the legend's pollster keys made in a turn of their own, not in the one where a big contest's first
            # average lands (100,000 polls: 40-50 ms of that turn); a small contest's is in by then: a no-op
            QTimer.singleShot(0, self, lambda: self._name_pollsters(contest, polls_by_id))
        if contest is None or self._last_data is None or getattr(change, "reloaded", True):
            return
        if self._campaign is not None or self._matchup is not None:
            return  # a two-round contest's charts show its poll questions: they follow show_data as they are
        updated = tuple(getattr(change, "updated", ()))
        self._poll_map = polls_by_id  # (the poll service may hand over another map: the one a delete set aside)
        if len(updated) + len(getattr(change, "added", ())) > BULK_POINTS:
            return  # an import: its points come with its average (show_data), in one vectorised pass
        if not polls_by_id and not updated and not getattr(change, "added", ()):
            self._drop_every_point()
            return
        new = [polls_by_id[i] for i in (*getattr(change, "added", ()), *updated) if i in polls_by_id]
        self._hold_paint()  # painted with their average, which follows (show_data), or at HOLD_PAINT_MS
        self._range_tokens = {}  # new points: each chart's value range is fitted again
        drop = np.asarray([*updated, *getattr(change, "removed", ())], dtype=np.int64)
        # The latest fieldwork end, kept in an array by poll id: found again in one vectorised step, where
        # walking every poll took 10-300 ms at 100,000 polls when the latest one changed.
        ends = self._end_by_id
        gone = drop[(drop >= 0) & (drop < len(ends))]
        ends[gone] = -1
        drop_x = np.full(len(drop), np.nan)  # where the dropped polls' points are (a search by x, not by id)
        known = (drop >= 0) & (drop < len(self._x_by_id))
        drop_x[known] = self._x_by_id[drop[known]]
        stored = [p for p in new if p.id is not None and p.id >= 0]
        top = max((p.id or 0 for p in stored), default=-1)
        if top >= len(ends):
            ends = self._end_by_id = np.concatenate([ends, np.full(top + 1 - len(ends) + 1024, -1, dtype=np.int64)])
        if top >= len(self._x_by_id):
            self._x_by_id = np.concatenate([self._x_by_id, np.full(len(ends) - len(self._x_by_id), np.nan)])
        for p in stored:
            ends[p.id or 0] = p.fieldwork_end.toordinal()
            self._x_by_id[p.id or 0] = day_to_epoch((p.fieldwork_start.toordinal() + p.fieldwork_end.toordinal()) * 0.5)
        last = int(ends.max(initial=-1))
        self._latest = date.fromordinal(last) if last > 0 else None
        for p in new:
            self._symbol_for(p.pollster)
        averages = self._last_data[1]
        a, b = (averages.a, averages.b) if averages else (contest.candidates[0].code, contest.candidates[1].code)
        days = np.asarray([(p.fieldwork_start.toordinal() + p.fieldwork_end.toordinal()) * 0.5 for p in new])
        sizes = (
            point_size(np.asarray([math.nan if p.sample_size is None else p.sample_size for p in new], dtype=float))
            * self._theme.marker_scale
        )
        symbols = np.asarray([self._symbol_for(p.pollster) for p in new], dtype=np.int8)
        ids = np.asarray([p.id for p in new], dtype=np.int64)

        def figures(code: str) -> np.ndarray:
            return np.asarray([p.first_round.get(code, math.nan) for p in new], dtype=float)

        for code, series in self._first.items():
            values = figures(code)
            m = ~np.isnan(values)
            series.edit_points(drop, days[m], values[m], sizes[m], symbols[m], ids[m], drop_x=drop_x)
        lead = figures(a) - figures(b)
        m = ~np.isnan(lead)
        if self._lead1 is not None:
            self._lead1.edit_points(drop, days[m], lead[m], sizes[m], symbols[m], ids[m], drop_x=drop_x)
        nothing = np.empty(0)
        for runoff in (self._lead2_observed, self._lead2_implied):
            if runoff is not None and len(drop):
                runoff.edit_points(drop, nothing, nothing, nothing, np.empty(0, dtype=np.int8), nothing, drop_x=drop_x)
        if self.range_mode == "final" and self.final_weeks_window() != self._final_window:
            # the new poll moved the window on: the dates move with the average that follows (its landing shows the
            # final weeks) or at the hold's limit (_release_paint), once, not here as well (a pass of every linked
            # chart's range, grid and ticks: 30-40 ms of an undone import's turn at 100,000 polls)
            if not self._hold_timer.isActive():
                self.show_final_weeks()
        elif self.range_mode == "all":
            self.fit()
        self._refresh_selection()

    def _drop_every_point(self) -> None:
        """Every poll deleted (a select all + Delete): each series' points handed over as none, in one step, not
        looked for by id among the points (an isin of 100,000 ids in each of the ten series: 40-80 ms of the
        delete's turn). The lines and bands stay until the average of nothing lands (show_data), as for any delete,
        and so does the range they are shown over: show_data fits it (fitted here too, it measured every line's
        bounds for a view about to change again: 40-90 ms)."""
        self._hold_paint()
        self._range_tokens = {}
        self._end_by_id.fill(-1)
        self._latest = None
        nothing = np.empty(0)
        for series in (*self._first.values(), self._lead1, self._lead2_observed, self._lead2_implied):
            if series is not None:  # (none there already: nothing handed over)
                series.set_points_x(nothing, nothing, nothing, np.empty(0, dtype=np.int8), np.empty(0, dtype=np.int64))
        self._refresh_selection()

    def _polls(self) -> Mapping[int, Poll]:
        """The polls shown, by id."""
        if self._poll_map is None:
            self._poll_map = {p.id: p for p in self._poll_list if p.id is not None}
        return self._poll_map

    def _name_pollsters(self, contest: Contest, polls: Mapping[int, Poll]) -> None:
        """Give the first pollsters (in the polls' order, as show_data does) their symbols and legend keys."""
        if self._contest is not contest:
            return  # another contest since
        for poll in polls.values():
            if len(self._pollster_symbol) > MAX_POLLSTER_KEYS:
                return
            self._symbol_for(poll.pollster)

    def _known_symbol(self, pollster: str) -> int | None:
        """The pollster's symbol if its firm has one (None: not yet), its name folded (firm_key) only on first sight:
        every landing looks up every pollster, and folding 40 names twice was 5-10 ms of a big contest's landing."""
        found = self._spelling_symbol.get(pollster)
        if found is None:
            found = self._pollster_symbol.get(firm_key(pollster))
            if found is not None:
                self._spelling_symbol[pollster] = found
        return found

    def _symbol_for(self, pollster: str) -> int:
        """The pollster's marker symbol (its index in SYMBOLS), given (with its legend key) on first sight."""
        found = self._spelling_symbol.get(pollster)  # a name seen before: no folding (every poll of a big store)
        if found is not None:
            return found
        firm = firm_key(pollster)  # one firm however written: one symbol, one key, named as first seen
        found = self._pollster_symbol.get(firm)
        if found is not None:
            self._spelling_symbol[pollster] = found
            return found
        code = len(self._pollster_symbol) % len(SYMBOLS)
        self._pollster_symbol[firm] = code
        self._spelling_symbol[pollster] = code
        # The key names the first pollsters only: past that the symbols repeat anyway, and every entry
        # re-lays the legend out (1,000 pollsters took it quadratic; issue 16). Hover names any poll. A key's
        # item is made only for a pollster it names (40 pollsters' items took 20-40 ms of an opening's turn).
        if len(self._pollster_symbol) <= MAX_POLLSTER_KEYS + 1:
            # On screen, the keys are made in a turn of their own a moment later (a big contest's first average
            # landing made twelve of them in its turn: 25-40 ms of it at 100,000 polls); off screen (an export), at
            # once.
            self._keys_pending.append(pollster if len(self._pollster_symbol) <= MAX_POLLSTER_KEYS else None)
            if not self.isVisible():
                self._add_pending_keys()
            elif len(self._keys_pending) == 1:  # after the landing's turn and its repaint (not stacked on them)
                QTimer.singleShot(WARM_DELAY_MS, self, self._add_pending_keys)
        return code

    def _add_pending_keys(self) -> None:
        """The legend keys _symbol_for gave symbols to (None: the "and more" entry). On screen, RELEASE_BUDGET_S of
        them per event-loop turn, the rest in the next turns (each key re-lays the legend out: twelve in one turn
        were 30-50 ms of a 10,000-poll contest's opening stall)."""
        if self._unreleased and self.isVisible():
            # after the series' points (a turn each): the two in one turn were two budgets in one stall
            QTimer.singleShot(0, self, self._add_pending_keys)
            return
        pending, self._keys_pending = self._keys_pending, []
        deadline = time.perf_counter() + RELEASE_BUDGET_S
        for k, pollster in enumerate(pending):
            if k and self.isVisible() and time.perf_counter() > deadline:
                self._keys_pending = [*pending[k:], *self._keys_pending]
                QTimer.singleShot(0, self, self._add_pending_keys)
                pending = pending[:k]
                break
            if pollster is None:
                self._legend_lead1.addItem(pg.ScatterPlotItem(size=0), "and more (hover a poll)")
                continue
            key = pg.ScatterPlotItem(
                symbol=SYMBOLS[self._pollster_symbol[firm_key(pollster)]],
                size=9,
                pen=pg.mkPen(self._theme.foreground),
                brush=pg.mkBrush(None),
            )  # legend key only (never added to the plot): which symbol is which pollster
            self._pollster_keys[pollster] = key
            self._legend_lead1.addItem(key, as_html(_key_name(pollster)))
        if pending:
            self._legend_fit_pending()

    def show_data(self, polls: Sequence[Poll], averages: PollAverages | None) -> None:
        """_landing; with no race open (show_no_race: the last one deleted), the charts keep saying so under
        their plain titles, whatever the race left behind still lands (its empty average named its candidates)."""
        if not self._landing(polls, averages) and self._no_race:
            self._show_no_race()  # (a landing drawn says so at its last step)

    def _landing(self, polls: Sequence[Poll], averages: PollAverages | None) -> bool:
        """Push polls and their averages into the existing items. The scatter items are handed their points once,
        for the view the charts end on (PointLayer.hold). A long landing runs its steps over several event-loop
        turns (LAND_APART_S, _run_landing), its repaint held until the last.

        The very averages drawn last, in the same theme, with no poll drawn or taken out since (show_polls), are
        not drawn again: a contest renamed or recoloured (restyle) publishes its averages again as they are, and
        checking every series' 100,000 points against themselves took 20-30 ms of the window's thread.

        Returns:
            False when nothing was drawn (those very averages).
        """
        self.finish_landing()  # (one still on its way lands whole first: this one starts from what it leaves)
        drawn = self._drawn
        if (
            averages is not None
            and drawn is not None
            and drawn[0] is averages
            and drawn[1] is self._theme
            and self._last_data is not None
            and self._last_data[1] is averages
            and self._campaign is None
            and self._matchup is None
        ):
            self._last_data = (polls, averages)
            return False
        self._drawn = None
        self._landing_in = self._landing_steps(polls, averages)
        self._run_landing()
        return True

    def _run_landing(self, *, whole: bool = False) -> None:
        """Run the landing's steps until they are done, or (not `whole`) until this turn has done LAND_APART_S of
        them (a big contest's, on screen: LAND_STEPS_FROM): the rest in the next turn (a timer: after the event loop's
        timers)."""
        steps, self._landing_in = self._landing_in, None  # (a step that asks finish_landing finds nothing to do)
        if steps is None:
            return
        self._land_start = time.perf_counter()
        for _step in steps:
            if (
                not whole
                and time.perf_counter() - self._land_start > LAND_APART_S
                and len(self._poll_list) >= LAND_STEPS_FROM
                and self.isVisible()
            ):
                self._landing_in = steps
                self._land_timer.start()
                return

    def finish_landing(self) -> None:
        """The landing on its way (if any), finished now: its remaining steps in this turn (before the charts are
        read for an export or a briefing)."""
        self._land_timer.stop()
        self._run_landing(whole=True)

    def _landing_steps(self, polls: Sequence[Poll], averages: PollAverages | None) -> Iterator[None]:
        """The landing, paused (a yield) where the next turn may take it up: after each chart's series (_show_data),
        and before the value axes are fitted (_end_landing, which also runs when a step raised)."""
        layers = self._point_layers()
        for layer in layers:
            layer.hold()
        self._hold_paint()  # (the landing painted whole: in its last turn, or in the next when that took long)
        # the landing holds the repaint until its last step, however many turns it takes (not HOLD_PAINT_MS)
        self._hold_timer.stop()
        self._labels_held = True
        try:
            yield from self._show_data(polls, averages)
            contest = self._contest
            if contest is not None and (contest.system != CountingSystem.TWO_ROUND or self._campaign is not None):
                self._note_empty(not self._has_polls())  # (a two-round contest's polls come with its campaign)
            yield
        except GeneratorExit:
            raise  # (left unfinished: the panel was deleted with steps still to run; nothing of it is left to paint)
        except BaseException:
            self._end_landing(layers)
            raise
        self._end_landing(layers)

    def _end_landing(self, layers: list[PointLayer]) -> None:
        """The landing's last step: the held series handed their points (now or in the next turns), the value axes
        fitted, the end labels placed, and the paint let go (in this turn, or in the next when this one took long)."""
        for layer in layers:
            if not layer.stale:
                layer.release()
        # The series with new points (or a new view) are handed them now, until a few milliseconds have gone,
        # and the rest in the next event-loop turns, a few milliseconds each: a big contest's first average
        # drew ~1,000 marker pictures, 60-100 ms in one turn at 100,000 polls, and the window froze meanwhile.
        stale = [layer for layer in layers if layer.stale]
        for layer in stale:  # new points: the pictures they need are found again
            self._release_styles.pop(id(layer), None)
        self._unreleased = [*(layer for layer in self._unreleased if layer not in stale), *stale]
        if self.isVisible():
            # the value axes fitted to the new data now, not in the paint: fitted there, they moved the end
            # labels, which asked for a second paint of the charts (every add, edit or delete)
            self.settle_ranges()
        self._labels_held = False
        self._place_pending_labels()  # (settle_ranges placed them; off screen, here)
        if self._no_race:
            self._show_no_race()
        start = self._land_start
        self._hold_timer.stop()
        if self.isVisible() and time.perf_counter() - start > PAINT_APART_S:
            self._paint_timer.start()  # a long landing: painted in the next turn, not on top of this one (held)
        else:
            self._restore_paint()  # the points held for this average are painted with it
        if not self.isVisible():
            self.settle_points()  # not on screen (an export's panel, a test): all at once
        elif time.perf_counter() - start > RELEASE_BUDGET_S and len(self._unreleased) > FEW_STALE:
            self._release_timer.start()  # this turn had its share already
        else:
            self._release_next()

    def _has_polls(self) -> bool:
        """Whether any poll is on the charts: the store's polls, a two-round contest's poll questions (its first
        round) or the runoff chart's matchup (a two-round pair's head-to-heads, an instant-runoff chain's polls)."""
        if self._poll_list:
            return True
        if self._campaign is not None and any(days for days, _v, _p in self._campaign.points.values()):
            return True
        return self._matchup is not None and len(self._matchup.days) > 0

    def _note_empty(self, empty: bool) -> None:
        """A contest with no polls says so in each chart (with how to add one in the first), its value axes on a
        share's and a lead's usual range; the first poll takes the notes away and gives the axes back to the data."""
        for key, note in self._empty_notes.items():
            vb = self.plots[key].getViewBox()
            if empty:
                # in meeting mode no keyboard hint: the room reads the projector, and its shortcuts do not add polls
                if self._no_race:
                    text = NO_RACE_HINT if key == "first" and self._theme is not PROJECTOR else "No race open"
                else:
                    text = EMPTY_HINT if key == "first" and self._theme is not PROJECTOR else "No polls yet"
                if note.toPlainText() != text:
                    note.setPlainText(text)
                note.setDefaultTextColor(QColor(self._theme.foreground))
                font = QFont()
                font.setPointSize(self._theme.font_pt + 1)
                note.setFont(font)
                note.setTextWidth(-1)
                note.centre()
                if vb.state["autoRange"][1] is not False:
                    vb.setRange(yRange=EMPTY_RANGES[key], padding=0.0)  # (turns the value axis's autorange off)
                    self._empty_ranges_set.add(key)
            elif key in self._empty_ranges_set:
                self._empty_ranges_set.discard(key)
                vb.enableAutoRange(axis=pg.ViewBox.YAxis)
            note.setVisible(empty)

    def expect_polls(self, count: int) -> None:
        """The contest has `count` polls, their average on its way: for a big contest (PREWARM_FROM), every marker
        picture the points may need (each symbol at each size, in each series' pen and brush) is drawn ahead in idle
        turns while the average is computed, so that its landing finds them drawn (chart_decimate's brief: the
        atlas prepared once, off the landing's turn; at 100,000 polls drawing them was 50-70 ms of it)."""
        if count < PREWARM_FROM or self._last_data is not None or self._warming:
            return
        scale = self._theme.marker_scale
        styles = [(symbol, float(size) * scale) for symbol in SYMBOLS for size in np.arange(5.0, 16.5, 0.5)]
        self._warming = [(layer, list(styles)) for layer in self._point_layers()]
        self._warm_timer.start(WARM_DELAY_MS)

    def _hold_paint(self) -> None:
        """Hold the charts' repaint until the average arrives (show_data) or HOLD_PAINT_MS pass, whichever is first
        (a stream of changes never holds it longer: the limit runs from the first). Only the repaints the scene's
        changes ask for wait: a resize or an expose still paints, and an export renders the scene as it is."""
        if not self.isVisible():
            return  # (a panel off screen paints only when grabbed)
        if not self._hold_timer.isActive():
            view = self._layout_widget
            if self._held_mode is None:
                self._held_mode = view.viewportUpdateMode()
            view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.NoViewportUpdate)
            self._hold_timer.start()

    def _release_paint(self) -> None:
        """Let the charts paint what changed (one repaint of the view, the points and their average together)."""
        held = self._hold_timer.isActive()
        self._hold_timer.stop()
        if self._held_mode is None:
            return
        if held is False:  # the limit passed with no average: the points' new ranges fitted before the paint
            start = time.perf_counter()
            if self.range_mode == "final" and self.final_weeks_window() != self._final_window:
                self.show_final_weeks()  # (the dates the points moved: left for the average by show_polls)
            self.settle_ranges()
            if self.isVisible() and time.perf_counter() - start > PAINT_APART_S:
                self._paint_timer.start()  # a long fit: painted after the timers' turn (PAINT_APART_S)
                return
        self._restore_paint()

    def _restore_paint(self) -> None:
        """The held repaint, now: the view repaints as it is."""
        self._paint_timer.stop()
        mode, self._held_mode = self._held_mode, None
        if mode is None:
            return
        view = self._layout_widget
        view.setViewportUpdateMode(mode)
        view.viewport().update()

    @property
    def paint_held(self) -> bool:
        """The charts' repaint is held for an average on its way (HOLD_PAINT_MS at most), or until the event loop's
        timers have had their turn after a long landing or fit (PAINT_APART_S), or while a long landing's later steps
        are still to run (LAND_APART_S)."""
        return self._hold_timer.isActive() or self._paint_timer.isActive() or self._landing_in is not None

    def settle_points(self) -> None:
        """Hand every series its points now (those show_data left for the next event-loop turns), the landing on its
        way finished first."""
        self.finish_landing()
        pending, self._unreleased = self._unreleased, []
        for layer in pending:
            layer.release()

    def _point_layers(self) -> list[PointLayer]:
        series = (*self._first.values(), self._lead1, self._lead2_observed, self._lead2_implied)
        return [s.layer for s in series if s is not None]

    def _release_next(self) -> None:
        """Release held series for up to RELEASE_BUDGET_S (at least one), the rest on the next turn; then draw the
        markers a pan may need (_warm_next)."""
        start = time.perf_counter()
        while self._unreleased:
            layer = self._unreleased[0]
            if self.isVisible() and not self._warm_before_release(layer, start + RELEASE_BUDGET_S):
                break  # its marker pictures are still being drawn: released in a later turn
            self._unreleased.pop(0).release()
            if time.perf_counter() - start > RELEASE_BUDGET_S:
                break
        if self._unreleased:
            self._release_timer.start()
        else:
            self._warming = [(layer, None) for layer in self._point_layers()]
            self._ahead = None  # (and then the projector's pictures of the points as they now are)
            self._warm_timer.start(WARM_DELAY_MS)

    def _point_pens(self, layer: PointLayer, theme: Theme) -> tuple[QPen, QBrush]:
        """A layer's point pen and fill in `theme` (apply_theme's: the lead charts' in its foreground)."""
        if any(lead is not None and lead.layer is layer for lead in (self._lead1, self._lead2_observed)):
            return _lead_point_style(theme.foreground)
        return layer.item.opts["pen"], layer.item.opts["brush"]

    def _warm_before_release(self, layer: PointLayer, deadline: float) -> bool:
        """Draw the marker pictures a held series' points need, until `deadline`; True when all are drawn (or the
        series' pictures were drawn ahead before: nothing looked up). Drawn in the release itself, they were one
        uninterruptible block per series (a 10,000-poll contest's first average: ~80 pictures a series, 20-30 ms
        each, three series in one turn of its opening)."""
        styles = self._release_styles.get(id(layer))
        if styles is None:
            if not layer.cold():
                return True  # drawn ahead already (a later landing brings a few new pictures at most)
            styles = layer.styles_to_warm()
        done = layer.item.warm(styles, deadline) if styles else 0
        layer.warmed(styles[:done])
        if done < len(styles):
            self._release_styles[id(layer)] = styles[done:]
            return False
        self._release_styles.pop(id(layer), None)
        return True

    def _warm_next(self) -> None:
        """Draw, a few milliseconds per event-loop turn, the marker pictures of every point of every series: a pan
        or zoom into the campaign's earlier months then finds them drawn (rendering them was half of a pan's turn
        at 100,000 polls). Begun again after each show_data; an idle window finishes in a few turns."""
        deadline = time.perf_counter() + RELEASE_BUDGET_S
        while self._warming and time.perf_counter() < deadline:
            layer, styles = self._warming[0]
            if styles is None:
                layer.prepare_edits()
                styles = layer.styles_to_warm()
            done = layer.item.warm(styles, deadline)
            layer.warmed(styles[:done])
            if done >= len(styles):
                self._warming.pop(0)
            else:
                self._warming[0] = (layer, styles[done:])
        if (
            not self._warming
            and self._ahead is None
            and self._theme is not PROJECTOR
            and len(self._poll_list) >= PREWARM_FROM
        ):
            self._ahead = self._point_layers()
        # Then meeting mode's pictures (its marker sizes; the lead charts' white), into the atlas kept for it
        # (PointLayer.use_atlas): entering finds them drawn (drawing them there was 1,400 pictures, most of its turn)
        key, scale = theme_key(PROJECTOR), PROJECTOR.marker_scale / self._theme.marker_scale
        while self._ahead and time.perf_counter() < deadline:
            if self._ahead[0].warm_for(key, self._point_pens(self._ahead[0], PROJECTOR), scale, deadline):
                self._ahead.pop(0)
        if self._warming or self._ahead:
            # before a big contest's first average lands (expect_polls), gently: the average's worker is busy
            self._warm_timer.start(0 if self._last_data is not None else int(RELEASE_BUDGET_S * 1000))

    def _show_data(self, polls: Sequence[Poll], averages: PollAverages | None) -> Iterator[None]:
        """The polls and their averages into the charts' series, a chart at a time: a pause (yield) after the
        first-round chart's and after the lead charts', where a long landing goes on in the next turn (_landing)."""
        self._range_tokens = {}  # (a two-round contest's show_campaign and show_matchup_lead below name theirs)
        contest = self._contest
        if contest is None:
            return
        self._poll_list, self._poll_map = polls, None  # the map by id is built on first need (a tooltip)
        self._latest = None
        a, b = (averages.a, averages.b) if averages else (contest.candidates[0].code, contest.candidates[1].code)
        columns = averages.columns if averages is not None and averages.columns is not None else None
        if columns is None or len(columns) != len(polls):
            from warroom.core.averaging import ColumnBuilder

            columns = ColumnBuilder(contest).build(polls)
        self._last_data = (polls, averages)
        self._drawn = (averages, self._theme) if averages is not None else None
        if len(columns):
            self._latest = date.fromordinal(int(columns.end.max()))
        if len(columns) and not all(self._known_symbol(name) is not None for name in columns.names):
            # pollsters in order of first appearance (symbols are given in that order), found on the columns
            # (a sort of every poll's pollster: skipped when every pollster has its symbol already)
            _names, first = np.unique(columns.pollster, return_index=True)
            for k in columns.pollster[np.sort(first)]:
                if firm_key(columns.names[k]) not in self._pollster_symbol:
                    self._symbol_for(columns.names[k])
        n = len(columns)
        # The points' canonical order (by day, then poll id), and the columns gathered into it, made once for
        # every series (by the average's worker thread for a big contest): a series' points are a subsequence of
        # it, so each needs only a mask (at 100,000 polls a sort per series was 10 sorts, 60-80 ms of the turn in
        # which the average lands; the gathers another 20 ms).
        rows = columns.in_day_order
        o_sizes = point_size(rows.n) * self._theme.marker_scale
        symbol_by_name = np.array([self._known_symbol(name) or 0 for name in columns.names] or [0], dtype=np.int8)
        o_symbols = symbol_by_name[rows.pollster] if n else np.empty(0, dtype=np.int8)
        o_x, o_ids = day_to_epoch(rows.day), rows.ids
        shares = {c.code: rows.shares[columns.col(c.code)] for c in contest.candidates}

        def put(series: _Series, values: np.ndarray) -> None:
            mask = ~np.isnan(values)
            if mask.all():  # every poll has the figure (the usual case): no copies
                series.set_points_x(o_x, values, o_sizes, o_symbols, o_ids)
            else:
                series.set_points_x(o_x[mask], values[mask], o_sizes[mask], o_symbols[mask], o_ids[mask])

        for code, series in self._first.items():
            put(series, shares[code])
            average = averages.first_round.get(code) if averages else None
            series.set_average(average)
            band = averages.forecast.get(f"first:{code}") if averages else None
            series.set_forecast(average.days if average else None, *(band or (None, None)))
        yield
        assert self._lead1 and self._lead2_observed and self._lead2_implied
        lead = shares[a] - shares[b] if a in shares and b in shares else np.full(n, math.nan)
        put(self._lead1, lead)
        self._lead1.set_average(averages.first_lead if averages else None)
        band1 = averages.forecast.get("lead1") if averages else None
        self._lead1.set_forecast(averages.first_lead.days if averages else None, *(band1 or (None, None)))
        # id -> row, as an array: the runoff chart's points (which come as poll ids) look their size and
        # symbol up in one vectorised step.
        ids = columns.ids
        # at least one slot: polls not yet stored (ids below zero) alone made these arrays empty, and the next
        # change's look-ups (show_polls' latest end) raised on them
        self._row_of = np.full(max(int(ids.max()) + 2, 1) if len(ids) else 1, -1, dtype=np.int64)
        known = o_ids >= 0  # a poll not yet stored has no id to look up
        self._row_of[o_ids[known]] = np.arange(n)[known]
        self._end_by_id = np.full(len(self._row_of), -1, dtype=np.int64)
        self._x_by_id = np.full(len(self._row_of), np.nan)
        self._x_by_id[o_ids[o_ids >= 0]] = o_x[o_ids >= 0]
        known = ids >= 0
        self._end_by_id[ids[known]] = columns.end[known]
        self._sizes, self._symbols = o_sizes, o_symbols  # by place in the charts' order (_row_of)
        if averages is not None:
            obs, imp = averages.second_lead_observed, averages.second_lead_implied
            self._lead2_observed.set_points(
                obs.day, obs.value, self._sizes_for(obs.poll_id), self._symbols_for(obs.poll_id), obs.poll_id
            )
            self._lead2_implied.set_points(
                imp.day, imp.value, self._sizes_for(imp.poll_id), self._symbols_for(imp.poll_id), imp.poll_id
            )
        else:
            for series in (self._lead2_observed, self._lead2_implied):
                series.set_points(np.empty(0), np.empty(0), np.empty(0), [], np.empty(0, dtype=np.int64))
        self._lead2_observed.set_average(averages.second_lead if averages else None)
        band2 = averages.forecast.get("lead2") if averages else None
        self._lead2_observed.set_forecast(averages.second_lead.days if averages else None, *(band2 or (None, None)))
        self._lead2_implied.set_average(None)
        self._title_leads(averages)
        yield
        self._update_end_labels()
        if self._campaign is not None:  # a two-round contest's first round comes from its poll questions
            self.show_campaign(self._campaign, redraw=True)
        if self._matchup is not None:  # a two-round contest's chosen matchup stays on the runoff-lead chart
            self.show_matchup_lead(*self._matchup)
        if self.range_mode == "final":
            self.show_final_weeks()
        elif self.range_mode == "all":
            self.fit()
        self._place_pending_labels()
        self._refresh_selection()

    def _title_leads(self, averages: PollAverages | None) -> None:
        """The lead charts' titles: whose lead, and what the runoff line is made of."""
        contest = self._contest
        if contest is None:
            return
        a, b = (averages.a, averages.b) if averages else (contest.candidates[0].code, contest.candidates[1].code)
        # Say what the runoff line is made of: published head-to-heads (filled points) and runoffs implied by
        # first round and transfers (hollow); the scenario's baseline names the same source.
        n_pub = len(averages.second_lead_observed) if averages is not None else 0
        n_imp = len(averages.second_lead_implied) if averages is not None else 0
        name_a = bidi_isolated(contest.candidate(a).display) if a != "other" else a
        name_b = bidi_isolated(contest.candidate(b).display) if b != "other" else b
        made_of = f"{n_pub} published, {n_imp} implied"
        if averages is not None and averages.runoff_is_first_round:  # two candidates: no transfer to imply
            made_of = "the first round: two candidates, nobody's votes transfer"
        for key, title in (
            ("lead1", f"First-round lead: {name_a} minus {name_b} (points)"),
            ("lead2", f"Runoff lead: {name_a} minus {name_b} (points; {made_of})"),
        ):
            if self.plots[key].titleLabel.text != title:  # re-laying out a title costs more than the data
                _retitle(self.plots[key], title)

    def _rows_for(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        inside = (ids >= 0) & (ids < len(self._row_of))
        rows = np.full(len(ids), -1, dtype=np.int64)
        rows[inside] = self._row_of[ids[inside]]
        return rows

    def _sizes_for(self, ids: np.ndarray) -> np.ndarray:
        rows = self._rows_for(ids)
        return np.where(rows >= 0, self._sizes[rows] if len(self._sizes) else 7.0, 7.0)

    def _symbols_for(self, ids: np.ndarray) -> np.ndarray:
        rows = self._rows_for(ids)
        if not len(self._symbols):
            return np.zeros(len(ids), dtype=np.int8)
        return np.where(rows >= 0, self._symbols[rows], 0).astype(np.int8)

    def show_annotations(self, annotations: Sequence[Annotation]) -> None:
        if list(annotations) == self._annotations and len(self._annotation_items) == len(annotations) * len(self.plots):
            return  # the markers shown (a contest renamed or recoloured announces its markers again as they are)
        self._annotations = list(annotations)
        for item in self._annotation_items:
            vb = item.getViewBox()
            if vb is not None:
                vb.removeItem(item)
        self._annotation_items = []
        for note in annotations:
            for key, plot in self.plots.items():
                line = pg.InfiniteLine(
                    pos=float(day_to_epoch(note.when.toordinal())),
                    angle=90,
                    pen=pg.mkPen("#6a3d9a", width=1.5, style=Qt.PenStyle.DotLine),
                    # pyqtgraph formats the label (str.format, value=): braces in a note are text
                    label=_format_text(drawable(note.text)) if key == "first" else None,
                    # Written up the line from its start near the chart's foot (_fit_event_labels elides it to the
                    # chart's height): centred there, half of every note fell below the axis ("bate night")
                    labelOpts={
                        "position": EVENT_LABEL_AT,
                        "color": "#6a3d9a",
                        "rotateAxis": (1, 0),
                        "anchors": [(0, 0), (0, 1)],
                    }
                    if key == "first"
                    else None,
                )
                line._warroom_note = drawable(note.text)  # type: ignore[attr-defined]
                line.setToolTip(literal_tip(f"{note.when:%d %b %Y}: {note.text}"))
                plot.addItem(line, ignoreBounds=True)
                self._annotation_items.append(line)
        self._theme_labels()

    def select_poll(self, poll_id: int | None) -> None:
        """Ring the poll's points on every chart (from a table selection)."""
        self.finish_landing()
        self._selected = poll_id
        self._refresh_selection()

    def settle_ranges(self) -> None:
        """Fit the charts' value axes to their new data now, not while they paint (pyqtgraph fits them in the paint,
        and the new range then asked for a second paint of every chart that changed).

        A two-round chart showing what it showed before (a matchup or list switched back to: the very objects the
        controller keeps, at the same x-range, size and selection) gets the y-range pyqtgraph fitted to it then,
        set as its autorange sets it (no padding, autorange kept on): fitting walked every item's bounds, the
        largest part of a switch's Python work after the recompute (benchmarks/bench_two_round_switch.py)."""
        self.finish_landing()
        settled = []
        for key, plot in self.plots.items():
            vb = plot.getViewBox()
            if not vb._autoRangeNeedsUpdate:
                vb.updateMatrix()
                continue
            settled.append(vb)
            token = self._range_tokens.get(key)
            auto = vb.state["autoRange"]
            if token is None or auto[0] is not False or auto[1] is False:
                vb.prepareForPaint()
                continue
            # a chart fitted to its value extent has one range for every choice: the choice is not part of the key
            which = ("extent", id(self._value_ranges[key])) if key in self._value_ranges else token
            memo = (key, which, *vb.viewRange()[0], vb.width(), vb.height(), self._selected)
            y = self._ranges.get(memo)
            if y is None:
                vb.prepareForPaint()
                if len(self._ranges) >= 4 * MAX_KEPT_POINTS:
                    self._ranges.clear()
                self._ranges[memo] = (float(vb.viewRange()[1][0]), float(vb.viewRange()[1][1]))
                continue
            vb.setRange(yRange=y, padding=0.0, disableAutoRange=False)
            vb._autoRangeNeedsUpdate = False
            vb.updateMatrix()
        # The new range moved the end and election-day labels, and pyqtgraph takes any child's move for a change of
        # the data's bounds: it fitted every chart it had just fitted once more in the paint. Those labels (like
        # the grid) are added with ignoreBounds, so that second fit could only give the same range.
        # (placed first: with a value axis that stays put, no range change places them on the way)
        self._labels_held = False  # (an average landing's ranges are final now)
        self._place_pending_labels()
        for vb in settled:
            vb._autoRangeNeedsUpdate = False

    def _children_bounds(
        self,
        key: str,
        vb: pg.ViewBox,
        items_bounds: Callable[..., list[Any]],
        frac: Sequence[float] | None = None,
        orthoRange: Sequence[Sequence[float] | None] = (None, None),
        items: Sequence[QGraphicsItem] | None = None,
    ) -> list[Any]:
        """pyqtgraph's ViewBox.childrenBounds for a value axis fitted to the visible dates (the dates' own autorange
        off), measured on the arrays the chart holds: each series' band, line and points (value_bounds) in a few
        numpy steps, not asked of each item (its dataBounds both ways, a rectangle mapped to the view: most of a
        fit's Python work, several fits in the turn a big contest's average lands). The items are counted as
        pyqtgraph counts them (visible, in the scene, in the view's list of what it fits), padded as it pads them
        (by the pixel size of the span found), so the range is pyqtgraph's own (tests/ui/test_value_fit.py);
        any other ask goes to pyqtgraph."""
        x_range = orthoRange[1] if len(orthoRange) > 1 else None
        if (
            items is not None
            or x_range is None
            or orthoRange[0] is not None
            or vb.state["autoRange"][0] is not False
            or (frac is not None and tuple(frac) != (1.0, 1.0))
        ):
            return items_bounds(frac=frac, orthoRange=orthoRange, items=items)
        measured: dict[int, tuple[float, float, float] | None] = {}
        for series in self._series_of(key):
            for item, bounds in series.value_bounds(x_range):
                measured[id(item)] = bounds
        scene = vb.scene()
        spans = []
        for item in vb.addedItems:
            if not item.isVisible() or item.scene() is not scene:
                continue
            bounds = measured[id(item)] if id(item) in measured else _item_y_bounds(vb, item, x_range)
            if bounds is not None:
                spans.append(bounds)
        if not spans:
            return [None, None]
        lo, hi = min(b[0] for b in spans), max(b[1] for b in spans)
        height = vb.height()
        if height > 0:
            px = (hi - lo) / height
            lo = min([lo, *(b[0] - b[2] * px for b in spans if b[2])])
            hi = max([hi, *(b[1] + b[2] * px for b in spans if b[2])])
        return [None, [lo, hi]]

    def set_value_extents(self, extents: Mapping[str, ValueExtent] | None) -> None:
        """A two-round contest's value extents over every matchup and list, by chart (core campaign_extents; None:
        none): each chart's value axis is fitted to its extent in the window shown instead of to the choice shown,
        so a matchup or list switch leaves the axis still and every choice is read on one scale. The chart's data
        items no longer count in its fit (they lie within the extent); the value axis' tooltip says so."""
        self.finish_landing()
        for key, item in self._value_ranges.items():
            vb = self.plots[key].getViewBox()
            if item in vb.addedItems:
                vb.removeItem(item)
            for series in self._series_of(key):  # the data items count in the fit again
                for held in (series.band, series.line, series.points):
                    if held.scene() is not None and held not in vb.addedItems:
                        vb.addedItems.append(held)
            if vb.state["autoRange"][1] is not False:
                vb.updateAutoRange()
        self._value_ranges = {}
        self._ranges = {}
        for plot in self.plots.values():
            plot.getAxis("left").setToolTip("")
        if not extents or self._campaign is None:
            return
        sizes = {"first": 7.0, "lead1": 7.0, "lead2": 8.0}  # the question points' marker sizes (_show_campaign)
        for key, extent in extents.items():
            if key not in self.plots:
                continue
            vb = self.plots[key].getViewBox()
            size = sizes.get(key, 8.0)
            item = ValueRange(extent, partial(self._marker_padding, size))
            vb.addItem(item)  # counted in the fit
            for series in self._series_of(key):
                for held in (series.band, series.line, series.points):
                    if held in vb.addedItems:  # (pyqtgraph's list of what its autorange fits)
                        vb.addedItems.remove(held)
            self._value_ranges[key] = item
            self.plots[key].getAxis("left").setToolTip(STILL_AXIS_TIP)
            if vb.state["autoRange"][1] is not False:
                vb.updateAutoRange()
        self._place_end_labels()

    def draw_ahead(self, chart: CampaignChart, lead: Sequence[Any]) -> None:
        """Draw a two-round choice (its first round and the runoff lead as show_matchup_lead takes it: days, leads,
        pollsters, average, title) off screen, at idle, so that its kept pictures and styled points are ready before
        it is picked: a first switch to it then costs what a switch back does. What the charts show is put back in
        the same call (nothing is painted in between); the kept pictures bound what is drawn ahead."""
        self.finish_landing()
        shown, matchup = self._campaign, self._matchup
        if shown is None or matchup is None or self._lead1 is None or not self._value_ranges:
            return  # (drawn ahead only once the value axes stay put: every choice is then drawn at one range)
        view = self._layout_widget
        port = view.viewport()
        with self._switching("first", "lead1", "lead2"):
            self._show_campaign(chart, redraw=False)
            self._show_matchup_lead(_Matchup(*lead))
        self.settle_ranges()
        ratio = port.devicePixelRatioF()
        image = QImage(
            max(1, round(port.width() * ratio)),
            max(1, round(port.height() * ratio)),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.setDevicePixelRatio(ratio)
        painter = QPainter(image)
        view.render(painter, QRectF(0, 0, port.width(), port.height()), port.rect())
        painter.end()
        with self._switching("first", "lead1", "lead2"):
            self._show_campaign(shown, redraw=False)
            self._show_matchup_lead(matchup)
        self.settle_ranges()

    def _marker_padding(self, size: float) -> float:
        """The room a question point of this size takes around its value, in pixels (ScatterPlotItem.pixelPadding
        of a point with the 1.5 px pen the series' points have)."""
        return (size * self._theme.marker_scale + 1.5) * 0.7072

    def _shows(self, key: str, *data: object, extra: object = None) -> None:
        """Chart `key` now shows these objects (None: data settle_ranges cannot name, such as a poll update), and
        `extra` (a hashable summary of figures made anew each time)."""
        if not data or any(d is None for d in data):
            self._range_tokens[key] = None
            return
        token = tuple(id(d) for d in data) + ((extra,) if extra is not None else ())
        if len(self._range_refs) >= 4 * MAX_KEPT_POINTS:
            self._range_refs.clear()
            self._ranges.clear()
        self._range_refs[token] = data
        self._range_tokens[key] = token

    def curve_data(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Average line data for tests and exports: key is a candidate code, 'lead1' or 'lead2'."""
        self.finish_landing()
        series = {"lead1": self._lead1, "lead2": self._lead2_observed}.get(key) or self._first[key]
        return series.x, series.mean  # the whole line (its item holds the visible part)

    def show_matchup_lead(
        self,
        days: Sequence[float] | np.ndarray,
        leads: Sequence[float] | np.ndarray,
        pollsters: Sequence[str],
        average: AverageSeries,
        title: str,
        tooltip: str = "",
        points: str = "published head-to-head",
    ) -> None:
        """Put one runoff matchup's published head-to-heads (a two-round contest's chosen pair) on the runoff-lead
        chart instead of the store's pair: points (ordinal days, A minus B), their average and the title.
        The implied-by-transfers series is cleared: a two-round runoff is a new election, not a recount.
        An instant-runoff contest puts its chain's final pair here the same way (`points` names its points in
        the legend, `tooltip` says how they are made)."""
        self.finish_landing()
        with self._switching("lead2"):
            self._show_matchup_lead(_Matchup(days, leads, pollsters, average, title, tooltip, points))
        self._note_empty(not self._has_polls())

    def _show_matchup_lead(self, matchup: _Matchup) -> None:
        self._matchup = matchup
        days, leads, pollsters, average, title, tooltip, points = matchup
        if self._lead2_observed is None or self._lead2_implied is None:
            return
        # Neither an implied runoff nor a forecast band is drawn here: their keys go (set_contest puts them back).
        # The key is laid out again only when an entry went or came (another matchup keeps the same key).
        legend = self._legend_lead2
        named = [label.text for _sample, label in legend.items]
        gone = ["implied by transfers", "90 %: where the result may land"]
        if len(average.days) and not np.any(average.upper > average.lower):  # no band drawn: none named
            gone.append("90 %: where the polls stand")
        if points != "published head-to-head":
            gone.append("published head-to-head")
        changed = False
        for name in gone:
            if name in named:
                legend.removeItem(name)
                changed = True
        if points not in named:
            legend.addItem(self._lead2_observed.line, points)
            changed = True
        if self.plots["lead2"].titleLabel.explanation != tooltip:
            self.plots["lead2"].titleLabel.set_explanation(tooltip)
        if changed:
            self._fit_legends()
        # (named by its points: the controller keeps one MatchupLead per pair, whose average.lead is made anew)
        # (and by its average's figures: the picture kept for the chart shows them)
        self._shows("lead2", days, leads, pollsters, extra=_digest(average))
        self._lead2_observed.show_kept_points(self._question_points((days, leads, pollsters), 8.0))
        self._lead2_observed.set_average(average)
        self._lead2_observed.set_forecast(None, None, None)
        if len(self._lead2_implied.layer.get_data()[0]) or len(self._lead2_implied.points.data):
            self._lead2_implied.set_points(np.empty(0), np.empty(0), np.empty(0), [], np.empty(0, dtype=np.int64))
        self._lead2_implied.set_average(None)
        if self.plots["lead2"].titleLabel.text != title:
            self.plots["lead2"].setTitle(title)
        self._update_end_labels(defer=True, keys=(LEAD_LABEL["lead2"],))

    def show_campaign(self, chart: CampaignChart, *, redraw: bool = False) -> None:
        """A two-round contest's first round from its poll questions (several lists per poll): each candidate's
        average and every question's share, and the first-round lead of the chosen pair."""
        self.finish_landing()
        with self._switching("first", "lead1"):
            self._show_campaign(chart, redraw=redraw)
        self._note_empty(not self._has_polls())

    def _show_campaign(self, chart: CampaignChart, *, redraw: bool) -> None:
        last, self._campaign = self._campaign, chart
        if self._lead1 is None or self._contest is None:
            return
        if last is None:
            self._paint_uncached()
        if last is None or last.blackouts != chart.blackouts or redraw:
            self._show_blackouts(chart.blackouts)
        # Another pair or list over the same polls: the points (and for another pair the averages) are the very
        # objects already shown, and are left as they are.
        same_points = last is not None and last.points is chart.points and not redraw
        same_first = same_points and last is not None and last.first is chart.first

        def points(series: _Series, pts: tuple[tuple[float, ...], tuple[float, ...], tuple[str, ...]]) -> None:
            series.show_kept_points(self._question_points(pts, 7.0))

        if not same_first:
            self._shows("first", chart.first, chart.points)
        self._shows("lead1", chart.lead, chart.lead_points)
        for code, series in () if same_first else self._first.items():
            series.set_average(chart.first.get(code))
            series.set_forecast(None, None, None)
            if not same_points:
                points(series, chart.points.get(code, ((), (), ())))
        self._lead1.set_average(chart.lead)
        self._lead1.set_forecast(None, None, None)
        points(self._lead1, chart.lead_points)
        contest = self._contest
        names = {c.code: bidi_isolated(c.display) for c in contest.candidates}
        title = f"First-round lead: {names.get(chart.a, chart.a)} minus {names.get(chart.b, chart.b)} (points)"
        if self.plots["lead1"].titleLabel.text != title:
            self.plots["lead1"].setTitle(title)
        # (another pair over the same list: the first-round chart's lines, and so their labels, are as they were)
        self._update_end_labels(defer=True, keys=(LEAD_LABEL["lead1"],) if same_first else None)
        if self.range_mode == "final":
            self.show_final_weeks()

    def _paint_uncached(self) -> None:
        """A two-round contest's charts paint their lines and points afresh: their pixmap caches (kept for a big
        poll list, where a new poll changes one series of many) never served a switch (each matchup or list hands
        the items new data or moves the value axis, and a repaint then drew every item into its cache and the cache
        onto the screen), and drawing into them was a third of the first-round chart's repaint on a list switch
        (benchmarks/bench_two_round_switch.py). set_contest makes cached items again for the next contest.

        Instead each chart's data items are painted by its two DataPictures (bands; points and lines), which keep
        what they painted per matchup or list: a switch back replays one picture per run of items."""
        for series in [*self._first.values(), self._lead1, self._lead2_observed, self._lead2_implied]:
            if series is not None:
                series.line.setCacheMode(QGraphicsItem.CacheMode.NoCache)
                series.points.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        for key, pictures in self._pictures.items():
            shown = self._series_of(key)
            # the bands with the forecast bands behind them if nothing stands between (the lead charts' zero line
            # does: their forecast bands, empty for a two-round contest, then paint themselves)
            with_forecasts: list[QGraphicsItem] = [i for s in shown for i in (s.forecast, s.band)]
            bands: list[QGraphicsItem] = [s.band for s in shown]
            marks: list[QGraphicsItem] = [i for s in shown for i in (s.points, s.line)]
            plot = self.plots[key]
            low = _unbroken_run(plot, with_forecasts, pictures) or _unbroken_run(plot, bands, pictures)
            for picture, run in zip(pictures, (low, _unbroken_run(plot, marks, pictures)), strict=True):
                if run is not None:
                    picture.hold(run)

    def _series_of(self, key: str) -> list[_Series]:
        found = list(self._first.values()) if key == "first" else []
        if key == "lead1":
            found = [self._lead1] if self._lead1 is not None else []
        elif key == "lead2":
            found = [s for s in (self._lead2_observed, self._lead2_implied) if s is not None]
        return found

    @contextmanager
    def _switching(self, *keys: str) -> Iterator[None]:
        """A matchup or list's kept state handed to these charts: their data pictures keep their copies."""
        pictures = [picture for key in keys for picture in self._pictures[key]]
        for picture in pictures:
            picture.quiet = True
        try:
            yield
        finally:
            for picture in pictures:
                picture.quiet = False

    def data_pictures(self, key: str) -> tuple[DataPicture, DataPicture]:
        """The chart's two data pictures (bands; points and lines), for tests and the benchmark."""
        return self._pictures[key]

    def _question_points(
        self, pts: tuple[Sequence[float] | np.ndarray, Sequence[float] | np.ndarray, Sequence[str]], size: float
    ) -> _PointArrays:
        """A two-round contest's question points (ordinal days, values, pollsters) as _Series.set_points takes them:
        days, values, marker sizes, symbols and ids (none: -1). Worked out once per points object (the controller
        keeps each matchup's and each list's): switching back to a matchup or list only hands the arrays over."""
        days, values, pollsters = pts
        key = (id(days), size * self._theme.marker_scale)
        kept = self._points_kept.get(key)
        if kept is not None and all(a is b for a, b in zip(kept[0], pts, strict=True)):
            return kept[1]
        if len(self._points_kept) >= MAX_KEPT_POINTS:  # (an instant-runoff contest's pair lead comes anew each time)
            self._points_kept.clear()
        self._pollster_keys_for(pollsters)
        n = len(days)
        sizes = np.full(n, size * self._theme.marker_scale)
        symbols = np.array([self._pollster_symbol[firm_key(p)] for p in pollsters] or [0], dtype=np.int8)[:n]
        out = (np.asarray(days, dtype=float), np.asarray(values, dtype=float), sizes, symbols, np.full(n, -1, np.int64))
        self._points_kept[key] = (tuple(pts), out)
        return out

    def _pollster_keys_for(self, pollsters: Sequence[str]) -> None:
        """A symbol for each new pollster, and its key under the first-round lead chart (as show_data does)."""
        for name in dict.fromkeys(pollsters):
            if firm_key(name) in self._pollster_symbol:
                continue
            code = len(self._pollster_symbol) % len(SYMBOLS)
            self._pollster_symbol[firm_key(name)] = code
            if len(self._pollster_symbol) <= MAX_POLLSTER_KEYS:
                key = pg.ScatterPlotItem(
                    symbol=SYMBOLS[code], size=9, pen=pg.mkPen(self._theme.foreground), brush=pg.mkBrush(None)
                )
                self._pollster_keys[name] = key
                self._legend_lead1.addItem(key, as_html(_key_name(name)))
            elif len(self._pollster_symbol) == MAX_POLLSTER_KEYS + 1:
                self._legend_lead1.addItem(pg.ScatterPlotItem(size=0), "and more (hover a poll)")
            else:
                continue
            self._legend_fit_pending()

    def _legend_fit_pending(self) -> None:
        QTimer.singleShot(0, self, self._fit_legends)  # once the new entries' text has its size

    def blackouts(self, key: str = "first") -> list[tuple[float, float]]:
        """The publication blackouts shaded on one chart, (start, end) in epoch seconds."""
        return [(float(r[0]), float(r[1])) for k, item in self._blackout_items if k == key for r in [item.getRegion()]]

    def _show_blackouts(self, days: Sequence[tuple[float, float]]) -> None:
        """Shade each legal publication blackout (ordinal first and last day) on every chart."""
        for key, item in self._blackout_items:
            self.plots[key].removeItem(item)
        self._blackout_items = []
        tip = "Legal blackout: no poll may be published or commented on (loi n° 77-808, art. 11)"
        for key in ("first", "lead1", "lead2"):
            for first, last in days:
                x0, x1 = (float(v) for v in day_to_epoch(np.array([first, last + 1.0])))
                item = BlackoutRegion((x0, x1), movable=False, brush=pg.mkBrush(128, 128, 128, 40), pen=pg.mkPen(None))
                item.setZValue(-20)
                item.setToolTip(tip)
                self.plots[key].addItem(item, ignoreBounds=True)
                self._blackout_items.append((key, item))

    def band_data(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        self.finish_landing()
        series = {"lead1": self._lead1, "lead2": self._lead2_observed}.get(key) or self._first[key]
        return np.asarray(series.lower), np.asarray(series.upper)

    def point_data(self, key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x, y, poll ids) of the points of a series: candidate code, 'lead1', 'lead2' or 'lead2_implied'."""
        self.finish_landing()
        series = {"lead1": self._lead1, "lead2": self._lead2_observed, "lead2_implied": self._lead2_implied}.get(
            key
        ) or self._first[key]
        x, y, _ids = series.layer.get_data()
        return np.asarray(x), np.asarray(y), series.poll_ids

    def pollster_symbol(self, pollster: str) -> str | None:
        code = self._pollster_symbol.get(firm_key(pollster))
        return None if code is None else SYMBOLS[code]

    def apply_theme_when_shown(self, theme: Theme) -> None:
        """apply_theme now if the charts are on screen; if not (meeting mode opening on its answer), in a later
        event-loop turn of its own, or as they are shown or read for an export (apply_due_theme), whichever comes
        first: never half in one theme on screen, and the turn that enters meeting mode does not restyle charts
        nobody sees (their markers, fonts and labels: 60-70 ms of it at 100,000 polls)."""
        if self.isVisible():
            self.apply_theme(theme)
            return
        self._theme_due = theme
        QTimer.singleShot(0, self, self.apply_due_theme)

    def apply_due_theme(self) -> None:
        """The theme apply_theme_when_shown left for later, applied now (nothing if none is due)."""
        theme, self._theme_due = self._theme_due, None
        if theme is not None:
            self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        self.finish_landing()
        self._theme_due = None
        before, self._theme = self._theme, theme
        self._ranges = {}  # marker sizes (part of what autorange fits) follow the theme
        for series in [*self._first.values(), self._lead1, self._lead2_observed, self._lead2_implied]:
            if series is not None:
                series.forget_kept_points()  # (their pens and brushes follow the theme)
        self._layout_widget.setBackground(theme.background)
        font = QFont()
        font.setPointSize(theme.font_pt)
        for key, plot in self.plots.items():
            for name in ("left", "bottom"):
                plot.getAxis(name).setStyle(tickFont=font)
            size_axes(plot, font)
            plot.titleLabel.setAttr("size", f"{theme.font_pt + 2}pt")
            ink_plot(plot, theme)
            if key in self._grids:
                self._grids[key].set_colour(theme.grid)
        for series in self._first.values():
            series.line.setPen(pg.mkPen(series.line.opts["pen"].color(), width=theme.line_width))
        # The lead charts are drawn in the theme's foreground colour: white on a projector, dark on paper.
        fg = QColor(theme.foreground)
        band = QColor(fg)
        band.setAlpha(theme.band_alpha // 2)
        restyled: set[int] = set()
        for lead in (self._lead1, self._lead2_observed):
            if lead is not None:
                lead.line.setPen(pg.mkPen(fg, width=theme.line_width))
                pen, brush = _lead_point_style(theme.foreground)
                if lead.points.opts["pen"] is not pen or lead.points.opts["brush"] is not brush:
                    # (once for the item, its points' pictures found below in one pass: not once per setter)
                    lead.points.setPen(pen, update=False)
                    lead.points.setBrush(brush, update=False)
                    restyled.add(id(lead.layer))
                lead.band.setBrush(pg.mkBrush(band))
                lead.style_forecast(fg, theme)
        # Each series' pictures from its atlas for this theme, found once for the points handed over below
        restyled.update(id(layer) for layer in self._point_layers() if layer.use_atlas(theme_key(theme), look_up=False))
        for legend in (self._legend_lead1, self._legend_lead2):
            legend.setBrush(
                pg.mkBrush(
                    QColor(theme.background).red(),
                    QColor(theme.background).green(),
                    QColor(theme.background).blue(),
                    200,
                )
            )
            legend.setLabelTextColor(theme.foreground)
            legend.setLabelTextSize(f"{max(8, theme.font_pt - 1)}pt")
            for key in self._pollster_keys.values():
                key.setPen(pg.mkPen(theme.foreground))
                key.setSize(9 * theme.marker_scale)
            for _sample, label in legend.items:  # existing entries keep their old colour otherwise
                label.setText(label.text, color=theme.foreground, size=f"{max(8, theme.font_pt - 1)}pt")
        self._theme_labels()
        if self._last_data is not None and self._contest is not None:
            if self._rescale_points(before, theme):
                restyled.update(id(layer) for layer in self._point_layers())
            else:
                self.show_data(*self._last_data)  # marker sizes follow the theme
                self.settle_points()  # all at once: the whole picture changes style in one step
        for layer in self._point_layers():
            if id(layer) in restyled and len(layer.item.data):
                layer.item.updateSpots()  # (points not handed over again: their places in the new atlas; else free)

    def _rescale_points(self, before: Theme, theme: Theme) -> bool:
        """The points drawn in theme `before` at `theme`'s marker sizes, in place (PointLayer.rescale_sizes): the
        polls, their averages and the view are the same, so nothing is handed over again; the value axes are fitted
        again to the new sizes. False (nothing done) unless every series was drawn whole by show_data and none is
        waiting to be handed its points: a two-round or instant-runoff chart's points (show_campaign,
        show_matchup_lead), a contest with no polls, or points show_data is still releasing are drawn by it."""
        layers = self._point_layers()
        if self._campaign is not None or self._matchup is not None or not self._poll_list or self._unreleased:
            return False
        old, new = before.marker_scale, theme.marker_scale
        for layer in layers:
            layer.rescale_sizes(old, new)
        if len(self._sizes) and old != new:  # (what a poll added later is sized from: _sizes_for)
            base = np.round(self._sizes / old * 2.0) / 2.0
            self._sizes = np.where(base * old == self._sizes, base * new, self._sizes)
        drawn = self._drawn
        if drawn is not None and drawn[1] is before:
            self._drawn = (drawn[0], theme)
        if self.isVisible():
            self.settle_ranges()
        return True

    def fit(self) -> None:
        """The whole campaign: every poll and the election day."""
        self.finish_landing()
        self.range_mode = "all"
        self._applying_range = True
        try:
            for plot in self.plots.values():
                plot.enableAutoRange()
            self._fit_x_to(None)
        finally:
            self._applying_range = False

    def final_weeks_window(self) -> tuple[float, float] | None:
        """The default window in ordinal days: FINAL_WEEKS_DAYS before the latest poll or the election day
        (whichever is earlier) to the later of the two, plus room for the end labels; the weeks before polling
        day with no data; None with no contest."""
        contest = self._contest
        if contest is None:
            return None
        if self._latest is None:
            self._latest = max((p.fieldwork_end for p in self._polls().values()), default=None)
        latest = self._latest
        election = contest.election_date.toordinal()
        last_question = self._campaign.latest if self._campaign is not None else 0.0
        # With no poll at all (a race set up from last election's ballots) the weeks before polling day are
        # shown, not an autoranged empty view whose axis read as seconds around 1970.
        last = max(latest.toordinal() if latest is not None else 0, int(last_question)) or election
        # The election day is shown when it is near; a campaign months before the vote ends at the latest poll.
        end = max(last, election) if election - last <= FINAL_WEEKS_DAYS else last
        start = min(last, election) - FINAL_WEEKS_DAYS
        return float(start), float(end + 1 + END_LABEL_ROOM * (end + 1 - start))

    def show_final_weeks(self) -> None:
        """The default view: the final weeks (see final_weeks_window), value axes fitted to what is shown."""
        self.finish_landing()
        self.range_mode = "final"
        window = self._final_window = self.final_weeks_window()
        self._applying_range = True
        try:
            for plot in self.plots.values():
                plot.enableAutoRange(axis=pg.ViewBox.YAxis)
            self._fit_x_to(window)
        finally:
            self._applying_range = False

    def visible_days(self) -> tuple[float, float]:
        """The shared x-range in ordinal days (fractional)."""
        x0, x1 = self.plots["first"].getViewBox().viewRange()[0]
        return (x0 - 43200.0) / 86400.0 + EPOCH_ORDINAL, (x1 - 43200.0) / 86400.0 + EPOCH_ORDINAL

    def end_label_text(self, key: str) -> str:
        """The value written at the end of a line: candidate code, 'lead1' or 'lead2' ('' when hidden)."""
        self.finish_landing()
        label = self._end_labels.get(self._label_key(key))
        return label.toPlainText() if label is not None and label.isVisible() else ""

    def end_label(self, key: str) -> pg.TextItem | None:
        """The text item written at the end of a line (see end_label_text), for tests and exports."""
        self.finish_landing()
        return self._end_labels.get(self._label_key(key))

    def _label_key(self, key: str) -> str:
        """An end label's key for a candidate code (first) or 'lead1'/'lead2' (LEAD_LABEL)."""
        return key if key in self._first else LEAD_LABEL.get(key, key)

    def single_chart(self, key: str, width: int, height: int) -> ChartPanel:
        """A new panel showing only chart `key` at width x height, with this panel's data, theme and dates:
        for exports at a size of their own (a 16:9 slide). Laid out but never shown on screen; the caller
        disposes of it (dispose())."""
        self.finish_landing()
        if key not in self.plots:
            raise KeyError(f"no chart {key!r} (choose from {', '.join(self.plots)})")
        self.apply_due_theme()  # (an export made in meeting mode before its charts were shown)
        # Type, lines and markers grow with the picture: a 1080-line slide gets twice the screen's sizes.
        scale = max(1.0, height / 540)
        theme = replace(
            self._theme,
            font_pt=max(self._theme.font_pt, round(LIGHT.font_pt * scale)),
            line_width=max(self._theme.line_width, LIGHT.line_width * scale),
            marker_scale=max(self._theme.marker_scale, scale),
        )
        panel = ChartPanel(theme=theme)
        if self._contest is not None:
            panel.set_contest(self._contest)
        panel.show_annotations(self._annotations)
        if self._last_data is not None:
            panel.show_data(*self._last_data)
            panel.settle_points()
        for row, other in enumerate(panel.plots):
            if other == key:
                continue
            plot = panel.plots[other]
            panel._layout_widget.ci.removeItem(plot)
            panel._layout_widget.ci.layout.setRowStretchFactor(row, 0)  # the empty row takes no height
            plot.hide()
        if key != "first":  # the others followed "first" on the date axis; now this one stands alone
            panel.plots[key].setXLink(None)
        panel._stacked = False  # (its height is the one chart's: none shared out, no scrolling)
        panel._layout_widget.ci.setSpacing(0)  # no gaps left by the rows taken out
        panel._layout_widget.ci.setContentsMargins(0, 0, 0, 0)  # the chart is the whole picture ...
        panel.plots[key].layout.setContentsMargins(16, 12, 24, 12)  # ... with its own room at the edges
        panel.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        panel.resize(width, height)
        panel.show()
        QApplication.processEvents()
        (x0, x1) = self.plots["first"].getViewBox().viewRange()[0]
        panel.range_mode = self.range_mode
        panel.plots[key].getViewBox().setXRange(x0, x1, padding=0)
        panel.plots[key].enableAutoRange(axis=pg.ViewBox.YAxis)
        QApplication.processEvents()
        return panel

    @contextmanager
    def points_held(self) -> Iterator[None]:
        """Hand no series its points until the block ends, then each once, for the view it ends on (PointLayer.hold):
        a window laid out anew resizes the charts, and each step's linked x-ranges re-sliced every series' points."""
        self.finish_landing()
        layers = [layer for layer in self._point_layers() if not layer.held]
        for layer in layers:
            layer.hold()
        try:
            yield
        finally:
            for layer in layers:
                layer.release()

    @contextmanager
    def exportable(self, key: str) -> Iterator[pg.PlotItem]:
        """Chart `key` to export as on screen: the window's own, or, when a short screen took its date axis
        (_fit_heights), the same chart laid out alone at its size with its dates (single_chart), disposed after."""
        self.finish_landing()
        plot = self.plots[key]
        if plot.getAxis("bottom").isVisible() or not self._stacked:
            yield plot
            return
        date_axis = self.plots["lead2"].getAxis("bottom").height()
        # (its plot as on screen: single_chart's room at the edges, 16 + 24 and 12 + 12 px, and the dates added)
        panel = self.single_chart(key, round(plot.width()) + 40, round(plot.height() + date_axis) + 24)
        try:
            yield panel.plots[key]
        finally:
            panel.dispose()

    def dispose(self) -> None:
        """Close and delete a panel made by single_chart now, while its Python side is still whole (left to the
        garbage collector, Qt can call into items whose Python half is already gone)."""
        self.close()
        self.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)

    def fit_layout(self) -> None:
        """Fit the keys and the charts' heights now (_fit_legends) and lay the charts out at them, for a caller about
        to fit the value axes and paint in this turn: left to the later turn a resize asks for, the charts were
        painted at the heights they were first given, then laid out again and painted a second time (leaving meeting
        mode at 100,000 polls: 20-50 ms of it)."""
        view = self._layout_widget
        for _ in range(FIT_PASSES):
            # (a key laid out for the projector's type held the charts wider than the view: each pass fits it to
            # the width the charts have now, until they keep their places)
            before = [plot.geometry() for plot in self.plots.values()]
            self._fit_legends()
            # (the keys' and charts' own layouts, asked for by the fit, laid out now, then the charts' grid)
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
            view.ci.layout.activate()
            if [plot.geometry() for plot in self.plots.values()] == before:
                break

    def legends(self) -> dict[str, pg.LegendItem]:
        """The legends that remain (each below its chart's date axis), by chart key."""
        return {"lead1": self._legend_lead1, "lead2": self._legend_lead2}

    # --- private --------------------------------------------------------------------------------------------

    def _describe(self) -> None:
        """The charts' accessible description: each chart's whole title (a title elided to fit is whole here) and
        the figures its lines end on, as their end labels write them ("latest: Johnson 43.2, Livingstone 40.1"):
        a screen reader heard the titles and no number."""
        lines = []
        ends = getattr(self, "_end_values", {})
        wanted = getattr(self, "_end_wanted", {})
        for key, plot in getattr(self, "plots", {}).items():
            title = str(getattr(plot.titleLabel, "text", ""))
            if key == "first":
                shown = sorted((k for k in ends if k in self._first and k in wanted), key=lambda k: -ends[k][1])
                figures = ", ".join(f"{wanted[k][0]} {wanted[k][1]}" for k in shown)
            else:
                own = LEAD_LABEL.get(key, key)
                figures = wanted[own][1] if own in ends and own in wanted else ""
            lines.append(f"{title}; latest: {figures}" if figures else title)
        described = "\n".join(lines)
        if described != self._layout_widget.accessibleDescription():
            self._layout_widget.setAccessibleDescription(described)

    def _fit_legends(self) -> None:
        """Lay each key out in as many columns as its chart's width holds: the pollster key (a laptop's chart
        cut "Kantar Public" to "Kantar Pub" at six columns), and the runoff key once entries left it (a gap
        where they were took a row of its own); then share the height out (_fit_heights)."""
        view = self._layout_widget
        # The key sits under the date axis, as wide: the width the chart has once the charts fit the view. (A key
        # laid out for a wider window held the charts wider than a narrower one, past its right edge, titles and
        # dates cut there; measured on the chart, it then kept its columns.)
        overflow = max(0.0, view.ci.width() - view.viewport().width()) if self._stacked else 0.0
        width = self.plots["lead1"].getViewBox().width() - overflow
        _fit_legend(self._legend_lead1, width)
        _fit_legend(self._legend_lead2, width, most=2)
        if self._stacked and self.isVisible():  # (hidden, its area has no height yet: fitted when shown and sized)
            self._fit_heights()
            if view.ci.geometry() != view.range:  # (the view sets it only on its own resize)
                view.ci.setGeometry(view.range)  # narrower or shorter again, now the keys and least heights are

    def _fit_heights(self) -> None:
        """Share the charts' height out: every chart keeps MIN_PLOT pixels of plot, the upper charts' date axes
        giving up their rows on a short chart area and the area scrolling when even that is too short (see
        MIN_PLOT); the first-round chart keeps at least the lead charts' plot, and with a dozen candidates and
        their names (on a short screen the lead charts' titles, axes and keys took the height first and left it
        56 px at 1366x768) its share, FIRST_SHARE, as far as the lead charts keep MIN_LEAD_PLOT each."""
        view, plots = self._layout_widget, self.plots
        least_size = Qt.SizeHint.MinimumSize
        date_axis = plots["lead2"].getAxis("bottom").height()  # every date axis has this height (size_axes)
        upper = [key for key in plots if key != "lead2"]
        shown = {key: plots[key].getAxis("bottom").isVisible() for key in upper}
        # The rows each chart keeps whatever its height (title, date axis, key), every date axis shown: from the
        # charts' own layouts, not their geometry (that lags a turn behind a key or an axis that changed).
        fixed = {
            key: p.layout.effectiveSizeHint(least_size).height()
            - p.getViewBox().effectiveSizeHint(least_size).height()
            + (0.0 if shown.get(key, True) else date_axis)
            for key, p in plots.items()
        }
        top, between = self._grid_spacing
        available = self._scroll.viewport().height()
        compact = available - 2 * top - between * (len(plots) - 1) - sum(fixed.values()) < MIN_PLOT * len(plots)
        if compact:  # the gaps around and between the charts give way too
            top, between = 2.0, 2.0
        grid = view.ci.layout
        if (grid.getContentsMargins()[1], grid.verticalSpacing()) != (top, between):
            left, _top, right, _bottom = grid.getContentsMargins()
            grid.setContentsMargins(left, top, right, top)
            grid.setVerticalSpacing(between)
        gaps = 2 * top + between * (len(plots) - 1)
        height = available - gaps
        for key in upper:
            if compact:
                fixed[key] -= date_axis
            if shown[key] == compact:
                plots[key].showAxis("bottom", not compact)
        room = height - sum(fixed.values())
        each = math.floor(room / len(plots))  # an equal share of the plots' room
        leads = [key for key in plots if key != "first"]
        share = FIRST_SHARE if len(self._first) >= MANY_CANDIDATES else 0.0
        whole = self.height()  # (the share, as it was measured: of the panel's height, gaps and all)
        by_share = min(round(share * whole), whole - sum(fixed[key] for key in leads) - MIN_LEAD_PLOT * len(leads))
        least = {key: math.ceil(fixed[key]) + MIN_PLOT for key in plots}
        least["first"] = max(by_share, math.ceil(fixed["first"]) + max(MIN_PLOT, min(MIN_LEAD_PLOT, each)))
        for key, plot in plots.items():
            if round(plot.minimumHeight()) != least[key]:
                plot.setMinimumHeight(least[key])
        # below the least height that keeps every plot readable, the chart area scrolls
        needed = math.ceil(sum(least.values()) + gaps)
        if room < MIN_PLOT * len(plots):
            view.setMinimumHeight(needed)
        elif view.minimumHeight():
            view.setMinimumHeight(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_legends)  # after the charts have taken their new width

    def showEvent(self, event: QShowEvent) -> None:
        self.apply_due_theme()  # (before the first paint)
        super().showEvent(event)
        QTimer.singleShot(0, self, self._fit_legends)  # (heights are fitted only while shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._landing_in is not None:
            # an expose or a resize paints while the scene's own repaints are held: the landing finished first,
            # never painted half-landed
            self.finish_landing()
        if watched is self._layout_widget and event.type() == QEvent.Type.Resize:
            # (the scroll bar came or went: the charts' width changed without the panel's)
            QTimer.singleShot(0, self, self._fit_legends)
        if watched is self._layout_widget and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self._focus_ring.follow()
        return super().eventFilter(watched, event)

    def _legend_below(self, plot: pg.PlotItem) -> pg.LegendItem:
        legend = pg.LegendItem(colCount=6, horSpacing=12, verSpacing=-4)
        legend.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)  # entries side by side, left
        plot.layout.addItem(legend, 4, 1)  # the row under the bottom axis (pyqtgraph leaves it free)
        plot.layout.setAlignment(legend, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return legend

    def _end_label(self, plot: pg.PlotItem, colour: str | None) -> pg.TextItem:
        # anchored a little right of the line end, so the text starts clear of the last marker
        # a candidate's colour as text reads on the theme's page (core.colour.readable: WCAG's 4.5:1)
        ink = readable(colour, self._theme.background) if colour else self._theme.foreground
        label = pg.TextItem("", color=ink, anchor=(-0.08, 0.5))
        label.setZValue(30)
        label.setVisible(False)
        # Laid out left to right whatever the name: Qt takes a paragraph's direction from its first letter (even
        # inside an isolate), so "خان 43.0" was drawn as "43.0 خان", the figure before the name.
        option = label.textItem.document().defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.LeftToRight)
        label.textItem.document().setDefaultTextOption(option)
        label._warroom_colour = colour  # type: ignore[attr-defined]  # None: the theme's foreground
        plot.addItem(label, ignoreBounds=True)
        return label

    def _update_end_labels(self, *, defer: bool = False, keys: Sequence[str] | None = None) -> None:
        """Each line's end label: its text, and its place (defer: left to _place_pending_labels, once the ranges
        are final). `keys`: only these lines changed (a two-round matchup switch: the lead charts' two), the other
        labels are left as they are."""
        contest = self._contest
        if contest is None:
            return
        # A label whose line ends where it did is not touched: the candidates' labels are nudged apart after
        # (_place_end_labels), so placing them here again moved each twice, and repainted the first-round chart
        # on every runoff matchup switch (benchmarks/bench_two_round_switch.py).
        # The first-round chart's labels are placed together (_place_end_labels, a dozen of them): only when one of
        # their lines ends elsewhere. A runoff matchup switch moves the lead charts' labels alone.
        before = self._end_values
        self._end_values = {} if keys is None else {k: v for k, v in before.items() if k not in keys}
        first_moved = False
        for key, label in self._end_labels.items():
            if keys is not None and key not in keys:
                continue
            if key == LEAD_LABEL["lead1"]:
                x, y = (self._lead1.x, self._lead1.mean) if self._lead1 else (np.empty(0), np.empty(0))
            elif key == LEAD_LABEL["lead2"]:
                x, y = (
                    (self._lead2_observed.x, self._lead2_observed.mean)
                    if self._lead2_observed
                    else (np.empty(0), np.empty(0))
                )
            else:
                first = self._first.get(key)  # (by code: a candidate may be coded "lead1", LEAD_LABEL)
                x, y = (first.x, first.mean) if first is not None else (np.empty(0), np.empty(0))
            if len(x) == 0 or not np.isfinite(y[-1]):
                first_moved = first_moved or (key in self._first and key in before)
                label.setVisible(False)
                continue
            value = float(y[-1])
            if key in LEAD_CHART_OF:
                wanted: tuple[str, str] = ("", f"{signed_points(value)}")
            else:
                whole = contest.candidate(key).display if key != "other" else "Others"
                wanted = (whole, f"{value:.1f}")
            self._end_values[key] = (float(x[-1]), value)
            if key in self._first and before.get(key) == self._end_values[key] and label.isVisible():
                self._end_wanted[key] = wanted
                self._fit_end_text(key)  # (the same place: a new name, if any, fitted to the room it has)
                continue  # where _place_end_labels put it
            first_moved = first_moved or key in self._first
            label.setPos(float(x[-1]), value)
            self._end_wanted[key] = wanted
            self._fit_end_text(key)
            if key not in self._first or key not in before:  # else _place_end_labels shows it or not (room)
                label.setVisible(True)
        if first_moved and defer:
            self._labels_pending = True
            self._place_election_labels()
        elif first_moved:
            self._place_end_labels()
        else:
            self._place_election_labels()  # (which _place_end_labels does first): they keep clear of the leads
        self._describe()  # (the figures at the lines' ends, for a screen reader)

    def _place_election_labels(self, *_args: object) -> None:
        """On each lead chart the election-day label goes to the top or the bottom of its line, whichever is
        farther from where the lead ends and from the zero line."""
        for key, line in zip(self.plots, self._election_lines, strict=False):
            label = getattr(line, "label", None)
            if label is None:
                continue
            lo, hi = self.plots[key].getViewBox().viewRange()[1]
            if hi <= lo:
                continue
            # keep clear of the lead's end label and of the zero line (which would strike the text through)
            end = self._end_values.get(LEAD_LABEL.get(key, key))
            marks = [(0.0 - lo) / (hi - lo)] + ([(end[1] - lo) / (hi - lo)] if end is not None else [])
            top = min(abs(0.9 - m) for m in marks) >= min(abs(0.1 - m) for m in marks)
            anchor = (0, 0) if top else (0, 1)  # text hanging below the top, or standing on the bottom
            if label.anchors == [anchor, anchor] and label.orthoPos == (0.98 if top else 0.02):
                continue  # where it is (placing it again re-lays the label out on every matchup switch)
            label.anchors = [anchor, anchor]
            label.setPosition(0.98 if top else 0.02)

    def _place_pending_labels(self) -> None:
        if self._labels_pending:
            self._place_end_labels()

    def _place_end_labels(self, *_args: object) -> None:
        """Candidates' end labels nudged apart vertically so close finishers stay readable."""
        if self._labels_held:  # an average landing: placed once its ranges are final
            self._labels_pending = True
            return
        self._labels_pending = False
        self._place_election_labels()
        vb = self.plots["first"].getViewBox()
        lo, hi = vb.viewRange()[1]
        height = vb.height()
        py = (hi - lo) / height if height > 0 else 0.0  # data units per pixel (viewPixelSize, without its mapping)
        if not py or not np.isfinite(py):
            return
        sample = next(iter(self._end_labels.values()), None)
        if sample is None:
            return
        gap = (QFontMetricsF(sample.textItem.font()).height() + 1) * py
        ranked = sorted((k for k in self._first if k in self._end_values), key=lambda k: -self._end_values[k][1])
        # a quarter line clear of the x-axis: a label stood on the chart's bottom edge touched the axis line with
        # its descenders (meeting mode's larger type, where the smallest shares stack down to the edge)
        pad = gap / 4
        room = max(1, int((hi - lo - pad) / gap))  # labels a line apart that fit the chart's height
        keys, hidden = ranked[:room], ranked[room:]  # the smallest shares go unlabelled when they cannot fit
        for key in hidden:
            self._end_labels[key].setVisible(False)
        for key in keys:
            self._end_labels[key].setVisible(True)
        if not keys:
            return
        ys = [self._end_values[k][1] for k in keys]
        for i in range(1, len(ys)):  # downwards: each at least a line below the one above
            ys[i] = min(ys[i], ys[i - 1] - gap)
        bottom = lo + gap / 2 + pad
        if ys[-1] < bottom:  # pushed off the chart: back up from the bottom edge, keeping the spacing
            ys[-1] = bottom
            for i in range(len(ys) - 2, -1, -1):
                ys[i] = max(ys[i], ys[i + 1] + gap)
        for key, y in zip(keys, ys, strict=True):
            self._end_labels[key].setPos(self._end_values[key][0], y)
            self._fit_end_text(key)

    def _fit_end_text(self, key: str) -> None:
        """Write a line's end label as it fits between the line's end and the chart's right edge: a candidate's
        name elided in its middle (its figure kept whole) when the room is short, the whole name and figure in the
        tooltip. The room right of the data is a share of the window (END_LABEL_ROOM), so on a laptop or with the
        election months after the latest poll a name of 25 letters ran off the chart's edge, cut mid-word (and a
        name drawn as its glyphs' names, "[cjk unified ideograph-738b]...", cut after a dozen letters)."""
        label = self._end_labels.get(key)
        wanted = self._end_wanted.get(key)
        if label is None or wanted is None:
            return
        whole, figure = wanted
        if not whole:  # a lead's figure: a few characters, always in the room kept for it
            text, tip = figure, ""
        else:
            # an emoji no installed font has is named, never an empty box; a name too long for any chart's edge
            # (86 letters) elided in its middle first
            font = label.textItem.font()
            room = self._end_room(key, label)
            fitted = (whole, figure, room, font.key(), label.anchor.x())
            if room is not None and self._end_fitted.get(key) == fitted and self._end_texts.get(key) is not None:
                return  # fitted to this room already: the same text (a landing places the labels two or three times)
            self._end_fitted[key] = fitted
            name = drawable(elide_middle(whole))
            fm = QFontMetricsF(font)
            if room is not None:  # else not laid out yet: placed (and fitted) again once it is
                # the text's room: the label starts its anchor's share of its own width right of the line's end
                # and its document adds a margin on each side
                margin = label.textItem.document().documentMargin()
                width = room / (1.0 - label.anchor.x()) - 2 * margin - fm.horizontalAdvance(" " + figure) - 1
                name = fm.elidedText(name, Qt.TextElideMode.ElideMiddle, max(0.0, width))
            # isolated: the figure stays after a right-to-left name; no room for a letter: the figure alone
            text = f"{bidi_isolated(name)} {figure}" if name and name != "…" else figure
            tip = f"{whole} {figure}" if name != drawable(whole) else ""
        if self._end_texts.get(key) != text:  # (the label's own toPlainText asks its QTextDocument)
            self._end_texts[key] = text
            label.setText(text)
        if tip or label.toolTip():
            label.setToolTip(literal_tip(tip))

    def _end_room(self, key: str, label: pg.TextItem) -> float | None:
        """Pixels from where `key`'s line ends to its chart's right edge; None before the chart is laid out."""
        plot = self.plots["first"] if key in self._first else self.plots.get(LEAD_CHART_OF.get(key, key))
        end = self._end_values.get(key)
        if plot is None or end is None:
            return None
        vb = plot.getViewBox()
        edge = vb.sceneBoundingRect().right()
        if vb.width() <= 1 or not math.isfinite(edge):
            return None
        start = vb.mapViewToScene(QPointF(end[0], end[1])).x()
        return max(0.0, edge - start) if math.isfinite(start) else None

    def _theme_labels(self) -> None:
        """Election-day and event labels and end labels at the theme's type size."""
        font = QFont()
        font.setPointSize(self._theme.font_pt)
        for lines, colour, style, width in (
            (self._election_lines, self._theme.election, Qt.PenStyle.SolidLine, 2.0),
            (self._annotation_items, self._theme.event, Qt.PenStyle.DotLine, 1.5),
        ):
            for line in lines:
                line.setPen(pg.mkPen(colour, width=width * max(1.0, self._theme.line_width / 2.5), style=style))
                label = getattr(line, "label", None)
                if label is not None:
                    label.setFont(font)
                    label.setColor(colour)
        for zero in self._zero_lines:  # the line every lead is read against: as strong as the theme's lines
            zero.setPen(
                pg.mkPen(self._theme.foreground, width=max(1.5, self._theme.line_width / 2), style=Qt.PenStyle.DashLine)
            )
        bold = QFont(font)
        bold.setBold(True)
        for label in self._end_labels.values():
            label.setFont(bold)
            own: str | None = getattr(label, "_warroom_colour", None)
            label.setColor(readable(own, self._theme.background) if own else self._theme.foreground)
        self._place_end_labels()
        self._fit_event_labels()

    def _fit_event_labels(self) -> None:
        """Each event note as much of it as fits up the first-round chart from its start, ending in "…" when it is
        cut (a note of 200 characters ran off the chart at both ends; the line's tooltip holds the whole note)."""
        height = (1.0 - EVENT_LABEL_AT) * self.plots["first"].getViewBox().height() - 4.0
        for line in self._annotation_items:
            label = getattr(line, "label", None)
            note: str | None = getattr(line, "_warroom_note", None)
            if label is None or note is None:
                continue
            room = height - 2.0 * label.textItem.document().documentMargin()  # the text's frame, inside the label
            shown = QFontMetricsF(label.textItem.font()).elidedText(note, Qt.TextElideMode.ElideRight, max(room, 0.0))
            text = _format_text(shown)
            if label.format != text:
                label.format = text
                label.valueChanged()

    def _fit_x_to(self, window: tuple[float, float] | None) -> None:
        # The points handed over once, for the range this ends on: pyqtgraph's setXRange passes the charts through
        # an intermediate range first (its autorange switched off), and each series re-sliced its points for both.
        layers = [layer for layer in self._point_layers() if not layer.held]  # (show_data holds its own)
        for layer in layers:
            layer.hold()
        try:
            self._apply_x_range(window)
        finally:
            for layer in layers:
                layer.release()

    def _apply_x_range(self, window: tuple[float, float] | None) -> None:
        vb = self.plots["first"].getViewBox()
        if window is None:
            # the whole campaign: every line and poll, and the election day. Measured on the data, not on the
            # items, which hold only what is on screen (PointLayer, _Series.show_range).
            contest = self._contest
            series = [*self._first.values(), self._lead1, self._lead2_observed, self._lead2_implied]
            bounds = [b for s in series if s is not None and (b := s.x_bounds()) is not None]
            if contest is None or not bounds:
                vb.enableAutoRange(axis=pg.ViewBox.XAxis)
                return
            election = float(day_to_epoch(contest.election_date.toordinal()))
            x0, x1 = min(b[0] for b in bounds), max(b[1] for b in bounds)
            if not (x0 <= election <= x1):
                x0, x1 = min(x0, election), max(x1, election + 2 * 86400.0)
            vb.setXRange(x0, x1, padding=0.02)
            return
        start, end = window
        vb.setXRange(float(day_to_epoch(start)), float(day_to_epoch(end)), padding=0)

    def _on_range_changed_manually(self, *_args: object) -> None:
        if not self._applying_range:
            self.range_mode = "user"

    def _connect(self, series: _Series, chart: str) -> None:
        series.points.sigClicked.connect(self._on_points_clicked)
        series.points.opts["tip"] = self._tip_for(chart)

    def _tip_for(self, chart: str) -> Callable[..., str]:
        def tip(x: float, y: float, data: object) -> str:
            poll = self._polls().get(int(data)) if data is not None else None  # type: ignore[call-overload]
            if poll is None:
                return f"{y:.1f}"
            contest = self._contest
            lines = [bidi_isolated(poll.pollster) + (f" for {bidi_isolated(poll.client)}" if poll.client else "")]
            lines.append(f"Fieldwork {poll.fieldwork_start:%d %b} – {poll.fieldwork_end:%d %b %Y}")
            lines.append(f"Sample {poll.sample_size:,}" if poll.sample_size else "Sample size not published")
            if contest is not None:
                firsts = ", ".join(
                    f"{bidi_isolated(contest.candidate(c).display) if c != 'other' else 'Others'} {v:g}"
                    for c, v in sorted(poll.first_round.items(), key=lambda kv: -kv[1])
                )
                lines.append(f"First round: {firsts}")
                if poll.second_round:
                    lines.append(
                        "Second round: "
                        + ", ".join(
                            f"{bidi_isolated(contest.candidate(c).display)} {v:g}" for c, v in poll.second_round.items()
                        )
                    )
            lines.append(f"This chart: {signed_points(y)}" if chart != "first" else f"This point: {y:.1f} %")
            return literal_tip("\n".join(lines))  # a pollster called <b>Acme</b> as typed

        return tip

    def _on_points_clicked(self, _item: pg.ScatterPlotItem, points: Sequence[pg.SpotItem], _ev: object) -> None:
        if len(points):
            data = points[0].data()
            if data is not None:
                self.poll_clicked.emit(int(data))

    def _refresh_selection(self) -> None:
        pid = self._selected
        for key, mark in self._selection_marks.items():
            xs: list[float] = []
            ys: list[float] = []
            if pid is not None:
                sources = (
                    list(self._first.values())
                    if key == "first"
                    else ([self._lead1] if key == "lead1" else [self._lead2_observed, self._lead2_implied])
                )
                for series in sources:
                    if series is None or len(series.poll_ids) == 0:
                        continue
                    hits = np.nonzero(series.poll_ids == pid)[0]
                    if len(hits):
                        x, y, _ids = series.layer.get_data()
                        xs += [float(x[i]) for i in hits]
                        ys += [float(y[i]) for i in hits]
            mark.setData(xs, ys)
