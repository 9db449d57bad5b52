"""Issue 15 at scale, the whole window: after an import (merged on the worker, swapped in), an edit that moves a
poll and a delete, on a store big enough that averages come from the worker thread, the poll table's rows, their
order and the selection, and every chart, are what a window opened afresh on the same store shows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel

from tests.conftest import TOY
from tests.ui.conftest import running_room
from tests.ui.test_import_worker import write_csv
from warroom.core.types import Poll
from warroom.paths import AppPaths
from warroom.services.analysis_service import BACKGROUND_FROM
from warroom.ui.poll_table import POLL_ROLE

pytestmark = pytest.mark.gui

N = BACKGROUND_FROM + 400  # averages on the worker thread, as at 100,000 polls
SERIES = ("ann", "bob", "cat", "lead1")


DAYS = 3203
"""Days the polls' fieldwork ends are spread over, one poll a day at most: a table sorted by fieldwork has one
right order (with ties, an edited row goes where a stable re-sort puts it, which a reload need not)."""
START = date(2015, 1, 1)


def _day(k: int) -> date:
    """The k-th fieldwork end of a scattered sequence over DAYS days (3,203 is prime: no repeats)."""
    return START + timedelta(days=(k * 37) % DAYS)


def _polls(n: int, first: int = 0, house: str = "House") -> list[Poll]:
    """n polls of the toy contest, the (first + i)-th scattered day each."""
    out = []
    for i in range(n):
        end = _day(first + i)
        a = 40 + i % 9
        out.append(
            Poll(
                pollster=f"{house} {i % 11}",
                fieldwork_start=end - timedelta(days=2),
                fieldwork_end=end,
                sample_size=800 + i % 900,
                first_round={"ann": a, "bob": 44 - i % 5, "cat": 100 - a - (44 - i % 5)},
            )
        )
    return out


def _open(qtbot: Any, folder: Path, polls: list[Poll] | None) -> Iterator[Any]:
    """A war room on the store under `folder` (made with `polls` when given), its first averages in."""
    from warroom.bootstrap import open_store
    from warroom.services.settings import open_settings
    from warroom.store import polls as repo

    paths = AppPaths.under(folder)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    if polls is not None:
        with store.sessions.begin() as s:
            repo.add_polls(s, repo.add_contest(s, TOY), polls)
    yield from running_room(qtbot, store, open_settings(paths), ready="averages")


def _settled(qtbot: Any, room: Any) -> None:
    """The writes stored, the latest average landed on the charts and every series handed its points."""
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=20000)
    qtbot.waitUntil(lambda: not room.averages.busy and room.averages.averages is not None, timeout=20000)
    qtbot.waitUntil(lambda: not room.window.charts.paint_held, timeout=5000)
    room.window.charts.settle_points()


def _table(room: Any) -> list[int]:
    proxy = room.window.polls_pane.proxy
    return [proxy.data(proxy.index(r, 0), POLL_ROLE).id for r in range(proxy.rowCount())]


def _selected(room: Any) -> list[int]:
    pane = room.window.polls_pane
    return sorted(pane.proxy.data(i, POLL_ROLE).id for i in pane.view.selectionModel().selectedRows())


def _select(room: Any, ids: list[int]) -> None:
    pane = room.window.polls_pane
    selection = pane.view.selectionModel()
    selection.clearSelection()
    for pid in ids:
        index = pane.proxy.mapFromSource(pane.model.index(pane.model.row_of(pid) or 0, 0))
        selection.select(index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)


def _same_as_a_reload(qtbot: Any, room: Any, folder: Path) -> None:
    """The room shows what a window opened afresh on its store shows (table order, every chart)."""
    gen = _open(qtbot, folder, None)
    fresh = next(gen)
    try:
        _settled(qtbot, fresh)
        assert _table(room) == _table(fresh)
        for key in SERIES:
            for ours, theirs in zip(
                room.window.charts.point_data(key), fresh.window.charts.point_data(key), strict=True
            ):
                np.testing.assert_array_equal(ours, theirs, err_msg=key)
            for ours, theirs in zip(
                room.window.charts.curve_data(key), fresh.window.charts.curve_data(key), strict=True
            ):
                np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9, err_msg=key)
    finally:
        gen.close()


def test_an_import_an_edit_and_a_delete_at_scale_leave_the_window_as_a_full_reload(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "room"
    gen = _open(qtbot, folder, _polls(N))
    room = next(gen)
    try:
        _settled(qtbot, room)
        first_ids = _table(room)
        chosen = [first_ids[5], first_ids[900], first_ids[901]]
        _select(room, chosen)

        # an import of polls scattered through the campaign (a merge, not a block at one end)
        imported = _polls(700, first=N, house="Panel")
        room.window.show_error = lambda message: pytest.fail(message)  # (not a modal box waiting for a click)
        with qtbot.waitSignal(room.import_worker.import_finished, timeout=60000) as done:
            room.import_actions.import_file(write_csv(room, tmp_path / "more.csv", imported))
        report = done.args[0]
        assert len(report.added) == 700
        assert report.order is not None  # merged into the service's order on the worker thread ...
        assert room.poll_service.polls == report.order.ordered  # ... and taken as it was
        _settled(qtbot, room)
        assert _selected(room) == sorted(chosen)  # the selection stayed on its polls
        assert len(_table(room)) == N + 700
        _same_as_a_reload(qtbot, room, folder)

        # an edit that moves the selected poll to another day: its row moves and stays selected
        pid = chosen[1]
        poll = room.poll_service.poll(pid)
        _select(room, [pid])
        end = _day(N + 700)  # a day no poll ends on
        moved = replace(poll, fieldwork_start=end - timedelta(days=2), fieldwork_end=end, sample_size=2999)
        row_before = _table(room).index(pid)
        room.poll_service.update_poll(moved)
        _settled(qtbot, room)
        assert _table(room).index(pid) != row_before
        assert _selected(room) == [pid]
        _same_as_a_reload(qtbot, room, folder)

        # a delete of another poll, the selection untouched
        gone = chosen[0]
        room.poll_service.delete_polls([gone])
        _settled(qtbot, room)
        assert gone not in _table(room)
        assert _selected(room) == [pid]
        _same_as_a_reload(qtbot, room, folder)
    finally:
        gen.close()


def _key_labels(panel: Any) -> list[str]:
    return [label.text for _sample, label in panel.legends()["lead1"].items]


def test_on_screen_the_pollster_keys_and_points_arrive_over_several_turns_as_off_screen_at_once(
    qtbot, monkeypatch
) -> None:
    """On screen a big contest's landing is spread over event-loop turns (each a few milliseconds: the pollster
    keys, and each series' marker pictures drawn before its points are handed over); what arrives is exactly
    what an off-screen panel (an export) makes at once."""
    import warroom.ui.charts as charts
    from tests.ui.test_scale_repaint import SERIES as SCATTERED
    from warroom.core.pipeline import compute_averages
    from warroom.ui.charts import ChartPanel

    polls = [replace(p, id=i + 1) for i, p in enumerate(_polls(1500))]  # eleven houses: eleven keys
    averages = compute_averages(polls, TOY)
    off = ChartPanel()
    qtbot.addWidget(off)
    off.resize(1366, 768)
    off.set_contest(TOY)
    off.show_data(polls, averages)
    monkeypatch.setattr(charts, "RELEASE_BUDGET_S", 0.0)  # one key, one series' pictures a turn
    turns: list[int] = []
    real = ChartPanel._add_pending_keys
    monkeypatch.setattr(ChartPanel, "_add_pending_keys", lambda self: (turns.append(1), real(self))[1])
    on = ChartPanel()
    qtbot.addWidget(on)
    on.resize(1366, 768)
    on.show()
    qtbot.waitExposed(on)
    on.set_contest(TOY)
    on.show_data(polls, averages)
    qtbot.waitUntil(lambda: _key_labels(on) == _key_labels(off) and not on._unreleased, timeout=10000)
    assert len(_key_labels(off)) == 11 and len(turns) >= 11  # a key a turn
    for key in SCATTERED:
        for ours, theirs in zip(on.point_data(key), off.point_data(key), strict=True):
            np.testing.assert_array_equal(ours, theirs)
        drawn = on._first.get(key, on._lead1).layer.item.data  # type: ignore[union-attr]
        assert len(drawn) and (drawn["sourceRect"]["w"] > 0).all()  # every point handed over has its picture
