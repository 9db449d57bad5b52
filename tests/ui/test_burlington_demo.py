"""The Burlington 2009 instant-runoff demo, tried as a new user would: picked in a new store's window, the IRV
panel runs the race from the 2009 ballots (no polls were published), the city's rounds come out (Kiss beats
Wright in the final round, Montroll's exclusion is flagged decisive), and `warroom scenario` prints the same."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import running_room
from warroom.core.forecast import chance_cell
from warroom.demo import IRV_DEMO_NAME, LONDON_2012, burlington_official
from warroom.paths import AppPaths

pytestmark = pytest.mark.gui


@pytest.fixture
def burlington_room(qtbot, tmp_path: Path) -> Iterator[object]:
    """A new store's war room (it opens on London 2012), then Burlington picked through the poll service."""
    from warroom.bootstrap import open_store
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    for room in running_room(qtbot, store, open_settings(paths)):
        assert room.poll_service.contest.name == LONDON_2012.name  # a new store still opens on London
        room.poll_service.open_contest(IRV_DEMO_NAME)
        qtbot.waitUntil(lambda room=room: room.irv.view is not None, timeout=20000)
        room.db_path = paths.database
        yield room


@pytest.fixture
def burlington_start(qtbot, tmp_path: Path) -> Iterator[object]:
    """A new store's war room started on Burlington (the contest remembered from last time), as pictured."""
    from warroom.bootstrap import open_store
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    settings = open_settings(paths)
    settings.contest = IRV_DEMO_NAME
    yield from running_room(qtbot, store, settings, ready="irv")


def _official() -> tuple[list[dict[str, float]], list[set[str]]]:
    """The city's rounds as percentages of the first-round valid vote, by code, and who each round excluded."""
    from warroom.demo import BURLINGTON_2009

    code = {c.name: c.code for c in BURLINGTON_2009.candidates}
    rounds = burlington_official()["rounds"]
    valid = sum(rounds[0]["tallies"].values())
    tallies = [{code[n]: 100 * v / valid for n, v in r["tallies"].items()} for r in rounds]
    return tallies, [{code[n] for n in r["eliminated"]} for r in rounds]


def test_burlington_opens_on_the_irv_panel_and_runs_the_citys_rounds(qtbot, burlington_room) -> None:
    room = burlington_room
    win, panel, view = room.window, room.irv_panel, room.irv.view
    assert win.scenario_scroll.widget() is panel
    assert "<b>2009 ballots; no polls</b>" in panel.basis.text()
    assert "from the 2009 ballots for" in panel.basis.text()
    tallies, out = _official()
    run = view.run
    assert len(run.rounds) == 3
    assert run.rounds[0].tallies == pytest.approx(tallies[0], abs=1e-9)  # first preferences: to the vote
    assert [set(r.eliminated) for r in run.rounds] == out  # the city's exclusions, batch and all
    for ours, city in zip(run.rounds[1:], tallies[1:], strict=True):
        # Later rounds move votes by the ballots' next-preference rows (each candidate's first-preference voters'
        # next choice), not paper by paper, so they come within a point of the city's, not to the vote.
        assert ours.tallies == pytest.approx(city, abs=1.0)
    assert run.winner == "kiss" and run.rounds[-1].tallies["kiss"] > run.rounds[-1].tallies["wright"]
    decisive = [e for e in run.eliminations if e.decisive]
    assert [e.eliminated for e in decisive] == [("montroll",)] and decisive[0].survivor == "kiss"
    model = panel.rounds_model
    cell = model.index(model.codes().index("montroll"), decisive[0].round - 1)
    assert "Decisive" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert "Kiss ahead of Wright" in panel.headline.text()
    assert "Montroll out" in panel.eliminations.text()


def test_warroom_scenario_on_burlington_prints_the_panels_numbers(qtbot, burlington_room) -> None:
    from warroom.cli import main

    room = burlington_room
    view = room.irv.view
    argv = ["scenario", "--db", str(room.db_path), "--contest", IRV_DEMO_NAME]
    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, "--json"], out=out, err=err) == 0, err.getvalue()
    cli = json.loads(out.getvalue())
    assert cli["baseline"] == room.irv.case.label == "2009 ballots; no polls"
    assert cli["headline"] == view.headline == room.irv_panel.headline.text()  # one headline, one function
    assert " wins" not in cli["headline"]  # the words follow the chance (issue 14), never "wins"
    # the favourite's chance in the headline is the figure in the table's Chance column
    favourite = max(view.odds.p_win, key=view.odds.p_win.__getitem__)
    model = room.irv_panel.rounds_model
    cell = model.data(model.index(model.codes().index(favourite), model.columnCount() - 1))
    assert f"{view.name(favourite)} {cell}" in cli["headline"] or f"({cell} chance)" in cli["headline"]
    assert cli["row_sources"] == dict(room.irv.case.sources)
    assert cli["winner"] == view.run.winner == "kiss"
    assert [r["tallies"] for r in cli["rounds"]] == [
        {c: round(x, 3) for c, x in r.tallies.items()} for r in view.run.rounds
    ]
    assert cli["p_win"] == {c: round(p, 4) for c, p in view.odds.p_win.items()}
    assert cli["lines"] == view.lines()
    out = io.StringIO()
    assert main(argv, out=out, err=err) == 0
    text = out.getvalue()
    assert text.startswith(f"{IRV_DEMO_NAME}: instant runoff from the 2009 ballots; no polls")
    assert view.lines()[-1] in text and chance_cell(view.odds.p_win["kiss"]) in text


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_the_burlington_window_is_whole_and_pictured(
    qtbot, burlington_start, tmp_path: Path, width: int, height: int
) -> None:
    """On a laptop's and a desktop's screen: nothing cropped, and Montroll's decisive exclusion in view."""
    from tests.ui.test_layout import _clipped, _settle, _shot_dir

    room = burlington_start
    win = room.window
    assert room.poll_service.contest.name == IRV_DEMO_NAME
    _settle(qtbot, win, width, height)
    room.irv.compute_break_evens()
    _settle(qtbot, win, width, height)
    assert (win.width(), win.height()) == (width, height)
    assert _clipped(win) == []
    win.grab().save(str(_shot_dir(tmp_path) / f"burlington_main_{width}x{height}.png"))
    table = room.irv_panel.rounds
    model = table.model()
    decisive = room.irv.view.run.eliminations[-1]
    rect = table.visualRect(model.index(model.codes().index("montroll"), decisive.round - 1))
    assert table.viewport().rect().contains(rect), "the decisive exclusion is on screen"
    assert room.irv_panel.break_even_label.isVisibleTo(win)
    QApplication.processEvents()
