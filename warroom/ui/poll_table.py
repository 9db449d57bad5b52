"""The poll table: a strict model over core.Poll, sortable and filterable, updated row by row.

Built for 100,000 polls. Qt asks a model the same questions over and over (opening a window over 10,000 polls
called columnCount 492,000 times, issue 15), and every question is a call from C++ into Python, so:
- the counts are plain integers kept up to date, and index() answers without asking them;
- a row's display strings are made once, in one call, the first time any of them is shown, and kept until
  the poll or the contest changes; a column's sort keys are made once, as one list, and kept up to date;
- sorting and filtering happen in Python over those lists (_PollOrder, between the model and the proxy): a
  sort is one sorted() call where QSortFilterProxyModel would call into Python three times per comparison;
- the proxy answers a delegate's eight roles for a cell in one multiData() call instead of eight data() calls.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget

from warroom.core.colour import readable
from warroom.core.csvformat import escape_cell, figure_text
from warroom.core.types import Contest, Poll, bidi_isolated, controls_escaped
from warroom.ui.glyphs import drawable
from warroom.ui.qt_utils import NAME_IN_TITLE, elide_middle, literal_tip

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
POLL_ROLE = Qt.ItemDataRole.UserRole
ModelIndex = QModelIndex | QPersistentModelIndex

# Roles as plain ints: data() is called hundreds of thousands of times, and comparing ints is the cheap test.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_SORT = int(SORT_ROLE)
_POLL = int(POLL_ROLE)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _ALIGN, _FOREGROUND, _SORT, _POLL))  # every other role: None at once
_NO_INDEX = QModelIndex()
FIELDWORK_COLUMN = 2
"""The poll table's fieldwork column (PollTableModel.FIXED), which sorts by the fieldwork's end day."""
BULK_INSERT = 64
"""More rows than this added at once (an import) are merged into the order in one pass (_PollOrder._insert_bulk)
instead of being placed one by one."""
FEW_HELD = 64
"""Up to this many rows held by the views (selected, current) are found by bisection after a layout change; more
through a map of every shown row."""
FEW_CHANGED = 16
"""Up to this many changed rows (an edit) are moved to their places one by one; more are re-sorted at once."""


def row_runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Rows as runs of neighbours (first, last), the last run first: each removed in one go, a later run's removal
    leaving the earlier runs' row numbers as they were.

    >>> row_runs([7, 2, 3, 9, 8, 4])
    [(7, 9), (2, 4)]
    """
    # in numpy, not a Python loop over the rows: a select all + Delete of 100,000 polls gave it 100,000 rows twice
    # (the model's and its sorting layer's), 0.1 s of the window's thread each
    ordered = np.asarray(rows if isinstance(rows, list | np.ndarray) else list(rows), dtype=np.int64)
    if not ordered.size:
        return []
    if not (ordered[1:] > ordered[:-1]).all():  # (rows found by a pass over the rows come in order already)
        ordered = np.unique(ordered)
    cut = np.flatnonzero(np.diff(ordered) != 1) + 1
    firsts = ordered[np.concatenate(([0], cut))]
    lasts = ordered[np.concatenate((cut - 1, [ordered.size - 1]))]
    return list(zip(firsts[::-1].tolist(), lasts[::-1].tolist(), strict=True))


