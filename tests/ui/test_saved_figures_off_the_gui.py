"""Scenario > Compare and File > Briefing PDF work out the saved cases' figures on a worker thread.

Each saved case is read back from its record (100,000 poll ids at 100,000 polls) and checked against today's
polls (its baseline rebuilt from every poll): 20 saved cases held the window 3.0 s for Compare and 3.2 s for the
briefing (benchmarks/bench_menu_stalls.py, 100,000 polls, load 4.9). Now both return at once, the figures land
from a worker (library.start_saved_figures, with a progress dialog past 0.4 s that cancels them), and the dialog
or the PDF follows with the same figures as worked out on the spot.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

import warroom.ui.actions as actions_module
from warroom.core.pipeline import SavedScenario


def _spy_reads(monkeypatch, hold: threading.Event | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    """The threads the saved records are read on (SavedScenario.from_dicts); `hold`: each read waits for it."""
    threads: list[str] = []
    read = SavedScenario.from_dicts

    def spied(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        if hold is not None:
            hold.wait(5)  # (before the fix this ran on the GUI thread: the wait timed out)
        return read(*args, **kwargs)

    monkeypatch.setattr(SavedScenario, "from_dicts", classmethod(spied))
    return threads


def _saved(room, qtbot, *names: str) -> None:  # type: ignore[no-untyped-def]
    for name in names:
        room.scenario_actions.save_as(name)
    qtbot.waitUntil(lambda: len(room.scenarios.saved()) == len(names), timeout=5000)


def _idle(room) -> bool:  # type: ignore[no-untyped-def]
    return getattr(room.scenario_actions, "figuring", None) is None


def test_compare_works_out_the_saved_cases_off_the_gui_thread(room, qtbot, monkeypatch) -> None:
    _saved(room, qtbot, "Plan A", "Plan B")
    expected = [(c.name, c.projection.margin, c.today) for c in room.scenario_actions.columns()]
    shown: list[list] = []

    class Shown:
        def __init__(self, columns, parent=None) -> None:  # type: ignore[no-untyped-def]
            shown.append(list(columns))

        def exec(self) -> int:
            return 0

        def deleteLater(self) -> None:  # (the dialog is deleted once closed)
            pass

    monkeypatch.setattr(actions_module, "CompareDialog", Shown)
    threads = _spy_reads(monkeypatch)
    room.scenario_actions.compare()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert threads and threading.main_thread().name not in threads, threads
    assert (
        [(c.name, c.projection.margin, c.today) for c in shown[0]]
        == expected
        == [
            ("Plan A", expected[0][1], ""),
            ("Plan B", expected[1][1], ""),
        ]
    )


def test_the_briefing_menu_works_out_the_saved_cases_off_the_gui_thread(room, qtbot, tmp_path, monkeypatch) -> None:
    _saved(room, qtbot, "Plan A")
    out = tmp_path / "briefing.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    threads = _spy_reads(monkeypatch)
    room.window.action_briefing.trigger()
    qtbot.waitUntil(lambda: out.exists() and _idle(room), timeout=10000)
    assert errors == []
    assert threads and threading.main_thread().name not in threads, threads
    assert out.read_bytes().startswith(b"%PDF")


def test_a_cancelled_briefing_writes_nothing(room, qtbot, tmp_path: Path, monkeypatch) -> None:
    _saved(room, qtbot, "Plan A")
    out = tmp_path / "briefing.pdf"
    out.write_bytes(b"the old briefing")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    release = threading.Event()
    threads = _spy_reads(monkeypatch, release)
    room.window.action_briefing.trigger()  # returns at once: the worker waits in its first read
    progress = getattr(room.scenario_actions, "figuring", None)
    assert progress is not None
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)  # (the worker may not have reached its first read yet)
    progress.cancel()
    qtbot.waitUntil(lambda: progress.wasCanceled(), timeout=2000)
    qtbot.wait(120)  # (the dialog's 50 ms timer passes the cancel on to the worker)
    release.set()
    qtbot.waitUntil(lambda: _idle(room), timeout=5000)
    assert "cancelled" in room.window.statusBar().currentMessage()
    assert out.read_bytes() == b"the old briefing"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["briefing.pdf"]


def test_figures_for_a_race_closed_meanwhile_are_not_briefed(room, qtbot, tmp_path: Path, monkeypatch) -> None:
    """The briefing takes its title, average and leads from the open race when the saved cases' figures land: a
    race opened meanwhile would have been briefed with the last one's saved cases."""
    from dataclasses import replace

    _saved(room, qtbot, "Plan A")
    out = tmp_path / "briefing.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    release = threading.Event()
    _spy_reads(monkeypatch, release)
    room.window.action_briefing.trigger()
    assert getattr(room.scenario_actions, "figuring", None) is not None
    monkeypatch.setattr(
        room.scenarios, "contest", replace(room.scenarios.contest, id=(room.scenarios.contest.id or 0) + 99)
    )
    release.set()
    qtbot.waitUntil(lambda: _idle(room), timeout=5000)
    qtbot.wait(50)
    assert "another contest" in room.window.statusBar().currentMessage()
    assert not out.exists()
