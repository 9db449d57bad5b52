"""The paste step: what each pasted column is (guessed, changeable) and what will be imported, before it is.

The guesses come from core.paste; the preview is the ordinary importer's own reading of the result (every
problem with its line and field), so what the dialog shows is exactly what OK imports, all or nothing. That
reading runs on the import worker's thread: a 10,000-row paste takes about a second to convert and check, and
the dialog (its pickers, its preview) stays live meanwhile; OK waits for the check of the current mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from warroom.core.csvformat import ParseResult
from warroom.core.paste import DATE_ORDERS, PasteError, date_order_note, field_choices, guess_columns, to_poll_csv
from warroom.core.types import Contest
from warroom.ui.qt_utils import DiscardGuard, FormNumberBox, plain_label

YEARS = range(1900, 2101)
"""The years the paste dialog reads dates written without one in."""

PREVIEW_ROWS = 12
PREVIEW_CHARS = 200
"""The most of a pasted cell the preview shows (the import reads it whole): Qt measured a 10 MB cell's whole text
to size its column, 3.5 s with the window frozen before the dialog appeared."""


def _previewed(cell: str) -> str:
    return cell if len(cell) <= PREVIEW_CHARS else cell[:PREVIEW_CHARS] + f"\u2026 ({len(cell):,} characters)"


class PasteChecker(Protocol):
    """Checks pasted rows under a mapping off the GUI thread (services.import_worker.ImportWorker)."""

    paste_checked: Any  # (request id, ParseResult or message), for the latest request only

    def check_paste(
        self,
        rows: Sequence[Sequence[str]],
        mapping: Sequence[str],
        default_year: int | None = None,
        date_order: str | None = None,
    ) -> int: ...


class PasteDialog(QDialog):
    """Map pasted columns to poll fields and preview the import.

    Args:
        rows: the pasted table, header first.
        contest: the open contest (its candidates and parties name the choices).
        checker: runs the importer's parse of the mapped rows off the GUI thread.
        parent: the window.
    """

    def __init__(
        self,
        rows: Sequence[Sequence[str]],
        contest: Contest,
        checker: PasteChecker,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Paste polls: check the columns")
        self.setObjectName("paste_dialog")
        self._rows = tuple(tuple(r) for r in rows)  # never changed: the checker's thread reads it as it is
        self._checker = checker
        self._request = 0  # the check whose answer the summary waits for
        self.result_parse: ParseResult | None = None
        checker.paste_checked.connect(self._on_paste_checked)
        width = max(len(r) for r in self._rows)
        self.table = QTableWidget(min(PREVIEW_ROWS, len(self._rows) - 1) + 1, width)
        self.table.setObjectName("paste_preview")
        self.table.setAccessibleName("Pasted table preview")
        self.table.setHorizontalHeaderLabels(
            [_previewed(c) for c in self._rows[0]] + [""] * (width - len(self._rows[0]))
        )
        self.table.setVerticalHeaderLabels(["import as"] + [str(i + 2) for i in range(self.table.rowCount() - 1)])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        choices = field_choices(contest)
        guesses = guess_columns(self._rows[0], contest) + [""] * (width - len(self._rows[0]))
        self.pickers: list[QComboBox] = []
        for col in range(width):
            box = QComboBox()
            box.setObjectName(f"paste_field_{col}")
            box.setAccessibleName(f"Column {col + 1}: import as")
            for field, label in choices:
                box.addItem(label, field)
            box.setCurrentIndex(max(0, box.findData(guesses[col])))
            box.currentIndexChanged.connect(self._refresh)
            self.table.setCellWidget(0, col, box)
            self.pickers.append(box)
        for r, row in enumerate(self._rows[1 : PREVIEW_ROWS + 1], start=1):
            for col, cell in enumerate(row):
                self.table.setItem(r, col, QTableWidgetItem(_previewed(cell)))
        # Wikipedia's poll tables write "28–30 Apr" under a year's heading: such dates are read in this year (the
        # contest's election year unless changed); they were refused as "not a date (use YYYY-MM-DD)"
        # The box holds any whole number typed (`FormNumberBox`) and the summary names one outside YEARS: Qt's box
        # refused the key past 2100 and kept the rest ("20245" was 2024), and put a year it could not take ("12")
        # back to the one shown before without a word.
        self.year = FormNumberBox()
        self.year.setObjectName("paste_year")
        self.year.setValue(contest.election_date.year)
        self.year.setAccessibleName("Year of dates written without one")
        self.year.setToolTip(
            "Dates in the table written without a year (\u201c28\u201330 Apr\u201d) are read in this year"
        )
        self.year.valueChanged.connect(self._refresh)
        self.year.typed_problem_changed.connect(self._refresh)
        year_row = QHBoxLayout()
        year_label = QLabel("&Year of dates written without one:")
        year_label.setBuddy(self.year)
        year_row.addWidget(year_label)
        year_row.addWidget(self.year)
        # A date in figures alone ("4/5/2012") is 4 May or April 5: read in the order the table shows (a day past
        # 12 in it), else the one picked here; a table that shows none is refused until one is (read day first,
        # a US table whose days were all 12 or less was stored with days and months swapped, without a word).
        self.date_order = QComboBox()
        self.date_order.setObjectName("paste_date_order")
        self.date_order.setAccessibleName("Order of dates written in figures")
        self.date_order.addItem("as the table shows", None)
        for order, words in DATE_ORDERS.items():
            self.date_order.addItem(words, order)
        self.date_order.currentIndexChanged.connect(self._refresh)
        order_label = QLabel("Dates in figures (4/5/2012) &read:")
        order_label.setBuddy(self.date_order)
        year_row.addSpacing(12)
        year_row.addWidget(order_label)
        year_row.addWidget(self.date_order)
        year_row.addStretch(1)
        self.summary = plain_label()  # quotes pasted cells: as typed
        self.summary.setObjectName("paste_summary")
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        # Escape or Cancel after a column's field or the year was changed asks first (they were lost without a word)
        self.discard_guard = DiscardGuard(
            self, "paste", "Discard this paste and the column choices made? Nothing of it is imported."
        )
        self.buttons.rejected.connect(self.discard_guard.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Each column's field is guessed from its header; change any that is wrong. Dates in words "
                "(\u201c28\u201330 Apr 2012\u201d) are read; columns left \u201cnot imported\u201d are ignored."
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(year_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(900, 420)
        self._refresh()

    def mapping(self) -> list[str]:
        """The field chosen for each column ("" for not imported)."""
        return [str(box.currentData() or "") for box in self.pickers]

    def csv_text(self) -> str:
        """The pasted rows as poll CSV under the chosen mapping."""
        return to_poll_csv(self._rows, self.mapping(), round(self.year.value()), self.chosen_date_order())

    def chosen_date_order(self) -> str | None:
        """The order picked for dates in figures alone ("dmy", "mdy"), or None: the order the table shows."""
        order = self.date_order.currentData()
        return str(order) if order else None

    @property
    def checking(self) -> bool:
        """The current mapping's check has not answered yet (OK is disabled until it does)."""
        return self._request != 0

    def _refresh(self, *_args: object) -> None:
        self.result_parse = None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        year = round(self.year.value())
        if self.year.typed_problem:
            self._request = 0  # an older mapping's answer is dropped
            self.summary.setText(
                f"Nothing can be imported yet: the year of dates written without one: {self.year.typed_problem}"
            )
            return
        if year not in YEARS:
            self._request = 0  # an older mapping's answer is dropped
            self.summary.setText(
                f"Nothing can be imported yet: the year of dates written without one, {year}, is not a year "
                f"from {YEARS.start} to {YEARS.stop - 1}"
            )
            return
        self.summary.setText(f"Checking {len(self._rows) - 1:,} rows…")
        self._request = self._checker.check_paste(self._rows, self.mapping(), year, self.chosen_date_order())

    def _on_paste_checked(self, request: int, parsed: object) -> None:
        if request != self._request:
            return  # an older mapping's answer
        self._request = 0
        if not isinstance(parsed, ParseResult):  # the importer's own refusal (e.g. no pollster column)
            self.summary.setText(f"Nothing can be imported yet: {parsed}")
            return
        self.result_parse = parsed
        ok = parsed.ok and bool(parsed.polls)
        if ok:
            try:  # the same rule the check read the dates by: it answered, so it holds
                note = date_order_note(self._rows, self.mapping(), self.chosen_date_order())
            except PasteError as exc:
                note = str(exc)
            self.summary.setText(f"{len(parsed.polls):,} polls will be imported, all or nothing. {note}".strip())
        else:
            shown = "; ".join(f"line {e.line}, {e.field}: {e.message}" for e in parsed.errors[:4])
            more = f" … and {len(parsed.errors) - 4} more" if len(parsed.errors) > 4 else ""
            self.summary.setText(f"Nothing will be imported until these are fixed: {shown}{more}")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
