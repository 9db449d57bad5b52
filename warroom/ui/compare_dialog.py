"""Two or more saved scenarios side by side."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from warroom.core.scenario import Projection, break_even_text

ROWS = (
    "Baseline",
    "Verdict",
    "Runoff margin",
    "Front-runner runoff %",
    "Challenger runoff %",
    "Break-even message",
    "Challenger's chance",
)


def _cells(label: str, p: Projection) -> list[str]:
    be_text = break_even_text(p.break_even_message)
    return [
        label,
        p.verdict,
        f"{p.margin:+.1f}",
        f"{p.runoff.a_share:.1f}",
        f"{p.runoff.b_share:.1f}",
        be_text,
        f"{100 * p.win_probability_b:.0f} %",
    ]


class CompareDialog(QDialog):
    def __init__(self, results: Sequence[tuple[str, str, Projection]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare scenarios")
        self.table = QTableWidget(len(ROWS), len(results))
        self.table.setObjectName("compare_table")
        self.table.setAccessibleName("Scenario comparison")
        self.table.setVerticalHeaderLabels(list(ROWS))
        self.table.setHorizontalHeaderLabels([name for name, _, _ in results])
        for col, (_name, label, projection) in enumerate(results):
            for row, text in enumerate(_cells(label, projection)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        height = self.table.horizontalHeader().height() + sum(self.table.rowHeight(r) for r in range(len(ROWS)))
        self.table.setMinimumHeight(height + 4)
        self.resize(max(700, 440 * max(1, len(results))), height + 80)
