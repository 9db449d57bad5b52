"""Composition root: QApplication, paths, store, services, main window, wiring. Nothing imports this."""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import html
import importlib
import os
import secrets
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QMessageBox, QWidget

from warroom import __version__
from warroom.core.startframe import FRAME_FILE, MAX_ROWS, StartFrame, frame_key, load_frame
from warroom.paths import AppFolderError, AppPaths, user_made_read_only, write_private_atomic
from warroom.qtcheck import missing_message, missing_qt_libraries, unusable_scale, uses_xcb
from warroom.resources import installation_stamp
from warroom.services.settings import AppSettings, open_settings
from warroom.store.errors import StoreError
from warroom.store.fingerprint import StoreDigest, sqlite_file, store_fingerprint
from warroom.store.first_read import MAX_POLLS as FIRST_READ_MAX_POLLS
from warroom.store.first_read import Fallback, FirstRead

# Everything else (pyqtgraph, numpy, SQLAlchemy, Alembic, the services and widgets of the real window) is imported
# where it is first needed, after the start shell has painted (issue 15: cold start). The light modules above are
# all the first paint needs.

if TYPE_CHECKING:
    from warroom.bootstrap import OpenStore
    from warroom.core.averaging import PollAverages
    from warroom.core.saved_cases import CaseSummary
    from warroom.core.start_case import StartCase
    from warroom.core.types import Contest, Poll
    from warroom.services.scenario_service import ScenarioController
    from warroom.store.recovery import SessionHold
    from warroom.ui.answer_view import AnswerView
    from warroom.ui.charts import ChartPanel
    from warroom.ui.export import Briefing
    from warroom.ui.irv_answer import IrvAnswerView
    from warroom.ui.saved_case_view import SavedScenarioPages
    from warroom.ui.scenario_panel import ScenarioPanel
    from warroom.ui.two_round_answer import TwoRoundAnswerView


def _quiet_offscreen(mode: QtMsgType, context: object, message: str) -> None:
    # The offscreen platform (headless rendering, CI) cannot resize native windows and says so on every
    # show(); that is not a problem of the app. Everything else goes to stderr as usual.
    if "propagateSizeHints" in message:
        return
    sys.stderr.write(message + "\n")


def configure_charts() -> None:
    """pyqtgraph's global options, set before any chart exists (imports pyqtgraph: not on the first paint's path)."""
    import pyqtgraph as pg

    # segmentedLineMode: thick antialiased lines drawn as segments; Qt's raster engine is three times faster
    # at those than at one long path (benchmarks/bench_charts.py).
    pg.setConfigOptions(antialias=True, background="w", foreground="k", segmentedLineMode="on")


def make_qapp(argv: list[str] | None = None, *, charts: bool = True) -> QApplication:
    """The application object; `charts=False` leaves pyqtgraph unimported (the window's start configures it)."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        qInstallMessageHandler(_quiet_offscreen)
    app = QApplication.instance()
    if app is None:
        for name, why in unusable_scale(os.environ):  # Qt reads them as it starts: dropped before, and said
            os.environ.pop(name, None)
            if sys.stderr is not None:  # (warroom-gui on Windows has no console)
                sys.stderr.write(f"warroom: {why}; left out (Qt's default scale is used)\n")
        QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv or ["warroom"])
    app.setApplicationName("warroom")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("warroom")
    if charts:
        configure_charts()
    return app  # type: ignore[return-value]


def _gui_app() -> QApplication:
    """The running QApplication (a window exists, so there is one)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


