"""Composition root: QApplication, paths, store, services, main window, wiring. Nothing imports this."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from warroom import __version__
from warroom.bootstrap import OpenStore, open_store
from warroom.core.types import Contest
from warroom.paths import AppFolderError, AppPaths
from warroom.qtcheck import missing_message, missing_qt_libraries, uses_xcb
from warroom.resources import resource_path
from warroom.services.analysis_service import AverageController
from warroom.services.contest_preferences import ContestPreferences
from warroom.services.import_worker import ImportWorker
from warroom.services.irv_service import IrvController
from warroom.services.poll_service import PollService
from warroom.services.scenario_service import ScenarioController
from warroom.services.settings import AppSettings, open_settings
from warroom.store.db import StoreError, backups_of, sqlite_path
from warroom.ui.assets import stylesheet

if TYPE_CHECKING:
    from warroom.core.averaging import PollAverages
    from warroom.core.types import Poll
    from warroom.ui.export import Briefing


def _quiet_offscreen(mode: QtMsgType, context: object, message: str) -> None:
    # The offscreen platform (headless rendering, CI) cannot resize native windows and says so on every
    # show(); that is not a problem of the app. Everything else goes to stderr as usual.
    if "propagateSizeHints" in message:
        return
    sys.stderr.write(message + "\n")


def make_qapp(argv: list[str] | None = None) -> QApplication:
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        qInstallMessageHandler(_quiet_offscreen)
    app = QApplication.instance()
    if app is None:
        QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv or ["warroom"])
    app.setApplicationName("warroom")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("warroom")
    # segmentedLineMode: thick antialiased lines drawn as segments; Qt's raster engine is three times faster
    # at those than at one long path (benchmarks/bench_charts.py).
    pg.setConfigOptions(antialias=True, background="w", foreground="k", segmentedLineMode="on")
    return app  # type: ignore[return-value]


class WarRoom:
    """Everything one running app owns, wired together. Wiring only: behaviour lives in the parts.

    Args:
        store: the open poll store.
        settings: the user's settings.
        watch: poll the store for other processes' writes.
        contest: open this contest (by name) instead of the last one used; ValueError if there is none.
        backup_dir: where a copy of the store goes before a contest is deleted.
    """

    def __init__(
        self,
        store: OpenStore,
        settings: AppSettings,
        *,
        watch: bool = True,
        contest: str | None = None,
        backup_dir: Path | None = None,
    ) -> None:
        from warroom.ui.actions import ImportActions, ScenarioActions
        from warroom.ui.answer_view import AnswerView
        from warroom.ui.contest_actions import ContestActions
        from warroom.ui.irv_panel import IrvPanel
        from warroom.ui.main_window import MainWindow
        from warroom.ui.scenario_panel import ScenarioPanel

        self._starting = True
        self.store = store
        self.settings = settings
        self.poll_service = PollService(store.sessions, watch=watch, backup_dir=backup_dir)
        # The historical error of poll averages: the shipped London record, refitted with the store's own races.
        errors = self.poll_service.forecast_errors(resource_path("data", "forecast_errors.json"))
        self.averages = AverageController(errors=errors)
        self.scenarios = ScenarioController(self.poll_service, errors=errors)
        # meeting mode's saved-scenario view: never the live case, the same odds
        self.presented = ScenarioController(errors=errors)
        self.window = MainWindow(self.poll_service)
        self.scenario_panel = ScenarioPanel(self.scenarios)
        self.saved_panel = ScenarioPanel(self.presented)
        self.scenario_actions = ScenarioActions(self.scenarios, self.presented, self.window)
        self.import_worker = ImportWorker(store.sessions, self.poll_service)
        self.import_actions = ImportActions(self.poll_service, self.import_worker, self.window)
        self.preferences = ContestPreferences(settings, self.poll_service)
        self.contest_actions = ContestActions(self.poll_service, self.window, priors=self.preferences)
        self.window.set_scenario_widget(self.scenario_panel)
        self.window.set_saved_scenario_widget(self.saved_panel)
        # Instant runoff (issue 12): its own controller and panel, shown instead of the runoff panel for IRV races.
        self.irv = IrvController(errors=errors)
        self.irv_panel = IrvPanel(self.irv)
        self.window.set_irv_widget(self.irv_panel)
        self.answer_view = AnswerView(self.scenarios)
        self.window.set_answer_widget(self.answer_view)
        self.window.show_store(
            store.display_target + ("  (read-only)" if store.read_only else ""), sqlite_path(store.engine)
        )
        self._wire()
        self._build_two_round()  # after _wire: the window takes a contest before its runoff matchup is shown
        if contest and not any(c.name == contest for c in self.poll_service.contests()):
            raise ValueError(f"no contest named {contest!r} in the store")
        # Light and dark follow the system (Qt 6.5+ reports the colour scheme and its changes). Applied before
        # the polls arrive: a theme change redraws every chart, which at 100,000 polls is half a second.
        hints = QApplication.styleHints()
        self._follow_scheme(hints.colorScheme())
        hints.colorSchemeChanged.connect(self._follow_scheme)
        self.poll_service.open_contest(contest or settings.contest or None)
        self.averages.recompute()
        geometry = settings.geometry("main")
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        else:
            self.window.resize(1400, 900)
        state = settings.geometry("main_state")
        if state is not None:
            self.window.restoreState(state)
        self.window.setStyleSheet(stylesheet("app"))
        if store.backup_error:  # the store opened, but this start's safety copy failed: say so, once
            self.window.statusBar().showMessage(f"Warning: {store.backup_error}", 15000)
        if store.read_only:
            self.window.statusBar().showMessage("This poll store is read-only: you can look, not change", 15000)
        self._starting = False

    def _build_two_round(self) -> None:
        """Two-round contests (issue 11): their runoff panel and matchup pickers, fed from the store's poll
        questions; the window shows them instead of the SV panel when such a contest is open."""
        from warroom.demo import FAR_LEFT_2022, FRANCE_2022_NAME
        from warroom.services.two_round_service import StoreCampaigns, TwoRoundController
        from warroom.ui.two_round_answer import TwoRoundAnswerView
        from warroom.ui.two_round_panel import TwoRoundPanel
        from warroom.ui.two_round_pickers import TwoRoundPickers, chart_lead

        self.two_round = TwoRoundController(
            StoreCampaigns(self.store.sessions), proxies={FRANCE_2022_NAME: FAR_LEFT_2022}
        )
        self.two_round_panel = TwoRoundPanel(self.two_round)
        self.two_round_pickers = TwoRoundPickers(self.two_round)
        win, model = self.window, self.two_round
        win.set_two_round_widgets(self.two_round_panel, self.two_round_pickers)
        self.two_round_answer = TwoRoundAnswerView(self.two_round)
        win.set_two_round_answer_widget(self.two_round_answer)  # meeting mode's answer for a two-round race
        self.poll_service.contest_loaded.connect(model.set_contest)
        model.choices_changed.connect(lambda: win.show_two_round(model.active))
        model.lead_ready.connect(lambda lead: win.show_matchup_lead(*chart_lead(lead)))
        model.chart_ready.connect(win.show_campaign_chart)
        model.table_ready.connect(win.show_notices)  # the notices in the poll table, counted in the status bar
        # another process (the command line's import) wrote the store: the campaign may have new questions
        self.poll_service.polls_changed.connect(
            lambda change: model.reload() if getattr(change, "external", False) else None
        )
        model.failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))

    def _follow_scheme(self, scheme: Qt.ColorScheme) -> None:
        preference = self.settings.theme
        dark = preference == "dark" or (preference == "system" and scheme == Qt.ColorScheme.Dark)
        self.window.apply_color_scheme(dark)

    def _wire(self) -> None:
        ps, win, avg, sc = self.poll_service, self.window, self.averages, self.scenarios
        acts, imports, panel = self.scenario_actions, self.import_actions, self.scenario_panel
        ps.contest_loaded.connect(win.show_contest)
        ps.contest_loaded.connect(lambda contest: setattr(self.settings, "contest", contest.name))
        ps.contest_loaded.connect(avg.set_contest)
        ps.contest_loaded.connect(sc.set_contest)
        ps.contest_loaded.connect(self.presented.set_contest)
        ps.contest_loaded.connect(self.preferences.set_contest)  # after the controllers: priors apply to the new one
        self._wire_irv()
        prefs = self.preferences
        prefs.priors_changed.connect(avg.set_priors)
        prefs.priors_changed.connect(sc.set_priors)
        prefs.valid_votes_changed.connect(sc.set_valid_votes)
        prefs.valid_votes_changed.connect(self.presented.set_valid_votes)
        prefs.presentation_views_changed.connect(win.set_presentation_views)
        prefs.preferences_failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        ps.polls_changed.connect(self._on_polls_changed)
        ps.annotations_changed.connect(win.show_annotations)
        ps.store_failed.connect(win.show_error)
        ps.scenarios_changed.connect(lambda _rows: acts.fill_menu(sc.saved()))
        avg.averages_ready.connect(win.show_averages)
        # The answer view and the scenario follow in later turns of the event loop, one each: the charts paint
        # the new average first, and no single turn holds the window for all of it (10,000 polls: 150+ ms).
        avg.averages_ready.connect(self._later(self.answer_view.show_averages, 1))
        avg.averages_ready.connect(self._later(sc.set_data, 2))
        avg.average_failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        sc.saved_changed.connect(acts.fill_menu)
        sc.scenario_failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        panel.save_requested.connect(acts.save)
        panel.compare_requested.connect(acts.compare)
        win.scenario_view_requested.connect(acts.present)
        win.briefing_requested.connect(acts.write_briefing)
        win.import_requested.connect(imports.import_file)
        win.paste_requested.connect(imports.import_text)
        original_close = win.closeEvent

        def close_event(event) -> None:
            self.import_worker.shutdown()  # a running import is cancelled (rolled back), its thread joined
            self.settings.set_geometry("main", win.saveGeometry())
            self.settings.set_geometry("main_state", win.saveState())
            self.settings.sync()
            original_close(event)

        win.closeEvent = close_event  # type: ignore[method-assign]

    def _later(self, slot: Callable[[Sequence[Poll], PollAverages | None], None], turns: int) -> Callable[..., None]:
        """`slot`, for a big contest called `turns` timer ticks after averages_ready, and only if those averages
        are still the latest (a contest opened meanwhile must not get the previous one's). A small contest's
        average is computed on this thread in a few milliseconds: its listeners are called at once, as before."""

        def call(polls: Sequence[Poll], averages: PollAverages | None) -> None:
            if self._starting or len(polls) < self.averages.background_from:
                slot(polls, averages)  # (while starting: the window is built with everything in place)
                return

            def deliver() -> None:
                if self.averages.is_current(polls, averages):
                    slot(polls, averages)

            QTimer.singleShot(turns, self.window, deliver)  # timers, not posted events: separate turns

        return call

    def _on_polls_changed(self, change: object) -> None:
        # both kept by the service as polls change: no sort and no dict built per change (100,000 polls: 150 ms)
        by_id = self.poll_service.polls_by_id
        self.window.show_polls(change, by_id)
        self.averages.set_polls(self.poll_service.polls)
        big = len(by_id) >= self.averages.background_from
        if big and (getattr(change, "reloaded", False) or len(getattr(change, "added", ())) > BIG_CHANGE):
            QTimer.singleShot(0, self.window, _freeze_heap)

    def _wire_irv(self) -> None:
        ps, irv, win = self.poll_service, self.irv, self.window
        ps.contest_loaded.connect(irv.set_contest)
        ps.contest_loaded.connect(self._irv_priors)
        ps.contest_loaded.connect(win.show_counting_system)
        self.averages.averages_ready.connect(irv.set_data)
        irv.lead_ready.connect(win.show_irv_pair_lead)  # the runoff-lead chart: the chain's final pair
        irv.scenario_failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        irv.notice.connect(lambda msg: win.statusBar().showMessage(msg, 8000))

    def _irv_priors(self, contest: Contest) -> None:
        """An instant-runoff contest's rows from its stored ballots prior and its chosen past count; a store
        problem is said, not raised."""
        if not self.irv.active:
            return
        from warroom.store.db import translated
        from warroom.store.irv_priors import get_irv_prior

        try:
            with translated(self.store.engine), self.store.sessions() as session:
                stored = get_irv_prior(session, contest.id or 0)
        except (StoreError, ValueError) as exc:
            self.window.statusBar().showMessage(f"No next preferences from the stored ballots: {exc}", 8000)
            stored = None
        if stored is not None:
            self.irv.set_ballots_prior(stored.scenario, stored.source)
        try:
            rows = self.poll_service.irv_prior_rows(contest)
        except (StoreError, ValueError) as exc:
            self.window.statusBar().showMessage(f"No next preferences from {contest.transfer_prior}: {exc}", 8000)
            rows = None
        self.irv.set_prior_rows(rows)

    def briefing(self) -> Briefing:
        """The briefing as the app would write it now."""
        return self.scenario_actions.briefing()


BIG_CHANGE = 64
"""Polls added at once (an import) after which the heap is frozen again (_freeze_heap)."""


def _freeze_heap() -> None:
    """Move every object alive now out of the cyclic garbage collector's reach (gc.freeze).

    A contest's polls live as long as it is open, and 10,000 of them are a few million small objects: each
    full collection walked them all, 75-430 ms at 10,000 polls and seconds at 100,000, at moments nobody
    chose (issue 15). Frozen objects are still freed by reference counting when they go; only a reference
    cycle among objects alive at a freeze is never collected, and freezes happen once per big contest (2,000
    polls or more, where a collection costs) opened or imported into, never per edit or slider move.
    """
    gc.freeze()


def _ask_yes_no(title: str, text: str) -> bool:
    return QMessageBox.question(None, title, text) == QMessageBox.StandardButton.Yes


def _tell(title: str, text: str) -> None:
    QMessageBox.critical(None, title, text)


def open_with_recovery(
    target: str | Path,
    paths: AppPaths,
    ask: Callable[[str, str], bool] = _ask_yes_no,
    tell: Callable[[str, str], None] = _tell,
) -> OpenStore | None:
    """Open the store; on a damaged file offer the newest backup (as a copy), never touching the original."""
    try:
        return open_store(target, backup_dir=paths.backup_dir)
    except StoreError as exc:
        backups = backups_of(Path(str(target)), paths.backup_dir) if exc.kind == "corrupt" else []
        text = f"{exc}\n\n{exc.where}" if exc.where else str(exc)
        if not backups:
            tell("warroom: cannot open the poll store", text)
            return None
        question = f"{text}\n\nOpen a copy of the newest automatic backup instead?\n{backups[0].name}"
        if not ask("warroom: the poll store is damaged", question):
            return None
        import shutil

        restored = paths.data_dir / f"restored-{backups[0].name}"
        shutil.copy2(backups[0], restored)
        try:
            return open_store(restored, backup_dir=paths.backup_dir)
        except StoreError as exc2:
            tell("warroom", f"The backup could not be opened either: {exc2}")
            return None


def _no_display() -> bool:
    """On Linux without X11 or Wayland, Qt would abort; say so plainly instead."""
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    )


def _exit_after_first_paint(window: QWidget) -> None:
    """Print 'painted' and quit once the window has painted itself for the first time."""

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is window:
                window.removeEventFilter(self)
                QTimer.singleShot(0, window, lambda: (print("painted", flush=True), QApplication.quit()))
            return False

    window.installEventFilter(FirstPaint(window))


def run_gui(args: argparse.Namespace) -> int:
    if _no_display():
        sys.stderr.write(
            "warroom: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
            "The command-line verbs work without one: warroom --help. "
            "To render pictures headless: warroom render CHART --out FILE.\n"
        )
        return 2
    if uses_xcb() and (missing := missing_qt_libraries()):
        # Qt would abort inside the xcb plugin with a message no user can act on: name the packages instead.
        sys.stderr.write(missing_message(missing) + "\n")
        return 2
    app = make_qapp(sys.argv[:1])
    paths = AppPaths.under(args.data_dir) if getattr(args, "data_dir", None) else AppPaths.for_user()
    # warroom-gui has no console on Windows: there, what stops the start is also said in a message box, not only
    # on stderr (which still gets it, with the exit code). `warroom gui` in a terminal prints it and never waits.
    boxed = bool(getattr(args, "message_boxes", False))
    try:
        paths.ensure()
        settings = open_settings(paths)
    except AppFolderError as exc:
        if boxed:
            _tell("warroom: cannot use its folders", str(exc))
        raise
    target = args.db or paths.database
    store = open_with_recovery(target, paths)
    if store is None:
        return 3
    try:
        room = WarRoom(store, settings, contest=getattr(args, "contest", None), backup_dir=paths.backup_dir)
    except ValueError as exc:  # --contest names no contest: the command line says so too (exit 1)
        store.close()
        if boxed:
            _tell("warroom: cannot open the contest", str(exc))
        raise
    room.window.show()
    if os.environ.get("WARROOM_EXIT_AFTER_PAINT"):  # benchmarks/bench_scale.py: time to the first painted window
        _exit_after_first_paint(room.window)
    code = app.exec()
    store.close()
    return int(code)
