"""The start frame's scenario case (core/start_case.py): what the start's first stage evaluates is the case the
window evaluated, to the last digit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from warroom.core.baseline import poll_offers
from warroom.core.forecast import ForecastErrors
from warroom.core.pipeline import BaselineChoice, OddsModel, compute_averages, default_scenario, evaluate, make_baseline
from warroom.core.start_case import StartCase
from warroom.demo import LONDON_2012, demo_polls
from warroom.resources import resource_path


@pytest.fixture(scope="module")
def case() -> StartCase:
    polls = [replace(p, id=i + 1) for i, p in enumerate(demo_polls())]
    errors = ForecastErrors.load(resource_path("data", "forecast_errors.json"))
    odds = OddsModel(errors, LONDON_2012.election_date, valid_votes=2_201_902)
    averages = compute_averages(polls, LONDON_2012, odds=odds)
    choice = BaselineChoice()
    baseline = make_baseline(choice, polls, LONDON_2012, averages)
    defaults = default_scenario(baseline, polls, LONDON_2012, choice)
    return StartCase(choice, baseline, defaults, poll_offers(polls), odds)


def test_a_case_read_back_is_the_case_and_evaluates_to_the_same_figures_to_the_last_digit(case: StartCase) -> None:
    back = StartCase.from_json(case.to_json(), LONDON_2012)
    assert back == case
    moved = replace(case.defaults, message_strength=0.37, drag_recovery=0.125, message_uncertainty=0.1)
    for scenario in (case.defaults, moved):
        before = evaluate(case.baseline, scenario, odds=case.odds)
        after = evaluate(back.baseline, scenario, odds=back.odds)  # type: ignore[union-attr]
        assert after.projection == before.projection  # every float equal, not approximately
        assert after.odds == before.odds and after.break_even_splits == before.break_even_splits
        assert after.grid is not None and before.grid is not None and np.array_equal(after.grid, before.grid)
        assert after.contour is not None and before.contour is not None
        assert np.array_equal(after.contour, before.contour, equal_nan=True)
        assert after.break_even_words == before.break_even_words


def test_a_case_without_an_error_table_reads_back_too(case: StartCase) -> None:
    plain = replace(case, odds=None, offers=replace(case.offers, first=None, last=None))
    assert StartCase.from_json(plain.to_json(), LONDON_2012) == plain


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[]", '{"format": 0}', '{"format": 1}', '{"format": 1, "choice": {"mode": "nonsense"}}'],
)
def test_anything_else_is_no_case_never_an_error(text: str) -> None:
    assert StartCase.from_json(text, LONDON_2012) is None


def test_a_damaged_figure_is_no_case(case: StartCase) -> None:
    text = case.to_json().replace('"first_round": {', '"first_round": {"x": "many", ', 1)
    assert StartCase.from_json(text, LONDON_2012) is None
    assert StartCase.from_json(case.to_json().replace(str(date(2012, 5, 3)), "3 May"), LONDON_2012) is None
