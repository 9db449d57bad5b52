"""Instant-runoff scenario panel: the rounds as they would run, the eliminations that decide the race, every
candidate's chance, and one candidate's next-preference row on sliders.

The panel is a view of one IrvModel (the app's IrvController) and keeps no copy of the case: a slider move writes
the edited row through the model, and the panel re-renders from the model's signals. The model coalesces
evaluation to one per event-loop turn, so the rounds and the chances follow the finger; the exact break-evens
arrive once the sliders rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QRegion,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionSlider,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from warroom.core.forecast import chance_cell
from warroom.core.irv_pipeline import MINOR_SHARE, NO_ROW_COUNTED, BreakEven, IrvCase, IrvView, has_rows
from warroom.core.irv_scenario import IrvScenario
from warroom.core.types import EXHAUSTED, Contest, listed
from warroom.paths import from_qt_name
from warroom.ui.glyphs import drawable
from warroom.ui.protocols import IrvModel
from warroom.ui.qt_utils import (
    NAME_IN_TITLE,
    as_html,
    elide_middle,
    literal_tip,
    menu_text,
    plain_label,
    signals_blocked,
    work_progress,
)
from warroom.ui.split_slider import STEPS, LeverInput, rebalance

DECISIVE = QColor("#F4A259")
"""Background of an exclusion that decides the race (orange: the cell a staffer should look at)."""
EXCLUDED = QColor("#DDDDDD")
"""Background of an exclusion that does not change the winner."""
INK = QColor("#000000")
DECISIVE_BRUSH = QBrush(DECISIVE)
EXCLUDED_BRUSH = QBrush(EXCLUDED)
INK_BRUSH = QBrush(INK)
FULL_PREFERENTIAL_TIP = (
    "Full preferential voting (this contest's rules): every counted ballot numbers every candidate, so no vote "
    "exhausts and this share is 0. Change the contest's rules to Optional preferential to set it."
)
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

_IndexLike = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


_BOLD: list[QFont] = []


def _bold() -> QFont:
    """A bold font, made once (after the application exists)."""
    if not _BOLD:
        font = QFont()
        font.setBold(True)
        _BOLD.append(font)
    return _BOLD[0]


class GrooveCachedSlider(QSlider):
    """A horizontal Fusion slider that paints as Fusion does, for a third of the cost.

    Fusion draws the whole groove, antialiased, on every repaint: ~0.2 ms for a lever row's width, three sliders
    a move. Left of the handle the groove carries the highlight, which depends on the value; right of it the
    groove does not. So the part right of the handle comes from a picture of the bare groove, drawn by the style
    once per size, state and palette, and only the part up to the handle is drawn by the style each time, then
    the handle, as Fusion draws them (the handle half a pixel in, as Fusion's own pass leaves the painter).

    The first time a size, state or palette is seen, the result is compared with Fusion's own drawing; if they
    differ by more than one level in any channel (the picture's premultiplied rounding at the groove's
    antialiased right end) the slider paints through the style from then on. Another style, a vertical slider or
    tick marks: the style's own painting."""

    def __init__(self, orientation: Qt.Orientation, parent: QWidget | None = None) -> None:
        super().__init__(orientation, parent)
        self._key: tuple[object, ...] | None = None
        self._bare: QPixmap | None = None
        self._exact = True

    def paintEvent(self, event: QPaintEvent) -> None:
        style = self.style()
        if (
            not self._exact
            or self.orientation() != Qt.Orientation.Horizontal
            or self.tickPosition() != QSlider.TickPosition.NoTicks
            or style.name().lower() != "fusion"
        ):
            super().paintEvent(event)
            return
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        key = (self.size(), opt.state, opt.activeSubControls, opt.palette.cacheKey(), self.devicePixelRatioF())
        if key != self._key:
            self._bare = self._groove_picture(opt)
            self._key = key
            if not self._matches_fusion(opt):
                self._exact = False
                super().paintEvent(event)
                return
        painter = QPainter(self)
        self._draw(painter, opt)
        painter.end()

    def _groove_picture(self, opt: QStyleOptionSlider) -> QPixmap:
        dpr = self.devicePixelRatioF()
        picture = QPixmap(self.size() * dpr)
        picture.setDevicePixelRatio(dpr)
        picture.fill(Qt.GlobalColor.transparent)
        bare = QStyleOptionSlider(opt)
        bare.subControls = QStyle.SubControl.SC_SliderGroove
        bare.sliderPosition = bare.sliderValue = self.minimum()  # the handle at the end the highlight starts from
        painter = QPainter(picture)
        self.style().drawComplexControl(QStyle.ComplexControl.CC_Slider, bare, painter, self)
        painter.end()
        return picture

    def _draw(self, painter: QPainter, opt: QStyleOptionSlider) -> None:
        style = self.style()
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self)
        lit = QRect(0, 0, handle.right() + 1, self.height())
        if opt.upsideDown:  # the highlight runs from the right
            lit = QRect(handle.left(), 0, self.width() - handle.left(), self.height())
        painter.save()
        if self._bare is not None:
            painter.setClipRegion(QRegion(self.rect()).subtracted(QRegion(lit)))
            painter.drawPixmap(0, 0, self._bare)
        painter.setClipRect(lit)
        groove = QStyleOptionSlider(opt)
        groove.subControls = QStyle.SubControl.SC_SliderGroove
        style.drawComplexControl(QStyle.ComplexControl.CC_Slider, groove, painter, self)
        painter.restore()
        painter.save()
        painter.translate(0.5, 0.5)
        knob = QStyleOptionSlider(opt)
        knob.subControls = QStyle.SubControl.SC_SliderHandle
        style.drawComplexControl(QStyle.ComplexControl.CC_Slider, knob, painter, self)
        painter.restore()

    def _matches_fusion(self, opt: QStyleOptionSlider) -> bool:
        """This drawing against the style's own, at the current value, state and size."""
        images = []
        for ours in (True, False):
            image = QImage(self.size() * self.devicePixelRatioF(), QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(self.devicePixelRatioF())
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            if ours:
                self._draw(painter, opt)
            else:  # as QSlider.paintEvent draws it
                whole = QStyleOptionSlider(opt)
                whole.subControls = QStyle.SubControl.SC_SliderGroove | QStyle.SubControl.SC_SliderHandle
                self.style().drawComplexControl(QStyle.ComplexControl.CC_Slider, whole, painter, self)
            painter.end()
            images.append(image)
        a, b = (np.frombuffer(image.constBits(), dtype=np.uint8).astype(np.int16) for image in images)
        return bool(a.shape == b.shape and (np.abs(a - b) <= 1).all())


class TextPane(QWidget):
    """Rich text that repaints itself alone when it changes.

    A QLabel asks its parent layout to re-lay out on every setText, and the relayout repaints the whole panel:
    that was most of a slider move's cost. This widget only calls update(); its height grows (and the layout
    runs) only when the text needs more lines than it has, and shrinks only when asked (`set_text(...,
    shrink=True)`, a new case) or when its width changes, so a drag whose text wraps one line more or less
    every few moves does not re-lay out the panel each time.
    """

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self._html = ""
        self._doc = QTextDocument(self)
        self._doc.setDocumentMargin(2)
        self._doc.setDefaultFont(self.font())  # again only when the font changes (changeEvent), not per text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().lineSpacing() + 6)
        # Opaque: a new text repaints this pane alone, not the group box and the panel behind it as well.
        self.setAutoFillBackground(True)

    def text(self) -> str:
        """The text shown (as given: rich text)."""
        return self._html

    def set_text(self, html: str, *, shrink: bool = False) -> None:
        """Show new text: a repaint, and a relayout only if it needs more height (or less, with `shrink`)."""
        if html == self._html and not shrink:
            return
        self._html = html
        self._doc.setHtml(html)
        self._fit(shrink)
        self.update()

    def _fit(self, shrink: bool = True) -> None:
        self._set_width(self.width() if self.width() > 50 else 300)
        height = max(int(self._doc.size().height() + 0.999), self.fontMetrics().lineSpacing() + 6)
        if height > self.height() or (shrink and height != self.height()):
            self.setFixedHeight(height)

    def _set_width(self, width: int) -> None:
        """Lay the text out at `width` unless it already is (setTextWidth re-lays out even at the same width)."""
        if self._doc.textWidth() != width:
            self._doc.setTextWidth(width)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette = self.palette()
        ctx.palette.setColor(QPalette.ColorRole.Text, self.palette().color(QPalette.ColorRole.WindowText))
        self._set_width(self.width())
        self._doc.documentLayout().draw(painter, ctx)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._html and event.size().width() != event.oldSize().width():
            self._fit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._doc.setDefaultFont(self.font())
            self._doc.setHtml(self._html)
            QTimer.singleShot(0, self, self._fit)
        super().changeEvent(event)


_Cell = tuple[str, int | None, QBrush | None, QBrush | None, QFont | None, str | None]
"""A cell as the table asks for it: its value for each role of _SLOT, in that order. A plain tuple: made ~150
times a move and compared with the last view's cell by cell, both at C speed."""
_SLOT = {int(role): i for i, role in enumerate((_DISPLAY, _ALIGN, _BACKGROUND, _FOREGROUND, _FONT, _TOOLTIP))}


def _cell(text: str, shade: QBrush | None, tip: str | None, bold: bool) -> _Cell:
    """A right-aligned cell: its text, shade (dark ink on a shade), bold or not, and tooltip."""
    tip = literal_tip(tip) if tip else tip  # names as typed (an item view reads a tooltip like HTML as HTML)
    return (text, _RIGHT, shade, None if shade is None else INK_BRUSH, _bold() if bold else None, tip)


def chance(p: float) -> str:
    """A win probability as the table shows it ("62 %", "<1 %", ">99 %"): core.forecast.chance_cell, the figure
    the headline and `warroom scenario` print."""
    return chance_cell(p)


def _changed_cells(old: list[list[_Cell]], new: list[list[_Cell]]) -> list[tuple[int, int]]:
    """The cells of `new` that differ from `old` (same shape), as (row, column), row by row."""
    changed: list[tuple[int, int]] = []
    for r, (before, after) in enumerate(zip(old, new, strict=True)):
        if before != after:
            changed += [(r, c) for c, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    return changed


class CellPainter(QStyledItemDelegate):
    """Paints the rounds table's cells straight from the model's worked-out cells: a shade, the text in the
    view's ink (dark on a shade) and font (bold for the winner's row), right-aligned.

    Qt's own delegate asks the model for every role of a cell one Python call at a time and draws through the
    style sheet; a slider move repaints a few dozen cells, and that was a millisecond of each move. Selection
    and focus are never drawn: the table has neither."""

    MARGIN = 4  # px of space at each side of a figure, as the style's item margin

    def __init__(self, model: RoundsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _IndexLike) -> None:
        text, align, shade, ink, font, _tip = self._model.cell(index.row(), index.column())
        rect = option.rect  # type: ignore[attr-defined]
        if shade is not None:
            painter.fillRect(rect, shade)
        if not text:
            return
        painter.save()
        if font is not None:
            painter.setFont(font)
        painter.setPen(ink.color() if ink is not None else option.palette.color(QPalette.ColorRole.Text))  # type: ignore[attr-defined]
        painter.drawText(rect.adjusted(self.MARGIN, 0, -self.MARGIN, 0), align or _RIGHT, text)
        painter.restore()


class RoundsModel(QAbstractTableModel):
    """The chain as a table: a row per candidate (by first-round share), their chance of winning, then their
    votes round by round (points of the first-round vote). The cell of each exclusion is shaded, orange when it
    decides the race, and its tooltip gives the margin."""

    EXTRA = 1  # a column per round, then the chance (the names are the row headers: they stay put when it scrolls)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view: IrvView | None = None
        self._codes: tuple[str, ...] = ()
        self._rounds = 0
        self._out: dict[str, tuple[int, bool, str]] = {}
        self._cells: list[list[_Cell]] = []
        self._column_keys: list[object] = []  # what each round's column was worked out from (set_view)
        self._columns: list[list[_Cell]] = []

    def set_view(self, view: IrvView) -> None:
        """Show a view: a reset when the candidates or the number of rounds change, else one dataChanged."""
        s = view.scenario
        codes = tuple(sorted(s.codes, key=lambda c: (-s.share(c), c)))
        rounds = len(view.run.rounds)
        out: dict[str, tuple[int, bool, str]] = {}
        for e in view.run.eliminations:
            gap = f"{e.margin:.1f} points" if e.margin >= 0.05 else "less than 0.1 points"
            tip = f"Excluded after round {e.round}, {gap} behind {view.name(e.survivor)}."
            if e.decisive:
                tip += f" Decisive: with {view.name(e.survivor)} out instead, {view.name(e.winner_if_swapped)} wins."
            for c in e.eliminated:
                out[c] = (e.round, e.decisive, tip)
        # Every cell worked out once per view: the table asks for each cell's roles many times per repaint. A
        # round whose tallies, exclusions and winner are the last view's keeps its column as it was (a row edit
        # changes only the rounds from its candidate's exclusion on).
        odds = view.odds
        winner = view.run.winner
        reuse = codes == self._codes
        keys: list[object] = []
        columns: list[list[_Cell]] = []
        for r, rnd in enumerate(view.run.rounds):
            tallies = rnd.tallies
            key = (tallies, winner, [(c, x) for c, x in out.items() if x[0] == r + 1])
            keys.append(key)
            if reuse and r < len(self._column_keys) and self._column_keys[r] == key:
                columns.append(self._columns[r])
                continue
            column: list[_Cell] = []
            shade: QBrush | None
            cell_tip: str | None
            for code in codes:
                tally = tallies.get(code)
                excluded = out.get(code)
                if excluded is not None and excluded[0] == r + 1:
                    shade, cell_tip = (DECISIVE_BRUSH if excluded[1] else EXCLUDED_BRUSH), excluded[2]
                else:
                    shade, cell_tip = None, None
                text = "" if tally is None else f"{tally:.1f}"
                column.append(_cell(text, shade, cell_tip, code == winner and tally is not None))
            columns.append(column)
        chances: list[_Cell] = []
        for code in codes:
            p = odds.p_win.get(code) if odds is not None else None
            chance_tip = (
                f"{view.name(code)}: wins in {chance(odds.p_win[code])} of {odds.n:,} simulated counts, reaches the "
                f"last two in {chance(odds.p_final_pair[code])}, finishes third in {chance(odds.p_third[code])} "
                f"(polling error sd {view.share_sd:.1f} points for a 50 % candidate; every transfer row uncertain)"
                if odds is not None
                else None
            )
            chances.append(_cell("—" if p is None else chance(p), None, chance_tip, False))
        self._column_keys, self._columns = keys, columns
        cells: list[list[_Cell]] = [list(row) for row in zip(*columns, chances, strict=True)]
        reshape = codes != self._codes or rounds != self._rounds
        old = self._cells
        if reshape:
            self.beginResetModel()
        self._view, self._codes, self._rounds, self._out, self._cells = view, codes, rounds, out, cells
        if reshape:
            self.endResetModel()
            return
        # Only the cells that changed are repainted: a row edit leaves the rounds before its candidate's exclusion
        # as they were, and most of the table with them. One signal per changed cell: a view repaints a single
        # cell's own rectangle, but a range's rectangle one pixel past its last row and column (QTableView), so
        # runs down a column also repainted the cell below each run and the cells to its right: ~10 cells a move.
        index = self.index
        for row_at, col_at in _changed_cells(old, cells):
            at = index(row_at, col_at)
            self.dataChanged.emit(at, at)

    def codes(self) -> tuple[str, ...]:
        """The candidates, in row order."""
        return self._codes

    def cell(self, row: int, column: int) -> _Cell:
        """A cell's roles (the values `data` gives), as worked out once per view."""
        return self._cells[row][column]

    def clear(self) -> None:
        """No view: an empty table."""
        self.beginResetModel()
        self._view, self._codes, self._rounds, self._out, self._cells = None, (), 0, {}, []
        self._column_keys, self._columns = [], []
        self.endResetModel()

    def rowCount(self, parent: _IndexLike = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._codes)

    def columnCount(self, parent: _IndexLike = _NO_INDEX) -> int:
        return 0 if parent.isValid() or self._view is None else self._rounds + self.EXTRA

    def data(self, index: _IndexLike, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self._view is None:
            return None
        slot = _SLOT.get(role)
        return None if slot is None else self._cells[index.row()][index.column()][slot]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        view = self._view
        if orientation == Qt.Orientation.Vertical:
            if view is None or not 0 <= section < len(self._codes):
                return None
            code = self._codes[section]
            if role == _DISPLAY:
                return view.name(code)
            if role == _TOOLTIP:
                return literal_tip(f"{view.name(code)}: {view.scenario.share(code):.1f} % of first preferences")
            if role == _ALIGN:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "Chance" if section >= self._rounds else f"R{section + 1}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if section >= self._rounds:
                return "Chance of winning, from simulating the count under polling error and transfer uncertainty"
            return f"Round {section + 1}: votes in points of the first-round valid vote"
        return None


class IrvPanel(QWidget):
    """The instant-runoff scenario: a view of one IrvModel (no signals of its own: it writes through the model)."""

    NARROW = 900
    """Below this width (px) the answer sits above the inputs instead of beside them."""

    def __init__(self, model: IrvModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("irv_panel")
        self.model = model
        self._writing = False
        self._codes: tuple[str, ...] = ()
        self._levers: dict[str, LeverInput] = {}
        self._lever_labels: dict[str, QLabel] = {}
        self._keys: list[str] = []  # the levers of the row shown, in order (others, then EXHAUSTED)
        self._tenths: dict[str, int] = {}
        self._minor: list[str] = []
        self._sized_shape = (-1, -1)  # (rows, columns) the rounds table was last sized for
        self._round_width = 0  # px: a round column's narrowest width and the chance column's, in the table's font
        self._chance_width = 0
        self._shrink_next = False

        # --- outputs -----------------------------------------------------------------------------------------
        self.headline = TextPane("irv_headline", "Verdict")
        big = QFont()
        big.setPointSize(15)
        big.setBold(True)
        self.headline.setFont(big)
        self.rounds_model = RoundsModel(self)
        self.rounds = QTableView()
        self.rounds.setObjectName("irv_rounds")
        self.rounds.setAccessibleName("Rounds of the count")
        self.rounds.setModel(self.rounds_model)
        self.rounds.setItemDelegate(CellPainter(self.rounds_model, self.rounds))
        self.rounds.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # Its names column is at most 160 px (_size_table): a longer name elided in its middle, whole in its tooltip
        # (a header draws its text unelided by default: "Alexandra Montgomery-Sr", cut mid-letter)
        self.rounds.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.rounds.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rounds.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.rounds.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.rounds.setWordWrap(False)
        self.rounds.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)  # whole rounds, no slivers
        self.rounds.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rounds.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.rounds.viewport().installEventFilter(self)  # a new width: whole round columns again (_fit_columns)
        self._follow_end = True
        bar = self.rounds.horizontalScrollBar()
        bar.rangeChanged.connect(lambda _lo, _hi: self._show_last_rounds())
        bar.valueChanged.connect(self._on_rounds_scrolled)
        header = self.rounds.horizontalHeader()
        header.setMinimumSectionSize(20)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.rounds.setToolTip(
            "Votes round by round, in points of the first-round vote. Shaded: the round a candidate is excluded; "
            "orange when that exclusion decides who wins."
        )
        self.legend = QLabel(
            f'<span style="background-color:{DECISIVE.name()}">&nbsp;&nbsp;&nbsp;&nbsp;</span> excluded, deciding '
            "the race &nbsp;&nbsp; "
            f'<span style="background-color:{EXCLUDED.name()}">&nbsp;&nbsp;&nbsp;&nbsp;</span> excluded &nbsp;&nbsp; '
            "<b>bold</b>: projected winner"
        )
        self.legend.setObjectName("irv_legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setToolTip(
            "An exclusion decides the race when excluding the candidate just ahead instead (and counting on) "
            "elects someone else: hover over a shaded cell for its margin"
        )
        self.eliminations = TextPane("irv_eliminations", "Eliminations that decide the race")
        self.basis = QLabel()
        self.basis.setObjectName("irv_basis")
        # --- inputs ------------------------------------------------------------------------------------------
        self.picker = QComboBox()
        self.picker.setObjectName("irv_row_picker")
        self.picker.setAccessibleName("Whose voters' next preferences")
        self.picker.setToolTip("The candidate whose voters' next preferences the sliders below set")
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setMinimumContentsLength(14)
        self.picker.currentIndexChanged.connect(self._on_picker_changed)
        self.row_box = QGroupBox("Next preferences")
        self.row_box.setObjectName("irv_row_box")
        self._grid = QGridLayout(self.row_box)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnStretch(1, 1)
        self.minor_toggle = QToolButton()
        self.minor_toggle.setObjectName("irv_minor_toggle")
        self.minor_toggle.setCheckable(True)
        self.minor_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.minor_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.minor_toggle.setToolTip(f"Show the sliders of the candidates under {MINOR_SHARE:g} % of the first round")
        self.minor_toggle.toggled.connect(self._on_minor_toggled)
        self.minor_box = QWidget()
        self.minor_box.setObjectName("irv_minor_box")
        self._minor_grid = QGridLayout(self.minor_box)
        self._minor_grid.setContentsMargins(12, 0, 0, 0)
        self._minor_grid.setVerticalSpacing(2)
        self._minor_grid.setColumnStretch(1, 1)
        self.minor_box.hide()
        self.break_even_label = TextPane("irv_break_even", "What would change the winner")
        # (short: beside the ballots button it set the inputs' least width past a narrow dock's)
        self.reset_button = QPushButton("&Reset")
        self.reset_button.setToolTip(
            "Every candidate's next preferences back to the polls' and the past count's (Scenario > Reset to baseline)"
        )
        self.reset_button.clicked.connect(self.model.reset)

        self.basis.setWordWrap(True)
        self.basis.setTextFormat(Qt.TextFormat.RichText)

        outputs = QGroupBox("The count as it would run")
        outputs.setObjectName("irv_outputs")
        olayout = QVBoxLayout(outputs)
        olayout.addWidget(self.headline)
        olayout.addWidget(self.rounds)
        olayout.addWidget(self.legend)  # what the shades mean: read before the first hover
        olayout.addWidget(self.eliminations)
        olayout.addStretch(1)
        inputs = QWidget()
        inputs.setObjectName("irv_inputs")
        ilayout = QVBoxLayout(inputs)
        ilayout.setContentsMargins(0, 0, 0, 0)
        pick = QHBoxLayout()
        who = self._who = QLabel("&Voters of")
        who.setBuddy(self.picker)
        pick.addWidget(who)
        pick.addWidget(self.picker, 1)
        ilayout.addLayout(pick)
        ilayout.addWidget(self.row_box)
        below = 1000  # the expander and its box sit below every lever row, however many candidates stand
        self._grid.addWidget(self.minor_toggle, below, 0, 1, 3)
        self._grid.addWidget(self.minor_box, below + 1, 0, 1, 3)
        what = QGroupBox("What would change the winner")
        what.setObjectName("irv_what_if")
        QVBoxLayout(what).addWidget(self.break_even_label)
        ilayout.addWidget(what)
        ilayout.addWidget(self.basis)  # where the figures come from: below the inputs, read once
        self.ballots_button = QPushButton("From last election's &ballots…")
        self.ballots_button.setObjectName("irv_prior_ballots")
        self.ballots_button.setToolTip(
            "Take every row no poll publishes from a ballot file of the last election (the Ballot CSV that "
            "warroom count reads): what each candidate's voters ranked next"
        )
        self.ballots_button.clicked.connect(self._choose_ballots)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.ballots_button)
        buttons.addStretch(1)
        ilayout.addLayout(buttons)
        ilayout.addStretch(1)
        self._outputs, self._inputs = outputs, inputs
        self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.addWidget(outputs)
        self._layout.addWidget(inputs)

        self._ballots_progress: QProgressDialog | None = None  # while a ballot file is read off the GUI thread
        self._ballots_seen = (0, 0)  # (bytes read, size) as last reported
        model.ballots_busy.connect(self._on_ballots_busy)
        model.ballots_progress.connect(self._on_ballots_progress)
        model.case_cleared.connect(self.show_nothing)
        model.case_changed.connect(self.show_case)
        model.scenario_changed.connect(self.show_scenario)
        model.row_selected.connect(self.show_row)
        model.view_ready.connect(self.show_view)
        model.break_evens_ready.connect(self.show_break_evens)
        if model.case is not None:
            self.show_case(model.case)
        if model.scenario is not None:
            self.show_scenario(model.scenario)
        if model.view is not None:
            self.show_view(model.view)

    # --- accessors (tests, benchmarks) --------------------------------------------------------------------------

    def lever(self, key: str) -> LeverInput:
        """The slider and typed field of one part of the row shown (a candidate code or EXHAUSTED)."""
        return self._levers[key]

    def row_keys(self) -> list[str]:
        """The parts of the row shown, in order: the other candidates, then EXHAUSTED."""
        return list(self._keys)

    # --- data down ------------------------------------------------------------------------------------------

    def show_nothing(self, reason: str) -> None:
        """No case (a contest just opened, or no poll yet): nothing of the last contest stays on screen."""
        self.headline.set_text(as_html(reason), shrink=True)
        self.rounds_model.clear()
        self.eliminations.set_text("", shrink=True)
        self.break_even_label.set_text("", shrink=True)
        self.basis.setText("")
        with signals_blocked(self.picker):
            self.picker.clear()
        for widget in (*self._levers.values(), *self._lever_labels.values()):
            widget.setParent(None)
            widget.deleteLater()
        self._levers, self._lever_labels, self._keys, self._tenths, self._minor = {}, {}, [], {}, []
        self._codes = ()
        self.minor_toggle.hide()
        self.row_box.setTitle("Next preferences")
        self.row_box.setToolTip("")

    def show_case(self, case: IrvCase) -> None:
        """A new baseline: rebuild the sliders and the picker if the candidates changed."""
        self._shrink_next = True  # the next view's text panes take the height they need, less if less
        s = case.scenario
        if s.codes != self._codes:
            self._build_levers(case)
        polled = sorted(c for c, src in case.sources.items() if src == "polls")
        priors: dict[str, list[str]] = {}  # a past count, or last election's ballots in a named file
        for c, src in sorted(case.sources.items()):
            if src not in ("polls", "first-round shares"):
                priors.setdefault(src, []).append(c)
        parts = [f"<b>{as_html(case.label)}</b> (first preferences)"]  # names and files as typed
        if not has_rows(s):  # two candidates: no row is ever counted (it said they follow shares "until you set them")
            self.basis.setText(f"{parts[0]}. {as_html(NO_ROW_COUNTED)}")
            return
        if polled:
            parts.append(
                "next preferences published by polls for " + ", ".join(as_html(case.names.get(c, c)) for c in polled)
            )
        for src, codes in priors.items():
            parts.append(f"from the {as_html(src)} for " + ", ".join(as_html(case.names.get(c, c)) for c in codes))
        parts.append("the others' next preferences follow first-round shares until you set them")
        self.basis.setText("; ".join(parts) + ".")

    def show_scenario(self, scenario: IrvScenario) -> None:
        """Show the model's scenario (any source); no echo back."""
        if self._writing:
            return  # this panel's own edit: its sliders already show it
        self._show_row_values(scenario)

    def show_row(self, code: str) -> None:
        """The model now edits `code`'s row."""
        i = self.picker.findData(code)
        if i >= 0 and self.picker.currentIndex() != i:
            with signals_blocked(self.picker):
                self.picker.setCurrentIndex(i)
        self._arrange_levers()
        if code:  # (none: a race of two candidates, which _arrange_levers says)
            self.break_even_label.set_text("<i>Working out the break-evens…</i>")
        if self.model.scenario is not None:
            self._show_row_values(self.model.scenario)

    def show_view(self, view: IrvView) -> None:
        """The rounds, the chances, the decisive eliminations."""
        run = view.run
        winner = run.final_pair[0]
        shrink, self._shrink_next = self._shrink_next, False
        self.headline.set_text(as_html(view.headline), shrink=shrink)
        self.rounds_model.set_view(view)
        shape = (self.rounds_model.rowCount(), self.rounds_model.columnCount())
        if shape != self._sized_shape:
            self._size_table()
            QTimer.singleShot(0, self, self._show_last_rounds)
        lines = []
        shown = [e for e in run.eliminations if e.decisive]
        last = run.eliminations[-1] if run.eliminations else None
        if last is not None and last not in shown:
            shown.append(last)
        for e in shown[-4:]:
            out = listed([as_html(view.name(c)) for c in e.eliminated])  # (core's words: "A, B and C")
            gap = f"{e.margin:.1f} points" if e.margin >= 0.05 else "less than 0.1 points"
            place = len(run.rounds[e.round - 1].tallies)
            who = f" (who finishes {_ordinal(place)})" if len(e.eliminated) == 1 and place <= 4 else ""
            survivor = as_html(view.name(e.survivor))
            text = f"Round {e.round}{who}: {out} out, {gap} behind {survivor}."
            if e.decisive:
                swap = as_html(view.name(e.winner_if_swapped))
                text = f"<b>{text} Decisive: with {survivor} out instead, {swap} wins.</b>"
            lines.append(text)
        if not run.eliminations:
            lines.append(f"{as_html(view.name(winner))} has a majority of first preferences: nobody is excluded.")
        elif not run.decisive:
            lines.append("No exclusion decides the race at these figures.")
        if view.odds is not None:
            third = sorted(((p, c) for c, p in view.odds.p_third.items() if p >= 0.005), reverse=True)[:3]
            if third:
                lines.append(
                    "Who finishes third, in the simulated counts: "
                    + ", ".join(f"{as_html(view.name(c))} {chance(p)}" for p, c in third)
                    + "."
                )
        self.eliminations.set_text("<br>".join(lines), shrink=shrink)

    def show_break_evens(self, code: str, found: list[BreakEven]) -> None:
        """The exact break-evens of the row being edited."""
        if code != self.model.row:
            return
        view = self.model.view
        name = view.name(code) if view is not None else code
        if found:
            self.break_even_label.set_text("<br>".join(f"• {as_html(b.text)}" for b in found), shrink=True)
        else:
            self.break_even_label.set_text(
                as_html(
                    f"No change to {name}'s voters' next preferences alone changes the winner at these figures"
                    + (
                        f" ({name} is never excluded, so their next preferences are never counted)."
                        if view and code not in {c for e in view.run.eliminations for c in e.eliminated}
                        else "."
                    )
                ),
                shrink=True,
            )

    # --- private --------------------------------------------------------------------------------------------

    def _build_levers(self, case: IrvCase) -> None:
        s = case.scenario
        for widget in (*self._levers.values(), *self._lever_labels.values()):
            widget.setParent(None)
            widget.deleteLater()
        self._levers, self._lever_labels = {}, {}
        self._codes = s.codes
        with signals_blocked(self.picker):
            self.picker.clear()
            ordered = sorted(s.codes, key=lambda c: (-s.share(c), c))
            for code in ordered if has_rows(s) else ():  # (two: it showed the winner, whose row counts for nothing)
                if s.share(code) < MINOR_SHARE and code is next(c for c in ordered if s.share(c) < MINOR_SHARE):
                    self.picker.insertSeparator(self.picker.count())  # the minor candidates, below a line
                self.picker.addItem(
                    drawable(f"{case.names.get(code, code)} ({s.share(code):.1f} % first preferences)"), code
                )
        for key in (*s.codes, EXHAUSTED):
            name = "exhausted" if key == EXHAUSTED else case.names.get(key, key)
            lever = LeverInput(f"irv_row_{key.strip('_')}", f"Next preference: {name}", slider_class=GrooveCachedSlider)
            lever.value_changed.connect(partial(self._on_lever_changed, key))
            lever.setAutoFillBackground(True)  # opaque: a move repaints the lever, not the group box behind it
            label = plain_label(name)  # as typed
            label.setBuddy(lever.field)
            self._levers[key] = lever
            self._lever_labels[key] = label
        self._arrange_levers()

    def _arrange_levers(self) -> None:
        """Lay out the levers of the row being edited: the major candidates, exhaustion, then the minor ones
        under the expander (when there are two or more)."""
        s = self.model.scenario
        code = self.model.row
        if s is None or s.codes != self._codes:
            return
        self.row_box.setEnabled(bool(code))
        self.picker.setEnabled(bool(code))
        # two candidates: no one's voters to pick (an empty, disabled picker under "Voters of" asked for one)
        self._who.setVisible(bool(code))
        self.picker.setVisible(bool(code))
        if not code:  # two candidates: nobody's next preferences are ever counted (it offered the winner's)
            for widget in (*self._levers.values(), *self._lever_labels.values()):
                widget.hide()
            self.minor_toggle.hide()
            self.minor_box.hide()
            self._keys, self._minor = [], []
            self.row_box.setTitle("Next preferences")
            self.row_box.setToolTip(NO_ROW_COUNTED)
            self.break_even_label.set_text("", shrink=True)  # the basis says why, once (show_case)
            return
        others = [c for c in sorted(s.codes, key=lambda c: (-s.share(c), c)) if c != code]
        minor = [c for c in others if s.share(c) < MINOR_SHARE]
        if len(minor) < 2:
            minor = []
        major = [c for c in others if c not in minor]
        for widget in (*self._levers.values(), *self._lever_labels.values()):
            self._grid.removeWidget(widget)
            self._minor_grid.removeWidget(widget)
        if code in self._levers:  # a candidate never transfers to themselves
            self._levers[code].hide()
            self._lever_labels[code].hide()
        for row, key in enumerate([*major, EXHAUSTED]):
            self._grid.addWidget(self._lever_labels[key], row, 0)
            self._grid.addWidget(self._levers[key], row, 1)
            self._lever_labels[key].show()
            self._levers[key].show()
        for row, key in enumerate(minor):
            self._minor_grid.addWidget(self._lever_labels[key], row, 0)
            self._minor_grid.addWidget(self._levers[key], row, 1)
            self._lever_labels[key].show()
            self._levers[key].show()
        self.minor_toggle.setVisible(bool(minor))
        self.minor_box.setVisible(bool(minor) and self.minor_toggle.isChecked())
        self._minor = minor
        full = s.full_preferential  # no ballot exhausts: the exhausted lever stays at 0, out of the rebalancing
        self._keys = [*major, *minor] if full else [*major, *minor, EXHAUSTED]
        view_names = self.model.case.names if self.model.case is not None else {}
        name = view_names.get(code, code)
        # a group box's title cannot refit: a name past NAME_IN_TITLE letters elided in its middle, whole in the tooltip
        title = f"Where {name}'s voters go next (%)"
        # (menu_text: an "&" in a name is no shortcut's mark)
        self.row_box.setTitle(menu_text(f"Where {elide_middle(name, NAME_IN_TITLE)}'s voters go next (%)"))
        self.row_box.setToolTip(literal_tip(title) if len(name) > NAME_IN_TITLE else "")
        for key in self._keys:
            other = "no one (the ballot exhausts)" if key == EXHAUSTED else view_names.get(key, key)
            tip = (
                f"Of the votes {name} holds when excluded, the share whose next preference is {other}. Moving one "
                "slider rescales the others to keep 100 %; a typed value (Enter) is exact."
            )
            self._levers[key].slider.setToolTip(literal_tip(tip))
            self._levers[key].field.setToolTip(literal_tip(tip))
        exhausted = self._levers[EXHAUSTED]
        exhausted.setEnabled(not full)
        self._lever_labels[EXHAUSTED].setEnabled(not full)
        if full:
            tip = FULL_PREFERENTIAL_TIP
            exhausted.slider.setToolTip(tip)
            exhausted.field.setToolTip(tip)
            self._lever_labels[EXHAUSTED].setToolTip(tip)
            if exhausted.value() != 0.0:
                exhausted.set_value(0.0)
        else:
            self._lever_labels[EXHAUSTED].setToolTip("")

    def _show_row_values(self, scenario: IrvScenario) -> None:
        code = self.model.row
        if not code or scenario.codes != self._codes:
            return
        row = scenario.row(code)
        tenths = {k: round(10.0 * row.get(k, 0.0)) for k in self._keys}
        if tenths:
            biggest = max(tenths, key=lambda k: tenths[k])
            tenths[biggest] += STEPS - sum(tenths.values())
        shown = self._tenths
        self._tenths = tenths
        for key, value in tenths.items():
            lever = self._levers[key]
            if shown.get(key) != value or round(lever.value() * 10) != value:
                lever.set_value(value / 10.0)
        self._show_minor_total()

    def _show_minor_total(self) -> None:
        minor = self._minor
        if minor:
            total = sum(self._tenths.get(k, 0) for k in minor) / 10.0
            text = f"Minor candidates ({len(minor)}, {total:.1f} %)"  # (short: a tool button never wraps)
            if self.minor_toggle.text() != text:
                self.minor_toggle.setText(text)

    def _on_lever_changed(self, key: str, percent: float) -> None:
        code = self.model.row
        if key not in self._tenths or not code:
            return
        keys = self._keys
        values = [self._tenths[k] for k in keys]
        moved = keys.index(key)
        new = rebalance(values, moved, round(percent * 10))
        self._tenths = dict(zip(keys, new, strict=True))
        for k, v, before in zip(keys, new, values, strict=True):
            if k != key and v != before:  # an unchanged field is left alone: setting it again repaints it
                self._levers[k].set_value(v / 10.0)
        if self._minor:
            self._show_minor_total()
        self._writing = True
        try:
            self.model.set_row(code, {k: v / 10.0 for k, v in self._tenths.items()})
        finally:
            self._writing = False

    def _choose_ballots(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Last election's ballots", "", "Ballot files (*.csv *.blt);;All files (*)"
        )
        if path:
            self.model.load_prior_ballots(from_qt_name(path))

    def _on_ballots_busy(self, busy: bool) -> None:
        """The ballot file is read on a worker thread: past 0.4 s a window-modal progress dialog shows how far,
        and its Cancel stops the read (cancel_ballots: nothing changes)."""
        self.ballots_button.setEnabled(not busy)
        dialog = self._ballots_progress
        if busy and dialog is None:
            self._ballots_seen = (0, 0)
            # (the bar follows the read on the dialog's timer, not on each progress signal: work_progress)
            dialog = work_progress(
                "Reading last election's ballots…",
                "Last election's ballots",
                "irv_ballots_progress",
                self,
                self._show_ballots_progress,
                maximum=0,
            )
            dialog.canceled.connect(self.model.cancel_ballots)
            self._ballots_progress = dialog
        elif not busy and dialog is not None:
            self._ballots_progress = None
            dialog.canceled.disconnect(self.model.cancel_ballots)
            dialog.close()
            dialog.deleteLater()

    def _on_ballots_progress(self, done: int, total: int) -> None:
        self._ballots_seen = (done, total)

    def _show_ballots_progress(self) -> None:
        dialog = self._ballots_progress
        done, total = self._ballots_seen
        if dialog is None or total <= 0:
            return
        if dialog.maximum() != 1000:
            dialog.setMaximum(1000)
        value = min(1000, done * 1000 // total)
        if value != dialog.value():
            dialog.setValue(value)

    def _on_picker_changed(self, _index: int) -> None:
        code = self.picker.currentData()
        if isinstance(code, str) and code:
            self.model.select_row(code)

    def _on_minor_toggled(self, on: bool) -> None:
        self.minor_box.setVisible(on)
        self.minor_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def _show_last_rounds(self) -> None:
        """On a narrow dock the table scrolls sideways: it shows the last rounds (where the race is decided) and
        the chances, and keeps them in view as the dock is resized, until the user scrolls back."""
        bar = self.rounds.horizontalScrollBar()
        if self._follow_end:
            bar.setValue(bar.maximum())

    def _on_rounds_scrolled(self, value: int) -> None:
        self._follow_end = value >= self.rounds.horizontalScrollBar().maximum()

    def _size_table(self) -> None:
        """Columns as narrow as their figures, rows all visible: the table never scrolls vertically."""
        table = self.rounds
        bold = QFont(table.font())
        bold.setBold(True)  # the winner's row is bold: measure the widest
        metrics = QFontMetrics(bold)
        cols = self.rounds_model.columnCount()
        if cols == 0:
            return
        self._sized_shape = (self.rounds_model.rowCount(), cols)
        vertical = Qt.Orientation.Vertical
        names = [self.rounds_model.headerData(r, vertical) for r in range(self.rounds_model.rowCount())]
        widest = max((metrics.horizontalAdvance(str(n)) for n in names), default=60)
        table.verticalHeader().setFixedWidth(min(widest + 14, 160))
        self._round_width = max(metrics.horizontalAdvance("00.0"), metrics.horizontalAdvance("R10")) + 8
        self._chance_width = metrics.horizontalAdvance("Chance") + 14
        self._fit_columns()
        rows = self.rounds_model.rowCount()
        row_height = metrics.lineSpacing() + 6
        table.verticalHeader().setDefaultSectionSize(row_height)
        bar = table.horizontalScrollBar().sizeHint().height()
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + rows * row_height + bar + 4)

    def _fit_columns(self) -> None:
        """Round columns that fill the table's width in whole columns: when the rounds scroll (a narrow dock),
        the last rounds and the chances fill the view exactly, with no sliver of a round cut at its left edge;
        each round is widened by at most a column's width shared out. When every round fits, they keep their
        narrow width."""
        cols = self.rounds_model.columnCount()
        if cols == 0 or self._round_width <= 0:
            return
        rounds = cols - RoundsModel.EXTRA
        room = self.rounds.viewport().width() - self._chance_width
        width, chance = self._round_width, self._chance_width
        if rounds * width > room > 0:  # they scroll: as many whole rounds as fit, sharing out the rest
            shown = max(1, room // self._round_width)
            width = room // shown
            chance += room - shown * width
        header = self.rounds.horizontalHeader()
        for c in range(rounds):
            if header.sectionSize(c) != width:
                self.rounds.setColumnWidth(c, width)
        if header.sectionSize(cols - 1) != chance:
            self.rounds.setColumnWidth(cols - 1, chance)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.rounds.viewport():
            self._fit_columns()
        return super().eventFilter(watched, event)

    # --- Qt overrides ---------------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        wide = event.size().width() >= self.NARROW
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._layout.direction() != direction:
            self._layout.setDirection(direction)
            # Side by side (meeting mode, a wide dock) the rounds get the room: every round in projector type.
            self._layout.setStretch(0, 3 if wide else 0)
            self._layout.setStretch(1, 2 if wide else 0)
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):  # meeting mode's large type
            QTimer.singleShot(0, self, self._restyle)
        super().changeEvent(event)

    def _restyle(self) -> None:
        self._sized_shape = (-1, -1)
        self._size_table()


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth"}.get(n, f"{n}th")


if __name__ == "__main__":  # standalone preview on a 12-candidate race
    import sys

    import numpy as np
    from PySide6.QtWidgets import QApplication

    from warroom.core.irv_pipeline import IrvCase, break_evens, default_row, evaluate_irv
    from warroom.core.irv_scenario import irv_scenario, set_row

    class _Preview(QObject):
        case_cleared = Signal(str)
        case_changed = Signal(object)
        scenario_changed = Signal(object)
        row_selected = Signal(str)
        view_ready = Signal(object)
        break_evens_ready = Signal(str, object)

        def __init__(self) -> None:
            super().__init__()
            shares = [26.0, 24.5, 23.5, 7.0, 5.5, 4.5, 2.5, 2.0, 1.6, 1.3, 0.9, 0.7]
            codes = [f"c{i:02d}" for i in range(12)]
            rng = np.random.default_rng(3)
            rows = {}
            for i, code in enumerate(codes):
                w = rng.dirichlet(np.ones(12)) * 80
                w[i] = 0
                rows[code] = {c: float(x) for c, x in zip(codes, w, strict=True) if c != code}
                rows[code][EXHAUSTED] = 100.0 - sum(rows[code].values())
            self.scenario: IrvScenario | None = irv_scenario(dict(zip(codes, shares, strict=True)), rows)
            self.contest: Contest | None = None
            names = {c: f"Candidate {c[1:]}" for c in codes}
            self.case: IrvCase | None = IrvCase(self.scenario, "Preview race", None, names)
            self.row = default_row(self.scenario)
            self.view: IrvView | None = evaluate_irv(self.case)
            self.break_even_list: list[BreakEven] = []

        def select_row(self, code: str) -> None:
            self.row = code
            self.row_selected.emit(code)

        def set_row(self, code: str, shares: Mapping[str, float]) -> None:
            assert self.scenario is not None and self.case is not None
            self.scenario = set_row(self.scenario, code, shares)
            self.view = evaluate_irv(self.scenario, names=self.case.names)
            self.view_ready.emit(self.view)
            self.break_evens_ready.emit(self.row, break_evens(self.scenario, self.row, self.case.names))

        ballots_busy = Signal(bool)
        ballots_progress = Signal(object, object)

        def load_prior_ballots(self, path: Path) -> None:
            pass

        def cancel_ballots(self) -> None:
            pass

        def reset(self) -> None:
            pass

    app = QApplication(sys.argv)
    model = _Preview()
    panel = IrvPanel(model)
    panel.show_row(model.row)
    panel.resize(560, 900)
    panel.show()
    sys.exit(app.exec())
