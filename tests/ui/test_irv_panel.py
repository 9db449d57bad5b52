"""The instant-runoff panel in the running war room: shown for an IRV contest, driven through its widgets, and
agreeing with `warroom scenario` to the last digit."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from tests.conftest import TOY
from tests.irv_fixture import IRV_CONTEST, add_irv_contest
from tests.ui.conftest import built_ahead, running_room
from warroom.core.forecast import chance_cell
from warroom.core.types import EXHAUSTED
from warroom.paths import AppPaths
from warroom.ui.irv_panel import DECISIVE

pytestmark = pytest.mark.gui


@pytest.fixture
def irv_room(qtbot, tmp_path: Path) -> Iterator[object]:
    """A war room on a store holding the 12-candidate IRV contest (opened) and the toy SV contest."""
    from tests.ui.conftest import toy_polls
    from warroom.bootstrap import open_store
    from warroom.services.settings import AppSettings
    from warroom.store import contests
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        cid = contests.create_contest(s, TOY)
        repo.add_polls(s, cid, toy_polls())
    add_irv_contest(store)
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    settings.contest = IRV_CONTEST.name
    for room in running_room(qtbot, store, settings, ready="averages"):
        qtbot.waitUntil(lambda room=room: room.irv.view is not None)
        room.db_path = paths.database
        yield room


def _finish(qtbot, room) -> None:
    """Let the coalesced evaluation and the resting break-evens run."""
    qtbot.waitUntil(lambda: room.irv.view is not None and room.irv.view.scenario is room.irv.scenario)


def test_an_irv_contest_shows_the_irv_panel_and_a_runoff_contest_the_runoff_one(qtbot, irv_room) -> None:
    room = irv_room
    win = room.window
    assert win.scenario_scroll.widget() is room.irv_panel
    # the Scenario menu serves the instant-runoff panel (its saved cases, not the runoff ones)
    assert win.scenario_menu.menuAction().isEnabled() and room.scenario_actions.kind == "irv"
    room.poll_service.open_contest(TOY.name)
    assert win.scenario_scroll.widget() is room.scenario_panel
    assert win.scenario_menu.menuAction().isEnabled() and room.scenario_actions.kind == "sv"
    assert not room.irv.active
    room.poll_service.open_contest(IRV_CONTEST.name)
    assert win.scenario_scroll.widget() is room.irv_panel
    qtbot.waitUntil(lambda: room.irv.view is not None)
    # Meeting mode: the answer is the instant-runoff answer page (not the top-two runoff's answer view), the
    # scenario the same panel.
    win.set_presentation_views(["answer", "charts", "scenario"])
    win.enter_presentation()
    try:
        assert win.stack.currentWidget() is room.irv_answer and room.irv_answer.isVisible()
        assert room.irv_answer.verdict.text() == room.irv.view.headline
        assert not room.answer_view.isVisible()
        win.step_view(1)
        assert win.stack.currentWidget() is win.charts
        win.step_view(1)
        assert room.irv_panel.isVisible() and room.irv_panel.parent() is win.present_page
    finally:
        win.leave_presentation()
    assert win.scenario_scroll.widget() is room.irv_panel


def test_rounds_table_is_a_sound_model_and_shows_the_chain(qtbot, qtmodeltester, irv_room) -> None:
    panel, view = irv_room.irv_panel, irv_room.irv.view
    model = panel.rounds_model
    qtmodeltester.check(model)
    assert model.rowCount() == 12 and model.columnCount() == 1 + len(view.run.rounds)
    top = model.codes()[0]
    assert top == "lnp"
    assert model.headerData(0, Qt.Orientation.Vertical) == "Park"
    assert model.data(model.index(0, 0)) == f"{view.run.rounds[0].tallies['lnp']:.1f}"
    assert model.data(model.index(0, len(view.run.rounds))) == chance_cell(view.odds.p_win["lnp"])
    assert model.headerData(len(view.run.rounds), Qt.Orientation.Horizontal) == "Chance"
    third = view.run.eliminations[-1]
    assert third.decisive and third.eliminated == ("alp",)
    row = model.codes().index("alp")
    cell = model.index(row, third.round - 1)
    assert model.data(cell, Qt.ItemDataRole.BackgroundRole).color().name() == "#f4a259"
    assert "Decisive" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert "Nolan ahead of" in panel.headline.text()
    assert "who finishes third" in panel.eliminations.text() and "Reid out" in panel.eliminations.text()
    p_reid = view.odds.p_third["alp"]
    assert "Who finishes third, in the simulated counts: " in panel.eliminations.text()
    assert f"Reid {100 * p_reid:.0f} %" in panel.eliminations.text()


def test_a_transfer_typed_into_the_panel_flips_third_place_and_the_winner(qtbot, irv_room) -> None:
    room = irv_room
    panel = room.irv_panel
    assert room.irv.view.run.winner == "grn"
    panel.picker.setCurrentIndex(panel.picker.findData("ind"))  # the staffer picks Dale's voters
    assert room.irv.row == "ind"
    assert panel.row_box.title().startswith("Where Dale's voters go next")
    assert "ind" not in panel.row_keys() and panel.row_keys()[-1] == EXHAUSTED
    field = panel.lever("grn").field
    assert field.value() == pytest.approx(45.0)
    field.selectAll()
    qtbot.keyClicks(field, "30")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    _finish(qtbot, room)
    scenario = room.irv.scenario
    assert scenario.row("ind")["grn"] == pytest.approx(30.0, abs=0.05)
    assert sum(scenario.row("ind").values()) == pytest.approx(100)
    view = room.irv.view
    assert view.run.eliminations[-1].eliminated == ("grn",)  # the Greens' candidate now finishes third
    assert view.run.winner == "alp"
    assert "Reid ahead of" in panel.headline.text()
    assert "Nolan out" in panel.eliminations.text()
    # The other sliders show the rebalanced row, and every lever still sums to 100.
    shown = {k: panel.lever(k).value() for k in panel.row_keys()}
    assert sum(shown.values()) == pytest.approx(100.0, abs=0.05)
    assert shown["alp"] == pytest.approx(scenario.row("ind")["alp"], abs=0.05)
    # Once the sliders rest, the break-even says what would flip it back.
    qtbot.waitUntil(lambda: "overtakes" in panel.break_even_label.text(), timeout=3000)
    assert "Nolan overtakes Reid" in panel.break_even_label.text()


def test_minor_candidates_are_grouped_under_an_expander(qtbot, irv_room) -> None:
    panel = irv_room.irv_panel
    assert panel.minor_toggle.isVisibleTo(panel)
    assert "Minor candidates (7" in panel.minor_toggle.text()
    assert not panel.minor_box.isVisibleTo(panel)
    panel.minor_toggle.click()
    assert panel.minor_box.isVisibleTo(panel)
    assert panel.lever("dem").isVisibleTo(panel)


def test_panel_and_command_line_give_the_same_numbers(qtbot, irv_room) -> None:
    from warroom.cli import main

    room = irv_room
    panel = room.irv_panel
    panel.picker.setCurrentIndex(panel.picker.findData("ind"))
    panel.lever("grn").slider.setValue(380)  # 38.0 %
    _finish(qtbot, room)
    row = room.irv.scenario.row("ind")
    spec = ",".join(f"{'exhausted' if k == EXHAUSTED else k}:{v!r}" for k, v in row.items() if v > 0)
    out, err = io.StringIO(), io.StringIO()
    argv = ["scenario", "--db", str(room.db_path), "--contest", IRV_CONTEST.name, "--json"]
    code = main([*argv, "--row", f"ind={spec}", "--row-of", "ind"], out=out, err=err)
    assert code == 0, err.getvalue()
    cli = json.loads(out.getvalue())
    view = room.irv.view
    assert cli["winner"] == view.run.winner
    assert cli["p_win"] == {c: round(p, 4) for c, p in view.odds.p_win.items()}
    assert [r["tallies"] for r in cli["rounds"]] == [
        {c: round(x, 3) for c, x in r.tallies.items()} for r in view.run.rounds
    ]
    assert cli["lines"] == view.lines()
    room.irv.compute_break_evens()
    assert [b["text"] for b in cli["break_evens"]] == [b.text for b in room.irv.break_even_list]
    # The printed table too.
    out = io.StringIO()
    assert main([*argv[:-1], "--row", f"ind={spec}"], out=out, err=err) == 0
    text = out.getvalue()
    assert view.lines()[-1] in text
    assert chance_cell(view.odds.p_win["alp"]) in text


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_the_irv_window_is_whole_and_pictured(qtbot, irv_room, tmp_path: Path, width: int, height: int) -> None:
    """A 12-candidate IRV race on a laptop's and a desktop's screen: nothing cropped, every control reachable,
    the candidates named beside the last rounds (where the race is decided) and the decisive exclusion shown."""
    from tests.ui.test_layout import _clipped, _settle, _shot_dir

    room = irv_room
    win = room.window
    _settle(qtbot, win, width, height)
    room.irv.compute_break_evens()
    _settle(qtbot, win, width, height)
    assert (win.width(), win.height()) == (width, height)
    assert _clipped(win) == []
    win.grab().save(str(_shot_dir(tmp_path) / f"irv_main_{width}x{height}.png"))
    table = room.irv_panel.rounds
    assert table.verticalHeader().isVisible()  # the names stay put when the rounds scroll
    bar = table.horizontalScrollBar()
    assert bar.value() == bar.maximum()  # the final rounds and the chances in view
    decisive = table.model().index(table.model().codes().index("alp"), room.irv.view.run.eliminations[-1].round - 1)
    rect = table.visualRect(decisive)
    assert table.viewport().rect().contains(rect), "the decisive exclusion is on screen"
    shot = table.viewport().grab().toImage()  # painted by the panel's CellPainter: the shade, behind the figure
    assert shot.pixelColor(rect.left() + 2, rect.top() + 2).name() == DECISIVE.name()
    # Whole rounds only: no sliver of a round cut at the table's left edge when the rounds scroll.
    viewport = table.viewport().rect()
    for col in range(table.model().columnCount()):
        cell = table.visualRect(table.model().index(0, col))
        if cell.intersects(viewport):
            assert viewport.contains(cell), f"round column {col + 1} is cut at the table's edge"
    # What the shades mean is on screen, not only in a tooltip.
    legend = room.irv_panel.legend
    assert legend.isVisible() and legend.visibleRegion().boundingRect().height() >= legend.height() - 1
    assert "deciding the race" in legend.text() and DECISIVE.name() in legend.text()
    # Every slider and field of the row can be scrolled into view.
    panel = room.irv_panel
    for key in panel.row_keys():
        lever = panel.lever(key)
        if not lever.isVisibleTo(win):
            continue
        win.scenario_scroll.ensureWidgetVisible(lever.field)
        QApplication.processEvents()
        top_left = lever.field.mapTo(win, lever.field.rect().topLeft())
        assert win.rect().contains(top_left) and lever.field.visibleRegion().boundingRect().width() > 0


def test_meeting_mode_shows_the_irv_panel_whole_at_1920x1080(qtbot, irv_room, tmp_path: Path) -> None:
    from tests.ui.test_layout import _clipped, _shot_dir

    room = irv_room
    win = room.window
    room.irv_panel.picker.setCurrentIndex(room.irv_panel.picker.findData("ind"))
    room.irv.compute_break_evens()
    win.set_presentation_views(["scenario"])
    win.enter_presentation()
    try:
        win.setWindowState(Qt.WindowState.WindowNoState)  # the offscreen screen is smaller than a projector
        win.resize(1920, 1080)
        for _ in range(3):
            QApplication.processEvents()
            qtbot.wait(30)
        panel = room.irv_panel
        assert panel.width() >= 1800
        assert _clipped(win) == []
        table = panel.rounds
        win.grab().save(str(_shot_dir(tmp_path) / "meeting_irv_1920x1080.png"))
        assert not table.horizontalScrollBar().isVisible()  # every round fits on a projector
        assert "overtakes" in panel.break_even_label.text()
        win.grab().save(str(_shot_dir(tmp_path) / "meeting_irv_1920x1080.png"))
    finally:
        win.leave_presentation()


def test_a_row_edit_repaints_only_the_rounds_it_changes(qtbot, irv_room) -> None:
    """Dale's row moves votes only from the round after his exclusion: the earlier rounds are not repainted."""
    room = irv_room
    panel = room.irv_panel
    panel.picker.setCurrentIndex(panel.picker.findData("ind"))
    _finish(qtbot, room)
    out_round = next(e.round for e in room.irv.view.run.eliminations if "ind" in e.eliminated)
    changed: list[tuple[int, int, int, int]] = []
    panel.rounds_model.dataChanged.connect(
        lambda a, b, _roles=(): changed.append((a.row(), a.column(), b.row(), b.column()))
    )
    with qtbot.waitSignal(room.irv.view_ready, timeout=2000):
        panel.lever("alp").slider.setValue(panel.lever("alp").slider.value() + 50)
    assert changed, "the later rounds and the chances changed"
    assert all(first_col >= out_round for _r, first_col, _r2, _c2 in changed)  # column k is round k + 1
    last = room.irv.view.run.rounds
    assert max(c2 for *_x, c2 in changed) == len(last)  # ...up to the chances column
    assert all((r1, c1) == (r2, c2) for r1, c1, r2, c2 in changed)  # a cell at a time, never a range