class WarRoom:
    """Everything one running app owns, wired together. Wiring only: behaviour lives in the parts.

    Args:
        store: the open poll store.
        settings: the user's settings.
        watch: poll the store for other processes' writes.
        contest: open this contest (by name) instead of the last one used; ValueError if there is none.
        backup_dir: where a copy of the store goes before a contest is deleted.
        stepwise: build one part per step() call (the app's start), not all at once.
        charts: build the charts (and the scenario panel's heatmap) with the window; False leaves pyqtgraph
            unimported and shows "Loading the charts…" in their place until attach_charts() (the app's start:
            the real window paints without the charting library, issue 15).
        scenarios: the scenario controller the start's first stage made before the store was open (its case and
            the user's settings kept: ScenarioController.start_from); None: a new one.
        recovery_file: where the changes the store refused are kept (every one, oldest first) across a close that
            cannot ask (a signal, a session ending), and read back at the start (the data folder's
            unsaved-change.json); None: not kept.
    """

    def __init__(
        self,
        store: OpenStore,
        settings: AppSettings,
        *,
        watch: bool = True,
        contest: str | None = None,
        backup_dir: Path | None = None,
        stepwise: bool = False,
        charts: bool = True,
        scenarios: ScenarioController | None = None,
        recovery_file: Path | None = None,
    ) -> None:
        self._charts = charts
        self._recovery_file = recovery_file
        # this session's entry in the recovery file (another window on the store keeps its own), and the entries
        # of earlier sessions whose changes it was offered (offer_unsaved): taken over, settled with its own
        self._session = secrets.token_hex(8)
        self._takes: frozenset[str] = frozenset()
        # held while this window runs (recovery.hold_session): another start does not take over its kept changes
        self._hold: SessionHold | None = None
        self._hold_for: Path | None = None
        self._let_go = False  # the window closed: what it keeps from now (a form closed after it) is not held
        self._early_scenarios = scenarios
        self._build_steps: Iterator[str] | None = self._build(store, settings, watch, contest, backup_dir)
        if not stepwise:
            while self.step() is not None:  # "" names the last part: it is built too
                pass

    def step(self) -> str | None:
        """Build the next part of a stepwise war room (`stepwise=True`); what comes next ("" once it is the last),
        or None when the room is complete. The app's start runs one step per turn of the event loop, so the shell
        stays alive (repaints, moves, takes its early commands) while the window is built (issue 15).

        Raises:
            ValueError: `contest` names no contest of the store.
        """
        if self._build_steps is None:
            return None
        try:
            return next(self._build_steps)
        except StopIteration:
            self._build_steps = None
            return None

    def _build(
        self, store: OpenStore, settings: AppSettings, watch: bool, contest: str | None, backup_dir: Path | None
    ) -> Iterator[str]:
        from warroom.bootstrap import former_settings_key, settings_key
        from warroom.resources import resource_path
        from warroom.services.analysis_service import AverageController
        from warroom.services.contest_preferences import ContestPreferences
        from warroom.services.import_worker import ImportWorker
        from warroom.services.irv_service import IrvController
        from warroom.services.poll_service import PollService
        from warroom.services.scenario_service import ScenarioController
        from warroom.services.store_writer import StoreWriter
        from warroom.store.db import sqlite_path
        from warroom.ui.actions import ImportActions, ScenarioActions
        from warroom.ui.assets import stylesheet
        from warroom.ui.contest_actions import ContestActions
        from warroom.ui.irv_panel import IrvPanel
        from warroom.ui.main_window import MainWindow
        from warroom.ui.scenario_panel import ScenarioPanel

        self._starting = True
        self._follows_scheme = False  # the style hints connected (set where they are, undone at close)
        self._watches_session = False  # the application's commitDataRequest connected (likewise)
        self._landing = False  # closing waits for the changes on their way to the store (_land_writes)
        self.store = store
        self.settings = settings
        # the window's writes run on this thread, in order: the GUI thread never waits on the database
        self.store_writer = StoreWriter()
        self.poll_service = PollService(store.sessions, watch=watch, backup_dir=backup_dir, writer=self.store_writer)
        # The historical error of poll averages: the shipped London record, refitted with the store's own races.
        errors = self.poll_service.forecast_errors(resource_path("data", "forecast_errors.json"))
        self.averages = AverageController(errors=errors)
        if self._early_scenarios is not None:  # the first stage's: its panel's settings carry over
            self.scenarios = self._early_scenarios
            self.scenarios.set_store(self.poll_service, errors)
        else:
            self.scenarios = ScenarioController(self.poll_service, errors=errors)
        # meeting mode's saved-scenario view: never the live case, the same odds
        self.presented = ScenarioController(errors=errors)
        yield "the window"
        self.window = MainWindow(self.poll_service, charts=self._charts)
        from warroom.ui.meeting_dialogs import MeetingDialogLook

        self._meeting_dialogs = MeetingDialogLook(self.window)  # a dialog opened in meeting mode: the projector's look
        yield "the panels"
        self.scenario_panel = ScenarioPanel(self.scenarios, charts=self._charts)
        # Meeting mode's views (its answer pages, the saved scenario's read-only panel) are built the first time
        # they are shown, not at every start: the first screen never shows them (issue 15, docs/STARTUP.md).
        self._saved_pages: SavedScenarioPages | None = None
        self._answer_view: AnswerView | None = None
        self._two_round_answer: TwoRoundAnswerView | None = None
        self._irv_answer: IrvAnswerView | None = None
        self.scenario_actions = ScenarioActions(
            self.scenarios, self.presented, self.window, records=self.poll_service, pages=_LazyPages(self)
        )
        self.import_worker = ImportWorker(store.sessions, self.poll_service)
        _WORKERS.update((self.store_writer, self.averages, self.scenarios, self.import_worker))  # (the collector's)
        self.import_actions = ImportActions(self.poll_service, self.import_worker, self.window)
        self.preferences = ContestPreferences(
            settings, self.poll_service, store=settings_key(store.target), former=former_settings_key(store.target)
        )
        self.contest_actions = ContestActions(self.poll_service, self.window, priors=self.preferences)
        self.window.set_scenario_widget(self.scenario_panel)
        self.window.set_saved_scenario_widget(lambda: self.saved_pages)
        # Instant runoff (issue 12): its own controller and panel, shown instead of the runoff panel for IRV races.
        self.irv = IrvController(errors=errors)
        self.irv_panel = IrvPanel(self.irv)
        self.window.set_irv_widget(self.irv_panel)
        self.window.set_irv_answer_widget(lambda: self.irv_answer)  # meeting mode's answer, instant-runoff race
        self.window.set_answer_widget(lambda: self.answer_view)
        self.window.show_store(
            store.display_target + ("  (read-only)" if store.read_only else ""), sqlite_path(store.engine), backup_dir
        )
        yield "the menus"
        self._wire()
        self._build_two_round()  # after _wire: the window takes a contest before its runoff matchup is shown
        if contest and self.poll_service.find_contest(contest) is None:  # found as the verbs find it
            raise ValueError(f"no contest named {contest!r} in the store")
        # Light and dark follow the system (Qt 6.5+ reports the colour scheme and its changes). Applied before
        # the polls arrive: a theme change redraws every chart, which at 100,000 polls is half a second.
        hints = QApplication.styleHints()
        self._follow_scheme(hints.colorScheme())
        hints.colorSchemeChanged.connect(self._follow_scheme)
        self._follows_scheme = True  # until the window closes (close_event)
        yield "the polls"
        # No turn of the event loop from here to the recompute: the averages' own timer would run it once more.
        # (a big race is read on the store writer's thread: the window paints first, the race lands after)
        self.poll_service.open_at_start(contest or settings.contest or None)
        polls = len(self.poll_service.polls)
        if polls < self.averages.background_from:
            self.averages.recompute()  # a few milliseconds: the window's first paint has every figure
            # and so does its panel: evaluated now, not on the next turn after the window has painted an empty
            # panel in the place where the shell showed the last session's figures (a flash, then the figures)
            panel = self.irv if self.irv.active else self.two_round if self.two_round.active else self.scenarios
            panel.evaluate_now()
        else:
            # A big contest's average (0.3 s and more at 10,000 polls) is not computed while the window is built:
            # the set_polls above queued it on the worker thread, so the window paints its poll table first and
            # the lines, then the scenario, land as they would after an import (issue 15: window at 10,000 polls).
            self._averaging_note = f"Averaging {polls:,} polls…"
            self.window.statusBar().showMessage(self._averaging_note)
            self.averages.averages_ready.connect(self._on_first_averages)
        yield ""
        from warroom.ui.qt_utils import restore_window_geometry

        restore_window_geometry(self.window, settings.geometry("main"))
        state = settings.geometry("main_state")
        if state is not None:
            self.window.restoreState(state)
        self.window.setStyleSheet(stylesheet("app"))
        if store.backup_error:  # the store opened, but this start's safety copy failed: say so, once
            self.window.statusBar().showMessage(f"Warning: {store.backup_error}", 15000)
        elif settings.notice:  # the settings file was set aside (open_settings)
            self.window.statusBar().showMessage(f"Warning: {settings.notice}", 15000)
        if store.read_only:
            self.window.statusBar().showMessage("This poll store is read-only: you can look, not change", 15000)
        if store.notice:  # a new store made where one was: where the work done since is (bootstrap.made_new_notice)
            self.window.statusBar().showMessage(store.notice[0].upper() + store.notice[1:], 60000)
        self.offer_unsaved()  # (last: its note is the one left in the status bar)
        self._starting = False

    def attach_charts(self) -> None:
        """The charts and the scenario panel's heatmap, for a room built without them (`charts=False`): built now
        with what the window was given meanwhile. Imports pyqtgraph (configured first: configure_charts)."""
        if self.charts_attached:
            return
        configure_charts()
        self.window.attach_charts()
        self.scenario_panel.attach_charts()

    @property
    def charts_attached(self) -> bool:
        """The window's charts and the panel's heatmap are built (False: a room built with charts=False, before
        attach_charts)."""
        return self.window.charts_attached and self.scenario_panel.heatmap.plot is not None

    @property
    def saved_pages(self) -> SavedScenarioPages:
        """Meeting mode's saved scenario: the runoff panel's read-only copy (`saved_panel`), or a two-round or
        instant-runoff case's card. Built on first use."""
        if self._saved_pages is None:
            self.attach_charts()  # (pyqtgraph configured before its first chart)
            from warroom.ui.saved_case_view import SavedScenarioPages
            from warroom.ui.scenario_panel import ScenarioPanel

            # the panel binds to the presenting controller and shows what it already holds
            self._saved_pages = SavedScenarioPages(ScenarioPanel(self.presented))
        return self._saved_pages

    @property
    def saved_panel(self) -> ScenarioPanel:
        """The read-only runoff panel meeting mode shows a saved scenario in (built on first use)."""
        from warroom.ui.scenario_panel import ScenarioPanel

        panel = self.saved_pages.runoff_panel
        assert isinstance(panel, ScenarioPanel)
        return panel

    @property
    def answer_view(self) -> AnswerView:
        """Meeting mode's answer page for a runoff (SV) race, built on first use with the figures already in."""
        if self._answer_view is None:
            self.attach_charts()
            from warroom.ui.answer_view import AnswerView

            view = AnswerView(self.scenarios)  # shows the controller's current view at once
            if self.averages.averages is not None:
                view.show_averages([], self.averages.averages)  # (the polls are not read: the averages carry them)
            self.averages.averages_ready.connect(self._later(view.show_averages, 1))
            self._answer_view = view
        return self._answer_view

    @property
    def two_round_answer(self) -> TwoRoundAnswerView:
        """Meeting mode's answer page for a two-round race, built on first use (it shows its model's state)."""
        if self._two_round_answer is None:
            self.attach_charts()
            from warroom.ui.two_round_answer import TwoRoundAnswerView

            self._two_round_answer = TwoRoundAnswerView(self.two_round)
        return self._two_round_answer

    @property
    def irv_answer(self) -> IrvAnswerView:
        """Meeting mode's answer page for an instant-runoff race, built on first use (it shows its model's state)."""
        if self._irv_answer is None:
            self.attach_charts()
            from warroom.ui.irv_answer import IrvAnswerView

            self._irv_answer = IrvAnswerView(self.irv)
        return self._irv_answer

    def _on_first_averages(self, _polls: object, _averages: object) -> None:
        """A big contest's first averages landed: the start's "Averaging…" note goes (unless replaced since)."""
        self.averages.averages_ready.disconnect(self._on_first_averages)
        if self.window.statusBar().currentMessage() == self._averaging_note:
            self.window.statusBar().clearMessage()

    def _build_two_round(self) -> None:
        """Two-round contests (issue 11): their runoff panel and matchup pickers, fed from the store's poll
        questions; the window shows them instead of the SV panel when such a contest is open."""
        from warroom.demo import FAR_LEFT_2022, FRANCE_2022_NAME
        from warroom.services.two_round_service import StoreCampaigns, TwoRoundController
        from warroom.ui.two_round_panel import TwoRoundPanel
        from warroom.ui.two_round_pickers import TwoRoundPickers, chart_lead

        self.two_round = TwoRoundController(
            StoreCampaigns(self.store.sessions), proxies={FRANCE_2022_NAME: FAR_LEFT_2022}
        )
        self.two_round_panel = TwoRoundPanel(self.two_round)
        self.two_round_pickers = TwoRoundPickers(self.two_round)
        win, model = self.window, self.two_round
        win.set_two_round_widgets(self.two_round_panel, self.two_round_pickers)
        win.set_two_round_answer_widget(lambda: self.two_round_answer)  # meeting mode's answer, two-round race
        self.poll_service.contest_loaded.connect(model.set_contest)
        model.choices_changed.connect(lambda: win.show_two_round(model.active))
        model.lead_ready.connect(lambda lead: win.show_matchup_lead(*chart_lead(lead)))
        model.chart_ready.connect(win.show_campaign_chart)
        model.extents_ready.connect(win.show_value_extents)  # value axes that stay put through a switch
        # the choices most likely picked next, drawn ahead at idle (their first switch then costs a switch back's)
        model.choice_prepared.connect(lambda chart, lead: win.draw_ahead(chart, chart_lead(lead)))
        model.table_ready.connect(win.show_notices)  # the notices in the poll table, counted in the status bar
        # File > Import (or a paste) of a compilation or the poll CSV with questions landed in this race
        self.import_worker.campaign_finished.connect(
            lambda report: (
                model.reload() if model.contest is not None and model.contest.id == report.contest_id else None
            )
        )
        # another process (the command line's import) wrote the store: the campaign may have new questions
        self.poll_service.polls_changed.connect(
            lambda change: model.reload() if getattr(change, "external", False) else None
        )
        model.failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        # its saved scenarios (the Scenario menu serves this panel while a two-round contest is open)
        from warroom.services.case_library import TwoRoundLibrary

        self.two_round_library = TwoRoundLibrary(model, self.poll_service, proxies={FRANCE_2022_NAME: FAR_LEFT_2022})
        self.two_round_library.failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        self.scenario_actions.add_library(self.two_round_library)
        model.choices_changed.connect(self.scenario_actions.refresh)
        self.scenario_actions.refresh()

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
        ps.contest_loading.connect(self._on_contest_loading)
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
        ps.store_failed.connect(lambda message: win.show_error(message))  # (as the window has it then)
        ps.write_state_changed.connect(win.show_write_state)
        ps.write_failed.connect(win.on_write_failed)
        win.unsaved_change_changed.connect(self._keep_unsaved)
        # (a method of the window: the application's signal never keeps the room alive; disconnected at close)
        _gui_app().commitDataRequest.connect(win.on_session_ending)
        self._watches_session = True  # until the window closes (close_event)
        ps.scenarios_changed.connect(acts.refresh)
        avg.averages_ready.connect(win.show_averages)
        # The answer view and the scenario follow in later turns of the event loop, one each: the charts paint
        # the new average first, and no single turn holds the window for all of it (10,000 polls: 150+ ms).
        avg.averages_ready.connect(self._later(sc.set_data, 2))
        avg.add_ahead(sc.prepare_ahead)  # the case rebuilt on the worker before the averages land (then adopted)
        avg.average_failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        sc.saved_changed.connect(acts.fill_menu)
        sc.scenario_failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        panel.save_requested.connect(acts.save)
        panel.compare_requested.connect(acts.compare)
        win.scenario_view_requested.connect(acts.present)
        win.briefing_requested.connect(acts.start_briefing)
        win.import_requested.connect(imports.import_file)
        win.paste_requested.connect(imports.import_text)
        original_close = win.closeEvent

        def close_event(event) -> None:
            by_user = win.closing_by_user(event)
            if by_user and self.import_worker.busy and not win.ask_close_while_importing():
                event.ignore()  # an import cancelled without a word: the next day its polls were not there
                return
            if not by_user:
                win.close_unasked()  # a change failing on its way is said, never asked (nobody may be there)
            self._land_writes(ask=by_user)
            if not self._settle_unsaved(by_user):
                event.ignore()  # the user chose Cancel, or a retry they left: the window stays, the change kept
                return
            if self._watches_session:
                self._watches_session = False
                _gui_app().commitDataRequest.disconnect(win.on_session_ending)
            # The style hints are the application's: connected to this room, they would keep it (and its window,
            # services and polls) alive after the window closed, for as long as the process runs.
            if self._follows_scheme:
                self._follows_scheme = False
                QApplication.styleHints().colorSchemeChanged.disconnect(self._follow_scheme)
            win.finish_file_writes()  # an export writing on a worker: stopped, or its write finished whole
            self.store_writer.shutdown()
            if self.import_worker.busy and not by_user:  # (the user was asked: they chose to cancel it)
                print(
                    "warroom: an import was running as the window closed: it was cancelled, none of its polls saved",
                    file=sys.stderr,
                )
            self.import_worker.shutdown()  # a running import is cancelled (rolled back), its thread joined
            self.settings.set_geometry("main", win.saveGeometry())
            self.settings.set_geometry("main_state", win.saveState())
            self.settings.sync()
            self.let_session_go()  # (after its unsaved changes were kept: the next start takes them over)
            original_close(event)

        win.closeEvent = close_event  # type: ignore[method-assign]

    def _settle_unsaved(self, by_user: bool) -> bool:
        """Before the window closes with changes the store refused (kept for Edit > Retry): the user is asked about
        each, oldest first (Retry now, Save to a CSV file, Discard, Cancel); a close that cannot ask (a signal, a
        session ending, a program's own close) keeps every one in the recovery file for the next start instead.
        False: do not close."""
        win = self.window
        while (change := win.unsaved_change) is not None:
            if not by_user:
                self._keep_unsaved(win.unsaved_changes)
                return True
            answer = win.ask_unsaved_on_close(change)
            if answer == "discard":
                win.discard_unsaved(change)
            elif answer == "csv":
                if win.save_unsaved_csv(change):
                    win.discard_unsaved(change)
            elif answer == "retry":
                kept = win.unsaved_changes
                win.retry_failed_write()
                if win.unsaved_changes == kept:
                    return False  # the form was cancelled: nothing retried, so nothing closes
                self._land_writes()  # refused again: asked again (the loop)
            else:
                return False
        return True

    def _keep_unsaved(self, changes: object) -> None:
        """The window's unsaved changes in the recovery file at once (a kill or a crash loses nothing typed), or
        the file gone once they are settled. A file that cannot be written (a full disk) is said on standard error
        and in the status bar (the close goes on: it must not wait), and tried again at the close."""
        path = self._recovery_file
        if path is None:
            return
        from warroom.core.types import UnsavedChange
        from warroom.store.recovery import forget_unsaved, write_unsaved

        kept = [c for c in (changes if isinstance(changes, tuple | list) else ()) if isinstance(c, UnsavedChange)]
        if kept:
            self._hold_entries(path)
        try:
            if kept:
                aside = write_unsaved(path, kept, self.store.display_target, session=self._session, takes=self._takes)
                if aside is not None:  # the file the start said could not be read: kept, under another name
                    note = (
                        f"{path} could not be read; it was kept as {aside}, and this change kept in a new {path.name}"
                    )
                    print(f"warroom: {note}", file=sys.stderr)
                    self.window.statusBar().showMessage(note, 30000)
            else:
                # (other stores' and other sessions' kept changes stay)
                forget_unsaved(path, self.store.display_target, session=self._session, takes=self._takes)
        except OSError as exc:
            print(f"warroom: the unsaved change could not be kept in {path}: {exc.strerror or exc}", file=sys.stderr)
            if kept:  # (the window too: started from the desktop, nobody reads standard error; a crash now loses it)
                self.window.statusBar().showMessage(
                    f"The unsaved change could not be kept in {path} ({exc.strerror or exc}): it is still in this "
                    "window only; Edit ▸ Retry enters it again, or save it to a CSV file before closing",
                    60000,
                )

    def offer_unsaved(self) -> str:
        """The changes kept by an earlier session's close (the recovery file), for this store: offered for Edit >
        Retry and said in the status bar. Returns what was said ("" for nothing kept)."""
        path = self._recovery_file
        if path is None:
            return ""
        if not os.path.lexists(path):
            return ""  # (nothing kept: no hold taken, no file made)
        from warroom.store.recovery import take_kept

        self._hold_entries(path)  # first: a start at the same moment leaves what this one takes over
        try:
            # (never a window's still open: both held them, and each could enter one change again)
            changes, taken = take_kept(path, self.store.display_target, self._session)
        except ValueError as exc:
            note = f"{exc}; it was left as it is"
            self.window.statusBar().showMessage(note, 30000)
            return note
        except OSError as exc:
            note = (
                f"The unsaved changes kept in {path} could not be taken over ({exc.strerror or exc}); they stay there"
            )
            self.window.statusBar().showMessage(note, 30000)
            return note
        self._takes |= taken
        if not changes:
            return ""
        self.window.keep_unsaved(changes)
        what = changes[0].describe() + (f", and {len(changes) - 1} more change(s)" if len(changes) > 1 else "")
        note = (
            f"Not saved when warroom last closed: {what}. Edit ▸ Retry unsaved change enters it again (kept in {path})"
        )
        self.window.statusBar().showMessage(note, 60000)
        return note

    def _hold_entries(self, path: Path) -> None:
        """Hold this session's entries of the recovery file `path` while the window runs (recovery.hold_session)."""
        if self._let_go or (self._hold_for == path and self._hold is not None):
            return
        from warroom.store.recovery import hold_session

        self._release_hold()
        self._hold, self._hold_for = hold_session(path, self._session), path

    def let_session_go(self) -> None:
        """The window is gone: what it kept in the recovery file (then, or later: a form closed with it) is the
        next start's to take over."""
        self._let_go = True
        self._release_hold()

    def _release_hold(self) -> None:
        if self._hold is not None:
            self._hold.release()
        self._hold, self._hold_for = None, None

    def _land_writes(self, *, ask: bool = True) -> None:
        """Before the window closes: wait for the changes still on their way to the store, saying so: a progress
        dialog ("Saving 312 changes…") whose count goes down as each lands (the window stayed still and silent for
        up to WRITE_WAIT_ON_CLOSE_S before: the status bar's message was never painted while the GUI thread
        waited). A change that fails meanwhile is reported as usual (what and why). If the store has not answered
        for WRITE_WAIT_ON_CLOSE_S, or the user presses "Close now…", the user is told and chooses: wait again, or
        close with those changes unsaved (the writer still tries them, in order, as the program ends). `ask` False
        (a close by a signal or a session ending, which nobody may be there to answer): no question, the close
        goes on once the store has not answered for WRITE_WAIT_ON_CLOSE_S."""
        service = self.poll_service
        if not service.pending_writes or self._landing:
            return  # (a second close while this one waits: the first goes on)
        from PySide6.QtWidgets import QProgressDialog

        self._landing = True
        total = service.pending_writes
        dialog = QProgressDialog(saving_text(total), "Close now…", 0, total, self.window)
        dialog.setObjectName("saving_on_close")
        dialog.setWindowTitle("warroom: saving before closing")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)  # nothing else changed while it waits
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        loop = QEventLoop()
        # The dialog's: deleted with it, its connection to `tick` with it (`tick` holds the timer, and a parentless
        # timer kept by its own connection was never freed, nor the room, window, store and polls `tick` holds).
        timer = QTimer(dialog)
        timer.setInterval(CLOSE_PROGRESS_TICK_MS)
        state = {"shown": total, "since": time.monotonic()}

        def tick() -> None:
            nonlocal total
            pending = service.pending_writes
            if not pending:
                loop.quit()
                return
            now = time.monotonic()
            if pending != state["shown"]:  # one landed (or failed, and was reported): the store answers
                state["shown"], state["since"] = pending, now
            total = max(total, pending)
            text = saving_text(pending)
            if dialog.labelText() != text:
                dialog.setLabelText(text)
                self.window.statusBar().showMessage(text)
            dialog.setMaximum(total)
            dialog.setValue(total - pending)
            stalled = now - state["since"] >= WRITE_WAIT_ON_CLOSE_S
            if stalled or dialog.wasCanceled():
                timer.stop()
                waited = WRITE_WAIT_ON_CLOSE_S if stalled else now - state["since"]
                # (the user pressed "Close now…": they are there to answer, whoever started the close)
                if (not ask and not dialog.wasCanceled()) or not self.window.ask_close_unsaved(pending, waited):
                    loop.quit()  # closed with them unsaved, as the user chose after being told
                    return
                dialog.reset()  # (the button pressed no more)
                dialog.setValue(total - service.pending_writes)
                state["since"] = time.monotonic()
                timer.start()

        timer.timeout.connect(tick)
        try:
            dialog.setValue(0)  # shown at once (minimum duration 0), painted in the loop's first turn
            timer.start()
            loop.exec()
        finally:
            timer.stop()
            dialog.close()
            dialog.deleteLater()
            self._landing = False

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
        by_id, ordered = self.poll_service.polls_view, self.poll_service.polls
        self.window.show_polls(change, by_id, ordered, self.poll_service.fieldwork_days)
        self.averages.set_polls(ordered)
        big = len(by_id) >= self.averages.background_from
        if big and (getattr(change, "reloaded", False) or len(getattr(change, "added", ())) > BIG_CHANGE):
            QTimer.singleShot(0, self.window, _freeze_heap)

    def _on_contest_loading(self, contest: Contest | None) -> None:
        """A read ended with no race open (none left in the store, the last one deleted; or the race opened after
        a delete failed to read): the runoff panel says so instead of "no poll of" the race deleted, or its
        projection; a two-round or instant-runoff race's controller lets it go (its panel, pickers, notices and
        meeting page showed it still), and the Scenario menu says so."""
        from warroom.ui.main_window import NO_RACE_MESSAGE, NO_RACE_STORED_MESSAGE

        if contest is None and self.poll_service.contest is None:
            reason = NO_RACE_MESSAGE if self.poll_service.contests() else NO_RACE_STORED_MESSAGE
            self.scenarios.forget_contest(reason)
            self.two_round.forget_contest()
            self.irv.forget_contest(reason)
            self.scenario_actions.refresh()

    def _wire_irv(self) -> None:
        ps, irv, win = self.poll_service, self.irv, self.window
        ps.contest_loaded.connect(irv.set_contest)
        ps.contest_loaded.connect(self._irv_priors)
        ps.contest_loaded.connect(win.show_counting_system)
        self.averages.averages_ready.connect(irv.set_data)
        irv.lead_ready.connect(win.show_irv_pair_lead)  # the runoff-lead chart: the chain's final pair
        irv.scenario_failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        irv.notice.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        from warroom.services.case_library import IrvLibrary

        self.irv_library = IrvLibrary(irv, ps)
        self.irv_library.failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        self.scenario_actions.add_library(self.irv_library)
        ps.contest_loaded.connect(self.scenario_actions.refresh)

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


