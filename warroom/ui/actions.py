"""What the window's scenario and import commands do: dialogs and messages over the models, no domain logic.

Every figure comes from warroom.core.pipeline through the scenario model: a saved scenario is shown, compared,
presented and briefed on its own saved baseline, with a note where today's polls would answer differently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QToolButton,
    QWidget,
)

from warroom.core.averaging import PollAverages
from warroom.core.csvformat import DATE_ORDERS, ParseResult
from warroom.core.infile import bundle_refusal
from warroom.core.paste import PasteError, guess_columns, rows_to_csv, split_table
from warroom.core.pipeline import ForecastPoint, Freshness, ProjectionView, SavedScenario, assumption_lines
from warroom.core.report import summarise
from warroom.core.saved_cases import CaseSummary, other_system_note, record_kind
from warroom.core.scenario import note_lines
from warroom.core.types import Contest, CountingSystem, Poll, bidi_isolated
from warroom.ui.commands import DeleteScenarioCommand, SaveScenarioCommand, ScenarioRecords
from warroom.ui.compare_dialog import CompareColumn, CompareDialog
from warroom.ui.glyphs import drawable
from warroom.ui.main_window import MainWindow
from warroom.ui.paste_dialog import PasteDialog
from warroom.ui.qt_utils import follow_run, literal_tip, menu_text, title_text, work_progress

if TYPE_CHECKING:
    from concurrent.futures import Future

    from warroom.ui.export import Briefing, BriefingScenario
    from warroom.ui.forecast_dialog import ForecastDialog
# (imported where used: both import pyqtgraph, which the window's first paint at start does without; issue 15)


class ScenarioLibrary(Protocol):
    """The live scenario model's saved-scenario side (services.scenario_service.ScenarioController)."""

    saved_changed: Any
    contest: Contest | None
    polls: list[Poll]
    averages: PollAverages | None
    view: ProjectionView | None

    def saved(self) -> list[SavedScenario]: ...
    def find_saved(self, name: str) -> SavedScenario: ...
    def save(self, name: str) -> SavedScenario: ...
    def prepare(self, name: str) -> SavedScenario: ...
    def load(self, name: str) -> None: ...
    def reset(self) -> None: ...
    def freshness(self, saved: SavedScenario) -> Freshness: ...
    def saved_view(self, saved: SavedScenario) -> ProjectionView: ...
    def forecast_over_time(self) -> list[ForecastPoint]: ...
    def start_forecast(self) -> ForecastRunning | None: ...
    def report(self, problems: Sequence[str]) -> None: ...
    def saved_figures(self) -> SavedFigures: ...
    def start_saved_figures(self) -> SavedFiguresRunning: ...


class SavedFigures(Protocol):
    """Every saved case with its view as saved and its freshness (services.scenario_service.SavedFigures)."""

    @property
    def cases(self) -> list[tuple[SavedScenario, ProjectionView, Freshness]]: ...
    @property
    def problems(self) -> list[str]: ...


class SavedFiguresRunning(Protocol):
    """The saved cases' figures on a worker (services.worker_threads.WorkerRun)."""

    done: int
    total: int
    result: Future[Any]  # (a SavedFigures; Future is invariant, so the service's own class cannot be named here)

    def cancel(self) -> None: ...


class ForecastRunning(Protocol):
    """A forecast over time on a worker (services.scenario_service.ForecastRun)."""

    done: int
    total: int
    result: Future[list[ForecastPoint]]

    def cancel(self) -> None: ...


class SavedCase(Protocol):
    """A saved two-round or instant-runoff case (core.saved_cases.SavedTwoRound / SavedIrv)."""

    @property
    def name(self) -> str: ...
    def to_dicts(self) -> tuple[dict[str, Any], dict[str, Any]]: ...


class CaseLibrary(Protocol):
    """The saved-scenario side of the two-round or instant-runoff panel (services.case_library)."""

    kind: str

    @property
    def active(self) -> bool: ...
    def saved(self) -> Sequence[Any]: ...
    def prepare(self, name: str) -> SavedCase: ...
    def summary(self, saved: Any) -> CaseSummary: ...
    def live_summary(self) -> CaseSummary | None: ...
    def briefing_lines(self) -> list[str]: ...
    def sources(self) -> list[str]: ...
    def load(self, name: str) -> None: ...
    def reset(self) -> None: ...


KIND_WORDS = {"sv": "runoff (SV)", "two_round": "two-round", "irv": "instant-runoff"}
NO_RACE_SCENARIO_MENU = "No race open: no scenario to save, load, compare or forecast"
NO_RACE_SCENARIO_TIP = "Open a race in the contest picker, or make one with File > New contest"


class Presenter(Protocol):
    """A second, read-only scenario model that meeting mode shows a saved case in."""

    def show_saved(self, saved: SavedScenario) -> None: ...


class SavedPages(Protocol):
    """Meeting mode's saved-scenario widget (ui.saved_case_view.SavedScenarioPages)."""

    def show_runoff(self) -> None: ...
    def show_case(self, summary: CaseSummary) -> None: ...
    def show_missing(self, text: str) -> None: ...