def test_changed_cells_are_exactly_the_changed_cells() -> None:
    from warroom.ui.irv_panel import _changed_cells

    def cells(grid: list[str]) -> list[list[tuple[str, ...]]]:
        return [[(ch,) for ch in row] for row in grid]

    old = cells(["aaaa", "aaaa", "aaaa", "aaaa"])
    new = cells(["aaab", "abab", "aaaa", "abab"])
    assert _changed_cells(old, new) == [(0, 3), (1, 1), (1, 3), (3, 1), (3, 3)]  # (row, column)
    assert _changed_cells(old, old) == []


def test_a_move_paints_every_changed_cell_and_no_other(qtbot, irv_room) -> None:
    """Drag Dale's row: on each move the table's painter draws exactly the cells whose figures, shade or weight
    changed, in the same event-loop turn as the move (the outputs are never a turn behind the sliders), and
    every cell then shows the model's figure for the controller's view."""
    from warroom.ui.irv_panel import CellPainter, RoundsModel

    room = irv_room
    panel = room.irv_panel
    panel.picker.setCurrentIndex(panel.picker.findData("ind"))
    _finish(qtbot, room)
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(20)
    model = panel.rounds_model
    painted: list[tuple[int, int]] = []

    class Recording(CellPainter):
        def paint(self, painter, option, index) -> None:  # type: ignore[no-untyped-def]
            painted.append((index.row(), index.column()))
            super().paint(painter, option, index)

    panel.rounds.setItemDelegate(Recording(model, panel.rounds))
    built_ahead(room)  # (its build, in a move's turn on a loaded machine, relaid the window out: a paint of every cell)
    room.irv._resting.setInterval(600_000)  # a slow machine must not see the break-evens (and their relayout) land
    values = (300, 420, 150, 520, 260, 480, 200)
    for i, value in enumerate(values):  # once unwatched: the text panes take the lines these moves need
        panel.lever(("grn", "alp", "lnp")[i % 3]).slider.setValue(value)
        QApplication.processEvents()
    for _ in range(5):  # and the panel's layout settles (a relayout moves widgets over the table: a repaint)
        QApplication.processEvents()
        qtbot.wait(20)
    flips = 0
    for i, value in enumerate(values):
        before = [list(row) for row in model._cells]
        winner = room.irv.view.run.winner
        painted.clear()
        panel.lever(("grn", "alp", "lnp")[i % 3]).slider.setValue(value)
        QApplication.processEvents()  # one turn: the evaluation, then one paint of everything it changed
        assert room.irv.view.scenario is room.irv.scenario
        changed = {(r, c) for r, row in enumerate(model._cells) for c, cell in enumerate(row) if cell != before[r][c]}
        assert changed, i
        assert sorted(painted) == sorted(changed), (i, sorted(set(painted) - changed), sorted(changed - set(painted)))
        flips += room.irv.view.run.winner != winner
        view = room.irv.view
        fresh = RoundsModel()
        fresh.set_view(view)
        assert model._cells == fresh._cells, i  # the columns kept from the last view are this view's, to the tooltip
        for r, code in enumerate(model.codes()):
            shown = model.data(model.index(r, model.columnCount() - 1))
            assert shown == chance_cell(view.odds.p_win[code])
            for k, rnd in enumerate(view.run.rounds):
                tally = rnd.tallies.get(code)
                assert model.data(model.index(r, k)) == ("" if tally is None else f"{tally:.1f}")
    assert flips, "the drag flips the winner: whole rows change weight, and are repainted"


