"""Two-round scenario panel: what every first-round electorate does in the runoff, the levers, and the answer.

For each first-round electorate (every candidate's voters, the finalists' own included, the first round's
abstainers and its blank or null voters) a row splits it between finalist A, finalist B, a blank or null vote
and abstention: four linked sliders with a typed value beside each, always summing to 100 %. Each slider shows
the range the pollsters published for that cell (a band between the lowest and highest pollster, ticks at both
ends, the pollsters named in its tooltip). Then a runoff turnout lever, a message lever against either finalist
(among all voters or one electorate), and the answer: the projected runoff on valid votes, the win probability,
the probability each candidate qualifies, and the exact break-evens ("what share of Mélenchon's voters must
abstain for Le Pen to win?").

The panel is a view of one TwoRoundModel (the app's TwoRoundController) and keeps no copy of the case: an edit
writes through the model's setters, and the panel re-renders from the model's signals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtGui import Qt as _GuiQt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from warroom.core.forecast import chance_text, signed_points
from warroom.core.france import ABSTAINERS, BLANK_NULL, RoundResult
from warroom.core.two_round import TURNOUT_LEVER_MIN, CellRange, FirstRound, Message, RunoffSplit, TwoRoundScenario
from warroom.core.two_round_view import (
    MatchupLead,
    ScenarioDefaults,
    TwoRoundView,
    no_projection_text,
    question_text,
)
from warroom.core.types import Contest
from warroom.ui.glyphs import drawable
from warroom.ui.qt_utils import DataLabel, as_html, literal_tip, plain_label, signals_blocked
from warroom.ui.split_slider import (
    ARROW_STEP,
    PAGE_STEP,
    STEPS,
    LeverInput,
    SplitSlider,
)

MINOR_SHARE = 3.0
"""First-round share (%) under which a candidate's electorate sits under the "minor candidates" expander."""


class TwoRoundModel(Protocol):
    """What the two-round panel and pickers bind to (services.two_round_service.TwoRoundController in the app).

    Signals: choices_changed(), matchup_changed(a, b), first_round_changed(FirstRound),
    scenario_changed(TwoRoundScenario), view_ready(TwoRoundView), qualify_ready(dict), lead_ready(MatchupLead).
    """

    choices_changed: Any
    matchup_changed: Any
    first_round_changed: Any
    failed: Any
    scenario_changed: Any
    view_ready: Any
    qualify_ready: Any
    lead_ready: Any
    contest: Contest | None
    matchups: list[tuple[str, str, int]]
    hypotheses: list[tuple[str, int]]
    matchup: tuple[str, str] | None
    hypothesis: str | None
    qualify: dict[str, float]
    qualify_note: str | None  # why `qualify` is empty (core.two_round_pipeline.QUALIFY_NEEDS_TURNOUT)
    lead: MatchupLead | None
    first: FirstRound | None
    first_source: str
    no_first_round: str
    withdrawn_note: str
    credit: str
    runoff_result: RoundResult | None
    defaults: ScenarioDefaults | None
    scenario: TwoRoundScenario | None
    electorate: str | None
    view: TwoRoundView | None

    def set_matchup(self, a: str, b: str) -> None: ...
    def set_hypothesis(self, hypothesis: str | None) -> None: ...
    def set_split(self, electorate: str, split: RunoffSplit) -> None: ...
    def set_turnout(self, lever: float) -> None: ...
    def set_message(self, message: Message | None) -> None: ...
    def set_electorate(self, electorate: str) -> None: ...
    def reset(self) -> None: ...


def _items(combo: QComboBox) -> list[object]:
    """The data of a combo box's items, in order."""
    return [combo.itemData(i) for i in range(combo.count())]


def short_name(name: str) -> str:
    """The name as the panel writes it: the surname ("Marine Le Pen" -> "Le Pen", "Jean-Luc Mélenchon" ->
    "Mélenchon"); the reserved electorates by what they are."""
    if name == ABSTAINERS:
        return "Abstainers"
    if name == BLANK_NULL:
        return "Blank or null"
    parts = name.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else name


def electorate_title(name: str) -> str:
    if name == ABSTAINERS:
        return "First-round abstainers"
    if name == BLANK_NULL:
        return "First-round blank and null voters"
    return f"{short_name(name)}'s voters"


def voters_text(size: float) -> str:
    """An electorate's size on its row: millions from a million up ("9.78 m", France's), else the whole number
    (a race's own electorate of 765,000 showed its candidates' voters as "0.18 m", a town's as "0.00 m")."""
    return f"{size / 1e6:.2f} m" if size >= 1e6 else f"{size:,.0f}"


def range_tip(cell: CellRange, what: str) -> str:
    """A slider's tooltip line naming the pollsters at each end of the published range."""
    if cell.low == cell.high:
        return f"Published {what}: {cell.low:.0f} % ({', '.join(cell.low_by)})"
    return (
        f"Published {what}: {cell.low:.0f} % ({', '.join(cell.low_by)}) to {cell.high:.0f} % "
        f"({', '.join(cell.high_by)}); pollsters' average {cell.mean:.1f} %"
    )


