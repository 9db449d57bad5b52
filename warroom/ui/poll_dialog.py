"""Add or edit one poll, with the same validation the importer applies, shown as you type."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from warroom.core.types import (
    DIRECTION_CONTROLS,
    EXHAUSTED,
    NOTES_LIMIT,
    Contest,
    Poll,
    TransferObservation,
    controls_escaped,
    firm_spellings,
)
from warroom.core.validation import TEXT_LIMITS
from warroom.ui.qt_utils import (
    DecimalSpinBox,
    DiscardGuard,
    FormDateEdit,
    FormNumberBox,
    literal_tip,
    plain_label,
    typed_problems,
)

BLANK = -1.0  # spin-box value shown as "–": the poll did not publish this figure
MOST_DECIMALS = 4  # a figure given with more is shown to four places (and kept exactly while left untouched)
TYPED_DECIMALS = 2
"""Decimals a share box takes as typed, whatever the poll's own figures carry: pollsters publish 33.35 (French
institutes, two-decimal compilations), and the new-poll form took one, so the second 5 of "33.35" was refused."""


class _ShareBox(DecimalSpinBox):
    """A share box that takes TYPED_DECIMALS or more places but shows a figure with the places it has ("45 %",
    "33.35 %"), never padded with zeros ("45.00 %")."""

    def textFromValue(self, value: float) -> str:
        text = super().textFromValue(value)
        point, zero = self.locale().decimalPoint(), self.locale().zeroDigit()  # (Arabic: U+066B, U+0660)
        return text.rstrip(zero).removesuffix(point) if point in text else text


def _decimals(values: Sequence[float]) -> int:
    """How many decimals the form takes: two, or as many as the poll's own figures carry (33.333), up to four."""
    most = TYPED_DECIMALS
    for v in values:
        for places in range(most, MOST_DECIMALS + 1):
            most = places
            if abs(round(v, places) - v) < 1e-9:
                break
    return most


SHARE_TYPING_LIMIT = 99_999.0
"""A share box holds a figure typed up to this, for the poll's check to refuse past 100 naming the figure: Qt refused
the key that passed 100 and kept the rest ("101" was saved as 10 %, "1e400" as 14 %). A longer number, whose
extra digits are refused, still shows a figure past 100."""


