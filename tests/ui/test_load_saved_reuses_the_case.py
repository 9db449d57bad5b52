"""Loading a saved case (Scenario > Load) rebuilt its baseline twice: once for the live case (on the worker for a
big race) and once more, on the window's thread, to say whether today's polls change its answer (100,000 polls:
"load a scenario" held the window 305 ms, 203 ms of its CPU, most of it that second rebuild; bench_menu_stalls.py
--profile). Now that sentence is made from the live case when its rebuild lands: the same figures, no rebuild."""

from __future__ import annotations

import threading
from typing import Any

from tests.conftest import make_poll


def test_loading_a_saved_case_makes_its_baseline_once_and_off_the_window_thread(room, qtbot, monkeypatch) -> None:
    from warroom.core import pipeline

    controller = room.scenarios
    monkeypatch.setattr(controller, "_background_from", 1)  # rebuilt on the worker, as a big race's is
    room.scenario_actions.save_as("Plan A")
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    # today's polls give another answer than the saved ones did
    assert room.window.import_polls([make_poll(27, pollster=f"Since {k}", a=30, b=55, c=15) for k in range(3)])
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0 and controller._job is None, timeout=10000)
    threads: list[str] = []
    real = pipeline._baseline_and_defaults

    def counted(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_baseline_and_defaults", counted)
    said: list[str] = []
    controller.scenario_failed.connect(said.append)
    room.scenario_actions.load("Plan A")
    qtbot.waitUntil(lambda: controller._job is None and any(s.startswith("'Plan A': ") for s in said), timeout=10000)
    assert len(threads) == 1 and threads[0] != threading.main_thread().name, threads
    (note,) = [s for s in said if s.startswith("'Plan A': ")]
    assert "3 new polls" in note, note
    # the sentence is the one a fresh rebuild gives (one number, one place)
    saved = controller.find_saved("Plan A")
    fresh = pipeline.freshness(
        saved, controller.polls, controller.contest, controller.averages, controller.priors, controller.odds
    )
    assert note == f"'Plan A': {fresh.message}"
