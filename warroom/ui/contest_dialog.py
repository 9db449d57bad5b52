"""New contest / Edit contest: one short dialog, so a campaign sets up its race in under two minutes.

The dialog builds a core Contest and checks it with Contest.problems() as the user types; OK stays disabled
with the problems listed until there are none. Candidate codes are made from the names (and kept for existing
candidates, whose polls refer to them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QDate, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from warroom.core.colour import PALETTE  # new candidates and parties take these in turn, as in a contest file
from warroom.core.types import (
    CODE_LIMIT,
    CONTEST_TEXT_LIMITS,
    NAME_LIMIT,
    NOTES_LIMIT,
    RESERVED_CODES,
    Candidate,
    Contest,
    CountingSystem,
    ExpectedTurnout,
    Party,
    Rules,
    expected_turnout_problems,
)
from warroom.ui.qt_utils import (
    DiscardGuard,
    FormDateEdit,
    FormNumberBox,
    plain_label,
    signals_blocked,
    typed_problems,
)

CAND_COLUMNS = ("Name", "Short name", "Party code", "Colour", "Withdrawn")
PARTY_COLUMNS = ("Code", "Name", "Colour")


def code_for(name: str, taken: set[str]) -> str:
    """A candidate code from a name: the surname in lower-case ASCII, made unique ("smith", "smith2")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = re.findall(r"[a-z0-9]+", plain)
    base = words[-1] if words else "candidate"
    if base in RESERVED_CODES:  # "Ivy None" is no "none": the form shows no code the user could change
        base = f"{base}_candidate"
    folded = {t.casefold() for t in taken}  # Contest.problems compares codes case-folded ("SMITH" from a file)
    code, n = base, 2
    while code in folded:
        code, n = f"{base}{n}", n + 1
    return code


