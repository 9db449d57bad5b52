"""`warroom scenario` says which first round is the poll average and which the projection's, scaled to 100 %
(issue 16, one number, one place)."""

from __future__ import annotations

import json

from tests.cli._run import ok


def test_scenario_prints_the_average_as_polled_and_the_projection_as_scaled(db: list[str]) -> None:
    """The demo's poll average sums to 100.4 %: `warroom average` said Johnson 44.1 and `warroom scenario`'s table
    44.0, headed only "first round %". The scenario now prints the average's figures as polled, says that they are
    scaled to 100 % in the projection, and heads its table as the projection's."""
    average = json.loads(ok("average", "--json", *db))
    text = ok("scenario", *db)
    johnson = average["first_round"][average["front_runner"]]["mean"]
    polled = next(line for line in text.splitlines() if line.startswith("As polled: "))
    assert text.splitlines().index(polled) == 2, text  # just after the baseline it describes
    assert f"Boris Johnson {johnson:.1f}" in polled, (polled, johnson)
    assert "% in all; scaled to 100 % in the projection)" in polled, polled
    assert "projected first round %" in text