class ScenarioActions(QObject):
    """Save, load, delete, compare, present and brief scenarios; fills the Scenario menu.

    The menu acts on the open contest's panel: the runoff (SV) one, or the two-round or instant-runoff one when
    that contest counts so (`libraries`). Saves and deletes go on the window's undo stack.
    """

    def __init__(
        self,
        library: ScenarioLibrary,
        presenter: Presenter,
        window: MainWindow,
        *,
        records: ScenarioRecords | None = None,
        pages: SavedPages | None = None,
    ) -> None:
        super().__init__(window)
        self.library = library
        self.presenter = presenter
        self.window = window
        self.records = records
        self.pages = pages
        self.libraries: list[CaseLibrary] = []
        self._forecasting: QProgressDialog | None = None  # Forecast over time, while its worker runs
        self.figuring: QProgressDialog | None = None  # the saved cases' figures for Compare or the briefing

    def add_library(self, library: CaseLibrary) -> None:
        """A two-round or instant-runoff panel's saved scenarios: the menu serves it while it is active."""
        self.libraries.append(library)

    def current(self) -> CaseLibrary | None:
        """The library of the open contest's panel (None: the runoff (SV) panel's, `library`)."""
        return next((lib for lib in self.libraries if lib.active), None)

    @property
    def kind(self) -> str:
        lib = self.current()
        return lib.kind if lib is not None else "sv"

    def saved_names(self) -> list[str]:
        """The open contest's saved scenarios of the open panel's kind."""
        lib = self.current()
        return [s.name for s in (lib.saved() if lib is not None else self.library.saved())]

    def other_systems(self) -> list[tuple[str, str]]:
        """The open race's saved cases made under another counting system than its own (its system was changed
        since): (name, why it is not shown, core.saved_cases.other_system_note). No panel of the race's system
        reads them; they were left out of the menu, Compare and the briefing without a word."""
        contest = self.library.contest
        if contest is None or self.records is None:
            return []
        found = ((name, other_system_note(name, baseline, contest)) for name, baseline, _s in self.records.scenarios())
        return [(name, note) for name, note in found if note is not None]

    def _report_other_systems(self) -> list[str]:
        notes = [note for _name, note in self.other_systems()]
        self.library.report(notes)
        return notes

    def save(self) -> None:
        """Ask for a name and save the live case with its baseline.

        The panel's settings are those of the race open when the name was asked: if a teammate (or another window)
        deleted that race while the dialog was open and the window opened another, nothing is saved, and it is said
        naming both (the settings went with their race; saving the panel now would file the other race's settings
        under the name typed for this one). A teammate's rename is the same race: saved."""
        contest, mark = self.library.contest, self.window.race_mark()
        name, ok = QInputDialog.getText(self.window, "Save scenario", "Name for these settings:")
        if not (ok and name.strip()):
            return
        if contest is not None and not self.window.still_open(contest, mark):
            now = self.library.contest
            self.window.show_error(
                f"The scenario {name!r} was not saved: the contest '{contest.name}' it was for was closed while its "
                f"name was asked (deleted by a teammate or another program"
                f"{', and ' + repr(now.name) + ' opened' if now is not None else ''}), and its settings with it."
            )
            return
        self.save_as(name)

    def save_as(self, name: str) -> Any:
        """Save the live case under `name` (undoable); a problem is shown, not raised."""
        return self._save(name, None)

    def save_prepared(self, saved: SavedScenario) -> Any:
        """Save a runoff case prepared earlier (the start's first stage, before the store was open: its settings as
        they were then), as save_as saves the live one (undoable); a problem is shown, not raised."""
        return self._save(saved.name, saved)

    def _save(self, name: str, prepared: SavedScenario | None) -> Any:
        lib = None if prepared is not None else self.current()
        saved: SavedScenario | SavedCase
        try:
            if self.records is None:  # no record access: a runoff case is saved through its model (no undo step)
                if lib is not None or prepared is not None:
                    raise RuntimeError("there is no store for saved scenarios")
                saved = self.library.save(name)
            else:
                saved = prepared or (lib.prepare(name) if lib is not None else self.library.prepare(name))
                other = next((b for n, b, _s in self.records.scenarios() if n == saved.name), None)
                if other is not None and record_kind(other) != self.kind:
                    raise ValueError(
                        f"a {KIND_WORDS.get(record_kind(other), 'other')} scenario is already saved as "
                        f"{saved.name!r}; choose another name"
                    )
                command = SaveScenarioCommand(self.records, saved.name, *saved.to_dicts(), self.window.show_error)
                command.execute()
                self.window.undo_stack.push(command)
        except Exception as exc:  # store or pipeline: the user sees what went wrong, nothing is half-saved
            self.window.show_error(f"The scenario could not be saved: {exc}")
            return None
        self.window.statusBar().showMessage(f"Scenario '{saved.name}' saved (Ctrl+Z takes it back)", 5000)
        return saved

    def delete(self, name: str) -> bool:
        """Delete a saved scenario (undoable); a problem is shown, not raised."""
        if self.records is None:
            return False
        try:
            command = DeleteScenarioCommand(self.records, name, self.window.show_error)
            command.execute()
        except Exception as exc:
            self.window.show_error(f"The scenario could not be deleted: {exc}")
            return False
        self.window.undo_stack.push(command)
        self.window.statusBar().showMessage(f"Scenario '{name}' deleted (Ctrl+Z brings it back)", 5000)
        return True

    def load(self, name: str) -> None:
        """Make a saved scenario the live one, on the open contest's panel."""
        lib = self.current()
        if lib is not None:
            lib.load(name)
        else:
            self.library.load(name)

    def reset(self) -> None:
        lib = self.current()
        if lib is not None:
            lib.reset()
        else:
            self.library.reset()

    def summaries(self) -> list[CaseSummary]:
        """One headline per saved two-round or instant-runoff case, each exactly as saved (empty for SV)."""
        lib = self.current()
        return [lib.summary(s) for s in lib.saved()] if lib is not None else []

    def columns(self, figures: SavedFigures | None = None) -> list[CompareColumn]:
        """One comparison column per saved scenario, each on its own baseline (of `figures`, or worked out now)."""
        if figures is None:
            figures = self.library.saved_figures()
        self.library.report(figures.problems)
        return [
            CompareColumn(
                saved.name,
                saved.baseline.label,
                saved.saved_at,
                view.projection,
                fresh.message,
                view.break_even_words,
                assumption_lines(view.baseline, view.scenario)[2:],  # (after its baseline and runoff source)
            )
            for saved, view, fresh in figures.cases
        ]

    def compare(self) -> None:
        """Show every saved scenario side by side. A runoff race's figures (each case's numbers on today's polls)
        are worked out on a worker first: at 100,000 polls and 20 saved cases they held the window 3.0 s. Saved
        cases of another counting system than the race's are named, not shown (other_systems)."""
        self._report_other_systems()
        if self.current() is not None:
            self._show_compare(self.summaries())
            return
        self._with_saved_figures(
            "Comparing the saved scenarios…", "Compare", lambda f: self._show_compare(self.columns(f))
        )

    def _show_compare(self, columns: Sequence[CompareColumn] | Sequence[CaseSummary]) -> None:
        if not columns:
            hidden = [note[:1].upper() + note[1:] + "." for _name, note in self.other_systems()]
            self.window.show_error("\n\n".join(hidden) or "Save at least one scenario first (Scenario > Save as…).")
            return
        dialog = CompareDialog(columns, self.window)
        try:
            dialog.exec()
        finally:  # (a child of the window: each Compare's was kept, hidden, as long as the window)
            dialog.deleteLater()

    def _with_saved_figures(self, text: str, title: str, then: Callable[[SavedFigures], None]) -> None:
        """The saved cases' figures on a worker (library.start_saved_figures), with a progress dialog past 0.4 s
        that can cancel them; `then(figures)` on the GUI thread in a later turn once they land. One at a time:
        asked again meanwhile, the running one's dialog is shown."""
        from warroom.core.pipeline import FreshnessCancelled

        if self.figuring is not None:
            self.figuring.show()
            self.figuring.raise_()
            return
        run = self.library.start_saved_figures()
        race = _race_of(self.library.contest)

        def land() -> None:
            if self.figuring is not progress:  # (landed already: the dialog's timer may tick once more)
                return
            if not follow_run(progress, run):
                return
            self.figuring = None
            progress.close()
            progress.deleteLater()
            try:
                figures: SavedFigures = run.result.result()
            except FreshnessCancelled:
                self.window.statusBar().showMessage(f"{title} cancelled", 4000)
                return
            except Exception as exc:
                self.window.show_error(f"The saved scenarios could not be worked out: {exc}")
                return
            if _race_of(self.library.contest) != race:  # (another race opened meanwhile: its figures are not these)
                self.window.statusBar().showMessage(f"{title} stopped: another contest was opened meanwhile", 6000)
                return
            # (a later turn: a modal dialog's own event loop is not run inside this timer's slot)
            QTimer.singleShot(0, self.window, partial(then, figures))

        progress = work_progress(text, title, "saved_figures_progress", self.window, land)
        progress.destroyed.connect(run.cancel)  # (the window closed meanwhile: the worker stops at its next case)
        self.figuring = progress

    def present(self, name: str) -> None:
        """Meeting mode's `scenario:NAME` view: the saved case exactly as saved; the live case is untouched."""
        lib = self.current()
        if lib is not None:  # a two-round or instant-runoff case: its card, exactly as saved
            found = [s for s in lib.saved() if s.name == name]
            if not found or self.pages is None:
                self._missing(name)
                return
            summary = lib.summary(found[0])
            self.pages.show_case(summary)
            if summary.today:
                self.window.statusBar().showMessage(summary.today, 8000)
            return
        if self.pages is not None:
            self.pages.show_runoff()
        try:
            saved = self.library.find_saved(name)
        except ValueError:
            self._missing(name)
            return
        self.presenter.show_saved(saved)
        note = self.library.freshness(saved).message
        if note:
            self.window.statusBar().showMessage(note, 8000)

    def _missing(self, name: str) -> None:
        """Meeting mode's view of a saved scenario the open race does not have (deleted or renamed since its views
        were set): said on the page, where the projector shows it, and in the status bar."""
        contest = self.library.contest
        text = (
            f"No saved scenario named {name!r} in {contest.name if contest else 'this contest'}: it was deleted or "
            "renamed since meeting mode's views were set"
            if contest is not None or self.current() is not None
            else f"No race open: no saved scenario {name!r} to show (open a race in the contest picker)"
        )
        if self.pages is not None:
            self.pages.show_missing(text)
        self.window.statusBar().showMessage(text, 8000)

    def refresh(self, *_args: object) -> None:
        """Fill the Scenario menu again (a contest opened, or the saved scenarios changed); meeting mode showing a
        saved scenario shows it again as it now is (saved over, deleted, an undo, a teammate's change): the
        projector never shows a case under a name that no longer holds it."""
        self.fill_menu()
        view = self.window.current_view()
        if view.startswith("scenario:"):
            self.present(view.split(":", 1)[1])

    def fill_menu(self, saved: object = None) -> None:
        """The Scenario menu for the open contest's panel: save, compare, reset, one Load entry per saved
        scenario and a Delete submenu (the runoff (SV) panel adds the forecast over time)."""
        menu = self.window.scenario_menu
        menu.clear()
        menu.setToolTipsVisible(True)
        if self.library.contest is None and self.current() is None:  # no race open (the store's last one deleted)
            action = menu.addAction(NO_RACE_SCENARIO_MENU)
            action.setEnabled(False)
            action.setToolTip(literal_tip(NO_RACE_SCENARIO_TIP))
            action.setStatusTip(NO_RACE_SCENARIO_TIP)
            return
        kind = self.kind
        words = KIND_WORDS[kind]
        names = self.saved_names()

        def add(text: str, slot: Callable[[], None], tip: str, shortcut: str = "") -> None:
            action = menu.addAction(text, slot)
            action.setToolTip(literal_tip(tip + (f" ({shortcut})" if shortcut else "")))
            action.setStatusTip(tip)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))

        add(
            "&Save as…",
            self.save,
            f"Save the {words} panel's settings under a name (undo takes it back)",
            "Ctrl+Shift+S",
        )
        add(
            "&Compare…",
            self.compare,
            f"Every saved {words} scenario side by side, each exactly as saved",
            "Ctrl+Shift+C",
        )
        add("&Reset to baseline", self.reset, "Every setting back to the defaults of the baseline", "Ctrl+Shift+R")
        menu.addSeparator()
        forecast = menu.addAction("&Forecast over time…", self.show_forecast)
        forecast.setEnabled(kind == "sv")
        forecast.setToolTip(
            "The chance of winning by week, each from the polls known that day"
            if kind == "sv"
            else "The forecast over time is drawn for runoff (SV) contests only"
        )
        if names:
            menu.addSeparator()
            for i, n in enumerate(names, 1):
                add(
                    f"{_numbered(i)}Load '{menu_text(n)}'",
                    partial(self.load, n),
                    f"Work on '{n}': its settings become the live ones",
                )
            delete = menu.addMenu("&Delete")
            delete.setObjectName("scenario_delete_menu")
            delete.setToolTipsVisible(True)
            for i, n in enumerate(names, 1):
                action = delete.addAction(f"{_numbered(i)}'{menu_text(n)}'", partial(self.delete, n))
                action.setToolTip(literal_tip(f"Delete the saved scenario '{n}' (Edit > Undo brings it back)"))
        hidden = self.other_systems()
        if hidden:  # named in one line, not offered: no panel of the race's system reads them
            menu.addSeparator()
            listed_names = ", ".join(f"'{menu_text(n)}'" for n, _note in hidden)
            action = menu.addAction(f"&Not shown: {listed_names} (made under another counting system)")
            action.setEnabled(False)
            notes = "\n".join(note[:1].upper() + note[1:] + "." for _n, note in hidden)
            action.setToolTip(literal_tip(notes))
            action.setStatusTip(notes.replace("\n", " "))

    def forecast_dialog(self, points: Sequence[ForecastPoint] | None = None) -> ForecastDialog:
        """The forecast-over-time charts for the open contest: of `points`, or computed now (scripts and tests;
        the menu computes them on a worker: show_forecast)."""
        from warroom.ui.forecast_dialog import ForecastDialog

        if points is None:
            points = self.library.forecast_over_time()
        contest = self.library.contest
        names = {c.code: c.display for c in contest.candidates} if contest else {}
        colours = {c.code: c.colour for c in contest.candidates} if contest else {}
        dialog = ForecastDialog(points, names, colours, self.window, theme=self.window.chart_theme(), contest=contest)
        # deleted once closed, however it was shown (a child of the window, it was otherwise kept as long as it)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog

    def show_forecast(self) -> None:
        """Scenario > Forecast over time: each week's average and simulation on a worker thread (the library's
        start_forecast), with a progress dialog that can cancel it, then the charts in a window-modal dialog. At
        10,000 polls the work takes seconds: it froze the window 5.3 s under a wait cursor."""
        from warroom.core.pipeline import ForecastCancelled

        if self._forecasting is not None:  # (one at a time: the menu again while one runs shows that one)
            self._forecasting.show()
            self._forecasting.raise_()
            return
        run = self.library.start_forecast()
        if run is None:
            self._open_forecast([])
            return

        def land() -> None:
            if self._forecasting is not progress:  # (landed already: the dialog's timer may tick once more)
                return
            if progress.wasCanceled():
                run.cancel()
            total = max(1, run.total)
            progress.setMaximum(total)
            progress.setValue(min(run.done, total))
            if not run.result.done():
                return
            self._forecasting = None
            progress.close()
            progress.deleteLater()
            try:
                points = run.result.result()
            except ForecastCancelled:
                self.window.statusBar().showMessage("Forecast over time cancelled", 4000)
                return
            except Exception as exc:
                self.window.show_error(f"The forecast over time could not be worked out: {exc}")
                return
            self._open_forecast(points)

        progress = work_progress(
            "Working out the chance of winning week by week…",
            "Forecast over time",
            "forecast_progress",
            self.window,
            land,
        )
        progress.destroyed.connect(run.cancel)  # (the window closed meanwhile: the worker stops at its next date)
        self._forecasting = progress

    def _open_forecast(self, points: Sequence[ForecastPoint]) -> None:
        dialog = self.forecast_dialog(points)  # (deleted once closed)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()

    def briefing(self, figures: SavedFigures | None = None) -> Briefing:
        """The one-page briefing: the average, both leads, and every saved scenario as saved (of `figures`, or
        worked out now)."""
        from warroom.ui.export import Briefing

        self._report_other_systems()
        case_lib = self.current()
        if case_lib is not None:
            return self._case_briefing(case_lib)
        lib = self.library
        contest, polls, avg = lib.contest, lib.polls, lib.averages
        title = f"{contest.name}: war-room briefing" if contest else "War-room briefing"
        lines: list[str] = []
        leads: list[str] = []
        if avg is not None and contest is not None and avg.first_round:
            summary = summarise(avg, polls, contest)
            lines = summary.share_lines()
            leads = summary.lead_lines()
        scenarios: list[BriefingScenario] = []
        if figures is None:
            figures = lib.saved_figures()
        lib.report(figures.problems)
        for saved, view, fresh in figures.cases:
            scenarios.append(_briefing_scenario(saved.name, view, fresh.message))
        if not scenarios and lib.view is not None:
            scenarios.append(_briefing_scenario("Current settings", lib.view, ""))
        return Briefing(
            title=title,
            date_text=f"Prepared {date.today():%d %B %Y} with warroom",
            average_lines=lines,
            lead_lines=leads,
            scenarios=scenarios,
            poll_sources=tuple(polls),  # (their sources listed as the page is drawn: ui.export.sources_of)
            chart=self.window.ready_charts(),  # (built now if they were still loading)
        )

    def start_briefing(self, path: Path) -> None:
        """File > Briefing PDF: a runoff race's saved cases' figures are worked out on a worker first (at 100,000
        polls and 20 saved cases they held the window 3.2 s), then the PDF is drawn (its chart is a widget,
        drawn on the GUI thread) and written all or nothing."""
        if self.current() is not None:
            self.write_briefing(path)
            return
        self._with_saved_figures("Preparing the briefing…", "Briefing", partial(self.write_briefing, path))

    def write_briefing(self, path: Path, figures: SavedFigures | None = None) -> None:
        """Write the briefing PDF (the saved cases of `figures`, or worked out now): the page down to its chart is
        drawn here, the rest and the file's write on a worker (the window's write_later; it says when the file
        is saved, or why not); a failure here is shown."""
        from warroom.ui.export import export_problem, start_briefing_pdf

        try:
            start_briefing_pdf(self.briefing(figures), path, later=self.window.write_later)
        except Exception as exc:
            self.window.show_error(f"The briefing could not be written: {export_problem(path, exc)}")

    def _case_briefing(self, lib: CaseLibrary) -> Briefing:
        """The briefing of a two-round or instant-runoff contest: its first round and every saved case's
        headline (core.saved_cases.CaseSummary, the figures compare and the command line print)."""
        from warroom.ui.export import Briefing

        contest, polls = self.library.contest, self.library.polls
        summaries = self.summaries()
        if not summaries:
            live = lib.live_summary()
            summaries = [live] if live is not None else []
        return Briefing(
            title=f"{contest.name}: war-room briefing" if contest else "War-room briefing",
            date_text=f"Prepared {date.today():%d %B %Y} with warroom",
            average_lines=lib.briefing_lines(),
            average_heading="First round the scenarios start from",
            lead_lines=[],
            scenarios=[case_briefing_scenario(s) for s in summaries],
            sources=lib.sources(),
            poll_sources=tuple(polls),  # (their sources listed after the race's own as the page is drawn)
            # an instant-runoff race with no poll yet (its first round from last election's ballots): no chart
            chart=self.window.ready_charts() if polls or lib.kind == "two_round" else None,
        )