class BandSlider(QSlider):
    """A 0-100 % slider (tenths of a point) that shows a published range: a band from the lowest to the highest
    pollster's figure along the groove, with a tick at each end."""

    def __init__(self, name: str, accessible: str, tip: str = "", parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName(name)
        self.setRange(0, STEPS)
        self.setSingleStep(ARROW_STEP)
        self.setPageStep(PAGE_STEP)
        self.setAccessibleName(accessible)
        self.setToolTip(tip)
        self._band: tuple[float, float] | None = None
        self._colour = QColor("#1f77b4")

    def set_band(self, low: float | None, high: float | None, colour: str = "#1f77b4") -> None:
        """The published range in percent (None: none)."""
        band = None if low is None or high is None else (min(low, high), max(low, high))
        if band != self._band or QColor(colour) != self._colour:
            self._band = band
            self._colour = QColor(colour)
            self.update()

    def band(self) -> tuple[float, float] | None:
        return self._band

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._band is not None:
            opt = QStyleOptionSlider()
            self.initStyleOption(opt)
            style = self.style()
            groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, self)
            handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self)
            span = max(1, groove.width() - handle.width())

            def x(percent: float) -> int:
                pos = QStyle.sliderPositionFromValue(0, STEPS, round(percent * 10), span)
                return groove.left() + handle.width() // 2 + pos

            x0, x1 = x(self._band[0]), x(self._band[1])
            painter = QPainter(self)
            fill = QColor(self._colour)
            fill.setAlpha(70)
            mid = self.rect().center().y()
            painter.fillRect(QRect(x0, mid - 5, max(2, x1 - x0), 10), fill)
            edge = QColor(self._colour)
            edge.setAlpha(200)
            painter.setPen(QPen(edge, 2))
            for xx in (x0, x1):
                painter.drawLine(xx, mid - 7, xx, mid + 7)
            painter.end()
        super().paintEvent(event)


class RunoffSplitInput(SplitSlider):
    """One electorate's runoff: four linked sliders (to A, to B, blank or null, abstain) summing to 100 %, each
    with its typed value and the published range (a SplitSlider of BandSliders).

    Its labels, sliders and typed values carry no tooltip of their own: the row makes the one asked for when it is
    asked (a ToolTip event the child leaves to its parent), from the texts set_tips gave it. A matchup switch gave
    the fourteen rows' 56 widgets new tooltips (the finalists' names) on every switch, each a ToolTipChange event.

    Signals:
        split_changed: (to A, to B, blank or null, abstain) in percent, on every user move or typed value.
    """

    split_changed = Signal(float, float, float, float)
    sliders: list[BandSlider]  # type: ignore[assignment]

    def __init__(self, name: str, labels: Sequence[str], tips: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(labels, tips, name, parent, slider=BandSlider, spacing=0)
        self._tips: tuple[str, ...] = tuple(tips)  # per part: the label's and typed value's tooltip
        self._slider_tips: tuple[str, ...] = tuple(tips)  # per part: the slider's (with the published range)
        for widget in (*self.labels, *self.fields, *self.sliders):
            widget.setToolTip("")

    def set_tips(self, tips: Sequence[str], slider_tips: Sequence[str]) -> None:
        """What each part's label and typed value, and each part's slider, say when a tooltip is asked for."""
        self._tips, self._slider_tips = tuple(tips), tuple(slider_tips)

    def tip(self, widget: QWidget | None) -> str:
        """The tooltip `widget` (one of the row's labels, sliders or typed values, or a child of one) shows."""
        while widget is not None and widget is not self:
            for i in range(len(self.sliders)):
                if widget is self.sliders[i]:
                    return self._slider_tips[i]
                if widget is self.labels[i] or widget is self.fields[i]:
                    return self._tips[i]
            widget = widget.parentWidget()
        return ""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            child = self.childAt(event.pos())
            text = self.tip(child) if child is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), literal_tip(text), child)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)


