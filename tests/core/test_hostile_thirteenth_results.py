"""Issue 16, thirteenth hostile pass over back-tests, forecasts and official results: the core's rules
(tests/cli/test_hostile_thirteenth_results_cli.py has the command line's). Each test failed before its fix."""

from __future__ import annotations

from datetime import date

from warroom.core.forecast import ForecastErrors, chance_text
from warroom.core.pipeline import OddsModel, evaluate
from warroom.core.runoff import Split
from warroom.core.scenario import Baseline, Scenario
from warroom.resources import resource_path

ERRORS = ForecastErrors.load(resource_path("data", "forecast_errors.json"))


def test_the_verdict_gives_the_favourites_own_chance_when_a_third_candidate_can_win() -> None:
    """Four candidates level at 25 %: the verdict said "Likely Able (76 % chance)", one minus Baker's 24 %,
    though Cole and Dee reach the final (and win) in as many draws as Able; now the favourite's own simulated
    chance, as `warroom forecast` and the chance table print it."""
    base = Baseline({"A": 25.0, "B": 25.0, "C": 25.0, "D": 25.0}, {}, {}, "A", "B", as_of=date(2025, 4, 21))
    scenario = Scenario({"C": Split(27, 27, 46), "D": Split(27, 27, 46)})
    view = evaluate(base, scenario, heatmap=False, odds=OddsModel(ERRORS, date(2025, 5, 1)))
    odds = view.odds
    assert odds is not None
    favourite = max(odds.p_win, key=lambda c: odds.p_win[c])
    assert odds.p_win[favourite] < 0.5 and sum(v for k, v in odds.p_win.items() if k not in "AB") > 0.3
    assert view.projection.verdict.endswith(f"Toss-up ({favourite} {chance_text(odds.p_win[favourite])})")
    assert "Likely" not in view.projection.verdict


def test_the_verdict_of_a_two_way_race_is_unchanged() -> None:
    """Where only the pair ever wins, the words and the chance are the two-way ones (P(A) = 1 - P(B))."""
    base = Baseline({"A": 46.0, "B": 40.0, "C": 14.0}, {}, {}, "A", "B", as_of=date(2025, 4, 21))
    view = evaluate(base, Scenario({"C": Split(30, 30, 40)}), heatmap=False, odds=OddsModel(ERRORS, date(2025, 5, 1)))
    assert view.odds is not None and view.odds.p_win.get("C", 0.0) == 0.0
    p_b = view.projection.win_probability_b
    assert view.projection.verdict.endswith(f"A ({chance_text(1 - p_b)} chance)")