class _LazyPages:
    """The saved-scenario pages as ScenarioActions sees them: built when a saved case is first presented."""

    def __init__(self, room: WarRoom) -> None:
        self._room = room

    def show_runoff(self) -> None:
        self._room.saved_pages.show_runoff()

    def show_case(self, summary: CaseSummary) -> None:
        self._room.saved_pages.show_case(summary)

    def show_missing(self, text: str) -> None:
        self._room.saved_pages.show_missing(text)


BIG_CHANGE = 64
"""Polls added at once (an import) after which the heap is frozen again (_freeze_heap)."""
CLOSE_PROGRESS_TICK_MS = 50
"""How often closing's progress dialog looks at the count of changes still on their way to the store."""


def saving_text(pending: int) -> str:
    """What closing says while changes are on their way to the store."""
    return f"Saving {pending:,} change{'' if pending == 1 else 's'} to the store before closing…"


WRITE_WAIT_ON_CLOSE_S = 10.0
"""How long closing the window waits for changes still on their way to the store before asking the user: longer
than a write's longest wait on a PostgreSQL server that stopped answering (the lock wait plus its margin, 5 s)."""


_WORKERS: weakref.WeakSet[Any] = weakref.WeakSet()
"""Every open room's workers (each with a `busy` property): GuiThreadCollector puts a collection off while one is
at a job."""


