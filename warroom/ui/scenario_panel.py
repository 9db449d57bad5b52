"""Scenario panel: transfer-split sliders, the "tie him to his party" lever, and live outputs.

The panel is a view of one ScenarioModel (the app's ScenarioController) and keeps no copy of the case: a slider
move writes through the model's setters, and the panel re-renders from the model's signals. The model
coalesces evaluation to one per event-loop turn (never debounced), so the verdict, break-even, win
probability and heatmap follow the finger.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from PySide6.QtCore import QDate, QEvent, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from warroom.core.baseline import HEATMAP_SPLITS, HEATMAP_STRENGTHS, last_average_day
from warroom.core.colour import readable
from warroom.core.forecast import chance_text, signed_points
from warroom.core.pipeline import (
    BaselineChoice,
    ProjectionView,
    assumption_lines,
    describe_runoff_source,
    polled_first_round,
)
from warroom.core.runoff import Split
from warroom.core.scenario import Baseline, Destination, DragSource, Scenario, note_lines
from warroom.core.types import Contest, bidi_isolated
from warroom.ui.dock_layout import MIN_SCENARIO_WIDTH
from warroom.ui.glyphs import drawable
from warroom.ui.protocols import ScenarioModel
from warroom.ui.qt_utils import (
    NAME_IN_TITLE,
    DataLabel,
    DecimalSpinBox,
    FormDateEdit,
    RichDataLabel,
    elide_middle,
    literal_tip,
    menu_text,
    plain_label,
    signals_blocked,
)
from warroom.ui.split_slider import LeverInput, SplitSlider, TransferInput, fit_value_label

if TYPE_CHECKING:
    import pyqtgraph as pg

HEATMAP_LOADING = "Loading the heatmap…"
"""The heatmap's place while the charting library loads (the window's first paint at start: issue 15)."""
HEATMAP_Y_LABELS = ("To front-runner (%)", "To leader (%)", "%")
"""The heatmap's left axis label, longest first: the first that fits the axis's height is shown (Heatmap)."""
HEATMAP_Y_TIP = "To front-runner (%): the share of the eliminated candidate's valid transfers going to the front-runner"
"""The left axis's tooltip: the whole label, whichever text fits."""
HEATMAP_EMPTY = "No heatmap: no case to chart until the race has a poll"
"""The heatmap's place when the race has no case (no poll yet, or every poll deleted): said, not an empty frame."""
NO_TRANSFERS = "No second preferences move: the race's two candidates both reach the runoff"
"""Where a race of two candidates has no transfer rows, and (after "No heatmap: ") no heatmap: nobody is eliminated
before the runoff, so no one's second preferences are transferred (the frame was empty, and the heatmap's place
said "until the race has a poll" beside its polls)."""
NO_HEATMAP = "No heatmap: no second preferences move, the race's two candidates both reach the runoff"
"""The heatmap's place in a race of two candidates (NO_TRANSFERS): it charts an eliminated candidate's transfers."""

MINOR_SHARE = 3.0
"""First-round share (%) under which an eliminated candidate's transfer inputs sit under the expander."""


BASELINE_DATE_TIP = "The poll average as it stood on this day (polls published later are ignored)"

MESSAGE_TITLE = "Message: tie the front-runner to the party"
"""The message box's title before a race names its front-runner (and with no race open)."""
MESSAGE_TO_CHALLENGER_TIP = "Peeled-away voters who now back the challenger in the first round"
NO_RACE_DATE = "—"
"""The baseline date box's text with no race open (no day of the race deleted)."""


@dataclass(frozen=True)
class _Roll:
    """Who the panel names: the contest's candidates, else the names a baseline carries (a saved case naming a
    candidate deleted from the race since, shown by his name as saved, not his code)."""

    contest: Contest | None
    saved: Mapping[str, str]

    def colour(self, code: str) -> str:
        try:
            return self.contest.candidate(code).colour if self.contest is not None else "#000"
        except KeyError:
            return "#000"


def _name(roll: _Roll, code: str) -> str:
    if code == "other":
        return "Others"
    try:
        if roll.contest is None:
            raise KeyError(code)
        return bidi_isolated(roll.contest.candidate(code).display)  # a figure after it stays with it
    except KeyError:
        return bidi_isolated(roll.saved.get(code, code))


def _escaped_line(line: str, escape: Callable[[str], str]) -> str:
    """A line of data, escaped for a rich label (RichDataLabel.set_rich)."""
    return escape(line)


