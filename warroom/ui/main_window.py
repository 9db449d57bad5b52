"""MainWindow: layout, menus, docks, geometry. No domain logic: it shows core objects and asks services."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    QSizeF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QShortcut,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from warroom import __version__
from warroom.core.averaging import PollAverages
from warroom.core.colour import readable
from warroom.core.two_round_view import NoticeTable
from warroom.core.types import (
    EXHAUSTED,
    POLL_EDIT_FIELDS,
    Annotation,
    Contest,
    CountingSystem,
    Poll,
    UnsavedChange,
    clipped,
    event_note_problem,
    merged_edit,
)
from warroom.core.validation import event_date_problem
from warroom.paths import from_qt_name, in_backup_folder, overwrites_store
from warroom.ui.assets import ICON_STROKE, icon, stylesheet
from warroom.ui.commands import AddPollsCommand, DeletePollsCommand, EditPollCommand, ImportedPollsCommand
from warroom.ui.dock_layout import (
    MAX_SHARE,
    MIN_CHARTS_HEIGHT,
    MIN_CHARTS_WIDTH,
    MIN_POLLS_HEIGHT,
    MIN_SCENARIO_WIDTH,
    POLLS_SHARE,
    SCENARIO_SHARE,
    dock_sizes,
)
from warroom.ui.glyphs import drawable
from warroom.ui.poll_dialog import PollDialog
from warroom.ui.poll_table import BULK_INSERT, PollFilterProxy, PollTableModel, PollTableView
from warroom.ui.qt_utils import (
    DataStatusBar,
    as_html,
    ask_plain,
    follow_run,
    literal_tip,
    offer,
    plain_label,
    title_text,
    work_progress,
)

# Layout from 1280x720 up: the charts keep at least this much, the docks give way first (and scroll).
if TYPE_CHECKING:
    from concurrent.futures import Future

    from warroom.core.irv_pipeline import IrvPairLead
    from warroom.ui.charts import ChartPanel, Theme
    from warroom.ui.start_shell import EarlyChange

MEETING_VIEWS = ("answer", "charts", "scenario")
"""Meeting mode's views besides "scenario:<saved name>" (settings.ini's presentation_views)."""
CHARTS_LOADING = "Loading the charts…"
"""The charts' place while the charting library loads: the window's first paint at start needs no pyqtgraph
(issue 15); MainWindow(charts=False) shows this until attach_charts()."""

IRV_POINTS = "each poll, counted through the chain"
"""The runoff-lead chart's key for an instant-runoff contest's points (each poll's final-pair lead)."""


MAX_COLUMN_WIDTH = 220
"""Widest a poll-table column is fitted (the user may drag it wider)."""
FIT_ROWS = 100
"""The poll table's column widths are measured over this many rows (the first shown)."""
WIDTHS_KEPT = 4
"""The big races whose poll-table column widths are kept for a switch back (PollsPane._race_widths)."""
AHEAD_MS = 1000
"""How long after the window is shown, or a race of another counting system is opened, meeting mode's answer page
is built ahead, in an idle turn of its own (MainWindow._build_ahead): built in the turn that enters meeting mode, it
was about 60 ms of it at 100,000 polls (issue 15)."""
FIT_LATER_FROM = 2_000
"""Rows replaced from this many on (a big race opened or read again) have their columns fitted in the next turn of
the event loop, not in the turn that replaced them: measuring FIT_ROWS rows of every column (a Python call per
cell) was 40-70 ms of the turn a 100,000-poll race lands in, on top of the table's reset and the charts' change."""


_EARLY_REFUSED = "The poll by {} you entered while the window opened cannot be saved as typed:\n• {}"
"""Said before the form comes back with what was typed in the start's first stage (MainWindow.apply_early_changes)."""


class ExportRunning(Protocol):
    """File > Export polls on a worker (services.worker_threads.WorkerRun): `done` of `total` polls, cancel(),
    and the number written as `result` (core.csvformat.ExportCancelled once cancelled)."""

    done: int
    total: int
    result: Future[int]

    def cancel(self) -> None: ...
    def finish(self, timeout: float) -> bool: ...


class FileWrite(Protocol):
    """An export writing its file on a worker (the CSV's WorkerRun, a PNG's or an SVG's ui.export.FileSave)."""

    def finish(self, timeout: float) -> bool: ...


FILE_WRITE_WAIT_S = 10.0
"""How long a closing window waits for an export still writing its file on a worker (cancelled first where it can
stop): the workers are daemon threads, and a process leaving mid-write left the export's temporary file behind."""


def listed_parts(parts: Sequence[str]) -> str:
    """Parts of a poll (POLL_EDIT_FIELDS' names) as a sentence says them: "sample size and notes"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _part_text(poll: Poll, part: str) -> str:
    """One part of a poll as a message shows it (figures by code, dates as written, a blank one said)."""
    values = [getattr(poll, a) for a in POLL_EDIT_FIELDS[part]]
    if part == "fieldwork dates":
        return f"{values[0].isoformat()} to {values[1].isoformat()}"
    value = values[0]
    if part == "transfers":
        text = ", ".join(
            f"{t.from_candidate}>{'exhausted' if t.to_candidate == EXHAUSTED else t.to_candidate} {t.share:g}"
            for t in value
        )
    elif isinstance(value, Mapping):
        text = ", ".join(f"{code} {share:g}" for code, share in value.items())
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = "" if value is None else str(value)
    return clipped(text, 60) if text else "blank"


def _clash_message(theirs: Poll, clashes: Sequence[str]) -> str:
    """A poll form's save refused: a teammate changed the same parts meanwhile (their values named)."""
    values = "; ".join(f"{part}: {_part_text(theirs, part)}" for part in clashes)
    return (
        f"The {theirs.pollster} poll was changed by a teammate or another program while it was open in the form, and "
        f"you both changed its {listed_parts(clashes)} (theirs, stored now: {values}). Nothing was saved. The form "
        "opens again with your values (and their other changes): save again to put yours in place of theirs."
    )


class PollSource(Protocol):
    """What the window needs of the poll service (the real one is services.PollService)."""

    @property
    def contest(self) -> Contest | None: ...
    @property
    def polls(self) -> list[Poll]: ...
    def poll(self, poll_id: int) -> Poll | None: ...
    def check_poll(self, poll: Poll) -> list[str]: ...
    def add_polls(
        self, polls: Sequence[Poll], *, undo: bool = False, ids: Sequence[int] | None = None
    ) -> list[int]: ...
    def update_poll(self, poll: Poll, *, undo: bool = False, base: Poll | None = None) -> None: ...
    def stored_poll(self, poll_id: int) -> Poll | None: ...
    def delete_polls(self, poll_ids: Sequence[int], *, undo: bool = False) -> list[Poll]: ...
    def parse_csv(self, path: Path): ...
    def export_csv(self, path: Path, polls: Sequence[Poll] | None = None, *, own_columns: bool = False) -> int: ...
    def start_export(self, path: Path) -> ExportRunning: ...
    def add_annotation(self, annotation: Annotation) -> int: ...
    def delete_annotation(self, annotation_id: int) -> None: ...
    @property
    def annotations(self) -> list[Annotation]: ...


FILTER_PAUSE_MS = 150
NO_RACE_TITLE = "No race open"
NO_RACE_MESSAGE = "No race open: pick one in the contest picker"
ADD_TIP = "Enter a newly published poll"
ADD_BUTTON_TIP = f"{ADD_TIP} (Ctrl+N)"
EXPORT_TIP = "Save every poll to a CSV file"
TWO_ROUND_ADD_TIP = (
    "A two-round race's polls ask first-round and runoff questions: import them with File > Import polls (a "
    "French poll compilation, or the poll CSV with questions) or paste that CSV's table"
)
"""Why Add poll is off while a two-round race is open (the form enters a plain poll, which none of its figures
read)."""
TWO_ROUND_EDIT_TIP = (
    "A two-round race's polls are read-only here: change one by importing its file again (File > Import polls)"
)
"""Said when a two-round race's poll is double-clicked (or Delete reached around its action, which is off): the
form opened on the notice, and saving it said a teammate had deleted it."""
TWO_ROUND_EXPORT_TIP = (
    "A two-round race's polls ask first-round and runoff questions, which a poll CSV cannot carry: export the "
    "whole campaign with: warroom export --contest NAME --bundle FILE"
)
"""Why Export polls is off while a two-round race is open, as `warroom export FILE.csv` refuses it: it wrote the
race's plain polls, none, as a header line ("0 polls exported")."""
NO_RACE_STORED_MESSAGE = "No race in this store: make one with File > New contest"
"""The poll table is filtered once typing in its filter box pauses this long (a burst of keys: one filter)."""
FILTER_WARM_ROWS = 3000
"""Rows whose search text is made in one event-loop turn while the filter box is typed in (about 15 ms)."""


class PollsPane(QWidget):
    """The poll table with a filter box and add/edit/delete buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PollTableModel(self)
        self.proxy = PollFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = PollTableView()
        self.view.setObjectName("poll_table")
        self.view.setAccessibleName("Poll table")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)  # a long client list is cut with an ellipsis (its tooltip has it whole)
        self.view.verticalHeader().hide()
        # Columns are fitted to their contents when the rows are replaced (a contest opened, a reload) and stay
        # where the user drags them. Not ResizeToContents: that measured 1,800 cells again on every dataChanged,
        # 50 ms of each two-round matchup switch (benchmarks/bench_two_round_switch.py), and froze the widths.
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Size columns from the first 100 rows, not every row: with 10,000 polls measuring each cell was most of
        # the time it took to open or switch a contest (benchmarks/bench_scale.py, bench_switch.py).
        self.view.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        self.view.horizontalHeader().setStretchLastSection(True)
        self._fitted_rows = 0  # rows shown when the widths were last measured
        # The widths measured for the last few big races (by race, rows and columns): a race shown again with as
        # many polls under the same columns takes them back instead of measuring its rows again (_race_widths).
        self._widths_kept: dict[tuple[object, ...], list[int]] = {}
        self._replaced = False  # the model's rows were replaced (not only added to): measure the widths again
        self.model.modelAboutToBeReset.connect(self._on_model_about_to_reset)
        self.proxy.modelReset.connect(self._on_proxy_reset)
        self.model.headerDataChanged.connect(self._on_headers_changed)
        self.proxy.rowsInserted.connect(self._on_rows_inserted)
        # An import's rows go in among those on screen: the poll at the top of the view stays there (the model's
        # signals come before and after every layer under the view has placed the rows).
        self._anchor: QPersistentModelIndex | None = None
        self.model.rowsAboutToBeInserted.connect(self._hold_top_row)
        self.model.rowsInserted.connect(self._keep_top_row)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by pollster or client…")
        self.filter.setAccessibleName("Filter polls")
        self.filter.setClearButtonEnabled(True)
        # Typing filters once the keys pause (FILTER_PAUSE_MS), not on each key: at 100,000 polls each keystroke
        # was a re-filter of every row and the first one also made every row's search text (1.0-1.6 s). The
        # search texts are made a few thousand a turn from the first key on (FILTER_WARM_ROWS), so no turn holds
        # the window; emptying the box (its clear button, a poll shown that the filter hid) applies at once, as
        # does Enter.
        self._filter_pause = QTimer(self)
        self._filter_pause.setSingleShot(True)
        self._filter_pause.setInterval(FILTER_PAUSE_MS)
        self._filter_pause.timeout.connect(self._on_filter_pause_timeout)
        self._filter_warm = QTimer(self)
        self._filter_warm.setInterval(0)
        self._filter_warm.timeout.connect(self._on_filter_warm_timeout)
        self._filter_wanted = False  # the pause is over, and the search texts are still being made
        self.filter.textChanged.connect(self._on_filter_text_changed)
        self.filter.returnPressed.connect(self.apply_filter)
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("Ed&it…")  # (Alt+E is the Edit menu's)
        self.delete_button = QPushButton("&Delete")
        for b, tip in (
            (self.add_button, ADD_BUTTON_TIP),
            (self.edit_button, "Correct the selected poll (Enter)"),
            (self.delete_button, "Remove the selected polls (Del); undo brings them back"),
        ):
            b.setToolTip(tip)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self._tell_pages()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._tell_pages()
        super().changeEvent(event)

    def _tell_pages(self) -> None:
        """The table's row colours to its model, which makes a leader's colour readable on them."""
        palette = self.view.palette()
        pages = [palette.color(QPalette.ColorRole.Base).name()]
        if self.view.alternatingRowColors():
            pages.append(palette.color(QPalette.ColorRole.AlternateBase).name())
        self.model.set_pages(*pages)

    def _fit_columns(self) -> None:
        self._fitted_rows = self.proxy.rowCount()
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        for column in range(header.count() - 1):  # a long client list leaves room for the shares (tooltip has it)
            if header.sectionSize(column) > MAX_COLUMN_WIDTH:
                header.resizeSection(column, MAX_COLUMN_WIDTH)
        race = self._race_widths()
        if race is not None:
            self._widths_kept.pop(race, None)
            self._widths_kept[race] = [header.sectionSize(column) for column in range(header.count())]
            while len(self._widths_kept) > WIDTHS_KEPT:
                del self._widths_kept[next(iter(self._widths_kept))]

    def _race_widths(self) -> tuple[object, ...] | None:
        """What the widths of a big race's rows are kept under: the race, its number of rows (and of rows shown),
        the sort (which rows come first, and are measured) and its columns' titles (None for a small race, measured
        at once, or one not stored)."""
        contest, model, shown = self.model.contest, self.model, self.proxy.rowCount()
        if contest is None or contest.id is None or shown < FIT_LATER_FROM:
            return None
        header, across = self.view.horizontalHeader(), Qt.Orientation.Horizontal
        return (
            contest.id,
            model.rowCount(),
            shown,
            header.sortIndicatorSection(),
            header.sortIndicatorOrder(),
            *(model.headerData(c, across) for c in range(model.columnCount())),
        )

    def _on_headers_changed(self, _orientation: Qt.Orientation, first: int, last: int) -> None:
        # Candidates renamed in place (no reset, so no new measure of the rows): a header that now needs more room
        # gets it, from the header's own text alone.
        header = self.view.horizontalHeader()
        for column in range(first, min(last + 1, header.count() - 1)):
            wanted = min(header.sectionSizeHint(column), MAX_COLUMN_WIDTH)
            if header.sectionSize(column) < wanted:
                header.resizeSection(column, wanted)

    def _on_model_about_to_reset(self) -> None:
        # a delete of every row and the undo putting those very rows back keep the widths (PollTableModel.reset_kind)
        if not self.model.reset_kind:
            self._replaced = True

    def _on_proxy_reset(self) -> None:
        # The rows were replaced (a contest opened, a reload): measure the widths. The sorting layer also resets
        # when many rows are added at once (an import); then the widths stay if they were measured over a full
        # sample already (measuring FIT_ROWS rows of every column took 40-110 ms of the import's landing turn).
        if self.model.reset_kind == "drop":
            return  # every row deleted: no row to measure (the widths stay for the undo that puts them back)
        header = self.view.horizontalHeader()
        kept = self._widths_kept.get(self._race_widths() or ()) if self._replaced else None
        if kept is not None and len(kept) == header.count():
            # a big race shown again with as many polls: the widths measured when it was last shown (100 rows of
            # every column measured again were 50-110 ms of a 100,000-poll race's switch back)
            for column, width in enumerate(kept[:-1]):  # (the last stretches)
                header.resizeSection(column, width)
            self._fitted_rows = FIT_ROWS
        elif self._replaced and self.proxy.rowCount() >= FIT_LATER_FROM:
            self._fitted_rows = FIT_ROWS  # (an insert before the fit measures nothing of its own)
            QTimer.singleShot(0, self, self._fit_columns)
        elif self._replaced or self._fitted_rows < FIT_ROWS:
            self._fit_columns()
        self._replaced = False

    def _hold_top_row(self, _parent: object, first: int, last: int) -> None:
        if last - first + 1 > BULK_INSERT and self.view.verticalScrollBar().value() > 0:
            top = self.view.indexAt(QPoint(0, 0))
            self._anchor = QPersistentModelIndex(top) if top.isValid() else None

    def _keep_top_row(self, *_args: object) -> None:
        anchor, self._anchor = self._anchor, None
        if anchor is not None and anchor.isValid() and anchor.row() != self.view.indexAt(QPoint(0, 0)).row():
            self.view.scrollTo(
                self.proxy.index(anchor.row(), anchor.column()), QAbstractItemView.ScrollHint.PositionAtTop
            )

    def _on_rows_inserted(self, *_args: object) -> None:
        # a few rows: the new ones are among those the widths come from; or the widths were measured over fewer rows
        # than a full sample (an import into a contest of a few polls: as the reset it used to be did)
        if self.proxy.rowCount() <= FIT_ROWS or self._fitted_rows < FIT_ROWS:
            self._fit_columns()

    def copy_selection(self) -> int:
        """Copy the selected rows (every row if none is selected) as tab-separated text with a header row, in
        the order shown, for a spreadsheet or an e-mail. Returns how many rows were copied."""
        proxy = self.proxy
        picked = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        rows = picked or range(proxy.rowCount())
        columns = [c for c in range(proxy.columnCount()) if not self.view.isColumnHidden(c)]
        # The stored texts and exact figures, formulas escaped (PollTableModel.copied_cells), not the cells as drawn
        lines = ["\t".join(self.model.copied_header(c) for c in columns)]
        for cells in proxy.copied_at(rows):
            lines.append("\t".join(cells[c] for c in columns))
        QApplication.clipboard().setText("\n".join(lines) + "\n")
        return len(rows)

    def selected_polls(self) -> list[Poll]:
        """The selected rows' polls, in the order shown. Read from the selection's ranges (the view selects whole
        rows): selectedRows() asked every cell's flags, 1.5 s for 10,000 selected polls; and from the table's rows
        in one call (PollFilterProxy.polls_at), not a data() call per row."""
        rows = self._selected_rows()
        if self.proxy.poll_model() is not None:  # a PollTableModel's rows are all polls: no test of each
            return self.proxy.polls_at(rows)  # type: ignore[return-value]
        return [poll for poll in self.proxy.polls_at(rows) if isinstance(poll, Poll)]

    def selected_ids(self) -> list[int] | None:
        """The ids of selected_polls() in the same order, read from the table's array of its rows' ids (no poll
        read: a select all + Delete of 100,000 polls read each poll's id on the window's thread); None where the
        table cannot say (a two-round contest's notices shown, a filter of Qt's own)."""
        return self.proxy.poll_ids_at(self._selected_rows())

    def _selected_rows(self) -> Sequence[int]:
        """The selected rows of the proxy, in the order shown."""
        ranges = self.view.selectionModel().selection()
        if ranges.size() == 1:  # (select all, a shift-click run: the rows as they are)
            return range(ranges.at(0).top(), ranges.at(0).bottom() + 1)
        return sorted(
            {row for i in range(ranges.size()) for row in range(ranges.at(i).top(), ranges.at(i).bottom() + 1)}
        )

    def apply_filter(self) -> None:
        """Filter the table by the box's text now (its search texts made first, at once if still missing)."""
        self._filter_pause.stop()
        self._filter_warm.stop()
        self._filter_wanted = False
        self.proxy.setFilterFixedString(self.filter.text())

    def filter_pending(self) -> bool:
        """The box's text is not yet applied to the table (the keys have not paused, or the rows' search texts
        are still being made)."""
        return self._filter_pause.isActive() or self._filter_wanted

    def _on_filter_text_changed(self, text: str) -> None:
        if not text:
            self.apply_filter()
            return
        self._filter_pause.start()  # (a key within the pause restarts it)
        if not self._filter_warm.isActive() and not self.proxy.warm_filter(0):
            self._filter_warm.start()

    def _on_filter_pause_timeout(self) -> None:
        if self._filter_warm.isActive():  # (the search texts still being made: applied once they are)
            self._filter_wanted = True
            return
        self.apply_filter()

    def _on_filter_warm_timeout(self) -> None:
        if self.proxy.warm_filter(FILTER_WARM_ROWS):
            self._filter_warm.stop()
            if self._filter_wanted:
                self.apply_filter()

    def select_poll(self, poll_id: int) -> None:
        row = self.model.row_of(poll_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.filter.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.view.selectionModel().select(index, flags)
        self.view.scrollTo(index)


class MainWindow(QMainWindow):
    """The war room.

    Signals:
        import_requested: a CSV path dropped or chosen.
        presentation_requested: toggle meeting mode.
        unsaved_change_changed: the changes the store refused and not yet settled (retried, exported, discarded),
            kept for Edit > Retry: a tuple of UnsavedChange, oldest first (empty once every one is settled); a
            Retry is heard of once it is over (a change whose form is open is not settled).
    """

    import_requested = Signal(object)
    unsaved_change_changed = Signal(object)
    paste_requested = Signal(str)
    presentation_requested = Signal()
    scenario_view_requested = Signal(str)
    briefing_requested = Signal(object)
    _file_saved = Signal(object)  # a FileSave, emitted from its worker when the file is written or refused

    def __init__(self, polls: PollSource, parent: QWidget | None = None, *, charts: bool = True) -> None:
        """`charts=False`: the window is built and painted without its charts (pyqtgraph not even imported): the
        chart area says "Loading the charts…" and what the charts are given meanwhile is kept, in order, and given
        to them by attach_charts() (the app's start does that once the window has painted; issue 15)."""
        super().__init__(parent)
        self._polls = polls
        self._store_file: Path | None = None  # the SQLite store's file, which no save dialog may write over
        self._backup_dir: Path | None = None  # its backups' folder, which no save dialog may write into
        self.exporting: QProgressDialog | None = None  # File > Export polls' progress while its worker runs
        self.file_writes: list[FileWrite] = []  # exports writing their files on workers (finish_file_writes)
        self._save_progress: dict[int, QProgressDialog] = {}  # each FileSave's progress dialog, by the save's id
        self._file_saved.connect(self._on_file_saved)
        self.undo_stack = QUndoStack(self)
        self._undo_race: tuple[int | None, object] | None = None  # the race the undo history is of (show_contest)
        # the changes the store refused, in the order made: the polls as typed, and the contest's id and name they
        # were typed in, for Retry
        self._unsaved: tuple[UnsavedChange, ...] = ()
        self._retrying = False  # a Retry under way: its changes are not settled (retry_failed_write)
        self._closing_by_user = False  # File > Quit or Ctrl+Q is closing the window (closing_by_user)
        self._session_ending = False  # the desktop session is ending (a logout): no close may wait on a question
        self._closing_unasked = False  # a close nobody may be there to answer: errors are said, never asked
        self.setWindowTitle("warroom")
        self.setAcceptDrops(True)
        self.charts: ChartPanel  # set by attach_charts (at once unless `charts` is False)
        self._chart_calls: list[Callable[[ChartPanel], object]] | None = []  # None once the charts are in
        self._charts_failure = ""  # why the charts could not be loaded (show_charts_failure)
        self.stack = QStackedWidget()
        self.charts_placeholder: QLabel | None = QLabel(CHARTS_LOADING)
        self.charts_placeholder.setObjectName("charts_loading")
        self.charts_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.charts_placeholder.setStyleSheet("color: palette(placeholder-text);")
        self.charts_placeholder.setMinimumSize(MIN_CHARTS_WIDTH, MIN_CHARTS_HEIGHT)
        self.stack.addWidget(self.charts_placeholder)
        self.present_page = QWidget()
        self.present_page.setObjectName("present_page")
        QVBoxLayout(self.present_page).setContentsMargins(12, 12, 12, 12)
        self.stack.addWidget(self.present_page)
        self.setCentralWidget(self.stack)
        self.presenting = False
        self._views: list[str] = ["charts", "scenario"]
        self._view_index = 0
        self._ahead_timer = QTimer(self)  # meeting mode's answer page built ahead (_build_ahead)
        self._ahead_timer.setSingleShot(True)
        self._ahead_timer.setInterval(AHEAD_MS)
        self._ahead_timer.timeout.connect(self._build_ahead)
        self._saved_sheet = ""
        self.polls_pane = PollsPane()
        self.polls_dock = QDockWidget("Polls", self)
        self.polls_dock.setObjectName("polls_dock")
        self.polls_dock.setWidget(self.polls_pane)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.polls_dock)
        self.scenario_dock = QDockWidget("Scenario", self)
        self.scenario_dock.setObjectName("scenario_dock")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.scenario_dock)
        # The scenario panel scrolls inside its dock rather than setting the dock's minimum width: on a laptop
        # the dock gives way and the charts keep their whole date range (see _fit_docks).
        self.scenario_scroll = QScrollArea()
        self.scenario_scroll.setObjectName("scenario_scroll")
        self.scenario_scroll.setWidgetResizable(True)
        # No Tab stop of its own (nor the charts', the panels' inner ones): a focused scroll area draws no focus
        # and has no name, so Tab seemed to do nothing three times a round. Its sliders are the stops, and it still
        # scrolls to the one focused and takes PageUp/PageDown passed up from it.
        self.scenario_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scenario_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scenario_scroll.setMinimumWidth(MIN_SCENARIO_WIDTH)
        # Its scrollbar always takes its width: the panel's lines are fitted to one width in the start's first stage
        # (whose note above it takes height) and here alike, and a bar appearing never pushes the panel past a
        # narrow dock's edge (a horizontal scrollbar).
        self.scenario_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scenario_dock.setWidget(self.scenario_scroll)
        self.polls_pane.setMinimumHeight(MIN_POLLS_HEIGHT)
        self._dock_shares = {"scenario": SCENARIO_SHARE, "polls": POLLS_SHARE}
        self._dock_targets: dict[str, int] = {}
        self._fitting_docks = False
        self.scenario_dock.installEventFilter(self)
        self.polls_dock.installEventFilter(self)
        self.setStatusBar(DataStatusBar(self))  # its messages quote names and files: ui.glyphs' rule
        self.status_store = plain_label()  # a path or URL as typed
        self.status_polls = plain_label()
        self.status_polls.setObjectName("status_polls")
        self._stored_polls = 0
        self._notices: NoticeTable | None = None  # a two-round contest's poll notices, shown as table rows
        self._irv_pair: tuple[str, str] | None = None  # an instant-runoff contest's charted pair (the table's too)
        self._charted_poll: int | None = None  # the poll ringed on the charts (the table's selection)
        self.statusBar().addPermanentWidget(self.status_polls)
        self.statusBar().addPermanentWidget(self.status_store)
        self._build_actions()
        self.polls_pane.add_button.clicked.connect(self.add_poll)
        self.polls_pane.edit_button.clicked.connect(self.edit_selected)
        self.polls_pane.delete_button.clicked.connect(self.delete_selected)
        self.polls_pane.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.polls_pane.view.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.polls_pane.proxy.modelReset.connect(self._on_table_reset)
        self._on_table_selection_changed()
        self._build_toolbar()
        self._icon_ink: str | None = None
        self._ink_icons()
        self._present_keys = []
        for keys, step in ((("Right", "PgDown", "Space", "N"), 1), (("Left", "PgUp", "Backspace", "P"), -1)):
            for key in keys:
                sc = QShortcut(QKeySequence(key), self)
                sc.setEnabled(False)
                sc.activated.connect(partial(self._on_present_key, key, step))
                self._present_keys.append(sc)
        self._escape = QShortcut(QKeySequence("Escape"), self)
        self._escape.setEnabled(False)
        self._escape.activated.connect(self.leave_presentation)
        if charts:
            self.attach_charts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange) and hasattr(self, "_icon_ink"):
            self._ink_icons()
        super().changeEvent(event)

    def _ink_icons(self) -> None:
        """The toolbar's icons drawn to be seen on the window's page: as drawn (#333) on a light one, in the least
        lighter grey that reaches WCAG's 4.5:1 on a dark one (a dark system's palette: #333 on #2b2b2b, 1.1:1)."""
        page = self.palette().color(QPalette.ColorRole.Window).name()
        ink = readable(ICON_STROKE, page)
        wanted = None if ink == readable(ICON_STROKE, "#ffffff") else ink
        if wanted == self._icon_ink:
            return
        self._icon_ink = wanted
        for action in self.findChildren(QAction):
            name = action.property("icon_name")
            if isinstance(name, str):
                action.setIcon(icon(name, wanted))

    # --- the charts (built with the window, or attached once the charting library has loaded) -------------

    def attach_charts(self, charts: ChartPanel | None = None) -> None:
        """Put the charts (`charts`, new ones if None: imports pyqtgraph) in their placeholder's place and give
        them, in order, what they were given meanwhile (the contest, its polls and averages, the theme, a two-round
        contest's matchup...). The start builds them in one turn of the event loop and attaches them in the next."""
        if self._chart_calls is None:
            return
        if charts is None:
            from warroom.ui.charts import ChartPanel

            charts = ChartPanel()
        charts.setMinimumSize(MIN_CHARTS_WIDTH, MIN_CHARTS_HEIGHT)
        charts.poll_clicked.connect(self._on_chart_poll_clicked)
        self.charts = charts
        placeholder, self.charts_placeholder = self.charts_placeholder, None
        assert placeholder is not None
        shown = self.stack.currentWidget() is placeholder
        self.stack.insertWidget(0, charts)
        if shown:
            self.stack.setCurrentWidget(charts)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        calls, self._chart_calls = self._chart_calls, None
        for call in calls:
            call(charts)

    def show_charts_failure(self, message: str) -> None:
        """The charts could not be loaded: said in their place (the rest of the window works without them), and
        what they would have been given is no longer kept."""
        if self.charts_placeholder is not None and self._chart_calls is not None:
            self.charts_placeholder.setText(message)
            self.charts_placeholder.setWordWrap(True)
            self._charts_failure = message
            self._chart_calls.clear()

    @property
    def charts_attached(self) -> bool:
        """The charts are built and show what the window was given (False: "Loading the charts…")."""
        return self._chart_calls is None

    def _to_charts(self, call: Callable[[ChartPanel], object]) -> None:
        """`call(charts)` now, or when the charts are attached (in the order the calls were made)."""
        if self._chart_calls is None:
            call(self.charts)
        elif not self._charts_failure:
            self._chart_calls.append(call)

    def _charts_page(self) -> QWidget:
        """The charts, or their placeholder while they load."""
        return self.charts_placeholder if self.charts_placeholder is not None else self.charts

    def ready_charts(self) -> ChartPanel | None:
        """The charts, attached now if they were still loading (an export or a briefing cannot wait); None if they
        could not be loaded (the caller says so)."""
        if self._charts_failure:
            return None
        self.attach_charts()
        self.charts.apply_due_theme()  # (meeting mode's, if the charts have not been shown since it began)
        self.charts.finish_landing()  # (an average still landing over the event loop's turns: read landed)
        return self.charts

    def _export_charts(self, kind: str) -> None:
        charts = self.ready_charts()
        if charts is None:
            self.show_error(f"{self._charts_failure} Nothing was exported.")
        else:
            self.export_view_dialog(charts, kind)

    # --- data down ------------------------------------------------------------------------------------------

    def show_contest(self, contest: Contest) -> None:
        self.setWindowTitle(
            title_text(f"{contest.title} — warroom")
        )  # a demo race is marked as one; a long name elided
        self.setAccessibleDescription(drawable(contest.title))
        for action in (*self._race_actions(), *self._export_actions()):  # (off while no race was open)
            action.setEnabled(True)
        # A two-round race's polls are notices with questions: the form's plain poll would be stored where none
        # of its averages, charts or the command line read it ("1 poll added", and no figure moved).
        plain = contest.system != CountingSystem.TWO_ROUND
        offer(self.action_add, plain, ADD_TIP, TWO_ROUND_ADD_TIP)
        self.polls_pane.add_button.setEnabled(plain)
        self.polls_pane.add_button.setToolTip(ADD_BUTTON_TIP if plain else TWO_ROUND_ADD_TIP)
        offer(self.action_export, plain, EXPORT_TIP, TWO_ROUND_EXPORT_TIP)
        if self.statusBar().currentMessage() in (NO_RACE_MESSAGE, NO_RACE_STORED_MESSAGE):
            self.statusBar().clearMessage()
        self.polls_pane.model.set_contest(contest)
        self._to_charts(lambda charts: charts.set_contest(contest))
        self._charted_poll = None  # the table's selection went with its rows (a reset says nothing of it)
        self._irv_pair = None
        # Another race's history goes (Undo must never act on a race not shown). The same race edited in place
        # (File > Edit contest: a rename, a colour, a candidate, its system; a teammate's edit of it) keeps its
        # history: it was cleared too, so a rename took away the Undo of the polls deleted just before it.
        # A race without a creation time (made before it was kept) cannot be told from another made under its id
        # after a teammate deleted it: its history goes at every load, as before.
        race = (contest.id, self.race_mark())
        if contest.id is None or race[1] is None or race != self._undo_race:
            self.undo_stack.clear()
        self._undo_race = race

    def show_no_contest(self, *, none_stored: bool = False) -> None:
        """No race is open (its read at the start cancelled, or the race opened after a delete failed or refused;
        `none_stored`: the store holds none, every race deleted): the title and status bar say so and ask for one
        to be picked (or made), and adding, importing and pasting polls, which need a race, are off until one is
        opened (show_contest)."""
        self.setWindowTitle(f"{NO_RACE_TITLE} — warroom")
        self.setAccessibleDescription(NO_RACE_TITLE)
        self.statusBar().showMessage(NO_RACE_STORED_MESSAGE if none_stored else NO_RACE_MESSAGE)
        for action in (*self._race_actions(), *self._export_actions()):
            action.setEnabled(False)
        self.polls_pane.add_button.setEnabled(False)  # (Add poll's button beside the table)
        self._to_charts(lambda charts: charts.show_no_race())
        # The race last shown's panel, pickers and table go: a two-round race's runoff panel and matchup pickers,
        # an instant-runoff race's panel (each kept hidden for the next race), its notices and candidate columns.
        self._irv_on = self._two_round_on = False
        self._irv_pair = None
        if getattr(self, "runoff_toolbar", None) is not None:
            self.runoff_toolbar.hide()
        self.scenario_dock.setWindowTitle("Scenario")
        self._show_scenario_panel()  # (the runoff panel, which says no race is open: ScenarioController)
        self._plan_ahead()  # (meeting mode's answer page is that panel's)
        if self.presenting:  # (a teammate deleted the race during a meeting: the projector shows it no more)
            self._show_view()
        self.show_notices(None)
        self.polls_pane.model.clear_contest()
        # (Undo must never act on a race not shown: the race deleted's steps went with it)
        self.undo_stack.clear()
        self._undo_race = None

    def _race_actions(self) -> tuple[QAction, ...]:
        """The actions that put polls or event markers into the race open (or take markers off it): nothing to do
        with no race open."""
        names = ("action_add", "action_import", "action_paste", "action_annotate", "action_remove_marker")
        return tuple(a for a in (getattr(self, n, None) for n in names) if a)

    def _export_actions(self) -> tuple[QAction, ...]:
        """The actions that write the race open to a file (its polls, charts, briefing, panel): none with no race
        open (a briefing or chart of no race, or of the race deleted)."""
        menu = getattr(self, "export_menu", None)
        held = (getattr(self, "action_export", None), menu.menuAction() if menu is not None else None)
        in_menu = [a for a in menu.actions() if not a.isSeparator()] if menu is not None else []
        return tuple(a for a in (*held, *in_menu) if a is not None)

    def show_polls(
        self,
        change: object,
        polls_by_id: Mapping[int, Poll],
        ordered: Sequence[Poll] | None = None,
        fieldwork_days: Callable[[], Sequence[int]] | None = None,
    ) -> None:
        """Apply a PollChange to the table (row by row unless the list was reloaded).

        Args:
            ordered: the same polls by fieldwork end, then id, where the caller holds them so (the poll service
                does): a reload is not sorted again (100,000 polls: 0.3-0.5 s of this thread).
            fieldwork_days: gives each of `ordered`'s fieldwork end day (date.toordinal), where the caller keeps
                them (the poll service does): a reload's table does not read every poll's date again to sort.
        """
        model = self.polls_pane.model
        if getattr(change, "reloaded", True):
            days = None
            if ordered is None or len(ordered) != len(polls_by_id):
                ordered = sorted(polls_by_id.values(), key=lambda p: (p.fieldwork_end, p.id or 0))
            elif fieldwork_days is not None:
                days = fieldwork_days()
            model.set_polls(ordered, fieldwork_days=days)
            self._to_charts(lambda charts: charts.expect_polls(len(polls_by_id)))  # a big one: markers drawn ahead
            if getattr(change, "external", False) and not getattr(change, "same_polls", False):
                self.statusBar().showMessage("Polls updated from the shared store", 4000)
                self.undo_stack.clear()  # history no longer matches what is stored
        else:
            model.apply(polls_by_id, change.added, change.updated, change.removed)  # type: ignore[attr-defined]
            # the points now; the lines when the average lands
            self._to_charts(lambda charts: charts.show_polls(change, polls_by_id))
        self._stored_polls = len(polls_by_id)
        self._show_poll_count()

    def show_notices(self, table: NoticeTable | None) -> None:
        """A two-round contest's poll notices in the poll table (None: none), one read-only row per notice
        showing the chosen first-round list and runoff matchup, counted in the status bar."""
        self._notices = table if table is not None and table.rows else None
        model = self.polls_pane.model
        if table is not None and table.pair is not None:
            model.set_pair(*table.pair)
        model.set_notices(table.rows if table is not None else ())
        self._on_table_selection_changed()  # a selected notice may have become another question's row
        self._show_poll_count()

    def show_averages(self, polls: Sequence[Poll], averages: PollAverages | None) -> None:
        self._to_charts(lambda charts: charts.show_data(polls, averages))
        if averages is None or self._irv_pair is not None:
            return  # an instant-runoff contest's table follows its chart's pair (show_irv_pair_lead)
        if self._notices is None or self._notices.pair is None:
            self.polls_pane.model.set_pair(averages.a, averages.b)

    def show_annotations(self, annotations: Sequence[Annotation]) -> None:
        self._to_charts(lambda charts: charts.show_annotations(annotations))

    def show_store(self, where: str, store_file: Path | None = None, backup_dir: Path | None = None) -> None:
        """The store as it may be shown, its file (SQLite) and its backup folder, which no save dialog may write
        over or into."""
        self.status_store.setText(f"Store: {where}")
        self.status_store.setToolTip(literal_tip(where))  # (a path as typed, never read as HTML)
        self._store_file = store_file
        self._backup_dir = backup_dir

    def _writable_export(self, path: Path) -> bool:
        """False (and says so) when an export chosen in a save dialog would replace the poll store itself or its
        -wal/-shm/-journal file: the dialog asks before overwriting, but not that this file is the live store."""
        if overwrites_store(path, self._store_file):
            self.show_error(f"{path} is the poll store itself; choose another file. Nothing was written.")
            return False
        if in_backup_folder(path, self._backup_dir):
            self.show_error(f"{path} is in the store's backup folder, which is warroom's own; choose another folder. Nothing was written.")  # fmt: skip
            return False
        return True

    def apply_color_scheme(self, dark: bool) -> None:
        """Light or dark charts to match the system (meeting mode has its own projector theme)."""
        if dark == getattr(self, "_dark", False) and not self.presenting:
            return  # the charts have it already (they are built light): re-styling every axis is not free at start
        self._dark = dark
        if not self.presenting:
            self._to_charts(lambda charts: charts.apply_theme(_theme(dark)))

    def chart_theme(self) -> Theme:
        """The theme the charts are drawn in now (the system's light or dark, or meeting mode's projector), for a
        chart shown outside them (the forecast dialog)."""
        return _theme(getattr(self, "_dark", False), projector=self.presenting)

    def show_error(self, message: str) -> None:
        """A message box the user dismisses; during a close that cannot ask (a signal, a session ending: see
        close_unasked) the status bar and standard error instead, so that the close never waits on it."""
        if self._closing_unasked:
            self.statusBar().showMessage(message)
            print(f"warroom: {message}", file=sys.stderr)
            return
        ask_plain(self, "warroom", message, icon=QMessageBox.Icon.Warning, buttons=QMessageBox.StandardButton.Ok)

    def close_unasked(self) -> None:
        """The window is closing with nobody there to answer (a signal, a session ending, a program's close): from
        now on an error (a change still on its way that fails) is said without a modal message box."""
        self._closing_unasked = True

    def set_scenario_widget(self, widget: QWidget) -> None:
        """The live scenario panel, shown in the right dock inside a scroll area (and on its own in meeting mode)."""
        self._scenario_widget = widget
        self._put_in_scroll(widget)

    def set_answer_widget(self, widget: QWidget | Callable[[], QWidget]) -> None:
        """Meeting mode's answer-only view ("answer" in the presentation views), or a function that builds it the
        first time meeting mode shows it (the start does not build what its first screen never shows)."""
        self._answer_widget = widget
        self._built("_answer_widget", build=False)

    def set_two_round_answer_widget(self, widget: QWidget | Callable[[], QWidget]) -> None:
        """Meeting mode's answer view for a two-round contest (shown instead of the runoff-count one), or a
        function that builds it when first shown."""
        self._two_round_answer = widget
        self._built("_two_round_answer", build=False)

    def set_irv_answer_widget(self, widget: QWidget | Callable[[], QWidget]) -> None:
        """Meeting mode's answer view for an instant-runoff contest (ui.irv_answer), or a function that builds it
        when first shown."""
        self._irv_answer = widget
        self._built("_irv_answer", build=False)

    def _irv_shown(self) -> bool:
        """The open contest counts by instant runoff: its panel is the scenario panel shown."""
        irv = getattr(self, "_irv_widget", None)
        return irv is not None and getattr(self, "_scenario_widget", None) is irv

    def set_saved_scenario_widget(self, widget: QWidget | Callable[[], QWidget]) -> None:
        """The widget meeting mode shows a saved scenario in (read-only; the live scenario panel is untouched), or
        a function that builds it when first shown."""
        self._saved_widget = widget
        self._built("_saved_widget", build=False)

    def _built(self, name: str, *, build: bool = True) -> QWidget | None:
        """The meeting-mode widget held in attribute `name`, built now if a function to build it is held there
        (`build`; else None until it is), and taken in once: a page of the stack, or (the saved scenario's) hidden
        until shown."""
        held = getattr(self, name, None)
        if held is None or (not build and not isinstance(held, QWidget)):
            return None
        widget: QWidget = held if isinstance(held, QWidget) else held()
        setattr(self, name, widget)
        if name == "_saved_widget":
            if widget.parent() is None:
                widget.hide()
        elif self.stack.indexOf(widget) < 0:
            # (its least size no part of the window's: a stack's least size is its largest page's, and an answer page
            # in a projector's type, built ahead, held the charts' page taller than the window's least size gives it)
            widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            self.stack.addWidget(widget)
        return widget

    # --- instant runoff (issue 12): the IRV panel takes the SV panel's place in the scenario dock ---------------

    def set_irv_widget(self, widget: QWidget) -> None:
        """The instant-runoff scenario panel, shown instead of the SV one for a contest counted by IRV."""
        self._irv_widget = widget
        widget.hide()

    def show_counting_system(self, contest: Contest) -> None:
        """The IRV panel in the dock (and in meeting mode) for a contest counted by instant runoff."""
        self._irv_on = contest.system == CountingSystem.IRV
        self._plan_ahead()  # (its answer page may be another)
        # The Scenario menu serves whichever panel is shown (ui.actions.ScenarioActions fills it for the contest).
        self._show_scenario_panel()

    def _for_counting_system(self, view: str) -> str:
        """Meeting mode's view for the open contest: an instant-runoff race's answer is its own answer page
        (ui.irv_answer), or the IRV panel when none is set, never the top-two runoff answer view."""
        if view == "answer" and self._irv_shown() and getattr(self, "_irv_answer", None) is None:
            return "scenario"
        return view

    # --- two-round contests (issue 11): their own scenario panel, pickers above the charts ---------------------

    def set_two_round_widgets(self, panel: QWidget, pickers: QWidget) -> None:
        """The two-round scenario panel (shown instead of the SV panel for a two-round contest) and its matchup
        and hypothesis pickers (a toolbar row above the charts, shown with it)."""
        self._two_round_panel = panel
        panel.hide()
        panel.setParent(self)
        self.runoff_toolbar = QToolBar("Runoff matchup")
        self.runoff_toolbar.setObjectName("runoff_toolbar")
        self.runoff_toolbar.setMovable(False)
        self.runoff_toolbar.addWidget(pickers)
        self._two_round_pickers = pickers
        self.addToolBarBreak()
        self.addToolBar(self.runoff_toolbar)
        self.runoff_toolbar.hide()

    def show_two_round(self, on: bool) -> None:
        """Show the two-round panel and pickers (on) or the contest's other panel (off) in the scenario dock."""
        if getattr(self, "_two_round_panel", None) is None:
            return
        self._two_round_on = on
        self._plan_ahead()  # (its answer page is the two-round one)
        self.runoff_toolbar.setVisible(on and not self.presenting)
        self._show_scenario_panel()
        self.scenario_dock.setWindowTitle("Runoff scenario" if on else "Scenario")
        if on:
            self._tab_to_the_pickers()

    def _tab_to_the_pickers(self) -> None:
        """Tab goes from the contest picker to the runoff toolbar's matchup and hypothesis pickers under it, then to
        the panel, as the window reads: the pickers came after the panel's break-even question, past its levers."""
        previous = self.findChild(QComboBox, "contest_picker")
        if previous is None:
            return
        for combo in self._two_round_pickers.findChildren(QComboBox):
            QWidget.setTabOrder(previous, combo)
            previous = combo

    def _show_scenario_panel(self) -> None:
        """The one scenario panel the open contest uses, in the dock: the two-round panel, else the IRV panel,
        else the SV panel. The others are kept (hidden), not deleted: the next contest may count another way."""
        sv = getattr(self, "_sv_widget", None) or getattr(self, "_scenario_widget", None)
        if sv is None:
            return
        self._sv_widget = sv
        two_round = getattr(self, "_two_round_panel", None)
        irv = getattr(self, "_irv_widget", None)
        if getattr(self, "_two_round_on", False) and two_round is not None:
            wanted = two_round
        elif getattr(self, "_irv_on", False) and irv is not None:
            wanted = irv
        else:
            wanted = sv
        if getattr(self, "_scenario_widget", None) is wanted:
            return
        self._return_scenario_widget()
        old = self.scenario_scroll.widget()
        if old is not None and old is not wanted:
            self.scenario_scroll.takeWidget()  # setWidget would delete it
            old.setParent(self)
            old.hide()
        self._scenario_widget = wanted
        self._put_in_scroll(wanted)

    def show_matchup_lead(self, days: object, leads: object, pollsters: object, average: object, title: str) -> None:
        """The chosen runoff matchup's head-to-heads on the runoff-lead chart (it keeps them across poll updates)."""
        self._to_charts(lambda charts: charts.show_matchup_lead(days, leads, pollsters, average, title))  # type: ignore[arg-type]
        self._settle_chart_ranges()

    def show_irv_pair_lead(self, lead: IrvPairLead) -> None:
        """An instant-runoff contest's runoff-lead chart: the lead in the pair its elimination chain ends with
        (core.irv_pipeline.irv_pair_lead), not the first round's top two. The poll table's runoff column
        names the same pair, so table and chart never disagree."""
        self._irv_pair = lead.pair
        self.polls_pane.model.set_pair(*lead.pair)
        self._to_charts(
            lambda charts: charts.show_matchup_lead(
                lead.days, lead.leads, list(lead.pollsters), lead.average, lead.title, lead.tooltip, IRV_POINTS
            )
        )

    def show_campaign_chart(self, chart: object) -> None:
        """A two-round contest's first round (from its poll questions) on the first-round charts."""
        self._to_charts(lambda charts: charts.show_campaign(chart))  # type: ignore[arg-type]
        self._settle_chart_ranges()

    def show_value_extents(self, extents: object) -> None:
        """A two-round contest's value extents over every matchup and list (None: none): the charts' value axes
        stay put through a switch (ChartPanel.set_value_extents)."""
        self._to_charts(lambda charts: charts.set_value_extents(extents))  # type: ignore[arg-type]

    def draw_ahead(self, chart: object, lead: Sequence[object]) -> None:
        """A two-round choice worked out ahead at idle (its CampaignChart and its runoff lead as show_matchup_lead
        takes it): the charts draw it off screen now, if they are attached (ChartPanel.draw_ahead)."""
        if self.charts_attached and self.charts.isVisible():
            self.charts.draw_ahead(chart, lead)  # type: ignore[arg-type]

    def _settle_chart_ranges(self) -> None:
        """Fit the charts' value axes to their new data now, not while they paint: pyqtgraph fits them in the
        paint, and the new range then asked for a second paint of every chart that changed (a matchup or
        hypothesis switch painted the charts twice; benchmarks/bench_two_round_switch.py)."""
        self._to_charts(lambda charts: charts.settle_ranges())

    # --- presentation mode ----------------------------------------------------------------------------------

    def set_presentation_views(self, views: Sequence[str]) -> None:
        """The sequence stepped through in meeting mode: "answer", "charts", "scenario" or "scenario:<saved name>"
        (typed by hand in settings.ini: read whatever their case and spacing; a name that is no view, which showed
        the scenario panel in its place, is left out and named in the status bar)."""
        known, unknown = [], []
        for view in (v.strip() for v in views):
            head, colon, name = view.partition(":")
            if head.strip().lower() in MEETING_VIEWS and not colon:
                known.append(head.strip().lower())
            elif head.strip().lower() == "scenario" and colon and name.strip():
                known.append(f"scenario:{name.strip()}")
            elif view:
                unknown.append(view)
        self._views = known or ["charts"]
        if unknown:
            self.statusBar().showMessage(
                "Meeting mode leaves out "
                + ", ".join(repr(v) for v in unknown)
                + " from settings.ini's presentation_views: the views are answer, charts, scenario and "
                "scenario:<saved name>",
                15000,
            )

    def toggle_presentation(self) -> None:
        if self.presenting:
            self.leave_presentation()
        else:
            self.enter_presentation()

    def enter_presentation(self) -> None:
        if self.presenting:
            return
        self.presenting = True
        # The docks as they are, given back on leaving by showing those shown now (restoreState laid out the whole
        # window again from a saved state: 35-45 ms of leaving at 100,000 polls, for docks meeting mode only hid)
        self._docks_before = {dock: dock.isVisibleTo(self) for dock in (self.polls_dock, self.scenario_dock)}
        # and the bars as they are: one the user hid (the toolbar unticked) stays hidden on leaving
        self._bars_before = {bar: bar.isVisibleTo(self) for bar in (self.menuBar(), self.statusBar(), self.toolbar)}
        self._runoff_before = (
            (getattr(self, "_two_round_on", False), self.runoff_toolbar.isVisibleTo(self))
            if hasattr(self, "runoff_toolbar")
            else None
        )
        self._was_maximized = self.isMaximized()
        self._normal_rect = self.geometry()  # Esc gives back exactly this window
        # and the focus where it was (it was left on no widget at all: a keyboard user lost their place)
        self._focus_before = QApplication.focusWidget()
        self.polls_dock.hide()
        self.scenario_dock.hide()
        self.menuBar().hide()
        self.statusBar().hide()
        self.toolbar.hide()
        if hasattr(self, "runoff_toolbar"):
            self.runoff_toolbar.hide()  # leave_presentation brings it back for a two-round contest
        # The projector's sheet on the stack alone (every view meeting mode shows is one of its pages): set on the
        # window, it re-polished the hidden docks, toolbars and menus too, the poll table among them (100-250 ms
        # of the turn at 100,000 polls, again on leaving)
        self._saved_sheet = self.stack.styleSheet()
        self.stack.setStyleSheet(stylesheet("projector"))
        for sc in (*self._present_keys, self._escape):
            sc.setEnabled(True)
        self._view_index = 0
        self._show_view()
        # (after the first view is shown: charts it hides take the projector's theme in a later turn, or when shown)
        self._to_charts(lambda charts: charts.apply_theme_when_shown(_theme(projector=True)))
        self.showFullScreen()

    def leave_presentation(self) -> None:
        if not self.presenting:
            return
        self.presenting = False
        for sc in (*self._present_keys, self._escape):
            sc.setEnabled(False)
        self._return_scenario_widget()
        # The window laid out at its size again with the charts off screen (the meeting page, emptied, in their
        # place), the charts then shown once at their final size: shown first, each step of the way (the window's
        # size, its bars, each dock) resized them again, their linked x-ranges and date axes worked out each time
        # (about 40 ms of leaving at 100,000 polls)
        self.stack.setCurrentWidget(self.present_page)
        self.stack.setStyleSheet(self._saved_sheet)
        # The window at its size first, then its bars and docks: shown before, they were laid out at the size the
        # window has between full screen and its own as well (offscreen: the screen's, 10-25 ms of leaving at
        # 100,000 polls, the poll table and scenario panel among them)
        self.showNormal()
        if self._was_maximized:
            self.showMaximized()
        if not self._was_maximized:
            self.setGeometry(self._normal_rect)
        for bar, shown in self._bars_before.items():  # each bar as it was on entering, none the user hid
            bar.setVisible(shown)
        for dock, shown in self._docks_before.items():
            dock.setVisible(shown)
        if hasattr(self, "runoff_toolbar"):
            # as it was on entering, unless a race of another counting system was opened meanwhile: then the open
            # contest's system decides it (as restoreState does)
            two_round = getattr(self, "_two_round_on", False)
            before = self._runoff_before
            self.runoff_toolbar.setVisible(before[1] if before is not None and before[0] == two_round else two_round)
        # the docks at their shares now, and the charts' page at its final size while they are off screen (the
        # layout activated); once more in a later turn for a window manager that answers showNormal late
        self._settle_docks()
        layout = self.layout()
        if layout is not None:
            layout.activate()
        QTimer.singleShot(0, self, self._settle_docks)  # the docks' shares, as after a restoreState
        dark = getattr(self, "_dark", False)
        if self.charts_attached:
            with self.charts.points_held():  # (each series handed its points once, for the view shown)
                self.charts.apply_theme(_theme(dark))
                self.stack.setCurrentWidget(self.charts)
                self.charts.fit_layout()  # (their keys and heights, fitted before the paint: not after it)
                self.charts.settle_ranges()  # (the value axes fitted to the new marker sizes before the paint)
        else:
            self._to_charts(lambda charts: charts.apply_theme(_theme(dark)))
            self.stack.setCurrentWidget(self._charts_page())
        before = getattr(self, "_focus_before", None)
        if before is not None and not shiboken6.isValid(before):
            before = None  # (deleted meanwhile: a race's panel built again)
        if before is not None and self.isAncestorOf(before) and before.isVisibleTo(self) and before.isEnabled():
            before.setFocus(Qt.FocusReason.OtherFocusReason)
        elif (now := QApplication.focusWidget()) is None or not now.isVisible():
            self.focusNextChild()  # (the widget focused before went meanwhile: the window's first tab stop)

    def step_view(self, step: int) -> None:
        if not self.presenting:
            return
        self._view_index = (self._view_index + step) % len(self._views)
        self._show_view()

    def _on_present_key(self, key: str, step: int) -> None:
        """A meeting-mode key: steps the views, but an arrow goes to the slider that has the focus (Tab reaches the
        scenario view's sliders) and Space presses the button or check box that has it. The window's shortcut took the arrows before the slider saw them, so Right stepped
        the view away from a focused slider and the projector's sliders could not be moved from the keyboard."""
        focused = QApplication.focusWidget()
        if key in ("Right", "Left") and isinstance(focused, QAbstractSlider) and self.isAncestorOf(focused):
            # As QAbstractSlider's own arrow keys (a key event sent to it would meet this shortcut again): Right
            # adds, unless the slider reads right to left or its controls are inverted.
            adds = (key == "Right") != (focused.layoutDirection() == Qt.LayoutDirection.RightToLeft)
            adds = adds != focused.invertedControls()
            action = QAbstractSlider.SliderAction
            focused.triggerAction(action.SliderSingleStepAdd if adds else action.SliderSingleStepSub)
            return
        if key == "Space" and isinstance(focused, QAbstractButton) and self.isAncestorOf(focused):
            focused.click()  # (Space stepped the view past a focused button or check box: it could not be pressed)
            return
        self.step_view(step)

    def current_view(self) -> str:
        return self._views[self._view_index] if self.presenting else "editing"

    def _show_view(self) -> None:
        view = self._for_counting_system(self._views[self._view_index])
        if view == "charts":
            self._return_scenario_widget()
            self.stack.setCurrentWidget(self._charts_page())
            return
        if view == "answer" and (answer := self._answer_page()) is not None:
            self._return_scenario_widget()
            self.stack.setCurrentWidget(answer)
            return
        widget = getattr(self, "_scenario_widget", None)
        if view.startswith("scenario:"):
            saved = self._built("_saved_widget")
            if saved is not None:
                self._return_scenario_widget()
                widget = saved
            self.scenario_view_requested.emit(view.split(":", 1)[1])
        else:
            self._hide_saved_widget()
        if widget is None:
            return
        shown: QWidget = widget
        if shown.parent() is not self.present_page:
            if self.scenario_scroll.widget() is shown:
                # Take it from the dock's scroll area first: an owner left behind keeps resizing it to the
                # hidden dock's size, and the meeting page would show it in one corner of the projector.
                self.scenario_scroll.takeWidget()
            layout = self.present_page.layout()
            assert layout is not None
            layout.addWidget(shown)
        shown.show()
        self.stack.setCurrentWidget(self.present_page)

    def _answer_page(self) -> QWidget | None:
        """The answer page meeting mode shows for the open contest (two-round, instant-runoff or runoff-count), built
        now if it is not yet; None with none set."""
        if getattr(self, "_answer_widget", None) is None:
            return None
        two_round = self._built("_two_round_answer") if getattr(self, "_two_round_on", False) else None
        irv = self._built("_irv_answer") if two_round is None and self._irv_shown() else None
        return two_round if two_round is not None else irv if irv is not None else self._built("_answer_widget")

    def _plan_ahead(self) -> None:
        """Build meeting mode's answer page AHEAD_MS from now (a later call starts the wait again)."""
        if self.isVisible() and not self.presenting:
            self._ahead_timer.start()

    def _build_ahead(self) -> None:
        """Meeting mode's answer page for the open contest, built in this idle turn if meeting mode shows one and it
        is not built yet (the turn that enters meeting mode then finds it built, with the live figures in: its page
        follows the scenario and the averages from then on, as one built on first use did)."""
        if self.presenting or not self.isVisible() or not self.charts_attached:
            if self.isVisible() and not self.presenting:
                self._plan_ahead()  # (the charts not in yet: try again later)
            return
        if "answer" in self._views and self._for_counting_system("answer") == "answer":
            self._answer_page()

    def _hide_saved_widget(self) -> None:
        saved = self._built("_saved_widget", build=False)  # (one never built is not built to be hidden)
        if saved is not None:
            saved.hide()

    def _return_scenario_widget(self) -> None:
        self._hide_saved_widget()
        widget = getattr(self, "_scenario_widget", None)
        if widget is not None:
            self._put_in_scroll(widget)

    def _put_in_scroll(self, widget: QWidget) -> None:
        scroll = self.scenario_scroll
        if widget.parentWidget() is scroll.viewport():
            return
        if scroll.widget() is widget:  # it was lent to the meeting page: take it back without deleting it
            scroll.takeWidget()
        scroll.setWidget(widget)
        widget.show()

    # --- layout ---------------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A dock resized by dragging its separator keeps that share of the window from then on."""
        dragging = bool(QApplication.mouseButtons() & Qt.MouseButton.LeftButton)
        if event.type() == QEvent.Type.Resize and dragging and not self._fitting_docks and not self.presenting:
            for key, dock, along in (
                ("scenario", self.scenario_dock, self.width()),
                ("polls", self.polls_dock, self.height()),
            ):
                if watched is dock and dock.isVisible() and along > 0:
                    size = dock.width() if key == "scenario" else dock.height()
                    target = self._dock_targets.get(key)
                    if target is not None and abs(size - target) > 2:
                        self._dock_shares[key] = size / along
                        self._dock_targets[key] = size
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._settle_docks()

    def restoreState(self, state: QByteArray | bytes, version: int = 0) -> bool:  # type: ignore[override]
        """Docks as saved, and their sizes kept as the shares the docks take from then on."""
        ok = super().restoreState(state, version)
        if hasattr(self, "runoff_toolbar"):  # a saved layout does not decide it: the open contest's system does
            self.runoff_toolbar.setVisible(getattr(self, "_two_round_on", False) and not self.presenting)
        # A saved layout sets new shares (leaving meeting mode restores no state: its shares stand)
        if ok and not self.presenting:
            self._adopt_pending = True
        QTimer.singleShot(0, self, self._settle_docks)
        return ok

    def _settle_docks(self) -> None:
        if self.presenting:
            return
        if getattr(self, "_adopt_pending", False):
            if not self.isVisible():
                return  # the restored sizes are applied when the window is first laid out (showEvent)
            self._adopt_pending = False
            self._adopt_dock_sizes()
        else:
            self._fit_docks()

    def _docked(self, dock: QDockWidget, areas: tuple[Qt.DockWidgetArea, ...]) -> bool:
        return dock.isVisible() and not dock.isFloating() and self.dockWidgetArea(dock) in areas

    def _adopt_dock_sizes(self) -> None:
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the restored sizes, applied now
        width, height = self.width(), self.height()
        if width <= 0 or height <= 0:
            return
        if self.scenario_dock.isVisible() and self.scenario_dock.width() > 0:
            self._dock_shares["scenario"] = min(MAX_SHARE, self.scenario_dock.width() / width)
        if self.polls_dock.isVisible() and self.polls_dock.height() > 0:
            self._dock_shares["polls"] = min(MAX_SHARE, self.polls_dock.height() / height)
        self._fit_docks()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._plan_ahead()  # meeting mode's answer page, built ahead in an idle turn
        # docks sized before the first show do not stick: once more when laid out
        QTimer.singleShot(0, self, self._settle_docks)

    def _fit_docks(self) -> None:
        """Docks at their share of the window, within limits that leave the charts their minimum size."""
        width, height = self.width(), self.height()
        if width <= 0 or height <= 0:
            return
        scenario, polls = dock_sizes(width, height, self._dock_shares["scenario"], self._dock_shares["polls"])
        self._dock_targets = {"scenario": scenario, "polls": polls}
        self._fitting_docks = True
        try:
            sides = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
            ends = (Qt.DockWidgetArea.TopDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea)
            # Only docks in their usual place are sized: one the user floated or moved keeps what it has.
            if self._docked(self.scenario_dock, sides):
                self.resizeDocks([self.scenario_dock], [scenario], Qt.Orientation.Horizontal)
            if self._docked(self.polls_dock, ends):
                self.resizeDocks([self.polls_dock], [polls], Qt.Orientation.Vertical)
            layout = self.layout()
            if layout is not None:
                layout.activate()
        finally:
            self._fitting_docks = False

    # --- actions --------------------------------------------------------------------------------------------

    def add_poll(self, template: Poll | None = None) -> None:
        """Enter a poll. If saving fails (disk full, read-only store) the form comes back as it was typed."""
        contest = self._polls.contest
        if contest is None:
            return
        if contest.system == CountingSystem.TWO_ROUND:  # (its action is off; a template's route says why)
            self.show_error(TWO_ROUND_ADD_TIP + ".")
            return
        opened = self.race_mark()
        entered = template
        while True:
            accepted, typed = self._ask_poll(contest, entered)
            if not accepted:
                if typed.pollster or typed.first_round or typed.party_vi:
                    self._keep_if_closing(contest, opened, "add", typed)
                return
            entered = typed
            if self.moved_on(contest, opened, "add", [entered]):
                return
            if self._push(AddPollsCommand(self._polls, [entered], self.show_error)):
                return

    def _ask_poll(self, contest: Contest, entered: Poll | None) -> tuple[bool, Poll]:
        """The poll form on `entered` (None: blank), answered: (saved, the poll as typed). The form is deleted once
        answered: a child of the window, each one made for an Add or Edit was kept, hidden, as long as the window."""
        dialog = PollDialog(contest, self._polls.check_poll, entered, [p.pollster for p in self._polls.polls], self)
        try:
            return bool(dialog.exec()), dialog.poll()
        finally:
            dialog.deleteLater()

    def _keep_if_closing(
        self, contest: Contest, mark: object, action: str, typed: Poll, base: Poll | None = None
    ) -> None:
        """The poll form was closed without OK by a close nobody may be there to answer (SIGTERM, a session ending,
        which close the form and the window together): what was typed is kept for Edit > Retry, in the recovery
        file with the other unsaved changes, instead of going with the form (an edit with the `base` it was made
        against)."""
        if self._closing_unasked:
            bases = () if base is None else (base,)
            self.keep_unsaved(UnsavedChange(action, (typed,), contest.id, contest.name, _born(mark), bases))

    def race_mark(self) -> object:
        """What tells the contest open now from another opened later under its id (its creation time, which a
        rename keeps; see PollService.opened_identity). Taken as a form opens, for moved_on."""
        identity = getattr(self._polls, "opened_identity", None)
        return identity[1] if identity is not None and identity[1] is not None else None

    def still_open(self, contest: Contest, mark: object) -> bool:
        """True if `contest` (its race_mark then) is still the one open: not deleted, nor another opened (a
        teammate's rename is the same race)."""
        now = self._polls.contest
        return now is not None and now.id == contest.id and self.race_mark() == mark

    def moved_on(
        self,
        contest: Contest,
        mark: object,
        action: str,
        entered: Sequence[Poll],
        form: str = "the poll form",
        bases: Sequence[Poll] = (),
    ) -> bool:
        """After `form` on `contest` (its race_mark then) closed with OK: True if that contest is no longer the one
        open (a teammate or another program deleted it while the form was open, and the window opened another).
        The polls typed for it are then not saved into the contest open now (same candidates or not): it is said,
        naming both, and they are kept for Edit > Retry in their own contest."""
        if self.still_open(contest, mark):
            return False
        now = self._polls.contest
        what = f"the {entered[0].pollster} poll" if len(entered) == 1 else f"the {len(entered):,} polls"
        self.show_error(
            f"The contest '{contest.name}' was closed while {form} was open (deleted by a teammate or another "
            f"program{', and ' + repr(now.name) + ' opened' if now is not None else ''}): {what} typed for it "
            f"were not saved anywhere. They are kept for Edit ▸ Retry unsaved change, in '{contest.name}'."
            if len(entered) != 1
            else f"The contest '{contest.name}' was closed while {form} was open (deleted by a teammate or another "
            f"program{', and ' + repr(now.name) + ' opened' if now is not None else ''}): {what} typed for it "
            f"was not saved anywhere. It is kept for Edit ▸ Retry unsaved change, in '{contest.name}'."
        )
        self.keep_unsaved(UnsavedChange(action, tuple(entered), contest.id, contest.name, _born(mark), tuple(bases)))
        return True

    def early_work_elsewhere(
        self, contest: Contest, changes: Sequence[EarlyChange], scenarios: Sequence[str], born: datetime | None = None
    ) -> None:
        """What the start's first stage typed for `contest` (its polls `changes`, its saved `scenarios` by name)
        when the window opened another race instead (a teammate deleted `contest` meanwhile, or replaced it under
        its id): nothing of it is saved into the race open now; it is said, naming both, and the polls added or
        edited are kept for Edit > Retry in their own contest (as moved_on keeps a form's)."""
        now = self._polls.contest
        kept = [
            UnsavedChange(c.kind, c.polls, contest.id, contest.name, born) for c in changes if c.kind in ("add", "edit")
        ]
        verbs = {"add": "the poll added", "edit": "the poll edited", "delete": "the polls deleted"}
        parts = [f"{verbs.get(c.kind, c.kind)} ({', '.join(p.pollster for p in c.polls)})" for c in changes]
        parts += [f"the scenario {name!r}" for name in scenarios]
        self.show_error(
            f"The contest '{contest.name}' was closed while the window opened (deleted by a teammate or another "
            f"program{', and ' + repr(now.name) + ' opened' if now is not None else ''}): "
            f"what was typed for it in the first stage ({'; '.join(parts)}) was not saved anywhere"
            + (f"; the polls are kept for Edit ▸ Retry unsaved change, in '{contest.name}'." if kept else ".")
        )
        if kept:
            self.keep_unsaved(kept)

    def apply_early_changes(self, changes: Sequence[EarlyChange]) -> None:
        """Save, in order, the polls added, edited and deleted in the start's first stage (ui/start_shell.py) with
        this window's own commands (undo, the writer thread). Nothing typed there is lost: a poll the store now
        refuses (a duplicate written meanwhile) comes back in the form as typed; an edit of a poll another process
        changed since opens the form for them to confirm, on the user's changes merged with the store's (the user's where
        both changed a part: the parts the other process changed are not put back to the first read's); a deleted
        poll changed or gone since is left as the store has it, and said."""
        contest = self._polls.contest
        if contest is None:
            return
        for change in changes:
            if change.kind == "add":
                entered = change.polls[0]
                if problems := self._polls.check_poll(entered):  # (the store's polls now: a duplicate written since)
                    self.show_error(_EARLY_REFUSED.format(entered.pollster, "\n• ".join(problems)))
                    self.add_poll(entered)
                elif not self._push(AddPollsCommand(self._polls, change.polls, self.show_error)):
                    self.add_poll(entered)
            elif change.kind == "edit" and change.before is not None:
                after, current = change.polls[0], self._polls.poll(change.before.id or 0)
                if current is None:
                    self.show_error(f"The poll by {after.pollster} you edited was deleted meanwhile: add it again?")
                    self.add_poll(replace(after, id=None))
                elif problems := self._polls.check_poll(after):
                    self.show_error(_EARLY_REFUSED.format(after.pollster, "\n• ".join(problems)))
                    self._edit(contest, current, after)
                elif current != change.before:  # a teammate's edit since: the form, on both (mine where they clash)
                    ids = change.before.id
                    self._edit(contest, current, merged_edit(change.before, replace(after, id=ids), current).mine_first)
                elif not self._push(EditPollCommand(self._polls, current, after, self.show_error)):
                    self._edit(contest, current, after)
            elif change.kind == "delete":
                kept = [p for p in change.polls if self._polls.poll(p.id or 0) == p]
                if kept:
                    self._push(DeletePollsCommand(self._polls, kept, self.show_error))
                if len(kept) < len(change.polls):
                    self.show_error(
                        f"{len(change.polls) - len(kept)} of the polls you deleted had been changed or deleted "
                        "meanwhile: they are left as the store has them."
                    )

    def edit_selected(self) -> None:
        contest = self._polls.contest
        chosen = self.polls_pane.selected_polls()
        if contest is None or not chosen:
            return
        if contest.system == CountingSystem.TWO_ROUND:  # its rows are notices (a double click reaches here)
            self.statusBar().showMessage(TWO_ROUND_EDIT_TIP, 8000)
            return
        self._edit(contest, chosen[0], chosen[0])

    def _edit(self, contest: Contest, before: Poll, entered: Poll) -> None:
        """The poll form on `entered` (as typed so far) for an edit of `before`, until saved or cancelled.

        The save is made against the version the form opened on: a teammate's (or another program's) edit of the
        poll stored meanwhile is merged in where it changed other parts of the poll (core.types.merged_edit; the
        status bar names them); where both changed one part nothing is saved, the parts are named with their
        values, and the form comes back on the values typed (saved again, they go in knowingly). A poll deleted
        meanwhile is offered as a new poll, as typed."""
        opened = self.race_mark()
        while True:
            accepted, typed = self._ask_poll(contest, entered)
            if not accepted or typed == before:
                if typed != before:
                    self._keep_if_closing(contest, opened, "edit", replace(typed, id=before.id), before)
                return
            entered = typed
            if self.moved_on(contest, opened, "edit", [replace(entered, id=before.id)], bases=(before,)):
                return
            try:  # (the store's version, not only the one shown: the watch may not have looked yet)
                now = self._polls.stored_poll(before.id or 0)
            except Exception as exc:  # the store cannot be read: said, and the form again as typed
                where = getattr(exc, "where", "")
                self.show_error(f"The {entered.pollster} poll was not saved: {exc}" + (f"\n\n{where}" if where else ""))
                continue
            if now is None:
                self.show_error(
                    f"The {before.pollster} poll was deleted by a teammate or another program while it was open in "
                    "the form, so the edit was not saved. The form opens again on what you typed, as a new poll: "
                    "save it to add the poll again."
                )
                self.add_poll(replace(entered, id=None))
                return
            kept: tuple[str, ...] = ()
            if now != before:
                merge = merged_edit(before, replace(entered, id=before.id), now)
                before = now  # the store's version is the base from here: saved again, the form's values go in
                if merge.poll is None:
                    self.show_error(_clash_message(before, merge.clashes))
                    entered = merge.mine_first
                    continue
                entered, kept = merge.poll, merge.theirs_changed
                if entered == now:  # both made the same change
                    self.statusBar().showMessage(f"The {now.pollster} poll already had this edit (a teammate's)", 8000)
                    return
                if problems := self._polls.check_poll(entered):
                    self.show_error(
                        f"The {now.pollster} poll, with a teammate's change of its {listed_parts(kept)} kept beside "
                        "yours, cannot be saved:\n• " + "\n• ".join(problems)
                    )
                    continue
            if self._push(EditPollCommand(self._polls, before, entered, self.show_error)):
                if kept:
                    self.statusBar().showMessage(
                        f"Saved the {entered.pollster} poll with a teammate's change of its {listed_parts(kept)} kept "
                        "(made while the form was open)",
                        10000,
                    )
                return

    def show_write_state(self, state: str) -> None:
        """The store writer's state in the status bar: "saving" while a change is on its way to the store, "saved"
        once every one has landed, "failed" (its message is shown apart)."""
        if state == "saving":
            self.statusBar().showMessage("Saving…")
        elif state == "saved" and self.statusBar().currentMessage() == "Saving…":  # (not over another message)
            self.statusBar().showMessage("Saved", 2000)
        elif state == "failed":
            self.statusBar().showMessage("Not saved: the change was taken back (Edit ▸ Retry unsaved change)", 10000)

    def on_write_failed(self, failure: object) -> None:
        """A change shown here could not be saved and was taken back on screen (the service has said why): the
        undo history no longer matches the store, so it is cleared. The change as typed, and every later one taken
        back with it, are kept for Retry after those kept already, in the order made. A change left on its way in
        a contest no longer open took back nothing here (the history stays); it is kept for Retry in its contest."""
        elsewhere = getattr(failure, "elsewhere", "")
        if not elsewhere:
            self.undo_stack.clear()
        changes: tuple[tuple[str, tuple[Poll, ...]], ...] = tuple(getattr(failure, "changes", ()))
        first: tuple[Poll, ...] = tuple(getattr(failure, "polls", ()))
        if not changes and first:
            changes = ((str(getattr(failure, "action", "")), first),)
        contest = self._polls.contest
        if elsewhere:
            where: tuple[int | None, str, datetime | None] = (getattr(failure, "contest_id", None), elsewhere, None)
        else:
            where = (contest.id, contest.name, _born(self.race_mark())) if contest is not None else (None, "", None)
        bases = dict(getattr(failure, "bases", ()))  # an edit's version made against: its Retry is made against it
        kept = tuple(
            UnsavedChange(
                action,
                tuple(polls),
                *where,
                bases=tuple(replace(bases[p.id], id=p.id) for p in polls if action == "edit" and p.id in bases),
            )
            for action, polls in changes
            if polls and action in ("add", "edit", "delete")
        )
        if kept:
            self._set_unsaved(self._unsaved + kept)

    @property
    def unsaved_change(self) -> UnsavedChange | None:
        """The oldest change the store refused, kept as typed for Edit > Retry; None when there is none."""
        return self._unsaved[0] if self._unsaved else None

    @property
    def unsaved_changes(self) -> tuple[UnsavedChange, ...]:
        """Every change the store refused and not yet settled, oldest first."""
        return self._unsaved

    def keep_unsaved(self, change: UnsavedChange | Sequence[UnsavedChange]) -> None:
        """Offer `change` (or several: kept from an earlier session) for Edit > Retry, after those kept already,
        as if it had just been refused."""
        more = (change,) if isinstance(change, UnsavedChange) else tuple(change)
        self._set_unsaved(self._unsaved + tuple(c for c in more if c not in self._unsaved))

    def discard_unsaved(self, change: UnsavedChange | None = None) -> None:
        """The user gave the kept change up (`change`; None: every one)."""
        self._set_unsaved(() if change is None else tuple(c for c in self._unsaved if c is not change))

    def ask_close_while_importing(self) -> bool:
        """The user closes the window while an import runs: whether to close, cancelling it (nothing of it is
        saved). No (the default, and Esc) keeps the window open and the import running."""
        answer = ask_plain(
            self,
            "warroom: an import is running",
            "An import is still running. Closing now cancels it: none of its polls are saved.\n\nClose anyway?",
            icon=QMessageBox.Icon.Warning,
        )
        return answer == QMessageBox.StandardButton.Yes

    def closing_by_user(self, event: QCloseEvent) -> bool:
        """Whether this close is the user's (the window's close button, File > Quit, Ctrl+Q), who can be asked;
        a close by a signal (SIGTERM, Ctrl-C in the terminal), a session ending or a program's own close() is
        not, and must never wait on a question."""
        return not self._session_ending and (event.spontaneous() or self._closing_by_user)

    def on_session_ending(self, *_manager: object) -> None:
        """The desktop session is ending (QGuiApplication.commitDataRequest: a logout, a shutdown): the close that
        follows, even the window manager's, must not wait on a question."""
        self._session_ending = True

    def ask_unsaved_on_close(self, change: UnsavedChange) -> str:
        """Closing with a change the store refused: "retry", "csv", "discard" or "cancel" (the default, and Esc).
        Retry is offered only while the contest it was made in is open; the CSV file always (a race not open, or
        since deleted: its polls' own columns, core.csvformat.contest_of_codes)."""
        here = self.made_here(change)
        contest = self._polls.contest
        more = len(self._unsaved) - 1
        also = f" ({more} more after it: each is asked in turn)" if more > 0 else ""
        text = (
            f"A change the store refused is not saved: {change.describe()}{also}.\n\nIf you close now it is lost. "
            + (
                "Retry it now, save it to a CSV file (File > Import polls reads it back), or discard it?"
                if here
                else f"Open {change.contest_name} to retry it, or save it to a CSV file (its polls' own columns), "
                "or discard it?"
            )
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "warroom: unsaved change",
            drawable(text),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        buttons: dict[object, str] = {}
        if here:
            buttons[box.addButton("Retry now", QMessageBox.ButtonRole.AcceptRole)] = "retry"
        if change.action != "delete" and contest is not None:  # (a refused delete left the polls in the store)
            buttons[box.addButton("Save to a CSV file…", QMessageBox.ButtonRole.ActionRole)] = "csv"
        buttons[box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)] = "discard"
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        buttons[cancel] = "cancel"
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return buttons.get(box.clickedButton(), "cancel")

    def save_unsaved_csv(self, change: UnsavedChange) -> bool:
        """The kept change's polls to a CSV file the user chooses (a poll CSV: Import reads it back). True once
        written; False if the user cancelled or it could not be written (said)."""
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save the unsaved polls", "unsaved-polls.csv", "CSV files (*.csv)"
        )
        path = Path(str(with_ending(from_qt_name(chosen), "csv"))) if chosen else None
        if path is None or not self._writable_export(path):
            return False
        elsewhere = not self.made_here(change)  # (its race not open, gone, or another made under its number)
        try:
            n = self._polls.export_csv(path, change.polls, own_columns=elsewhere)
        except Exception as exc:
            from warroom.ui.export import export_problem

            self.show_error(f"Export failed: {export_problem(path, exc)}")
            return False
        self.statusBar().showMessage(f"{n} unsaved polls saved to {path}", 5000)
        return True

    def _set_unsaved(self, changes: tuple[UnsavedChange, ...]) -> None:
        changed = changes != self._unsaved
        self._unsaved = changes
        self.action_retry.setEnabled(bool(changes))
        if changed and not self._retrying:
            self.unsaved_change_changed.emit(changes)

    def _quit_chosen(self) -> None:
        """File > Quit, Ctrl+Q: the user's own close (closing_by_user)."""
        self._closing_by_user = True
        try:
            self.close()
        finally:
            self._closing_by_user = False

    def ask_close_unsaved(self, pending: int, waited_s: float) -> bool:
        """Closing, with changes the store has not confirmed after `waited_s`: True to keep waiting. Two buttons
        that say what they do ("Keep waiting", the default, and "Close without them")."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "warroom: changes not yet saved",
            f"{pending:,} change(s) are still on their way to the store, which has not answered for {waited_s:.0f} s "
            "(a server stopped, a lock held by another program, a network drive gone?).\n\nKeep waiting? If you "
            "close now, the program still tries them as it ends, but those the store refuses are lost.",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        wait = box.addButton("Keep waiting", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Close without them", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(wait)
        box.setEscapeButton(wait)
        box.exec()
        return box.clickedButton() is wait

    def retry_failed_write(self) -> None:
        """Enter again, in the order made, the changes the store could not save that were made in the open contest:
        the form as typed (an add or an edit of one poll), or the same polls added or deleted again. A form
        cancelled leaves that change and the ones after it kept; changes made in another contest stay kept."""
        contest = self._polls.contest
        if not self._unsaved or contest is None:
            return
        here = [c for c in self._unsaved if self.made_here(c)]
        if not here:  # never into another race (its copy, next year's, one made since under its number)
            typed_name = self._unsaved[0].contest_name
            self.show_error(
                f"The unsaved change was made in {typed_name}, not in {contest.name}: open {typed_name} to retry it."
                if typed_name != contest.name
                else f"The unsaved change was made in an earlier {typed_name}, deleted since (this {contest.name} was "
                "made after it): it is not retried here; save it to a CSV file when you close to keep its polls."
            )
            return
        # A change being retried is not settled until its form is answered and its write sent: unsaved_change_changed
        # (the recovery file) hears of the Retry once it is over. The file lost it as its form opened, and a kill,
        # a crash or a power cut while the user went over the form lost what the file had kept safe.
        before, self._retrying = self._unsaved, True
        try:
            for change in here:
                self._set_unsaved(tuple(c for c in self._unsaved if c is not change))
                if not self._retry_one(contest, change):  # cancelled: it, and the ones after it, stay kept in order
                    self._set_unsaved((change, *self._unsaved))
                    return
        finally:
            self._retrying = False
            if self._unsaved != before:
                self.unsaved_change_changed.emit(self._unsaved)

    def made_here(self, change: UnsavedChange) -> bool:
        """Whether the kept `change` was made in the contest open now: its number, and its creation time when kept
        with the change (else its name), as the window's writes tell a race from one made later under its number
        (PollService.require_still_there): a teammate who deleted the race and made another had the kept polls
        retried into that one."""
        contest = self._polls.contest
        if contest is None or contest.id != change.contest_id:
            return False
        mark = self.race_mark()
        if change.contest_born is not None and mark is not None:
            return change.contest_born == mark
        return change.contest_name == contest.name

    def _retry_one(self, contest: Contest, change: UnsavedChange) -> bool:
        """One kept change entered again; False if its form was cancelled or it was refused at once (nothing
        entered: it stays kept)."""
        steps = self.undo_stack.index(), self.undo_stack.count()
        action, polls = change.action, change.polls
        if action == "add":
            if len(polls) == 1:
                self.add_poll(polls[0])
                return (self.undo_stack.index(), self.undo_stack.count()) != steps
            return self.import_polls(polls)  # (refused at once, said: kept)
        elif action == "edit":
            shown = self._polls.poll(polls[0].id or 0)
            if shown is None:  # a teammate deleted it: the figures typed are offered as a new poll, never dropped
                self.show_error(
                    f"The {polls[0].pollster} poll you edited was deleted by a teammate or another program: add it "
                    "again, as you typed it?"
                )
                self.add_poll(replace(polls[0], id=None))
                return (self.undo_stack.index(), self.undo_stack.count()) != steps
            # against the version the form was opened on (a teammate's change since is found, not written over;
            # a recovery file's edit has none: the poll as shown)
            base = change.base_of(polls[0].id)
            self._edit(contest, shown if base is None else replace(base, id=shown.id), replace(polls[0], id=shown.id))
            return (self.undo_stack.index(), self.undo_stack.count()) != steps
        elif action == "delete":
            still = [p for p in (self._polls.poll(q.id or 0) for q in polls) if p is not None]
            if still:
                return self._push(DeletePollsCommand(self._polls, still, self.show_error))
        return True

    def delete_selected(self) -> None:
        chosen = self.polls_pane.selected_polls()
        contest = self._polls.contest
        if chosen and contest is not None and contest.system == CountingSystem.TWO_ROUND:  # (its action is off)
            self.statusBar().showMessage(TWO_ROUND_EDIT_TIP, 8000)
            return
        if chosen:
            ids = self.polls_pane.selected_ids()
            self._push(DeletePollsCommand(self._polls, chosen, self.show_error, ids=ids))

    def import_polls(self, polls: Sequence[Poll]) -> bool:
        return self._push(AddPollsCommand(self._polls, polls, self.show_error))

    def record_import(self, stored: Sequence[Poll]) -> None:
        """Polls an import already stored (off the GUI thread): one undo step removes them again."""
        self.undo_stack.push(ImportedPollsCommand(self._polls, stored, self.show_error))

    def choose_import(self) -> None:
        """File > Import…: the file chosen goes into the race open when the dialog opened; if a teammate deleted it
        meanwhile and the window opened another, nothing is imported, and it is said naming both (the file is
        still there to import into the race meant)."""
        contest, mark = getattr(self._polls, "contest", None), self.race_mark()  # (a window with no store: none)
        path, _ = QFileDialog.getOpenFileName(self, "Import polls", "", "CSV files (*.csv);;All files (*)")
        if not path:
            return
        if contest is not None and not self.still_open(contest, mark):
            now = self._polls.contest
            self.show_error(
                f"{from_qt_name(path).name} was not imported: it was chosen for the contest '{contest.name}', which "
                f"was closed while the file dialog was open (deleted by a teammate or another program"
                f"{', and ' + repr(now.name) + ' opened' if now else ''}). Import it again into the race it is for."
            )
            return
        self.import_requested.emit(from_qt_name(path))

    def choose_export(self) -> None:
        """File > Export polls: the CSV is made and written on a worker (at 100,000 polls it held the window 3.6 s),
        with a progress dialog past 0.4 s whose Cancel leaves the chosen file as it was; failures are named."""
        if self.exporting is not None:  # (one at a time: the menu again while one runs shows that one)
            self.exporting.show()
            self.exporting.raise_()
            return
        contest = getattr(self._polls, "contest", None)
        if contest is not None and contest.system == CountingSystem.TWO_ROUND:  # (its action is off: the reason)
            self.show_error(TWO_ROUND_EXPORT_TIP + ".")
            return
        chosen, _ = QFileDialog.getSaveFileName(self, "Export polls", "polls.csv", "CSV files (*.csv)")
        path = Path(str(with_ending(from_qt_name(chosen), "csv"))) if chosen else None
        if path is None or not self._writable_export(path):
            return
        try:
            run = self._polls.start_export(path)
        except Exception as exc:  # (no contest open)
            from warroom.ui.export import export_problem

            self.show_error(f"Export failed: {export_problem(path, exc)}")
            return

        def land() -> None:
            if self.exporting is not progress:  # (landed already: the dialog's timer may tick once more)
                return
            if not follow_run(progress, run):
                return
            self.exporting = None
            if run in self.file_writes:
                self.file_writes.remove(run)
            progress.close()
            progress.deleteLater()
            from warroom.core.csvformat import ExportCancelled

            try:
                n = run.result.result()
            except ExportCancelled:
                self.statusBar().showMessage(f"Export cancelled; nothing written to {path}", 5000)
                return
            except Exception as exc:
                from warroom.ui.export import export_problem

                self.show_error(f"Export failed: {export_problem(path, exc)}")
                return
            self.statusBar().showMessage(f"{n} polls exported to {path}", 5000)

        progress = work_progress("Exporting the polls…", "Export polls", "export_progress", self, land)
        progress.destroyed.connect(run.cancel)  # (the window closed meanwhile: the worker stops at its next step)
        self.exporting = progress
        self.file_writes.append(run)

    def finish_file_writes(self, timeout: float = FILE_WRITE_WAIT_S) -> bool:
        """The window is closing: every export still writing on a worker is cancelled where it can stop (the CSV
        before its write) and waited for, up to `timeout` seconds in all, so that none is cut off mid-write by the
        process ending (its temporary file left behind). True: every one has ended."""
        import time

        deadline = time.monotonic() + timeout
        ended = all([run.finish(max(0.0, deadline - time.monotonic())) for run in self.file_writes])
        self.file_writes.clear()
        return ended

    def write_later(self, job: Callable[[], None], path: Path) -> None:
        """An export's last step (ui.export.FileJob: a chart's picture painted and written by a process of its own,
        an SVG's text made and written) on a worker (ui.export.FileSave); what it read of the charts was read on
        this thread. A progress dialog past 0.4 s has Cancel (the painting process killed, nothing written). It
        lands in _on_file_saved."""
        from warroom.ui.export import FileSave

        save = FileSave(job, path, self._file_saved.emit)
        self.file_writes.append(save)
        progress = work_progress(f"Saving {path.name}…", "Export", "file_save_progress", self, lambda: None)
        progress.canceled.connect(save.cancel)
        self._save_progress[id(save)] = progress
        self.statusBar().showMessage(f"Saving {path}…", 5000)

    def _on_file_saved(self, save: object) -> None:
        from warroom.ui.export import FileSave, export_problem

        assert isinstance(save, FileSave)
        progress = self._save_progress.pop(id(save), None)
        if progress is not None:
            progress.close()
            progress.deleteLater()
        if save not in self.file_writes:
            return  # (the window closed meanwhile)
        self.file_writes.remove(save)
        if save.cancelled:
            self.statusBar().showMessage(f"Export cancelled; nothing written to {save.path}", 5000)
            return
        try:
            save.result.result()
        except Exception as exc:
            self.show_error(f"Export failed: {export_problem(save.path, exc)}")
            return
        self.statusBar().showMessage(f"Saved {save.path}", 5000)

    def _push(self, command: AddPollsCommand | EditPollCommand | DeletePollsCommand) -> bool:
        try:
            command.execute()
        except Exception as exc:
            where = getattr(exc, "where", "")
            self.show_error(f"{exc}" + (f"\n\n{where}" if where else ""))
            return False
        self.undo_stack.push(command)
        return True

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.action_import = self._action(
            file_menu, "&Import polls…", "Ctrl+I", self.choose_import, "Import polls from a CSV file (all or nothing)"
        )
        self.action_export = self._action(file_menu, "&Export polls…", "Ctrl+E", self.choose_export, EXPORT_TIP)
        file_menu.addSeparator()
        self.export_menu = file_menu.addMenu("Export c&hart")  # (Alt+C is Edit &contest…)
        file_menu.addSeparator()
        self.action_quit = self._action(
            file_menu, "&Quit", QKeySequence.StandardKey.Quit, self._quit_chosen, "Close warroom"
        )
        edit = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit.addAction(undo)
        edit.addAction(redo)
        self.action_undo, self.action_redo = undo, redo
        self.action_retry = self._action(
            edit,
            "Re&try unsaved change…",
            "Ctrl+R",  # (Ctrl+Shift+R is Scenario > Reset to baseline: one key for both ran neither once Retry was on)
            self.retry_failed_write,
            "Enter again, as typed, the last change the store could not save",
        )
        self.action_retry.setEnabled(False)
        edit.addSeparator()
        self.action_add = self._action(edit, "&Add poll…", QKeySequence.StandardKey.New, self.add_poll, ADD_TIP)
        self.action_edit = self._action(edit, "&Edit poll…", "Return", self.edit_selected, "Correct the selected poll")
        self.action_edit.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.polls_pane.view.addAction(self.action_edit)
        self.action_delete = self._action(
            edit, "&Delete poll", QKeySequence.StandardKey.Delete, self.delete_selected, "Remove the selected polls"
        )
        self.action_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.polls_pane.view.addAction(self.action_delete)
        self.action_copy = self._action(
            edit,
            "&Copy polls",
            QKeySequence.StandardKey.Copy,
            self._copy_polls,
            "Copy the selected rows of the poll table (all rows if none is selected) for a spreadsheet",
        )
        # Only while the poll table has focus: Ctrl+C in the filter box must still copy text.
        self.action_copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.polls_pane.view.addAction(self.action_copy)
        self.action_paste = self._action(
            edit,
            "&Paste polls",
            QKeySequence.StandardKey.Paste,
            self._paste,
            "Add polls from a table copied from a spreadsheet or web page (header row first)",
        )
        # Only while the poll table has focus: Ctrl+V in the filter box must still paste text.
        self.action_paste.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.polls_pane.view.addAction(self.action_paste)
        self.action_annotate = self._action(
            edit,
            "Add event &marker…",  # (Alt+E is &Edit poll…)
            "Ctrl+M",
            self.add_annotation,
            "Mark an event (e.g. a poster launch) on the charts",
        )
        self.action_remove_marker = self._action(
            edit, "Remove e&vent marker…", None, self.remove_annotation, "Take an event marker off the charts"
        )
        view = bar.addMenu("&View")
        self.view_menu = view
        self.action_final_weeks = self._action(
            view,
            "&Final weeks",
            "Ctrl+1",
            lambda: self._to_charts(lambda charts: charts.show_final_weeks()),
            "The last six weeks before the latest poll or the election day (the default view)",
        )
        self.action_fit = self._action(
            view,
            "&Whole campaign",
            "Ctrl+0",
            lambda: self._to_charts(lambda charts: charts.fit()),
            "Every poll of the campaign and the election day",
        )
        view.addSeparator()
        view.addAction(self.polls_dock.toggleViewAction())
        view.addAction(self.scenario_dock.toggleViewAction())
        # The docks' toggles take their letters here (Qt names them after the dock's title, without one, and names
        # them again when the title changes: "Scenario" becomes "Runoff scenario" for a two-round race).
        self.polls_dock.windowTitleChanged.connect(lambda title: self._name_dock_toggle(self.polls_dock, "o"))
        self.scenario_dock.windowTitleChanged.connect(lambda title: self._name_dock_toggle(self.scenario_dock, "s"))
        self._name_dock_toggle(self.polls_dock, "o")  # P&olls: Alt+P is &Presentation mode
        self._name_dock_toggle(self.scenario_dock, "s")
        self.action_present = self._action(
            view,
            "&Presentation mode",
            "F11",
            self.toggle_presentation,
            "Full screen, large type, for projecting in a meeting (Esc leaves)",
        )
        # On the window too: meeting mode hides the menu bar and the toolbar, and a shortcut of an action only they
        # hold is dead while they are hidden (F11 did not leave meeting mode, as it enters it).
        self.addAction(self.action_present)
        self.action_present.setIcon(icon("present"))
        self.action_present.setProperty("icon_name", "present")
        self.scenario_menu = bar.addMenu("&Scenario")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About warroom", None, self._about, "Version and data sources")

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("main_toolbar")
        self.addToolBar(self.toolbar)
        self.action_add.setIcon(icon("add_poll"))
        self.action_add.setProperty("icon_name", "add_poll")
        self.action_import.setIcon(icon("import"))
        self.action_import.setProperty("icon_name", "import")
        self.action_export_png = QAction(icon("export"), "Export charts as &PNG…", self)
        self.action_export_png.setProperty("icon_name", "export")
        self.action_export_png.setToolTip("Save the charts as a picture for slides (PNG, chosen size)")
        self.action_export_png.triggered.connect(lambda: self._export_charts("png"))
        self.action_export_svg = QAction("Export charts as &SVG…", self)
        self.action_export_svg.triggered.connect(lambda: self._export_charts("svg"))
        self.action_export_scenario = QAction("Export scenario panel as P&NG…", self)
        self.action_export_scenario.triggered.connect(
            lambda: (
                self.export_view_dialog(self._scenario_widget, "png")
                if getattr(self, "_scenario_widget", None) is not None
                else self._export_charts("png")
            )
        )
        self.action_briefing = QAction(icon("briefing"), "&Briefing PDF…", self)
        self.action_briefing.setProperty("icon_name", "briefing")
        self.action_briefing.setShortcut(QKeySequence("Ctrl+B"))
        self.action_briefing.setToolTip(
            "PDF briefing on one page (more when many scenarios are saved): average, leads, scenarios, sources"
        )
        self.action_briefing.triggered.connect(self._choose_briefing)
        for action in (
            self.action_export_png,
            self.action_export_svg,
            self.action_export_scenario,
            self.action_briefing,
        ):
            self.export_menu.addAction(action)
        self.export_menu.addSeparator()
        for key, label in (
            ("first", "&first-round chart"),
            ("lead1", "first-round &lead chart"),
            ("lead2", "r&unoff lead chart"),
        ):
            action = QAction(f"Export the {label} (PNG, SVG or PDF)…", self)
            action.triggered.connect(partial(self.export_chart_dialog, key))
            self.export_menu.addAction(action)
        for action in (
            self.action_add,
            self.action_import,
            self.action_export_png,
            self.action_briefing,
            self.action_present,
        ):
            self.toolbar.addAction(action)

    def export_view_dialog(self, widget: QWidget, kind: str) -> None:

        from warroom.ui.export import export_problem, export_view

        chosen, _ = QFileDialog.getSaveFileName(self, "Export", f"warroom.{kind}", f"{kind.upper()} files (*.{kind})")
        path = str(with_ending(from_qt_name(chosen), kind)) if chosen else ""
        if not path or not self._writable_export(Path(path)):
            return
        width = None
        if kind == "png":
            width, ok = self._ask_png_width(widget.size())
            if not ok:
                return
        writes = len(self.file_writes)
        try:
            # (the charts' PNG and SVG are read or drawn here and made and written on a worker: _on_file_saved)
            export_view(widget, Path(path), width, later=self.write_later)
        except Exception as exc:
            self.show_error(f"Export failed: {export_problem(Path(path), exc)}")
            return
        if len(self.file_writes) == writes:  # (written here and now: another panel's SVG)
            self.statusBar().showMessage(f"Saved {path}", 5000)

    def export_chart_dialog(self, key: str) -> None:
        """One chart on its own as PNG, vector SVG or PDF (by the file name's ending), as on screen or laid out
        afresh for a 16:9 slide."""
        from PySide6.QtWidgets import QInputDialog

        from warroom.ui.export import SLIDE_SIZES, chart_to_slide, export_chart, export_problem

        path, chosen = QFileDialog.getSaveFileName(
            self, "Export chart", f"{key}.png", "PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"
        )
        if not path:
            return
        target = from_qt_name(path)
        if target.suffix.lower() not in (".png", ".svg", ".pdf"):
            target = target.with_name(target.name + "." + chosen.split("*.")[-1].rstrip(")").lower())
        if not self._writable_export(target):
            return
        sizes = {"As on screen": None, **{f"Slide {w} × {h} (16:9)": (w, h) for w, h in SLIDE_SIZES.values()}}
        choice, ok = QInputDialog.getItem(self, "Export chart", "Size:", list(sizes), 0, False)
        if not ok:
            return
        slide = sizes.get(choice)
        width = None
        charts = self.ready_charts()
        if charts is None:
            self.show_error(f"{self._charts_failure} Nothing was exported.")
            return
        if slide is None and target.suffix.lower() == ".png":
            width, ok = self._ask_png_width(charts.plots[key].sceneBoundingRect().size())
            if not ok:
                return
        writes = len(self.file_writes)
        try:
            # (a PNG's picture is drawn here, an SVG's chart read here; each is made and written on a worker: it
            # lands in _on_file_saved)
            if slide is not None:
                chart_to_slide(charts, key, target, *slide, later=self.write_later)
            else:
                with charts.exportable(key) as plot:  # (with its dates, which a short screen's layout hides)
                    export_chart(plot, target, width, later=self.write_later)
        except Exception as exc:
            self.show_error(f"Export failed: {export_problem(target, exc)}")
            return
        if len(self.file_writes) == writes:  # (written here and now: a PDF)
            self.statusBar().showMessage(f"Saved {target}", 5000)

    def _ask_png_width(self, shape: QSize | QSizeF) -> tuple[int, bool]:
        """The width of a PNG of a view of this shape: up to 8,000 pixels, and never wider than its picture can be
        (a view far taller than wide would pass the largest side a picture may have: ui.export.widest_picture)."""
        from PySide6.QtWidgets import QInputDialog

        from warroom.ui.export import widest_picture

        top = min(8000, widest_picture(shape))
        return QInputDialog.getInt(self, "Export PNG", "Width in pixels:", min(1920, top), min(200, top), top, 10)

    def remove_annotation(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        notes = [a for a in self._polls.annotations if a.id is not None]
        if not notes:
            self.statusBar().showMessage("There are no event markers", 4000)
            return
        labels = [f"{a.when:%d %b %Y}: {a.text}" for a in notes]
        contest, mark = self._polls.contest, self.race_mark()
        chosen, ok = QInputDialog.getItem(self, "Remove event marker", "Marker:", labels, 0, False)
        if ok and chosen in labels and contest is not None and self._marker_race_gone(contest, mark, repr(chosen)):
            return  # (a marker's number is the store's: another race's marker may hold it now)
        if ok and chosen in labels:
            marker_id = notes[labels.index(chosen)].id
            assert marker_id is not None
            try:
                self._polls.delete_annotation(marker_id)
            except Exception as exc:
                self.show_error(str(exc))

    def _marker_race_gone(self, contest: Contest, mark: object, what: str) -> bool:
        """After an event marker's dialogs on `contest` (its race_mark then): True, and said naming both races, if
        a teammate deleted it meanwhile and the window opened another; nothing is then added or removed there."""
        if self.still_open(contest, mark):
            return False
        now = self._polls.contest
        self.show_error(
            f"The event marker {what} was for the contest '{contest.name}', which was closed while the dialog was "
            f"open (deleted by a teammate or another program{', and ' + repr(now.name) + ' opened' if now else ''}): "
            "nothing was changed"
        )
        return True

    def _paste(self) -> None:
        from PySide6.QtWidgets import QApplication

        text = QApplication.clipboard().text()
        if text.strip():
            self.paste_requested.emit(text)
        else:
            self.statusBar().showMessage("The clipboard has no table to paste", 4000)

    def _choose_briefing(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Briefing PDF", "briefing.pdf", "PDF files (*.pdf)")
        if path and self._writable_export(from_qt_name(path)):
            self.briefing_requested.emit(from_qt_name(path))

    def _copy_polls(self) -> None:
        n = self.polls_pane.copy_selection()
        self.statusBar().showMessage(f"{n:,} rows copied", 4000)

    @staticmethod
    def _name_dock_toggle(dock: QDockWidget, letter: str) -> None:
        """View's toggle for `dock` carries `letter` (the first one in the dock's title) as its mnemonic."""
        title = dock.windowTitle().replace("&", "&&")
        at = title.lower().find(letter)
        dock.toggleViewAction().setText(title[:at] + "&" + title[at:] if at >= 0 else f"{title} (&{letter.upper()})")

    def _action(self, menu, text: str, shortcut, slot, tip: str) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut) if isinstance(shortcut, str) else shortcut)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def add_annotation(self) -> None:
        """Ask for an event marker's note and date. A note or date refused is asked for again with what was typed
        in the field (it was dropped: the note typed had to be typed again from nothing)."""
        from PySide6.QtCore import QDate
        from PySide6.QtWidgets import QInputDialog

        from warroom.ui.poll_dialog import _pydate

        contest, mark = self._polls.contest, self.race_mark()
        text = ""
        while True:
            text, ok = QInputDialog.getText(self, "Event marker", "What happened (shown on the charts):", text=text)
            if not ok or not text.strip():
                return
            problem = event_note_problem(text.strip())
            if problem is None:
                break
            self.show_error(f"The event note {problem}")  # too long, a line break or direction override
        when_text = QDate.currentDate().toString("yyyy-MM-dd")
        while True:
            when_text, ok = QInputDialog.getText(self, "Event marker", "Date (YYYY-MM-DD):", text=when_text)
            if not ok:
                return
            qd = QDate.fromString(when_text.strip(), "yyyy-MM-dd")
            if not qd.isValid():
                self.show_error(f"{when_text!r} is not a date (use YYYY-MM-DD)")
                continue
            # the store's own rule, checked here so that a date it refuses is asked again, the note kept
            problem = event_date_problem(_pydate(qd), contest.election_date) if contest is not None else None
            if problem is None:
                break
            self.show_error(f"The event marker's date {problem}")
        if contest is not None and self._marker_race_gone(contest, mark, repr(text.strip())):
            return
        try:
            self._polls.add_annotation(Annotation(_pydate(qd), text.strip()))
        except Exception as exc:
            self.show_error(str(exc))

    def _about(self) -> None:
        QMessageBox.about(self, "About warroom", about_text())

    # --- signals up / handlers ------------------------------------------------------------------------------

    def _show_poll_count(self) -> None:
        stored, notices = self._stored_polls, self._notices
        if notices is None:
            self.status_polls.setText(f"{stored:,} polls")
            self.status_polls.setToolTip("Polls of this contest in the store")
            return
        text = f"{len(notices.rows):,} poll notices ({notices.questions:,} questions)"
        self.status_polls.setText(text + (f" · {stored:,} polls" if stored else ""))
        self.status_polls.setToolTip(
            "Published polls of this two-round contest. Each notice holds the first-round lists and runoff "
            "matchups asked in one fieldwork; the poll table shows the list and matchup chosen above the charts."
        )

    def _on_table_reset(self) -> None:
        # A delete of every row, and its undo, are told as resets (PollTableModel.reset_kind), of which the selection
        # model says nothing: the buttons and the charts' ring follow the selection as a removal would have them.
        # (A reset for another contest or a reload leaves that to show_contest, as before.)
        if self.polls_pane.model.reset_kind:
            self._on_table_selection_changed()

    def _on_table_selection_changed(self) -> None:
        pane = self.polls_pane
        # From the selection's ranges, not every selected poll: the view tells of a change for each run of rows
        # removed, and gathering 10,000 selected polls each time made deleting them all take minutes.
        selection = pane.view.selectionModel().selection()
        ranges = [selection.at(i) for i in range(selection.size())]
        many = any(r.height() > 1 for r in ranges) or len({r.top() for r in ranges}) > 1
        if many and not pane.model.notice_count():  # several stored polls (notices are two-round contests' rows)
            chosen: list[Poll] = []
            count = stored_count = 2  # (more than one: all that counts below)
        else:
            chosen = pane.selected_polls()
            count, stored_count = len(chosen), sum(not PollTableModel.is_notice(p) for p in chosen)
        pane.edit_button.setEnabled(count == 1 and stored_count == 1)
        pane.delete_button.setEnabled(count > 0 and stored_count == count)
        self.action_edit.setEnabled(count == 1 and stored_count == 1)
        self.action_delete.setEnabled(count > 0 and stored_count == count)
        notice = stored_count < count
        for button, tip in (
            (self.polls_pane.edit_button, "Correct the selected poll (Enter)"),
            (self.polls_pane.delete_button, "Remove the selected polls (Del); undo brings them back"),
        ):
            button.setToolTip(
                "A poll notice of a two-round contest is changed by importing its compilation again" if notice else tip
            )
        charted = chosen[0].id if count == 1 and chosen[0].id is not None else None
        if charted != self._charted_poll:  # an unchanged ring is not drawn again (it repainted every chart)
            self._charted_poll = charted
            self._to_charts(lambda charts: charts.select_poll(charted))

    def _on_chart_poll_clicked(self, poll_id: int) -> None:
        self.polls_pane.select_poll(poll_id)

    # --- Qt overrides ---------------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.toLocalFile().lower().endswith(".csv") for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        # One file per import (each all or nothing, on the import thread): several dropped together started the
        # first and refused the rest in status-bar messages that overwrote each other, then "N polls added".
        paths = [from_qt_name(url.toLocalFile()) for url in event.mimeData().urls()]
        event.acceptProposedAction()
        if not paths:
            return
        if not self.action_import.isEnabled():  # no race open (show_no_contest): none to import into
            self.show_error(
                f"{paths[0].name} was not imported: no race is open. Pick one in the contest picker, then drop the "
                "file again."
            )
            return
        self.import_requested.emit(paths[0])
        if len(paths) > 1:
            rest = ", ".join(p.name for p in paths[1:6]) + (f" and {len(paths) - 6:,} more" if len(paths) > 6 else "")
            self.show_error(
                f"Files are imported one at a time: {paths[0].name} is being imported; {rest} "
                f"{'was' if len(paths) == 2 else 'were'} not. Drop each when the import before it has finished."
            )


def with_ending(path: Path, kind: str) -> Path:
    """`path` as a save dialog's export writes it: a name typed with no ending at all gets the dialog's kind's
    ("view" is "view.svg"; the view export had refused it, the CSV one written a file with no ending). A name with
    an ending is kept as typed (`polls.sqlite3` is still refused as the store, `x.txt` is what the user asked for)."""
    return path.with_name(f"{path.name}.{kind}") if not path.suffix and path.name else path


def about_text() -> str:
    """Help > About: the version and every data set the app ships, credited with its licence, and where the
    notes on their sources are on this machine (it named the London demo only, and a path in the source tree)."""
    from warroom.resources import resource_path

    notes = [resource_path("data", "SOURCES.md"), resource_path("data", "france_2022", "SOURCES.md")]
    where = "<br>".join(as_html(str(p)) for p in notes)
    return (
        f"<b>warroom {__version__}</b><br>Offline campaign war room: poll store, live poll averages and runoff "
        "scenarios.<br><br><b>Data shipped with the app</b> (facts and figures from public sources):"
        "<ul>"
        "<li>London Mayor 2012 (Supplementary Vote): the published polls (YouGov, ComRes, TNS-BMRB, Survation, "
        "Populus, Opinium, as reported by UK Polling Report and the pollsters) and London Elects' declared result."
        "</li>"
        "<li>France 2022 presidential (two rounds): polls and vote-transfer matrices from the NSPPolls compilation "
        "(github.com/nsppolls/nsppolls, MIT licence); the official results of both rounds as proclaimed by the "
        "Conseil constitutionnel.</li>"
        "<li>Burlington Mayor 2009 (instant runoff): every ballot and the official round-by-round count, as "
        "published by the City of Burlington, Vermont.</li>"
        "</ul>"
        f"Where each figure comes from:<br>{where}"
    )


def _theme(dark: bool = False, *, projector: bool = False) -> Theme:
    """The charts' theme (imports the charts: called with them built)."""
    from warroom.ui.charts import DARK, LIGHT, PROJECTOR

    return PROJECTOR if projector else DARK if dark else LIGHT


def _born(mark: object) -> datetime | None:
    """A race mark (MainWindow.race_mark: the open contest's creation time) as kept with an unsaved change."""
    return mark if isinstance(mark, datetime) else None
