"""The runoff matchup and first-round hypothesis pickers, shown above the charts for a two-round contest.

Choosing a matchup switches the runoff-lead chart and the scenario to that pair; choosing a hypothesis (a
first-round candidate list) sets the average the qualify probabilities come from. Beside them: the chance each
leading candidate reaches the runoff, and the chance the chosen pair's leader wins it. A view of the same
TwoRoundModel as the two-round panel: it keeps no copy and writes through the model's setters.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from warroom.core.averaging import AverageSeries
from warroom.core.forecast import chance_cell, chance_text
from warroom.core.two_round_view import MatchupLead, TwoRoundView
from warroom.ui.glyphs import drawable
from warroom.ui.qt_utils import literal_tip, signals_blocked
from warroom.ui.two_round_panel import SteadyBox, SteadyLabel, TwoRoundModel, short_name


class TwoRoundPickers(QWidget):
    """Matchup and hypothesis pickers with the qualify and win probabilities beside them."""

    def __init__(self, model: TwoRoundModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("two_round_pickers")
        self.model = model
        self.matchup_combo = QComboBox()
        self.matchup_combo.setObjectName("matchup_picker")
        self.matchup_combo.setAccessibleName("Runoff matchup")
        self.matchup_combo.setToolTip("The runoff pair the runoff-lead chart and the scenario show (most asked first)")
        self.hypothesis_combo = QComboBox()
        self.hypothesis_combo.setObjectName("hypothesis_picker")
        self.hypothesis_combo.setAccessibleName("First-round hypothesis")
        self.hypothesis_combo.setToolTip(
            "The first-round candidate list whose poll average gives the chance of reaching the runoff "
            "(latest first; 'every list' averages them all)"
        )
        for combo in (self.matchup_combo, self.hypothesis_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self.odds_label = SteadyLabel()
        self.odds_label.setObjectName("two_round_odds")
        self.odds_label.setTextFormat(Qt.TextFormat.PlainText)  # names as typed, never read as markup
        self.odds_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Runoff"))
        layout.addWidget(self.matchup_combo, 1)
        layout.addWidget(QLabel("First round"))
        layout.addWidget(self.hypothesis_combo, 1)
        layout.addWidget(SteadyBox(self.odds_label), 4)
        self.matchup_combo.currentIndexChanged.connect(self._on_matchup_chosen)
        self.hypothesis_combo.currentIndexChanged.connect(self._on_hypothesis_chosen)
        model.choices_changed.connect(self.show_choices)
        model.matchup_changed.connect(self.show_matchup)
        model.view_ready.connect(self.show_view)
        model.qualify_ready.connect(self.show_qualify)
        model.lead_ready.connect(lambda _lead: self._show_odds(self.model.view))
        self.show_choices()

    def show_choices(self) -> None:
        """Fill the pickers with what the polls asked."""
        with signals_blocked(self.matchup_combo):
            self.matchup_combo.clear()
            for a, b, n in self.model.matchups:
                self.matchup_combo.addItem(drawable(f"{short_name(a)} v {short_name(b)} ({n} polls)"), (a, b))
                self.matchup_combo.setItemData(
                    self.matchup_combo.count() - 1,
                    literal_tip(f"{a} v {b}: asked by {n} polls"),  # (as typed, every symbol drawable)
                    Qt.ItemDataRole.ToolTipRole,
                )
        with signals_blocked(self.hypothesis_combo):
            self.hypothesis_combo.clear()
            self.hypothesis_combo.addItem("Every list (pooled)", None)
            self.hypothesis_combo.setItemData(
                0,
                "Every first-round hypothesis, each list's effect on its candidates removed",
                Qt.ItemDataRole.ToolTipRole,
            )
            for label, n in self.model.hypotheses:
                self.hypothesis_combo.addItem(drawable(f"{label} ({n} polls)"), label)
            index = self.hypothesis_combo.findData(self.model.hypothesis)
            self.hypothesis_combo.setCurrentIndex(max(0, index))
        if self.model.matchup is not None:
            self.show_matchup(*self.model.matchup)
        self._show_odds(self.model.view)

    def show_matchup(self, a: str, b: str) -> None:
        with signals_blocked(self.matchup_combo):
            for i in range(self.matchup_combo.count()):
                if set(self.matchup_combo.itemData(i)) == {a, b}:
                    self.matchup_combo.setCurrentIndex(i)
                    break

    def show_view(self, view: TwoRoundView) -> None:
        self._show_odds(view)

    def show_qualify(self, _qualify: Mapping[str, float]) -> None:
        self._show_odds(self.model.view)

    def _show_odds(self, view: TwoRoundView | None) -> None:
        parts = []
        q = self.model.qualify
        if q:
            top = sorted(q.items(), key=lambda kv: -kv[1])[:3]
            # a table's form of a chance (">99 %", "<1 %"), as `warroom qualify` prints it
            parts.append("Qualify: " + ", ".join(f"{short_name(k)} {chance_cell(v)}" for k, v in top))
        elif self.model.qualify_note:
            parts.append("Qualify: not worked out (the race's expected turnout is not set)")
        lead = self.model.lead
        if lead is not None and not lead.average.share.empty:
            p_a = lead.average.win_probability()
            name, chance = (lead.average.a, p_a) if p_a >= 0.5 else (lead.average.b, 1.0 - p_a)
            parts.append(f"Runoff polls: {short_name(name)} wins {chance_text(chance)}")
        if view is not None:
            p = view.projection
            leader, chance = (
                (p.a, p.win_probability_a) if p.win_probability_a >= 0.5 else (p.b, 1 - p.win_probability_a)
            )
            parts.append(f"Scenario: {short_name(leader)} wins {chance_text(chance)}")
        text = "  ·  ".join(parts)
        if self.odds_label.text() != text:
            self.odds_label.setText(text)
            self.odds_label.setToolTip(
                "Qualify: the chance each candidate reaches the runoff, from the first-round average. "
                "Runoff polls: the average of this pair's head-to-head polls. Scenario: the runoff scenario's projection."
            )

    def _on_matchup_chosen(self, _index: int) -> None:
        pair = self.matchup_combo.currentData()
        if pair:
            self.model.set_matchup(*pair)

    def _on_hypothesis_chosen(self, _index: int) -> None:
        self.model.set_hypothesis(self.hypothesis_combo.currentData())


def chart_lead(
    lead: MatchupLead,
) -> tuple[tuple[float, ...], tuple[float, ...], tuple[str, ...], AverageSeries, str]:
    """A matchup's head-to-heads as the runoff-lead chart takes them: days, leads, pollsters, average, title. The
    lead's own tuples (the controller keeps one MatchupLead per pair), so the chart finds a pair's arrays kept."""
    average = lead.average
    title = (
        f"Runoff lead: {short_name(average.a)} minus {short_name(average.b)} "
        f"(points; {len(lead.days)} published head-to-heads)"
    )
    return lead.days, lead.leads, lead.pollsters, average.lead, title
