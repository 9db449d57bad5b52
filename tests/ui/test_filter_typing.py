"""Typing in the poll table's filter box filters once the keys pause, and no turn makes every row's search text.

At 100,000 polls each keystroke re-filtered every row on the GUI thread, and the first one also made every row's
search text: typing "Pollster 1" held the window 1.6 s (benchmarks/bench_menu_stalls.py, load 2-4). Now a burst of
keys is one filter (MainWindow.FILTER_PAUSE_MS after the last), the search texts are made a few thousand a turn
from the first key on, and emptying the box or Enter applies at once.
"""

from __future__ import annotations

from dataclasses import replace

import warroom.ui.main_window as main_window
from tests.conftest import TOY, make_poll
from warroom.ui.main_window import PollsPane
from warroom.ui.poll_table import POLL_ROLE

WARM_ROWS = getattr(main_window, "FILTER_WARM_ROWS", 3000)  # (rows made a turn; 3,000 when written)


def _pane(qtbot, rows: int) -> PollsPane:  # type: ignore[no-untyped-def]
    pane = PollsPane()
    qtbot.addWidget(pane)
    pane.model.set_contest(TOY)
    pane.model.set_polls(
        [
            replace(make_poll(1 + i % 27, pollster=("Gamma" if i % 4 == 0 else "Delta"), n=900 + i), id=i + 1)
            for i in range(rows)
        ]
    )
    pane.show()
    return pane


def _pollsters(pane: PollsPane) -> set[str]:
    proxy = pane.proxy
    return {proxy.index(r, 0).data(POLL_ROLE).pollster for r in range(proxy.rowCount())}


def test_a_burst_of_keys_is_one_filter(qtbot) -> None:
    pane = _pane(qtbot, 400)
    relayouts: list[int] = []
    pane.proxy.sourceModel().layoutChanged.connect(lambda *_a: relayouts.append(1))
    qtbot.keyClicks(pane.filter, "gamma")
    assert relayouts == []  # (before: one re-filter of every row per key, five here)
    qtbot.waitUntil(lambda: len(relayouts) == 1, timeout=3000)
    assert _pollsters(pane) == {"Gamma"} and pane.proxy.rowCount() == 100
    qtbot.wait(200)
    assert len(relayouts) == 1
    pane.filter.clear()  # emptied: at once
    assert len(relayouts) == 2 and pane.proxy.rowCount() == 400


def test_no_turn_makes_every_rows_search_text(qtbot) -> None:
    pane = _pane(qtbot, 3 * WARM_ROWS + 10)
    qtbot.keyClick(pane.filter, "g")
    assert not pane.proxy.warm_filter(0)  # the key's own turn made none (before: all of them, 1 s at 100,000)
    qtbot.waitUntil(lambda: pane.proxy.warm_filter(0), timeout=5000)
    qtbot.waitUntil(lambda: not pane.filter_pending(), timeout=5000)
    assert _pollsters(pane) == {"Gamma"}


def test_enter_filters_at_once(qtbot) -> None:
    pane = _pane(qtbot, 400)
    qtbot.keyClicks(pane.filter, "delta")
    assert pane.proxy.rowCount() == 400
    qtbot.keyClick(pane.filter, "\r")
    assert pane.proxy.rowCount() == 300 and not pane.filter_pending()
