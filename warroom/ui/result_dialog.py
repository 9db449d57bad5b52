"""Enter a contest's official result: first-round and final-round votes per candidate, typed or read from a CSV
file (core.resultfile), checked as it is typed. The stored result feeds the back-test, the forecast error table
and other races' transfer priors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from warroom.core.infile import decode_csv_bytes
from warroom.core.resultfile import RESULT_FILE_MAX_BYTES, ResultFileError, parse_result_csv
from warroom.core.types import Contest, OfficialResult
from warroom.paths import from_qt_name, read_input_file
from warroom.ui.glyphs import drawable
from warroom.ui.qt_utils import DiscardGuard, plain_label, title_text

COLUMNS = ("First round", "Final round")


class ResultDialog(QDialog):
    """One row per candidate, plus grouped others and the exhausted votes.

    Args:
        contest: the race.
        existing: its stored result, if any.
        parent: the window.
    """

    def __init__(self, contest: Contest, existing: OfficialResult | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title_text(f"Official result: {contest.name}"))  # a long name elided in its middle
        self.setAccessibleDescription(drawable(f"Official result: {contest.name}"))
        self.setObjectName("result_dialog")
        self.contest = contest
        self._stored = existing  # what the table does not show (transfers, electorate) is kept from it
        self.codes = [c.code for c in contest.candidates] + ["other", "exhausted"]
        labels = [c.name for c in contest.candidates] + ["Others (grouped)", "Exhausted / no valid preference"]
        self.labels = labels
        self._typed_rows: list[int] = []  # the table row of each line typed_result() builds after its header
        self.table = QTableWidget(len(self.codes), len(COLUMNS))
        self.table.setObjectName("result_table")
        self.table.setAccessibleName("Official result")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setVerticalHeaderLabels(labels)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.source = QLineEdit()
        self.source.setPlaceholderText("Source, e.g. the returning officer's declaration")
        self.source.setAccessibleName("Source of the result")
        load = QPushButton("Read a &CSV file…")
        load.setToolTip("candidate,first_round,final_round, one row per candidate (see the README)")
        load.clicked.connect(self._choose_file)
        self.problems = plain_label()  # quotes names and files: as typed
        self.problems.setObjectName("result_problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #B00020")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.discard_guard = DiscardGuard(self, "official result")  # Escape or Cancel with figures typed asks
        self.buttons.rejected.connect(self.discard_guard.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Votes as declared. The final round: the two finalists' totals after transfers."))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.source)
        layout.addWidget(load)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.resize(640, 480)
        if existing is not None:
            self.show_result(existing)
        self.table.itemChanged.connect(self._refresh)
        self._refresh()

    def show_result(self, result: OfficialResult) -> None:
        """Fill the table from a result."""
        self.table.blockSignals(True)
        for row, code in enumerate(self.codes):
            first = result.exhausted if code == "exhausted" else result.first_round.get(code)
            final = result.final_round.get(code)
            if code == "exhausted" and not first:
                first = None  # no exhausted votes: left blank, read back as none
            for col, value in enumerate((first, final)):  # a zero is a figure: shown, and read back
                self.table.setItem(row, col, QTableWidgetItem("" if value is None else f"{value:,}"))
        self.table.blockSignals(False)
        if result.source:
            self.source.setText(result.source)
        self._refresh()

    def typed_result(self) -> OfficialResult:
        """The result as typed (ResultFileError if it is not one)."""
        lines = ["candidate,first_round,final_round"]
        self._typed_rows = []
        for row, code in enumerate(self.codes):
            cells = [self._cell(row, col) for col in range(2)]
            if any(cells):
                self._typed_rows.append(row)
                lines.append(",".join([code, *('"' + c.replace('"', '""') + '"' for c in cells)]))
        typed = parse_result_csv("\n".join(lines) + "\n", self.contest, self.source.text().strip())
        stored = self._stored
        if stored is None:
            return typed
        # The table shows the rounds only: the electorate is kept as stored, and the count's transfers while the
        # figures they were counted from are unchanged (_refresh says when they are dropped).
        return replace(typed, electorate=stored.electorate, transfers=stored.transfers if self._same(typed) else ())

    def _same(self, typed: OfficialResult) -> bool:
        """The typed rounds are the stored result's (its transfers still hold)."""
        stored = self._stored
        return stored is not None and (
            dict(typed.first_round) == dict(stored.first_round)
            and dict(typed.final_round) == dict(stored.final_round)
            and typed.exhausted == stored.exhausted
        )

    def _cell(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text().strip() if item is not None else ""

    def _refresh(self, *_args: object) -> None:
        try:
            typed = self.typed_result()
        except ResultFileError as exc:
            shown = [f"{self._row_label(p.line, p.column)}: {p.message}" for p in exc.problems[:5]]
            self.problems.setText("\n".join(shown))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        stored = self._stored
        dropped = stored is not None and bool(stored.transfers) and not self._same(typed)
        self.problems.setText(
            "Note: the stored result's transfers between rounds (from its count) are dropped on OK: they were "
            "counted from the figures as they were"
            if dropped
            else ""
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def _row_label(self, line: int, column: str = "") -> str:
        """Where a problem is, in the table's words: the candidate's row and the column (line 1 is the header of
        the text typed_result() builds; a line follows for each row where something was typed)."""
        if line <= 1 or line - 2 >= len(self._typed_rows):
            return "the result"
        where = drawable(self.labels[self._typed_rows[line - 2]])
        named = {"first_round": COLUMNS[0], "final_round": COLUMNS[1]}.get(column)
        return f"{where}, {named.lower()}" if named else where

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Official result", "", "CSV files (*.csv);;All files (*)")
        if path:
            self.load_file(from_qt_name(path))

    def load_file(self, path: Path) -> None:
        """Read a result CSV into the table (problems shown, nothing stored until OK)."""
        try:  # a FIFO or a device is refused at once, never waited on or read forever
            data = read_input_file(path, max_bytes=RESULT_FILE_MAX_BYTES)
        except OSError as exc:
            self.problems.setText(f"{path.name}: cannot read it ({exc.strerror or exc})")
            return
        try:  # the poll CSV's decoder: UTF-8, else Windows-1252 throughout; UTF-16 and workbooks named
            text = decode_csv_bytes(data)
        except ValueError as exc:
            self.problems.setText(f"{path.name}: {exc}")
            return
        try:
            result = parse_result_csv(text, self.contest, path.name)
        except ResultFileError as exc:
            self.problems.setText("\n".join(f"{path.name}: {p}" for p in exc.problems[:5]))
            return
        self.show_result(result)
