"""Composition root: QApplication, paths, store, services, main window, wiring. Nothing imports this."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TextIO

import pyqtgraph as pg
from PySide6.QtCore import QSettings, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from warroom import __version__
from warroom.bootstrap import OpenStore, open_store
from warroom.core.csvformat import ParseResult
from warroom.paths import AppPaths
from warroom.services.analysis_service import AverageController
from warroom.services.poll_service import PollService
from warroom.services.scenario_service import ScenarioController
from warroom.services.settings import AppSettings
from warroom.store.db import StoreError, list_backups
from warroom.ui.assets import stylesheet


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
    """Everything one running app owns, wired together."""

    def __init__(self, store: OpenStore, settings: AppSettings, *, watch: bool = True) -> None:
        from warroom.ui.main_window import MainWindow
        from warroom.ui.scenario_panel import ScenarioPanel

        self.store = store
        self.settings = settings
        self.poll_service = PollService(store.sessions, watch=watch)
        self.averages = AverageController()
        self.window = MainWindow(self.poll_service)
        self.scenarios = ScenarioController()
        self.scenario_panel = ScenarioPanel()
        self.window.set_scenario_widget(self.scenario_panel)
        self.window.set_presentation_views(settings.presentation_views.split(","))
        self.window.show_store(store.target)
        self._wire()
        contest = self.poll_service.open_contest(settings.contest or None)
        if contest is not None:
            settings.contest = contest.name
        self.averages.recompute()
        geometry = settings.geometry("main")
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        else:
            self.window.resize(1400, 900)
        state = settings.geometry("main_state")
        if state is not None:
            self.window.restoreState(state)
        # Light and dark follow the system (Qt 6.5+ reports the colour scheme and its changes).
        hints = QApplication.styleHints()
        self._follow_scheme(hints.colorScheme())
        hints.colorSchemeChanged.connect(self._follow_scheme)
        self.window.setStyleSheet(stylesheet("app"))

    def _follow_scheme(self, scheme: Qt.ColorScheme) -> None:
        preference = self.settings.theme
        dark = preference == "dark" or (preference == "system" and scheme == Qt.ColorScheme.Dark)
        self.window.apply_color_scheme(dark)

    def _wire(self) -> None:
        ps, win, avg = self.poll_service, self.window, self.averages
        ps.contest_loaded.connect(win.show_contest)
        ps.contest_loaded.connect(avg.set_contest)
        ps.polls_changed.connect(lambda change: win.show_polls(change, {p.id: p for p in ps.polls if p.id is not None}))
        ps.polls_changed.connect(lambda _change: avg.set_polls(ps.polls))
        ps.annotations_changed.connect(win.show_annotations)
        ps.store_failed.connect(win.show_error)
        avg.averages_ready.connect(win.show_averages)
        avg.average_failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        sc, panel = self.scenarios, self.scenario_panel
        ps.contest_loaded.connect(sc.set_contest)
        ps.contest_loaded.connect(panel.set_contest)
        avg.averages_ready.connect(sc.set_data)
        avg.averages_ready.connect(self._offer_baseline_polls)
        sc.baseline_changed.connect(panel.show_baseline)
        sc.scenario_reset.connect(panel.show_scenario)
        sc.projection_ready.connect(panel.show_projection)
        sc.scenario_failed.connect(lambda msg: win.statusBar().showMessage(msg, 8000))
        panel.scenario_changed.connect(sc.set_scenario)
        panel.reset_requested.connect(sc.reset)
        panel.save_requested.connect(self.save_scenario)
        panel.compare_requested.connect(self.compare_scenarios)
        panel.baseline_requested.connect(sc.set_baseline_mode)
        ps.scenarios_changed.connect(self._fill_scenario_menu)
        win.scenario_view_requested.connect(self.load_scenario)
        win.briefing_requested.connect(self.write_briefing)
        win.import_requested.connect(self.import_file)
        win.paste_requested.connect(self.import_text)
        original_close = win.closeEvent

        def close_event(event) -> None:
            self.settings.set_geometry("main", win.saveGeometry())
            self.settings.set_geometry("main_state", win.saveState())
            self.settings.sync()
            original_close(event)

        win.closeEvent = close_event  # type: ignore[method-assign]

    # --- scenarios ------------------------------------------------------------------------------------------

    def _offer_baseline_polls(self, polls, _averages) -> None:
        contest = self.poll_service.contest
        if polls and contest is not None:
            first = min(p.fieldwork_end for p in polls)
            self.scenario_panel.set_date_range(first, max(contest.election_date, max(p.fieldwork_end for p in polls)))
        newest = sorted(polls, key=lambda p: p.fieldwork_end, reverse=True)[:40]
        self.scenario_panel.set_polls_for_baseline(
            [(f"{p.pollster}, {p.fieldwork_end:%d %b %Y}", p.id) for p in newest if p.id is not None and p.first_round]
        )

    def save_scenario(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        if self.scenarios.baseline is None:
            return
        name, ok = QInputDialog.getText(self.window, "Save scenario", "Name for these settings:")
        if not ok or not name.strip():
            return
        baseline, settings = self.scenarios.to_saved()
        try:
            self.poll_service.save_scenario(name.strip(), baseline, settings)
        except StoreError as exc:
            self.window.show_error(str(exc))
            return
        self.window.statusBar().showMessage(f"Scenario '{name.strip()}' saved", 5000)

    def load_scenario(self, name: str) -> None:
        for saved_name, _baseline, settings in self.poll_service.scenarios():
            if saved_name == name:
                self.scenarios.load(name, settings)
                return
        self.window.statusBar().showMessage(f"No saved scenario named '{name}'", 5000)

    def compare_scenarios(self) -> None:
        from warroom.ui.compare_dialog import CompareDialog

        saved = self.poll_service.scenarios()
        if not saved:
            self.window.show_error("Save at least one scenario first (Scenario > Save as…).")
            return
        results = []
        for name, baseline, settings in saved:
            try:
                projection = self.scenarios.evaluate(settings, name)
            except ValueError as exc:
                self.window.show_error(str(exc))
                continue
            if projection is not None:
                results.append((name, baseline.get("label", ""), projection))
        CompareDialog(results, self.window).exec()

    def _fill_scenario_menu(self, saved) -> None:
        menu = self.window.scenario_menu
        menu.clear()
        menu.addAction("&Save as…", self.save_scenario)
        menu.addAction("&Compare…", self.compare_scenarios)
        menu.addAction("&Reset to baseline", self.scenarios.reset)
        if saved:
            menu.addSeparator()
            for name, _baseline, _settings in saved:
                menu.addAction(f"Load '{name}'", partial(self.load_scenario, name))

    def briefing(self):
        from warroom.core.scenario import break_even_text
        from warroom.ui.export import Briefing, BriefingScenario, sources_of

        contest = self.poll_service.contest
        avg = self.averages.averages
        polls = self.poll_service.polls
        title = f"{contest.name}: war-room briefing" if contest else "War-room briefing"
        from datetime import date as _date

        lines: list[str] = []
        leads: list[str] = []
        if avg is not None and contest is not None:
            latest = avg.latest_first_round()
            ranked = sorted(latest.items(), key=lambda kv: -kv[1])
            lines.append(", ".join(f"{contest.candidate(c).name} {v:.1f} %" for c, v in ranked))
            day = next(iter(avg.first_round.values())).days[-1]
            lines.append(
                f"Poll average on {_date.fromordinal(int(day)):%d %B %Y}, {len(polls)} polls, 90 % band shown on the chart."
            )
            name_a, name_b = contest.candidate(avg.a).name, contest.candidate(avg.b).name
            for label, series in (("First-round lead", avg.first_lead), ("Runoff lead", avg.second_lead)):
                if not series.empty:
                    m, lo, hi = series.at(series.days[-1])
                    leads.append(f"{label}, {name_a} minus {name_b}: {m:+.1f} points (90 %: {lo:+.1f} to {hi:+.1f})")
        scen: list[BriefingScenario] = []
        base = self.scenarios.baseline
        for name, _b, settings in self.poll_service.scenarios():
            try:
                p = self.scenarios.evaluate(settings, name)
            except ValueError:
                continue
            if p is None or base is None:
                continue
            scen.append(
                BriefingScenario(name, p.verdict, p.margin, break_even_text(p.break_even_message), p.win_probability_b)
            )
        if not scen and self.scenarios.projection is not None:
            p = self.scenarios.projection
            scen.append(
                BriefingScenario(
                    "Current settings", p.verdict, p.margin, break_even_text(p.break_even_message), p.win_probability_b
                )
            )
        return Briefing(
            title=title,
            date_text=f"Prepared {_date.today():%d %B %Y} with warroom",
            average_lines=lines,
            lead_lines=leads,
            scenarios=scen,
            sources=sources_of([(p.pollster, p.source_url) for p in polls]),
            chart=self.window.charts,
        )

    def write_briefing(self, path: Path) -> None:
        from warroom.ui.export import write_briefing_pdf

        try:
            write_briefing_pdf(self.briefing(), path)
        except Exception as exc:
            self.window.show_error(f"The briefing could not be written: {exc}")
            return
        self.window.statusBar().showMessage(f"Briefing saved to {path}", 6000)

    def import_file(self, path: Path) -> None:
        try:
            parsed = self.poll_service.parse_csv(path)
        except StoreError as exc:
            self.window.show_error(f"{path.name}: {exc}")
            return
        self._import_parsed(parsed, path.name)

    def import_text(self, text: str) -> None:
        try:
            parsed = self.poll_service.parse_text(text)
        except StoreError as exc:
            self.window.show_error(str(exc))
            return
        self._import_parsed(parsed, "the pasted table")

    def _import_parsed(self, parsed: ParseResult, what: str) -> None:
        if not parsed.ok:
            shown = "\n".join(f"line {e.line}, {e.field}: {e.message}" for e in parsed.errors[:20])
            more = f"\n… and {len(parsed.errors) - 20} more" if len(parsed.errors) > 20 else ""
            self.window.show_error(f"Nothing was imported from {what}:\n\n{shown}{more}")
            return
        if self.window.import_polls(parsed.polls):
            self.window.statusBar().showMessage(f"{len(parsed.polls)} polls imported from {what}", 6000)


def _settings(paths: AppPaths) -> AppSettings:
    return AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))


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
        backups = list_backups(paths.backup_dir, Path(str(target)).stem) if exc.kind == "corrupt" else []
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


def run_gui(args: argparse.Namespace) -> int:
    if _no_display():
        sys.stderr.write(
            "warroom: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
            "The command-line verbs work without one: warroom --help. "
            "To render pictures headless: warroom render CHART --out FILE.\n"
        )
        return 2
    paths = AppPaths.under(args.data_dir) if getattr(args, "data_dir", None) else AppPaths.for_user()
    paths.ensure()
    app = make_qapp(sys.argv[:1])
    target = args.db or paths.database
    store = open_with_recovery(target, paths)
    if store is None:
        return 3
    room = WarRoom(store, _settings(paths))
    room.window.show()
    code = app.exec()
    store.close()
    return int(code)


def render_headless(args: argparse.Namespace, out: TextIO) -> int:
    """`warroom render CHART --out FILE`: the same pictures the app exports, without a screen."""
    import os

    from warroom.cli import CliError, open_for_cli

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed (CI, servers, slide builds)
    suffix = args.out.suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        raise CliError(f"{args.out}: use .png, .svg or .pdf")
    if suffix == ".pdf" and args.chart != "briefing":
        raise CliError("PDF output is the briefing: warroom render briefing --out FILE.pdf")
    make_qapp(sys.argv[:1])
    store = open_for_cli(args)
    try:
        paths = AppPaths.under(args.data_dir) if args.data_dir else AppPaths.for_user()
        settings = (
            AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
            if args.data_dir
            else AppSettings(QSettings())
        )
        room = WarRoom(store, settings, watch=False)
        room.window.resize(args.width, args.height)
        room.window.show()
        for _ in range(5):
            QApplication.processEvents()
        from warroom.ui.export import ExportError, render_target

        try:
            render_target(room.window, args.chart, args.out, args.width, args.height, room.briefing())
        except (ExportError, OSError) as exc:
            raise CliError(f"{args.out}: {exc}") from None
        room.window.close()
    finally:
        store.close()
    if args.json:
        import json

        out.write(json.dumps({"wrote": str(args.out), "chart": args.chart}) + "\n")
    else:
        out.write(f"wrote {args.out}\n")
    return 0