def test_a_winner_flip_leaves_the_names_alone(qtbot, irv_room) -> None:
    """The names (row headers) do not change when the winner does: a header change made Qt repaint the whole
    table, headers and all; the winner's row is bold in its cells."""
    room = irv_room
    panel = room.irv_panel
    panel.picker.setCurrentIndex(panel.picker.findData("ind"))
    _finish(qtbot, room)
    headers: list[object] = []
    panel.rounds_model.headerDataChanged.connect(lambda *a: headers.append(a))
    before = room.irv.view.run.winner
    lever = panel.lever("grn")
    for value in (0, 1000):
        lever.field.setValue(value / 10)
        lever.field.editingFinished.emit()
        _finish(qtbot, room)
        if room.irv.view.run.winner != before:
            break
    assert room.irv.view.run.winner != before, "Dale's voters decide the race"
    assert headers == []
    model = panel.rounds_model
    row = model.codes().index(room.irv.view.run.winner)
    assert model.data(model.index(row, 0), Qt.ItemDataRole.FontRole).bold()


def test_the_ballots_button_takes_rows_from_last_elections_ballots(
    qtbot, irv_room, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    room = irv_room
    panel = room.irv_panel
    path = tmp_path / "riverton_2022.csv"
    path.write_text("count,p1,p2\n60,Dee Moss,Park\n30,Dee Moss,Nolan\n10,Dee Moss,\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "Ballot CSV files (*.csv)"))
    with qtbot.waitSignal(room.irv.notice, timeout=2000):
        panel.ballots_button.click()
    _finish(qtbot, room)
    assert room.irv.scenario.row("dem")["lnp"] == pytest.approx(60)
    assert "from 100 ballots in riverton_2022.csv" in room.window.statusBar().currentMessage()
    assert "ballots in riverton_2022.csv" in panel.basis.text()
    panel.picker.setCurrentIndex(panel.picker.findData("dem"))
    assert panel.lever("lnp").value() == pytest.approx(60.0)


def test_an_irv_contest_without_polls_shows_nothing_of_the_last_one(qtbot, irv_room) -> None:
    from dataclasses import replace

    room = irv_room
    panel = room.irv_panel
    assert panel.rounds_model.rowCount() == 12
    empty = replace(IRV_CONTEST, name="Riverton Mayor 2030", transfer_prior="")
    room.poll_service.create_contest(empty)  # opens it
    qtbot.waitUntil(lambda: room.poll_service.contest is not None and room.poll_service.contest.name == empty.name)
    assert win_shows_irv(room)
    assert room.irv.view is None
    assert panel.rounds_model.rowCount() == 0
    assert panel.headline.text() == "No poll of Riverton Mayor 2030 with first-round figures yet"
    assert panel.row_keys() == [] and panel.picker.count() == 0
    room.poll_service.open_contest(IRV_CONTEST.name)
    qtbot.waitUntil(lambda: room.irv.view is not None)
    assert panel.rounds_model.rowCount() == 12 and "Nolan ahead of" in panel.headline.text()
    assert panel.picker.count() > 12  # the candidates, and a line above the minor ones


def win_shows_irv(room) -> bool:
    return room.window.scenario_scroll.widget() is room.irv_panel


def test_choosing_a_past_count_gives_the_rows_no_poll_publishes(qtbot, irv_room) -> None:
    """The contest's transfer prior (a past IRV count in the store) sets the rows, through the app's own wiring."""
    from dataclasses import replace
    from datetime import date

    from warroom.core.types import OfficialResult
    from warroom.store import contests

    room = irv_room
    stood = tuple(c for c in IRV_CONTEST.candidates if c.code in {"lnp", "grn", "alp", "dem"})
    past = replace(IRV_CONTEST, name="Riverton Mayor 2022", election_date=date(2022, 6, 4), candidates=stood)
    with room.store.sessions.begin() as s:
        pid = contests.create_contest(s, past)
        contests.set_official_result(
            s,
            pid,
            OfficialResult(
                first_round={"lnp": 340, "grn": 250, "alp": 240, "dem": 40},
                final_round={"lnp": 430, "grn": 420},
                transfers=(("dem", "lnp", 10), ("dem", "alp", 20), ("dem", EXHAUSTED, 10), ("alp", "grn", 260)),
            ),
        )
    room.poll_service.open_contest(IRV_CONTEST.name)
    qtbot.waitUntil(lambda: room.irv.view is not None)
    assert room.irv.scenario.row("dem")["alp"] != pytest.approx(50)
    room.preferences.set_transfer_prior(past.name)
    qtbot.waitUntil(lambda: room.irv.case is not None and room.irv.case.sources.get("dem") == "past count")
    row = room.irv.scenario.row("dem")
    assert (row["lnp"], row["alp"], row[EXHAUSTED]) == pytest.approx((25, 50, 25))
    assert room.irv.case.sources["alp"] == "polls"  # the latest poll's published row still wins
    assert "from the past count for Moss" in room.irv_panel.basis.text()


def test_the_dock_follows_the_counting_system_across_sv_two_round_and_irv(qtbot, tmp_path: Path) -> None:
    """One scenario panel at a time, whatever order the contests are opened in: SV, two-round, instant runoff."""
    from warroom.bootstrap import open_store
    from warroom.demo import DEMO_NAME, FRANCE_2022_NAME
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)  # London and France
    add_irv_contest(store)
    for room in running_room(qtbot, store, open_settings(paths), ready="averages"):
        win = room.window
        for name, panel in (
            (IRV_CONTEST.name, room.irv_panel),
            (FRANCE_2022_NAME, room.two_round_panel),
            (IRV_CONTEST.name, room.irv_panel),
            (DEMO_NAME, room.scenario_panel),
            (FRANCE_2022_NAME, room.two_round_panel),
            (DEMO_NAME, room.scenario_panel),
            (IRV_CONTEST.name, room.irv_panel),
        ):
            room.poll_service.open_contest(name)
            qtbot.waitUntil(lambda panel=panel, win=win: win.scenario_scroll.widget() is panel, timeout=5000)
            others = {room.irv_panel, room.two_round_panel, room.scenario_panel} - {panel}
            assert all(not w.isVisible() for w in others), name
        qtbot.waitUntil(lambda room=room: "Nolan ahead of" in room.irv_panel.headline.text(), timeout=5000)


def test_full_preferential_race_disables_the_exhausted_slider_and_says_why(qtbot, irv_room) -> None:
    from dataclasses import replace

    from warroom.core.types import Rules
    from warroom.ui.irv_panel import FULL_PREFERENTIAL_TIP

    room = irv_room
    panel = room.irv_panel
    panel.picker.setCurrentIndex(panel.picker.findData("alp"))
    assert panel.lever(EXHAUSTED).isEnabled()  # optional preferential: exhaustion is a lever like the others
    contest = room.poll_service.contest
    room.poll_service.update_contest(replace(contest, rules=Rules(finalists="elimination", full_preferential=True)))
    qtbot.waitUntil(lambda: room.irv.scenario is not None and room.irv.scenario.full_preferential)
    _finish(qtbot, room)
    panel.picker.setCurrentIndex(panel.picker.findData("ind"))
    lever = panel.lever(EXHAUSTED)
    assert not lever.isEnabled() and lever.value() == 0.0
    assert lever.slider.toolTip() == FULL_PREFERENTIAL_TIP and "no vote exhausts" in FULL_PREFERENTIAL_TIP
    assert EXHAUSTED not in panel.row_keys()
    assert all(room.irv.scenario.row(c)[EXHAUSTED] == 0 for c in room.irv.scenario.codes)
    # moving a slider rebalances the candidates only; the count stays free of exhaustion
    field = panel.lever("grn").field
    field.selectAll()
    qtbot.keyClicks(field, "30")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    _finish(qtbot, room)
    row = room.irv.scenario.row("ind")
    assert row["grn"] == pytest.approx(30.0, abs=0.05) and row[EXHAUSTED] == 0
    assert sum(panel.lever(k).value() for k in panel.row_keys()) == pytest.approx(100.0, abs=0.05)
    assert room.irv.view.run.exhausted == 0


def test_the_runoff_lead_chart_shows_the_chains_final_pair(qtbot, irv_room) -> None:
    room = irv_room
    charts = room.window.charts
    view = room.irv.view
    a, b = view.run.final_pair
    names = room.irv.case.names
    plot = charts.plots["lead2"]
    qtbot.waitUntil(lambda: plot.titleLabel.text.startswith("Instant-runoff final pair"))
    assert f"{names[a]} minus {names[b]}" in plot.titleLabel.text
    assert "elimination chain ends with" in plot.titleLabel.toolTip()
    # the line ends on the panel's final margin (the count runs to the last two here), one point a poll
    _x, mean = charts.curve_data("lead2")
    assert len(view.run.rounds[-1].tallies) == 2
    assert mean[-1] == pytest.approx(view.run.final_margin, abs=1e-6)
    assert len(charts.point_data("lead2")[1]) == len(room.poll_service.polls)
    assert len(charts.point_data("lead2_implied")[1]) == 0  # no top-two "implied by transfers" points
    legend = [label.text for _sample, label in charts.legends()["lead2"].items]
    assert "each poll, counted through the chain" in legend and "published head-to-head" not in legend
    assert not any(name.startswith("90 %") for name in legend)  # no band is drawn, so none is named
    # the poll table's runoff column names the same pair as the chart, not the first round's top two
    model = room.window.polls_pane.model
    last = model.columnCount() - 1
    header = model.headerData(last, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    assert model._pair == (a, b) and header.startswith("Runoff ")
    room.window.show_averages(room.poll_service.polls, room.averages.averages)  # an average lands again
    assert model._pair == (a, b)
    # a runoff contest gets its top-two chart back, without the instant-runoff account
    room.poll_service.open_contest(TOY.name)
    qtbot.waitUntil(lambda: plot.titleLabel.text.startswith("Runoff lead"))
    assert plot.titleLabel.toolTip() == ""
    legend = [label.text for _sample, label in charts.legends()["lead2"].items]
    assert "published head-to-head" in legend and "each poll, counted through the chain" not in legend


def test_a_slider_move_repaints_the_outputs_but_not_the_boxes_behind_them(qtbot, irv_room) -> None:
    """Every output is repainted on a move (the rounds, the headline, the eliminations), but the lever rows and
    text panes are opaque: the group boxes and the panel behind them are not repainted with them."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QGroupBox

    room = irv_room
    panel = room.irv_panel
    with qtbot.waitSignal(room.irv.break_evens_ready, timeout=5000):  # they follow once the sliders rest
        panel.picker.setCurrentIndex(panel.picker.findData("ind"))
    _finish(qtbot, room)
    for _ in range(5):  # the relayout their text asks for, painted before the move is watched
        QApplication.processEvents()
        qtbot.wait(20)

    class Paints(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.seen: dict[str, int] = {}

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.seen[watched.objectName()] = self.seen.get(watched.objectName(), 0) + 1
            return False

    paints = Paints()
    watched = [
        panel,
        panel.findChild(QGroupBox, "irv_outputs"),
        panel.row_box,
        panel.headline,
        panel.eliminations,
        panel.rounds.viewport(),
    ]
    panel.rounds.viewport().setObjectName("irv_rounds_viewport")
    for widget in watched:
        widget.installEventFilter(paints)
    lever = panel.lever("alp")
    with qtbot.waitSignal(room.irv.view_ready, timeout=2000):
        lever.slider.setValue(lever.slider.value() + 40)
    QApplication.processEvents()
    for widget in watched:
        widget.removeEventFilter(paints)
    assert {"irv_headline", "irv_eliminations", "irv_rounds_viewport"} <= set(paints.seen), paints.seen
    assert not {"irv_panel", "irv_outputs", "irv_row_box"} & set(paints.seen), paints.seen


def _pixels(widget) -> np.ndarray:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QImage, QPainter

    image = QImage(widget.size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    widget.render(painter, QPoint(0, 0))
    painter.end()
    return np.frombuffer(bytes(image.constBits()), dtype=np.uint8).astype(np.int16)


@pytest.mark.parametrize(
    ("width", "enabled", "inverted", "rtl"),
    [(538, True, False, False), (120, True, False, False), (300, False, True, False), (300, True, False, True)],
)
def test_the_levers_slider_paints_what_fusion_paints(
    qtbot, width: int, enabled: bool, inverted: bool, rtl: bool
) -> None:
    """The lever rows' slider draws its bare groove from a picture and only the rest through the style: what it
    shows must be Fusion's own drawing, value after value (to one level of a channel: the picture's rounding)."""
    from PySide6.QtWidgets import QSlider

    from warroom.ui.irv_panel import GrooveCachedSlider

    plain, cached = QSlider(Qt.Orientation.Horizontal), GrooveCachedSlider(Qt.Orientation.Horizontal)
    for slider in (plain, cached):
        qtbot.addWidget(slider)
        slider.setRange(0, 1000)
        slider.resize(width, 15)
        slider.setEnabled(enabled)
        slider.setInvertedAppearance(inverted)
        if rtl:  # the highlight then runs from the right
            slider.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    for value in (*range(0, 1001, 37), 1000):
        plain.setValue(value)
        cached.setValue(value)
        assert np.abs(_pixels(plain) - _pixels(cached)).max() <= 1, value
    assert cached._exact  # the quick path held


def test_the_levers_slider_falls_back_to_the_style_when_its_drawing_differs(qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QSlider

    from warroom.ui.irv_panel import GrooveCachedSlider

    plain, cached = QSlider(Qt.Orientation.Horizontal), GrooveCachedSlider(Qt.Orientation.Horizontal)
    for slider in (plain, cached):
        qtbot.addWidget(slider)
        slider.setRange(0, 1000)
        slider.resize(300, 15)
        slider.setValue(420)
    monkeypatch.setattr(GrooveCachedSlider, "_draw", lambda self, painter, opt: None)  # a drawing that is wrong
    assert (_pixels(plain) == _pixels(cached)).all()  # checked against Fusion, refused: Fusion paints it
    assert not cached._exact
