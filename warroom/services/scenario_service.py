"""ScenarioController: keeps the baseline in step with the polls and projects every scenario change at once.

The projection, break-even, win probability and heatmap together take well under a millisecond
(benchmarks/bench_scenario.py), so they run synchronously on the GUI thread: no thread, no staleness.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal

from warroom.core.averaging import PollAverages
from warroom.core.baseline import (
    HEATMAP_SPLITS,
    HEATMAP_STRENGTHS,
    baseline_from_average,
    baseline_from_poll,
    baseline_to_dict,
    scenario_from_dict,
    scenario_to_dict,
    splits_from_polls,
)
from warroom.core.scenario import (
    Baseline,
    Projection,
    Scenario,
    break_even_curve,
    largest_eliminated,
    margin_grid,
    project,
)
from warroom.core.types import Contest, Poll


class ScenarioController(QObject):
    """Baseline + Scenario -> Projection.

    Signals:
        baseline_changed: a new Baseline (the panel rebuilds its sliders if the candidates changed).
        scenario_reset: a Scenario set from outside (defaults, reset, a saved one): show it, don't echo it.
        projection_ready: (Projection, margin grid, the candidate the grid's y axis is about, break-even curve).
        scenario_failed: message.
    """

    baseline_changed = Signal(object)
    scenario_reset = Signal(object)
    projection_ready = Signal(object, object, object, object)
    scenario_failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._contest: Contest | None = None
        self._polls: list[Poll] = []
        self._averages: PollAverages | None = None
        self._mode: tuple[str, Any] = ("average", None)
        self.baseline: Baseline | None = None
        self.scenario: Scenario | None = None
        self.projection: Projection | None = None
        self._touched = False  # the user moved something: keep their settings across poll updates

    def set_contest(self, contest: Contest) -> None:
        self._contest = contest
        self.baseline = None
        self.scenario = None
        self._touched = False

    def set_data(self, polls: Sequence[Poll], averages: PollAverages | None) -> None:
        self._polls = list(polls)
        self._averages = averages
        self._rebuild()

    def set_baseline_mode(self, mode: str, value: Any = None) -> None:
        self._mode = (mode, value)
        self._rebuild()

    def defaults(self) -> Scenario:
        base = self.baseline
        assert base is not None
        assert self._contest is not None
        splits = splits_from_polls(self._polls, self._contest, base.a, base.b)
        return Scenario(splits={k: v for k, v in splits.items() if k in base.eliminated})

    def reset(self) -> None:
        if self.baseline is None:
            return
        self._touched = False
        self.scenario = self.defaults()
        self.scenario_reset.emit(self.scenario)
        self._project()

    def set_scenario(self, scenario: Scenario) -> None:
        self._touched = True
        self.scenario = scenario
        self._project()

    def load(self, name: str, settings: dict[str, Any]) -> None:
        try:
            scenario = scenario_from_dict(settings, name)
        except ValueError as exc:
            self.scenario_failed.emit(str(exc))
            return
        if self.baseline is not None:
            # a saved scenario may predate a candidate: fill the gaps with today's defaults
            missing = {k: v for k, v in self.defaults().splits.items() if k not in scenario.splits}
            scenario = Scenario(
                {**missing, **scenario.splits},
                scenario.message_strength,
                scenario.message_destination,
                scenario.drag_recovery,
                scenario.drag_source,
                name,
            )
        self._touched = True
        self.scenario = scenario
        self.scenario_reset.emit(scenario)
        self._project()

    def to_saved(self) -> tuple[dict[str, Any], dict[str, Any]]:
        assert self.baseline is not None and self.scenario is not None
        return baseline_to_dict(self.baseline, *self._mode), scenario_to_dict(self.scenario)

    def evaluate(self, settings: dict[str, Any], name: str = "") -> Projection | None:
        """Project a saved scenario on the current baseline without changing what is shown."""
        if self.baseline is None:
            return None
        return project(self.baseline, scenario_from_dict(settings, name))

    # --- private --------------------------------------------------------------------------------------------

    def _rebuild(self) -> None:
        contest, averages = self._contest, self._averages
        if contest is None or averages is None or not averages.first_round:
            return
        mode, value = self._mode
        try:
            if mode == "poll":
                poll = next((p for p in self._polls if p.id == value), None)
                if poll is None:
                    self._mode = ("average", None)
                    baseline = baseline_from_average(averages, self._polls, contest)
                else:
                    baseline = baseline_from_poll(poll, contest, averages.a, averages.b)
            elif mode == "as_of" and isinstance(value, date):
                baseline = baseline_from_average(averages, self._polls, contest, value)
            else:
                baseline = baseline_from_average(averages, self._polls, contest)
        except (ValueError, KeyError) as exc:
            self.scenario_failed.emit(f"No baseline: {exc}")
            return
        self.baseline = baseline
        self.baseline_changed.emit(baseline)
        if self.scenario is None or not self._touched:
            self.scenario = self.defaults()
            self.scenario_reset.emit(self.scenario)
        else:
            splits = dict(self.scenario.splits)
            for k, v in self.defaults().splits.items():
                splits.setdefault(k, v)
            self.scenario = Scenario(
                splits,
                self.scenario.message_strength,
                self.scenario.message_destination,
                self.scenario.drag_recovery,
                self.scenario.drag_source,
                self.scenario.name,
            )
        self._project()

    def _project(self) -> None:
        base, scenario = self.baseline, self.scenario
        if base is None or scenario is None:
            return
        try:
            self.projection = project(base, scenario)
            target = largest_eliminated(base)
            grid = margin_grid(base, scenario, HEATMAP_STRENGTHS, HEATMAP_SPLITS, target) if target else None
            contour = break_even_curve(base, scenario, HEATMAP_SPLITS, target) if target else None
        except ValueError as exc:
            self.scenario_failed.emit(str(exc))
            return
        self.projection_ready.emit(self.projection, grid, target, contour)