def _share_box(name: str, tip: str) -> QDoubleSpinBox:
    box = _ShareBox()
    box.setRange(BLANK, SHARE_TYPING_LIMIT)
    box.setDecimals(TYPED_DECIMALS)
    box.setSingleStep(1.0)
    box.setSpecialValueText("–")
    box.setValue(BLANK)
    box.setSuffix(" %")
    box.setAccessibleName(name)
    box.setToolTip(literal_tip(tip))  # names as typed
    box.setObjectName(name)
    return box


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class PollDialog(QDialog):
    """Form for one poll. `check` returns the problems that would stop it being saved."""

    def __init__(
        self,
        contest: Contest,
        check: Callable[[Poll], list[str]],
        poll: Poll | None = None,
        pollsters: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit poll" if poll and poll.id is not None else "Add poll")
        self._contest = contest
        self._check = check
        self._original = poll
        today = date.today()

        self.pollster = QLineEdit()
        self.pollster.setAccessibleName("Pollster")
        # one entry per firm (core.types.firm_key), as the average and the chart's key name it: first written
        self.pollster.setCompleter(QCompleter(sorted(set(firm_spellings(pollsters).values())), self))
        self.client = QLineEdit()
        self.client.setAccessibleName("Client")
        self.start = FormDateEdit(_qdate(today))
        self.end = FormDateEdit(_qdate(today))
        for w, name in ((self.start, "Fieldwork start"), (self.end, "Fieldwork end")):
            w.setAccessibleName(name)
        self.has_published = QCheckBox("Published")
        self.published = FormDateEdit(_qdate(today))
        self.published.setAccessibleName("Publication date")
        self.published.setEnabled(False)
        self.has_published.toggled.connect(self.published.setEnabled)
        # 0 shows as "not published" and is stored as unknown. The box holds any whole number typed (a minus,
        # a sample past MAX_SAMPLE_SIZE): the poll's check names it, where Qt dropped the key ("-1" was 1).
        self.sample = FormNumberBox("not published")
        self.sample.setToolTip("People interviewed; leave at 'not published' if the pollster did not say")
        self.sample.setGroupSeparatorShown(True)
        self.sample.setValue(1000)
        self.sample.setAccessibleName("Sample size")
        self.method = QComboBox()
        self.method.setEditable(True)
        self.method.addItems(["online panel", "telephone", "face to face", "mixed"])
        self.method.setAccessibleName("Method")
        self.source = QLineEdit()
        self.source.setPlaceholderText("https://…")
        self.source.setAccessibleName("Source URL")
        self.notes = QLineEdit()
        self.notes.setAccessibleName("Notes")
        # the store's lengths (core.validation.TEXT_LIMITS, NOTES_LIMIT): typing stops there, not refused on Save
        for line, most in (
            (self.pollster, TEXT_LIMITS["pollster"]),
            (self.client, TEXT_LIMITS["client"]),
            (self.notes, NOTES_LIMIT),
        ):
            line.setMaxLength(most)
        if (method_line := self.method.lineEdit()) is not None:
            method_line.setMaxLength(TEXT_LIMITS["method"])

        about = QFormLayout()
        about.addRow("&Pollster", self.pollster)
        about.addRow("&Client", self.client)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.end)
        about.addRow("Fieldwork", dates)
        pub = QHBoxLayout()
        pub.addWidget(self.has_published)
        pub.addWidget(self.published)
        about.addRow("", pub)
        about.addRow("&Sample size", self.sample)
        about.addRow("&Method", self.method)
        about.addRow("S&ource", self.source)
        about.addRow("&Notes", self.notes)

        grid = QGridLayout()
        grid.addWidget(QLabel("<b>First round</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Second round</b>"), 0, 2)
        self.first: dict[str, QDoubleSpinBox] = {}
        self.second: dict[str, QDoubleSpinBox] = {}
        for row, cand in enumerate(contest.candidates, start=1):
            grid.addWidget(plain_label(cand.name), row, 0)
            self.first[cand.code] = _share_box(f"first_{cand.code}", f"{cand.name}'s first-preference share")
            self.second[cand.code] = _share_box(
                f"second_{cand.code}", f"{cand.name}'s share of the head-to-head second round, if published"
            )
            grid.addWidget(self.first[cand.code], row, 1)
            grid.addWidget(self.second[cand.code], row, 2)
        other_row = len(contest.candidates) + 1
        grid.addWidget(QLabel("Others"), other_row, 0)
        self.first["other"] = _share_box("first_other", "Share for all other candidates, if the poll groups them")
        grid.addWidget(self.first["other"], other_row, 1)
        self.sum_label = QLabel()
        grid.addWidget(self.sum_label, other_row + 1, 1, 1, 2)
        shares = QGroupBox("Figures (%)")
        shares.setLayout(grid)

        party_form = QFormLayout()
        self.party: dict[str, QDoubleSpinBox] = {}
        for party in contest.parties:
            self.party[party.code] = _share_box(
                f"party_{party.code}", f"{party.name} voting intention in the same poll"
            )
            party_form.addRow(plain_label(party.name), self.party[party.code])
        parties = QGroupBox("Party voting intention (%)")
        parties.setLayout(party_form)

        # Second preferences as pollsters publish them: "of Paddick's voters, 70 to Johnson and 30 to
        # Livingstone" (of those who name a finalist), or shares of all his voters with "no second preference".
        self.transfers = QTableWidget(0, 3)
        self.transfers.setObjectName("transfers_table")
        self.transfers.setAccessibleName("Second preferences")
        self.transfers.setHorizontalHeaderLabels(["Voters of", "second preference", "%"])
        self.transfers.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.transfers.setToolTip(
            "As the poll publishes them: e.g. Paddick -> Johnson 70 and Paddick -> Livingstone 30 (of those who "
            "name a finalist), or shares of all his voters with a 'no second preference' row"
        )
        add_transfer = QPushButton("Add a second-preference figure")
        add_transfer.clicked.connect(lambda: self.add_transfer())
        transfer_box = QGroupBox("Second preferences (%)")
        tlayout = QVBoxLayout(transfer_box)
        tlayout.addWidget(self.transfers)
        tlayout.addWidget(add_transfer)

        self.problems = plain_label()  # quotes names: as typed
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.discard_guard = DiscardGuard(self, "poll")  # Escape or Cancel with a poll typed asks first
        self.buttons.rejected.connect(self.discard_guard.cancel)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(about)
        left.addWidget(parties)
        columns.addLayout(left)
        right = QVBoxLayout()
        right.addWidget(shares)
        right.addWidget(transfer_box)
        columns.addLayout(right)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)

        # A stored figure the form cannot show exactly (more decimals than four) is kept as stored while its box
        # still shows it: opening a poll and saving it never rewrites a figure the user did not touch.
        self._given: dict[QDoubleSpinBox, float] = {}
        self._places = TYPED_DECIMALS
        self._shown_notes = ("", "")  # (the note as shown, as stored)
        if poll is not None:
            self.show_poll(poll)
        for box in (*self.first.values(), *self.second.values()):
            box.valueChanged.connect(self._on_value_changed)
        self._on_value_changed()

    def show_poll(self, poll: Poll) -> None:
        figures = [*poll.first_round.values(), *poll.second_round.values(), *poll.party_vi.values()]
        places = _decimals([*figures, *(t.share for t in poll.transfers)])
        for box in (*self.first.values(), *self.second.values(), *self.party.values()):
            box.setDecimals(places)
        self._places = places
        self._given.clear()
        self.pollster.setText(poll.pollster)
        self.client.setText(poll.client)
        self.start.setDate(_qdate(poll.fieldwork_start))
        self.end.setDate(_qdate(poll.fieldwork_end))
        self.has_published.setChecked(poll.published is not None)
        if poll.published:
            self.published.setDate(_qdate(poll.published))
        self.sample.setValue(poll.sample_size or 0)
        self.method.setCurrentText(poll.method)
        self.source.setText(poll.source_url)
        # a stored note past the limit (from before it) is shown whole, never cut unseen: Save says it is too long
        # A control stored before direction controls were refused is shown as its escape (\u202e), never obeyed
        # (the note read reordered, the control invisible, and Save refused it unseen). Saved untouched, a note is
        # kept as stored unless it holds a direction control, which the store refuses: then it keeps the escape.
        notes = controls_escaped(poll.notes, lines_ok=True)
        self._shown_notes = (notes, poll.notes)
        self.notes.setMaxLength(max(NOTES_LIMIT, len(notes)))
        self.notes.setText(notes)
        for boxes, given in (
            (self.first, poll.first_round),
            (self.second, poll.second_round),
            (self.party, poll.party_vi),
        ):
            for code, box in boxes.items():
                self._show(box, given.get(code))
        self.transfers.setRowCount(0)
        for t in poll.transfers:
            self.add_transfer(t.from_candidate, t.to_candidate, t.share)

    def add_transfer(self, from_code: str = "", to_code: str = "", share: float | None = None) -> None:
        """A row of the second-preferences table (a from candidate, a to candidate or none, a share)."""
        row = self.transfers.rowCount()
        self.transfers.insertRow(row)
        frm, to = QComboBox(), QComboBox()
        for c in self._contest.candidates:
            frm.addItem(c.name, c.code)
            to.addItem(c.name, c.code)
        to.addItem("no second preference", EXHAUSTED)
        frm.setAccessibleName("Voters of")
        to.setAccessibleName("Second preference")
        if from_code:
            frm.setCurrentIndex(max(0, frm.findData(from_code)))
        if to_code:
            to.setCurrentIndex(max(0, to.findData(to_code)))
        value = _share_box(f"transfer_{row}", "Share, as published")
        value.setDecimals(self._places)
        self._show(value, share)
        self.transfers.setCellWidget(row, 0, frm)
        self.transfers.setCellWidget(row, 1, to)
        self.transfers.setCellWidget(row, 2, value)

    def _transfer_rows(self) -> tuple[TransferObservation, ...]:
        out = []
        for row in range(self.transfers.rowCount()):
            frm, to, value = (self.transfers.cellWidget(row, c) for c in range(3))
            assert isinstance(frm, QComboBox) and isinstance(to, QComboBox) and isinstance(value, QDoubleSpinBox)
            if value.value() > BLANK:
                out.append(TransferObservation(str(frm.currentData()), str(to.currentData()), self._value(value)))
        return tuple(out)

    def _show(self, box: QDoubleSpinBox, value: float | None) -> None:
        """Put a stored figure in its box (None: not published), remembering it exactly."""
        box.setValue(BLANK if value is None else value)
        if value is not None:
            self._given[box] = value

    def _value(self, box: QDoubleSpinBox) -> float:
        """A box's figure: the stored one while the box still shows it, else the value typed."""
        given = self._given.get(box)
        typed = round(box.value(), box.decimals())
        if given is not None and typed == round(given, box.decimals()):
            return given
        return typed

    def poll(self) -> Poll:
        """The poll as entered (id kept when editing)."""

        def figures(boxes: dict[str, QDoubleSpinBox]) -> dict[str, float]:
            return {code: self._value(box) for code, box in boxes.items() if box.value() > BLANK}

        base = self._original or Poll(
            pollster="", fieldwork_start=date.today(), fieldwork_end=date.today(), sample_size=0
        )
        return replace(
            base,
            pollster=self.pollster.text().strip(),
            client=self.client.text().strip(),
            fieldwork_start=_pydate(self.start.date()),
            fieldwork_end=_pydate(self.end.date()),
            published=_pydate(self.published.date()) if self.has_published.isChecked() else None,
            sample_size=round(self.sample.value()) or None,
            method=self.method.currentText().strip(),
            source_url=self.source.text().strip(),
            notes=self._notes(),
            first_round=figures(self.first),
            second_round=figures(self.second),
            party_vi=figures(self.party),
            transfers=self._transfer_rows(),
        )

    def _notes(self) -> str:
        typed = self.notes.text().strip()
        shown, stored = self._shown_notes
        if typed == shown.strip() and not any(ch in DIRECTION_CONTROLS for ch in stored):
            return stored.strip()  # untouched: as stored (a tab or line break it holds is its own)
        return typed

    def accept(self) -> None:
        dates = [(self.start, "fieldwork_start"), (self.end, "fieldwork_end")]
        if self.has_published.isChecked():
            dates.append((self.published, "published"))
        problems = [f"{field}: {box.typed_problem}" for box, field in dates if box.typed_problem]
        problems += typed_problems(self._number_boxes())
        problems += self._check(self.poll())
        if problems:
            self.problems.setText("Cannot save yet:\n• " + "\n• ".join(problems))
            return
        super().accept()

    def _number_boxes(self) -> list[tuple[QAbstractSpinBox, str]]:
        """Each number box with the field name the poll's check gives its figure (a key it refused is named so)."""
        boxes: list[tuple[QAbstractSpinBox, str]] = [(self.sample, "sample_size")]
        for name, group in (("first", self.first), ("second", self.second), ("party", self.party)):
            boxes += [(box, f"{name}:{code}") for code, box in group.items()]
        for row in range(self.transfers.rowCount()):
            frm, to, value = (self.transfers.cellWidget(row, c) for c in range(3))
            if isinstance(frm, QComboBox) and isinstance(to, QComboBox) and isinstance(value, QAbstractSpinBox):
                boxes.append((value, f"transfer:{frm.currentData()}->{to.currentData()}"))
        return boxes

    def _on_value_changed(self) -> None:
        total = sum(b.value() for b in self.first.values() if b.value() > BLANK)
        ok = abs(total - 100) <= 3
        self.sum_label.setText(f"First round sums to {total:g} %" + ("" if ok else " — should be about 100"))
        self.sum_label.setStyleSheet("" if ok or total == 0 else "color: #b00020")
        self.sum_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
