"""The window's first paint: a shell of the war room, drawn before the charting library is even imported.

Issue 15: the real window (pyqtgraph, numpy, SQLAlchemy, the whole pipeline) takes over a second to build; this
shell is on screen within the first half second, at the window's saved place and size with its docks where the
user left them. It shows the race, the poll table and the headline as the last start showed them, from a
StartFrame keyed to the store's content (core/startframe.py), and says what they are: live ("the polls in the store
now") when the start's first read (store/first_read.py: stdlib sqlite3, read-only, the store's checks) digested
the very snapshot the frame was keyed to, else "from your last session, updating". Without a matching frame it
shows only the window's outline and "loading". Its fields, buttons and table take no
input. Its menus hold the real window's first commands (import, export, add a poll, meeting mode, quit), with
their shortcuts: one chosen before the real window is up is kept (`pending`) and run by the real window as soon as
it has painted, and the status bar says so; closing the shell ends the start. So nothing done in the moment
before the real window arrives is lost: the real window replaces the shell at the same place and size.

PySide6 only (QtWidgets): no pyqtgraph here, by design.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from warroom.core.startframe import StartFrame

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
LIVE = "The polls in the store now and their projection (the charts and the editable window follow in a moment)"
"""Said over the figures when the start's first read proved them current (app.live_frame): the store's content and
schema, the settings, the contest, the day and the code are those the figures were computed from."""
STALE = "The store changed while the window opened: updating…"
LOADING_CHARTS = "Loading the charts…"
LOADING_FIGURES = "Working out the projection…"
LOADING_POLLS = "Loading the polls…"


class StartShell(QMainWindow):
    """The war room's outline with the last start's text, shown while the real window is built.

    Args:
        frame: the last start's frame if its key matches this start's, else None (then only "loading").
        store: the store line for the status bar (known before anything is read).
    """

    quit_requested = Signal()  # the user closed the shell (or chose Quit): the start ends, no window follows

    def __init__(
        self, frame: StartFrame | None, store: str, parent: QWidget | None = None, *, live: bool = False
    ) -> None:
        super().__init__(parent)
        self.frame = frame
        self.live = live and frame is not None
        self.note: QLabel | None = None  # what the figures are: live, or the last session's (None: no figures)
        self.pending: list[str] = []  # the real window's actions chosen here, in order, each once
        self._handed_over = False
        self._waiting = ""  # what the user chose here, waiting for the real window (said in the status bar)
        self._progress = "Starting…"
        self.setObjectName("start_shell")
        self.setWindowTitle(frame.title if frame else "warroom")
        bar = self.menuBar()
        menus = {title: bar.addMenu(title) for title in MENUS}
        for menu, text, shortcut, name in EARLY:
            action = QAction(text, self)
            action.setObjectName(f"start_{name}")
            action.setShortcut(QKeySequence(shortcut))
            action.setStatusTip(f"{text.replace('&', '')}: opens as soon as the window is ready")
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
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
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
        self.statusBar().addPermanentWidget(self.status_polls)
        self.statusBar().addPermanentWidget(self.status_store)
        self.show_progress("Starting…")

    def hand_over(self) -> None:
        """The real window has taken the shell's place: close it without ending the start."""
        self._handed_over = True
        self.close()

    def restore(self, geometry: QByteArray | None, state: QByteArray | None) -> None:
        """The real window's saved geometry and dock layout (the same object names), or its default size."""
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        if state is not None:
            self.restoreState(state)

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

    def closeEvent(self, event: QCloseEvent) -> None:
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
        self.resizeDocks([dock], [440], Qt.Orientation.Horizontal)
        return headline

    def _polls_dock(self, frame: StartFrame | None) -> QTableWidget:
        dock = QDockWidget("Polls", self)
        dock.setObjectName("polls_dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        table = QTableWidget(len(frame.rows) if frame else 0, len(frame.headers) if frame else 0)
        table.setObjectName("start_poll_table")
        table.setAccessibleName("Poll table" if self.live else "Poll table (loading)")
        if frame:
            table.setHorizontalHeaderLabels(list(frame.headers))
            for r, row in enumerate(frame.rows):
                for c, text in enumerate(row[: len(frame.headers)]):
                    item = QTableWidgetItem(text)
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # shown, never edited or selected
                    if _numeric(text):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    table.setItem(r, c, item)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        # The real pane's filter and buttons, greyed: the table sits where it will be, and nothing takes input.
        pane = QWidget()
        top = QHBoxLayout()
        search = QLineEdit()
        search.setPlaceholderText("Filter by pollster or client…")
        top.addWidget(search, 1)
        widgets: list[QWidget] = [search, *(QPushButton(text) for text in ("&Add…", "&Edit…", "&Delete"))]
        for widget in widgets:
            widget.setEnabled(False)
            if widget is not search:
                top.addWidget(widget)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(table if frame else _centred(LOADING_POLLS, "start_polls"), 1)
        dock.setWidget(pane)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.resizeDocks([dock], [260], Qt.Orientation.Vertical)
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


def _numeric(text: str) -> bool:
    """A figure (right-aligned, as the real table shows figures): a number, a signed lead, or "—" (none)."""
    return text == "—" or (
        bool(text) and text.lstrip("+-−").replace(",", "").replace(".", "").replace(" ", "").isdigit()
    )
