"""The window's first paint: a shell of the war room, drawn before the charting library is even imported.

Issue 15: the real window (pyqtgraph, numpy, SQLAlchemy, the whole pipeline) takes over a second to build; this
shell is on screen within the first half second, at the window's saved place and size with its docks where the
user left them. It shows the race, the poll table and the headline as the last start showed them, from a
StartFrame keyed to the store's content (core/startframe.py), and says what they are: live ("the polls in the store
now") when the start's first read (store/first_read.py: stdlib sqlite3, read-only, the store's checks) digested
the very snapshot the frame was keyed to, else "from your last session, updating". Without a matching frame it
shows only the window's outline and "loading".

When its figures are live and it was given the contest and its polls (the first read's), the shell is the real
window's first stage, to work in: its poll table selects, sorts (by the values, not the text) and filters by
pollster or client as the real one does; Add…, Edit… (or a double click) and Delete work at once, with the real
window's poll form (ui/poll_dialog.py) checked by the same core function as the window's (core.validation
.poll_problems). Each change is kept (`changes`) and handed to the real window, which saves it through its own
commands (undo, the writer thread) once the store is open; meanwhile the figures stop saying "live" (they are from
before the change) and the status bar counts what waits to be saved. Otherwise its fields, buttons and table take
no input. Its menus hold the real window's first commands (import, export, add a poll, meeting mode, quit), with
their shortcuts: one chosen before the real window is up is kept (`pending`) and run by the real window as soon as
it has painted, and the status bar says so; closing the shell ends the start. So nothing done in the moment
before the real window arrives is lost: the real window replaces the shell at the same place and size (never
while the shell's poll form is open: `busy`).

PySide6 only (QtWidgets): no pyqtgraph, numpy or SQLAlchemy here, by design (the poll form is imported when opened).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeyEvent, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from warroom.core.startframe import StartFrame
from warroom.core.types import Contest, Poll
from warroom.ui.dock_layout import (
    MAX_SHARE,
    MIN_SCENARIO_WIDTH,
    PICKER_MAX_WIDTH,
    PICKER_MIN_LETTERS,
    POLLS_SHARE,
    SCENARIO_SHARE,
    dock_sizes,
)

MENUS = ("&File", "&Edit", "&View", "&Scenario", "&Help")  # the real window's menu bar
EARLY: tuple[tuple[str, str, str | QKeySequence.StandardKey, str], ...] = (
    ("&File", "&Import polls…", "Ctrl+I", "action_import"),
    ("&File", "&Export polls…", "Ctrl+E", "action_export"),
    ("&Edit", "&Add poll…", QKeySequence.StandardKey.New, "action_add"),
    ("&View", "&Presentation mode", "F11", "action_present"),
)
"""The real window's commands the shell takes before the window is up: (menu, text, shortcut, the MainWindow
attribute holding the QAction that runs them), the same texts and shortcuts as MainWindow._build_actions."""
WAITING = "{} will open as soon as the window is ready…"
LAST_SESSION = "From your last session (same polls, same settings): updating…"
LIVE = "The polls in the store now and their projection (the scenario sliders and the charts follow in a moment)"
LIVE_PANEL = "The polls in the store now and their projection (the charts and other baselines follow in a moment)"
"""Said over the real scenario panel in the first stage (its sliders work from the first paint: app.Starter)."""
LATER = "In a moment: the other baselines need the poll average, which is loading"
"""The tooltip of the scenario panel's baseline choosers in the first stage (they work once the window is up)."""
COMPARE_LATER = "Compare saved scenarios: in a moment, once the store is open"
SAVED_LATER = "Scenario '{}' is kept and saved as soon as the store is open"
"""Said over the figures when the start's first read proved them current (app.live_frame): the store's content and
schema, the settings, the contest, the day and the code are those the figures were computed from."""
STALE = "The store changed while the window opened: updating…"
LOADING_CHARTS = "Loading the charts…"
LOADING_FIGURES = "Working out the projection…"
LOADING_POLLS = "Loading the polls…"
CHANGED = "Your changes are kept and saved as soon as the store is open; these figures are from before them: updating…"
"""Said over the figures once a poll was added, edited or deleted in the shell (they are no longer the store's)."""
WAITING_CHANGES = "{} change(s) waiting to be saved"
UNSAVED_ON_CLOSE = (
    "{} change(s) made here (polls, saved scenarios) are saved when the window opens, in a moment.\n\n"
    "Close anyway and lose them?"
)