def _to_date(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


class Heatmap(QWidget):
    """Runoff margin over message strength (x) and the largest transfer split (y), with the break-even contour.

    Built without its chart (`chart=False`, the window's first paint at start: issue 15) it shows "Loading the
    heatmap…" in the chart's place, with the caption, until `attach_chart()`; the last grid shown meanwhile is
    drawn then. With no grid to show (`clear()`: the race has no case) it says so in the chart's place, at the
    heatmap's own size, rather than drawing an empty frame of axes.
    """

    def __init__(self, parent: QWidget | None = None, *, chart: bool = True) -> None:
        super().__init__(parent)
        self.plot: pg.PlotWidget | None = None  # None until attach_chart (pyqtgraph is not imported before)
        self.legend = plain_label()  # names as typed
        self.legend.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder: QLabel | None = QLabel(HEATMAP_LOADING)
        self.placeholder.setObjectName("heatmap_loading")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: palette(placeholder-text);")
        self._layout.addWidget(self.placeholder, 1)
        self.empty = QLabel(HEATMAP_EMPTY)
        self.empty.setObjectName("heatmap_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)  # (the panel's type and colours: readable on a projector's dark page)
        self.empty.hide()
        self._layout.addWidget(self.empty, 1)
        self._layout.addWidget(self.legend)
        self.grid = np.zeros((len(HEATMAP_SPLITS), len(HEATMAP_STRENGTHS)))
        self._shown: tuple[np.ndarray, float, float, np.ndarray | None] | None = None
        self._axis_font: QFont | None = None
        if chart:
            self.attach_chart()

    def attach_chart(self) -> None:
        """Build the chart in the placeholder's place (imports pyqtgraph) and draw the grid last shown."""
        if self.plot is not None:
            return
        import pyqtgraph as pg

        self.plot = pg.PlotWidget()
        self.plot.setAccessibleName("Margin heatmap")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.contour = pg.PlotCurveItem(pen=pg.mkPen("k", width=2.5), connect="finite")
        self.contour.setZValue(5)
        self.plot.addItem(self.contour)
        self.current = pg.ScatterPlotItem(size=14, symbol="o", pen=pg.mkPen("k", width=2), brush=pg.mkBrush("#FFB000"))
        self.plot.addItem(self.current)
        self.plot.setLabel("bottom", "Message strength (% of personal vote peeled)")
        # The longest text that fits the axis's height (_fit_left_label: on a projector's type the whole one ran
        # past the top); the caption says whose transfers, the tooltip the whole label.
        self.plot.setLabel("left", HEATMAP_Y_LABELS[0])
        for side in ("bottom", "left"):  # percentages: never "(x0.001)" after the label on a small range
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.plot.getAxis("left").setToolTip(HEATMAP_Y_TIP)
        self.plot.getPlotItem().getViewBox().sigResized.connect(self._fit_left_label)
        # Diverging map: blue (front-runner ahead) through white to orange (challenger ahead), CVD-safe.
        self._cmap = pg.ColorMap([0.0, 0.5, 1.0], [(213, 94, 0), (247, 247, 247), (0, 114, 178)])
        self.image.setLookupTable(self._cmap.getLookupTable(nPts=256))
        if self.placeholder is not None:
            self._layout.replaceWidget(self.placeholder, self.plot)
            self.placeholder.hide()  # (a child until deleted: not drawn over the chart meanwhile)
            self.placeholder.deleteLater()
            self.placeholder = None
        self._layout.setStretchFactor(self.plot, 1)
        if self._axis_font is not None:
            self.set_axis_font(self._axis_font)
        if self._shown is not None:
            self._draw(*self._shown)
        self._show_empty(self.empty.isVisibleTo(self))

    def set_axis_font(self, font: QFont) -> None:
        """The axes' type (the panel's size: large in meeting mode), kept for a chart attached later."""
        self._axis_font = QFont(font)
        if self.plot is None:
            return
        for side in ("bottom", "left"):
            axis = self.plot.getAxis(side)
            axis.setStyle(tickFont=font)
            axis.label.setFont(font)
        self._fit_left_label()

    def _fit_left_label(self) -> None:
        """The left axis shows the longest of HEATMAP_Y_LABELS that fits its height (the axis spans the view's)."""
        if self.plot is None:
            return
        axis = self.plot.getAxis("left")
        room = self.plot.getPlotItem().getViewBox().size().height()
        was = axis.labelText
        for text in HEATMAP_Y_LABELS:
            if axis.labelText != text:
                axis.setLabel(text)
            if axis.label.boundingRect().width() <= room:
                break
        if axis.labelText != was:
            # pyqtgraph centres the label on the axis only when the axis is resized: a new text (or its new font)
            # stayed where the old one was centred until then (meeting mode's "%" drawn low beside the scale)
            axis.resizeEvent()

    def show_grid(
        self, grid: np.ndarray, x_now: float, y_now: float, caption: str, contour: np.ndarray | None = None
    ) -> None:
        """grid[i, j]: margin at split HEATMAP_SPLITS[i] and strength HEATMAP_STRENGTHS[j]; contour[i]: the exact
        break-even strength (0-1) at split HEATMAP_SPLITS[i]."""
        self.grid = grid
        self.legend.setText(caption)
        self._shown = (grid, x_now, y_now, contour)
        self._show_empty(False)
        if self.plot is not None:
            self._draw(grid, x_now, y_now, contour)

    def clear(self, reason: str = HEATMAP_EMPTY) -> None:
        """No grid (the race has no case, or no transfer to chart: `reason`, said in the chart's place): nothing
        drawn, no caption, the axes on their 0-100 ranges."""
        self.grid = np.zeros((len(HEATMAP_SPLITS), len(HEATMAP_STRENGTHS)))
        self._shown = None
        self.legend.setText("")
        if self.empty.text() != reason:
            self.empty.setText(reason)
        self._show_empty(True)
        if self.plot is not None:
            self.image.clear()
            self.contour.setData([], [])
            self.current.setData([], [])
            self.plot.setRange(xRange=(0, 100), yRange=(0, 100), padding=0.02)

    def _show_empty(self, empty: bool) -> None:
        """The empty-state message in the chart's place (and the chart, or its placeholder, hidden), or the chart."""
        if self.empty.isVisibleTo(self) != empty:
            self.empty.setVisible(empty)
        for shown in (self.plot, self.placeholder):
            if shown is not None and shown.isVisibleTo(self) == empty:
                shown.setVisible(not empty)

    def _draw(self, grid: np.ndarray, x_now: float, y_now: float, contour: np.ndarray | None) -> None:
        assert self.plot is not None
        limit = max(5.0, float(np.nanmax(np.abs(grid))) if grid.size else 5.0)
        self.image.setImage(grid, levels=(-limit, limit), autoLevels=False)
        w = 100.0 / (len(HEATMAP_STRENGTHS) - 1)
        h = 100.0 / (len(HEATMAP_SPLITS) - 1)
        self.image.setRect(-w / 2, -h / 2, 100.0 + w, 100.0 + h)
        if contour is not None:
            xs = 100.0 * np.where((contour >= 0) & (contour <= 1), contour, np.nan)
            self.contour.setData(xs, HEATMAP_SPLITS)
        else:
            self.contour.setData([], [])
        self.current.setData([x_now], [y_now])
        self.plot.setRange(xRange=(0, 100), yRange=(0, 100), padding=0.02)


class ScenarioPanel(QWidget):
    """Transfer sliders and levers in, projection out: a view of one ScenarioModel.

    Signals:
        save_requested: save the current settings under a name.
        compare_requested: show the saved scenarios side by side.
    """

    save_requested = Signal()
    compare_requested = Signal()

    def __init__(self, model: ScenarioModel, parent: QWidget | None = None, *, charts: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("scenario_panel")
        # The dock's least width, less its scroll area's scrollbar (always shown: ui/main_window.py): never wider
        # than a narrow dock (that scrolled sideways), never so narrow its lines are fitted to a width the start's
        # first stage and the window do not share.
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self.setMinimumWidth(MIN_SCENARIO_WIDTH - bar - 2)
        self.model = model
        self._writing = False
        self._split_widgets: dict[str, TransferInput] = {}
        # Under a transfer row: what a tie would take from that candidate's voters (core.pipeline's words)
        self._split_notes: dict[str, RichDataLabel] = {}
        # Each transfer row's title (its candidate and first-round share), what the rows were built for (the names in
        # them: _rows_key) and their two groups in order (major, minor: _transfer_groups), so that a new baseline
        # with the same rows only reorders them and writes their shares again (_reuse_transfer_rows)
        self._split_titles: dict[str, RichDataLabel] = {}
        self._split_built: tuple[object, ...] | None = None
        self._split_groups: tuple[list[str], list[str]] = ([], [])
        self._minor_layout: QVBoxLayout | None = None
        self.title_label = RichDataLabel()  # its data escaped (as_html) and a long name elided
        self.title_label.setObjectName("scenario_title")
        self.title_label.setWordWrap(True)
        self.title_label.hide()

        self.baseline_combo = QComboBox()
        # Long poll labels must not set the panel's minimum width (that cropped the inputs on a laptop).
        self.baseline_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.baseline_combo.setMinimumContentsLength(14)
        self.baseline_combo.setAccessibleName("Baseline")
        self.baseline_combo.setToolTip(
            "What the scenario starts from: the latest poll average, the average on a chosen date, or one poll"
        )
        self.baseline_combo.addItem("Poll average (latest)", ("average", None))
        self.baseline_combo.addItem("Poll average on a date…", ("as_of", None))
        self.baseline_combo.addItem("Party voting intention + personal votes", ("party_vi", None))
        self.baseline_combo.setItemData(
            2,
            "For a race with no poll of its own yet: each candidate's party voting intention plus the candidate's "
            "personal vote",
            Qt.ItemDataRole.ToolTipRole,
        )
        # Personal votes for a party-VI baseline: one typed field per standing candidate, shown in that mode.
        self.personal_box = QGroupBox("Personal votes (points above or below the party)")
        self.personal_box.setObjectName("personal_votes")
        self._personal_form = QFormLayout(self.personal_box)
        self._personal: dict[str, QDoubleSpinBox] = {}
        self.personal_box.hide()
        self.baseline_combo.currentIndexChanged.connect(self._on_baseline_combo_changed)
        # (a date typed key by key as written: Qt's own box skipped the month at a typed "-")
        self.baseline_date = FormDateEdit()
        self.baseline_date.setAccessibleName("Baseline date")
        self.baseline_date.setToolTip(BASELINE_DATE_TIP)
        self.baseline_date.typed_problem_changed.connect(self._on_baseline_date_problem)
        self.baseline_date.setEnabled(False)
        self.baseline_date.dateChanged.connect(self._on_baseline_date_changed)
        self.baseline_label = RichDataLabel()  # its data escaped (as_html) and a long name elided
        self.baseline_label.setWordWrap(True)

        # --- message lever -----------------------------------------------------------------------------------
        self.message_lever = LeverInput("message_strength", "Message strength")
        self.message_slider, self.message_value = self.message_lever.slider, self.message_lever.field
        self.message_lever.value_changed.connect(self._on_message_changed)
        self.message_dest = SplitSlider(
            ["to challenger", "to other candidates", "stay at home"],
            [
                MESSAGE_TO_CHALLENGER_TIP,
                "Peeled-away voters who move to the other candidates, then transfer by those candidates' splits",
                "Peeled-away voters who do not vote at all",
            ],
            "message_destination",
        )
        self.message_dest.split_changed.connect(self._on_message_destination_changed)
        self.drag_lever = LeverInput("drag_recovery", "Drag recovery")
        self.drag_slider, self.drag_value = self.drag_lever.slider, self.drag_lever.field
        self.drag_lever.value_changed.connect(self._on_drag_changed)
        self.drag_source = SplitSlider(
            ["from front-runner", "from other candidates", "from non-voters"],
            [
                "Recovered voters who had backed the front-runner",
                "Recovered voters who had backed other candidates",
                "Recovered voters who would otherwise have stayed at home",
            ],
            "drag_source",
        )
        self.drag_source.split_changed.connect(self._on_drag_source_changed)
        self.message_box = QGroupBox(MESSAGE_TITLE)
        mform = QFormLayout(self.message_box)
        row = QHBoxLayout()
        row.addWidget(self.message_lever, 1)
        mform.addRow("Peel away", row)
        # How sure the campaign is of that strength: the win probability draws the strength from the range.
        self.message_guess = DecimalSpinBox()
        self.message_guess.stops_at_ends = True  # a lever: "60" sets its end, 50, not 6 (Qt refused the "0")
        self.message_guess.setObjectName("message_uncertainty")
        self.message_guess.setAccessibleName("Message strength uncertainty")
        self.message_guess.setRange(0.0, 50.0)
        self.message_guess.setDecimals(0)
        self.message_guess.setSingleStep(5.0)
        self.message_guess.setPrefix("± ")
        self.message_guess.setSuffix(" %")
        self.message_guess.setSpecialValueText("a firm setting")
        self.message_guess.setKeyboardTracking(False)
        self.message_guess.setToolTip(
            "If the message's strength is a guess, how far either way it may be: the chance of winning then "
            "allows for any strength in that range (the projection uses the set strength)"
        )
        self.message_guess.valueChanged.connect(self._on_message_guess_changed)
        mform.addRow("Strength is a guess", self.message_guess)
        mform.addRow(self.message_dest)
        row2 = QHBoxLayout()
        row2.addWidget(self.drag_lever, 1)
        self.drag_row_label = QLabel("Recover drag")
        mform.addRow(self.drag_row_label, row2)
        mform.addRow(self.drag_source)

        # (short: a group box's title never wraps, and a long one set the inputs' least width past a narrow dock's)
        self.transfers_box = QGroupBox("Second preferences")
        self.transfers_box.setToolTip(
            "How each eliminated candidate's voters' second preferences divide between the two finalists"
        )
        self.transfers_layout = QVBoxLayout(self.transfers_box)

        # --- outputs -----------------------------------------------------------------------------------------
        self.verdict = plain_label()  # names as typed, never read as markup
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        big = QFont()
        big.setPointSize(15)
        big.setBold(True)
        self.verdict.setFont(big)
        self.verdict.setAccessibleName("Verdict")
        self.first_round_label = plain_label()
        self.first_round_label.setObjectName("first_round")
        self.first_round_label.setWordWrap(True)
        self.runoff_label = plain_label()
        self.runoff_label.setObjectName("runoff")
        self.break_even_label = RichDataLabel()  # its data escaped (as_html) and a long name elided
        self.break_even_label.setObjectName("break_even")
        self.break_even_label.setWordWrap(True)
        self.win_label = RichDataLabel()  # its data escaped (as_html) and a long name elided
        self.win_label.setObjectName("win_probability")
        self.heatmap = Heatmap(chart=charts)  # charts=False: its chart comes with attach_charts()
        self.heatmap.setMinimumHeight(220)
        # On a laptop's narrow dock the sliders need the height: the heatmap is one click away there.
        # Short: a checkbox's text never wraps, so a long one set the narrow dock's least width (a scrollbar).
        self.heatmap_toggle = QCheckBox("Show the heatmap")
        self.heatmap_toggle.setObjectName("heatmap_toggle")
        self.heatmap_toggle.setToolTip("The runoff margin by message strength and transfer split")
        self.heatmap_toggle.setChecked(True)
        self.heatmap_toggle.toggled.connect(self.heatmap.setVisible)
        # Output labels have fixed heights: new text repaints the label alone instead of re-laying out
        # the whole window on every slider move (that relayout was the slow tail of a drag).
        self._verdict_colour: str | None = None  # its candidate's colour, as the contest has it (_colour_verdict)
        self._verdict_lines = 3  # at least; more when its text needs them at the width it has (_fit_verdict)
        self.verdict.installEventFilter(self)  # its lines follow its width at once, before the next paint
        self._fixed_lines = (
            (self.verdict, 3),
            (self.first_round_label, 3),
            (self.runoff_label, 2),
            (self.break_even_label, 3),
            (self.win_label, 2),
            (self.heatmap.legend, 3),
        )
        for label, _lines in self._fixed_lines:
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit_label_heights()
        out = QGroupBox("Projection")
        out.setObjectName("projection_box")
        oform = QVBoxLayout(out)
        # A saved case (meeting mode) says which one it is and what it assumes, above its numbers.
        self.assumptions_label = RichDataLabel()  # its data escaped (as_html) and a long name elided
        self.assumptions_label.setObjectName("scenario_assumptions")
        self.assumptions_label.setWordWrap(True)
        self.assumptions_label.hide()
        for w in (
            self.title_label,
            self.assumptions_label,
            self.verdict,
            self.first_round_label,
            self.runoff_label,
            self.break_even_label,
            self.win_label,
            self.heatmap_toggle,
            self.heatmap,
        ):
            oform.addWidget(w, 1 if w is self.heatmap else 0)  # spare height goes to the heatmap
        self._outputs_form = oform
        self._held_paints = 0  # verdict paints held back in a row while it overlaps the line under it

        # Short, as the other two: the row of three set the inputs' least width past a narrow dock's
        self.reset_button = QPushButton("&Reset")
        self.reset_button.setToolTip("Put every slider back to the poll-based defaults (Scenario > Reset to baseline)")
        self.reset_button.clicked.connect(self.model.reset)
        # No mnemonic: Alt+S is the Scenario menu's (both on it, the first Alt+S only moved the focus here, the
        # second opened the menu, neither saved); Scenario > Save as… (Ctrl+Shift+S) is the key.
        self.save_button = QPushButton("Save as…")
        self.save_button.setToolTip("Save these settings with their baseline in the poll store")
        self.save_button.clicked.connect(self.save_requested.emit)
        self.compare_button = QPushButton("&Compare…")
        self.compare_button.setToolTip("Show two saved scenarios side by side")
        self.compare_button.clicked.connect(self.compare_requested.emit)
        buttons = QHBoxLayout()
        for b in (self.reset_button, self.save_button, self.compare_button):
            buttons.addWidget(b)

        inputs = QWidget()
        ilayout = QVBoxLayout(inputs)
        ilayout.setContentsMargins(0, 0, 0, 0)
        top = QGridLayout()
        top.addWidget(QLabel("Baseline"), 0, 0)
        top.addWidget(self.baseline_combo, 0, 1)
        top.addWidget(self.baseline_date, 0, 2)  # under the choice in a panel narrower than SLIM (_lay_out)
        self._baseline_grid = top
        ilayout.addLayout(top)
        ilayout.addWidget(self.baseline_label)
        ilayout.addWidget(self.personal_box)
        ilayout.addWidget(self.message_box)
        ilayout.addWidget(self.transfers_box)
        ilayout.addLayout(buttons)
        ilayout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (no Tab stop: its sliders are the stops)
        scroll.setWidget(inputs)
        scroll.setMinimumWidth(220)
        # Inputs beside the answer when there is room; on a narrow dock (a 1366-px laptop) the answer goes on top
        # and the inputs below it, with a handle between them, rather than cropping either.
        self._inputs_scroll, self._outputs = scroll, out
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("scenario_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(out)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self._inputs = (
            self.baseline_combo,
            self.baseline_date,
            self.message_box,
            self.transfers_box,
            self.reset_button,
        )
        model.baseline_changed.connect(self.show_baseline)
        model.scenario_changed.connect(self.show_scenario)
        model.view_ready.connect(self.show_view)
        model.case_cleared.connect(self.show_nothing)
        if model.baseline is not None:
            self.show_baseline(model.baseline)
        if model.scenario is not None:
            self.show_scenario(model.scenario)
        if model.view is not None:
            self.show_view(model.view)
        elif model.cleared:
            self.show_nothing(model.cleared)

    # --- data down ------------------------------------------------------------------------------------------

    @property
    def _contest(self) -> Contest | None:
        return self.model.contest

    def set_polls_for_baseline(self, choices: list[tuple[str, int]]) -> None:
        """Offer single polls as baselines: (label, poll id), newest first."""
        with signals_blocked(self.baseline_combo):
            current = self.baseline_combo.currentData()
            while self.baseline_combo.count() > 3:
                self.baseline_combo.removeItem(3)
            for label, pid in choices:
                self.baseline_combo.addItem(drawable(label), ("poll", pid))
            for i in range(self.baseline_combo.count()):
                if self.baseline_combo.itemData(i) == current:
                    self.baseline_combo.setCurrentIndex(i)

    def set_date_range(self, first: date, last: date) -> None:
        """The days an "average on a date" baseline can be taken from (first poll to election day)."""
        with signals_blocked(self.baseline_date):
            if self.baseline_date.specialValueText():  # a race's dates again: none is "no race" (only then: set,
                self.baseline_date.setSpecialValueText("")  # it redraws the box, a date being typed there lost)
            self.baseline_date.setDateRange(
                QDate(first.year, first.month, first.day), QDate(last.year, last.month, last.day)
            )
            if not self.baseline_date.isEnabled():
                self.baseline_date.setDate(QDate(last.year, last.month, last.day))

    def show_baseline(self, baseline: Baseline) -> None:
        """A new baseline: rebuild the transfer sliders only if the set of eliminated candidates changed."""
        c = _Roll(self._contest, baseline.names)
        a, b = baseline.a, baseline.b
        # as read, the projection's scaled figures set apart in words (core.pipeline.polled_first_round)
        firsts = polled_first_round(baseline, lambda k: _name(c, k))
        self.baseline_label.set_rich(
            lambda h: (
                f"<b>{h(baseline.label)}</b><br>{h(firsts)}<br>"
                f"{h(_name(c, a))}'s personal vote (bounce): <b>{baseline.bounce:.1f}</b> points above the party; "
                f"{h(_name(c, b))}'s drag: <b>{baseline.drag:.1f}</b> points below the party.<br>"
                f"{h(describe_runoff_source(baseline))}"
            )
        )
        self._offer_polls()
        self._show_choice(self.model.choice)
        read_only = self.model.read_only
        for w in self._inputs:
            w.setEnabled(not read_only)
        for button in (self.save_button, self.compare_button):  # (off while no race was open: show_nothing)
            button.setEnabled(True)
        # A saved case is shown, not edited: its settings are written out above the answer instead.
        self._inputs_scroll.setVisible(not read_only)
        if read_only != getattr(self, "_shown_read_only", False):
            self._shown_read_only = read_only
            self._fit_label_heights()
        self.baseline_date.setEnabled(not read_only and self.model.choice.mode == "as_of")
        self.title_label.setVisible(bool(self.model.title))
        title = self.model.title
        self.title_label.set_rich(lambda h: f"<b>{h(title)}</b>" if title else "")
        # (a group box's title cannot refit: a long name is elided there, whole in the tooltip)
        self.message_box.setTitle(  # (menu_text: an "&" in a name is no shortcut's mark)
            menu_text(f"Message: tie {elide_middle(_name(c, a), NAME_IN_TITLE // 2)} to the party")
        )
        self.message_box.setToolTip(literal_tip(f"Message: tie {_name(c, a)} to the party"))
        self.message_slider.setToolTip(
            literal_tip(
                f"How much of {_name(c, a)}'s personal vote ({baseline.bounce:.1f} points above the party) a message "
                f"tying {_name(c, a)} to the party peels away. 100 % means falling back to the party's level."
            )
        )
        self.drag_slider.setToolTip(
            literal_tip(
                f"How much of {_name(c, b)}'s drag ({baseline.drag:.1f} points: people who back the party but not "
                f"{_name(c, b)}) a campaign wins back."
            )
        )
        self.message_dest.sliders[0].setToolTip(
            literal_tip(f"Peeled-away voters who now back {_name(c, b)} in the first round")
        )
        eliminated = baseline.eliminated  # (the baseline's order: the assumption lines' and Compare's)
        if not self._reuse_transfer_rows(baseline, eliminated):
            self._rebuild_transfer_sliders(baseline, eliminated)

    def show_nothing(self, reason: str) -> None:
        """No case (no poll of the race to build one from): the reason where the verdict goes, no figure of a case
        from polls since deleted or from the race open before, and the inputs off until polls come back (the next
        baseline turns them on)."""
        self.verdict.setText(reason)
        self._verdict_colour = None
        if self.verdict.styleSheet():
            self.verdict.setStyleSheet("")
        self._fit_verdict()
        self.first_round_label.setText("")
        self.runoff_label.setText("")
        for label in (self.break_even_label, self.win_label, self.baseline_label):
            label.set_rich(lambda _h: "")
        self.assumptions_label.setVisible(False)
        self.heatmap.clear()
        # The transfer rows name the last case's eliminated candidates with its first-round shares and default
        # splits: figures of polls since deleted, or of the race open before. The next baseline rebuilds them.
        self._clear_transfer_rows()
        for w in self._inputs:
            w.setEnabled(False)
        # no race open (the store's last one deleted): nothing to save or compare either (a race's case, even with
        # no poll yet, still may be)
        for button in (self.save_button, self.compare_button):
            button.setEnabled(self.model.contest is not None)
        if self.model.contest is None:
            self._show_no_race_inputs()

    def _show_no_race_inputs(self) -> None:
        """The greyed inputs with no race open: the panel's own neutral words and no date, not the deleted race's
        ("Message: tie Red to the party", tips with its figures, its baseline day). The next race's baseline
        and date range put its own back (show_baseline, set_date_range)."""
        self.message_box.setTitle(MESSAGE_TITLE)
        self.message_box.setToolTip("")
        self.message_slider.setToolTip("")
        self.drag_slider.setToolTip("")
        self.message_dest.sliders[0].setToolTip(MESSAGE_TO_CHALLENGER_TIP)
        with signals_blocked(self.baseline_date):
            self.baseline_date.setSpecialValueText(NO_RACE_DATE)  # shown while the date is the range's first
            self.baseline_date.setDate(self.baseline_date.minimumDate())

    def show_scenario(self, scenario: Scenario) -> None:
        """Show the model's settings (any source: an edit, a reset, a load, a new baseline); no echo back."""
        if self._writing:
            return  # this panel's own edit: its widgets already show it (saves ~20 widget updates per move)
        self.message_lever.set_value(100.0 * scenario.message_strength)
        with signals_blocked(self.message_guess):
            self.message_guess.setValue(round(100.0 * scenario.message_uncertainty))
        self.drag_lever.set_value(100.0 * scenario.drag_recovery)
        d = scenario.message_destination
        self.message_dest.set_parts(d.to_b, d.to_others, d.to_abstain)
        s = scenario.drag_source
        self.drag_source.set_parts(s.from_a, s.from_others, s.from_abstention)
        for code, widget in self._split_widgets.items():
            split = scenario.split(code)  # what the projection uses, default included: never a stale 33/33/33
            widget.set_parts(split.to_a, split.to_b, split.exhausted)

    def show_view(self, view: ProjectionView) -> None:
        """Show a projection view: verdict, first round, runoff, break-even, chance, heatmap."""
        base, scenario, projection = view.baseline, view.scenario, view.projection
        c = _Roll(self._contest, base.names)
        grid, grid_split_of, contour = view.grid, view.heatmap_of, view.contour
        a, b = base.a, base.b
        self.verdict.setText(projection.verdict)
        self._fit_verdict()
        self._verdict_colour = c.colour(b) if projection.gap_closed else c.colour(a)
        self._colour_verdict()
        firsts = ", ".join(
            f"{_name(c, k)} {v:.1f}" for k, v in sorted(projection.first_round.items(), key=lambda kv: -kv[1])
        )
        top = max(projection.first_round.values()) if projection.first_round else 0.0
        self.first_round_label.setText(
            f"First round: {firsts}. "
            + (
                f"{_name(c, projection.outright_winner)} passes {base.majority:g} %."
                if projection.outright_winner
                else f"Nobody passes {base.majority:g} % (top {top:.1f})."
            )
            + (f" {base.majority_note}." if base.majority_note else "")  # the contest's own rule, not followed
            + "".join(f" {line}." for line in note_lines(projection))  # what a runoff of two cannot show
        )
        r = projection.runoff
        self.runoff_label.setText(
            f"Runoff: {_name(c, a)} {r.a_share:.1f} %, {_name(c, b)} {r.b_share:.1f} %; margin {signed_points(projection.margin)} "
            f"({r.exhausted:.1f} % of first-round voters exhaust)"
        )
        self._show_split_notes(view, c)
        be = projection.break_even_message
        words = view.break_even_words
        said = words[0].upper() + words[1:]
        if be is not None and 0 <= be <= 1:
            self.break_even_label.set_rich(lambda h: f"<b>{h(said)}</b>.")
        else:
            self.break_even_label.set_rich(lambda h: h(f"{said}."))
        # Who else could reach the runoff, when the simulation gives anyone else a real chance of it.
        outsiders = ""
        if view.odds is not None:
            others = [(k, p) for k, p in view.odds.p_qualify.items() if k not in (a, b) and p >= 0.01]
            if others:
                outsiders = "; reaching the runoff: " + ", ".join(
                    f"{_name(c, k)} {chance_text(p)}" for k, p in sorted(others, key=lambda kv: -kv[1])[:3]
                )
        chance, sigma = chance_text(projection.win_probability_b), projection.sigma
        self.win_label.set_rich(
            lambda h: (
                f"Chance {h(_name(c, b))} wins: <b>{chance}</b> (assumes a polling error of sd {sigma:.1f} "
                f"points on the margin, transfers uncertain by 10 points){h(outsiders)}"
            )
        )
        if self.model.read_only:
            lines = assumption_lines(base, scenario)
            self.assumptions_label.set_rich(lambda h: "<br>".join(h(line) for line in lines))
            self.assumptions_label.setVisible(True)
        if grid is not None and grid_split_of is not None:
            y_now = scenario.split(grid_split_of).a_of_valid
            self.heatmap.show_grid(
                grid,
                100 * scenario.message_strength,
                y_now,
                f"Margin ({_name(c, a)} minus {_name(c, b)}) by message strength (across) and the share of "
                f"{_name(c, grid_split_of)}'s valid transfers going to {_name(c, a)} (up); black line: break-even; "
                f"dot: now. Orange: {_name(c, b)} ahead.",
                contour,
            )
        elif view.heatmap_of is None and (self.heatmap.empty.isHidden() or self.heatmap.empty.text() != NO_HEATMAP):
            self.heatmap.clear(NO_HEATMAP)  # (once: a slider move in a two-candidate race clears nothing again)

    def attach_charts(self) -> None:
        """The heatmap's chart, for a panel built without it (`charts=False`): drawn with the figures shown."""
        self.heatmap.attach_chart()

    # --- private --------------------------------------------------------------------------------------------

    def _fit_label_heights(self) -> None:
        fit_value_label(self.message_value)
        fit_value_label(self.drag_value)
        # The heatmap's axes use the panel's type size (large in meeting mode, readable from the back).
        self.verdict.ensurePolished()
        self.first_round_label.ensurePolished()
        self.heatmap.set_axis_font(QFont(self.first_round_label.font()))
        for note in self._split_notes.values():
            self._fit_label(note, 2)  # a transfer row's tie line
        for label, least in self._fixed_lines:
            self._fit_label(label, max(least, self._verdict_lines) if label is self.verdict else least)

    def _fit_label(self, label: QLabel, lines: int) -> None:
        """An output label `lines` high at the panel's type size (a fixed height, so new text repaints the label
        alone), or the height its text needs in a saved case; a data label's long name elided to it."""
        label.ensurePolished()  # pick up the stylesheet's font (meeting mode is much larger)
        if isinstance(label, DataLabel | RichDataLabel):  # a long name elided, the whole text its tooltip
            label.fit(None if self.model.read_only else lines)
        if self.model.read_only:
            # A saved case never changes while shown: its labels take the height their text needs, so the
            # heatmap gets the room on a projector.
            label.setMinimumHeight(0)
            label.setMaximumHeight(16777215)
            policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            policy.setHeightForWidth(True)  # the height wrapped text needs at the width it has, not a guess
            label.setSizePolicy(policy)
        else:
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            label.setFixedHeight(label.fontMetrics().lineSpacing() * lines + label.fontMetrics().descent() + 8)

    def _show_split_notes(self, view: ProjectionView, c: _Roll) -> None:
        """Under each transfer row that break_even_splits covers (the heatmap's candidate): the split that ties the
        runoff, against the split set now, or who leads however those voters split."""
        lines = view.split_break_even_lines({k: _name(c, k) for k in view.baseline.names})
        for code, note in self._split_notes.items():
            line = lines.get(code)
            if line is None:
                if not note.isHidden():
                    note.hide()
                continue
            note.set_rich(partial(_escaped_line, line))
            if note.isHidden():
                note.show()

    def _colour_verdict(self) -> None:
        """The verdict in its candidate's colour, made readable on the page it is drawn on (core.colour.readable:
        WCAG's 4.5:1; a dark system's palette had #0072B2 on #2b2b2b, 2.7:1)."""
        if self._verdict_colour is None:
            return
        page = self.verdict.palette().color(QPalette.ColorRole.Window).name()
        sheet = f"color: {readable(self._verdict_colour, page)}"
        if self.verdict.styleSheet() != sheet:  # restyling costs a relayout: only when the colour changes
            self.verdict.setStyleSheet(sheet)

    def _fit_verdict(self) -> None:
        """The verdict's lines: as many as its text needs at the width it has, 3 at least. It is never cut short:
        the chance at its end is a figure (a narrow dock showed "...still ahead in the runoff by 3.2 point…").
        Its height changes only when that count does, not on every slider move (which changes a figure or two)."""
        label = self.verdict
        if self.model.read_only or not isinstance(label, DataLabel):
            return  # (a saved case's labels take the height their text needs anyway)
        metrics = label.fontMetrics()
        # QLabel's own text layout can break a line a word earlier than this measure: measured a little narrower
        width = label.contentsRect().width() - 3 * metrics.averageCharWidth()
        if width <= 0:
            return
        flags = Qt.TextFlag.TextWordWrap.value
        tall = metrics.boundingRect(QRect(0, 0, width, 1 << 20), flags, label.full_text()).height()
        lines = max(3, -(-tall // max(metrics.lineSpacing(), 1)))
        if lines != self._verdict_lines:
            self._verdict_lines = lines
            label.fit(lines)
            label.setFixedHeight(metrics.lineSpacing() * lines + metrics.descent() + 8)

    NARROW = 900
    """Below this width (px) the answer sits above the inputs instead of beside them."""
    TALL = 700
    """From this height (px) a narrow panel still has room for the heatmap above the sliders."""

    def lay_out(self) -> None:
        """Lay the panel out for the size it has now, as when it turns narrow or wide (the start's first stage calls
        it once its dock has the size the window will give it: the panel's first size was a provisional one)."""
        self._lay_out(self.size(), force=True)

    SLIM = 420
    """Below this width (px) the baseline's date goes under its choice: side by side they set the inputs' least
    width past a narrow dock's (the inputs scrolled sideways at the dock's least width)."""

    def _lay_out(self, size: QSize, *, force: bool = False) -> None:
        narrow = size.width() < self.NARROW
        slim = size.width() < self.SLIM
        grid = self._baseline_grid
        at = (1, 1) if slim else (0, 2)
        index = grid.indexOf(self.baseline_date)
        if index >= 0 and cast(tuple[int, int, int, int], grid.getItemPosition(index))[:2] != at:
            grid.removeWidget(self.baseline_date)
            grid.addWidget(self.baseline_date, *at)
        wanted = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.splitter.orientation() != wanted or force:
            self.splitter.setOrientation(wanted)
            self.splitter.insertWidget(0, self._outputs if narrow else self._inputs_scroll)
            tall = size.height() >= self.TALL
            self.heatmap_toggle.setChecked(not narrow or tall or self.model.read_only)
            self.first_round_label.setVisible(not narrow or self.model.read_only)  # the charts show it there
            total = size.height() if narrow else size.width()
            part = 9 * total // 20 if narrow else total // 2  # the answer on top, the sliders below it
            self.splitter.setSizes([part, total - part])

    def resizeEvent(self, event: QResizeEvent) -> None:
        narrow = event.size().width() < self.NARROW
        self._lay_out(event.size())
        super().resizeEvent(event)
        if not narrow:
            QTimer.singleShot(0, self, self._unclip_inputs)

    def _unclip_inputs(self) -> None:
        """Side by side, the inputs get the width their content asks for (up to half) when the answer can spare
        it: a panel that turned wide while narrow (meeting mode on a projector) otherwise keeps clipped inputs
        and a half-empty answer. A split the user chose is left alone when nothing is clipped."""
        if self.splitter.orientation() != Qt.Orientation.Horizontal:
            return
        inputs, outputs = self.splitter.sizes()
        content = self._inputs_scroll.widget()
        if content is None:
            return
        bar = self._inputs_scroll.verticalScrollBar().sizeHint().width()
        want = min(content.sizeHint().width() + bar + 4, (inputs + outputs) // 2)
        spare = outputs - self._outputs.minimumSizeHint().width()
        give = min(want - inputs, spare)
        if give > 0:
            self.splitter.setSizes([inputs + give, outputs - give])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.verdict and event.type() == QEvent.Type.Resize:
            self._fit_verdict()
        elif watched is self.verdict and event.type() == QEvent.Type.Paint:
            # Grown in place (its lines follow its width at once, _fit_verdict) before the layout has moved the
            # line under it down (at 1.5x the window's first paints drew its fifth line over the runoff's): drawn
            # once the layout has, a turn later, never over that line. A few turns at most, whatever happens.
            if self._held_paints < 3 and self._verdict_overlaps_next():
                self._held_paints += 1
                QTimer.singleShot(0, self, self.verdict.update)
                return True
            self._held_paints = 0
        return super().eventFilter(watched, event)

    def _verdict_overlaps_next(self) -> bool:
        """The verdict reaches into the next line shown under it (the layout not yet run since it grew)."""
        form = self._outputs_form
        for i in range(form.indexOf(self.verdict) + 1, form.count()):
            item = form.itemAt(i)
            below = item.widget() if item is not None else None
            if below is not None and below.isVisibleTo(self):
                return self.verdict.geometry().bottom() >= below.geometry().top()
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            QTimer.singleShot(0, self, self._fit_label_heights)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange):
            QTimer.singleShot(0, self, self._colour_verdict)  # (meeting mode's page, a system turned dark)
        super().changeEvent(event)

    def _clear_transfer_rows(self) -> None:
        for widget in self._split_widgets.values():
            widget.setParent(None)
            widget.deleteLater()
        while self.transfers_layout.count():
            item = self.transfers_layout.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.hide()  # (drawn where it was until deleted: the last race's figures on a race with none)
                old.deleteLater()
        self._split_widgets = {}
        self._split_notes = {}
        self._split_titles = {}
        self._split_built = None
        self._split_groups = ([], [])
        self._minor_layout = None

    @staticmethod
    def _transfer_groups(base: Baseline, eliminated: list[str]) -> tuple[list[str], list[str]]:
        """The transfer rows in two groups, in the baseline's order: minor candidates (under MINOR_SHARE of the
        first round) go under an expander, so a race with many candidates shows the transfers that matter first."""
        share = base.normalised
        major = [k for k in eliminated if share.get(k, 0.0) >= MINOR_SHARE]
        minor = [k for k in eliminated if share.get(k, 0.0) < MINOR_SHARE]
        if len(minor) < 2:
            major, minor = list(eliminated), []
        return major, minor

    def _rows_key(self, base: Baseline) -> tuple[object, ...]:
        """What the transfer rows' own widgets name: the finalists and each candidate by name."""
        c = _Roll(self._contest, base.names)
        return (base.a, base.b, _name(c, base.a), _name(c, base.b), *sorted((k, _name(c, k)) for k in base.eliminated))

    def _reuse_transfer_rows(self, base: Baseline, eliminated: list[str]) -> bool:
        """Keep the transfer rows for a new baseline of the same rows (the same candidates, named alike, in the same
        two groups): put them in its order and write its first-round shares in their titles (a baseline's shares
        change with every poll, and two minor candidates on a par swap places). False: they are built again.

        Building them again was five rows of sliders, spin boxes and labels made and the old ones deleted, ~20 ms of
        the turn in which a big contest's new case lands (benchmarks/bench_menu_stalls.py --profile); and rows
        kept for the same candidates in the same order showed the shares of the baseline they were made for."""
        if self._split_built != self._rows_key(base) or not self.transfers_layout.count():
            return False
        if not eliminated:  # (two candidates: the line that says so stays)
            return not self._split_widgets
        if set(self._split_widgets) != set(eliminated):
            return False
        major, minor = self._transfer_groups(base, eliminated)
        old_major, old_minor = self._split_groups
        if set(major) != set(old_major) or set(minor) != set(old_minor):
            return False
        for layout, codes, old in ((self.transfers_layout, major, old_major), (self._minor_layout, minor, old_minor)):
            if layout is None or codes == old:
                continue
            rows: list[tuple[QWidget, QWidget, QWidget]] = [
                (self._split_titles[k], self._split_widgets[k], self._split_notes[k]) for k in codes
            ]
            for row in rows:
                for widget in row:
                    layout.removeWidget(widget)
            for i, row in enumerate(rows):
                for j, widget in enumerate(row):
                    layout.insertWidget(3 * i + j, widget)
        self._split_widgets = {k: self._split_widgets[k] for k in eliminated}
        self._split_groups = (major, minor)
        c = _Roll(self._contest, base.names)
        for code in eliminated:
            self._title_row(self._split_titles[code], c, code, base.normalised.get(code, 0))
        if minor:
            self._title_minor(base, minor)
        return True

    @staticmethod
    def _title_row(title: RichDataLabel, c: _Roll, code: str, share: float) -> None:
        title.set_rich(lambda h: f"<b>{h(_name(c, code))}</b> ({share:.1f} % first round)")

    def _title_minor(self, base: Baseline, minor: list[str]) -> None:
        total = sum(base.normalised.get(k, 0.0) for k in minor)
        self.minor_toggle.setText(f"Minor candidates ({len(minor)}, {total:.1f} % together)")

    def _rebuild_transfer_sliders(self, base: Baseline, eliminated: list[str]) -> None:
        self._clear_transfer_rows()
        major, minor = self._transfer_groups(base, eliminated)
        self._split_built, self._split_groups = self._rows_key(base), (major, minor)
        if not eliminated:  # two candidates: said, not an empty frame
            none = QLabel(NO_TRANSFERS + ".")
            none.setObjectName("no_transfers")
            none.setWordWrap(True)
            self.transfers_layout.addWidget(none)
        for code in major:
            self._add_transfer_row(self.transfers_layout, base, code)
        if minor:
            self.minor_toggle = QToolButton()
            self.minor_toggle.setObjectName("minor_toggle")
            self.minor_toggle.setCheckable(True)
            self.minor_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.minor_toggle.setArrowType(Qt.ArrowType.RightArrow)
            self._title_minor(base, minor)
            self.minor_toggle.setToolTip("Show the transfer inputs of the candidates under 3 % of the first round")
            box = QWidget()
            box.setObjectName("minor_transfers")
            inner = QVBoxLayout(box)
            inner.setContentsMargins(12, 0, 0, 0)
            self._minor_layout = inner
            for code in minor:
                self._add_transfer_row(inner, base, code)
            box.hide()

            def toggle(on: bool) -> None:
                box.setVisible(on)
                self.minor_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

            self.minor_toggle.toggled.connect(toggle)
            self.transfers_layout.addWidget(self.minor_toggle)
            self.transfers_layout.addWidget(box)

    def _add_transfer_row(self, layout: QVBoxLayout, base: Baseline, code: str) -> None:
        c = _Roll(self._contest, base.names)
        title = RichDataLabel()
        self._title_row(title, c, code, base.normalised.get(code, 0))
        layout.addWidget(title)
        self._split_titles[code] = title
        widget = TransferInput(f"split_{code}", _name(c, base.a), _name(c, base.b), _name(c, code))
        widget.split_changed.connect(partial(self._on_split_changed, code))
        layout.addWidget(widget)
        self._split_widgets[code] = widget
        note = RichDataLabel()  # its data escaped and a long name elided, the whole line its tooltip
        note.setObjectName(f"split_break_even_{code}")
        note.setWordWrap(True)
        note.hide()  # until a view says what a tie would take from these voters (show_view)
        layout.addWidget(note)
        self._split_notes[code] = note
        self._fit_label(note, 2)

    def _offer_polls(self) -> None:
        """Offer the model's newest polls as baselines and its polling period as dates (when they changed)."""
        offers = self.model.offers
        if offers == getattr(self, "_offered", None):
            return
        self._offered = offers
        self.set_polls_for_baseline([(label, pid) for pid, label in offers.newest])
        contest = self._contest
        if offers.first is not None and offers.last is not None and contest is not None:
            self.set_date_range(offers.first, last_average_day(contest.election_date, offers.last))

    def _show_choice(self, choice: BaselineChoice) -> None:
        """Select the combo entry (and date) of the model's baseline choice, without echoing it back."""
        wanted = {
            "average": ("average", None),
            "as_of": ("as_of", None),
            "poll": ("poll", choice.poll_id),
            "party_vi": ("party_vi", None),
        }[choice.mode]
        self._show_personal(choice)
        with signals_blocked(self.baseline_combo):
            for i in range(self.baseline_combo.count()):
                if self.baseline_combo.itemData(i) == wanted:
                    self.baseline_combo.setCurrentIndex(i)
                    break
        if choice.as_of is not None:
            with signals_blocked(self.baseline_date):
                self.baseline_date.setDate(QDate(choice.as_of.year, choice.as_of.month, choice.as_of.day))

    def _show_personal(self, choice: BaselineChoice) -> None:
        """One spin box per standing candidate, in party-VI mode only, showing the choice's personal votes."""
        contest = self._contest
        self.personal_box.setVisible(choice.mode == "party_vi" and contest is not None)
        if choice.mode != "party_vi" or contest is None:
            return
        codes = [c.code for c in contest.standing]
        if list(self._personal) != codes:
            while self._personal_form.rowCount():
                self._personal_form.removeRow(0)
            self._personal = {}
            for c in contest.standing:
                box = DecimalSpinBox()
                box.stops_at_ends = True  # a lever: "-60" sets its end, -50, not -6
                box.setObjectName(f"personal_{c.code}")
                box.setRange(-50.0, 50.0)
                box.setSingleStep(0.5)
                box.setDecimals(1)
                box.setSuffix(" pts")
                box.setAccessibleName(f"Personal vote of {c.display}")
                box.setToolTip(
                    literal_tip(f"Points {c.display} polls above (+) or below (-) the party's voting intention")
                )
                box.valueChanged.connect(self._on_personal_changed)
                self._personal_form.addRow(plain_label(c.display), box)
                self._personal[c.code] = box
        values = dict(choice.personal)
        for code, field in self._personal.items():
            with signals_blocked(field):
                field.setValue(values.get(code, 0.0))

    def _on_personal_changed(self, _value: float) -> None:
        personal = tuple((code, box.value()) for code, box in self._personal.items() if box.value() != 0.0)
        self.model.set_choice(BaselineChoice("party_vi", personal=personal))

    def _on_baseline_combo_changed(self, _index: int) -> None:
        mode, value = self.baseline_combo.currentData()
        self.baseline_date.setEnabled(mode == "as_of")
        if mode == "party_vi":
            self._on_personal_changed(0.0)
        elif mode == "as_of":
            self.model.set_choice(BaselineChoice("as_of", as_of=_to_date(self.baseline_date.date())))
        elif mode == "poll":
            self.model.set_choice(BaselineChoice("poll", poll_id=value))
        else:
            self.model.set_choice(BaselineChoice())

    def _on_baseline_date_problem(self) -> None:
        """A key the date box did not take (the 1 of "2024-02-31"): the day shown, which the average is read on,
        is not the day typed; said in the box's tooltip and description until a date is typed or stepped again."""
        problem = self.baseline_date.typed_problem
        text = f"{problem}. The average is read on the day shown." if problem else ""
        self.baseline_date.setToolTip(f"{text}\n\n{BASELINE_DATE_TIP}" if text else BASELINE_DATE_TIP)
        self.baseline_date.setAccessibleDescription(text)

    def _on_baseline_date_changed(self, qdate: QDate) -> None:
        if self.baseline_combo.currentData()[0] == "as_of":
            self.model.set_choice(BaselineChoice("as_of", as_of=_to_date(qdate)))

    def _write(self, setter: Callable[[Any], None], value: Any) -> None:
        """Write an edit through the model, marking it as ours so it is not shown back to us."""
        self._writing = True
        try:
            setter(value)
        finally:
            self._writing = False

    def _on_message_changed(self, percent: float) -> None:
        self._write(self.model.set_message_strength, percent / 100.0)

    def _on_message_guess_changed(self, percent: float) -> None:
        self._write(self.model.set_message_uncertainty, percent / 100.0)

    def _on_drag_changed(self, percent: float) -> None:
        self._write(self.model.set_drag_recovery, percent / 100.0)

    def _on_message_destination_changed(self, p0: float, p1: float, p2: float) -> None:
        self._write(self.model.set_message_destination, Destination(p0, p1, p2))

    def _on_drag_source_changed(self, p0: float, p1: float, p2: float) -> None:
        self._write(self.model.set_drag_source, DragSource(p0, p1, p2))

    def _on_split_changed(self, code: str, p0: float, p1: float, p2: float) -> None:
        self._write(partial(self.model.set_split, code), Split(p0, p1, p2))
