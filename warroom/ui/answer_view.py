"""Meeting mode's answer-only view: the verdict, the runoff margin, the break-even and the chance, in type a
room can read from the back, over one chart (the runoff lead). It shows the live scenario (its model) and the
runoff average (the averages the charts show): no number of its own.

* AnswerView: a Supplementary Vote (or contingent) race, from the ScenarioController.
* ui.two_round_answer.TwoRoundAnswerView (the same page): a two-round race (France).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from warroom.core.averaging import AverageSeries, PollAverages
from warroom.core.forecast import chance_text, signed_points
from warroom.core.pipeline import ProjectionView
from warroom.core.scenario import note_lines
from warroom.core.types import Poll, bidi_isolated
from warroom.ui.charts import DateAxis, PointLayer, day_to_epoch, size_axes, use_fitted_title
from warroom.ui.protocols import ScenarioModel
from warroom.ui.qt_utils import RichDataLabel, plain_label

AVERAGE_INK = "#FFFFFF"  # the runoff lead's poll average
POLL_INK = "#A0A0A0"  # the published head-to-heads (grey, so the average reads over them)
SCENARIO_INK = "#F0E442"  # this scenario's margin (the slider handles' yellow; its label black on it)


class _SignedLabel:
    """An InfLineLabel's format (it calls `.format(value=...)`): the line's value as every gap is shown
    (core.forecast.signed_points: "0.0" where it rounds to zero, never "-0.0")."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def format(self, *, value: float) -> str:
        return f"{self.prefix}{signed_points(value)}"


