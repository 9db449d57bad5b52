"""The docks' share of the window: one rule for the real window (ui/main_window.py) and the start's first stage
(ui/start_shell.py), so the first paint lays the scenario panel and the poll table out where the window will
(issue 15: the two must look like the same window). Pure arithmetic; no widgets."""

from __future__ import annotations

MIN_CHARTS_WIDTH = 560
MIN_CHARTS_HEIGHT = 250
MIN_SCENARIO_WIDTH = 310  # the inputs of a Supplementary Vote race fit it without scrolling sideways
MIN_POLLS_HEIGHT = 110
SCENARIO_SHARE = 0.38  # of the window's width, until the user drags the separator
POLLS_SHARE = 0.24  # of the window's height
MAX_SHARE = 0.5  # a saved layout from before the panel scrolled (a 980-px dock) is not taken whole
PICKER_MAX_WIDTH = 380  # px: the toolbar's race picker's widest (a 1280-wide window keeps its toolbar whole)
PICKER_MIN_LETTERS = 18  # the picker's least width, in letters (the demos' "(demo)" mark was cut to "(den")


def dock_sizes(width: int, height: int, scenario_share: float, polls_share: float) -> tuple[int, int]:
    """(the scenario dock's width, the poll dock's height) in px for a window of `width` x `height`: each dock's
    share, within limits that leave the charts their minimum size."""
    scenario = round(scenario_share * width)
    scenario = max(MIN_SCENARIO_WIDTH, min(scenario, width - MIN_CHARTS_WIDTH - 24))
    polls = round(polls_share * height)
    polls = max(MIN_POLLS_HEIGHT, min(polls, height - MIN_CHARTS_HEIGHT - 120))
    return scenario, polls
