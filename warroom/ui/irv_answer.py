"""Meeting mode's answer view for an instant-runoff race: the verdict with the favourite's chance in headline type,
the exclusions that decide the race, every contender's chance, and what the count starts from, over the chain's
final pair as the polls have it. Every sentence is the core's (core.irv_pipeline's IrvView: the instant-runoff
panel and `warroom scenario` say the same); the page has no number of its own.

It showed the instant-runoff panel itself (its sliders and rounds table in the projector's type, half the screen
empty), where the other systems' answer pages put the answer in type the back of the room can read.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from PySide6.QtWidgets import QWidget

from warroom.core.averaging import AverageSeries
from warroom.core.forecast import chance_cell
from warroom.core.irv_pipeline import IrvPairLead, IrvView
from warroom.ui.answer_view import AnswerPage


class IrvModel(Protocol):
    """What the page reads of services.irv_service.IrvController: its signals and its state."""

    view_ready: Any
    lead_ready: Any
    case_cleared: Any
    view: IrvView | None
    lead: IrvPairLead | None


def answer_lines(view: IrvView, source: str = "") -> list[str]:
    """The answer's lines under its verdict, in the core's words (IrvView.lines, which `warroom scenario` and the
    briefing print): each exclusion that decides the race (else the last one), the result, every contender's
    chance (those with one), and what the count starts from."""
    run = view.run
    words = view.lines()  # one per exclusion, then the result
    deciding = [i for i, e in enumerate(run.eliminations) if e.decisive] or list(range(len(run.eliminations)))[-1:]
    lines = [words[i] for i in deciding]
    if run.eliminations:
        lines.append(words[-1])
    else:
        lines.append(f"{view.name(run.final_pair[0])} has a majority of first preferences: nobody is excluded.")
    if view.odds is not None and view.odds.p_win:
        ranked = sorted(view.odds.p_win.items(), key=lambda kv: -kv[1])
        shown = [f"{view.name(c)} {chance_cell(p)}" for c, p in ranked if p >= 0.005][:4]
        if shown:
            lines.append("Chance of winning: " + ", ".join(shown))
    if source:
        lines.append(f"From {source}.")
    return lines


class IrvAnswerView(AnswerPage):
    """The instant-runoff race's answer: verdict, deciding exclusions, chances, source, final-pair chart.

    Args:
        model: the live instant-runoff case (the app's IrvController).
        parent: the window.
    """

    def __init__(self, model: IrvModel, parent: QWidget | None = None) -> None:
        super().__init__("irv_answer_view", parent)
        self.model = model
        self._pair: tuple[str, str] | None = None  # the chart's pair (its leads are pair[0] minus pair[1])
        self.projected.hide()  # until a case's final pair is the chart's
        model.view_ready.connect(self.show_view)
        model.lead_ready.connect(self.show_lead)
        model.case_cleared.connect(self.show_nothing)
        if model.lead is not None:
            self.show_lead(model.lead)
        if model.view is not None:
            self.show_view(model.view)

    def show_nothing(self, reason: str) -> None:
        """No case: the reason as the headline; nothing of the last case stays."""
        self.verdict.setText(reason)
        self.details.set_rich(lambda _h: "")
        self.projected.hide()
        self._pair = None
        self._show_lead(AverageSeries.nothing(), np.empty(0), np.empty(0), "")

    def show_view(self, view: IrvView) -> None:
        """The live case's answer, in the core's words."""
        self.verdict.setText(view.headline)
        case = getattr(self.model, "case", None)
        lines = answer_lines(view, getattr(case, "label", "") or "")
        chance = next((i for i, line in enumerate(lines) if line.startswith("Chance of winning: ")), None)
        self.details.set_rich(
            lambda h: "<br>".join(f"<b>{h(line)}</b>" if i == chance else h(line) for i, line in enumerate(lines))
        )
        self._show_projected(view)

    def show_lead(self, lead: IrvPairLead) -> None:
        """The chain's final pair, poll by poll, and its average (the runoff-lead chart's)."""
        if lead.average.empty or not len(lead.days):
            self._pair = None
            self._show_lead(AverageSeries.nothing(), np.empty(0), np.empty(0), "")
        else:
            self._pair = lead.pair
            self._show_lead(lead.average, np.asarray(lead.days, float), np.asarray(lead.leads, float), lead.title)
        if self.model.view is not None:
            self._show_projected(self.model.view)

    def _show_projected(self, view: IrvView) -> None:
        """This case's final-round margin on the chart, when its final pair is the chart's (signed as the chart)."""
        winner, runner = view.run.final_pair
        if self._pair is None or {winner, runner} != set(self._pair):
            self.projected.hide()
            return
        margin = view.run.final_margin if winner == self._pair[0] else -view.run.final_margin
        self.projected.setValue(margin)
        self.projected.show()