class LimitedCells(QStyledItemDelegate):
    """A table's cell editors stop at the store's length for their column, as a QLineEdit's maxLength does: a
    5,000-character name was taken as typed and refused by the store only on OK."""

    def __init__(self, limits: dict[int, int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._limits = limits

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = super().createEditor(parent, option, index)
        most = self._limits.get(index.column())
        if most is not None and isinstance(editor, QLineEdit):
            editor.setMaxLength(most)
        return editor


RUNOFF_AFTER = timedelta(days=14)
"""A second round's default distance from the first: two weeks, as in France (presidential and legislative) and
most two-round systems; the user sets another."""


def default_election(today: date) -> date:
    """A new contest's proposed election: next year's 6 May, held to the last day whose second round
    (RUNOFF_AFTER later) the calendar still has. A clock set to 9999 made next year 10000: "year 10000 is out of
    range", and File > New contest never opened."""
    latest = date.max - RUNOFF_AFTER
    return latest if today.year >= latest.year else min(date(today.year + 1, 5, 6), latest)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class ContestDialog(QDialog):
    """Create or edit a contest.

    Args:
        existing: the contest to edit (None: a new one).
        taken_names: names of the other contests in the store (a name must be unique).
        locked_codes: candidate codes that have polls (they cannot be removed, only withdrawn).
        parent: the window.
    """

    def __init__(
        self,
        existing: Contest | None = None,
        taken_names: Sequence[str] = (),
        locked_codes: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit contest" if existing else "New contest")
        self.setObjectName("contest_dialog")
        self._existing = existing
        self._taken = {n.strip().casefold() for n in taken_names if not existing or n != existing.name}
        # Only candidates can be removed: a poll's grouped "other" figure or "no second preference" row is no
        # candidate, and naming it here would be a problem nobody could fix (OK disabled for good).
        self._locked = set(locked_codes) & {c.code for c in existing.candidates} if existing else set()
        self._codes: list[str] = []  # the code of each candidate row (kept for existing candidates)

        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Cumbria Mayor 2027")
        self.name.setAccessibleName("Contest name")
        self.office = QLineEdit()
        self.office.setPlaceholderText("e.g. Mayor of Cumbria")
        self.area = QLineEdit()
        self.area.setPlaceholderText("e.g. Cumbria Combined Authority")
        for box, key in ((self.name, "name"), (self.office, "office"), (self.area, "area")):
            box.setMaxLength(CONTEST_TEXT_LIMITS[key])  # the store's size: typing stops there
        self.system = QComboBox()
        self.system.setAccessibleName("Counting system")
        for s in CountingSystem:
            self.system.addItem(s.label, s)
        self.election = FormDateEdit()
        self.election.setAccessibleName("Election date")
        self.second = FormDateEdit()
        self.second.setAccessibleName("Second-round date")
        self.second.setToolTip("The runoff's polling day, for a two-round system (France: two weeks later)")

        # A two-round race's expected first round (Contest.expected): what a first round read from its polls stands
        # on until an official one is stored. "not set" (0) in all three: none, and the runoff panel says so.
        self.expected_turnout = FormNumberBox("not set", decimals=2)
        self.expected_turnout.setAccessibleName("Expected turnout, % of registered voters")
        self.expected_turnout.setToolTip("Expected first-round turnout: votes cast, % of registered voters")
        self.expected_blank_null = FormNumberBox("not set", decimals=2)
        self.expected_blank_null.setAccessibleName("Expected blank or null votes, % of votes cast")
        self.expected_blank_null.setToolTip("Expected blank and null votes in the first round, % of votes cast")
        self.expected_registered = FormNumberBox("not set")
        self.expected_registered.setGroupSeparatorShown(True)
        self.expected_registered.setAccessibleName("Registered voters")
        self.expected_registered.setToolTip("Registered voters: the electorate the runoff's vote counts are of")
        self._expected_boxes = (
            (self.expected_turnout, "expected_turnout"),
            (self.expected_blank_null, "expected_blank_null"),
            (self.expected_registered, "registered"),
        )
        expected_row = QHBoxLayout()
        for label, figure in (
            ("% turnout", self.expected_turnout),  # (the % beside, not a suffix: "not set %" read oddly)
            ("% blank or null", self.expected_blank_null),
            ("registered voters", self.expected_registered),
        ):
            # (the box's typing range, ±10^15, made each as wide as fifteen digits: the form grew past 900 px)
            figure.setMinimumWidth(figure.fontMetrics().horizontalAdvance("000,000,000,000"))
            figure.setMaximumWidth(figure.minimumWidth())
            expected_row.addWidget(figure)
            expected_row.addWidget(QLabel(label))
        expected_row.addStretch(1)
        self.expected_row = QWidget()
        self.expected_row.setObjectName("expected_first_round")
        self.expected_row.setToolTip(
            "A two-round race without an official first round yet: its runoff is projected from the poll average "
            "with these figures (nothing is counted until they are set)"
        )
        expected_row.setContentsMargins(0, 0, 0, 0)
        self.expected_row.setLayout(expected_row)

        # Rules: the system's usual ones, editable.
        # The rule fields hold any number typed (`FormNumberBox`), for Rules to refuse one out of range naming it:
        # Qt refused the key past an end and kept the rest ("101" was a majority of 10 %, "-1" one preference).
        self.majority = FormNumberBox(decimals=1)
        self.majority.setSuffix(" %")
        self.majority.setToolTip("Share of valid votes a candidate must exceed to win in the first round")
        self.preferences = FormNumberBox("all")
        self.preferences.setToolTip("How many preferences count (Supplementary Vote: 2; 'all': every ranking)")
        self.finalists = QComboBox()
        self.finalists.addItem("Top two go to the final round", "top_two")
        self.finalists.addItem("Everyone over a threshold (or the top two)", "threshold")
        self.finalists.addItem("Eliminate the last, round by round", "elimination")
        self.threshold = FormNumberBox(decimals=1)
        self.threshold.setSuffix(" % of registered")
        self.threshold.setToolTip("French legislative seats: 12.5 % of registered voters qualify for the runoff")
        self.ballots = QComboBox()
        self.ballots.setAccessibleName("Ballot completion")
        self.ballots.addItem("Optional preferential: rank as many as you like", False)
        self.ballots.addItem("Full preferential: every candidate must be numbered", True)
        self.ballots.setToolTip(
            "Instant runoff only. Optional preferential (New York, Alaska, Maine, NSW): a ballot whose rankings "
            "run out exhausts. Full preferential (Australian House of Representatives): a ballot that does not "
            "number every candidate (all but the last) is informal, so no counted ballot ever exhausts."
        )
        rules = QGroupBox("Counting rules")
        rules.setCheckable(True)
        rules.setChecked(False)
        rules.setToolTip("Tick to change the system's usual rules")
        self.rules_box = rules
        # The fields show while the box is ticked: greyed out, they took 150 px of a 1366x768 laptop's height
        # and left the candidates' table two rows high (seven candidates to scroll through in it)
        self.rules_fields = QWidget()
        self.rules_fields.setObjectName("rules_fields")
        QVBoxLayout(rules).addWidget(self.rules_fields)
        rules.toggled.connect(self.rules_fields.setVisible)
        self.rules_fields.setVisible(False)
        rform = QFormLayout(self.rules_fields)
        rform.setContentsMargins(0, 0, 0, 0)
        rform.addRow("Majority to win outright", self.majority)
        rform.addRow("Preferences counted", self.preferences)
        rform.addRow("Final round", self.finalists)
        rform.addRow("Qualifying threshold", self.threshold)
        rform.addRow("&Ballots", self.ballots)

        self.candidates = QTableWidget(0, len(CAND_COLUMNS))
        self.candidates.setObjectName("candidates_table")
        self.candidates.setAccessibleName("Candidates")
        self.candidates.setHorizontalHeaderLabels(list(CAND_COLUMNS))
        self.candidates.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.candidates.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.candidates.cellDoubleClicked.connect(self._on_cell_double_clicked)
        self.candidates.setItemDelegate(LimitedCells({0: NAME_LIMIT, 1: NAME_LIMIT, 2: CODE_LIMIT}, self.candidates))
        add = QPushButton("&Add candidate")
        add.clicked.connect(lambda: self.add_candidate("", ""))
        remove = QPushButton("&Remove candidate")
        remove.setToolTip("A candidate with polls cannot be removed: tick Withdrawn instead")
        remove.clicked.connect(self._remove_selected)
        cbuttons = QHBoxLayout()
        cbuttons.addWidget(add)
        cbuttons.addWidget(remove)
        cbuttons.addStretch(1)

        self.parties = QTableWidget(0, len(PARTY_COLUMNS))
        self.parties.setObjectName("parties_table")
        self.parties.setAccessibleName("Parties")
        self.parties.setHorizontalHeaderLabels(list(PARTY_COLUMNS))
        self.parties.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.parties.cellDoubleClicked.connect(self._on_party_double_clicked)
        self.parties.setItemDelegate(LimitedCells({0: CODE_LIMIT, 1: NAME_LIMIT}, self.parties))
        self.parties.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add_party = QPushButton("Add &party")
        add_party.clicked.connect(lambda: self.add_party("", ""))
        # (a party added by mistake could only be emptied cell by cell: its row then silently left out)
        remove_party = QPushButton("Remo&ve party")
        remove_party.setObjectName("remove_party")
        remove_party.setToolTip("A party with voting-intention figures in polls cannot be removed")
        remove_party.clicked.connect(self._remove_selected_parties)
        pbuttons = QHBoxLayout()
        pbuttons.addWidget(add_party)
        pbuttons.addWidget(remove_party)
        pbuttons.addStretch(1)

        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Notes (sources, boundary changes, anything the team should know)")
        self.notes.setFixedHeight(60)
        # a stored note longer than the limit (from before it) is shown whole, never cut unseen: OK waits for it
        self._notes_most = max(NOTES_LIMIT, len(existing.notes) if existing else 0)
        self.notes.textChanged.connect(self._on_notes_changed)  # (before _refresh: it sees the notes cut)
        self.problem_label = plain_label()  # quotes names: as typed
        self.problem_label.setObjectName("contest_problems")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #B00020")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.discard_guard = DiscardGuard(self, "contest")  # Escape or Cancel with a contest typed asks first
        self.buttons.rejected.connect(self.discard_guard.cancel)

        form = self._form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("Office", self.office)
        form.addRow("Area", self.area)
        form.addRow("&System", self.system)
        form.addRow("&Election date", self.election)
        form.addRow("Second round", self.second)
        form.addRow("Expected first round", self.expected_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Candidates</b> (double-click a colour to pick one)"))
        layout.addWidget(self.candidates, 2)
        layout.addLayout(cbuttons)
        layout.addWidget(QLabel("<b>Parties</b> (their codes link candidates to party voting intention)"))
        layout.addWidget(self.parties, 1)
        layout.addLayout(pbuttons)
        layout.addWidget(rules)
        layout.addWidget(self.notes)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(760, 720)

        # The second round follows the first (RUNOFF_AFTER later) until the user sets its date: switching a race to
        # two rounds left it on the first round's own day, a problem the user had to find and fix.
        self._second_follows = existing is None or existing.second_round_date is None
        self._load(existing)
        self.election.dateChanged.connect(self._on_election_changed)
        self.second.dateChanged.connect(self._on_second_changed)
        for signal in (
            self.name.textChanged,
            self.office.textChanged,
            self.area.textChanged,
            self.election.dateChanged,
            self.second.dateChanged,
            self.election.typed_problem_changed,
            self.second.typed_problem_changed,
            self.majority.typed_problem_changed,
            self.preferences.typed_problem_changed,
            self.threshold.typed_problem_changed,
            *(box.typed_problem_changed for box, _ in self._expected_boxes),
            *(box.valueChanged for box, _ in self._expected_boxes),
            self.candidates.itemChanged,
            self.parties.itemChanged,
            self.notes.textChanged,
            self.majority.valueChanged,
            self.preferences.valueChanged,
            self.finalists.currentIndexChanged,
            self.threshold.valueChanged,
            self.ballots.currentIndexChanged,
            self.rules_box.toggled,
        ):
            signal.connect(self._refresh)
        self.system.currentIndexChanged.connect(self._on_system_changed)
        self._refresh()

    # --- public ------------------------------------------------------------------------------------------------

    def add_candidate(self, name: str, party: str, colour: str = "", short: str = "", withdrawn: bool = False) -> None:
        """Append a candidate row (the code is made when the contest is built)."""
        row = self.candidates.rowCount()
        self.candidates.blockSignals(True)
        self.candidates.insertRow(row)
        colour = colour or PALETTE[row % len(PALETTE)]
        for col, text in enumerate((name, short, party, colour)):
            self.candidates.setItem(row, col, QTableWidgetItem(text))
        self._paint_swatch(self.candidates.item(row, 3))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        check.setCheckState(Qt.CheckState.Checked if withdrawn else Qt.CheckState.Unchecked)
        self.candidates.setItem(row, 4, check)
        self.candidates.blockSignals(False)
        self._codes.append("")
        self._refresh()

    def add_party(self, code: str, name: str, colour: str = "") -> None:
        """Append a party row."""
        row = self.parties.rowCount()
        self.parties.blockSignals(True)
        self.parties.insertRow(row)
        for col, text in enumerate((code, name, colour or PALETTE[row % len(PALETTE)])):
            self.parties.setItem(row, col, QTableWidgetItem(text))
        self._paint_swatch(self.parties.item(row, 2))
        self.parties.blockSignals(False)
        self._refresh()

    def contest(self) -> Contest:
        """The contest as typed (check `problems()` before storing it)."""
        parties = []
        for r in range(self.parties.rowCount()):
            code, name, colour = (self._text(self.parties, r, c) for c in range(3))
            if code or name:
                parties.append(Party(code, name or code, colour))
        candidates = []
        # A new candidate never takes a code this contest had or its polls use: the store matches candidates by
        # code, so a removed candidate's polls, result and saved splits would silently become the newcomer's.
        taken = {c for c in self._codes if c} | self._locked
        if self._existing is not None:
            taken |= {c.code for c in self._existing.candidates}
        for r in range(self.candidates.rowCount()):
            name, short, party, colour = (self._text(self.candidates, r, c) for c in range(4))
            if not name:
                continue
            code = self._codes[r]
            if not code:
                code = code_for(name, taken)
                taken.add(code)
            check = self.candidates.item(r, 4)
            withdrawn = check is not None and check.checkState() == Qt.CheckState.Checked
            candidates.append(Candidate(code, name, party or None, colour, short, withdrawn))
        system = CountingSystem(self.system.currentData())
        rules, _problem = self._rules()
        base = self._existing
        expected, _problems = self._expected() if system == CountingSystem.TWO_ROUND else (None, [])
        return Contest(
            name=self.name.text().strip(),
            election_date=_pydate(self.election.date()),
            system=system,
            candidates=tuple(candidates),
            parties=tuple(parties),
            id=base.id if base else None,
            office=self.office.text().strip(),
            area=self.area.text().strip(),
            second_round_date=_pydate(self.second.date()) if system == CountingSystem.TWO_ROUND else None,
            rules=rules,
            notes=self.notes.toPlainText().strip(),
            demo=base.demo if base else False,
            # (no field of the form: the past count chosen with File > Transfer priors is kept, not cleared)
            transfer_prior=base.transfer_prior if base else "",
            expected=expected,
        )

    def problems(self) -> list[str]:
        """Everything that stops the contest being stored, in words."""
        out = []
        contest = self.contest()
        if contest.name.strip().casefold() in self._taken:
            out.append(f"name: another contest is already called {contest.name!r}")
        before = self._existing
        # codes the race already has: the rules on a code's shape made since do not lock its edit (Contest.problems)
        out += contest.problems(kept=before.candidate_codes + tuple(q.code for q in before.parties) if before else ())
        for box, field in ((self.election, "election_date"), (self.second, "second_round_date")):
            if box.typed_problem and (box is self.election or contest.system == CountingSystem.TWO_ROUND):
                out.append(f"{field}: {box.typed_problem}")
        problem = self._rules()[1]
        if problem:
            out.append(f"rules: {problem}")
        if contest.system == CountingSystem.TWO_ROUND:
            out += typed_problems(self._expected_boxes) or self._expected()[1]
        if self.rules_box.isChecked():
            boxes = ((self.majority, "majority"), (self.preferences, "preferences"), (self.threshold, "threshold"))
            out += typed_problems((box, f"rules: {field}") for box, field in boxes)  # (only those enabled)
        kept = {c.code for c in contest.candidates}
        # A stored candidate's row with its name emptied is no removal (only Remove candidate removes one): left
        # out of the contest, they were deleted from the store on OK without a word.
        unnamed = {code: r for r, code in enumerate(self._codes) if code and not self._text(self.candidates, r, 0)}
        for code, r in unnamed.items():
            out.append(f"candidates: row {r + 1} ({code}) has no name: type one, or use Remove candidate")
        gone = sorted(self._locked - kept - unnamed.keys())
        if gone:
            out.append(f"candidates: {', '.join(gone)} have polls and cannot be removed: tick Withdrawn instead")
        return out

    # --- private -------------------------------------------------------------------------------------------

    def _rules(self) -> tuple[Rules | None, str]:
        """The typed rules (None: the system's usual ones) and what is wrong with them ("" if nothing)."""
        if not self.rules_box.isChecked():
            return None, ""
        finalists = str(self.finalists.currentData())
        try:
            return (
                Rules(
                    majority=self.majority.value(),
                    preferences=round(self.preferences.value()) or None,
                    finalists=finalists,
                    qualify_threshold=self.threshold.value() if finalists == "threshold" else None,
                    full_preferential=self._full_preferential(),
                ),
                "",
            )
        except ValueError as exc:
            return None, str(exc)

    def _expected(self) -> tuple[ExpectedTurnout | None, list[str]]:
        """The typed expected first round (None: not set) and what is wrong with it (each naming its field).

        A figure left as shown keeps the stored one it shows (France 2022's 73.694 % turnout shows as 73.69 %): an
        edit of the race's name did not change its turnout."""
        stored = self._existing.expected if self._existing is not None else None
        values: list[float] = []
        for (box, _field), kept in zip(
            self._expected_boxes, stored.columns() if stored else (None, None, None), strict=True
        ):
            value = box.value()
            values.append(kept if kept is not None and box.textFromValue(kept) == box.textFromValue(value) else value)
        if not any(values):
            return None, []
        if not all(values):
            unset = [field for (_box, field), v in zip(self._expected_boxes, values, strict=True) if not v]
            return None, [
                f"{unset[0]}: not set: a two-round race's expected first round takes its turnout, blank or null "
                "rate and registered voters together (or leave all three not set)"
            ]
        problems = expected_turnout_problems(*values)
        return (None if problems else ExpectedTurnout(*values)), problems  # type: ignore[arg-type]

    def _full_preferential(self) -> bool:
        return self.finalists.currentData() == "elimination" and bool(self.ballots.currentData())

    def _load(self, contest: Contest | None) -> None:
        if contest is None:
            election = default_election(date.today())
            self.election.setDate(_qdate(election))
            self.second.setDate(_qdate(election + RUNOFF_AFTER))
            self._set_rules(Rules.default_for(CountingSystem.SV))
            for _ in range(2):
                self.add_candidate("", "")
            return
        self.name.setText(contest.name)
        self.office.setText(contest.office)
        self.area.setText(contest.area)
        self.system.setCurrentIndex(self.system.findData(contest.system))
        self.election.setDate(_qdate(contest.election_date))
        self.second.setDate(_qdate(contest.second_round_date or contest.election_date + RUNOFF_AFTER))
        self.notes.setPlainText(contest.notes)
        for p in contest.parties:
            self.add_party(p.code, p.name, p.colour)
        for c in contest.candidates:
            self.add_candidate(c.name, c.party or "", c.colour, c.short_name, c.withdrawn)
            self._codes[-1] = c.code
        self._set_rules(contest.counting_rules)
        self.rules_box.setChecked(contest.rules is not None)
        for (box, _field), value in zip(
            self._expected_boxes, contest.expected.columns() if contest.expected else (0, 0, 0), strict=True
        ):
            box.setValue(value)

    def _set_rules(self, rules: Rules) -> None:
        self.majority.setValue(rules.majority)
        self.preferences.setValue(rules.preferences or 0)
        self.finalists.setCurrentIndex(self.finalists.findData(rules.finalists))
        self.threshold.setValue(rules.qualify_threshold or 0.0)
        self.ballots.setCurrentIndex(self.ballots.findData(rules.full_preferential))

    def _on_notes_changed(self) -> None:
        """Notes stop at NOTES_LIMIT as a line's maxLength stops it: a longer paste is cut there."""
        text = self.notes.toPlainText()
        if len(text) <= self._notes_most:
            return
        at = min(self.notes.textCursor().position(), self._notes_most)
        self.notes.setPlainText(text[: self._notes_most])
        cursor = self.notes.textCursor()
        cursor.setPosition(at)
        self.notes.setTextCursor(cursor)

    def _on_election_changed(self, day: QDate) -> None:
        if self._second_follows:
            with signals_blocked(self.second):  # (not the user's setting: it keeps following)
                self.second.setDate(day.addDays(RUNOFF_AFTER.days))

    def _on_second_changed(self, _day: QDate) -> None:
        self._second_follows = False  # the user's date: kept, and a problem if it is not after the first round

    def _on_system_changed(self, _index: int) -> None:
        system = CountingSystem(self.system.currentData())
        if not self.rules_box.isChecked():
            self._set_rules(Rules.default_for(system))
        self._refresh()

    def _refresh(self, *_args: object) -> None:
        system = CountingSystem(self.system.currentData())
        self.second.setEnabled(system == CountingSystem.TWO_ROUND)
        # Shown for a two-round race only: a row more cost the candidates' table its fifth row on a 768-high laptop
        self._form.setRowVisible(self.expected_row, system == CountingSystem.TWO_ROUND)
        self.expected_row.setEnabled(system == CountingSystem.TWO_ROUND)
        self.threshold.setEnabled(self.finalists.currentData() == "threshold")
        elimination = self.finalists.currentData() == "elimination"
        self.ballots.setEnabled(elimination)
        full = self._full_preferential()
        if full and self.preferences.value():
            with signals_blocked(self.preferences):  # a full-preferential paper numbers everyone
                self.preferences.setValue(0)
        self.preferences.setEnabled(not full)
        self.preferences.setToolTip(
            "Full preferential voting counts every preference: choose Optional preferential to limit them"
            if full
            else "How many preferences count (Supplementary Vote: 2; 'all': every ranking)"
        )
        problems = self.problems()
        self.problem_label.setText(
            "\n".join(problems[:6]) + (f"\n… and {len(problems) - 6} more" if len(problems) > 6 else "")
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problems)
        ok.setToolTip("" if not problems else "Fix the problems listed first")

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.candidates.selectedIndexes()}, reverse=True)
        for r in rows:
            self.candidates.removeRow(r)
            del self._codes[r]
        self._refresh()

    def _remove_selected_parties(self) -> None:
        for r in sorted({i.row() for i in self.parties.selectedIndexes()}, reverse=True):
            self.parties.removeRow(r)
        self._refresh()

    @staticmethod
    def _text(table: QTableWidget, row: int, col: int) -> str:
        item = table.item(row, col)
        return item.text().strip() if item is not None else ""

    @staticmethod
    def _paint_swatch(item: QTableWidgetItem | None) -> None:
        if item is not None and QColor(item.text()).isValid():
            item.setBackground(QColor(item.text()))
            light = QColor(item.text()).lightness() > 140
            item.setForeground(QColor("#000000" if light else "#FFFFFF"))

    def _pick_colour(self, table: QTableWidget, row: int, col: int) -> None:
        item = table.item(row, col)
        if item is None:
            return
        colour = QColorDialog.getColor(QColor(item.text()), self, "Colour")
        if colour.isValid():
            item.setText(colour.name().upper())
            self._paint_swatch(item)

    def _on_cell_double_clicked(self, row: int, col: int) -> None:
        if col == 3:
            self._pick_colour(self.candidates, row, col)

    def _on_party_double_clicked(self, row: int, col: int) -> None:
        if col == 2:
            self._pick_colour(self.parties, row, col)
