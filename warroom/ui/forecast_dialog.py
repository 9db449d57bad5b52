"""The forecast over time: each finalist's chance of winning and the forecast margin, week by week, each from
the polls known on that day (core.pipeline.forecast_over_time): the view a model page leads with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from warroom.core.colour import readable
from warroom.core.forecast import chance_text, signed_points
from warroom.core.pipeline import ForecastPoint, forecast_after_polling_day, forecast_contenders, standing_problem
from warroom.core.types import Contest
from warroom.ui.charts import LIGHT, Theme, ink_plot, use_fitted_title
from warroom.ui.qt_utils import as_html, plain_label

_DAY_S = 86_400.0


def _epoch(days: Sequence[date]) -> np.ndarray:
    return np.array([datetime.combine(d, time(12)).timestamp() for d in days], dtype=float)


class ForecastDialog(QDialog):
    """Two linked charts: chance of winning (%) and the forecast runoff margin with its 90 % band.

    Args:
        points: the forecast by date, oldest first.
        names: candidate code -> display name.
        colours: candidate code -> colour.
        parent: the window.
        theme: the window's chart theme (light, dark, or the projector's): the margin's line is drawn in its
            foreground. The dialog drew pyqtgraph's black page under a #222222 line: the forecast margin itself,
            the chart's subject, could not be seen.
        contest: the race, for the note a forecast past its polling day takes (core.pipeline's
            forecast_after_polling_day, as `warroom forecast` prints it).
    """

    def __init__(
        self,
        points: Sequence[ForecastPoint],
        names: Mapping[str, str],
        colours: Mapping[str, str],
        parent: QWidget | None = None,
        theme: Theme = LIGHT,
        contest: Contest | None = None,
    ) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setWindowTitle("Forecast over time")
        self.setObjectName("forecast_dialog")
        layout = QVBoxLayout(self)
        self.summary = plain_label()  # names as typed
        self.summary.setObjectName("forecast_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.chance = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.chance.setObjectName("forecast_chance")
        use_fitted_title(self.chance.getPlotItem())  # a title fitted to the chart, never widening the dialog
        self.chance.setTitle("Chance of winning (%), from the polls known each day")
        self.chance.setAccessibleDescription(self.chance.getPlotItem().titleLabel.text)
        self.chance.setYRange(0, 100)
        self.chance.addLegend(offset=(10, 10))
        self.chance.addItem(pg.InfiniteLine(50, angle=0, pen=pg.mkPen("#888888", style=pg.QtCore.Qt.PenStyle.DashLine)))
        self.margin = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.margin.setObjectName("forecast_margin")
        self.margin.setXLink(self.chance)
        use_fitted_title(self.margin.getPlotItem())  # (two 86-letter names widened the dialog past the screen)
        layout.addWidget(self.chance, 1)
        layout.addWidget(self.margin, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.curves: dict[str, pg.PlotDataItem] = {}
        for chart in (self.chance, self.margin):
            chart.setBackground(theme.background)
            ink_plot(chart.getPlotItem(), theme)
        legend = self.chance.getPlotItem().legend
        if legend is not None:
            legend.setLabelTextColor(theme.foreground)
        self.resize(900, 640)
        if not points:
            standing = standing_problem(contest) if contest is not None else None
            self.summary.setText(
                f"{standing}: nothing to forecast."
                if standing
                else "No polls with first-round figures yet: nothing to forecast."
            )
            return
        last = points[-1]
        x = _epoch([p.day for p in points])
        shown = forecast_contenders(points)  # the pair, and any third candidate with a real chance
        for code in shown:
            y = np.array([100.0 * p.p_win.get(code, 0.0) for p in points])
            ink = readable(colours.get(code, "#333333"), theme.background, ratio=3.0)  # a line: WCAG's 3:1
            self.curves[code] = self.chance.plot(
                x,
                y,
                pen=pg.mkPen(ink, width=2.5),
                symbol="o",
                symbolSize=6,
                symbolBrush=ink,
                name=as_html(names.get(code, code)),  # the key is a LabelItem: HTML
            )
        a, b = names.get(last.a, last.a), names.get(last.b, last.b)
        self.margin.setTitle(f"Forecast runoff margin, {a} minus {b} (points), with its 90 % band")  # (as typed)
        self.margin.setAccessibleDescription(self.margin.getPlotItem().titleLabel.text)  # (whole: elided on the chart)
        same = [p for p in points if (p.a, p.b) == (last.a, last.b)]
        xs = _epoch([p.day for p in same])
        lo = np.array([p.band[0] for p in same])
        hi = np.array([p.band[1] for p in same])
        upper = self.margin.plot(xs, hi, pen=pg.mkPen("#888888", style=pg.QtCore.Qt.PenStyle.DashLine))
        lower = self.margin.plot(xs, lo, pen=pg.mkPen("#888888", style=pg.QtCore.Qt.PenStyle.DashLine))
        self.margin.addItem(pg.FillBetweenItem(upper, lower, brush=pg.mkBrush(128, 128, 128, 50)))
        margins = np.array([p.margin for p in same])
        # Marked at each day, as the chances are: a line through a single day (one poll, or polls all ending on one
        # day) drew nothing, an empty chart under the summary's margin.
        self.margin_line = self.margin.plot(
            xs,
            margins,
            pen=pg.mkPen(theme.foreground, width=2.5),
            symbol="o",
            symbolSize=6,
            symbolPen=pg.mkPen(theme.foreground),
            symbolBrush=theme.foreground,
        )
        if len(same) == 1:  # a band between two lines of one point is nothing: a bar from its low to its high end
            bar = pg.ErrorBarItem(
                x=xs, y=margins, top=hi - margins, bottom=margins - lo, beam=_DAY_S, pen=pg.mkPen("#888888", width=1.5)
            )
            self.margin.addItem(bar)
        if len(points) == 1:  # a range of one second, ticked "59.600 ... 00.399": a week around the day
            self.chance.setXRange(x[0] - 3.5 * _DAY_S, x[0] + 3.5 * _DAY_S, padding=0)
        self.margin.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#888888", style=pg.QtCore.Qt.PenStyle.DashLine)))
        self.summary.setText(
            f"On {last.day:%d %B %Y}, from {last.polls} polls: "
            + ", ".join(f"{names.get(c, c)} {chance_text(last.p_win.get(c, 0.0))}" for c in shown)
            + f"; margin {a} minus {b} {signed_points(last.margin)} "
            f"(90 %: {signed_points(last.band[0])} to {signed_points(last.band[1])}). Each point uses only the polls known that day, "
            "the default transfers, and the historical error of poll averages at that distance to polling day."
            + (f"\n{note}" if (note := forecast_after_polling_day(last.day, contest) if contest else "") else "")
        )