def _race_of(contest: Contest | None) -> int | None:
    """Which race is open (its store id), to tell whether the one a worker's figures are for is still open."""
    return None if contest is None else contest.id


def case_briefing_scenario(summary: CaseSummary) -> BriefingScenario:
    """A two-round or instant-runoff case as the briefing prints it."""
    from warroom.ui.export import BriefingScenario

    return BriefingScenario(
        summary.name,
        summary.headline,
        summary.margin,
        "",
        summary.chance,
        [
            f"Projected: {summary.margin_text}; {bidi_isolated(summary.winner)}'s chance {summary.chance_text}",
            *summary.details,
        ]
        + ([summary.today] if summary.today else []),
        headline=f"{summary.name}: {summary.headline}",
    )


def _briefing_scenario(name: str, view: ProjectionView, note: str) -> BriefingScenario:
    from warroom.ui.export import BriefingScenario

    p = view.projection
    # What its runoff of two cannot show, under the figures as every surface says it (core.scenario.note_lines)
    details = note_lines(p) + assumption_lines(view.baseline, view.scenario) + ([note] if note else [])
    return BriefingScenario(
        name,
        p.verdict,
        p.margin,
        view.break_even_words,
        p.win_probability_b,
        details,
    )


class ParsingSource(Protocol):
    """The poll service's side an import needs: the open contest."""

    @property
    def contest(self) -> Contest | None: ...


