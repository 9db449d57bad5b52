"""Saved scenarios side by side, each exactly as saved (its own baseline), with a note where today's polls differ.

A runoff (SV) case is a CompareColumn; a two-round or instant-runoff case is a core.saved_cases.CaseSummary
(winner, margin, chance from the panels' own core functions), shown in core.saved_cases.COMPARE_ROWS."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from warroom.core.forecast import chance_text, signed_points
from warroom.core.saved_cases import COMPARE_ROWS, CaseSummary, compare_cells
from warroom.core.scenario import Projection, break_even_text, note_lines
from warroom.ui.glyphs import drawable
from warroom.ui.qt_utils import literal_tip

ROWS = (
    "Baseline",
    "Saved",
    "Verdict",
    "Runoff margin",
    "Front-runner runoff %",
    "Challenger runoff %",
    "Break-even message",
    "Challenger's chance",
    "Notes",  # what the case's runoff of two cannot show (core.scenario.note_lines), as every surface says it
    "Settings",
    "Today's polls",
)


@dataclass(frozen=True)
class CompareColumn:
    """One saved case: its name, baseline label, when it was saved, its projection and the freshness note."""

    name: str
    baseline_label: str
    saved_at: str
    projection: Projection
    today: str
    break_even: str = ""  # ProjectionView.break_even_words: share of the personal vote, points, voters
    # What the case assumes (core.pipeline.assumption_lines past its baseline: the message, the drag, each
    # transfer split), as the briefing, meeting mode and `warroom scenario` print them. Compare showed the
    # figures of each case and not what differs between them.
    settings: Sequence[str] = ()


def cells(column: CompareColumn) -> list[str]:
    """The texts of one column, in ROWS order."""
    p = column.projection
    return [
        column.baseline_label,
        column.saved_at.replace("T", " ") or "—",
        p.verdict,
        f"{signed_points(p.margin)}",
        f"{p.runoff.a_share:.1f}",
        f"{p.runoff.b_share:.1f}",
        column.break_even or break_even_text(p.break_even_message),
        chance_text(p.win_probability_b),
        "\n".join(note_lines(p)) or "none",
        "\n".join(column.settings) or "the baseline's",
        column.today or "same answer",
    ]


class CompareDialog(QDialog):
    """A table with one column per saved scenario (all runoff cases, or all two-round or instant-runoff ones)."""

    def __init__(self, columns: Sequence[CompareColumn] | Sequence[CaseSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare scenarios")
        summaries = bool(columns) and isinstance(columns[0], CaseSummary)
        rows = COMPARE_ROWS if summaries else ROWS
        texts = [compare_cells(c) if isinstance(c, CaseSummary) else cells(c) for c in columns]
        self.table = QTableWidget(len(rows), len(columns))
        self.table.setObjectName("compare_table")
        self.table.setAccessibleName("Scenario comparison")
        self.table.setVerticalHeaderLabels(list(rows))
        self.table.setHorizontalHeaderLabels([drawable(c.name) for c in columns])  # (ui.glyphs: never a box)
        self.table.setWordWrap(True)
        for col, column_texts in enumerate(texts):
            for row, text in enumerate(column_texts):
                item = QTableWidgetItem(drawable(text))
                item.setToolTip(literal_tip(text))  # names as typed
                self.table.setItem(row, col, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        height = self.table.horizontalHeader().height() + sum(self.table.rowHeight(r) for r in range(len(rows)))
        self.table.setMinimumHeight(height + 4)
        self.resize(max(700, 440 * max(1, len(columns))), height + 80)
