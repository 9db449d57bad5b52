"""Two-round slider benchmark: a slider move on the France 2022 runoff scenario to every output repainted (the
verdict, margin, win probability, break-even answer, the pickers' odds), median and 95th percentile, against
the Supplementary Vote panel's slider move on the London 2012 demo measured in the same run and the same
window.

Target (issue 11): p95 under 8 ms per move, the current SV budget (benchmarks/bench_scenario.py).
Also: switching the runoff matchup or the first-round hypothesis in the pickers, to every chart and the panel
repainted (the event loop run until a whole pass paints nothing), the first time each (averaged then) and again
(cached), against one 60 Hz frame; benchmarks/bench_two_round_switch.py measures the switch in detail.

Run: python benchmarks/bench_two_round_slider.py [--moves 2000] [--switches 24]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

import numpy as np
from _common import close_room, open_room, p95, paint_counter, summary, sv_slider_move


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=2000)
    parser.add_argument("--switches", type=int, default=24)
    args = parser.parse_args()

    from PySide6.QtWidgets import QWidget

    from warroom.demo import FRANCE_2022_NAME

    app, room = open_room()  # seeded: London 2012 and France 2022
    rng = np.random.default_rng(0)

    def run(moves: int, move: Callable[[int], None], watched: dict[str, QWidget]) -> tuple[list[float], dict]:
        counter = paint_counter()
        for name, widget in watched.items():
            widget.setObjectName(widget.objectName() or name)
            widget.installEventFilter(counter)
        for i in range(50):
            move(i)
            app.processEvents()
        counter.counts.clear()
        times = []
        for i in range(moves):
            t = time.perf_counter()
            move(i)
            app.processEvents()  # the coalesced recompute runs, the outputs are updated, Qt paints what changed
            times.append((time.perf_counter() - t) * 1000.0)
        for widget in watched.values():
            widget.removeEventFilter(counter)
        per_move = {name: counter.counts.get(w.objectName(), 0) / moves for name, w in watched.items()}
        return times, per_move

    # --- reference: the SV panel on the London demo -------------------------------------------------------------
    london = next(c for c in room.poll_service.contests() if c.name != FRANCE_2022_NAME)
    room.poll_service.open_contest(london.name)
    while room.scenarios.view is None:
        app.processEvents()
    sv = room.scenario_panel
    sv_move = sv_slider_move(room, rng)
    sv_times, sv_paints = run(
        args.moves,
        sv_move,
        {"verdict": sv.verdict, "runoff": sv.runoff_label, "win": sv.win_label, "heatmap": sv.heatmap.plot.viewport()},
    )

    # --- the two-round panel on France 2022 ---------------------------------------------------------------------
    room.poll_service.open_contest(FRANCE_2022_NAME)
    while room.two_round.view is None:
        app.processEvents()
    for _ in range(5):  # the view is ready as the contest opens: let the window show the runoff panel first
        app.processEvents()
    panel, pickers = room.two_round_panel, room.two_round_pickers
    rows = [w for w in panel.rows().values() if w.isVisible()]

    def tr_move(i: int) -> None:
        if i % 3 == 2:
            panel.turnout.slider.setValue(int(rng.integers(-1000, 1001)))
        else:
            row = rows[i % len(rows)]
            row.sliders[int(rng.integers(0, 4))].setValue(int(rng.integers(0, 1001)))

    tr_times, tr_paints = run(
        args.moves,
        tr_move,
        {
            "verdict": panel.verdict,
            "margin": panel.runoff_label,
            "win": panel.win_label,
            "break_even": panel.answer_label,
            "picker_odds": pickers.odds_label,
        },
    )

    # --- switching the matchup or the hypothesis (pickers), every chart and the panel repainted ----------------
    combo_m, combo_h = pickers.matchup_combo, pickers.hypothesis_combo
    switches: dict[str, list[float]] = {"matchup": [], "hypothesis": []}
    painted = paint_counter()  # every widget's paints: a switch ends when a whole pass paints nothing more
    app.installEventFilter(painted)
    for i in range(args.switches):
        for key, combo in (("matchup", combo_m), ("hypothesis", combo_h)):
            t = time.perf_counter()
            combo.setCurrentIndex((i + 1) % min(combo.count(), 6))  # the six most asked, each seen once then again
            while True:  # as benchmarks/bench_two_round_switch.py: until a pass paints nothing
                before = sum(painted.counts.values())
                app.processEvents()
                if sum(painted.counts.values()) == before:
                    break
            switches[key].append((time.perf_counter() - t) * 1000.0)
    app.removeEventFilter(painted)

    # --- the maths alone: the very call the controller makes per move -----------------------------------------
    from warroom.core.two_round_view import evaluate

    model = room.two_round
    first, scenario, error = model.first, model.scenario, model.defaults.error
    mt = []
    for _ in range(2000):
        t = time.perf_counter()
        evaluate(first, scenario, error=error, electorate=model.electorate)
        mt.append((time.perf_counter() - t) * 1000.0)

    print(f"slider move -> every output repainted ({args.moves} moves each, 1920x1080 window, same run)")
    print(f"  reference: SV panel, London 2012      {summary(sv_times)}")
    print("    paint events per move: " + ", ".join(f"{k} {v:.2f}" for k, v in sv_paints.items()))
    print(f"  two-round panel, France 2022 runoff   {summary(tr_times)}")
    print("    paint events per move: " + ", ".join(f"{k} {v:.2f}" for k, v in tr_paints.items()))
    print(f"  two-round maths only (projection, 4 share break-evens, turnout break-even): {summary(mt)}")
    for key, times in switches.items():
        first_pass = min(6, len(times))
        print(
            f"  {key} switch -> charts and panel repainted: first time each {summary(times[:first_pass])}; "
            f"again {summary(times[first_pass:] or times)}   (one 60 Hz frame: 16.7 ms)"
        )
    ok = p95(tr_times) < 8.0
    print(
        f"p95 < 8 ms (two-round move to every output repainted): {'PASS' if ok else 'MISS'} "
        f"({p95(tr_times):.2f} ms; SV reference {p95(sv_times):.2f} ms)"
    )
    close_room(room)
    return 0


if __name__ == "__main__":
    sys.exit(main())
