"""Chart benchmark: full recompute + redraw of the three charts with 10,000 polls, and pan/zoom with
100,000 points, against an equivalent matplotlib redraw in the same run.

Targets (issue 3): recompute + redraw under 50 ms; pan/zoom at 60 frames a second (16.7 ms a frame).
Run: python benchmarks/bench_charts.py [--polls 10000] [--points 100000]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from _common import CONTEST, p95, summary, synthetic_polls, timeit


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from warroom.core.pipeline import compute_averages
    from warroom.ui.charts import ChartPanel

    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(antialias=True, background="w", foreground="k", segmentedLineMode="on")  # as the app
    polls = synthetic_polls(args.polls)
    panel = ChartPanel()
    panel.resize(1600, 1000)
    panel.set_contest(CONTEST)
    panel.show()
    app.processEvents()

    from warroom.core.averaging import ColumnBuilder

    builder = ColumnBuilder(CONTEST)  # what the app keeps: rows of unchanged polls are reused

    def recompute_cold() -> None:
        compute_averages(polls, CONTEST)

    def recompute_only() -> None:
        compute_averages(polls, CONTEST, columns=builder)

    def recompute_and_redraw() -> None:
        averages = compute_averages(polls, CONTEST, columns=builder)
        panel.show_data(polls, averages)
        panel.grab()  # paint every chart for real (offscreen, repaint() may skip an unexposed window)

    print(f"warroom charts, {args.polls:,} polls, 3 linked charts at 1600x1000")
    t_cold = timeit(recompute_cold, max(3, args.repeat // 3))
    print(f"  average, cold (no row cache) {summary(t_cold)}")
    t_avg = timeit(recompute_only, args.repeat)
    print(f"  average recompute          {summary(t_avg)}")
    t_full = timeit(recompute_and_redraw, args.repeat)
    print(f"  recompute + redraw         {summary(t_full)}")

    # Reference: the same recompute and an equivalent matplotlib figure (3 axes, points, lines, bands).
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, 1, figsize=(16, 10), dpi=100, sharex=True)

    def matplotlib_redraw() -> None:
        averages = compute_averages(polls, CONTEST)
        for ax in axes:
            ax.clear()
        days = np.array([p.midpoint.toordinal() for p in polls], float)
        for code, series in averages.first_round.items():
            y = np.array([p.first_round.get(code, np.nan) for p in polls])
            axes[0].scatter(days, y, s=8)
            axes[0].plot(series.days, series.mean)
            axes[0].fill_between(series.days, series.lower, series.upper, alpha=0.2)
        for ax, s in ((axes[1], averages.first_lead), (axes[2], averages.second_lead)):
            ax.plot(s.days, s.mean)
            ax.fill_between(s.days, s.lower, s.upper, alpha=0.2)
        fig.canvas.draw()

    t_mpl = timeit(matplotlib_redraw, max(3, args.repeat // 3), warmup=1)
    print(f"  matplotlib reference       {summary(t_mpl)}")

    # Pan and zoom with many points: one chart, args.points poll points, frames rendered synchronously.
    big = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
    big.resize(1600, 600)
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(1.2e9, 1.4e9, args.points))
    y = 40 + np.cumsum(rng.normal(0, 0.05, args.points)) + rng.normal(0, 2, args.points)
    from warroom.ui.charts import add_points_item

    item = add_points_item(big.getPlotItem(), "#0072B2")
    item.setData(x, y)
    big.show()
    app.processEvents()
    vb = big.getPlotItem().getViewBox()
    span = x[-1] - x[0]
    frames = []
    import time

    for i in range(120):
        frac = 0.2 + 0.8 * abs(np.sin(i / 20))
        centre = x[0] + span * (0.5 + 0.3 * np.sin(i / 15))
        t = time.perf_counter()
        vb.setXRange(centre - span * frac / 2, centre + span * frac / 2, padding=0)
        big.grab()
        frames.append((time.perf_counter() - t) * 1000)
    fps = 1000.0 / np.median(frames)
    print(f"  pan/zoom {args.points:,} points   {summary(frames)}   = {fps:.0f} frames/s at the median")

    axm = plt.figure(figsize=(16, 6), dpi=100).add_subplot()
    axm.scatter(x, y, s=4)
    mframes = []
    for i in range(12):
        frac = 0.2 + 0.8 * abs(np.sin(i / 2))
        centre = x[0] + span * (0.5 + 0.3 * np.sin(i / 1.5))
        t = time.perf_counter()
        axm.set_xlim(centre - span * frac / 2, centre + span * frac / 2)
        axm.figure.canvas.draw()
        mframes.append((time.perf_counter() - t) * 1000)
    print(f"  matplotlib pan/zoom        {summary(mframes)}   = {1000 / np.median(mframes):.0f} frames/s")

    ok_full = np.median(t_full) < 50.0
    ok_pan = p95(frames) < 1000 / 60
    print(
        f"\nrecompute + redraw < 50 ms: {'PASS' if ok_full else 'MISS'} (median {np.median(t_full):.1f} ms, {np.median(t_mpl) / np.median(t_full):.1f}x faster than matplotlib)"
    )
    print(f"pan/zoom >= 60 frames/s:    {'PASS' if ok_pan else 'MISS'} (p95 frame {p95(frames):.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
