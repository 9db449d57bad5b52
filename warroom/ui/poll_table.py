"""The poll table: a strict model over core.Poll, sortable and filterable, updated row by row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from warroom.core.types import Contest, Poll

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
POLL_ROLE = Qt.ItemDataRole.UserRole
ModelIndex = QModelIndex | QPersistentModelIndex


class PollTableModel(QAbstractTableModel):
    """Rows of core.Poll with a column per candidate. Knows nothing about the database."""

    FIXED = ("Pollster", "Client", "Fieldwork", "Published", "Sample")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._polls: list[Poll] = []
        self._contest: Contest | None = None
        self._cands: list[str] = []
        self._pair: tuple[str, str] | None = None

    # --- public ---------------------------------------------------------------------------------------------

    def set_contest(self, contest: Contest) -> None:
        self.beginResetModel()
        self._contest = contest
        self._cands = [c.code for c in contest.candidates]
        self._pair = (self._cands[0], self._cands[1]) if len(self._cands) >= 2 else None
        self._polls = []
        self.endResetModel()

    def set_pair(self, a: str, b: str) -> None:
        """The front-runner pair shown in the runoff column."""
        if self._pair != (a, b):
            self._pair = (a, b)
            col = self._runoff_column()
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, col, col)
            if self._polls:
                self.dataChanged.emit(self.index(0, col), self.index(len(self._polls) - 1, col))

    def set_polls(self, polls: Sequence[Poll]) -> None:
        self.beginResetModel()
        self._polls = list(polls)
        self.endResetModel()

    def apply(
        self, polls_by_id: dict[int, Poll], added: Sequence[int], updated: Sequence[int], removed: Sequence[int]
    ) -> None:
        """Incremental update: insert, change and remove rows without resetting (selection survives)."""
        for pid in removed:
            row = self.row_of(pid)
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._polls[row]
                self.endRemoveRows()
        for pid in updated:
            row = self.row_of(pid)
            if row is not None and pid in polls_by_id:
                self._polls[row] = polls_by_id[pid]
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        new = [polls_by_id[pid] for pid in added if pid in polls_by_id and self.row_of(pid) is None]
        if new:
            first = len(self._polls)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._polls.extend(new)
            self.endInsertRows()

    def row_of(self, poll_id: int) -> int | None:
        for i, p in enumerate(self._polls):
            if p.id == poll_id:
                return i
        return None

    def poll_at(self, row: int) -> Poll:
        return self._polls[row]

    # --- Qt overrides ---------------------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._polls)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.FIXED) + len(self._cands) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or self._contest is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(self.FIXED):
                return self.FIXED[section]
            if section == self._runoff_column():
                return f"Runoff {self._short(self._pair[0])}–{self._short(self._pair[1])}" if self._pair else "Runoff"
            return self._short(self._cands[section - len(self.FIXED)])
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == self._runoff_column():
                return "Published second-round (head-to-head) lead of the front-runner, in points"
            if section >= len(self.FIXED):
                return (
                    f"First-round share of {self._contest.candidate(self._cands[section - len(self.FIXED)]).name} (%)"
                )
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._polls):
            return None
        poll, col = self._polls[index.row()], index.column()
        if role == POLL_ROLE:
            return poll
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return self._value(poll, col, sort=role == SORT_ROLE)
        if role == Qt.ItemDataRole.ToolTipRole:
            bits = [f"{poll.pollster} for {poll.client}" if poll.client else poll.pollster]
            bits.append(
                f"fieldwork {poll.fieldwork_start:%d %b} – {poll.fieldwork_end:%d %b %Y}, n = {poll.sample_size or 'not published'}"
            )
            if poll.method:
                bits.append(poll.method)
            if poll.source_url:
                bits.append(poll.source_url)
            if poll.notes:
                bits.append(poll.notes)
            return "\n".join(bits)
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= len(self.FIXED) - 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == self._runoff_column() and self._pair:
            lead = self._lead(poll)
            if lead is not None and self._contest is not None:
                code = self._pair[0] if lead > 0 else self._pair[1]
                return QColor(self._contest.candidate(code).colour)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- private --------------------------------------------------------------------------------------------

    def _short(self, code: str) -> str:
        if code == "other" or self._contest is None:
            return code.title()
        return self._contest.candidate(code).name.split()[-1]

    def _runoff_column(self) -> int:
        return len(self.FIXED) + len(self._cands)

    def _lead(self, poll: Poll) -> float | None:
        if not self._pair:
            return None
        a, b = self._pair
        if a in poll.second_round and b in poll.second_round:
            return poll.second_round[a] - poll.second_round[b]
        return None

    def _value(self, poll: Poll, col: int, *, sort: bool) -> object:
        if col == 0:
            return poll.pollster
        if col == 1:
            return poll.client
        if col == 2:
            if sort:
                return poll.fieldwork_end.toordinal()
            if poll.fieldwork_start == poll.fieldwork_end:
                return f"{poll.fieldwork_end:%d %b %Y}"
            same_month = (poll.fieldwork_start.year, poll.fieldwork_start.month) == (
                poll.fieldwork_end.year,
                poll.fieldwork_end.month,
            )
            start = f"{poll.fieldwork_start:%d}" if same_month else f"{poll.fieldwork_start:%d %b}"
            return f"{start}–{poll.fieldwork_end:%d %b %Y}"
        if col == 3:
            if sort:
                return (poll.published or date.min).toordinal()
            return f"{poll.published:%d %b %Y}" if poll.published else ""
        if col == 4:
            if poll.sample_size is None:
                return -1 if sort else "—"
            return poll.sample_size if sort else f"{poll.sample_size:,}"
        if col == self._runoff_column():
            lead = self._lead(poll)
            if sort:
                return lead if lead is not None else float("-inf")
            return "" if lead is None else f"{lead:+g}"
        code = self._cands[col - len(self.FIXED)]
        value = poll.first_round.get(code)
        if sort:
            return value if value is not None else -1.0
        return "" if value is None else f"{value:g}"


class PollFilterProxy(QSortFilterProxyModel):
    """Sorts on raw values and filters on pollster or client text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
