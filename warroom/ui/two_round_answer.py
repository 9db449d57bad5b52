"""Meeting mode's answer view for a two-round race (France): the verdict with the favourite's chance, the
projected runoff on valid votes, the exact break-evens and the turnout, in core.two_round_view's words (the
runoff panel says the same), over the chosen matchup's published head-to-heads and their average."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from warroom.core.forecast import signed_points
from warroom.core.two_round_view import MatchupLead, TwoRoundView, question_text
from warroom.ui.answer_view import AnswerPage
from warroom.ui.qt_utils import literal_tip
from warroom.ui.two_round_panel import TwoRoundModel, electorate_title, short_name


class TwoRoundAnswerView(AnswerPage):
    """A two-round race's answer: the verdict with the favourite's chance, the projected runoff on valid votes,
    the exact break-evens of the chosen electorate and the turnout, over the chosen matchup's published
    head-to-heads and their average. Every sentence is core.two_round_view's (the runoff panel shows the same).

    Args:
        model: the live two-round case (the app's TwoRoundController).
        parent: the window.
    """

    def __init__(self, model: TwoRoundModel, parent: QWidget | None = None) -> None:
        super().__init__("two_round_answer_view", parent)
        self.model = model
        self._lead_shown: MatchupLead | None = None  # the lead its chart holds (drawn when the page is shown)
        model.view_ready.connect(self.show_view)
        model.lead_ready.connect(self.show_lead)
        model.failed.connect(self._on_model_failed)
        if model.lead is not None:
            self.show_lead(model.lead)
        if model.view is not None:
            self.show_view(model.view)
        elif model.no_first_round:  # (the page is made when meeting mode first needs it: after the failure)
            self._on_model_failed(model.no_first_round)

    def show_view(self, view: TwoRoundView) -> None:
        """The live case's answer, in the panel's words."""
        self.projected.setVisible(True)
        self.verdict.setText(view.verdict_text(short_name))
        self.projected.setValue(view.projection.margin)
        names = {code: short_name(code) for code in view.first.electorates()}
        evens = question_text(view, names) or [f"No share of {electorate_title(view.electorate)} alone turns it."]
        # names as typed, never read as markup, every symbol drawable (as_html: ui.glyphs' rule)
        runoff = f"Runoff: {view.shares_text(short_name)} (margin {signed_points(view.projection.margin)} points)"
        chance = view.chance_line(short_name)
        self.details.set_rich(  # (a name wider than the projector elided in its middle: ui.qt_utils.RichDataLabel)
            lambda h: "<br>".join([h(runoff), *(h(line) for line in evens), f"<b>{h(chance)}</b>"])
        )
        self.details.setToolTip(literal_tip(f"{view.margin_text()}\n{view.turnout_text()}"))

    def _on_model_failed(self, _message: str) -> None:
        """No first round to project from (the runoff panel says the same): no verdict and no "this scenario" line,
        where the last race's verdict stayed and the line was drawn at 0."""
        if not self.model.no_first_round:
            return  # (a refused change: the answer shown still stands)
        said = self.model.no_first_round.rstrip(". ")
        self.verdict.setText("No runoff projection")
        self.details.set_rich(lambda h: h(f"{said[:1].upper()}{said[1:]}."))
        self.details.setToolTip("")
        self.projected.setVisible(False)

    def show_lead(self, lead: MatchupLead) -> None:
        """The chosen matchup's published head-to-heads and their average (the runoff-lead chart's). Drawn when
        the page is on screen: hidden (outside meeting mode) it waits for its showEvent, so a matchup switch
        does not redraw a chart nobody sees (a quarter of its Python, bench_two_round_switch.py --profile)."""
        if not self.isVisible():
            return
        self._draw_lead(lead)

    def showEvent(self, event: QShowEvent) -> None:
        lead = self.model.lead
        if lead is not None and lead is not self._lead_shown:
            self._draw_lead(lead)
        super().showEvent(event)

    def _draw_lead(self, lead: MatchupLead) -> None:
        self._lead_shown = lead
        average = lead.average
        self._show_lead(
            average.lead,
            np.asarray(lead.days, dtype=float),
            np.asarray(lead.leads, dtype=float),
            f"Runoff lead, {short_name(average.a)} minus {short_name(average.b)} (points; published head-to-heads)",
        )