class ImportRunner(Protocol):
    """The import worker (services.import_worker.ImportWorker): imports off the GUI thread, with progress."""

    progress_changed: Any  # ImportProgress: .stage ("checking" | "writing"), .done, .total, .text
    import_finished: Any  # ImportReport: .added (stored polls), .skipped, .summary
    import_failed: Any  # message naming source, line and field
    import_needs_date_order: Any  # message: refused for dates in figures that read both ways, no order given
    import_needs_replace: Any  # message: a two-round import refused only for questions stored with other figures
    campaign_finished: Any  # CampaignReport (an import into a two-round race): .summary
    import_cancelled: Any
    paste_checked: Any  # (request id, ParseResult or message)

    @property
    def busy(self) -> bool: ...

    def start_file(self, path: Path, date_order: str | None = ...) -> bool: ...
    def start_text(self, text: str, source: str = ..., date_order: str | None = ...) -> bool: ...
    def start_table(self, text: str, source: str = ..., date_order: str | None = ...) -> bool: ...
    def start_parsed(self, parsed: ParseResult, source: str = ...) -> bool: ...
    def start_campaign_file(self, path: Path, *, replace: bool = ..., date_order: str | None = ...) -> bool: ...
    def start_campaign_text(
        self, text: str, source: str = ..., *, replace: bool = ..., date_order: str | None = ...
    ) -> bool: ...
    def start_campaign_input(self, read: Any, source: str) -> bool: ...
    def start_campaign_removal(self, rows: Any, source: str) -> bool: ...
    def cancel(self) -> None: ...
    def check_paste(
        self,
        rows: Sequence[Sequence[str]],
        mapping: Sequence[str],
        default_year: int | None = None,
        date_order: str | None = None,
    ) -> int: ...


