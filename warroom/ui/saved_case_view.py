"""Meeting mode's view of a saved scenario: the runoff (SV) panel's read-only copy, or a saved two-round or
instant-runoff case's card (core.saved_cases.CaseSummary: the headline, the winner, margin and chance, every
setting), whichever kind the open contest's saved scenario is. Read-only: the live case is never touched."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from warroom.core.forecast import gap_words
from warroom.core.saved_cases import CaseSummary
from warroom.core.types import bidi_isolated


class SavedCaseCard(QWidget):
    """A saved two-round or instant-runoff case, as saved: its name and date, the verdict, the figures and
    every setting, in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saved_case_card")
        self.title_label = QLabel()
        self.title_label.setObjectName("saved_case_title")
        self.headline_label = QLabel()
        self.headline_label.setObjectName("saved_case_headline")
        self.headline_label.setAccessibleName("Saved scenario verdict")
        big = QFont(self.headline_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        self.headline_label.setFont(big)
        self.figures_label = QLabel()
        self.figures_label.setObjectName("saved_case_figures")
        self.details_label = QLabel()
        self.details_label.setObjectName("saved_case_details")
        self.details_label.setAccessibleName("Saved scenario settings")
        self.today_label = QLabel()
        self.today_label.setObjectName("saved_case_today")
        layout = QVBoxLayout(self)
        for label in (self.title_label, self.headline_label, self.figures_label, self.details_label, self.today_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        layout.addStretch(1)

    def show_summary(self, summary: CaseSummary) -> None:
        """Show one saved case (its figures exactly as compare and the briefing print them)."""
        when = f", saved {summary.saved_at[:16].replace('T', ' ')}" if summary.saved_at else ""
        self.title_label.setText(f"Saved scenario '{escape(summary.name)}'{when} · {escape(summary.baseline)}")
        self.headline_label.setText(escape(summary.headline))
        winner = bidi_isolated(summary.winner)  # the figures after it stay after it
        words = gap_words(summary.margin)
        runner_up = escape(bidi_isolated(summary.runner_up))
        lead = (
            f"Projected <b>level</b>: {escape(winner)} and {runner_up}"
            if words == "level"
            else f"Projected winner <b>{escape(winner)}</b> {words} over {runner_up}"
        )
        self.figures_label.setText(f"{lead}; {escape(winner)}'s chance <b>{summary.chance_text}</b>")
        self.details_label.setText("<br>".join(escape(line) for line in summary.details))
        self.today_label.setText(escape(summary.today))
        self.today_label.setVisible(bool(summary.today))


class SavedScenarioPages(QStackedWidget):
    """The widget meeting mode shows a saved scenario in: the runoff (SV) panel's read-only copy, or the card of
    a saved two-round or instant-runoff case."""

    def __init__(self, runoff_panel: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saved_scenario_pages")
        self.runoff_panel = runoff_panel
        self.card = SavedCaseCard()
        # a scroll area: every electorate's split is written out, more lines than a projector's page may hold
        self.card_scroll = QScrollArea()
        self.card_scroll.setObjectName("saved_case_scroll")
        self.card_scroll.setWidgetResizable(True)
        self.card_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.card_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.card_scroll.setWidget(self.card)
        # A view naming a saved scenario that is gone (settings.ini's `scenario:NAME`, the case deleted or renamed
        # since): said here, on the projector; the status bar is hidden in meeting mode.
        self.missing = QLabel()
        self.missing.setObjectName("saved_scenario_missing")
        self.missing.setWordWrap(True)
        self.missing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.missing.setTextFormat(Qt.TextFormat.PlainText)  # the name as typed, never read as markup
        self.addWidget(runoff_panel)
        self.addWidget(self.card_scroll)
        self.addWidget(self.missing)

    def show_runoff(self) -> None:
        """The runoff (SV) panel's page (its presenting controller fills it)."""
        self.setCurrentWidget(self.runoff_panel)

    def show_missing(self, text: str) -> None:
        """No saved case to show for the view asked: why, in its place (never the case presented before)."""
        self.missing.setText(text)
        self.setCurrentWidget(self.missing)

    def show_case(self, summary: CaseSummary) -> None:
        """A saved two-round or instant-runoff case's card."""
        self.card.show_summary(summary)
        self.setCurrentWidget(self.card_scroll)
        self.card_scroll.verticalScrollBar().setValue(0)


if __name__ == "__main__":  # a preview on a made-up case: python -m warroom.ui.saved_case_view
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    card = SavedCaseCard()
    card.show_summary(
        CaseSummary(
            "Low turnout",
            "two_round",
            "Official first round of 10 April 2022 (all hypotheses pooled)",
            "2026-11-29T17:00:00",
            "Marine Le Pen 50.3 % of valid votes against Emmanuel Macron; chance Marine Le Pen wins the runoff: 53 %",
            "Marine Le Pen",
            "Emmanuel Macron",
            0.5,
            0.534,
            ("Runoff: Emmanuel Macron v Marine Le Pen; turnout 63.3 % of registered (lever -20 %)", "Message: none"),
        )
    )
    card.resize(700, 400)
    card.show()
    sys.exit(app.exec())