def _same_figures(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """The same question's figures (NoticeRows hands each choice's rows the very dicts it keeps; empty is empty)."""
    return a is b or (not a and not b)


class PollTableModel(QAbstractTableModel):
    """Rows of core.Poll with a column per candidate. Knows nothing about the database."""

    FIXED = ("Pollster", "Client", "Fieldwork", "Published", "Sample")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._polls: list[Poll] = []
        self._contest: Contest | None = None
        self._cands: list[str] = []
        self._pair: tuple[str, str] | None = None
        self._nrows = 0
        self._ncols = len(self.FIXED) + 1
        self._runoff = len(self.FIXED)
        self._texts: list[tuple[str, ...] | None] = []  # display strings of each row, made on first request
        self._keys: dict[int, list[Any]] = {}  # sort keys of a column, one per row, made on first sort
        self._ranks: dict[int, np.ndarray] = {}  # the same as numbers numpy sorts on (sort_ranks), made from _keys
        self._id_rows: np.ndarray | None = None  # each row's poll id (-1: a notice), made on first need
        self._top_id: int | None = None  # at least the highest id of a row (None: not known yet)
        # A two-round contest's poll notices (core.two_round_view.NoticeRows): rows with no store id, shown after
        # the stored polls, read-only. Their rows, found again when the chosen question changes.
        self._notices: tuple[Poll, ...] = ()
        self._pages: tuple[str, ...] = ("#ffffff",)  # the view's row colours, which a leader's colour must read on
        self._inks: dict[str, QColor] = {}  # a candidate's colour made readable on them (core.colour.readable)
        self._notice_at: list[int] | None = None
        # The rows a delete of every row took, kept whole (with their texts, sort keys and ids) for its Undo, which
        # puts the very polls back: _drop_all, _put_back. Dropped by any other change of the rows or columns.
        self._gone: _GoneRows | None = None
        self.reset_kind = ""
        """While a reset is told: "drop" (every row deleted), "restore" (the very rows a drop took, put back), ""
        (any other: rows replaced). The sorting layer keeps its order through a drop and its restore, and the
        window keeps its column widths."""

    # --- public ---------------------------------------------------------------------------------------------

    @property
    def contest(self) -> Contest | None:
        """The contest whose polls are shown (None before the first)."""
        return self._contest

    def set_contest(self, contest: Contest) -> None:
        """The contest whose polls are shown (its rows follow in set_polls). The same race with other names or
        colours only (Contest.counts_as: a rename or a recolour) keeps its columns and rows: the headers and the
        lead's colours are drawn again, and the sort, filter, selection and scroll position stay (a reset of
        100,000 rows took 0.2-0.3 s of the edit's turn)."""
        old = self._contest
        if old is not None and old.counts_as(contest) and not self._notices:
            self._contest = contest
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self._ncols - 1)
            if self._nrows and [c.colour for c in old.candidates] != [c.colour for c in contest.candidates]:
                self.dataChanged.emit(
                    self.index(0, self._runoff),
                    self.index(self._nrows - 1, self._runoff),
                    [Qt.ItemDataRole.ForegroundRole],
                )
            return
        self.beginResetModel()
        self._contest = contest
        self._cands = [c.code for c in contest.candidates]
        self._pair = (self._cands[0], self._cands[1]) if len(self._cands) >= 2 else None
        self._ncols = len(self.FIXED) + len(self._cands) + 1
        self._runoff = len(self.FIXED) + len(self._cands)
        self._notices = ()
        self._replace_polls([])
        self.endResetModel()

    def clear_contest(self) -> None:
        """No race is open (the store's last one deleted): no rows, and no column of the race last shown's
        candidates (its header named them still); the plain columns stay, as before the first race."""
        self.beginResetModel()
        self._contest = None
        self._cands, self._pair = [], None
        self._ncols = len(self.FIXED) + 1
        self._runoff = len(self.FIXED)
        self._notices = ()
        self._replace_polls([])
        self.endResetModel()

    def set_pair(self, a: str, b: str) -> None:
        """The front-runner pair shown in the runoff column."""
        if self._pair != (a, b):
            self._pair = (a, b)
            self._gone = None  # (its runoff texts and keys are the old pair's)
            self._texts = [None] * self._nrows  # the runoff cell of every row changes
            self._keys.pop(self._runoff, None)
            self._ranks.clear()
            col = self._runoff
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, col, col)
            if self._polls:
                self.dataChanged.emit(self.index(0, col), self.index(self._nrows - 1, col))

    def set_polls(self, polls: Sequence[Poll], *, fieldwork_days: Sequence[int] | None = None) -> None:
        """The stored polls (the poll notices set by set_notices stay, after them). The rows' ids, which an
        incremental change looks rows up in, are gathered on the next event-loop turn (at 100,000 polls that took
        10-20 ms of the first added poll's turn). The very polls shown already, in the same order, change nothing.

        Args:
            fieldwork_days: each poll's fieldwork end as a day number (date.toordinal), where the caller holds them
                (the poll service keeps them with its order): the table, sorted by fieldwork, does not read every
                poll's date again in the turn its rows land (100,000 polls: 30-70 ms of a big race's landing turn).
        """
        if len(polls) + len(self._notices) == self._nrows and all(map(operator.is_, polls, self._polls)):
            return
        self.beginResetModel()
        self._replace_polls([*polls, *self._notices])
        if fieldwork_days is not None and len(fieldwork_days) == len(polls) and not self._notices:
            self._keys[FIELDWORK_COLUMN] = list(fieldwork_days)
        self.endResetModel()
        if self._nrows > BULK_INSERT:
            QTimer.singleShot(0, self, self._warm_ids)

    def set_notices(self, rows: Sequence[Poll]) -> None:
        """A two-round contest's poll notices as rows (no store id; see core.two_round_view.NoticeRows), shown
        after the stored polls. Another question of the same notices (as many rows) is shown in place: one
        dataChanged, so the sort, filter, selection and scroll position stay; anything else resets the table."""
        rows = tuple(rows)
        if rows is self._notices:  # the same choice again (the rows of each choice are kept, the very tuple)
            return
        self._gone = None
        at = self._notice_rows()
        if rows and len(at) == len(rows):
            first = runoff = False  # whether any row's first-round or runoff figures are others
            # The sort keys of the columns a question can change (the pollster, dates and sample stay).
            keyed = [(column, keys) for column, keys in self._keys.items() if column >= len(self.FIXED)]
            self._ranks.clear()
            for row, poll in zip(at, rows, strict=True):
                old = self._polls[row]
                first = first or not _same_figures(old.first_round, poll.first_round)
                runoff = runoff or not _same_figures(old.second_round, poll.second_round)
                self._polls[row] = poll
                self._texts[row] = None
                for column, keys in keyed:
                    keys[row] = self._value(poll, column, sort=True)
            self._notices = rows
            # Only the share and runoff columns change (the notices' pollsters and dates stay): a change that
            # spans the sort column (fieldwork, by default) would re-sort the table and make the header measure
            # every column again (1,800 cells, 50 ms a switch). Of those, only the columns whose figures changed
            # are named, so the view repaints them alone: another matchup, the runoff column; another list, the
            # share columns (benchmarks/bench_two_round_switch.py).
            if first:
                self.dataChanged.emit(self.index(at[0], len(self.FIXED)), self.index(at[-1], self._runoff - 1))
            if runoff:
                self.dataChanged.emit(self.index(at[0], self._runoff), self.index(at[-1], self._runoff))
            return
        self.beginResetModel()
        stored = [p for p in self._polls if p.id is not None]
        self._notices = rows
        self._replace_polls([*stored, *rows])
        self.endResetModel()

    def notice_count(self) -> int:
        """How many rows are poll notices (not stored polls)."""
        return len(self._notices)

    @staticmethod
    def is_notice(poll: Poll) -> bool:
        """Whether a row is a two-round poll notice (read-only here) rather than a stored poll."""
        return poll.id is None

    def apply(
        self, polls_by_id: Mapping[int, Poll], added: Sequence[int], updated: Sequence[int], removed: Sequence[int]
    ) -> None:
        """Incremental update: insert, change and remove rows without resetting (selection survives). Two
        changes are a reset instead, where nothing is selected after them either way: a delete of every row (it
        keeps the rows whole, _drop_all) and the undo of it putting back those very polls (_put_back)."""
        if removed and not added and not updated and self._drops_every_row(polls_by_id, removed):
            self._drop_all()
            return
        gone, self._gone = self._gone, None
        if gone is not None and not removed and not updated and self._puts_back(gone, polls_by_id, added):
            self._put_back(gone)
            return
        # Removed rows go in runs of neighbours, each told to the views once: row by row, every view and the
        # sort/filter proxy renumbered all the rows after each one (undoing a 1,000-poll import froze the window
        # for seconds at 10,000 polls, deleting 10,000 selected polls for minutes: benchmarks/bench_menu_stalls.py).
        self._ranks.clear()  # (made again from the kept keys when next sorted on)
        for first, last in row_runs(self._rows_of(removed)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._polls[first : last + 1]
            del self._texts[first : last + 1]
            for keys in self._keys.values():
                del keys[first : last + 1]
            self._nrows -= last - first + 1
            if self._id_rows is not None:
                self._id_rows = np.delete(self._id_rows, np.s_[first : last + 1])
            self._notice_at = None
            self.endRemoveRows()
        for pid in updated:
            row = self.row_of(pid)
            if row is not None and pid in polls_by_id:
                poll = self._polls[row] = polls_by_id[pid]
                self._texts[row] = None
                for column, keys in self._keys.items():
                    keys[row] = self._value(poll, column, sort=True)
                self.dataChanged.emit(self.index(row, 0), self.index(row, self._ncols - 1))
        new, new_ids = self._not_held([pid for pid in dict.fromkeys(added) if pid in polls_by_id], polls_by_id)
        if new:
            first = self._nrows
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._polls.extend(new)
            self._texts.extend([None] * len(new))
            if len(new) > first:
                # more new rows than kept (the undo of a delete of them all): the keys of a column are made again,
                # for all the rows at once, when it is next sorted on, not for every column kept now
                self._keys = {}
            for column, keys in self._keys.items():
                keys.extend(self._sort_values(new, column))
            self._nrows += len(new)
            if self._id_rows is not None:
                self._id_rows = np.concatenate([self._id_rows, new_ids])  # (the ids asked for: no poll read)
            if len(new_ids) and self._top_id is not None:
                self._top_id = max(self._top_id, int(new_ids.max()))
            self.endInsertRows()

    def _drops_every_row(self, polls_by_id: Mapping[int, Poll], removed: Sequence[int]) -> bool:
        """Whether a removal leaves no row: every stored poll went (no poll notices are shown)."""
        return bool(self._nrows) and not polls_by_id and not self._notices and len(removed) >= self._nrows

    def _drop_all(self) -> None:
        """Every row deleted (a select all + Delete), told as one reset to an empty table: removing 100,000 rows as
        a run had the table, its sorting layer and the view renumber them (60-100 ms of the delete's turn). The
        rows are kept whole for the undo that puts them back (_put_back)."""
        gone = _GoneRows(self._polls, self._texts, self._keys, self._ranks, self._id_rows, self._top_id)
        self.reset_kind = "drop"
        try:
            self.beginResetModel()
            self._replace_polls([])
            self._gone = gone
            self.endResetModel()
        finally:
            self.reset_kind = ""

    @staticmethod
    def _puts_back(gone: _GoneRows, polls_by_id: Mapping[int, Poll], added: Sequence[int]) -> bool:
        """Whether an add into the empty table puts back exactly the polls the last drop took: as many, each the
        very object held under its id (compared by identity, in C: no poll read)."""
        polls = gone.polls
        return len(added) == len(polls) == len(polls_by_id) and all(
            map(operator.is_, map(polls_by_id.get, map(_POLL_ID, polls)), polls)
        )

    def _put_back(self, gone: _GoneRows) -> None:
        """The rows a drop took, back as they were, with their texts, sort keys and ids, in one reset: their undo
        looked up every id among the rows, read every poll and made the sort column's keys again (the undo of a
        delete of 100,000 polls: 0.1-0.3 s of the window's thread)."""
        self.reset_kind = "restore"
        try:
            self.beginResetModel()
            self._polls, self._texts, self._keys, self._ranks = gone.polls, gone.texts, gone.keys, gone.ranks
            self._nrows = len(gone.polls)
            self._id_rows, self._top_id, self._notice_at = gone.ids, gone.top_id, None
            self.endResetModel()
        finally:
            self.reset_kind = ""

    def _not_held(self, poll_ids: list[int], polls_by_id: Mapping[int, Poll]) -> tuple[list[Poll], np.ndarray]:
        """The polls of `poll_ids` that are not rows yet, and their ids. Many are looked up in one pass over the rows'
        ids: one by one, the undo of a 100,000-poll delete (its ids all below the highest shown before) compared
        every one with the array of rows' ids (1-2 s of this thread)."""
        if len(poll_ids) < FEW_CHANGED:
            ids = [pid for pid in poll_ids if not self._holds(pid)]
        else:
            at = np.asarray(poll_ids, dtype=np.int64)
            held = np.isin(at, self._row_ids()) if self._nrows else None
            ids = poll_ids if held is None or not held.any() else at[~held].tolist()
        return [polls_by_id[pid] for pid in ids], np.asarray(ids, dtype=np.int64)

    def _holds(self, poll_id: int) -> bool:
        """Whether a poll is a row already. A new poll's id is above every id shown (the store counts up), which
        answers without looking through every row (an import's 10,000 new polls)."""
        if self._top_id is None:
            self._top_id = int(self._row_ids().max(initial=0))
        return poll_id <= self._top_id and self.row_of(poll_id) is not None

    def _rows_of(self, poll_ids: Sequence[int]) -> list[int]:
        """The rows of these polls (those shown), in one pass over the rows' ids."""
        if not poll_ids:
            return []
        if len(poll_ids) < FEW_CHANGED:
            return [r for pid in poll_ids if (r := self.row_of(pid)) is not None]
        return np.flatnonzero(np.isin(self._row_ids(), np.asarray(list(poll_ids), dtype=np.int64))).tolist()

    def row_of(self, poll_id: int) -> int | None:
        """The row of a poll (None: not shown). One comparison over an array of the rows' ids: a map of 100,000
        rows, rebuilt after every removal, took 15-400 ms on the first edit or delete after one."""
        hits = np.flatnonzero(self._row_ids() == poll_id)
        return int(hits[0]) if len(hits) else None

    def _warm_ids(self) -> None:
        """Gather the rows' ids and the highest of them now (an idle turn), not in the first change's turn."""
        if self._top_id is None:
            self._top_id = int(self._row_ids().max(initial=0))

    def _row_ids(self) -> np.ndarray:
        if self._id_rows is None:
            self._id_rows = _ids_of(self._polls)
        return self._id_rows

    def poll_at(self, row: int) -> Poll:
        return self._polls[row]

    def polls_at(self, rows: Sequence[int]) -> list[Poll]:
        """The polls (or poll notices) of these rows, in their order (rows past the last are left out)."""
        polls, n = self._polls, self._nrows
        if not n or not rows:
            return []
        if isinstance(rows, range) and rows.step == 1 and rows.start >= 0:
            return polls[rows.start : min(rows.stop, n)]
        if max(rows) < n:  # (the usual case: one pass in C, then a look-up each in C too)
            return list(map(polls.__getitem__, rows))
        return [polls[row] for row in rows if row < n]

    def ids_at(self, rows: Sequence[int]) -> list[int] | None:
        """The poll ids of these rows, in their order, from the array of the rows' ids (no poll read); None while
        poll notices (rows with no id) are shown."""
        if self._notices:
            return None
        ids = self._row_ids()
        if isinstance(rows, range) and rows.step == 1:
            return ids[max(rows.start, 0) : rows.stop].tolist()
        at = np.asarray(rows, dtype=np.int64)
        return ids[at[at < self._nrows]].tolist()

    def texts(self, row: int) -> tuple[str, ...]:
        """The display strings of a row, one per column (made once, then kept)."""
        cells = self._texts[row]
        if cells is None:
            cells = self._texts[row] = self._row_texts(self._polls[row])
        return cells

    def copied_header(self, column: int) -> str:
        """A column's name as Edit > Copy polls writes it: the candidate's whole name (the header elides a long one
        in its middle and names a symbol no font draws, which the paste could no longer match to the candidate)."""
        if self._contest is None or column < len(self.FIXED):
            return str(self.headerData(column, Qt.Orientation.Horizontal))
        if column == self._runoff:
            return "Runoff" if not self._pair else "Runoff " + "–".join(self._short(code) for code in self._pair)
        return self._short(self._cands[column - len(self.FIXED)])

    def copied_cells(self, poll: Poll, shown: Sequence[str]) -> tuple[str, ...]:
        """A row's cells as Edit > Copy polls writes them: the stored text and every figure exact, formulas escaped
        (the cells shown name a symbol no font draws, "[cjk unified ideograph-6c11]", and round a share to six
        digits; a pollster "=HYPERLINK(...)" went to the spreadsheet as a formula). A paste reads them back.
        `shown`: the row's cells as drawn (its dates, sample and runoff lead are copied as they read)."""
        first = poll.first_round
        # Only the typed text is escaped: the app's own dates and figures are never formulas, and a lead of "+6"
        # stays the number a spreadsheet reads (escaped, it was the text "'+6")
        return (
            escape_cell(poll.pollster),
            escape_cell(poll.client),
            *shown[2 : len(self.FIXED)],
            *("" if (v := first.get(code)) is None else figure_text(v) for code in self._cands),
            shown[self._runoff],
        )

    def sort_keys(self, column: int) -> list[Any]:
        """The raw value of every row in a column (what SORT_ROLE answers): made once, then kept up to date."""
        keys = self._keys.get(column)
        if keys is None:
            keys = self._keys[column] = self._sort_values(self._polls, column)
        return keys

    def sort_ranks(self, column: int) -> np.ndarray:
        """sort_keys(column) as an array of numbers in the same order (equal keys equal numbers), for numpy to sort
        on: a text column's keys by their rank among its distinct texts (Python's own comparison of them), a number
        column's as they are. Made once from the kept keys after they last changed."""
        ranks = self._ranks.get(column)
        if ranks is None:
            ranks = self._ranks[column] = _ranks_of(self.sort_keys(column))
        return ranks

    # --- Qt overrides ---------------------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else self._nrows

    def columnCount(self, parent: ModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else self._ncols

    def index(self, row: int, column: int, parent: ModelIndex = _NO_INDEX) -> QModelIndex:
        # QAbstractTableModel's own index() asks rowCount() and columnCount() each time: two calls into Python.
        if 0 <= row < self._nrows and 0 <= column < self._ncols and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self._ncols:
            return None
        if self._contest is None:  # (no race: the plain columns' names, not numbers)
            return (*self.FIXED, "Runoff")[section] if role == _DISPLAY and section <= len(self.FIXED) else None
        if role == _DISPLAY:
            if section < len(self.FIXED):
                return self.FIXED[section]
            if section == self._runoff:
                if not self._pair:
                    return "Runoff"
                # Each name isolated (core.types.bidi_isolated): "Runoff خان–Reid" put the dash on the wrong side
                a, b = (bidi_isolated(elide_middle(self._short(code), NAME_IN_TITLE // 2)) for code in self._pair)
                return drawable(f"Runoff {a}–{b}")
            # (an 86-letter short name made a column as wide as the window: elided in its middle, whole in the tip)
            return drawable(bidi_isolated(elide_middle(self._short(self._cands[section - len(self.FIXED)]))))
        if role == _TOOLTIP:
            if section == self._runoff:
                pair = " (" + "–".join(self._short(code) for code in self._pair) + ")" if self._pair else ""
                return literal_tip(f"Published second-round (head-to-head) lead of the front-runner{pair}, in points")
            if section >= len(self.FIXED):
                return literal_tip(
                    f"First-round share of {self._contest.candidate(self._cands[section - len(self.FIXED)]).name} (%)"
                )
        return None

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> object:
        if role not in _ROLES or not index.isValid():
            return None
        return self.cell(index.row(), index.column(), role)

    def cell(self, row: int, column: int, role: int) -> object:
        """What data() answers for (row, column) and role, without a QModelIndex (for the proxy's own use)."""
        if row >= self._nrows:
            return None
        if role == _DISPLAY:
            return (self._texts[row] or self.texts(row))[column]
        if role == _ALIGN:
            return _RIGHT if column >= len(self.FIXED) - 1 else None
        if role == _SORT:
            return self.sort_keys(column)[row]
        if role == _POLL:
            return self._polls[row]
        if role == _FOREGROUND:
            return self._lead_colour(self._polls[row]) if column == self._runoff else None
        if role == _TOOLTIP:
            return self._tooltip(self._polls[row])
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- private --------------------------------------------------------------------------------------------

    def _replace_polls(self, polls: list[Poll]) -> None:
        self._gone = None
        self._polls = polls
        self._nrows = len(polls)
        self._texts = [None] * len(polls)
        self._keys = {}
        self._ranks = {}
        self._id_rows = self._notice_at = None
        self._top_id = None

    def _notice_rows(self) -> list[int]:
        """The rows of the poll notices, in order (found once after the rows last moved)."""
        if self._notice_at is None:
            self._notice_at = [r for r, p in enumerate(self._polls) if p.id is None] if self._notices else []
        return self._notice_at

    def _short(self, code: str) -> str:
        if code == "other" or self._contest is None:
            return code.title()
        return self._contest.candidate(code).display

    def _lead(self, poll: Poll) -> float | None:
        if not self._pair:
            return None
        a, b = self._pair
        if a in poll.second_round and b in poll.second_round:
            return poll.second_round[a] - poll.second_round[b]
        return None

    def set_pages(self, *colours: str) -> None:
        """The colours the view draws rows on (its base and alternate base): the runoff lead, in the leader's
        colour, reads on each (WCAG's 4.5:1; a dark system's palette had #0072B2 on #2a2a2a, 2.8:1)."""
        if colours and colours != self._pages:
            self._pages = colours
            self._inks.clear()
            if self._nrows:
                self.dataChanged.emit(
                    self.index(0, self._runoff),
                    self.index(self._nrows - 1, self._runoff),
                    [Qt.ItemDataRole.ForegroundRole],
                )

    def _lead_colour(self, poll: Poll) -> QColor | None:
        lead = self._lead(poll)
        if lead is None or self._contest is None or self._pair is None:
            return None
        colour = self._contest.candidate(self._pair[0] if lead > 0 else self._pair[1]).colour
        ink = self._inks.get(colour)
        if ink is None:
            text = colour
            for page in self._pages:
                text = readable(text, page)
            ink = self._inks[colour] = QColor(text)
        return ink

    @staticmethod
    def _tooltip(poll: Poll) -> str:
        bits = [f"{poll.pollster} for {poll.client}" if poll.client else poll.pollster]
        bits.append(
            f"fieldwork {poll.fieldwork_start:%d %b} – {poll.fieldwork_end:%d %b %Y}, n = {poll.sample_size or 'not published'}"
        )
        # a control or direction character stored before they were refused is shown escaped, never obeyed
        bits.extend(controls_escaped(text) for text in (poll.method, poll.source_url) if text)
        if poll.notes:
            bits.append(controls_escaped(poll.notes, lines_ok=True))
        return literal_tip("\n".join(bits))  # a note "A<B & C>D" as typed (Qt read it as HTML: "AD")

    def _row_texts(self, poll: Poll) -> tuple[str, ...]:
        """Every display string of a poll's row, made in one go (dates and shares repeat, so they are memoised)."""
        lead = self._lead(poll)
        first = poll.first_round
        return (
            drawable(poll.pollster),  # a symbol no font has named, not an empty box (ui.glyphs)
            drawable(poll.client),
            _fieldwork_text(poll.fieldwork_start, poll.fieldwork_end),
            _day_text(poll.published) if poll.published else "",
            "—" if poll.sample_size is None else f"{poll.sample_size:,}",
            *(_share_text(first.get(code)) for code in self._cands),
            "" if lead is None else f"{lead:+g}",
        )

    def _sort_values(self, polls: Sequence[Poll], col: int) -> list[Any]:
        """_value(poll, col, sort=True) of each poll, one comprehension per column (an import's 10,000 rows or a
        first sort of 100,000: a method call per poll was most of it, 60-150 ms of a first sort by a column)."""
        if col == 0:
            return [p.pollster for p in polls]
        if col == 1:
            return [p.client for p in polls]
        if col == 3:
            return [_NO_DAY if p.published is None else p.published.toordinal() for p in polls]
        if col == self._runoff:
            if not self._pair:
                return [_NO_LEAD] * len(polls)
            a, b = self._pair
            return [s[a] - s[b] if a in (s := p.second_round) and b in s else _NO_LEAD for p in polls]
        if col == FIELDWORK_COLUMN:
            return [p.fieldwork_end.toordinal() for p in polls]
        if col == 4:
            return [-1 if p.sample_size is None else p.sample_size for p in polls]
        if len(self.FIXED) <= col < self._runoff:
            code = self._cands[col - len(self.FIXED)]
            return [-1.0 if (v := p.first_round.get(code)) is None else v for p in polls]
        return [self._value(poll, col, sort=True) for poll in polls]

    def _value(self, poll: Poll, col: int, *, sort: bool) -> Any:
        """The raw value a column sorts on (sort=True) or its display string (sort=False)."""
        if not sort:
            return self._row_texts(poll)[col]
        if col == 0:
            return poll.pollster
        if col == 1:
            return poll.client
        if col == 2:
            return poll.fieldwork_end.toordinal()
        if col == 3:
            return (poll.published or date.min).toordinal()
        if col == 4:
            return -1 if poll.sample_size is None else poll.sample_size
        if col == self._runoff:
            lead = self._lead(poll)
            return lead if lead is not None else float("-inf")
        value = poll.first_round.get(self._cands[col - len(self.FIXED)])
        return value if value is not None else -1.0


_NO_DAY = date.min.toordinal()  # the sort key of a poll with no publication date (_value's)
_NO_LEAD = float("-inf")  # the runoff column's sort key of a poll with no head-to-head figures


_POLL_ID = operator.attrgetter("id")


@dataclass(frozen=True)
class _GoneRows:
    """A PollTableModel's rows as a delete of every row left them (see PollTableModel._drop_all)."""

    polls: list[Poll]
    texts: list[tuple[str, ...] | None]
    keys: dict[int, list[Any]]
    ranks: dict[int, np.ndarray]
    ids: np.ndarray | None
    top_id: int | None


def _ranks_of(keys: list[Any]) -> np.ndarray:
    """Sort keys as numbers in the same order: numbers as they are, texts (or anything else) by their rank among
    the distinct keys, ordered by Python's own comparison."""
    if keys and not isinstance(keys[0], str):
        numbers = np.asarray(keys)
        if numbers.dtype.kind in "iuf":
            return numbers
    distinct = sorted(set(keys))
    rank = {key: at for at, key in enumerate(distinct)}
    return np.fromiter(map(rank.__getitem__, keys), dtype=np.int64, count=len(keys))


def _ids_of(polls: Sequence[Poll]) -> np.ndarray:
    """The polls' ids as an array, -1 for a row with none (a poll notice)."""
    return np.fromiter((-1 if p.id is None else p.id for p in polls), dtype=np.int64, count=len(polls))


@lru_cache(maxsize=8192)
def _day_text(day: date) -> str:
    return f"{day:%d %b %Y}"


@lru_cache(maxsize=8192)
def _fieldwork_text(start: date, end: date) -> str:
    """'3–5 Mar 2024', '28 Feb–2 Mar 2024', or one day: '5 Mar 2024'."""
    if start == end:
        return _day_text(end)
    same_month = (start.year, start.month) == (end.year, end.month)
    return f"{start:%d}–{_day_text(end)}" if same_month else f"{start:%d %b}–{_day_text(end)}"


@lru_cache(maxsize=4096)
def _share_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class _PollOrder(QAbstractProxyModel):
    """A PollTableModel's rows, filtered and sorted in Python from the model's kept texts and sort keys.

    QSortFilterProxyModel sorts by calling back into the model for every comparison: with a Python model that
    is three calls into Python per comparison, over a second for 10,000 polls and a frozen window for 100,000.
    Here a sort is one call to Python's sorted() over a list of keys (stable, as Qt's), a filter one substring
    test per row, and the result reaches the views as one layout change that keeps selections.
    """

    def __init__(self, model: PollTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._column = -1
        self._order = Qt.SortOrder.AscendingOrder
        self._needle = ""
        self._case_sensitive = False
        self._haystacks: list[str | None] = []  # lower-cased text of each model row, made when first searched
        self._warm_at = 0  # warm_filter's place in _haystacks
        self._all: list[int] = []  # every model row, in the current sort order (filtered out or not)
        self._rows: list[int] = []  # our row -> model row: the rows of _all that pass the filter
        self._at: dict[int, int] | None = None  # model row -> our row, rebuilt when needed
        # What a drop of every row left (PollTableModel.reset_kind): the order of the rows and their search texts,
        # with the sort they were in, taken back when the very rows are restored (no sort, no search text made)
        self._kept: tuple[list[int], list[str | None], int, Qt.SortOrder] | None = None
        self._ncols = model.columnCount()
        super().setSourceModel(model)
        self._connections = [
            (model.modelAboutToBeReset, self._on_about_to_reset),
            (model.modelReset, self._on_reset),
            (model.rowsAboutToBeRemoved, self._on_rows_about_to_be_removed),
            (model.rowsRemoved, self._on_rows_removed),
            (model.rowsInserted, self._on_rows_inserted),
            (model.dataChanged, self._on_data_changed),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)
        self._reset_rows()

    def detach(self) -> None:
        """Stop following the model (the proxy is moving to another one)."""
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections = []

    # --- what the proxy asks for ----------------------------------------------------------------------------

    def sort_by(self, column: int, order: Qt.SortOrder) -> None:
        if (column, order) == (self._column, self._order) and self._sorted():
            # sorted so already (the order is kept sorted through every change): QTableView.sortByColumn asks
            # twice, once through its header's sort indicator; the second sort of 100,000 rows was 10-30 ms
            return
        self._column, self._order = column, order
        self._relayout(resort=True)

    def sort_column(self) -> int:
        return self._column

    def sort_order(self) -> Qt.SortOrder:
        return self._order

    def filter_text(self) -> str:
        return self._needle

    def set_filter(self, text: str, case_sensitive: bool) -> None:
        if (text, case_sensitive) != (self._needle, self._case_sensitive):
            self._needle, self._case_sensitive = text, case_sensitive
            self._relayout()

    def warm_filter(self, rows: int) -> bool:
        """Make the search text of up to `rows` more model rows (in the order of the rows, from where the last call
        stopped); True once every row has one. At 100,000 polls making them all took about 1 s: the first
        keystroke in the filter box froze the window that long; made a few thousand a turn, none does."""
        haystacks = self._haystacks
        at, end = self._warm_at, len(haystacks)
        stop = min(end, at + rows)
        while at < stop:
            if haystacks[at] is None:
                haystacks[at] = self._haystack(at)
            at += 1
        self._warm_at = at
        return at >= end

    # --- QAbstractProxyModel ----------------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else self._ncols

    def index(self, row: int, column: int, parent: ModelIndex = _NO_INDEX) -> QModelIndex:
        if 0 <= row < len(self._rows) and 0 <= column < self._ncols and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def parent(self, child: ModelIndex | None = None) -> Any:  # type: ignore[override]
        if child is None:  # QObject.parent()
            return super().parent()
        return QModelIndex()

    def hasChildren(self, parent: ModelIndex = _NO_INDEX) -> bool:
        return not parent.isValid() and bool(self._rows)

    def mapToSource(self, proxy_index: ModelIndex) -> QModelIndex:
        if not proxy_index.isValid() or proxy_index.row() >= len(self._rows):
            return QModelIndex()
        return self._model.index(self._rows[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: ModelIndex) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        row = self.row_of_model_row(source_index.row())
        return QModelIndex() if row is None else self.createIndex(row, source_index.column())

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> object:
        if role not in _ROLES or not index.isValid():
            return None
        return self._model.cell(self._rows[index.row()], index.column(), role)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return self._model.flags(index)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> object:
        return self._model.headerData(section, orientation, role)

    def model_row(self, row: int) -> int:
        return self._rows[row]

    def model_rows(self, rows: Sequence[int]) -> list[int]:
        """model_row of each of these rows (rows past the last shown are left out)."""
        shown = self._rows
        if isinstance(rows, range) and rows.step == 1:
            return shown[max(rows.start, 0) : rows.stop]
        n = len(shown)
        return [shown[row] for row in rows if 0 <= row < n]

    def row_of_model_row(self, model_row: int) -> int | None:
        if self._at is None:
            self._at = {m: r for r, m in enumerate(self._rows)}
        return self._at.get(model_row)

    # --- keeping up with the model ----------------------------------------------------------------------------

    def _accepts(self, model_row: int) -> bool:
        if not self._needle:
            return True
        if self._case_sensitive:
            return any(self._needle in cell for cell in self._model.texts(model_row))
        haystack = self._haystacks[model_row]
        if haystack is None:
            haystack = self._haystacks[model_row] = self._haystack(model_row)
        return self._needle.lower() in haystack

    def _haystack(self, model_row: int) -> str:
        # One string per row; a filter text typed in a line edit holds no newline, so it cannot match across two
        # cells.
        return "\n".join(self._model.texts(model_row)).lower()

    def _sorted(self) -> bool:
        return 0 <= self._column < self._ncols

    def _resort(self) -> None:
        """Sort every row by the sort column. Stable, over the current order, as Qt's proxy does: ties keep the
        order of the previous sort (sort by sample, then by pollster: each pollster's polls stay by sample)."""
        if self._sorted():
            self._all = self._stable_sorted(self._all)
        else:
            self._all = list(range(self._model.rowCount()))

    def _stable_sorted(self, rows: list[int]) -> list[int]:
        """`rows` (model rows) in the sort column's order, stable (ties keep their order in `rows`), as
        list.sort(key=..., reverse=descending) would give them: one numpy argsort over the column's key ranks
        (PollTableModel.sort_ranks), where a key look-up per row by sorted() took 30-60 ms of 100,000."""
        if not rows:
            return []
        at = np.asarray(rows, dtype=np.int64)
        keys = self._model.sort_ranks(self._column)[at]
        if self._order == Qt.SortOrder.DescendingOrder:
            keys = -keys  # (reverse=True keeps equal keys in their order too)
        return at[np.argsort(keys, kind="stable")].tolist()

    def _shown_of(self, rows: list[int]) -> list[int]:
        """The rows that pass the filter, in the order given (a copy; no test per row without a filter)."""
        if not self._needle:
            return list(rows)
        if self._case_sensitive:
            return [m for m in rows if self._accepts(m)]
        self._warm_at = 0  # every row checked (a row changed or added since a warm-up has none): a few ms
        self.warm_filter(len(self._haystacks))
        needle, haystacks = self._needle.lower(), self._haystacks
        return [m for m in rows if needle in haystacks[m]]  # type: ignore[operator]  # (every one made above)

    def _reset_rows(self) -> None:
        self._ncols = self._model.columnCount()
        self._haystacks = [None] * self._model.rowCount()
        self._warm_at = 0
        self._all = list(range(self._model.rowCount()))
        self._resort()
        self._rows = self._shown_of(self._all)
        self._at = None

    def _relayout(self, *, resort: bool = False, rows: list[int] | None = None) -> None:
        """Re-sort and/or re-filter (or show `rows`, the same rows in another order), told to the views as a layout
        change so that selections follow their polls."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        held = [(self._rows[i.row()] if i.row() < len(self._rows) else -1, i.column()) for i in old]
        if resort:
            self._resort()
        self._rows = self._shown_of(self._all) if rows is None else rows
        self._at = None
        # the rows of a few held indexes (a selected poll's cells, the current one) found by bisection; of many,
        # through a map of every shown row (at 100,000 rows making that map alone took 11-20 ms)
        wanted = {model_row for model_row, _column in held if model_row >= 0}
        if len(wanted) <= FEW_HELD:
            at = {model_row: self._index_of(model_row) for model_row in wanted}
        else:
            at = {model_row: self.row_of_model_row(model_row) for model_row in wanted}
        new = []
        for model_row, column in held:
            row = at.get(model_row)
            new.append(QModelIndex() if row is None else self.createIndex(row, column))
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _on_about_to_reset(self) -> None:
        if self._model.reset_kind == "drop":
            self._kept = (self._all, self._haystacks, self._column, self._order)
        self.beginResetModel()

    def _on_reset(self) -> None:
        kind, kept = self._model.reset_kind, self._kept
        if kind != "drop":
            self._kept = None
        if (
            kind == "restore"
            and kept is not None
            and kept[2:] == (self._column, self._order)
            and len(kept[0]) == len(kept[1]) == self._model.rowCount()
        ):
            # the very rows a drop took, in the model's order they had: their order and search texts as they were
            # (a stable sort again would also lose the order ties had from the sorts before)
            self._ncols = self._model.columnCount()
            self._all, self._haystacks, self._warm_at = kept[0], kept[1], 0
            self._rows = self._shown_of(self._all)
            self._at = None
        else:
            self._reset_rows()
        self.endResetModel()

    def _on_rows_about_to_be_removed(self, parent: ModelIndex, first: int, last: int) -> None:
        if last - first < FEW_CHANGED:  # a delete: found by bisection each, not a map of every shown row
            ours = sorted((r for m in range(first, last + 1) if (r := self._index_of(m)) is not None), reverse=True)
        else:  # many (an undone import, a select all + Delete): one comparison over every shown row, in numpy
            shown = np.asarray(self._rows, dtype=np.int64)
            ours = np.flatnonzero((shown >= first) & (shown <= last)).tolist()
        for low, high in row_runs(ours):  # neighbours told to the views at once (see PollTableModel.apply)
            self.beginRemoveRows(QModelIndex(), low, high)
            del self._rows[low : high + 1]
            self._at = None
            self.endRemoveRows()

    def _on_rows_removed(self, parent: ModelIndex, first: int, last: int) -> None:
        count = last - first + 1
        self._rows = [m - count if m > last else m for m in self._rows]
        # the removed rows taken out of the whole order and the later ones renumbered in one pass (100,000 rows:
        # a pass is a few ms of every delete)
        self._all = [m - count if m > last else m for m in self._all if m < first or m > last]
        del self._haystacks[first : last + 1]
        self._at = None

    def _on_rows_inserted(self, parent: ModelIndex, first: int, last: int) -> None:
        self._kept = None
        count = last - first + 1
        if count > BULK_INSERT:
            self._insert_bulk(first, last)
            return
        if first < len(self._haystacks):  # rows after the new ones moved down
            self._rows = [m + count if m >= first else m for m in self._rows]
            self._all = [m + count if m >= first else m for m in self._all]
        self._haystacks[first:first] = [None] * count
        self._at = None
        for model_row in range(first, last + 1):
            self._all.insert(self._insertion_point(model_row, self._all), model_row)
            if not self._accepts(model_row):
                continue
            # The shown rows are a subsequence of _all in the same order, so the new row's place among them is
            # found the same way: a bisection, not a walk back through _all with a map of every shown row (at
            # 100,000 polls that map alone took 15-35 ms per added poll).
            row = self._insertion_point(model_row, self._rows)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, model_row)
            self._at = None
            self.endInsertRows()

    def _insert_bulk(self, first: int, last: int) -> None:
        """An import's rows (model rows first..last), placed without a reset, so the selection and the rows in view
        stay. Placing them one by one rebuilt the row index for each (10,000 polls stalled the window for six
        seconds, benchmarks/bench_import_stall.py); a reset cleared the selection. Here the new rows are sorted among
        themselves and merged into the kept order (timsort merges two sorted runs in one pass), or, when they
        outnumber the kept rows (an undone delete of them all), the kept order with them after it is sorted once,
        stably, in numpy (_stable_sorted); either way ties go after the rows already there, as one by one. Then the
        views are told of one inserted range when the new rows all go before or after the others (an import of the
        latest polls), or else of the new rows added at the end and then moved to their places by one layout
        change, which keeps selections on their polls."""
        count = last - first + 1
        if first < len(self._haystacks):  # (the model appends; rows after the new ones would move down)
            self._all = [m + count if m >= first else m for m in self._all]
            self._rows = [m + count if m >= first else m for m in self._rows]
        self._haystacks[first:first] = [None] * count
        if self._sorted() and count > len(self._all):  # more new rows than kept (an undone delete): numpy's sort
            merged = self._stable_sorted(self._all + list(range(first, last + 1)))  # ties after the rows there
        elif self._sorted():  # a few among many (an import): the new rows sorted, then timsort merges the two runs
            keys = self._model.sort_keys(self._column).__getitem__
            descending = self._order == Qt.SortOrder.DescendingOrder
            new = sorted(range(first, last + 1), key=keys, reverse=descending)
            merged = self._all + new
            merged.sort(key=keys, reverse=descending)
        else:
            merged = list(range(self._model.rowCount()))
        shown = self._shown_of(merged)
        added = len(shown) - len(self._rows)
        # the new rows all before or all after the others (an import of the latest polls, the table by date): one
        # inserted range there
        for at in (0, len(self._rows)):
            there = np.asarray(shown[at : at + added], dtype=np.int64)  # (one test over the rows, in numpy)
            if ((there >= first) & (there <= last)).all():
                if added:
                    self.beginInsertRows(QModelIndex(), at, at + added - 1)
                    self._rows = shown
                    self._at = None
                    self.endInsertRows()
                self._all = merged
                return
        # scattered among the others: added at the end, then moved to their places by one layout change
        at = len(self._rows)
        self.beginInsertRows(QModelIndex(), at, at + added - 1)
        self._rows = self._rows + [m for m in shown if first <= m <= last]
        self._at = None
        self.endInsertRows()
        self._all = merged
        self._relayout(rows=shown)

    def _index_of(self, model_row: int) -> int | None:
        """Our row of a model row (None: filtered out), found by bisection: the shown rows are in the sort order
        (or in model order, unsorted), so only the rows with the same sort key are looked through. A scan of the
        100,000 shown rows, or a map of them, took milliseconds of every edit and delete."""
        rows = self._rows
        if not self._sorted():
            at = bisect.bisect_left(rows, model_row)
            return at if at < len(rows) and rows[at] == model_row else None
        key = self._model.sort_keys(self._column)[model_row]
        lo, hi = 0, len(rows)
        if key == key:  # (a NaN key has no place to bisect to: all the rows are looked through)
            lo = self._bound(rows, key, 0, len(rows), after_equal=False)
            hi = self._bound(rows, key, lo, len(rows), after_equal=True)
        try:
            return rows.index(model_row, lo, hi)
        except ValueError:
            return None

    def _insertion_point(self, model_row: int, rows: list[int]) -> int:
        """Where a new row goes in `rows` (_all or _rows, both in the sort order): after every row that sorts
        before it or equal to it."""
        if not self._sorted():
            return bisect.bisect_left(rows, model_row)
        keys = self._model.sort_keys(self._column)
        descending = self._order == Qt.SortOrder.DescendingOrder
        key = keys[model_row]
        lo, hi = 0, len(rows)
        while lo < hi:
            mid = (lo + hi) // 2
            other = keys[rows[mid]]
            if (other < key) if descending else (key < other):
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _reposition(self, model_row: int) -> None:
        """Put one changed row where a stable re-sort and re-filter would: it stays if it is still in order
        between its neighbours; else it goes after the rows equal to it that were before it and before those
        that were after it. Told to the views as one row moved, removed or inserted, so selections follow.
        (A whole re-sort of 100,000 rows for one edited poll held the window 60-150 ms.)"""
        at = self._all.index(model_row)
        del self._all[at]
        place = self._stable_place(model_row, at)
        self._all.insert(place, model_row)
        try:
            old: int | None = self._rows.index(model_row)
        except ValueError:
            old = None
        if old is not None:
            del self._rows[old]
        new = self._shown_place(model_row, place) if self._accepts(model_row) else None
        if old is not None:
            self._rows.insert(old, model_row)  # back until the views are told
        if old is None and new is not None:
            self.beginInsertRows(QModelIndex(), new, new)
            self._rows.insert(new, model_row)
            self._at = None
            self.endInsertRows()
        elif old is not None and new is None:
            self.beginRemoveRows(QModelIndex(), old, old)
            del self._rows[old]
            self._at = None
            self.endRemoveRows()
        elif old is not None and new is not None and new != old:
            # beginMoveRows takes the destination in the numbering before the move
            self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), new + 1 if new > old else new)
            del self._rows[old]
            self._rows.insert(new, model_row)
            self._at = None
            self.endMoveRows()

    def _before(self, a: Any, b: Any) -> bool:
        """Sort key `a` sorts strictly before `b` in the current order."""
        return bool(b < a) if self._order == Qt.SortOrder.DescendingOrder else bool(a < b)

    def _bound(self, rows: list[int], key: Any, lo: int, hi: int, *, after_equal: bool) -> int:
        """In rows[lo:hi] (sorted), the first index whose key sorts after `key` (after_equal) or not before it."""
        keys = self._model.sort_keys(self._column)
        while lo < hi:
            mid = (lo + hi) // 2
            other = keys[rows[mid]]
            if self._before(key, other) if after_equal else not self._before(other, key):
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _stable_place(self, model_row: int, was: int) -> int:
        """Where a changed row goes back into _all (taken out of it; it was at `was`), as a stable sort puts it."""
        rows = self._all
        if not self._sorted():
            return bisect.bisect_left(rows, model_row)
        keys = self._model.sort_keys(self._column)
        key = keys[model_row]
        if was > 0 and self._before(key, keys[rows[was - 1]]):  # moves up: after the equal rows before it
            return self._bound(rows, key, 0, was, after_equal=True)
        if was < len(rows) and self._before(keys[rows[was]], key):  # moves down: before the equal rows after it
            return self._bound(rows, key, was, len(rows), after_equal=False)
        return was  # still in order where it was

    def _shown_place(self, model_row: int, place: int) -> int:
        """Where a row at `place` in _all goes among the shown rows (_rows, without it): they are a subsequence
        of _all, so after the shown rows that sort before it and, of those equal to it, the ones before it."""
        if not self._sorted():
            return bisect.bisect_left(self._rows, model_row)
        key = self._model.sort_keys(self._column)[model_row]
        lo = self._bound(self._rows, key, 0, len(self._rows), after_equal=False)
        hi = self._bound(self._rows, key, lo, len(self._rows), after_equal=True)
        if lo == hi:
            return lo
        earlier = set(self._all[self._bound(self._all, key, 0, place, after_equal=False) : place])
        return lo + sum(1 for r in self._rows[lo:hi] if r in earlier)

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Sequence[int] = ()) -> None:
        first, last = top_left.row(), bottom_right.row()
        self._haystacks[first : last + 1] = [None] * len(self._haystacks[first : last + 1])
        moved = top_left.column() <= self._column <= bottom_right.column()
        if (self._needle or moved) and last - first < FEW_CHANGED:
            for model_row in range(first, last + 1):  # an edit: each row moved to its place, the rest untouched
                self._reposition(model_row)
        elif self._needle or moved:
            self._relayout(resort=moved)  # a changed row may have moved, or now pass or fail the filter
        if first == 0 and last >= self._model.rowCount() - 1:  # every row (a theme's new row colours): no look-up
            ours = [0, len(self._rows) - 1] if self._rows else []
        elif last - first < FEW_CHANGED:  # an edit: its row found by bisection, not a map of every shown row
            ours = [r for m in range(first, last + 1) if (r := self._index_of(m)) is not None]
        else:
            ours = [r for m in range(first, last + 1) if (r := self.row_of_model_row(m)) is not None]
        if ours:
            self.dataChanged.emit(
                self.createIndex(min(ours), top_left.column()), self.createIndex(max(ours), bottom_right.column())
            )


class PollFilterProxy(QSortFilterProxyModel):
    """Sorts on raw values and filters on the text of any column (case-insensitive by default).

    Over a PollTableModel the sorting and filtering are done by a _PollOrder between the model and this proxy
    (fast at 100,000 polls); mapFromSource still takes an index of the PollTableModel. Over any other model
    this is a plain QSortFilterProxyModel sorting on SORT_ROLE.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._polls: PollTableModel | None = None
        self._order: _PollOrder | None = None
        self._own_filter = False  # a regular expression filter set on this proxy itself
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        if self._order is not None:
            self._order.detach()
            self._order.deleteLater()
            self._polls = self._order = None
        if isinstance(model, PollTableModel):
            self._polls = model
            self._order = _PollOrder(model, self)
            super().setSourceModel(self._order)
        else:
            super().setSourceModel(model)

    def poll_model(self) -> PollTableModel | None:
        """The PollTableModel shown, if that is what this proxy was given."""
        return self._polls

    def polls_at(self, rows: Sequence[int]) -> Sequence[object]:
        """What POLL_ROLE answers for each of these rows, in their order: over a PollTableModel straight from its
        rows, not through a QModelIndex and data() call each (a select all + Delete of 100,000 polls spent 0.4 s
        of the window's thread there, benchmarks/bench_menu_stalls.py)."""
        order, model = self._order, self._polls
        if order is None or model is None or self._own_filter:
            return [self.data(self.index(row, 0), POLL_ROLE) for row in rows]
        return model.polls_at(order.model_rows(rows))

    def copied_at(self, rows: Sequence[int]) -> list[tuple[str, ...]]:
        """PollTableModel.copied_cells of each of these rows, in their order (Edit > Copy polls): over a
        PollTableModel straight from its rows and their kept texts, not through a data() call per cell."""
        order, model = self._order, self._polls
        if model is None:
            return []
        if order is None or self._own_filter:
            columns = range(self.columnCount())
            return [
                model.copied_cells(
                    self.data(self.index(row, 0), POLL_ROLE),  # type: ignore[arg-type]
                    [str(self.data(self.index(row, c)) or "") for c in columns],
                )
                for row in rows
            ]
        model_rows = order.model_rows(rows)
        return [
            model.copied_cells(poll, model.texts(r))
            for poll, r in zip(model.polls_at(model_rows), model_rows, strict=True)
        ]

    def poll_ids_at(self, rows: Sequence[int]) -> list[int] | None:
        """The ids of polls_at(rows), in the same order, from the PollTableModel's array of its rows' ids (no poll
        read); None where that cannot say (over another model, a filter of Qt's own, poll notices shown)."""
        order, model = self._order, self._polls
        if order is None or model is None or self._own_filter:
            return None
        return model.ids_at(order.model_rows(rows))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._order is not None:
            self._order.sort_by(column, order)  # this proxy itself keeps its source's order
        else:
            super().sort(column, order)

    def sortColumn(self) -> int:
        return self._order.sort_column() if self._order is not None else super().sortColumn()

    def sortOrder(self) -> Qt.SortOrder:
        return self._order.sort_order() if self._order is not None else super().sortOrder()

    def setFilterCaseSensitivity(self, cs: Qt.CaseSensitivity) -> None:
        super().setFilterCaseSensitivity(cs)
        order = getattr(self, "_order", None)  # None while __init__ sets the default
        if order is not None:
            order.set_filter(order.filter_text(), cs == Qt.CaseSensitivity.CaseSensitive)

    def setFilterFixedString(self, pattern: str) -> None:
        if self._order is not None:
            sensitive = self.filterCaseSensitivity() == Qt.CaseSensitivity.CaseSensitive
            self._order.set_filter(pattern, sensitive)
        else:
            super().setFilterFixedString(pattern)

    def warm_filter(self, rows: int) -> bool:
        """Prepare up to `rows` more rows' search texts (_PollOrder.warm_filter); True once all are ready (or when
        this proxy filters with Qt's own)."""
        return self._order is None or self._order.warm_filter(rows)

    def mapFromSource(self, source_index: ModelIndex) -> QModelIndex:
        if self._order is not None and source_index.model() is self._polls:
            source_index = self._order.mapFromSource(source_index)
        return super().mapFromSource(source_index)

    def setFilterRegularExpression(self, pattern: Any) -> None:
        self._own_filter = bool(pattern.pattern() if isinstance(pattern, QRegularExpression) else pattern)
        super().setFilterRegularExpression(pattern)

    def setFilterWildcard(self, pattern: str) -> None:
        self._own_filter = bool(pattern)
        super().setFilterWildcard(pattern)

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> object:
        # Qt's own data() would go through the sorting layer's index() and data(): two calls into Python.
        order, model = self._order, self._polls
        if order is None or model is None or self._own_filter:
            return super().data(index, role)
        if role not in _ROLES or not index.isValid() or index.row() >= order.rowCount():
            return None
        return model.cell(order.model_row(index.row()), index.column(), role)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if self._order is None or self._own_filter:
            return super().flags(index)
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def multiData(self, index: ModelIndex, roleDataSpan: Any) -> None:  # the name is Qt's
        # A delegate asks for eight roles of every cell it paints or measures; Qt's own multiData asks data()
        # once per role, each a round trip through two layers into Python. One call here answers them all.
        order, model = self._order, self._polls
        if order is None or model is None or not index.isValid():
            super().multiData(index, roleDataSpan)
            return
        if self._own_filter:  # rows filtered here too: ask Qt where the row is
            source = super().mapToSource(index)
            row = order.model_row(source.row()) if source.isValid() else -1
        else:  # this proxy neither sorts nor filters: its rows are the sorting layer's rows
            row = order.model_row(index.row()) if index.row() < order.rowCount() else -1
        column = index.column()
        for k in range(len(roleDataSpan)):
            item = roleDataSpan[k]
            role = item.role()
            value = model.cell(row, column, role) if row >= 0 and role in _ROLES else None
            if value is None:
                item.clearData()
            else:
                item.setData(value)

    def mapToPollModel(self, proxy_index: ModelIndex) -> QModelIndex:
        """The PollTableModel index behind an index of this proxy (mapToSource gives the sorting layer's)."""
        index = self.mapToSource(proxy_index)
        return self._order.mapToSource(index) if self._order is not None else index


class FiguresLeftToRight(QStyledItemDelegate):
    """A cell holding a figure or a date ("+6", "−3", "1,117", "28–30 Mar 2024") laid out left to right in a
    right-to-left window too (an Arabic or Hebrew system): there the runoff lead "+6" was drawn "6+", and a
    fieldwork range "28–30 Mar 2024" as "Mar 2024 30–28". The cell keeps its place (its alignment as the mirrored
    table puts it); a name keeps the window's direction."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        super().initStyleOption(option, index)
        if option.direction != Qt.LayoutDirection.RightToLeft:  # type: ignore[attr-defined]
            return
        text = option.text  # type: ignore[attr-defined]
        if text and (text[0].isdigit() or text[0] in "+-−–"):
            option.displayAlignment = QStyle.visualAlignment(  # type: ignore[attr-defined]
                Qt.LayoutDirection.RightToLeft,
                option.displayAlignment,  # type: ignore[attr-defined]
            )
            option.direction = Qt.LayoutDirection.LeftToRight  # type: ignore[attr-defined]


class PollTableView(QTableView):
    """The poll table's view: a change to many rows repaints only the columns it names.

    Qt repaints the whole viewport when a dataChanged spans more than about a hundred rows, even for one column:
    a runoff matchup switch (one column of France 2022's 409 notices) repainted every cell of the table
    (benchmarks/bench_two_round_switch.py). The change is passed on for the rows on screen, whose cells are the
    only ones painted; rows scrolled to later are asked for their data then.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Tab moves on to the next control, the arrows between cells: with Qt's default (Tab from cell to cell) a
        # keyboard user who tabbed in went through every cell of every poll before reaching the scenario panel.
        self.setTabKeyNavigation(False)
        self.setItemDelegate(FiguresLeftToRight(self))

    def dataChanged(self, top_left: ModelIndex, bottom_right: ModelIndex, roles: Sequence[int] = ()) -> None:
        model = self.model()
        if (
            model is not None
            and self.isVisible()
            and top_left.isValid()
            and bottom_right.isValid()
            and top_left != bottom_right
        ):
            first = max(top_left.row(), self.rowAt(0))
            bottom = self.rowAt(self.viewport().height() - 1)
            last = min(bottom_right.row(), bottom if bottom >= 0 else model.rowCount() - 1)
            if first > last or first < 0:
                return  # no changed row on screen
            top_left = model.index(first, top_left.column())
            bottom_right = model.index(last, bottom_right.column())
        super().dataChanged(top_left, bottom_right, list(roles))