def workers_busy() -> bool:
    """Whether any open room's worker (store writer, averages, scenario, import) is at a job now."""
    for worker in list(_WORKERS):
        try:
            if worker.busy:
                return True
        except RuntimeError:  # (its Qt object already deleted)
            continue
    return False


class GuiThreadCollector(QObject):
    """Python's cyclic garbage collection, run from a timer on the window's thread instead of wherever an
    allocation happens to cross the collector's threshold.

    A Qt object that only Python owns and that sits in a reference cycle is destroyed by the collector, on the
    thread that ran it: a worker's (the store writer, the averages) as often as the window's. Qt objects destroyed
    off their own thread leave their timers registered with the window's event dispatcher, and its next timer event
    reads freed memory: a segmentation fault (reproduced with a form's discard guard, 4 runs in 5, before that
    cycle was broken; CI met it three times). Here the automatic collector is off, and every `interval_ms` the
    window's thread collects the oldest generation whose count is over its threshold, as the collector itself
    would have (qutebrowser does the same).

    A collection walks every young object still alive, so it waits while a worker holds a batch it built: while a
    worker is at a job (`workers_busy`: the store writer, the averages, the scenario, an import), it is put off,
    up to DEFER_AT_MOST looks in a row. A select all + Delete
    of 100,000 polls had the store writer hold 100,000 polls read back and a million rows for seconds, and a look
    collected them: 107-270 ms of the window's turn (issue 15). Once the job is done its objects are freed by
    reference counting, and the collection after it walks few. (The collector's count of young objects cannot
    tell a big collection from a small one: it falls for every old object freed too, and a count of 6,500 took
    92 ms.)"""

    DEFER_AT_MOST = 30
    """Looks in a row a busy worker puts the collection off (30 s at the usual interval; the undo of a
    100,000-poll delete keeps the writer at work 10-15 s): garbage in cycles made meanwhile waits no longer."""

    def __init__(self, parent: QObject, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.collections = 0  # collections run (tests)
        self.deferred = 0  # looks in a row that put a collection off
        self.busy: Callable[[], bool] = workers_busy  # whether a worker is at a job now
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        """Back to Python's own automatic collection."""
        self.timer.stop()
        gc.enable()

    def check(self) -> None:
        counts, threshold = gc.get_count(), self.threshold
        if threshold[0] <= 0 or counts[0] <= threshold[0]:
            return
        if self.deferred < self.DEFER_AT_MOST and self.busy():
            self.deferred += 1  # (a worker's batch still held: walked now, it would be walked for nothing)
            return
        self.deferred = 0
        generation = 2 if counts[2] > threshold[2] else 1 if counts[1] > threshold[1] else 0
        gc.collect(generation)
        self.collections += 1


def collect_on_gui_thread() -> GuiThreadCollector | None:
    """Run the cyclic garbage collector on the window's thread only, from now on (GuiThreadCollector), for the
    application's lifetime; the one made before when called again. None with no QApplication (the collector then
    runs as Python runs it)."""
    app = QApplication.instance()
    if app is None:
        gc.enable()
        return None
    found = app.findChild(GuiThreadCollector)
    collector = found if isinstance(found, GuiThreadCollector) else GuiThreadCollector(app)
    collector.start()
    return collector


def _freeze_heap() -> None:
    """Move every object alive now out of the cyclic garbage collector's reach (gc.freeze).

    A contest's polls live as long as it is open, and 10,000 of them are a few million small objects: each
    full collection walked them all, 75-430 ms at 10,000 polls and up to 0.8 s at 100,000, at moments nobody
    chose (issue 15). Frozen objects are still freed by reference counting when they go; only a reference
    cycle among objects alive at a freeze is never collected, and freezes happen once per big contest (2,000
    polls or more, where a collection costs) opened or imported into, never per edit or slider move.
    """
    gc.freeze()


def _ask_yes_no(title: str, text: str) -> bool:
    from warroom.ui.qt_utils import ask_plain

    return ask_plain(None, title, text) == QMessageBox.StandardButton.Yes  # names and paths as typed


def _tell(title: str, text: str) -> None:
    from warroom.ui.qt_utils import ask_plain

    ask_plain(None, title, text, icon=QMessageBox.Icon.Critical, buttons=QMessageBox.StandardButton.Ok)


def open_with_recovery(
    target: str | Path,
    paths: AppPaths,
    ask: Callable[[str, str], bool] = _ask_yes_no,
    tell: Callable[[str, str], None] = _tell,
) -> OpenStore | None:
    """Open the store; on a damaged file offer the newest backup (as a copy), never touching the original.

    A store file that is not there but was opened here before (its automatic backups are kept) is not made a new
    store: its folder may be a network drive or a disk not connected now, and a new store seeded with the demo
    races was made in its place without a word, the team's polls seemingly gone. The newest backup is named and
    offered as a copy instead. A store that cannot be reached says where its newest backup is, or, for a
    server's store, where the changes not saved to it are kept.
    """
    from warroom.bootstrap import backups_of_target, gone_since_opened, made_new_notice, open_store, restored_of

    gone = gone_since_opened(target, paths.backup_dir) if not _is_own_store(target, paths) else None
    if gone is not None:
        text = gone[0].upper() + gone[1:]
        backups = backups_of_target(target, paths.backup_dir)
        return _offer_backups(backups, text, "warroom: the poll store is not there", paths, ask, tell)
    try:
        # (looked up before the start's backup, which may rotate away the backup the copy is named after)
        restored = restored_of(target, paths.data_dir, paths.backup_dir)
        opened = open_store(target, backup_dir=paths.backup_dir)
        opened.notice = made_new_notice(opened, paths.data_dir, paths.backup_dir, restored_before=restored)
        return opened
    except StoreError as exc:
        backups = backups_of_target(target, paths.backup_dir) if exc.kind == "corrupt" else []
        text = f"{exc}\n\n{exc.where}" if exc.where else str(exc)
        if not backups:
            tell("warroom: cannot open the poll store", text + _ways_back(target, exc, paths))
            return None
        return _offer_backups(backups, text, "warroom: the poll store is damaged", paths, ask, tell)


def _is_own_store(target: str | Path, paths: AppPaths) -> bool:
    """Whether `target` is the data folder's own store (made afresh when deleted, as at a first start)."""
    return isinstance(target, Path) and os.path.abspath(target) == os.path.abspath(paths.database)


UNREACHED_KINDS = frozenset({"unreachable", "io", "missing"})
"""Store errors at a start after which the user is told where a way back is kept (`_ways_back`)."""


def _written(file: Path) -> str:
    """When a file was last written, as a person reads it ("2026-12-01 14:05")."""
    from datetime import datetime

    try:
        return datetime.fromtimestamp(file.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    except OSError:
        return "at a time that cannot be read"


def _ways_back(target: str | Path, exc: StoreError, paths: AppPaths) -> str:
    """What a store that cannot be reached at a start leaves within reach, in words ("" when nothing is said):
    a SQLite file's newest automatic backup, and the changes not saved to the store kept in the data folder."""
    from warroom.bootstrap import backups_of_target
    from warroom.store.db import is_url
    from warroom.store.recovery import RECOVERY_FILE_NAME, read_unsaved

    if exc.kind not in UNREACHED_KINDS:
        return ""
    out = ""
    backups = backups_of_target(target, paths.backup_dir)
    if backups:
        out += (
            f"\n\nIts newest automatic backup, written {_written(backups[0])}, is\n{backups[0]}\n"
            "To work from it meanwhile, copy it and start warroom with --db on the copy."
        )
    elif is_url(str(target)) and not str(target).strip().casefold().startswith("sqlite"):
        out += (
            "\n\nwarroom keeps no copy of a server's store: its administrator's backups are the way back. "
            "Without --db, warroom opens your own store on this computer."
        )
    unsaved = paths.data_dir / RECOVERY_FILE_NAME
    try:
        kept = read_unsaved(unsaved, exc.where) if exc.where else []
    except ValueError:
        kept = []
    if kept:
        out += (
            f"\n\n{len(kept)} change{'' if len(kept) == 1 else 's'} not saved to this store "
            f"{'is' if len(kept) == 1 else 'are'} kept in {unsaved} and offered again when it opens."
        )
    return out


def _offer_backups(
    backups: Sequence[Path],
    text: str,
    title: str,
    paths: AppPaths,
    ask: Callable[[str, str], bool],
    tell: Callable[[str, str], None],
) -> OpenStore | None:
    """Offer a copy of the newest backup that can be opened (_offer_backup), saying which newer ones cannot (cut
    short, zeroed, from a newer version): only the newest was offered, its broken copy again at every later start
    as one "restored before", and the good backups before it never."""
    from warroom.store.db import backup_problem

    cannot: list[str] = []
    for n, backup in enumerate(backups):
        problem = backup_problem(backup)
        if problem is None:
            note = f"\n\nNewer automatic backups could not be opened: {'; '.join(cannot)}." if cannot else ""
            opened, problem = _offer_backup(backup, text + note, title, paths, ask, tell, newest=n == 0)
            if problem is None:
                return opened
        cannot.append(f"{backup.name} ({problem})")
    tell("warroom", f"The backup could not be opened either: {'; '.join(cannot)}")
    return None


def _offer_backup(
    backup: Path,
    text: str,
    title: str,
    paths: AppPaths,
    ask: Callable[[str, str], bool],
    tell: Callable[[str, str], None],
    *,
    newest: bool = True,
) -> tuple[OpenStore | None, str | None]:
    """Ask whether to open a copy of `backup` (put in the data folder once, never written over) and open it:
    (the store opened, None), (None, None) when declined or not copied (said), or (None, why) when the copy
    does not open. A copy made here that does not open is taken away again (it never opened: no work is in it),
    so that a later start does not offer it as one restored before."""
    from warroom.bootstrap import open_store, restored_copy

    restored = restored_copy(paths.data_dir, backup)
    # A copy of this backup restored at an earlier start may hold work done in it since: it is opened as it
    # is, never written over (the same backup copied over it lost every poll added there without a word).
    earlier = restored.exists() or restored.is_symlink()
    which = "newest automatic backup" if newest else "newest automatic backup that can be opened"
    question = (
        f"{text}\n\nA copy of the {which} ({backup.name}) was restored before and may hold "
        f"work done in it since. Open that copy?\n{restored}"
        if earlier
        else f"{text}\n\nOpen a copy of the {which} instead?\n{backup.name}"
    )
    if not ask(title, question):
        return None, None
    if not earlier:
        import shutil

        # owner-only like every store, never through a link or over a file planted meanwhile, and put in place
        # whole (a copy cut short by a kill would be taken for the restored one at the next start)
        partial = restored.with_name(f".{restored.name}.partial")
        try:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "wb") as out, backup.open("rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(partial, restored)  # fails if a file appeared there meanwhile: never written over
                partial.unlink()
            except OSError as no_link:
                if no_link.errno == errno.EEXIST or restored.exists() or restored.is_symlink():
                    raise
                os.replace(partial, restored)  # a disk without hard links (FAT, exFAT)
        except OSError as copy_error:
            with contextlib.suppress(OSError):
                partial.unlink()
            tell(
                "warroom: cannot restore the backup",
                f"The backup could not be copied into {paths.data_dir}: {copy_error.strerror or copy_error}. "
                f"Nothing was changed; copy {backup} somewhere writable and open it with --db.",
            )
            return None, None
    try:
        return open_store(restored, backup_dir=paths.backup_dir), None
    except StoreError as exc2:
        if not earlier:
            ends = ("-wal", "-shm", "-journal", "-wal.owner")
            for made in (restored, *(restored.with_name(restored.name + end) for end in ends)):
                with contextlib.suppress(OSError):
                    made.unlink()
        return None, str(exc2)


def _no_display() -> bool:
    """On Linux without X11 or Wayland, Qt would abort; say so plainly instead."""
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    )


SHELL_PAINT_WAIT_MS = 2000  # a shell that has not painted by then (a minimised start) does not hold the window
WINDOW_READY = "Starting… the window is ready (it opens when the poll form is closed)"
SHELL_BUSY_POLL_MS = 50  # how often a built window looks again whether the shell's poll form has closed
KEY_WAIT = 0.15  # s: a store too big to digest in this time starts without the cached figures, not later
# The window's heavy modules in the order its build needs them, loaded after the first paint: each of these is
# 0.05-0.5 s on a 2-core machine. The third-party ones (BACKGROUND) load on a thread of their own, so their long
# imports (SQLAlchemy's 0.3-0.6 s) never hold the event loop; pyqtgraph (CHARTS) is not among them: the real
# window paints without its charts and pyqtgraph loads after that paint (Starter._load_charts); the app's own modules then
# load one per turn of the event loop on the GUI thread (Starter._load), which polls for the thread's modules
# rather than wait on an import lock. pyqtgraph's import makes no QObject and starts no timer (its module-level
# Qt objects are value types: paths, transforms, colours; it connects to the application only when a view is
# made), so it may run off the GUI thread; everything that makes a widget or a chart runs on the GUI thread.
# Threads do not make the imports faster (Python bytecode under one GIL: docs/STARTUP.md): they keep the shell
# turning (the GUI thread's busiest turn between the first paint and the figures: 0.26-0.31 s of CPU with
# pyqtgraph imported there, 0.12-0.15 s with it here).
BACKGROUND = ("numpy", "sqlalchemy", "sqlalchemy.orm")
CHARTS = ("pyqtgraph",)
"""Imported after the real window's first paint (Starter._load_charts, on the GUI thread): the window paints without
its charts ("Loading the charts…", MainWindow(charts=False)) and they follow, 0.2-0.5 s of import and build later
(issue 15)."""
PRELOAD = (
    *BACKGROUND,
    "warroom.store.schema",
    "warroom.bootstrap",  # the store
    "warroom.core.pipeline",
    "warroom.store.contests",
    "warroom.services.poll_service",
    "warroom.services.analysis_service",
    "warroom.ui.main_window",
    "warroom.ui.actions",
    "warroom.ui.scenario_panel",
    "warroom.ui.irv_panel",
    "warroom.ui.two_round_panel",
)
NEEDS: dict[str, tuple[str, ...]] = {}
"""Of BACKGROUND, what a GUI-thread module of PRELOAD needs imported first (any other: all of it). None is lighter:
a GUI-thread import beside the thread's shares one GIL with it, and that turn of the event loop then lasts as long
as both (measured with pyqtgraph imported beside SQLAlchemy: the longest stall did not shrink)."""
CHART_MODULES = ("pyqtgraph", "warroom.ui.charts")
"""What the real window's first paint does without (its charts follow: tests/ui/test_start_charts.py checks)."""
# What the first paint must not wait for (tests/ui/test_start_frame.py starts the app and checks). tomllib: the first
# read takes a contest's rules from core.contestfile, which reads TOML only for a contest file (6-10 ms of import).
# core.averaging: the first paint's panel evaluates the start frame's case, which needs no poll average (its ten
# dataclasses and module: 8-10 ms of CPU). warroom.cli.contest: the contest verbs, which a start with no verb
# neither parses (cli.verbs._start_parser) nor runs (10 ms of import).
HEAVY = (
    *("pyqtgraph", "numpy", "sqlalchemy", "alembic", "tomllib"),
    *("warroom.ui.main_window", "warroom.services.poll_service", "warroom.core.averaging", "warroom.cli.contest"),
)
# The headline of each scenario panel, by object name: the runoff (SV) panel's, the two-round panel's, the IRV panel's.
HEADLINE = (
    *("verdict", "runoff", "break_even", "win_probability"),
    *("two_round_verdict", "two_round_runoff", "two_round_win"),
    *("irv_headline", "irv_break_even"),
)


def settings_part(settings: AppSettings) -> str:
    """The settings a start's figures may depend on: every one but the window's place and size (saved at every
    close, and not a figure). Read on the GUI thread (QSettings is not shared across threads)."""
    qs = settings.qsettings
    return repr(sorted((k, repr(qs.value(k))) for k in qs.allKeys() if not k.startswith("window/")))


def start_key(
    fingerprint: str | None, db_file: Path | None, chosen: str, contest: str | None, today: date | None = None
) -> str | None:
    """What this start's figures depend on, as one digest: None when the store cannot be digested."""
    if fingerprint is None or db_file is None:
        return None
    day = (today or date.today()).isoformat()
    code = installation_stamp()
    return frame_key([__version__, code, day, str(db_file.resolve()), contest or "", fingerprint, chosen])


def read_frame(path: Path, key: str) -> StartFrame | None:
    """The start frame in `path` if it is one made for `key`; None for anything else, at once (load_frame)."""
    frame = load_frame(path)
    return frame if frame is not None and frame.key == key else None


def live_frame(frame: StartFrame | None, first: FirstRead | Fallback) -> bool:
    """Whether the shell may show `frame`'s figures as live: a first read was made (the store's checks passed, its
    digest keyed the frame: same store content and schema, settings, contest asked for, day and code as the start
    that computed them with the full store) and the frame names the contest and poll count that read found (a
    cross-check of the key: the status bar's count, MainWindow._show_poll_count)."""
    if frame is None or not isinstance(first, FirstRead):
        return False
    polls = f"{len(first.polls):,} polls"
    if frame.polls.endswith(" polls"):  # "17 polls", or a two-round race's "409 poll notices (…) · 3 polls"
        counted = frame.polls == polls or frame.polls.endswith(f" · {polls}")
    else:  # a two-round race's notices alone ("409 poll notices (1,325 questions)"): no poll stored
        counted = not first.polls and " poll notices " in frame.polls
    return counted and frame.contest == first.title


def capture_frame(room: WarRoom, key: str) -> StartFrame:
    """The window's first screen as text: title, race, the poll table's first rows as shown, the headline."""
    win = room.window
    picker = win.findChild(QComboBox, "contest_picker")
    view = win.polls_pane.view
    model, header = view.model(), view.horizontalHeader()
    columns = [header.logicalIndex(v) for v in range(header.count())]
    columns = [c for c in columns if not view.isColumnHidden(c)]
    role, horizontal = Qt.ItemDataRole.DisplayRole, Qt.Orientation.Horizontal
    headers = tuple(str(model.headerData(c, horizontal, role) or "") for c in columns)
    rows = tuple(
        tuple(_cell(model.data(model.index(r, c), role)) for c in columns)
        for r in range(min(model.rowCount(), MAX_ROWS))
    )
    from warroom.ui.poll_table import POLL_ROLE
    from warroom.ui.qt_utils import DataLabel, RichDataLabel

    shown = (model.data(model.index(r, 0), POLL_ROLE) for r in range(len(rows)))
    ids = tuple(getattr(poll, "id", None) for poll in shown)
    panel = win.scenario_scroll.widget()
    headline: list[str] = []
    if panel is not None:
        for name in HEADLINE:
            widget = panel.findChild(QWidget, name)
            text = widget.text() if widget is not None and hasattr(widget, "text") else ""  # QLabel or TextPane
            # the whole text, not as fitted to this start's width (the shell's headline wraps to its own)
            if isinstance(widget, RichDataLabel):
                text = widget.full_rich()
            elif isinstance(widget, DataLabel):
                text = widget.full_text()
            if isinstance(text, str) and text.strip() and widget is not None and widget.isVisibleTo(panel):
                if isinstance(widget, QLabel) and widget.textFormat() == Qt.TextFormat.PlainText:
                    text = html.escape(text, quote=False)  # the shell shows the headline as rich text
                headline.append(text)
    return StartFrame(
        key=key,
        title=win.windowTitle(),
        contest=picker.currentText() if picker is not None else "",
        headers=headers,
        rows=rows,
        polls=win.status_polls.text(),
        store=win.status_store.text(),
        headline=tuple(headline),
        ids=tuple(i for i in ids if isinstance(i, int)) if all(isinstance(i, int) for i in ids) else (),
        case=_start_case(room),
    )


def _start_case(room: WarRoom) -> str:
    """A runoff (SV) contest's live case for the next start's first stage (core.start_case), as JSON; "" for
    another counting system's contest, or a case that is not the start's own (ScenarioController.start_case)."""
    if room.irv.active or room.two_round.active or len(room.poll_service.polls) > FIRST_READ_MAX_POLLS:
        return ""  # (a store of more polls has no first read, so never a first stage: no case to keep)
    case = room.scenarios.start_case()
    return case.to_json() if case is not None else ""


def _start_state(room: WarRoom) -> bool:
    """The open contest's figures are the start's own (nothing moved or chosen since): a runoff (SV) contest's
    scenario is its start case (the headline a frame keeps would otherwise show the user's settings as the store's
    figures at the next start)."""
    if room.poll_service.contest is None or room.irv.active or room.two_round.active:
        return True
    return room.scenarios.start_case() is not None


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def figures_ready(room: WarRoom) -> bool:
    """The open contest's panel has its first fresh figures."""
    if room.poll_service.contest is None:
        return True
    if room.irv.active:  # (its break-evens too: a start frame never keeps "Working out the break-evens…")
        return room.irv.view is not None and not room.irv.break_evens_pending
    if room.two_round.active:
        return room.two_round.view is not None
    return room.scenarios.view is not None


class Starter:
    """One start of the window: the shell painted first, then the real window built and put in its place.

    Attributes (for the benchmark and tests): shell_frame, the frame the shell showed (None: only "loading");
    ready_frame, the real window's first screen once its figures were in; times, seconds from `t0` to the
    shell's first paint ("shell"), the real window's ("window") and its figures ("ready").
    """

    def __init__(
        self,
        args: argparse.Namespace,
        paths: AppPaths,
        settings: AppSettings,
        *,
        boxed: bool = False,
        exit_when_ready: bool = False,
        t0: float | None = None,
        gc_paused: bool = False,
    ) -> None:
        self.args, self.paths, self.settings, self.boxed = args, paths, settings, boxed
        self.exit_when_ready = exit_when_ready
        self.t0 = time.perf_counter() if t0 is None else t0
        self.target: str | Path = args.db or paths.database
        self.db_file = sqlite_file(self.target)
        self.contest: str | None = getattr(args, "contest", None)
        self.key: str | None = None  # None: no figures in the shell (no store yet, or too slow to digest)
        self._digest: StoreDigest | None = None
        self._chosen = ""  # the settings part of the key, as the start found them
        self._late_key: str | None = None  # the key from a digest that came too late for the first paint
        self.shell_frame: StartFrame | None = None
        self.ready_frame: StartFrame | None = None
        self.saved: threading.Thread | None = None
        self.times: dict[str, float] = {}
        self.longest_stall = 0.0  # s, between the first paint and the figures (measured for the benchmark only)
        self._probe: QTimer | None = None
        self._loop: QEventLoop | None = None
        self._finished = False  # _quit was called (perhaps while the start's own loop was ending)
        self._probe_last = 0.0
        self.longest_turn_cpu = 0.0  # s, the GUI thread's own CPU between two probe ticks, at most (a loaded
        self._probe_cpu = 0.0  # machine stretches the wall-clock stall; this is what the start itself held)
        self.loaded_before_paint: list[str] = []  # of HEAVY, what was imported when the shell painted
        self.charts_at_window: list[str] = []  # of CHART_MODULES, what was imported when the real window painted
        self.clock: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.room: WarRoom | None = None
        self.store: OpenStore | None = None
        self._failure: BaseException | None = None
        self._building = False
        self._code = 0
        self._preload: threading.Thread | None = None  # imports BACKGROUND while the GUI thread imports the rest
        self._preload_failure: BaseException | None = None
        self._preloaded: list[str] = []  # of BACKGROUND, the modules the thread has imported
        self._charts_failure: BaseException | None = None
        self._charts: ChartPanel | None = None  # built by _load_charts in the turn before they are attached
        self._gc_paused = False  # the start paused the cyclic garbage collector (_pause_gc) and has not resumed it
        self._gc_paused_before = gc_paused  # the command line paused it for the start's imports (cli.verbs.cmd_gui)
        self.first: FirstRead | Fallback = Fallback("not read yet")  # the start's first read (store/first_read.py)
        self.live = False  # the shell painted the live figures (proved current), not the last session's
        self._changes_handed = False  # the shell's first-stage changes were handed to the real window
        self.first_read_agrees: bool | None = None  # the full store read what the first read did (None: not compared)
        self.case: StartCase | None = None  # the frame's scenario case the first stage's panel started from
        self.scenarios: ScenarioController | None = None  # that panel's controller (the real window takes it over)

    @property
    def frame_file(self) -> Path:
        return self.paths.data_dir / FRAME_FILE

    def run(self, digest: StoreDigest | None = None) -> int:
        """Paint the shell, build the window once it has painted, run the event loop; the exit code."""
        self._pause_gc()  # resumed once the figures are in (_wait_for_figures), or here if the start ends
        try:
            digest = digest or StoreDigest(self.db_file)
            self._digest, self._chosen = digest, settings_part(self.settings)
            # The first read (stdlib sqlite3, read-only, the store's checks): the digest of the very snapshot its
            # polls come from keys the start frame, so a matching frame's figures are this store's now (live).
            # (begun on the digest's thread while Qt loaded: the checks and the digest; finished here: the polls)
            fingerprint = digest.wait(KEY_WAIT)
            self.first = digest.first_read(self.contest, self.settings.contest or None)
            if isinstance(self.first, FirstRead):
                fingerprint = self.first.fingerprint  # (the same: one snapshot)
            self.key = start_key(fingerprint, self.db_file, self._chosen, self.contest)
            self.shell_frame = self._load_frame()
            self.live = live_frame(self.shell_frame, self.first)
            from warroom.ui.start_shell import StartShell

            store_text = (
                self.shell_frame.store
                if self.shell_frame
                else (f"Store: {self.db_file}" if self.db_file is not None else "Store: opening…")
            )
            first = self.first
            # the shell is the real window's first stage (polls added, edited, deleted at once) when its figures are
            # live and the store can take the changes it keeps (a read-only file: shown, not worked on)
            stage = isinstance(first, FirstRead) and self.live and not user_made_read_only(first.db_file)  # (root too)
            self.shell = StartShell(
                self.shell_frame,
                store_text.removeprefix("Store: "),
                live=self.live,
                contest=first.contest if stage and isinstance(first, FirstRead) else None,
                polls=first.polls if stage and isinstance(first, FirstRead) else (),
                scenario=self._first_panel(),
            )
            self.shell.restore(self.settings.geometry("main"), self.settings.geometry("main_state"))
            from warroom.ui.assets import stylesheet

            self.shell.setStyleSheet(stylesheet("app"))  # the real window's: its panel and boxes look the same
            self.shell.quit_requested.connect(self._on_shell_quit)
            self.shell.show()
            _on_first_paint(self.shell, self._on_shell_painted)
            QTimer.singleShot(SHELL_PAINT_WAIT_MS, self.shell, self._build)  # never painted (minimised): build anyway
            # The start runs in an event loop of its own, and so does a start that quits once its figures are in (the
            # benchmark, tests): QApplication.exit() would leave every later local loop of the process (a test's
            # waitSignal) returning at once. The session itself is QApplication.exec(), as ever (aboutToQuit, quit
            # with the last window).
            self._loop = QEventLoop()
            code = self._loop.exec()  # until the real window is shown, or the start failed, or the user closed it
            if self.room is not None and self._failure is None and not self._code and not self._finished:
                if self.exit_when_ready:
                    self._loop = QEventLoop()
                    code = self._loop.exec()
                else:
                    self._loop = None
                    code = QApplication.exec()
            if self.saved is not None:
                # the start frame's write (a daemon thread) is not cut off by the exit that may follow (it left
                # half-written temporary files in the data folder and the next start without its figures)
                self.saved.join(timeout=10)
            if self.store is not None:
                self.store.close()
            self._say_unsaved()
            if self._failure is not None:
                raise self._failure
            return self._code or int(code)
        finally:
            if self._digest is not None:
                self._digest.let_go(wait=False)  # (a start that ended before the window was built: not held)
            self._resume_gc()

    def _first_panel(self) -> ScenarioPanel | None:
        """The real scenario panel for the first stage, when the frame's figures are live and it kept its runoff (SV)
        case: a ScenarioController seeded with that case and the first read's polls (start_from), evaluated by the
        same core function as ever, the panel bound to it (charts=False: its heatmap follows with the charts). The
        real window takes that controller over (WarRoom(scenarios=...)), so the settings moved here carry over.
        Imports numpy and the pipeline's modules (0.15-0.2 s of CPU, measured: docs/STARTUP.md), never SQLAlchemy,
        Alembic or pyqtgraph. None: the frame's headline instead (no case, or one this version cannot read)."""
        first, frame = self.first, self.shell_frame
        if not (self.live and frame is not None and frame.case and isinstance(first, FirstRead)):
            return None
        from warroom.core.start_case import StartCase
        from warroom.services.scenario_service import ScenarioController
        from warroom.ui.scenario_panel import ScenarioPanel

        case = StartCase.from_json(frame.case, first.contest)
        if case is None:
            return None
        controller = ScenarioController()
        try:
            controller.start_from(first.contest, case, first.polls)
            panel = ScenarioPanel(controller, charts=False) if controller.view is not None else None
        except Exception:  # (a cache the pipeline cannot evaluate: the headline instead; the real window says why)
            panel = None
        if panel is None:
            controller.deleteLater()
            return None
        self.case, self.scenarios = case, controller
        return panel

    def _say_unsaved(self) -> None:
        """The start ended without the real window (it failed): the changes made in the shell's first stage were
        not saved; say which (the user, if they closed the shell themselves, was asked first: StartShell)."""
        shell = getattr(self, "shell", None)
        waiting = len(shell.changes) + len(shell.saves) if shell is not None else 0
        if shell is None or self._changes_handed or not waiting or (not self._failure and not self._code):
            return
        lost = "; ".join(
            [f"{c.kind} {', '.join(p.pollster for p in c.polls)}" for c in shell.changes]
            + [f"save scenario {saved.name!r}" for saved in shell.saves]
        )
        sys.stderr.write(
            f"warroom: the window did not open, so {waiting} change(s) made while it was opening were not saved: "
            f"{lost}\n"
        )

    def _pause_gc(self) -> None:
        """No cyclic garbage collection while the start imports and builds (issue 15).

        The start allocates about 160,000 long-lived objects (modules, classes, functions, widgets' wrappers), and
        the collector walked them again each time the heap had grown by a quarter: 0.07-0.13 s of the start's
        1.3-1.5 s of CPU (five alternating pairs, docs/STARTUP.md). What the start leaves unreachable is a few
        hundred objects (650 in the demo's start), so nothing is collected at the end either: the objects alive
        then are frozen (gc.freeze, as for a big contest: _freeze_heap), so later collections skip them. The command
        line pauses it earlier, for the imports before this (cmd_gui: `gc_paused`); this start resumes it then.
        """
        self._gc_paused = gc.isenabled() or self._gc_paused_before
        gc.disable()

    def _resume_gc(self) -> None:
        """The start is over (its figures are in, or it ended): freeze what it built, and collect again, on the
        window's thread only (collect_on_gui_thread)."""
        if self._gc_paused:
            self._gc_paused = False
            gc.freeze()
            collect_on_gui_thread()

    def _load_frame(self) -> StartFrame | None:
        return None if self.key is None else read_frame(self.frame_file, self.key)

    def _on_shell_painted(self) -> None:
        self._stamp("shell")
        if self.live:
            self._stamp("live", same_as="shell")  # the live figures and poll table painted (before the real window)
        if self.shell.editable:  # the real window's first stage: its poll table and poll form work (start_shell)
            self._stamp("editable", same_as="shell")
        if self.shell.scenario_panel is not None:  # the real scenario panel, its sliders working (_first_panel)
            self._stamp("sliders", same_as="shell")
        self.loaded_before_paint = [m for m in HEAVY if m in sys.modules]
        if self.exit_when_ready:  # the benchmark: the longest the event loop is held between first paint and ready
            self._probe = QTimer()
            self._probe.setInterval(10)
            self._probe_last = time.perf_counter()
            self._probe_cpu = time.thread_time()
            self._probe.timeout.connect(self._on_probe)
            self._probe.start()
        QTimer.singleShot(0, self.shell, self._build)  # the next turn: the painted shell reaches the screen first

    def _on_probe(self) -> None:
        now = time.perf_counter()
        self.longest_stall = max(self.longest_stall, now - self._probe_last)
        self._probe_last = now
        cpu = time.thread_time()
        self.longest_turn_cpu = max(self.longest_turn_cpu, cpu - self._probe_cpu)
        self._probe_cpu = cpu

    def _build(self) -> None:
        # Once: the first paint's call and the fallback timer may both come (the timer even while a message box
        # of the store's recovery waits for an answer, in its own event loop).
        if self._building or self._finished:  # (finished: the user closed the shell meanwhile)
            return
        self._building = True
        if self._digest is not None and self.key is None:
            # The digest was too slow for the first paint: it ends before the window reads the store, so that
            # the figures this start records are known to come from the state it digested.
            self._digest.join()
            self._late_key = start_key(self._digest.result, self.db_file, self._chosen, self.contest)
        if self._digest is not None:
            self._digest.let_go()  # the first read's snapshot, if still held: before the full store opens
        self._preload = threading.Thread(target=self._import_in_background, name="warroom-preload", daemon=True)
        self._preload.start()
        self._load([m for m in PRELOAD if m not in BACKGROUND])

    def _import_in_background(self) -> None:
        try:
            for module in BACKGROUND:
                importlib.import_module(module)
                self._preloaded.append(module)  # (a list's append is atomic: read by the GUI thread)
        except BaseException as exc:  # a broken installation: said by run(), outside the event loop
            self._preload_failure = exc

    def _load(self, modules: list[str]) -> None:
        """The window's heavy modules, one per turn of the event loop: between them the shell repaints (moved,
        uncovered) and says how far the start is, instead of one frozen second or two."""
        if self._finished:  # the user closed the shell: no window follows
            return
        needs = NEEDS.get(modules[0], BACKGROUND) if modules else BACKGROUND
        if self._preload_failure is None and any(m not in self._preloaded for m in needs):
            # The next module imports one the thread is still importing: importing it now would block this thread
            # on that module's lock (the shell frozen meanwhile); look again in a moment instead.
            QTimer.singleShot(5, self.shell, lambda: self._load(modules))
            return
        if modules:
            total = len(PRELOAD) - len(BACKGROUND)
            done = total - len(modules)
            self.shell.show_progress(f"Starting… loading the store and the window ({done}/{total})")
            try:
                importlib.import_module(modules[0])
            except BaseException as exc:  # a broken installation: said by run(), outside the event loop
                self._failure = exc
                self._quit(1)
                return
            QTimer.singleShot(0, self.shell, lambda: self._load(modules[1:]))
            return
        if self._preload_failure is not None:
            self._failure = self._preload_failure
            self._quit(1)
            return
        self._open()

    def _open(self) -> None:
        from warroom.store.recovery import RECOVERY_FILE_NAME  # (here: the first paint loads no database library)

        try:
            self.store = open_with_recovery(self.target, self.paths)
            if self.store is None:
                self._quit(3)
                return
            # charts=False: the real window paints without pyqtgraph; the charts follow (_load_charts)
            self.room = WarRoom(
                self.store,
                self.settings,
                contest=self.contest,
                backup_dir=self.paths.backup_dir,
                stepwise=True,
                charts=False,
                scenarios=self.scenarios,
                recovery_file=self.paths.data_dir / RECOVERY_FILE_NAME,  # (read once the window is built)
            )
        except BaseException as exc:  # re-raised by run(), outside the event loop
            self._failure = exc
            self._quit(1)
            return
        self._build_room()

    def _build_room(self) -> None:
        """The war room, one part per turn of the event loop (WarRoom.step), then shown in the shell's place."""
        if self._finished:  # the user closed the shell: no window follows
            return
        room = self.room
        assert room is not None
        try:
            try:
                following = room.step()
            except ValueError as exc:  # --contest names no contest: the command line says so too (exit 1)
                if self.boxed:
                    _tell("warroom: cannot open the contest", str(exc))
                raise
        except BaseException as exc:  # re-raised by run(), outside the event loop
            self._failure = exc
            self._quit(1)
            return
        if following is not None:
            self.shell.show_progress(f"Starting… building {following or 'the window'}")
            QTimer.singleShot(0, self.shell, self._build_room)
            return
        if self.shell.busy:  # the shell's poll form is open: the window takes its place once it is closed
            self.shell.show_progress(WINDOW_READY)
            QTimer.singleShot(SHELL_BUSY_POLL_MS, self.shell, self._build_room)
            return
        self._check_first_read(room)
        window = room.window
        window.setGeometry(self.shell.geometry())  # exactly where the shell is (the user may have moved it)
        if self.shell.isMaximized():
            window.showMaximized()
        else:
            window.show()
        self.shell.hand_over()
        _on_first_paint(window, self._on_window_painted)
        if self._loop is not None:
            self._loop.exit(0)  # the start is over: the session's loop takes over (run())

    def _check_first_read(self, room: WarRoom) -> None:
        """The full store's contest and polls against the first read's: the window is built from the store's
        (always), and a shell still saying "live" says so no more if they differ (another process wrote between
        the two reads: its figures were the store's a moment ago, not now)."""
        first = self.first
        if not isinstance(first, FirstRead):
            return
        service = room.poll_service
        contest = service.contest
        self.first_read_agrees = (
            contest is not None
            and contest.id == first.contest_id
            and contest == first.contest
            and service.polls == list(first.polls)
            and self._case_agrees(room)
        )
        if not self.first_read_agrees and self.live:
            self.live = False
            self.shell.show_stale()

    def _case_agrees(self, room: WarRoom) -> bool:
        """The first stage's scenario case (from the frame) is the one the store's polls rebuilt: the same baseline
        choice, baseline, default settings, polls offered and odds model (so every figure its panel showed was the
        store's)."""
        case, sc = self.case, room.scenarios
        return case is None or (
            sc.choice == case.choice
            and sc.baseline == case.baseline
            and sc.defaults == case.defaults
            and sc.offers == case.offers
            and sc.odds == case.odds
        )

    def _on_window_painted(self) -> None:
        self._stamp("window")
        self._stamp("live", same_as="window")  # (kept if the shell painted live figures first)
        self._stamp("editable", same_as="window")  # (kept if the shell was the first stage to work in)
        self._stamp("sliders", same_as="window")  # (kept if the shell had the real scenario panel)
        self.charts_at_window = [m for m in CHART_MODULES if m in sys.modules]  # (none: the charts come after)
        # What the user chose in the shell runs now, in order, each in a turn of its own (a dialog it opens is
        # not opened inside this paint); the figures are awaited after it (timers of one interval keep order).
        room = self.room
        assert room is not None
        # The polls added, edited and deleted in the shell first (the window's own commands: undo, the writer thread),
        # then the commands chosen there.
        first = self.first
        if (self.shell.changes or self.shell.saves) and isinstance(first, FirstRead) and not self._first_race_open():
            # typed for the first read's race, which a teammate deleted (or replaced under its id) meanwhile: never
            # saved into the race the window opened instead (MainWindow.still_open's rule)
            self._changes_handed = True
            race, changes, names = first.contest, list(self.shell.changes), [saved.name for saved in self.shell.saves]
            born = first.created
            QTimer.singleShot(0, room.window, lambda: room.window.early_work_elsewhere(race, changes, names, born))
        elif self.shell.changes:
            self._changes_handed = True
            QTimer.singleShot(0, room.window, lambda: room.window.apply_early_changes(self.shell.changes))
        for saved in self.shell.saves if self._first_race_open() else ():  # (saved there as they were then: undo)
            self._changes_handed = True
            QTimer.singleShot(0, room.window, lambda saved=saved: room.scenario_actions.save_prepared(saved))
        for name in self.shell.pending:
            action = getattr(room.window, name, None)
            if isinstance(action, QAction):
                QTimer.singleShot(0, room.window, action.trigger)
        deadline = time.perf_counter() + 20.0
        QTimer.singleShot(0, room.window, self._load_charts)
        QTimer.singleShot(0, room.window, lambda: self._wait_for_figures(deadline))

    def _first_race_open(self) -> bool:
        """The race the window opened is the one the first read showed the first stage (not one a teammate made
        under its id after deleting it: its creation time; a rename is the same race). No first read: True."""
        first, room = self.first, self.room
        if not isinstance(first, FirstRead):
            return True
        if room is None:
            return False
        window = room.window
        if first.created is not None and window.race_mark() is not None:
            return window.still_open(first.contest, first.created)
        now = room.poll_service.contest
        return now is not None and now.id == first.contest_id and now.name == first.contest_name

    def _load_charts(self) -> None:
        """The charts, one part per turn of the event loop once the real window has painted; "Loading the
        charts…" in their place until then.

        The parts: pyqtgraph (0.1-0.25 s of CPU, the longest), the charts module, the charts (built off screen), the
        charts given the window's data in the placeholder's place, the panel's heatmap. pyqtgraph is imported here,
        on the GUI thread, not on a thread beside the live window: its import makes PySide6 create every lazily
        created class and enum of QtCore, QtGui and QtWidgets (pyqtgraph.Qt copies their attributes), which is not
        safe while this thread uses them: with that import on a thread beside the live real window, two starts of
        some fifty crashed (SIGSEGV; the suspected cause, not reproduced since). During the shell, BACKGROUND's
        imports overlap only the shell's repaints, as before.
        """
        room = self.room
        if room is None or self._finished or self._charts_failure is not None:
            return
        if room.charts_attached:  # the last part done by another: meeting mode's answer page built ahead (its
            self._stamp("charts")  # timer, due on a loaded machine, between two parts) attaches the room's charts
            return
        try:
            if missing := [m for m in CHARTS if m not in sys.modules]:
                importlib.import_module(missing[0])
            elif "warroom.ui.charts" not in sys.modules:
                importlib.import_module("warroom.ui.charts")
            elif self._charts is None and not room.window.charts_attached:
                configure_charts()  # before the first chart
                from warroom.ui.charts import ChartPanel

                self._charts = ChartPanel()
            elif not room.window.charts_attached:
                room.window.attach_charts(self._charts)
            else:
                if self._charts is not None and self._charts is not room.window.charts:
                    self._charts.deleteLater()  # an export attached the window's own meanwhile
                room.attach_charts()  # (the heatmap: the last part)
                self._stamp("charts")
                return
        except Exception as exc:  # a broken installation: said in the charts' place, the rest of the window works
            self._charts_failure = exc  # (and the figures are not awaited for the charts: _wait_for_figures)
            room.window.show_charts_failure(f"The charts could not be loaded: {exc}")
            return
        QTimer.singleShot(0, room.window, self._load_charts)

    def _on_shell_quit(self) -> None:
        """The user closed the shell (or chose Quit in it) before the window was up: the start ends there."""
        if not self._finished:
            self._quit(0)

    def _wait_for_figures(self, deadline: float) -> None:
        room = self.room
        assert room is not None
        charts = room.charts_attached or self._charts_failure is not None
        if not (figures_ready(room) and charts) and time.perf_counter() < deadline:
            QTimer.singleShot(5, room.window, lambda: self._wait_for_figures(deadline))
            return
        if room.charts_attached:  # (attached by another than _load_charts: the answer page built ahead; noted once)
            self._stamp("charts")
        self._stamp("ready")
        self._resume_gc()
        if figures_ready(room):
            self._remember(room)
        if self.exit_when_ready:
            # wall-clock stamps, for a benchmark that measures from the moment it launched the process
            stamps = [f"{k}={v:.4f}" for k, v in self.clock.items()]
            stamps += [f"cpu_{k}={v:.4f}" for k, v in self.cpu.items()]
            heavy = ",".join(self.loaded_before_paint) or "none"
            self._on_probe()
            print(
                "painted",
                *stamps,
                f"figures={int(self.shell_frame is not None)}",
                f"live_first={int(self.times.get('live') == self.times.get('shell'))}",
                f"editable_first={int(self.times.get('editable') == self.times.get('shell'))}",
                f"sliders_first={int(self.times.get('sliders') == self.times.get('shell'))}",
                f"stall={self.longest_stall:.4f}",
                f"turn_cpu={self.longest_turn_cpu:.4f}",
                f"heavy={heavy}",
                f"charts_at_window={','.join(self.charts_at_window) or 'none'}",
                flush=True,
            )
            self._quit(0)

    def _remember(self, room: WarRoom) -> None:
        """Keep this start's first screen for the next start, if the store still holds what the key says (no
        write since the start read it) - on a thread: digesting a big store must not stall the window."""
        key = self.key or self._late_key
        if key is None or self.shell.changes:  # (changed in the shell: the figures are not the state it read)
            return
        if not _start_state(room):  # (a slider moved, another baseline chosen: not the start's figures)
            return
        frame = capture_frame(room, key)
        self.ready_frame = frame
        chosen, db_file, contest = settings_part(self.settings), self.db_file, self.contest

        def write() -> None:
            now = store_fingerprint(db_file) if db_file is not None else None
            if start_key(now, db_file, chosen, contest) != key:
                return  # written since the start read it (or the settings changed): these figures are not its
            with contextlib.suppress(OSError):  # a cache: the next start only shows its figures later
                write_private_atomic(self.frame_file, frame.to_json())

        self.saved = threading.Thread(target=write, name="warroom-start-frame", daemon=True)
        self.saved.start()

    def _stamp(self, name: str, same_as: str | None = None) -> None:
        """Note the moment `name` (once); `same_as`: the moment already noted under that name (one paint, two
        names)."""
        if name in self.times:
            return
        if same_as is not None:
            self.times[name], self.clock[name], self.cpu[name] = (
                self.times[same_as],
                self.clock[same_as],
                self.cpu[same_as],
            )
            return
        self.times[name] = time.perf_counter() - self.t0
        self.clock[name] = time.time()
        self.cpu[name] = time.process_time()  # this process's CPU (every thread): steadier on a busy machine

    def _quit(self, code: int) -> None:
        self._code, self._finished = code, True
        if getattr(self, "shell", None) is not None:
            self.shell.end()
        if self._loop is not None:
            self._loop.exit(code)
        else:
            QApplication.exit(code)


def _on_first_paint(window: QWidget, then: Callable[[], None]) -> None:
    """Call `then` once `window` has painted itself for the first time."""

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is window:
                window.removeEventFilter(self)
                then()
            return False

    window.installEventFilter(FirstPaint(window))


def run_gui(args: argparse.Namespace, digest: StoreDigest | None = None, *, gc_paused: bool = False) -> int:
    """The window. `digest`: the store's digest, already started by the caller (the command line starts it before
    importing this module, so it runs while Qt loads). `gc_paused`: the caller paused the cyclic garbage collector
    for the imports (it was enabled before): the start resumes it once its figures are in (Starter._resume_gc)."""
    t0 = time.perf_counter()
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
    paths = AppPaths.under(args.data_dir) if getattr(args, "data_dir", None) else AppPaths.for_user()
    # The store's digest runs beside Qt's start (its own thread): it decides whether the shell shows figures.
    db_file = sqlite_file(args.db or paths.database)
    if digest is None or digest.db_file != db_file:
        digest = StoreDigest(db_file, also=installation_stamp)
        digest.start()
    make_qapp(sys.argv[:1], charts=False)
    from warroom.ui.qt_utils import close_windows_on_signals

    close_windows_on_signals()  # Ctrl-C or SIGTERM closes the windows as the user would (no traceback, saved)
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
    # benchmarks/_coldstart.py: print the shell's, the window's and the figures' times, then quit
    exit_when_ready = bool(os.environ.get("WARROOM_EXIT_AFTER_PAINT"))
    starter = Starter(args, paths, settings, boxed=boxed, exit_when_ready=exit_when_ready, t0=t0, gc_paused=gc_paused)
    return starter.run(digest)
