"""The lead's command-line checks of 30 November: `warroom forecast` on a contest it does not draw says which
contests it draws, not "no polls"; a house effect that rounds to nothing has no minus sign.

On France 2022 (409 stored polls) it said "no polls with first-round figures in France 2022 presidential"; the
window's Scenario > Forecast over time says it is for runoff (SV) contests only.
"""

from __future__ import annotations

import re

import pytest

from tests.cli._run import ok, run


@pytest.mark.parametrize(
    ("contest", "system"),
    [("France 2022 presidential", "two-round"), ("Burlington Mayor 2009", "instant-runoff")],
)
def test_forecast_of_a_contest_it_does_not_draw_names_the_system(db: list[str], contest: str, system: str) -> None:
    for extra in ((), ("--json",)):
        code, out, err = run(*db, *extra, "forecast", "--contest", contest)
        assert code == 1 and out == "", (out, err)
        assert "no polls" not in err and system in err and "Supplementary Vote" in err, err


def test_forecast_of_the_supplementary_vote_demo_still_draws(db: list[str]) -> None:
    out = ok(*db, "forecast", "--contest", "London Mayor 2012")
    assert "the forecast by week" in out


def test_a_house_effect_that_rounds_to_nothing_is_printed_without_a_minus(db: list[str]) -> None:
    """London 2012's YouGov effect (-0.04 points) printed as "-0.0" in `warroom average`'s house-effects table."""
    out = ok(*db, "average", "--contest", "London Mayor 2012")
    table = out.split("House effects", 1)[1]
    # (and, one formatter for every gap since (core.forecast.signed_points), without a plus either)
    assert "-0.0" not in table and "+0.0" not in table and re.search(r"YouGov\s+0\.0\b", table), table