class ReadoutLine(QWidget):
    """Text a slider move rewrites (the turnout readout under its lever): painted word-wrapped in a fixed two
    lines, never re-measured. A QLabel asks its layout to measure the inputs' scroll area again on every new text
    (60 sliders: 5 ms a move, benchmarks/bench_two_round_slider.py)."""

    LINES = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit()

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # the QLabel name: tests and callers treat it as one
        text = drawable(text)  # an emoji no installed font has is named (ui.glyphs), never an empty box
        if text != self._text:
            self._text = text
            self.setAccessibleDescription(text)
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(200, self.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(self.contentsRect(), int(flags), self._text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):  # e.g. meeting mode's large type
            QTimer.singleShot(0, self, self._fit)
        super().changeEvent(event)

    def _fit(self) -> None:
        metrics = self.fontMetrics()
        self.setFixedHeight(metrics.lineSpacing() * self.LINES + metrics.descent() + 2)


class SteadyLabel(QLabel):
    """A QLabel that lays its new text out when it is given (wrapped rich text): laid out in its first paint, the
    text asked for a second paint of the label on every switch.

    The height a wrapped text takes at a width is kept (per label, for its last few dozen texts): a matchup switch
    gives the fourteen row titles and the answer new rich texts, and measuring each twice (here, then for its box)
    was a fifth of the switch (benchmarks/bench_two_round_switch.py). Each new text is laid out once, here."""

    KEEP = 64

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._heights: dict[tuple[object, ...], int] = {}

    def setText(self, text: str) -> None:  # type: ignore[override]
        text = drawable(text)  # an emoji no installed font has is named (ui.glyphs), never an empty box
        if text == self.text():
            return
        super().setText(text)
        if self.accessibleName():  # (a name replaces a label's text for a screen reader: the text is told too)
            rich = self.textFormat() == Qt.TextFormat.RichText or (
                self.textFormat() == Qt.TextFormat.AutoText and _GuiQt.mightBeRichText(text)
            )
            if rich:
                doc = QTextDocument()
                doc.setHtml(text)
                text = doc.toPlainText()
            self.setAccessibleDescription(text)
        if self.wordWrap() and self.width() > 0:
            width = self.width()
            self._keep(self._key(width), super().heightForWidth(width))  # laid out now (its box then asks)

    def _key(self, width: int) -> tuple[object, ...]:
        """What a height is kept under: the text, the width and what else sets it (the polished font and margins:
        a style sheet applied after the text was given changes them without a font-change event)."""
        m = self.contentsMargins()
        return (self.text(), width, self.font().key(), m.left(), m.top(), m.right(), m.bottom(), self.margin())

    def _keep(self, key: tuple[object, ...], height: int) -> None:
        if len(self._heights) >= self.KEEP:
            self._heights.clear()
        self._heights[key] = height

    def kept_height_for_width(self, width: int) -> int:
        """heightForWidth, from what was kept when the text was given (its box asks this after every new text)."""
        key = self._key(width)
        height = self._heights.get(key)
        if height is None:
            height = self.heightForWidth(width)
            self._keep(key, height)
        return height

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._heights.clear()  # (another type size: every text measured again)
        super().changeEvent(event)


class KeptTextLabel(SteadyLabel):
    """A wrapped rich-text label that keeps each text it was given laid out (a QTextDocument per text, the last few
    dozen): a row title shown again (its matchup switched back to) is drawn from its kept layout, where a QLabel
    parses and lays its text out anew on every change (the fourteen row titles were a fifth of a matchup switch:
    benchmarks/bench_two_round_switch.py). Drawn as QLabel draws rich text: left-aligned, centred down its height,
    in the palette's text colour; its accessible name is the plain text."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._text = ""
        self._docs: dict[str, QTextDocument] = {}

    def text(self) -> str:  # type: ignore[override]
        return self._text

    def setText(self, text: str) -> None:  # type: ignore[override]
        text = drawable(text)  # an emoji no installed font has is named (ui.glyphs), never an empty box
        if text == self._text:
            return
        self._text = text
        doc = self._doc()
        self.setAccessibleName(doc.toPlainText())
        self.updateGeometry()
        self.update()

    def hasHeightForWidth(self) -> bool:
        # (QLabel answers from its own text, which this label never sets: False, so the layouts gave a row title
        # and the data's source one line each whatever their text needed, cut through their letters)
        return self.wordWrap()

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        doc = self._doc()
        doc.setTextWidth(max(1, width - margins.left() - margins.right()))
        return math.ceil(doc.size().height()) + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:
        width = max(1, self.width() if self.width() > 0 else 300)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())

    def _doc(self) -> QTextDocument:
        doc = self._docs.get(self._text)
        if doc is None:
            if len(self._docs) >= self.KEEP:
                self._docs.clear()
            doc = QTextDocument()
            doc.setDocumentMargin(0)
            doc.setDefaultFont(self.font())
            doc.setHtml(self._text)
            self._docs[self._text] = doc
        return doc

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self.contentsRect()
        doc = self._doc()
        doc.setTextWidth(max(1, rect.width()))
        painter = QPainter(self)
        y = rect.top() + max(0.0, (rect.height() - doc.size().height()) / 2.0)
        painter.translate(rect.left(), y)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette = self.palette()
        context.palette.setColor(QPalette.ColorRole.Text, self.palette().color(self.foregroundRole()))
        doc.documentLayout().draw(painter, context)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._docs.clear()  # (another type size: every text laid out again)
        super().changeEvent(event)


class SteadyBox(QWidget):
    """A QLabel in a box of its own, so that a new text repaints the label and re-lays nothing else out.

    QLabel.setText asks its parent's layout again (QWidget.updateGeometry) on every change: a matchup switch
    relabels every electorate row and the answer, and those requests re-laid the panel's inputs and outputs out
    and painted them twice (benchmarks/bench_two_round_switch.py --breakdown). Here the label's request reaches
    this box, which has no layout; the box asks its own layout again only when the new text needs another height
    (or, unwrapped and not Ignored across, more width) than the box has. The box is shown and hidden with the
    label, and takes its size policy and its fixed height."""

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        hidden = label.isHidden() and label.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
        label.setParent(self)
        self.setSizePolicy(label.sizePolicy())
        self.setObjectName(f"{label.objectName()}_box")
        if hidden:  # (hidden by the caller, not merely not shown yet)
            self.hide()
        self._tallest: dict[int, int] = {}  # width -> the tallest a wrapped label has been at that width
        label.installEventFilter(self)
        self._follow()

    def sizeHint(self) -> QSize:
        return self.label.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.label.minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return self.label.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        # The tallest text seen at this width: a row title that takes two lines for one pair keeps them for the
        # next, rather than moving every row under it up and down as the pairs are switched.
        asked = getattr(self.label, "kept_height_for_width", self.label.heightForWidth)
        need = max(asked(width), self._tallest.get(width, 0))
        if len(self._tallest) > 16:
            self._tallest.clear()
        self._tallest[width] = need
        return need

    def _follow(self) -> bool:
        """Take the label's fixed height, if it has one; True when the box asked its layout again."""
        label = self.label
        if label.minimumHeight() == label.maximumHeight():
            if (self.minimumHeight(), self.maximumHeight()) != (label.minimumHeight(), label.maximumHeight()):
                self.setFixedHeight(label.minimumHeight())
                return True
            return False
        if label.wordWrap():
            need = self.heightForWidth(self.width()) if self.width() > 0 else -1
            outgrown = need > 0 and need != self.height()
        else:
            hint = label.sizeHint()
            across = self.sizePolicy().horizontalPolicy() != QSizePolicy.Policy.Ignored
            outgrown = hint.height() > self.height() or (across and hint.width() > self.width())
        if outgrown:
            self.updateGeometry()
        return outgrown

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.label:
            kind = event.type()
            if kind == QEvent.Type.ShowToParent:
                self.show()
            elif kind == QEvent.Type.HideToParent:
                self.hide()
        return False

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # the label's new text or size: see whether it still fits
            self._follow()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.label.setGeometry(self.rect())
        super().resizeEvent(event)


TURNOUT_TIP = (
    "Moves the runoff turnout away from what the splits give (+0.0 %: the splits' own turnout). "
    "Above 0: that share of each electorate's would-be abstainers turns out and votes as its voters do "
    "(+100 %: every registered voter votes). Below 0: that share of each electorate's runoff voters stays at home "
    "(it stops at -99.9 %: at -100 % nobody would vote, and there would be no result to show). "
    "The turnout it gives is shown underneath, beside the first round's."
)


@dataclass(frozen=True, eq=False)
class _RowRecord:
    """What one electorate row shows for one pair: its title, its two finalist labels, its tooltips (the labels'
    and typed values', the sliders') and its sliders' published bands."""

    title: str
    labels: tuple[str, str]
    tips: tuple[str, ...]
    slider_tips: tuple[str, ...]
    bands: tuple[tuple[float | None, float | None], ...]


class TwoRoundPanel(QWidget):
    """Electorate splits and levers in, runoff out: a view of one TwoRoundModel."""

    NARROW = 900
    """Below this width (px) the answer sits above the inputs instead of beside them."""
    KEPT_ROWS = 512
    """Row records kept (a contest's pairs times its electorates, a few times over)."""

    def __init__(self, model: TwoRoundModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("two_round_panel")
        self.model = model
        self._writing = False
        self._rows: dict[str, RunoffSplitInput] = {}
        self._row_titles: dict[str, QLabel] = {}
        self._row_records: dict[tuple[object, ...], tuple[object, _RowRecord]] = {}
        self._row_shown: dict[str, _RowRecord] = {}  # the record each row shows
        self.minor_toggle: QToolButton | None = None

        self.source_label = KeptTextLabel()
        self.source_label.setObjectName("two_round_source")
        self.source_label.setWordWrap(True)

        # --- levers ------------------------------------------------------------------------------------------
        self.turnout = LeverInput(
            "runoff_turnout", "Runoff turnout lever", TURNOUT_TIP, signed=True, minimum=100 * TURNOUT_LEVER_MIN
        )
        self.turnout.value_changed.connect(self._on_turnout_changed)
        self.turnout_result = ReadoutLine()
        self.turnout_result.setObjectName("runoff_turnout_result")
        self.turnout_result.setAccessibleName("Runoff turnout")
        self.turnout_result.setToolTip(TURNOUT_TIP)
        self.message_on = QComboBox()
        self.message_on.setObjectName("message_on")
        self.message_on.setAccessibleName("Message against")
        self.message_on.setToolTip("The finalist the message is against: works on either")
        self.message_on.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.message_on.setMinimumContentsLength(8)
        self.message_among = QComboBox()
        self.message_among.setObjectName("message_among")
        self.message_among.setAccessibleName("Message among")
        self.message_among.setToolTip("Whose voters hear it: every electorate, or one candidate's voters")
        self.message_among.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.message_among.setMinimumContentsLength(10)
        self.message_strength = LeverInput(
            "two_round_message", "Message strength", "Share of the finalist's runoff voters the message turns away"
        )
        self.message_dest = SplitSlider(
            ["to the other finalist", "blank or null", "stay at home"],
            [
                "Turned-away voters who vote for the other finalist instead",
                "Turned-away voters who vote blank or null",
                "Turned-away voters who stay at home",
            ],
            "two_round_message_destination",
        )
        self.message_dest.set_parts(40.0, 30.0, 30.0)
        for combo in (self.message_on, self.message_among):
            combo.currentIndexChanged.connect(self._on_message_changed)
        self.message_strength.value_changed.connect(self._on_message_changed)
        self.message_dest.split_changed.connect(self._on_message_changed)
        levers = QGroupBox("Runoff levers")
        levers.setObjectName("two_round_levers")
        lform = QFormLayout(levers)
        # a field too wide beside its label goes under it (a narrow dock's least width scrolled sideways)
        lform.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        turnout_label = QLabel("&Turnout lever")
        turnout_label.setBuddy(self.turnout.field)
        turnout_label.setToolTip(TURNOUT_TIP)
        lform.addRow(turnout_label, self.turnout)
        lform.addRow(self.turnout_result)
        # (one row each: side by side the two pickers set the levers' least width past a narrow dock's)
        lform.addRow("Message against", self.message_on)
        lform.addRow("among", self.message_among)
        lform.addRow("Turn away", self.message_strength)
        lform.addRow(self.message_dest)

        # (short: a group box's title never wraps; a long one set the inputs' least width past a narrow dock's)
        self.electorates_box = QGroupBox("Each electorate's runoff")
        self.electorates_box.setToolTip("What each first-round electorate does in the runoff")
        self.electorates_box.setObjectName("two_round_electorates")
        self.electorates_layout = QVBoxLayout(self.electorates_box)
        self.reset_button = QPushButton("&Reset to published matrices")
        self.reset_button.setObjectName("two_round_reset")
        self.reset_button.setToolTip("Every split back to the pollsters' average, the levers at rest")
        self.reset_button.clicked.connect(model.reset)

        # --- outputs -----------------------------------------------------------------------------------------
        self.verdict = SteadyLabel()
        self.verdict.setObjectName("two_round_verdict")
        big = QFont()
        big.setPointSize(15)
        big.setBold(True)
        self.verdict.setFont(big)
        self.verdict.setAccessibleName("Runoff verdict")
        self.runoff_label = SteadyLabel()
        self.runoff_label.setObjectName("two_round_runoff")
        self.win_label = SteadyLabel()
        self.win_label.setObjectName("two_round_win")
        self.qualify_label = SteadyLabel()
        self.qualify_label.setObjectName("two_round_qualify")
        self.question_combo = QComboBox()
        self.question_combo.setObjectName("two_round_question")
        self.question_combo.setAccessibleName("Whose voters")
        self.question_combo.setToolTip("The electorate the break-even question is about")
        self.question_combo.currentIndexChanged.connect(self._on_question_changed)
        # (its least width a dozen letters, a longer name elided: the row set the answer's least width past a
        # narrow dock's, which scrolled sideways at the dock's least width)
        self.question_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.question_combo.setMinimumContentsLength(12)
        self.answer_label = SteadyLabel()
        self.answer_label.setObjectName("two_round_break_even")
        self.levers_label = SteadyLabel()
        self.levers_label.setObjectName("two_round_lever_break_even")
        # Output labels have fixed heights: new text repaints the label alone instead of re-laying out the window
        # on every slider move (as in the SV panel).
        self._fixed_lines = (
            (self.verdict, 1),
            (self.runoff_label, 2),
            (self.win_label, 1),
            (self.qualify_label, 2),
            (self.answer_label, 4),
            (self.levers_label, 2),
        )
        for label, _lines in self._fixed_lines:
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        # Names as typed, never read as markup (`Bob&lt;B`, `A<i>n</i>n`, a name ending in `<!--` that hid the rest):
        # the labels of plain sentences are plain text, those that bold a figure rich text with the data escaped.
        for label in (self.verdict, self.runoff_label, self.qualify_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.win_label, self.answer_label, self.levers_label):
            label.setTextFormat(Qt.TextFormat.RichText)
        self.levers_label.hide()  # shown while a lever has a break-even to tell
        self._fit_label_heights()
        out = QGroupBox("Runoff projection")
        out.setObjectName("two_round_projection")
        oform = QVBoxLayout(out)
        for w in (self.verdict, self.runoff_label, self.win_label, self.qualify_label):
            oform.addWidget(SteadyBox(w))
        ask = QHBoxLayout()
        ask.addWidget(QLabel("Break-even for"))
        ask.addWidget(self.question_combo, 1)
        oform.addLayout(ask)
        oform.addWidget(SteadyBox(self.answer_label))
        oform.addWidget(SteadyBox(self.levers_label))
        oform.addStretch(1)

        inputs = QWidget()
        ilayout = QVBoxLayout(inputs)
        ilayout.setContentsMargins(0, 0, 0, 0)
        ilayout.addWidget(SteadyBox(self.source_label))
        ilayout.addWidget(levers)
        ilayout.addWidget(self.electorates_box)
        ilayout.addWidget(self.reset_button)
        ilayout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("two_round_inputs")
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (no Tab stop: its sliders are the stops)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inputs)
        scroll.setMinimumWidth(220)
        self._inputs_scroll, self._outputs = scroll, out
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("two_round_splitter")
        self.splitter.setChildrenCollapsible(False)
        self._user_split = False  # the user dragged the handle: their split stands until the panel turns
        self.splitter.splitterMoved.connect(lambda *_: setattr(self, "_user_split", True))
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(out)
        # Why there is no runoff to show (no first round: a race with neither an official first round nor its own
        # expected turnout), in the splitter's place: its rows and figures would be another race's, or none.
        self.missing_label = plain_label()
        self.missing_label.setObjectName("two_round_missing")
        self.missing_label.setWordWrap(True)
        self.missing_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.missing_label.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        layout.addWidget(self.missing_label)

        model.first_round_changed.connect(self.show_first_round)
        model.failed.connect(self._on_model_failed)
        model.scenario_changed.connect(self.show_scenario)
        model.view_ready.connect(self.show_view)
        model.qualify_ready.connect(self.show_qualify)
        if model.first is not None:
            self.show_first_round(model.first)
        if model.scenario is not None:
            self.show_scenario(model.scenario)
        if model.view is not None:
            self.show_view(model.view)
        elif model.no_first_round:
            self._on_model_failed(model.no_first_round)

    # --- data down ------------------------------------------------------------------------------------------

    def rows(self) -> dict[str, RunoffSplitInput]:
        """Electorate -> its split input (for tests and the benchmark)."""
        return dict(self._rows)

    def show_first_round(self, first: FirstRound) -> None:
        """A new first round or pair: rebuild the electorate rows and the pickers of the levers."""
        self.missing_label.hide()
        self.splitter.show()
        defaults, scenario = self.model.defaults, self.model.scenario
        # The defaults are the new pair's (the scenario may still be the last pair's until they are applied).
        source = defaults.scenario if defaults is not None else scenario
        pair = (source.a, source.b) if source is not None else None
        if pair is None:
            return
        self._rebuild_rows(first, pair)
        a, b = pair
        # Each picker is filled again only when what it offers changed (refilling one re-lays its row out).
        if _items(self.message_on) != [a, b]:
            with signals_blocked(self.message_on):
                self.message_on.clear()
                self.message_on.addItem(drawable(short_name(a)), a)
                self.message_on.addItem(drawable(short_name(b)), b)
        electorates = list(first.electorates())
        if _items(self.message_among) != [None, *electorates]:
            with signals_blocked(self.message_among):
                self.message_among.clear()
                self.message_among.addItem("all voters", None)
                for code in electorates:
                    self.message_among.addItem(drawable(electorate_title(code)), code)
        other = "Turned-away voters who vote for the other finalist instead"
        if self.message_dest.sliders[0].toolTip() != other:  # (each new tooltip is an event)
            self.message_dest.sliders[0].setToolTip(other)
        with signals_blocked(self.question_combo):
            asked = [code for code in electorates if code not in pair]
            if _items(self.question_combo) != asked:
                self.question_combo.clear()
                for code in asked:
                    self.question_combo.addItem(drawable(electorate_title(code)), code)
            index = self.question_combo.findData(self.model.electorate)
            self.question_combo.setCurrentIndex(max(0, index))
        data = self.model.defaults
        credit = ""
        if data is not None and data.matrices:
            credit = f"Splits: the average of {data.matrices} published matrices for this pair, each pollster weighted equally."
        elif data is not None:
            credit = "No pollster published a transfer matrix for this pair: the splits start even (set them)."
        whose = f" Polls and matrices: {self.model.credit}." if self.model.credit else ""
        result = self.model.runoff_result
        official = (
            f" <b>Official runoff of {result.day:%d %B %Y}: "
            + as_html(", ".join(f"{short_name(k)} {result.share(k):.2f} %" for k in result.votes))
            + "</b>."
            if result is not None
            else ""
        )
        note = f" <b>{as_html(self.model.withdrawn_note)}</b>" if self.model.withdrawn_note else ""
        self.source_label.setText(as_html(f"{self.model.first_source}. {credit}{whose}") + official + note)

    def show_scenario(self, scenario: TwoRoundScenario) -> None:
        """Show the model's settings (an edit, a reset, a new pair); no echo back."""
        if self._writing:
            return
        for code, widget in self._rows.items():
            split = scenario.splits.get(code)
            if split is not None:
                widget.set_parts(*split.parts)
        self.turnout.set_value(100.0 * scenario.turnout)
        msg = scenario.message
        with signals_blocked(self.message_on), signals_blocked(self.message_among):
            if msg is not None:
                self.message_on.setCurrentIndex(max(0, self.message_on.findData(msg.on)))
                self.message_among.setCurrentIndex(max(0, self.message_among.findData(msg.among)))
        self.message_strength.set_value(100.0 * msg.strength if msg else 0.0)
        if msg is not None:
            self.message_dest.set_parts(msg.to_other, msg.to_blank_null, msg.to_abstain)

    def show_view(self, view: TwoRoundView) -> None:
        """The answer: runoff on valid votes, win probability, exact break-evens."""
        p = view.projection
        self.verdict.setText(view.shares_text(short_name))
        self.runoff_label.setText(view.margin_text())
        chance = view.chance_line(short_name)
        number = chance.rsplit(": ", 1)[1]
        self.win_label.setText(
            f"{as_html(chance.removesuffix(number))}<b>{number}</b> (margin sd {p.sigma:.1f} points)"
        )
        self.win_label.setToolTip(
            f"The margin is taken as normal with sd {p.sigma:.1f} points: a polling error of 6 points and the spread "
            "across pollsters of each electorate's split, weighted by its size"
        )
        names = {code: short_name(code) for code in view.first.electorates()}
        lines = question_text(view, names)
        self.answer_label.setText(
            "<br>".join(map(as_html, lines))
            if lines
            else as_html(f"No share of {electorate_title(view.electorate)} alone turns the runoff.")
        )
        extra = []
        if view.turnout_break_even is not None:
            extra.append(f"Turnout lever for a tie: {signed_points(100 * view.turnout_break_even)} %")
        be = p.message_break_even
        if view.scenario.message is not None and be is not None:
            reach = "" if 0 <= be <= 1 else " (out of reach)"
            extra.append(
                f"Message against {short_name(view.scenario.message.on)} ties the runoff at {100 * be:.1f} %{reach}"
            )
        self.turnout_result.setText(view.turnout_text())
        self.levers_label.setText("<br>".join(map(as_html, extra)))
        if self.levers_label.isHidden() == bool(extra):  # a relayout only when it comes or goes
            self.levers_label.setVisible(bool(extra))
        self._show_qualify_text()
        self._grow_labels()

    def show_qualify(self, _qualify: Mapping[str, float]) -> None:
        self._show_qualify_text()

    # --- private --------------------------------------------------------------------------------------------

    def _show_qualify_text(self) -> None:
        q = self.model.qualify
        shown = [(k, v) for k, v in sorted(q.items(), key=lambda kv: -kv[1]) if v >= 0.005][:4]
        hyp = self.model.hypothesis
        where = f" ({hyp})" if hyp is not None else ""
        note = self.model.qualify_note
        self.qualify_label.setText(
            f"Reaching the runoff{where}: " + ", ".join(f"{short_name(k)} {chance_text(v)}" for k, v in shown)
            if shown
            else f"Reaching the runoff{where}: {note}."
            if note
            else ""
        )

    def _rebuild_rows(self, first: FirstRound, pair: tuple[str, str]) -> None:
        """One row per electorate, largest first (the order does not depend on the pair); the minor candidates'
        under the expander. Rows are built once per set of electorates: another pair only relabels them."""
        shares = first.shares()
        ordered = sorted(first.votes, key=lambda k: -first.votes[k])
        major = [k for k in ordered if shares[k] >= MINOR_SHARE]
        minor = [k for k in ordered if shares[k] < MINOR_SHARE]
        if len(minor) < 2:
            major, minor = ordered, []
        extra = [k for k in (ABSTAINERS, BLANK_NULL) if k in first.electorates()]
        codes = [*major, *extra, *minor]
        if list(self._rows) == codes and getattr(self, "_rows_of", None) == first.electorates():
            for code in codes:
                self._label_row(first, pair, code)
            return
        for widget in self._rows.values():
            widget.setParent(None)
            widget.deleteLater()
        while self.electorates_layout.count():
            item = self.electorates_layout.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.setParent(None)
                old.deleteLater()
        self._rows, self._row_titles, self._row_shown = {}, {}, {}
        self._rows_of = first.electorates()
        self.minor_toggle = None
        for code in (*major, *extra):
            self._add_row(self.electorates_layout, first, pair, code)
        if minor:
            toggle = QToolButton()
            toggle.setObjectName("two_round_minor_toggle")
            toggle.setCheckable(True)
            toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            toggle.setArrowType(Qt.ArrowType.RightArrow)
            total = sum(shares[k] for k in minor)
            toggle.setText(f"Minor candidates ({len(minor)}, {total:.1f} %)")  # (short: a tool button never wraps)
            toggle.setToolTip(
                f"Show the runoff splits of the {len(minor)} candidates under {MINOR_SHARE:g} % of the first round "
                f"({total:.1f} % of it together)"
            )
            box = QWidget()
            box.setObjectName("two_round_minor")
            inner = QVBoxLayout(box)
            inner.setContentsMargins(12, 0, 0, 0)
            for code in minor:
                self._add_row(inner, first, pair, code)
            box.hide()

            def show_minor(on: bool) -> None:
                box.setVisible(on)
                toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

            toggle.toggled.connect(show_minor)
            self.minor_toggle = toggle
            self.electorates_layout.addWidget(toggle)
            self.electorates_layout.addWidget(box)
        # Tab goes down the rows as they read, after the levers and before the Reset button under them: made with
        # each contest, the rows came last in the window's Tab order (after Reset, the break-even question and the
        # toolbar's pickers).
        stops: list[QWidget] = [self.message_dest.fields[-1]]
        for part in ((*major, *extra), minor):
            if part is minor and self.minor_toggle is not None:
                stops.append(self.minor_toggle)
            for code in part:
                row = self._rows[code]
                for slider, field in zip(row.sliders, row.fields, strict=True):
                    stops += [slider, field]
        stops.append(self.reset_button)
        for before, after in pairwise(stops):
            QWidget.setTabOrder(before, after)
        self._fit_slider_labels()

    def _add_row(self, layout: QVBoxLayout, first: FirstRound, pair: tuple[str, str], code: str) -> None:
        title = KeptTextLabel()
        title.setWordWrap(True)
        title.setObjectName(f"two_round_title_{len(self._rows)}")
        layout.addWidget(SteadyBox(title))
        widget = RunoffSplitInput(f"runoff_{len(self._rows)}", ["", "", "blank/null", "abstain"], [""] * 4)
        widget.setAccessibleName(electorate_title(code))
        widget.split_changed.connect(partial(self._on_split_changed, code))
        layout.addWidget(widget)
        self._rows[code] = widget
        self._row_titles[code] = title
        self._label_row(first, pair, code)

    def _label_row(self, first: FirstRound, pair: tuple[str, str], code: str) -> None:
        """A row's title, slider labels, tooltips and published bands, for this pair: made once per pair and first
        round (kept: a switch back sets them again from the kept record), and only what differs from what the row
        shows is set (a label or band that stays is not touched; the tooltips are made when asked for)."""
        record = self._row_record(first, pair, code)
        if self._row_shown.get(code) is record:
            return
        widget, title = self._rows[code], self._row_titles[code]
        title.setText(record.title)
        widget.labels[0].setText(record.labels[0])
        widget.labels[1].setText(record.labels[1])
        widget.set_tips(record.tips, record.slider_tips)
        # (a screen reader reads a widget's tooltip as its description: the texts the row makes when asked, set as
        # the sliders' and typed values' descriptions, which cost no event while no assistive technology listens)
        # Each slider and typed value is named for whose voters go where ("Mélenchon's voters: Macron"): they were
        # named after their object ("runoff 0: ", the finalists' labels being set after), so a screen reader read
        # eight sliders alike as "runoff 0" and "runoff 1".
        for slider, field, label, tip, slider_tip in zip(
            widget.sliders, widget.fields, widget.labels, record.tips, record.slider_tips, strict=True
        ):
            shown = label.full_text() if isinstance(label, DataLabel) else label.text()  # (an emoji as typed)
            named = f"{electorate_title(code)}: {shown}"
            if slider.accessibleName() != named:
                slider.setAccessibleName(named)
                field.setAccessibleName(named)
            slider.setAccessibleDescription(slider_tip)
            field.setAccessibleDescription(tip)
        for slider, band in zip(widget.sliders, record.bands, strict=True):
            slider.set_band(*band)
        self._row_shown[code] = record

    def _row_record(self, first: FirstRound, pair: tuple[str, str], code: str) -> _RowRecord:
        defaults = self.model.defaults
        key = (code, pair, tuple(first.votes.items()), first.registered, first.blank_null, id(defaults))
        kept = self._row_records.get(key)
        if kept is not None and kept[0] is defaults:
            return kept[1]
        a, b = pair
        size = first.electorates()[code]
        source = defaults.sources.get(code, "") if defaults else ""
        pollsters = defaults.pollsters.get(code, ()) if defaults else ()
        ranges = defaults.ranges.get(code) if defaults else None
        share = f"{first.shares()[code]:.1f} % of valid votes, " if code in first.votes else ""
        role = f"finalist {'A' if code == a else 'B'}; " if code in pair else ""
        where = (
            f"published by {len(pollsters)} pollster{'s' if len(pollsters) != 1 else ''}"
            if pollsters
            else {
                "pooled": "no published row: the mean of the published eliminated candidates",
                "no matrix": "no published matrix for this pair",
            }.get(source, source.replace("as abstainers (published)", "as first-round abstainers"))
        )
        tips: tuple[str, ...] = (
            f"Of {electorate_title(code)}, the share who vote for {a} in the runoff",
            f"Of {electorate_title(code)}, the share who vote for {b} in the runoff",
            f"Of {electorate_title(code)}, the share who vote blank or null",
            f"Of {electorate_title(code)}, the share who stay at home",
        )
        slider_tips: tuple[str, ...] = tips
        bands: tuple[tuple[float | None, float | None], ...] = ((None, None),) * 4
        if ranges is not None and defaults is not None:
            split = defaults.scenario.splits[code]
            neither = ranges["neither"]
            # The matrices publish "neither" (blank, null and abstention) as one figure: its band is shown on
            # the two sliders in the proportion the defaults divide it.
            off = split.blank_null + split.abstain
            frac = split.blank_null / off if off > 0 else defaults.scenario.splits[code].blank_null / 100.0
            cells = [ranges["a"], ranges["b"], neither, neither]
            scales = [1.0, 1.0, frac, 1.0 - frac]
            names = [f"to {a}", f"to {b}", *(["neither finalist (blank, null or abstain)"] * 2)]
            bands = tuple((cell.low * scale, cell.high * scale) for cell, scale in zip(cells, scales, strict=True))
            slider_tips = tuple(
                f"{tip}.\n{range_tip(cell, what)}" for cell, what, tip in zip(cells, names, tips, strict=True)
            )
        record = _RowRecord(
            f"<b>{as_html(electorate_title(code))}</b> ({as_html(f'{role}{share}{voters_text(size)}; {where}')})",
            (f"to {short_name(a)}", f"to {short_name(b)}"),
            tips,
            slider_tips,
            bands,
        )
        if len(self._row_records) >= self.KEPT_ROWS:
            self._row_records.clear()
        self._row_records[key] = (defaults, record)
        return record

    def _fit_slider_labels(self) -> None:
        """Give the rows' slider labels one fixed size, wide enough for "to <any finalist asked>": a new pair's names
        then repaint the labels and re-lay no row out (a label's new width moved its row's sliders and re-laid the
        electorates out on every matchup switch)."""
        finalists = {name for a, b, _n in self.model.matchups for name in (a, b)} or set(self._rows)
        names = [f"to {short_name(code)}" for code in finalists]
        for widget in self._rows.values():
            metrics = widget.labels[0].fontMetrics()
            texts = [*names, *(label.text() for label in widget.labels[2:])]
            wide = max((metrics.horizontalAdvance(t) for t in texts), default=0) + 4
            for label in widget.labels:
                label.ensurePolished()
                label.setFixedSize(wide, label.sizeHint().height())

    def _fit_label_heights(self) -> None:
        if self._rows:
            self._fit_slider_labels()
        self._measured: dict[int, tuple[int, int]] = {}  # label -> (width, longest text) measured at that width
        for label, lines in self._fixed_lines:
            label.ensurePolished()
            label.setFixedHeight(label.fontMetrics().lineSpacing() * lines + label.fontMetrics().descent() + 6)
        if self.model.view is not None:
            QTimer.singleShot(0, self, self._grow_labels)  # at the new width, the text may need more lines

    def _grow_labels(self) -> None:
        """An output whose text needs more lines than its fixed height at this width grows to fit (grow only:
        a slider move relays nothing out unless a label really outgrows its place)."""
        for label, _lines in self._fixed_lines:
            if label.isHidden() or label.width() <= 0:
                continue
            # Measuring wrapped text costs about as much as drawing it: only a longer text than the longest
            # measured at this width can need more room.
            key = id(label)
            width, longest = self._measured.get(key, (0, -1))
            if width == label.width() and len(label.text()) <= longest:
                continue
            self._measured[key] = (label.width(), len(label.text()))
            need = label.heightForWidth(label.width())
            if need > label.height():
                label.setFixedHeight(need + 2)

    def _write(self, setter: Callable[[Any], None], value: Any) -> None:
        """Write an edit through the model, marking it as ours so it is not shown back to us."""
        self._writing = True
        try:
            setter(value)
        finally:
            self._writing = False

    def _on_model_failed(self, _message: str) -> None:
        """The model has no first round to project from: say why in the panel, not for 8 seconds in the status bar
        alone, in place of the last race's rows and figures."""
        if not self.model.no_first_round:
            return  # (a refused change: the runoff shown still stands)
        self.missing_label.setText(no_projection_text(self.model.no_first_round))
        self.splitter.hide()
        self.missing_label.show()

    def _on_split_changed(self, code: str, a: float, b: float, blank: float, abstain: float) -> None:
        self._write(partial(self.model.set_split, code), RunoffSplit(a, b, blank, abstain))

    def _on_turnout_changed(self, percent: float) -> None:
        self._write(self.model.set_turnout, percent / 100.0)

    def _on_message_changed(self, *_args: object) -> None:
        on = self.message_on.currentData()
        if on is None:
            return
        strength = self.message_strength.value() / 100.0
        to_other, to_blank, to_abstain = self.message_dest.parts()
        message = Message(on, strength, to_other, to_blank, to_abstain, self.message_among.currentData())
        self._write(self.model.set_message, message if strength > 0 else None)

    def _on_question_changed(self, _index: int) -> None:
        code = self.question_combo.currentData()
        if code is not None:
            self.model.set_electorate(code)

    # --- Qt overrides ---------------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        narrow = event.size().width() < self.NARROW
        wanted = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        turned = self.splitter.orientation() != wanted
        if turned:
            self.splitter.setOrientation(wanted)
            self.splitter.insertWidget(0, self._outputs if narrow else self._inputs_scroll)
            self._user_split = False
            # Narrow, the pickers' row above the charts carries the qualify odds: the answer stays compact.
            self.qualify_label.setVisible(not narrow)
            QTimer.singleShot(0, self, self._fit_label_heights)  # the outputs' width changed a lot
        elif event.size().width() != event.oldSize().width():
            # Narrowed (a dock dragged in): a text may need more lines at the new width (the headline and the
            # answer were cut through their letters at the dock's least width)
            QTimer.singleShot(0, self, self._grow_labels)
        if turned or (narrow and not self._user_split):
            total = event.size().height() if narrow else event.size().width()
            if narrow:  # the answer on top at the height its lines need (at most 9/20), the sliders get the rest
                size = min(self._outputs.sizeHint().height(), 9 * total // 20)
            else:  # side by side: the inputs get the width their rows ask for (up to 3/5), the answer the rest
                content = self._inputs_scroll.widget()
                bar = self._inputs_scroll.verticalScrollBar().sizeHint().width()
                want = (content.sizeHint().width() if content is not None else 0) + bar + 4
                size = max(total // 2, min(want, 3 * total // 5))
            with signals_blocked(self.splitter):
                self.splitter.setSizes([size, total - size])
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            QTimer.singleShot(0, self, self._fit_label_heights)
        super().changeEvent(event)