@dataclass(frozen=True, slots=True)
class EarlyChange:
    """A change to the polls made in the shell, for the real window to save with its own commands.

    Attributes:
        kind: "add", "edit" or "delete".
        polls: the poll added, the poll as edited, or the polls deleted (as the first read gave them).
        before: for an edit, the poll as it was when the user opened it.
    """

    kind: str
    polls: tuple[Poll, ...]
    before: Poll | None = None


class StartShell(QMainWindow):
    """The war room's outline with the last start's text, shown while the real window is built.

    Args:
        frame: the last start's frame if its key matches this start's, else None (then only "loading").
        store: the store line for the status bar (known before anything is read).
        scenario: the real scenario panel (ui.scenario_panel.ScenarioPanel, bound to the controller the real window
            takes over: app.Starter), shown in the scenario dock instead of the frame's headline; None: the headline.
    """

    quit_requested = Signal()  # the user closed the shell (or chose Quit): the start ends, no window follows

    def __init__(
        self,
        frame: StartFrame | None,
        store: str,
        parent: QWidget | None = None,
        *,
        live: bool = False,
        contest: Contest | None = None,
        polls: Sequence[Poll] = (),
        scenario: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.frame = frame
        self.scenario_panel = scenario if live and frame is not None else None
        self.saves: list[Any] = []  # scenarios saved here (core.pipeline.SavedScenario), in order (for the window)
        self.live = live and frame is not None
        self.contest = contest
        self.polls = {p.id: p for p in polls if p.id is not None}
        # the first stage of the real window (see the module's docstring): live figures, every row's poll known, and
        # every poll of the contest in the table (a frame keeps its first MAX_ROWS rows: a table sorted, filtered
        # and worked on must not be missing polls, so a bigger contest's shell is shown, not worked on)
        self.editable = bool(
            self.live
            and frame is not None
            and contest is not None
            and len(frame.ids) == len(frame.rows) == len(self.polls)
            and all(i in self.polls for i in frame.ids)
        )
        self.note: QLabel | None = None  # what the figures are: live, or the last session's (None: no figures)
        self.pending: list[str] = []  # the real window's actions chosen here, in order, each once
        self.changes: list[EarlyChange] = []  # the polls added, edited, deleted here, in order (for the window)
        self.busy = False  # the poll form is open: the real window waits for it before taking the shell's place
        self.buttons: dict[str, QPushButton] = {}
        self.search: QLineEdit | None = None
        self._handed_over = False
        self._ending = False  # end() was called: closed by the start itself, nothing to ask
        self._waiting = ""  # what the user chose here, waiting for the real window (said in the status bar)
        self._progress = "Starting…"
        # the docks' shares of the window, by the real window's rule (ui/dock_layout.py): at the same size they are
        # where the window will have them; a saved layout's sizes become the shares once laid out (showEvent)
        self._docks: dict[str, QDockWidget] = {}
        self._dock_shares = {"scenario": SCENARIO_SHARE, "polls": POLLS_SHARE}
        self._adopt_shares = False
        self.setObjectName("start_shell")
        self.setWindowTitle(frame.title if frame else "warroom")
        bar = self.menuBar()
        menus = {title: bar.addMenu(title) for title in MENUS}
        for menu, text, shortcut, name in EARLY:
            action = QAction(text, self)
            action.setObjectName(f"start_{name}")
            action.setShortcut(QKeySequence(shortcut))
            action.setStatusTip(f"{text.replace('&', '')}: opens as soon as the window is ready")
            if self.editable and name == "action_add":
                action.setStatusTip("Add a poll (saved as soon as the store is open)")
                action.triggered.connect(self.add_poll)
            else:
                action.triggered.connect(lambda _checked=False, name=name, text=text: self._keep(name, text))
            menus[menu].addAction(action)
        menus["&File"].addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        menus["&File"].addAction(quit_action)
        for shown in menus.values():
            shown.menuAction().setEnabled(not shown.isEmpty())  # Scenario and Help wait for the real window
        toolbar = QToolBar("Main")
        toolbar.setObjectName("main_toolbar")  # the real window's name: restoreState puts it where the user left it
        toolbar.setMovable(False)
        self.picker = QComboBox()
        self.picker.addItem(frame.contest if frame else "")
        self.picker.setEnabled(False)
        # The real window's limits (ui/contest_actions.py): a 200-letter race name made this box 1,300 px wide, and
        # the window that takes the first stage's place opened that wide, past a 1366x768 laptop's edge at 150 %
        # (its scenario sliders off the screen) however small its own least width.
        self.picker.setMinimumContentsLength(PICKER_MIN_LETTERS)
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.picker.setMaximumWidth(PICKER_MAX_WIDTH)
        toolbar.addWidget(self.picker)
        self.addToolBar(toolbar)
        self.charts_placeholder = _centred(LOADING_CHARTS, "start_charts")
        self.setCentralWidget(self.charts_placeholder)
        self.headline = self._scenario_dock(frame)
        self.table = self._polls_dock(frame)
        self.status_polls = QLabel(frame.polls if frame else LOADING_POLLS)
        self.status_store = QLabel(f"Store: {store}")
        for label in (self.status_polls, self.status_store):
            label.setTextFormat(Qt.TextFormat.PlainText)  # a path as typed
        self.status_changes = QLabel("")
        self.status_changes.setObjectName("start_changes")
        self.status_changes.hide()
        self.statusBar().addPermanentWidget(self.status_changes)
        self.statusBar().addPermanentWidget(self.status_polls)
        self.statusBar().addPermanentWidget(self.status_store)
        self.show_progress("Starting…")

    # --- the first stage: the polls, worked on before the real window is up ---------------------------------

    def selected_polls(self) -> list[Poll]:
        """The polls of the selected rows, in the order shown."""
        if not self.editable:
            return []
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        shown = (self._row_poll(r) for r in rows)
        return [poll for poll in shown if poll is not None]

    def add_poll(self) -> None:
        """The poll form, empty; the poll entered is kept for the real window to save."""
        entered = self._form(None)
        if entered is not None:
            self._record(EarlyChange("add", (entered,)))

    def edit_selected(self) -> None:
        """The poll form on the first selected poll; the poll as edited is kept for the real window to save."""
        chosen = self.selected_polls()
        if not chosen:
            return
        before = chosen[0]
        entered = self._form(before)
        if entered is not None and entered != before and before.id is not None:
            self.polls[before.id] = entered  # (the id is the store's: a second edit starts from this one)
            self._record(EarlyChange("edit", (entered,), before))
            self._mark_rows([before.id], "Edited: saved as soon as the store is open")

    def delete_selected(self) -> None:
        """The selected polls, kept for the real window to delete (its undo brings them back)."""
        chosen = self.selected_polls()
        if not chosen:
            return
        self._record(EarlyChange("delete", tuple(chosen)))
        ids = {p.id for p in chosen if p.id is not None}
        for row in range(self.table.rowCount() - 1, -1, -1):
            if self._row_id(row) in ids:
                self.table.removeRow(row)
        for pid in ids:
            del self.polls[pid]

    def _form(self, poll: Poll | None) -> Poll | None:
        """The real window's poll form (its checks: core.validation.poll_problems over the first read's polls);
        the poll as entered, or None if cancelled."""
        contest = self.contest
        if contest is None or self.busy:
            return None
        from warroom.core.validation import poll_problems, today_somewhere
        from warroom.ui.poll_dialog import PollDialog

        polls = list(self.polls.values())

        def check(entered: Poll) -> list[str]:
            return poll_problems(entered, contest, polls, today=today_somewhere())

        self.busy = True
        dialog = PollDialog(contest, check, poll, [p.pollster for p in polls], self)
        try:
            accepted = dialog.exec()
            return dialog.poll() if accepted else None
        finally:
            self.busy = False
            dialog.deleteLater()

    def _record(self, change: EarlyChange) -> None:
        self.changes.append(change)
        self.live = False  # the figures are from before the change
        if self.note is not None:
            self.note.setText(CHANGED)
            self.note.setObjectName("start_changed")
        self._count_waiting()

    def _row_id(self, row: int) -> int | None:
        item = self.table.item(row, 0)
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, int) else None

    def _row_poll(self, row: int) -> Poll | None:
        pid = self._row_id(row)
        return None if pid is None else self.polls.get(pid)

    def _mark_rows(self, ids: Sequence[int | None], tip: str) -> None:
        for row in range(self.table.rowCount()):
            if self._row_id(row) in ids:
                for col in range(self.table.columnCount()):
                    item = self.table.item(row, col)
                    if item is not None:
                        font = QFont(item.font())
                        font.setItalic(True)
                        item.setFont(font)
                        item.setToolTip(tip)

    def _filter(self, text: str) -> None:
        """Rows whose pollster or client contains `text` (ignoring case), as the real pane's filter."""
        wanted = text.strip().casefold()
        for row in range(self.table.rowCount()):
            poll = self._row_poll(row)
            hay = f"{poll.pollster}\n{poll.client}".casefold() if poll is not None else ""
            self.table.setRowHidden(row, bool(wanted) and wanted not in hay)

    def _on_selection_changed(self) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        self.buttons["edit"].setEnabled(chosen)
        self.buttons["delete"].setEnabled(chosen)

    def hand_over(self) -> None:
        """The real window has taken the shell's place: close it without ending the start. Its scenario panel goes
        (the real window has its own, bound to the same controller: this one would re-render every slider move)."""
        self._handed_over = True
        self.close()
        if self.scenario_panel is not None:
            self.scenario_panel.deleteLater()
            self.scenario_panel = None

    def restore(self, geometry: QByteArray | None, state: QByteArray | None) -> None:
        """The real window's saved geometry and dock layout (the same object names), or its default size."""
        from warroom.ui.qt_utils import restore_window_geometry

        restore_window_geometry(self, geometry)
        if state is not None:
            self._adopt_shares = self.restoreState(state)
        else:
            self._fit_docks()  # before the first layout: the panel's first size is its size in the window

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._adopt_shares:  # (the real window's _adopt_dock_sizes)
            self._adopt_shares = False
            layout = self.layout()
            if layout is not None:
                layout.activate()
            for key, along in (("scenario", self.width()), ("polls", self.height())):
                dock = self._docks.get(key)
                size = (dock.width() if key == "scenario" else dock.height()) if dock is not None else 0
                if along > 0 and size > 0:
                    self._dock_shares[key] = min(MAX_SHARE, size / along)
        self._fit_docks()
        layout = self.layout()
        lay_out = getattr(self.scenario_panel, "lay_out", None)
        if layout is not None and lay_out is not None:
            layout.activate()  # the docks at their size now: the panel laid out for it, as in the window
            lay_out()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._adopt_shares:
            self._fit_docks()

    def _fit_docks(self) -> None:
        width, height = self.width(), self.height()
        if width <= 0 or height <= 0:
            return
        scenario, polls = dock_sizes(width, height, self._dock_shares["scenario"], self._dock_shares["polls"])
        for key, size, orientation in (
            ("scenario", scenario, Qt.Orientation.Horizontal),
            ("polls", polls, Qt.Orientation.Vertical),
        ):
            dock = self._docks.get(key)
            if dock is not None and not dock.isFloating():
                self.resizeDocks([dock], [size], orientation)

    def show_stale(self) -> None:
        """The figures shown as live are no longer the store's (written meanwhile): say they are updating."""
        self.live = False
        if self.note is not None:
            self.note.setText(STALE)
            self.note.setObjectName("start_stale")

    def shown_headline(self) -> list[str]:
        """The headline lines shown (empty when there is no frame)."""
        return list(self.frame.headline) if self.frame else []

    def shown_rows(self) -> list[list[str]]:
        """The poll table's cells as shown."""
        return [
            [self.table.item(r, c).text() for c in range(self.table.columnCount())]  # type: ignore[union-attr]
            for r in range(self.table.rowCount())
        ]

    def show_progress(self, text: str) -> None:
        """How far the start is, in the status bar, after what the user chose meanwhile (which stays in view)."""
        self._progress = text
        self.statusBar().showMessage(f"{self._waiting}  ({text})" if self._waiting else text)

    def _keep(self, name: str, text: str) -> None:
        if name not in self.pending:
            self.pending.append(name)
        self._waiting = WAITING.format(text.replace("&", "").rstrip("…"))
        self.show_progress(self._progress)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # (the table's events: it is filtered from its creation, before self.table is set)
        table = event.type() == QEvent.Type.KeyPress and watched.objectName() == "start_poll_table"
        if table and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
                self.delete_selected()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_selected()
                return True
        return super().eventFilter(watched, event)

    def end(self) -> None:
        """The start ended without a window (it failed, or the user closed the shell): close without asking."""
        self._ending = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._handed_over and not self._ending and (self.changes or self.saves):
            # closed by the user before the window is up, with changes made here not yet saved: never lost unasked
            from warroom.ui.qt_utils import ask_plain

            question = UNSAVED_ON_CLOSE.format(len(self.changes) + len(self.saves))
            if ask_plain(self, "warroom", question) != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        if not self._handed_over:
            self.quit_requested.emit()
        super().closeEvent(event)

    def _scenario_dock(self, frame: StartFrame | None) -> QLabel:
        dock = QDockWidget("Scenario", self)
        dock.setObjectName("scenario_dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        if self.scenario_panel is not None:
            return self._panel_dock(dock, body, layout, self.scenario_panel)
        if frame and frame.headline:
            note = QLabel(LIVE if self.live else LAST_SESSION)
            note.setObjectName("start_live" if self.live else "start_last_session")
            self.note = note
            note.setWordWrap(True)
            note.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
            layout.addWidget(note)
            # The verdict large, as the panel shows it; the lines under it as they are.
            first, *rest = frame.headline
            headline = QLabel(
                "<br><br>".join([f'<span style="font-size: large; font-weight: 600">{first}</span>', *rest])
            )
            headline.setTextFormat(Qt.TextFormat.RichText)
        else:
            headline = QLabel(LOADING_FIGURES)
        headline.setObjectName("start_headline")
        headline.setWordWrap(True)
        headline.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        headline.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout.addWidget(headline)
        layout.addStretch(1)
        dock.setWidget(body)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self._docks["scenario"] = dock
        return headline

    def _panel_dock(self, dock: QDockWidget, body: QWidget, layout: QVBoxLayout, panel: QWidget) -> QLabel:
        """The real scenario panel in the dock, in a scroll area as the real window has it, under the note saying
        what its figures are. Its baseline choosers and Compare wait for the real window (they need the poll
        average and the store: said in their tooltips); Save as… asks for the name now and the real window saves
        the case as it was then (`saves`)."""
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        note = QLabel(LIVE_PANEL)
        note.setObjectName("start_live")
        note.setWordWrap(True)
        note.setContentsMargins(8, 4, 8, 4)
        note.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
        self.note = note
        layout.addWidget(note)
        scroll = QScrollArea()
        scroll.setObjectName("scenario_scroll")  # (the real window's names and frame: it looks the same)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (as the real window's: no Tab stop)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(MIN_SCENARIO_WIDTH)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # (as the real window's)
        scroll.setWidget(panel)
        layout.addWidget(scroll, 1)
        for name in ("baseline_combo", "baseline_date", "personal_box"):
            chooser = getattr(panel, name, None)
            if isinstance(chooser, QWidget):
                chooser.setEnabled(False)
                chooser.setToolTip(LATER)
        compare = getattr(panel, "compare_button", None)
        if isinstance(compare, QWidget):
            compare.setEnabled(False)
            compare.setToolTip(COMPARE_LATER)
        save = getattr(panel, "save_requested", None)
        if save is not None:
            save.connect(self.save_scenario)
        dock.setWidget(body)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self._docks["scenario"] = dock
        return note

    def save_scenario(self) -> None:
        """Save as… in the first stage: the name asked as the real window asks it, the case prepared now by its
        controller (the settings as they are at this moment), kept for the real window to save with its own command
        (one undo step) once the store is open. A name the case cannot take is said at once."""
        panel = self.scenario_panel
        model = getattr(panel, "model", None)
        if model is None or self.busy:
            return
        from PySide6.QtWidgets import QInputDialog

        self.busy = True
        try:
            name, ok = QInputDialog.getText(self, "Save scenario", "Name for these settings:")
            if not ok or not name.strip():
                return
            try:
                saved = model.prepare(name)
            except ValueError as exc:  # (core.pipeline.PipelineError: a bad name, no case)
                from warroom.ui.qt_utils import ask_plain

                ask_plain(
                    self,
                    "warroom",
                    f"The scenario could not be saved: {exc}",
                    icon=QMessageBox.Icon.Warning,
                    buttons=QMessageBox.StandardButton.Ok,
                )
                return
            self.saves.append(saved)
            self.statusBar().showMessage(SAVED_LATER.format(saved.name), 8000)
            self._count_waiting()
        finally:
            self.busy = False

    def _count_waiting(self) -> None:
        waiting = len(self.changes) + len(self.saves)
        self.status_changes.setText(WAITING_CHANGES.format(waiting))
        self.status_changes.setVisible(bool(waiting))

    def _polls_dock(self, frame: StartFrame | None) -> QTableWidget:
        dock = QDockWidget("Polls", self)
        dock.setObjectName("polls_dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        table = QTableWidget(len(frame.rows) if frame else 0, len(frame.headers) if frame else 0)
        table.setObjectName("start_poll_table")
        table.setAccessibleName("Poll table" if self.live else "Poll table (loading)")
        editable = self.editable
        if frame:
            table.setHorizontalHeaderLabels(list(frame.headers))
            flags = Qt.ItemFlag.ItemIsEnabled | (Qt.ItemFlag.ItemIsSelectable if editable else Qt.ItemFlag.NoItemFlags)
            for r, row in enumerate(frame.rows):
                poll = self.polls.get(frame.ids[r]) if editable else None
                for c, text in enumerate(row[: len(frame.headers)]):
                    item = _Cell(text, _sort_key(frame.headers[c], text, poll))
                    item.setFlags(flags)  # shown, never edited in place; selected in the first stage
                    if poll is not None:
                        item.setData(Qt.ItemDataRole.UserRole, poll.id)
                    if _numeric(text):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    table.setItem(r, c, item)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        if editable:  # the first stage: rows selected, sorted by a click on a header, opened by a double click
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
            table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the real table's order
            table.setSortingEnabled(True)
            table.horizontalHeader().setSortIndicatorShown(True)
            table.setToolTip("Double-click a poll to edit it")
            table.doubleClicked.connect(lambda _index: self.edit_selected())
        else:
            table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        # The real pane's filter and buttons: working in the first stage, else greyed (the table sits where it
        # will be, and nothing takes input).
        pane = QWidget()
        top = QHBoxLayout()
        search = QLineEdit()
        search.setPlaceholderText("Filter by pollster or client…")
        search.setClearButtonEnabled(True)
        top.addWidget(search, 1)
        self.search = search
        tips = {
            "add": "Add a poll (Ctrl+N)",
            "edit": "Edit the selected poll (or double-click it)",
            "delete": "Delete the selected polls (Edit ▸ Undo brings them back)",
        }
        for name, text in (("add", "&Add…"), ("edit", "Ed&it…"), ("delete", "&Delete")):
            button = QPushButton(text)
            button.setObjectName(f"start_{name}")
            button.setToolTip(tips[name])
            button.setEnabled(editable and name == "add")
            top.addWidget(button)
            self.buttons[name] = button
        search.setEnabled(editable)
        if editable:
            search.textChanged.connect(self._filter)
            self.buttons["add"].clicked.connect(self.add_poll)
            self.buttons["edit"].clicked.connect(self.edit_selected)
            self.buttons["delete"].clicked.connect(self.delete_selected)
            table.selectionModel().selectionChanged.connect(self._on_selection_changed)
            table.installEventFilter(self)  # Delete (or Backspace) deletes the selected polls, Enter edits one
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(table if frame else _centred(LOADING_POLLS, "start_polls"), 1)
        dock.setWidget(pane)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self._docks["polls"] = dock
        return table


def _centred(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.3)
    label.setFont(font)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class _Cell(QTableWidgetItem):
    """A cell that sorts by its value (numbers as numbers, dates as dates), not by its text."""

    def __init__(self, text: str, key: tuple[Any, ...]) -> None:
        super().__init__(text)
        self.key = key

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _Cell):
            return self.key < other.key
        return super().__lt__(other)


def _sort_key(header: str, text: str, poll: Poll | None) -> tuple[Any, ...]:
    """The real table's order for a cell: fieldwork by its end then start, publication by its date, a figure
    by its value (none first), anything else by its text ignoring case."""
    if poll is not None and header == "Fieldwork":
        return (1, poll.fieldwork_end.toordinal(), poll.fieldwork_start.toordinal())
    if poll is not None and header == "Published":
        return (1, poll.published.toordinal(), 0) if poll.published else (0, 0, 0)
    if _numeric(text):
        figure = text.replace("−", "-").replace(",", "").replace(" ", "").rstrip("%")
        try:
            return (1, float(figure), 0)
        except ValueError:
            return (0, 0.0, 0)  # "—": none
    return (2, text.casefold(), 0)


def _numeric(text: str) -> bool:
    """A figure (right-aligned, as the real table shows figures): a number, a signed lead, or "—" (none)."""
    return text == "—" or (
        bool(text) and text.lstrip("+-−").replace(",", "").replace(".", "").replace(" ", "").isdigit()
    )