SHOW_PROGRESS_AFTER_MS = 400
"""A quick import (most are: a few dozen polls) finishes before any progress would flash up."""


class ImportProgressBar(QWidget):
    """The status bar's import progress: what is being done, a bar, and Cancel. Hidden unless an import is long.

    In the status bar rather than a dialog: a new window (even a progress dialog) makes Qt lay out, polish and
    paint it while the worker holds Python's lock most of the time, and showing one stalled the window for
    50-300 ms (benchmarks/bench_import_stall.py); this widget exists from the start and only becomes visible.

    Signals:
        cancel_requested: the user pressed Cancel (or Escape while it had focus).
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_progress")
        self.label = QLabel()
        self.label.setObjectName("import_progress_label")
        self.bar = QProgressBar()
        self.bar.setObjectName("import_progress_bar")
        self.bar.setRange(0, 1000)
        self.bar.setFixedWidth(200)
        self.bar.setAccessibleName("Import progress")
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setObjectName("import_cancel")
        self.cancel_button.setToolTip("Stop the import: nothing is added")
        self.cancel_button.setAccessibleName("Cancel the import")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        # No taller than a line of the status bar's text: the status bar sizes itself to its tallest widget,
        # shown or hidden, and the window's charts would lose those pixels for good.
        self.setMaximumHeight(self.label.sizeHint().height())
        self.hide()

    def show_progress(self, stage: str, done: int, total: int, text: str) -> None:
        """One bar for the whole import: checking the rows is its first half, storing them the second."""
        if not self.cancel_button.isEnabled():
            return  # cancelling: the label says so until the worker stops
        share = done / total if total else 1.0
        self.label.setText(text)
        self.bar.setValue((0 if stage == "checking" else 500) + round(500 * min(1.0, share)))

    def start(self) -> None:
        self.label.setText("Importing polls…")
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)

    def _on_cancel_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText("Cancelling: nothing will be added…")
        self.cancel_requested.emit()


# An import to start again read with the date order the user picks ("dmy", "mdy"), and what it imports
_Again = tuple[Callable[[str], bool], str]
_Replace = tuple[Callable[[str | None], bool], str]
"""A two-round import started again replacing what is stored, its dates in figures read in the order given (None:
as the file shows), and what it imports."""


class ImportActions(QObject):
    """Import a CSV file or a pasted table off the GUI thread: progress after a short delay, Cancel, every
    problem shown with its line and field, all or nothing; the status bar says how many were added or skipped.

    Attributes:
        progress: the status bar's import progress (visible only while a long import runs).
    """

    def __init__(self, source: ParsingSource, runner: ImportRunner, window: MainWindow) -> None:
        super().__init__(window)
        self.source = source
        self.runner = runner
        self.window = window
        self.progress = ImportProgressBar()
        self._started_in: Contest | None = None
        # The import just started, again with a date order (a file or an own-columns paste whose dates in figures
        # read both ways is refused; the user is asked the order, and it is imported again read so)
        self._again: _Again | None = None
        self.ask_date_order: Callable[[str], str | None] = self._ask_date_order  # (tests answer for the user)
        # A two-round import refused for questions stored with other figures: started again replacing them, if the
        # user says so (a corrected download), as `warroom import --replace`
        self._replace_again: _Replace | None = None
        self._order: str | None = None  # the date order the import running was given (None: as its file shows)
        self._campaign_step: CampaignImportCommand | None = None  # the Undo/Redo of a two-round import running
        self.ask_replace: Callable[[str], bool] = self._ask_replace  # (tests answer for the user)
        window.statusBar().addPermanentWidget(self.progress)
        self.progress.cancel_requested.connect(runner.cancel)
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(SHOW_PROGRESS_AFTER_MS)
        self._show_timer.timeout.connect(self._show_progress)
        runner.progress_changed.connect(self._on_runner_progress_changed)
        runner.import_finished.connect(self._on_runner_import_finished)
        runner.import_failed.connect(self._on_runner_import_failed)
        runner.import_needs_date_order.connect(self._on_runner_import_needs_date_order)
        runner.import_needs_replace.connect(self._on_runner_import_needs_replace)
        runner.campaign_finished.connect(self._on_runner_campaign_finished)
        runner.import_cancelled.connect(self._on_runner_import_cancelled)

    def import_file(self, path: Path) -> None:
        """Import a poll CSV file (parsed, checked and stored on the import worker); into a two-round race, a French
        compilation or the poll CSV with questions, read as `warroom import` reads them."""
        contest = self.source.contest
        if contest is not None and contest.system == CountingSystem.TWO_ROUND:
            self._begin(
                lambda: self.runner.start_campaign_file(path),
                path.name,
                (lambda order: self.runner.start_campaign_file(path, date_order=order), path.name),
                (lambda order: self.runner.start_campaign_file(path, replace=True, date_order=order), path.name),
            )
            return
        again = (lambda order: self.runner.start_file(path, order), path.name)
        self._begin(lambda: self.runner.start_file(path), path.name, again)

    def import_text(self, text: str, dialog: PasteDialog | None = None) -> None:
        """A pasted table: its columns mapped (guessed, shown, changeable) and previewed, then imported."""
        contest = self.source.contest
        refused = (
            bundle_refusal(text[:256], "the pasted text", "FILE.json (the text saved as a file)")
            if dialog is None
            else None
        )
        if refused is not None:  # (a campaign bundle's text: not a table, whichever the race's system)
            self.window.show_error(refused)
            return
        if contest is not None and contest.system == CountingSystem.TWO_ROUND and dialog is None:
            # Its polls are notices with questions: the poll CSV with questions' own columns, no mapping (the
            # mapping makes plain polls, which none of a two-round race's figures read)
            source = "the pasted table"
            self._begin(
                lambda: self.runner.start_campaign_text(text, source),
                source,
                (lambda order: self.runner.start_campaign_text(text, source, date_order=order), source),
                (lambda order: self.runner.start_campaign_text(text, source, replace=True, date_order=order), source),
            )
            return
        header = _header_alone(text)
        if dialog is None and contest is not None and header is not None and _own_columns(header, contest):
            # Already the app's own column names (read from the header line alone): the table is split and
            # imported on the worker, as below (10,000 pasted rows split here held the window 0.1-0.2 s)
            again = (lambda order: self.runner.start_table(text, "the pasted table", order), "the pasted table")
            self._begin(lambda: self.runner.start_table(text, "the pasted table"), "the pasted table", again)
            return
        try:
            rows = split_table(text)
        except PasteError as exc:
            self.window.show_error(f"The pasted text is not a table of polls: {exc}")
            return
        if contest is None or len(rows) < 2:
            self.window.show_error("Paste a table with a header row and at least one poll.")
            return
        if dialog is None and _own_columns(rows[0], contest):
            # Already the app's own column names: nothing to map; the importer's check refuses what is wrong. The
            # rows as split (tabs, semicolons or commas) go on as comma CSV, so a semicolon table reads here too.
            as_csv = rows_to_csv(rows)
            again = (lambda order: self.runner.start_text(as_csv, "the pasted table", order), "the pasted table")
            self._begin(lambda: self.runner.start_text(as_csv, "the pasted table"), "the pasted table", again)
            return
        mark = self.window.race_mark()
        made = dialog is None
        dialog = dialog or PasteDialog(rows, contest, self.runner, self.window)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            parsed = dialog.result_parse
        finally:
            if made:  # (a child of the window: kept, hidden with the whole table, as long as the window)
                dialog.deleteLater()
        if not accepted or parsed is None:
            return
        if parsed.polls and self.window.moved_on(contest, mark, "add", parsed.polls, "the pasted table's columns"):
            return  # (checked against that race: never imported into the one opened since)
        self._begin(lambda: self.runner.start_parsed(parsed, "the pasted table"), "the pasted table")

    def _begin(
        self,
        start: Callable[[], bool],
        what: str,
        again: _Again | None = None,
        replace: _Replace | None = None,
        order: str | None = None,
    ) -> None:
        """Start an import; `again` (this job's import again with a date order) and `replace` (this two-round job's
        import again replacing what is stored with other figures, in the job's date `order`) are kept with the job
        started, never with one refused as another still runs (that one's refusal must not ask about, or import,
        this file)."""
        if self.runner.busy:
            self.window.statusBar().showMessage(f"An import is still running; {what} was not imported", 6000)
            return
        self._again = again
        self._replace_again = replace
        self._order = order
        self.progress.start()
        self._started_in = self.source.contest  # the race the polls go to, whatever is open when they land
        if start():
            self._show_timer.start()

    def _show_progress(self) -> None:
        if self.runner.busy:
            self.progress.show()

    def _end(self) -> None:
        self._show_timer.stop()
        self.progress.hide()

    def _on_runner_progress_changed(self, progress: Any) -> None:
        self.progress.show_progress(progress.stage, progress.done, progress.total, progress.text)

    def _on_runner_import_finished(self, report: Any) -> None:
        self._end()
        self._again = None
        open_now = self.source.contest
        if open_now is None or open_now.id != report.contest_id:
            # Another race is open now: its history must not hold this step (Undo would delete polls the user
            # cannot see, and Redo would add them to the race on screen). The polls stay where they went.
            started = self._started_in
            where = f" to {started.name}" if started is not None and started.id == report.contest_id else ""
            self.window.statusBar().showMessage(f"{report.summary}{where}", 10000)
            return
        if report.added:
            self.window.record_import(report.added)
        self.window.statusBar().showMessage(report.summary, 10000)

    def _on_runner_import_failed(self, message: str) -> None:
        self._end()
        self._again = self._replace_again = None
        self._drop_history_after_step()
        self.window.show_error(message)

    def _drop_history_after_step(self) -> None:
        """An Undo or Redo of a two-round import that failed or was cancelled changed nothing, but the stack has
        moved past it: the history no longer matches the store, and goes (after this turn: the stack is not
        cleared from inside its own step)."""
        if self._campaign_step is not None:
            self._campaign_step = None
            QTimer.singleShot(0, self.window.undo_stack.clear)

    def _on_runner_campaign_finished(self, report: Any) -> None:
        """An import into a two-round race landed (its controller reads the race's questions again); one undo step
        takes it back, unless it replaced stored figures (their old figures are not kept: the user was asked)."""
        self._end()
        self._again = self._replace_again = None
        started = self._started_in
        open_now = self.source.contest
        where = ""
        moved_on = open_now is None or open_now.id != report.contest_id
        if started is not None and started.id == report.contest_id and moved_on:
            where = f" to {started.name}"
        self.window.statusBar().showMessage(f"{report.summary}{where}", 10000)
        step, self._campaign_step = self._campaign_step, None
        if report.step == "redo" and step is not None:
            step.landed(report)
        elif report.step == "import" and step is None and report.undoable and not moved_on:
            self.window.undo_stack.push(CampaignImportCommand(self, report))

    def run_campaign_step(self, command: CampaignImportCommand, undo: bool) -> bool:
        """Start the Undo (or Redo) of a two-round import on the import worker; False if it cannot start (an
        import still running: said in a message box)."""
        report = command.report
        if self.runner.busy:
            self.window.show_error(
                f"{'Undo' if undo else 'Redo'} of the import of {report.source} waits for the import still running: "
                "nothing was changed; the step is dropped from the history"
            )
            return False
        self._campaign_step = command
        self.progress.start()
        if undo:
            started = self.runner.start_campaign_removal(report.added.rows, report.source)
        else:
            started = self.runner.start_campaign_input(report.read, report.source)
        if started:
            self._show_timer.start()
        return started

    def _on_runner_import_needs_replace(self, message: str) -> None:
        self._end()
        again, self._replace_again = self._replace_again, None
        self._again = None
        if again is None or not self.ask_replace(message):
            if again is None:
                self.window.show_error(message)
            return
        start, what = again
        order = self._order
        self._begin(lambda: start(order), what)

    def _ask_replace(self, message: str) -> bool:
        """Whether the file's figures replace those stored for the same questions (a corrected download)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title_text("warroom: replace the stored figures?"),
            drawable(
                f"{message}\n\nReplace the stored figures of these questions with the file's (a corrected "
                "download)? Nothing is imported otherwise."
            ),
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        replace = box.addButton("&Replace", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is replace

    def _on_runner_import_needs_date_order(self, message: str) -> None:
        self._end()
        again, self._again = self._again, None
        replace, self._replace_again = self._replace_again, None
        order = self.ask_date_order(message) if again is not None else None
        if again is None or order is None:
            if again is None:
                self.window.show_error(message)
            return
        start, what = again
        self._begin(lambda: start(order), what, replace=replace, order=order)  # (a two-round file may ask both)

    def _ask_date_order(self, message: str) -> str | None:
        """The user's order for the refused import's dates in figures ("dmy", "mdy"), None for none (nothing
        imported)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title_text("warroom: which order are the dates in?"),
            drawable(f"{message}\n\nRead the dates in figures as:"),
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        choices = {
            box.addButton(f"&{words[0].upper()}{words[1:]}", QMessageBox.ButtonRole.AcceptRole): order
            for order, words in DATE_ORDERS.items()
        }
        box.exec()
        clicked = box.clickedButton()
        return next((order for button, order in choices.items() if button is clicked), None)

    def _on_runner_import_cancelled(self) -> None:
        self._end()
        self._again = self._replace_again = None
        self._drop_history_after_step()
        self.window.statusBar().showMessage("Import cancelled: nothing was added", 6000)


class CampaignImportCommand(QUndoCommand):
    """An import into a two-round race, on the undo stack: Undo takes its rows back (its notices, questions,
    matrices; the official rounds as they were), Redo stores what it read again; both on the import worker. A
    step that cannot run (an import still running), or fails, is shown and dropped from the history."""

    def __init__(self, actions: ImportActions, report: Any) -> None:
        super().__init__(f"Import {report.source}")
        self.actions, self.report = actions, report
        self._skip_redo = True

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        if not self.actions.run_campaign_step(self, undo=False):
            self.setObsolete(True)

    def undo(self) -> None:
        if not self.actions.run_campaign_step(self, undo=True):
            self.setObsolete(True)

    def landed(self, report: Any) -> None:
        """Its Redo landed: the rows now to take back are the new ones."""
        self.report = dataclasses.replace(self.report, added=report.added)


def _own_columns(header: Sequence[str], contest: Contest) -> bool:
    """Whether a pasted table's header row is the app's own column names (nothing to map)."""
    own_names = [f.casefold().replace("first_", "first:", 1) for f in guess_columns(header, contest) if f]
    return own_names == [c.strip().casefold().replace("first_", "first:", 1) for c in header if c.strip()]


def _header_alone(text: str) -> list[str] | None:
    """A pasted table's header row as split_table reads it, from its first line alone, where that line tells it
    alone and rows follow it: no quote (a quoted cell may go on to the next line), no semicolon (whether the table
    is semicolon-separated depends on every line), not blank; else None."""
    end = text.find("\n")
    if end < 0 or not text[end + 1 :].strip():
        return None
    line = text[:end].removesuffix("\r")
    if not line.strip() or '"' in line or ";" in line or "\r" in line:
        return None
    return [cell.strip() for cell in line.split("\t" if "\t" in text else ",")]


def _numbered(position: int) -> str:
    """The mnemonic of the `position`th saved case in the Scenario menu and its Delete submenu: "&1 " to "&9 ", so a
    keyboard reaches the first nine by their number; the rest by the arrow keys."""
    return f"&{position} " if position <= 9 else ""
