"""The small interfaces widgets talk through, so `ui` never imports `services` (they are siblings)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # annotations only: the scenario panel is built in the start's first paint (issue 15), and the
    # instant-runoff machinery (0.03 s of import) is not needed there
    from warroom.core.baseline import PollOffers
    from warroom.core.irv_pipeline import BreakEven, IrvCase, IrvView
    from warroom.core.irv_scenario import IrvScenario
    from warroom.core.pipeline import BaselineChoice, ProjectionView
    from warroom.core.runoff import Split
    from warroom.core.scenario import Baseline, Destination, DragSource, Scenario
    from warroom.core.types import Contest, Poll


class ScenarioModel(Protocol):
    """What the scenario panel binds to (services.scenario_service.ScenarioController in the app).

    The model owns the case; the panel keeps no copy. It writes through the setters and re-renders on the
    signals: baseline_changed(Baseline), scenario_changed(Scenario), view_ready(ProjectionView), case_cleared(str)
    (no case: the reason).
    """

    baseline_changed: Any
    scenario_changed: Any
    view_ready: Any
    case_cleared: Any
    contest: Contest | None
    polls: list[Poll]
    offers: PollOffers  # the newest polls a baseline can be, and the polling period (set before baseline_changed)
    choice: BaselineChoice
    baseline: Baseline | None
    scenario: Scenario | None
    view: ProjectionView | None
    cleared: str  # why there is no case, while there is none ("" otherwise)
    title: str
    read_only: bool

    def set_choice(self, choice: BaselineChoice) -> None: ...
    def set_split(self, code: str, split: Split) -> None: ...
    def set_message_strength(self, strength: float) -> None: ...
    def set_message_destination(self, destination: Destination) -> None: ...
    def set_drag_recovery(self, recovery: float) -> None: ...
    def set_message_uncertainty(self, uncertainty: float) -> None: ...
    def set_drag_source(self, source: DragSource) -> None: ...
    def reset(self) -> None: ...


class IrvModel(Protocol):
    """What the instant-runoff panel binds to (services.irv_service.IrvController in the app).

    Signals: case_cleared(str), case_changed(IrvCase), scenario_changed(IrvScenario), row_selected(str),
    view_ready(IrvView), break_evens_ready(str, list[BreakEven]), ballots_busy(bool) while a ballot file
    chosen with load_prior_ballots is read off the GUI thread, ballots_progress(bytes read, size).
    """

    case_cleared: Any
    case_changed: Any
    scenario_changed: Any
    row_selected: Any
    view_ready: Any
    break_evens_ready: Any
    ballots_busy: Any
    ballots_progress: Any
    contest: Contest | None
    case: IrvCase | None
    scenario: IrvScenario | None
    view: IrvView | None
    row: str
    break_even_list: list[BreakEven]

    def select_row(self, code: str) -> None: ...
    def set_row(self, code: str, shares: Mapping[str, float]) -> None: ...
    def load_prior_ballots(self, path: Path) -> None: ...
    def cancel_ballots(self) -> None: ...
    def reset(self) -> None: ...