class AnswerPage(QWidget):
    """The headline, the details and the runoff-lead chart (average, band, polls, this scenario's margin)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.verdict = plain_label()  # names as typed, never read as markup
        self.verdict.fit()  # a word wider than the screen (a long short name) elided, never cropped
        self.verdict.setObjectName("answer_verdict")
        self.verdict.setWordWrap(True)
        # Its own style sheet: the meeting-mode sheet sets one size for all text, and this is the headline.
        self.verdict.setStyleSheet("font-size: 40pt; font-weight: bold;")
        # names as typed, a name wider than the projector elided in its middle (the whole text in the tooltip and
        # the accessible description): a QLabel asked for the whole 86-letter name and widened the window past it
        self.details = RichDataLabel()
        self.details.setObjectName("answer_details")
        self.details.setStyleSheet("font-size: 28pt;")
        self.chart = pg.PlotWidget(axisItems={"bottom": DateAxis()})
        self.chart.setObjectName("answer_chart")
        use_fitted_title(self.chart.getPlotItem(), size="20pt")  # elided to the chart's width, never widening it
        self.chart.setMenuEnabled(False)
        self.chart.hideButtons()
        self.band_high = pg.PlotDataItem(pen=pg.mkPen(None))
        self.band_low = pg.PlotDataItem(pen=pg.mkPen(None))
        self.band = pg.FillBetweenItem(self.band_high, self.band_low, brush=pg.mkBrush(128, 128, 128, 70))
        # Neutral inks on the projector's black: the candidates' colours mean a candidate everywhere else (Livingstone's
        # vermilion drew "Johnson minus Livingstone", Johnson's blue the scenario line). The average in white, as the
        # window's lead chart draws it in black; this scenario in the yellow of the meeting page's slider handles.
        self.line = pg.PlotDataItem(pen=pg.mkPen(AVERAGE_INK, width=4))
        for item in (self.band_high, self.band_low, self.band, self.line):
            self.chart.addItem(item)
        # Only the points in view go to the scatter item (a 100,000-poll contest has tens of thousands of runoff
        # points; all of them took a second to hand over on every new average).
        self.point_layer = PointLayer(self.chart.getPlotItem(), size=12, brush=pg.mkBrush(POLL_INK), pen=pg.mkPen(None))
        self.points = self.point_layer.item
        self.points.setZValue(5)
        self.chart.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#888888", width=2, style=Qt.PenStyle.DashLine)))
        # Where this scenario puts the runoff, against where the polls have it.
        self.projected = pg.InfiniteLine(
            0,
            angle=0,
            pen=pg.mkPen(SCENARIO_INK, width=3, style=Qt.PenStyle.DashLine),
            label="this scenario",
            # at the left end, standing on the line: centred on it, the label was cut by the value axis
            labelOpts={"position": 0.01, "anchors": [(0, 1), (0, 1)], "color": "#000000", "fill": SCENARIO_INK},
        )
        self.projected.label.format = _SignedLabel("this scenario ")  # (its own format string showed "-0.0")
        self.chart.addItem(self.projected)
        tick = QFont()
        tick.setPointSize(18)
        self.projected.label.setFont(tick)  # read from the back of the room, like the axes
        for side in ("bottom", "left"):
            self.chart.getAxis(side).setStyle(tickFont=tick)
        size_axes(self.chart.getPlotItem(), tick)  # sized for that type: the dates' descenders were cut off
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(self.verdict)
        layout.addWidget(self.details)
        layout.addWidget(self.chart, 1000)
        # With the chart hidden (a race with no polls yet) the text stays at the top: the spare height went to the
        # labels, the headline and its lines spread down the projector with gaps between them
        layout.addStretch(1)

    def _show_lead(
        self,
        lead: AverageSeries,
        days: np.ndarray,
        values: np.ndarray,
        title: str,
    ) -> None:
        """A runoff lead: its average and band, the published polls (ordinal days, A minus B), the title; the
        final six weeks in view, as the charts open."""
        if lead.empty:
            for item in (self.band_high, self.band_low, self.line):
                item.setData([], [])
            self.point_layer.setData([], [])
            self.band.hide()  # its curves emptied, pyqtgraph's fill keeps its last path: the old race's band stayed
            self.chart.setTitle(None)
            self.chart.hide()  # an empty chart's date axis ran through 1 January 1970
            return
        self.band.show()
        self.chart.show()
        x = day_to_epoch(lead.days)
        self.band_high.setData(x, lead.upper)
        self.band_low.setData(x, lead.lower)
        self.line.setData(x, lead.mean)
        self.point_layer.setData(day_to_epoch(np.asarray(days, dtype=float)), values)
        self.chart.setTitle(title)  # (shown as typed, fitted to the chart: use_fitted_title)
        self.chart.setAccessibleDescription(title)  # the whole title (elided on the chart, whole in its tooltip)
        last = float(lead.days[-1])
        self.chart.setXRange(float(day_to_epoch(last - 42.0)), float(day_to_epoch(last + 3.0)), padding=0)


class AnswerView(AnswerPage):
    """Verdict, margin, break-even, chance, and the runoff lead chart.

    Args:
        model: the live scenario (the app's ScenarioController).
        parent: the window.
    """

    def __init__(self, model: ScenarioModel, parent: QWidget | None = None) -> None:
        super().__init__("answer_view", parent)
        self.model = model
        self._averages_due: PollAverages | None = None  # the last averages announced (show_averages)
        self._averages_drawn: PollAverages | None = None  # those the chart shows
        model.view_ready.connect(self.show_view)
        model.case_cleared.connect(self.show_nothing)
        if model.view is not None:
            self.show_view(model.view)
        else:
            self.projected.hide()  # no case yet: no "this scenario +0.0" line over an empty chart
            if model.cleared:  # (this page is built on first use: after the controller said why)
                self.show_nothing(model.cleared)

    def show_nothing(self, reason: str) -> None:
        """No case (no poll of the race): the reason as the headline; nothing of the last case or race stays."""
        self.verdict.setText(reason)
        self.details.setText("")
        self.projected.hide()
        self._show_lead(AverageSeries.nothing(), np.empty(0), np.empty(0), "")
        self._averages_drawn = None  # (nothing drawn: the averages announced are drawn again when shown)

    def show_view(self, view: ProjectionView) -> None:
        """The live case's answer."""
        self.projected.show()
        p, base = view.projection, view.baseline
        a, b = bidi_isolated(base.name(base.a)), bidi_isolated(base.name(base.b))  # figures stay with names
        self.verdict.setText(p.verdict)
        self.projected.setValue(p.margin)
        words = view.break_even_words[0].upper() + view.break_even_words[1:]
        self.details.set_rich(
            lambda h: (
                f"Runoff: {h(a)} {p.runoff.a_share:.1f} %, {h(b)} {p.runoff.b_share:.1f} % "
                f"(margin {signed_points(p.margin)})<br>"
                f"{h(words)}<br>"
                f"Chance {h(b)} wins: <b>{chance_text(p.win_probability_b)}</b>"
                # what the runoff of two cannot show, as every surface says it (core.scenario.note_lines)
                + "".join(f"<br>{h(line)}" for line in note_lines(p))
            )
        )

    def show_averages(self, _polls: Sequence[Poll], averages: PollAverages | None) -> None:
        """The runoff lead the charts show: average, its band and the polls. Drawn when the page is on screen:
        hidden (outside meeting mode) the averages wait for its showEvent, as the two-round page's lead does. Built
        ahead of meeting mode (MainWindow._build_ahead), the page drew every average landing for nobody, 3-9 ms of
        each landing's turn at 10,000-100,000 polls."""
        self._averages_due = averages
        if self.isVisible():
            self._draw_averages()

    def showEvent(self, event: QShowEvent) -> None:
        if self._averages_due is not self._averages_drawn:
            self._draw_averages()
        super().showEvent(event)

    def _draw_averages(self) -> None:
        averages = self._averages_drawn = self._averages_due
        if averages is None or averages.second_lead.empty:
            self._show_lead(AverageSeries.nothing(), np.empty(0), np.empty(0), "")
            return
        name_a, name_b = averages.a, averages.b
        contest = self.model.contest
        if contest is not None:
            name_a, name_b = contest.candidate(averages.a).display, contest.candidate(averages.b).display
        obs = averages.second_lead_observed
        # The final six weeks, as the charts open: the campaign's end is what the room is deciding on.
        self._show_lead(
            averages.second_lead,
            np.asarray(obs.day, dtype=float),
            np.asarray(obs.value, dtype=float),
            f"Runoff lead, {name_a} minus {name_b} (points)",
        )
