"""Saved scenarios side by side, each exactly as saved (its own baseline), with a note where today's polls differ."""

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

from warroom.core.forecast import chance_text
from warroom.core.scenario import Projection, break_even_text

ROWS = (
    "Baseline",
    "Saved",
    "Verdict",
    "Runoff margin",
    "Front-runner runoff %",
    "Challenger runoff %",
    "Break-even message",
    "Challenger's chance",
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


def cells(column: CompareColumn) -> list[str]:
    """The texts of one column, in ROWS order."""
    p = column.projection
    return [
        column.baseline_label,
        column.saved_at.replace("T", " ") or "—",
        p.verdict,
        f"{p.margin:+.1f}",
        f"{p.runoff.a_share:.1f}",
        f"{p.runoff.b_share:.1f}",
        column.break_even or break_even_text(p.break_even_message),
        chance_text(p.win_probability_b),
        column.today or "same answer",
    ]


class CompareDialog(QDialog):
    """A table with one column per saved scenario."""

    def __init__(self, columns: Sequence[CompareColumn], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare scenarios")
        self.table = QTableWidget(len(ROWS), len(columns))
        self.table.setObjectName("compare_table")
        self.table.setAccessibleName("Scenario comparison")
        self.table.setVerticalHeaderLabels(list(ROWS))
        self.table.setHorizontalHeaderLabels([c.name for c in columns])
        self.table.setWordWrap(True)
        for col, column in enumerate(columns):
            for row, text in enumerate(cells(column)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        height = self.table.horizontalHeader().height() + sum(self.table.rowHeight(r) for r in range(len(ROWS)))
        self.table.setMinimumHeight(height + 4)
        self.resize(max(700, 440 * max(1, len(columns))), height + 80)
