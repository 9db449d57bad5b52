"""The scenario panel says which first round is the poll average and which the projection's (issue 16, one number,
one place)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_the_panel_says_its_baseline_is_as_polled_and_its_projection_scaled(demo) -> None:  # type: ignore[no-untyped-def]
    """The demo's baseline line said "First round: Johnson 44.1, Livingstone 37.7, Paddick 6.7" and the projection
    under it "First round: Johnson 44.0, Livingstone 37.6, Paddick 6.6" (the average sums to 100.4 %, the projection
    scales it to 100 %), nothing saying which was which. The baseline's line now says it is as polled and scaled
    in the projection, its figures those of the charts' average."""
    panel = demo.scenario_panel
    baseline = panel.model.baseline
    text = panel.baseline_label.text()
    assert "As polled: " in text and "First round: " not in text, text
    assert "% in all; scaled to 100 % in the projection)" in text, text
    johnson = demo.window.charts.curve_data(baseline.a)[1][-1]
    assert f"Johnson {johnson:.1f}" in text, (johnson, text)
    assert f"{baseline.first_round[baseline.a]:.1f}" == f"{johnson:.1f}"
